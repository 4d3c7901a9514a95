"""goalcheck: is this client goal attainable, and when?

Quick start::

    import toolkit
    spec = toolkit.load_client("data/clients/acme-cases")
    analysis = toolkit.analyse_client(spec, seed=0)
    analysis.verdict_frame()
"""

from __future__ import annotations

import logging

from toolkit.assess import GoalAssessment, assess_goal, milestones, reach_dates
from toolkit.capacity import CapacityEstimate, estimate_market
from toolkit.errors import ConvergenceError, DataError, InputError, ToolkitError
from toolkit.paths import PathEnsemble, forecast_table, simulate_paths
from toolkit.record import record
from toolkit.report import ClientAnalysis, GoalResult, analyse_client
from toolkit.spec import ClientSpec, Goal, load_client
from toolkit.uncertain import Range, sample

__all__ = [
    "ClientAnalysis", "ClientSpec", "CapacityEstimate", "ConvergenceError", "DataError", "Goal", "GoalAssessment",
    "GoalResult", "InputError", "PathEnsemble", "Range", "ToolkitError", "analyse_client", "assess_goal",
    "estimate_market", "forecast_table", "load_client", "milestones", "reach_dates", "record", "report_setup",
    "sample", "simulate_paths",
]

logging.getLogger("toolkit").addHandler(logging.NullHandler())


def report_setup() -> None:
    """Prepare a notebook kernel for a client report: chart style, warnings kept out of the output."""
    import warnings

    from toolkit.plotting import setup_report_style

    setup_report_style()
    # Clients read results, not library chatter; warnings still reach the "py.warnings" log.
    logging.captureWarnings(True)
    warnings.simplefilter("default")
