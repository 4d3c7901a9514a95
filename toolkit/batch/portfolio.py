"""The batch's front page: ``index.html`` and ``summary.csv`` from recorded numbers."""

from __future__ import annotations

from pathlib import Path

from toolkit.batch.summary import summary_csv
from toolkit.present.formatting import Html, Safe, esc, fmt_month, fmt_number, fmt_percent, html_table, verdict_badge
from toolkit.report.assets import TEMPLATE_NAME, templates_dir
from toolkit.spec.atomic import atomic_write_text

__all__ = ["write_portfolio", "portfolio_html"]


PROGRESS_NOTES = {"on_track": "on track", "met": "goal met", "missed": "missed", "no_plan": "no plan saved"}


def portfolio_html(outcomes) -> str:
    rows = []
    for o in outcomes:
        link = Safe(f'<a href="{esc(o.html.name)}">{esc(o.records.get("client_name") or o.client_id)}</a>') if o.html else o.client_id
        if o.status != "ok":
            rows.append([link, "—", Safe('<span class="gc-verdict gc-verdict-unattainable">Failed</span>'),
                         "—", "—", "—", "—", o.error or "unknown error"])
            continue
        for g in o.records.get("goals", []):
            note = "behind plan" if g.get("behind_plan") else PROGRESS_NOTES.get(g.get("progress"), "")
            rows.append([link, g.get("goal", ""), verdict_badge(g.get("verdict", "")), fmt_percent(g.get("probability")),
                         fmt_number(g.get("realistic_max")), fmt_month(g.get("reach_p50")),
                         (g.get("expediency") or "not assessed").replace("_", " "),
                         Safe(f'<strong class="gc-behind">{esc(note)}</strong>') if g.get("behind_plan") else note])
    table = html_table(["Client", "Goal", "Verdict", "Chance", "Realistic maximum", "Reached by (50%)", "Expediency",
                        "Progress"], rows)
    failed = sum(o.status != "ok" for o in outcomes)
    css = (templates_dir() / TEMPLATE_NAME / "report.css").read_text(encoding="utf-8")
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>goalcheck portfolio</title>'
        f"<style>{css}</style></head><body class=\"goalcheck-report\"><main>"
        f"<h1>Client goal feasibility</h1><p class=\"gc-muted\">{len(outcomes)} clients, {failed} failed.</p>"
        f"{Html(str(table))}</main></body></html>"
    )


def write_portfolio(outcomes, out_dir) -> None:
    out = Path(out_dir)
    atomic_write_text(out / "summary.csv", summary_csv(outcomes))
    atomic_write_text(out / "index.html", portfolio_html(outcomes))
