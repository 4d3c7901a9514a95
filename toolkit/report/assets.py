"""Where the report notebook and the nbconvert template are, installed or in a checkout.

``notebooks/`` and ``templates/`` stay at the top of the repository and ship
inside the wheel as ``toolkit/notebooks`` and ``toolkit/templates``
(``package-dir`` in pyproject.toml). An editable install has no such folders
inside the package, so there they are found beside it, in the checkout.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["asset_dir", "report_notebook", "templates_dir", "TEMPLATE_NAME"]

TEMPLATE_NAME = "goalcheck"


def asset_dir(name: str) -> Path:
    """The shipped folder ``name`` (``notebooks`` or ``templates``) as a real directory."""
    package = Path(str(files("toolkit")))
    shipped = package / name
    return shipped if shipped.is_dir() else package.parent / name


def report_notebook() -> Path:
    return asset_dir("notebooks") / "client_report.ipynb"


def templates_dir() -> Path:
    return asset_dir("templates")
