"""How many months to simulate for a goal."""

from __future__ import annotations

import pandas as pd

__all__ = ["horizon_for", "MIN_HORIZON", "MAX_HORIZON"]

MIN_HORIZON = 24
#: Longest simulation; the spec refuses deadlines beyond it (``MAX_DEADLINE_MONTHS``).
MAX_HORIZON = 60


def horizon_for(as_of: str, deadline: str) -> int:
    """Months simulated: past the deadline by a year, so late reach dates are still seen."""
    months_to_deadline = (pd.Period(deadline, freq="M") - pd.Period(as_of, freq="M")).n
    return int(min(MAX_HORIZON, max(MIN_HORIZON, months_to_deadline + 12)))
