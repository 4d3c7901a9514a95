"""What a progress review holds: :class:`GoalReview` and its JSON-ready form.

Answers "what did the review of one goal find?"; the review itself is
:func:`toolkit.cycle.review.review_goal`, which defines every field (see that
module's docstring).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from toolkit.present.record import jsonable

__all__ = ["GoalReview"]


@dataclass(frozen=True)
class GoalReview:
    """A goal's progress against its saved plan; see the module docstring for definitions.

    Frames: ``milestones`` (month, target, low, high, actual, status, gap,
    gap_pct), ``progress`` (month, plan, low, high, actual: every month from
    approval to the deadline, actual NaN where not yet known), ``levers``
    (lever, in_metric, at_approval, planned, actual,
    gap_pct, share_of_shortfall) and ``funnel`` (stage, column, required,
    actual, gap_pct), the last two None when not computable.
    """

    goal_id: str
    statement: str
    metric: str
    kind: str
    target: float
    deadline: str
    plan_as_of: str
    as_of: str
    months_elapsed: int
    status: str
    behind_plan: bool
    latest_actual: float | None
    latest_plan: float | None
    met_on: str | None
    first_reached: str | None
    probability_at_approval: float
    probability_now: float | None
    verdict_at_approval: str
    verdict_now: str | None
    reach_p50_at_approval: str | None
    reach_p80_at_approval: str | None
    reach_p50_now: str | None
    reach_p80_now: str | None
    p_never_now: float | None
    realistic_max_now: float | None
    milestones: pd.DataFrame
    progress: pd.DataFrame
    levers: pd.DataFrame | None = None
    main_lever: str | None = None
    funnel: pd.DataFrame | None = None
    main_stage: str | None = None
    positives: tuple = ()
    negatives: tuple = ()
    recommendations: tuple = ()
    proposals: tuple = ()
    notes: tuple = ()
    plan_saved: bool = True
    #: "goal", or "realistic_max" for a plan saved (explicitly) toward less than the target.
    plan_toward: str = "goal"
    plan_target: float | None = None
    paths: object = field(default=None, repr=False, compare=False)

    @property
    def closed(self) -> bool:
        """True when the goal is met or its deadline has passed: time for the results review."""
        return self.status in ("met", "missed")

    def to_dict(self) -> dict:
        """JSON-ready dict (floats rounded, months as "YYYY-MM", frames as records)."""

        scalars = {k: getattr(self, k) for k in (
            "goal_id", "statement", "metric", "kind", "target", "deadline", "plan_as_of", "as_of",
            "months_elapsed", "status", "behind_plan", "latest_actual", "latest_plan", "met_on", "first_reached",
            "probability_at_approval", "probability_now", "verdict_at_approval", "verdict_now",
            "reach_p50_at_approval", "reach_p80_at_approval", "reach_p50_now", "reach_p80_now", "p_never_now",
            "realistic_max_now", "main_lever", "main_stage", "plan_saved", "plan_toward", "plan_target")}
        out = {k: rounded(v) for k, v in scalars.items()}
        out["milestones"] = rounded_records(self.milestones)
        out["progress"] = rounded_records(self.progress)
        out["levers"] = None if self.levers is None else rounded_records(self.levers)
        out["funnel"] = None if self.funnel is None else rounded_records(self.funnel)
        out["positives"] = [{k: rounded(v) for k, v in d.items()} for d in self.positives]
        out["negatives"] = [{k: rounded(v) for k, v in d.items()} for d in self.negatives]
        out["recommendations"] = list(self.recommendations)
        out["proposals"] = [p.to_dict() for p in self.proposals]
        out["notes"] = list(self.notes)
        return jsonable(out)

    def to_frame(self) -> pd.DataFrame:
        """One-row summary (no frames)."""
        d = self.to_dict()
        return pd.DataFrame([{k: v for k, v in d.items() if not isinstance(v, (list, dict))}])


def rounded(v):
    if isinstance(v, (float, np.floating)):
        v = float(v)
        return float(f"{v:.6g}") if math.isfinite(v) else None
    if isinstance(v, pd.Period):
        return v.strftime("%Y-%m")
    return v


def rounded_records(frame: pd.DataFrame) -> list[dict]:
    return [{k: rounded(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
