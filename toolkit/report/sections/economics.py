"""Report blocks for expediency and growth arithmetic: checks, unit economics, funnel, levers, readiness."""

from __future__ import annotations

import matplotlib.pyplot as plt

from toolkit.economics.funnel import pipeline_from_spec
from toolkit.economics.readiness import readiness_gaps
from toolkit.present.formatting import Html, esc, fmt_number, fmt_percent, html_table
from toolkit.report.analysis import ClientAnalysis
from toolkit.report.charts.economics import plot_funnel_volumes
from toolkit.report.charts.forecast import figure_html, label_margins

__all__ = ["checklist_section", "economics_section", "pipeline_section", "readiness_section"]

_QUANTITY_LABELS = {
    "cac": "Cost to acquire a customer", "margin_within_horizon": "Margin per customer within the horizon",
    "clv": "Customer lifetime value (margin)", "clv_to_cac": "Lifetime value / acquisition cost",
    "payback_months": "Payback (months)", "new_customers": "New customers the goal needs",
    "marketing_spend": "Marketing spend the goal needs", "return_by_deadline": "Margin returned by the deadline",
    "net_by_deadline": "Net by the deadline",
}
_MONEY = {"cac", "margin_within_horizon", "clv", "marketing_spend", "return_by_deadline", "net_by_deadline"}


def checklist_section(analysis: ClientAnalysis) -> Html:
    """The five verification checks per goal: three from the client file, two computed."""
    parts = []
    for result, econ in zip(analysis.goals, analysis.economics):
        rows = [[r.check.capitalize(), r.status, r.note] for r in econ.checklist.itertuples(index=False)]
        parts.append(f"<h4>{esc(result.goal.statement)}</h4>")
        parts.append(str(html_table(["Check", "Status", "Note"], rows)))
    return Html("".join(parts))


def _expediency_table(exp, currency: str) -> str:
    rows = []
    for key, q in exp.quantiles.items():
        unit = f" {currency}" if key in _MONEY else ""
        rows.append([_QUANTITY_LABELS.get(key, key), f"{fmt_number(q['p10'])}{unit}", f"{fmt_number(q['p50'])}{unit}",
                     f"{fmt_number(q['p90'])}{unit}"])
    return str(html_table(["Quantity", "P10", "P50 (median)", "P90"], rows))


def economics_section(analysis: ClientAnalysis) -> Html:
    """Per goal: the expediency verdict and unit economics, funnel volumes, lever combinations."""

    currency = analysis.spec.client.currency
    parts = []
    for result, econ in zip(analysis.goals, analysis.economics):
        parts.append(f"<h4>{esc(result.goal.statement)}</h4>")
        if econ.expediency is not None:
            exp = econ.expediency
            label = exp.verdict.replace("_", " ")
            parts.append(f"<p><strong>Expediency: {esc(label)}.</strong> {esc(exp.reason[:1].upper() + exp.reason[1:])}.</p>")
            parts.append(_expediency_table(exp, currency))
        if econ.volumes is not None:
            parts.append("<p>Monthly volume each funnel stage must receive for the target "
                         "(80% interval from the conversion ranges):</p>")
            rows = [[stage, fmt_number(r["p10"]), fmt_number(r["p50"]), fmt_number(r["p90"])]
                    for stage, r in econ.volumes.iterrows()]
            parts.append(str(html_table(["Stage", "P10", "P50", "P90"], rows)))
            fig, ax = plt.subplots(figsize=(8, 2.8))
            plot_funnel_volumes(econ.volumes, ax=ax)
            parts.append(figure_html(fig, alt="Required funnel volumes per month", margins=label_margins(ax)))
        if econ.top_of_funnel is not None and getattr(econ.top_of_funnel, "note", None):
            parts.append(f"<p>{esc(econ.top_of_funnel.note)}</p>")
        if econ.levers is not None:
            cols = [c for c in ("scenario", "customers_x", "avg_check_x", "frequency_x", "max_stretch", "within_ceiling")
                    if c in econ.levers.reset_index().columns]
            frame = econ.levers.reset_index()[cols]
            rows = [[fmt_number(v) if isinstance(v, float) else v for v in row] for row in frame.itertuples(index=False)]
            parts.append("<p>Ways to reach the revenue target: how far each lever must move (x = multiplier of "
                         "today's level). Only customers are limited by the market ceiling.</p>")
            parts.append(str(html_table([c.replace("_", " ") for c in cols], rows)))
        for note in econ.notes:
            parts.append(f'<p class="gc-muted">{esc(note)}</p>')
    return Html("".join(parts) or "<p>No economics inputs were given.</p>")


def pipeline_section(analysis: ClientAnalysis) -> Html:
    """Miller-Heiman pipeline per person: deals and selling time above the funnel, in it, and best few."""

    funnel = analysis.spec.funnel
    if not getattr(funnel, "pipeline", None):
        return Html('<p class="gc-muted">No pipeline counts were given for this client.</p>')
    frame = pipeline_from_spec(funnel)
    rows = [[r.person, r.position, fmt_number(r.deals), fmt_percent(r.deal_share),
             fmt_percent(r.time_share) if r.time_share == r.time_share else "not given", r.note]
            for r in frame.itertuples(index=False)]
    return html_table(["Person", "Position", "Deals", "Share of deals", "Share of selling time", "Note"], rows)


def readiness_section(analysis: ClientAnalysis) -> Html:
    """The growth-readiness diagnostic with the gaps that threaten the goals flagged."""

    readiness = getattr(analysis.spec, "readiness", None)
    if readiness is None:
        return Html('<p class="gc-muted">The growth-readiness diagnostic was not filled in for this client.</p>')
    gaps = readiness_gaps(readiness)
    flagged = gaps[gaps["flagged"].astype(bool)]
    missing = int((gaps["status"] == "missing").sum())
    intro = (f"<p>{len(gaps) - missing} of {len(gaps)} practices are in place; {missing} missing. "
             f"{len(flagged)} gap(s) threaten the goals:</p>")
    rows = [[r.group, r.question, r.answer, r.note] for r in flagged.itertuples(index=False)]
    if not rows:
        return Html(intro.replace(":</p>", ".</p>"))
    return Html(intro + str(html_table(["Area", "Question", "Answer", "Why it matters for the goal"], rows)))
