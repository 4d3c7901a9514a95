"""Record a notebook's key numbers so a batch run can read them back.

``record(name, value)`` emits a display output with a private MIME type. The
HTML exporter ignores unknown MIME types, so nothing shows in the client
report, while :func:`read_records` collects the values from the executed
notebook: summary.csv and index.html never scrape HTML.
"""

from __future__ import annotations

import json
import math
from datetime import date

import numpy as np
import pandas as pd

__all__ = ["record", "read_records", "RECORD_MIME", "jsonable"]

RECORD_MIME = "application/vnd.goalcheck.record+json"

# Values recorded outside a kernel (plain Python, tests) land here instead.
recorded_outside_kernel: dict[str, object] = {}


def jsonable(value):
    """Convert numpy, pandas and date values to plain JSON types (NaN becomes None)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, (pd.Period, pd.Timestamp, date)):
        return str(value)
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return str(value)


def record(name: str, value) -> None:
    """Record ``value`` under ``name`` in the running notebook (JSON-serialisable after conversion)."""
    payload = {"name": name, "value": jsonable(value)}
    json.dumps(payload)  # fail here, in the notebook, rather than in the batch reader
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - ipykernel is a dependency
        get_ipython = lambda: None  # noqa: E731
    if get_ipython() is None:
        recorded_outside_kernel[name] = payload["value"]
        return
    from IPython.display import display

    display({RECORD_MIME: payload}, raw=True)


def read_records(notebook) -> dict[str, object]:
    """Collect every recorded value from an executed notebook (a ``nbformat`` node); later wins."""
    found: dict[str, object] = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if RECORD_MIME in data:
                payload = data[RECORD_MIME]
                if isinstance(payload, str):
                    payload = json.loads(payload)
                found[payload["name"]] = payload["value"]
    return found
