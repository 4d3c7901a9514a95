"""goalcheck: is this client goal attainable, and when?

Quick start::

    import toolkit
    spec = toolkit.load_client("data/clients/acme-cases")
    analysis = toolkit.analyse_client(spec, seed=0)
    analysis.verdict_frame()

Names load on first use (PEP 562), so ``goalcheck check`` and readers do not
pay for importing statsmodels and matplotlib.
"""

from __future__ import annotations

import importlib
import logging

from toolkit.errors import ConvergenceError, DataError, InputError, ToolkitError

_LAZY = {
    "GoalAssessment": "toolkit.assess", "assess_goal": "toolkit.assess", "milestones": "toolkit.assess",
    "reach_dates": "toolkit.assess",
    "CapacityEstimate": "toolkit.capacity", "estimate_market": "toolkit.capacity",
    "PathEnsemble": "toolkit.paths", "forecast_table": "toolkit.paths", "simulate_paths": "toolkit.paths",
    "record": "toolkit.record",
    "ClientAnalysis": "toolkit.report", "GoalResult": "toolkit.report", "analyse_client": "toolkit.report",
    "ClientSpec": "toolkit.spec", "Goal": "toolkit.spec", "load_client": "toolkit.spec",
    "Range": "toolkit.uncertain", "sample": "toolkit.uncertain",
}

__all__ = sorted([*_LAZY, "ConvergenceError", "DataError", "InputError", "ToolkitError", "report_setup"])

logging.getLogger("toolkit").addHandler(logging.NullHandler())


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'toolkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__


def report_setup() -> None:
    """Prepare a notebook kernel for a client report: chart style, warnings kept out of the output."""
    import warnings

    from toolkit.plotting import setup_report_style

    setup_report_style()
    # Clients read results, not library chatter; warnings still reach the "py.warnings" log.
    logging.captureWarnings(True)
    warnings.simplefilter("default")
