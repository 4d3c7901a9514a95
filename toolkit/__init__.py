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

import importlib.abc
import importlib.util
import logging
import sys

from toolkit.errors import DataError, InputError, ToolkitError
from toolkit.lazy import lazy_exports

__getattr__, __dir__, _LAZY_NAMES = lazy_exports(__name__, {
    "toolkit.engine.assess": ("GoalAssessment", "assess_goal", "milestones", "reach_dates"),
    "toolkit.engine.paths": ("PathEnsemble", "forecast_table", "simulate_paths"),
    "toolkit.capacity.market": ("CapacityEstimate", "estimate_market"),
    "toolkit.present.record": ("record",),
    "toolkit.report.analysis": ("ClientAnalysis", "GoalResult", "analyse_client"),
    "toolkit.spec.client": ("ClientSpec", "Goal", "load_client"),
    "toolkit.priors.ranges": ("Range", "sample"),
})

__all__ = sorted([*_LAZY_NAMES, "DataError", "InputError", "ToolkitError", "report_setup"])

logging.getLogger("toolkit").addHandler(logging.NullHandler())

#: The flat module paths of earlier releases and their homes today: notebooks, scripts and
#: issues name them (``toolkit.funnel.required_volumes``), so ``import toolkit.funnel``
#: still gives the very module that now lives at ``toolkit.economics.funnel``.
FORMER_MODULES = {
    "assess": "engine.assess",
    "atomic": "spec.atomic",
    "blend": "engine.blend",
    "calibration": "engine.calibration",
    "capacity_estimate": "capacity.estimate",
    "capacity_models": "capacity.models",
    "client_files": "spec.files",
    "ctr": "priors.ctr",
    "demand_scaling": "demand.scaling",
    "demand_view": "demand.view",
    "export": "report.export",
    "fingerprint": "batch.fingerprint",
    "formatting": "present.formatting",
    "funnel": "economics.funnel",
    "goal_economics": "economics.goal",
    "kernel": "batch.kernelspec",
    "layout": "spec.layout",
    "models": "engine.members",
    "monthly": "demand.monthly",
    "next_goals": "cycle.next_goals",
    "outliers": "engine.outliers",
    "paths": "engine.paths",
    "plan": "cycle.plan",
    "plotting": "report.charts.forecast",
    "plotting_capacity": "report.charts.capacity",
    "plotting_demand": "report.charts.demand",
    "plotting_economics": "report.charts.economics",
    "plotting_progress": "report.charts.progress",
    "portfolio": "batch.portfolio",
    "progress": "cycle.review",
    "progress_display": "batch.progress_bar",
    "progress_gaps": "cycle.gaps",
    "progress_result": "cycle.review_result",
    "quick": "engine.quick",
    "readiness": "economics.readiness",
    "record": "present.record",
    "seasonal": "engine.seasonal",
    "sections": "report.sections.goals",
    "sections_economics": "report.sections.economics",
    "sections_market": "report.sections.market",
    "sections_progress": "report.sections.progress",
    "spec_base": "spec.base",
    "spec_sections": "spec.sections",
    "uncertain": "priors.ranges",
    "warm": "batch.warm_kernel",
}


class _FormerModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Resolves a former flat module path to the module object at its new home."""

    def find_spec(self, fullname, path=None, target=None):
        home = FORMER_MODULES.get(fullname.removeprefix(__name__ + ".")) if fullname.startswith(__name__ + ".") else None
        return importlib.util.spec_from_loader(fullname, self) if home else None

    def create_module(self, spec):
        return importlib.import_module(f"{__name__}.{FORMER_MODULES[spec.name.removeprefix(__name__ + '.')]}")

    def exec_module(self, module):
        """Nothing to run: the module was executed once, at its new home."""


if not any(isinstance(finder, _FormerModuleFinder) for finder in sys.meta_path):
    sys.meta_path.append(_FormerModuleFinder())


def report_setup() -> None:
    """Prepare a notebook kernel for a client report: chart style, warnings kept out of the output."""
    import warnings

    from toolkit.report.charts.forecast import setup_report_style

    setup_report_style()
    # Clients read results, not library chatter; warnings still reach the "py.warnings" log.
    logging.captureWarnings(True)
    warnings.simplefilter("default")
