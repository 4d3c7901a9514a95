"""Report blocks for the market: capacity with its drivers, and the demand shape."""

from __future__ import annotations

import matplotlib.pyplot as plt

from toolkit.capacity.market import compare_scenarios, keyword_tables
from toolkit.demand.shape import summarise_demand
from toolkit.present.formatting import Html, esc, fmt_count, html_table
from toolkit.report.analysis import ClientAnalysis
from toolkit.report.charts.capacity import plot_capacity, plot_tornado
from toolkit.report.charts.demand import plot_demand, plot_seasonal_index
from toolkit.report.charts.forecast import LEGEND_MARGINS, STANDARD_MARGINS, figure_html, label_margins
from toolkit.report.model import ReportModel, build_report
from toolkit.report.render import render
from toolkit.report.sections.goals import capacity_table

__all__ = ["capacity_section", "demand_section"]


def capacity_section(analysis: ClientAnalysis, model: ReportModel | None = None) -> Html:
    """Capacity and ceiling table, their distribution, the tornado of drivers, and scenarios.

    Left out (empty) without market inputs; the appendix lists it as not provided.
    """

    est = analysis.capacity
    if est is None:
        return Html("")
    model = model if model is not None else build_report(analysis)
    parts = [str(render("section_heading.html.j2", id="market")), str(capacity_table(model))]
    cur = analysis.spec.client.currency
    fig, ax = plt.subplots()
    plot_capacity(est, ax=ax, what="units")
    parts.append(figure_html(fig, alt="Distribution of market capacity and the client's ceiling, units per month",
                             margins=LEGEND_MARGINS))
    parts.append("<p>Which inputs move the estimate most: each bar shows capacity with that input at the low "
                 "and the high end of its range and the others at their middle values; the share in brackets is how "
                 "much of the uncertainty it explains. Narrowing the widest bars narrows the answer.</p>")
    fig, ax = plt.subplots(figsize=(8, 3.2))
    plot_tornado(est, ax=ax, output="units")
    parts.append(figure_html(fig, alt="Tornado chart of capacity drivers", margins=label_margins(ax)))
    market = analysis.spec.market
    if market is not None and market.scenarios:
        table = compare_scenarios(market, keywords=keyword_tables(analysis.spec), n=min(analysis.n_paths, 5000),
                                  seed=analysis.seed)
        rows = [["as estimated" if name == "base" else str(name).replace("_", " "), fmt_count(r["units_p50"]),
                 fmt_count(r["ceiling_units_p10"]), fmt_count(r["ceiling_units_p50"]), fmt_count(r["ceiling_units_p90"])]
                for name, r in table.iterrows()]
        parts.append("<h4>Expansion scenarios</h4>")
        parts.append(str(html_table(["Scenario", "Whole market (typical, units a month)", "Ceiling, low",
                                     "Ceiling, typical", "Ceiling, high"], rows)))
    parts.append(f'<p class="gc-muted">Money figures in {esc(cur)} per month.</p>')
    return Html("".join(parts))


def demand_section(analysis: ClientAnalysis) -> Html:
    """The demand series with its trend, and the seasonal factors as % above or below the average month."""

    view = analysis.demand
    if view is None:
        return Html("")  # under two years of data: left out, listed in the appendix as not provided
    summary = summarise_demand(view.index, view.growth, subject=view.subject)
    parts = [str(render("section_heading.html.j2", id="demand")), f"<p>{esc(summary['sentence'])}</p>",
             f'<p class="gc-muted">Source: {esc(view.source)}.</p>']
    if view.caveat:
        parts.append(f'<p class="gc-caveat">{esc(view.caveat)}</p>')
    fig, ax = plt.subplots()
    plot_demand(view.series, view.growth, ax=ax, ylabel=f"{view.subject.capitalize()} per month")
    parts.append(figure_html(fig, alt="Demand per month with its trend", margins=STANDARD_MARGINS))
    fig, ax = plt.subplots(figsize=(8, 3.0))
    plot_seasonal_index(view.index, view.band, ax=ax)
    parts.append(figure_html(fig, alt="Seasonal factors: percent above or below the average month", margins=STANDARD_MARGINS))
    return Html("".join(parts))
