"""The batch's front page: ``index.html`` and ``summary.csv`` from recorded numbers.

The index is one row per goal (target with its unit, deadline, verdict, chance,
realistic maximum, progress badge), rendered by ``templates/goalcheck/portfolio.html.j2``
with the report's own wording, and sortable in the browser without a server.
"""

from __future__ import annotations

from pathlib import Path

from toolkit.batch.summary import summary_csv
from toolkit.engine.assess import VERDICTS
from toolkit.report.assets import TEMPLATE_NAME, templates_dir
from toolkit.report.render import render
from toolkit.spec.atomic import atomic_write_text

__all__ = ["write_portfolio", "portfolio_html"]


def _rows(outcomes) -> list[dict]:
    rows = []
    for o in outcomes:
        name = o.records.get("client_name") or o.client_id
        href = o.html.name if o.html else None
        if o.status != "ok":
            rows.append({"client": name, "href": href, "failed": True, "error": o.error or "unknown error"})
            continue
        for g in o.records.get("goals", []):
            rows.append({"client": name, "href": href, "failed": False, "goal": g,
                         "currency": o.records.get("currency", "")})
    return rows


def portfolio_html(outcomes) -> str:
    css = (templates_dir() / TEMPLATE_NAME / "report.css").read_text(encoding="utf-8")
    return str(render("portfolio.html.j2", rows=_rows(outcomes), css=css,
                      failed=sum(o.status != "ok" for o in outcomes),
                      verdict_order={v: i for i, v in enumerate(VERDICTS)})) + "\n"


def write_portfolio(outcomes, out_dir) -> None:
    """Write ``summary.csv`` and ``index.html`` atomically, readable as the umask allows."""
    out = Path(out_dir)
    for name, text in (("summary.csv", summary_csv(outcomes)), ("index.html", portfolio_html(outcomes))):
        atomic_write_text(out / name, text)
