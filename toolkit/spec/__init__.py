"""What did the client give us, and is it valid?

The client folder (``client.yaml``, the monthly KPI history, demand exports) as
frozen pydantic models: :func:`load_client` reads it safely, and every problem
becomes one :class:`~toolkit.errors.InputError` naming the file, the field and
what was expected. Also the folder's file names and atomic writes into it.

Names load on first use: the batch parent needs only the folder's file names
(:mod:`toolkit.spec.layout`) and must not pay for pydantic, pandas and scipy
before it starts its workers.
"""

from toolkit.lazy import lazy_exports

_HOMES = {
    "toolkit.spec.client": (
        "ClientInfo", "TrendsQuery", "Checklist", "Goal", "MarketSpec", "Segment", "Scenario", "ClientSpec",
        "load_client", "METRICS", "MAX_DEADLINE_MONTHS", "MIN_POSITIVE_MONTHS", "SAFE_ID",
    ),
    "toolkit.spec.sections": ("EconomicsSpec", "FunnelStage", "FunnelSpec", "PipelinePerson", "ReadinessSpec", "Answer"),
    "toolkit.spec.files": ("read_history", "resolve_in_folder", "MAX_YAML_VALUES"),
    "toolkit.spec.base": ("Frozen", "MONTH", "MAX_VALUE"),
    "toolkit.spec.layout": ("CLIENT_FILE",),
    "toolkit.spec.atomic": ("atomic_write_text", "atomic_write_bytes"),
}
__getattr__, __dir__, __all__ = lazy_exports(__name__, _HOMES)
