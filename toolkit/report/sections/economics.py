"""Report blocks for expediency and growth arithmetic: checks, unit economics, funnel, levers, readiness."""

from __future__ import annotations

import math
import re

import matplotlib.pyplot as plt
import numpy as np

from toolkit.economics.funnel import pipeline_from_spec
from toolkit.economics.readiness import readiness_gaps
from toolkit.present.formatting import Html, esc, fmt_count, fmt_money, fmt_number, fmt_percent, html_table
from toolkit.report.analysis import ClientAnalysis
from toolkit.report.charts.economics import plot_funnel_volumes
from toolkit.report.charts.forecast import figure_html, label_margins
from toolkit.report.model import ReportModel, build_report
from toolkit.report.render import render

__all__ = ["economics_section", "pipeline_section", "readiness_section"]

_QUANTITY_LABELS = {
    "cac": "Cost to win a customer", "margin_within_horizon": "Margin a customer brings by the deadline",
    "clv": "Margin a customer brings over their lifetime",
    "clv_to_cac": "Lifetime margin for each 1 spent to win a customer",
    "payback_months": "Months until a customer pays back their cost", "new_customers": "New customers the goal needs",
    "marketing_spend": "Marketing spend the goal needs", "return_by_deadline": "Margin returned by the deadline",
    "net_by_deadline": "Net by the deadline",
}
_MONEY = {"cac", "margin_within_horizon", "clv", "marketing_spend", "return_by_deadline", "net_by_deadline"}
_COUNTS = {"new_customers"}
_LEVER_LABELS = {"scenario": "Way to reach it", "customers_x": "Customers", "avg_check_x": "Average check",
                 "frequency_x": "Purchases per customer", "max_stretch": "Largest change",
                 "within_ceiling": "Within the market ceiling"}
_SCENARIOS = {"base": "as planned", "customers": "more customers", "avg_check": "a higher average check",
              "frequency": "more purchases per customer", "balanced": "all three together"}


def _quantity(key: str, value: float, currency: str) -> str:
    if key in _MONEY:
        return fmt_money(value, currency)
    if key in _COUNTS:
        return fmt_count(value)
    if key == "payback_months":
        return "never" if not math.isfinite(value) else fmt_number(max(value, 0.0), digits=2)
    return fmt_number(value, digits=2)


def _expediency_table(exp, currency: str) -> str:
    rows = [[_QUANTITY_LABELS.get(key, key.replace("_", " ")),
             *(_quantity(key, q[p], currency) for p in ("p10", "p50", "p90"))]
            for key, q in exp.quantiles.items()]
    return str(html_table(["What", "Low", "Typical", "High"], rows))


def _multiplier(v) -> str:
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "no"
    if isinstance(v, (float, np.floating)):
        return f"x{fmt_number(float(v), digits=2)}"
    return str(v)


def economics_section(analysis: ClientAnalysis, model: ReportModel | None = None) -> Html:
    """Per goal: whether it pays (the checklist's expedient status), unit economics, funnel volumes, levers.

    Left out (empty) when no goal has any of them; the appendix lists it as not provided.
    """

    currency = analysis.spec.client.currency
    facts = {g.id: g for g in model.goals} if model is not None else {}
    parts = []
    for result, econ in zip(analysis.goals, analysis.economics):
        body = []
        if econ.expediency is not None:
            g = facts.get(result.goal.id)
            if g is not None:
                body.append(str(render("section_expedient.html.j2", g=g, m=model)))
            body.append(_expediency_table(econ.expediency, currency))
        if econ.volumes is not None:
            body.append("<p>How many each funnel stage must deliver per month for the target:</p>")
            rows = [[stage, fmt_count(r["p10"]), fmt_count(r["p50"]), fmt_count(r["p90"])]
                    for stage, r in econ.volumes.iterrows()]
            body.append(str(html_table(["Stage", "Low", "Typical", "High"], rows)))
            if len(econ.volumes) > 1:  # one bar says nothing the table does not
                fig, ax = plt.subplots(figsize=(8, 2.8))
                plot_funnel_volumes(econ.volumes, ax=ax)
                body.append(figure_html(fig, alt="Required funnel volumes per month", margins=label_margins(ax)))
        if econ.top_of_funnel is not None and getattr(econ.top_of_funnel, "note", None):
            body.append(f"<p>{esc(econ.top_of_funnel.note)}</p>")
        if econ.levers is not None:
            frame = econ.levers.reset_index()
            cols = [c for c in _LEVER_LABELS if c in frame.columns]
            rows = [[_SCENARIOS.get(v, str(v).replace("_", " ")) if c == "scenario" else _multiplier(v)
                     for c, v in zip(cols, row)] for row in frame[cols].itertuples(index=False)]
            body.append("<p>Ways to reach the revenue target: how far each lever must move (x2 = twice "
                        "today's level). Only customers are limited by the market ceiling.</p>")
            body.append(str(html_table([_LEVER_LABELS[c] for c in cols], rows)))
        if body:
            parts.append(f'<div class="gc-keep"><h4>{esc(result.goal.statement)}</h4>')
            parts.extend(body)
            parts.append("</div>")
    if not parts:
        return Html("")
    return Html(str(render("section_heading.html.j2", id="economics")) + "".join(parts))


def pipeline_section(analysis: ClientAnalysis) -> Html:
    """Miller-Heiman pipeline per person: deals and selling time above the funnel, in it, and best few."""

    funnel = analysis.spec.funnel
    if not getattr(funnel, "pipeline", None):
        return Html("")  # left out of the client report; the appendix lists it as not provided
    frame = pipeline_from_spec(funnel)
    rows = [[r.person, r.position, fmt_count(r.deals), fmt_percent(r.deal_share),
             fmt_percent(r.time_share) if r.time_share == r.time_share else "not given", r.note]
            for r in frame.itertuples(index=False)]
    table = html_table(["Person", "Position", "Deals", "Share of deals", "Share of selling time", "Note"], rows)
    return Html(str(render("section_heading.html.j2", id="pipeline")) + str(table))


def readiness_section(analysis: ClientAnalysis, model: ReportModel | None = None) -> Html:
    """The growth-readiness diagnostic with the gaps that threaten the goals flagged."""

    readiness = getattr(analysis.spec, "readiness", None)
    model = model if model is not None else build_report(analysis)
    if readiness is None or model.readiness is None:
        return Html("")  # left out of the client report; the appendix lists it as not provided
    gaps = readiness_gaps(readiness)
    flagged = gaps[gaps["flagged"].astype(bool)]
    parts = [str(render("section_heading.html.j2", id="readiness")),
             str(render("section_readiness.html.j2", r=model.readiness))]
    rows = [[r.group, _plain(r.question), _answer(r.answer, r.status), _gap_note(r)]
            for r in flagged.itertuples(index=False)]
    if rows:
        parts.append(str(html_table(["Area", "Question", "Answer", "Why it matters for the goal"], rows)))
    return Html("".join(parts))


def _plain(question: str) -> str:
    """The diagnostic's question without analysts' abbreviations ("... online (CAC)?")."""
    return re.sub(r"\s*\((CAC|CLV|LTV)\)", "", question)


def _answer(answer, status: str) -> str:
    return "not answered" if status == "unknown" else str(answer)


def _gap_note(row) -> str:
    """The diagnostic's note without its echo of the question ("not answered (what does ...)")."""
    note = str(row.note)
    if row.status == "unknown" and " while " in note:
        return "not answered, while " + note.split(" while ", 1)[1]
    return note
