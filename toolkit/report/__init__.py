"""What does the client read?

The analysis of one client (:func:`analyse_client`: capacity, demand, paths
and verdict per goal), the report model built from it once (:func:`build_report`:
every fact the report states), the sections that render that model through
jinja2 templates, its charts, and the export of an executed notebook to
self-contained HTML.

Names load on first use: the batch parent imports the export and the assets
before its workers start and must not pay for the analysis stack.
"""

from toolkit.lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "toolkit.report.analysis": ("GoalResult", "ClientAnalysis", "analyse_client"),
    "toolkit.engine.horizon": ("horizon_for", "MIN_HORIZON", "MAX_HORIZON"),
    "toolkit.capacity.market": ("keyword_tables",),
    "toolkit.report.export": ("export_html",),
    "toolkit.report.model": ("ReportModel", "build_report"),
})
