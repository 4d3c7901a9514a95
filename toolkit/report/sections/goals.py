"""The client report's text blocks and tables, as escaped HTML.

Each function takes analysis results and returns an :class:`~toolkit.present.formatting.Html`
that a notebook cell shows as it is. Client-provided strings are always escaped.
"""

from __future__ import annotations

from datetime import date

from toolkit.present.formatting import (
    VERDICT_LABELS,
    Html,
    esc,
    fmt_month,
    fmt_number,
    fmt_percent,
    fmt_range,
    html_table,
    verdict_badge,
)
from toolkit.report.analysis import ClientAnalysis, GoalResult
from toolkit.report.charts.forecast import STANDARD_MARGINS, figure_html, plot_fan, plot_reach_dates
from toolkit.spec.client import ClientSpec

__all__ = ["title_block", "goals_table", "verdict_table", "reach_sentence", "milestone_table",
           "capacity_table", "assumptions_table", "verdict_badge", "VERDICT_LABELS", "goal_sections"]

def _tick(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "not recorded"}[value]


def title_block(spec: ClientSpec, *, generated: date | None = None) -> Html:
    c = spec.client
    when = (generated or date.today()).isoformat()
    return Html(
        f"<h1>Goal feasibility: {esc(c.name)}</h1>"
        f'<p class="gc-muted">Data as of {esc(fmt_month(c.as_of))} &middot; currency {esc(c.currency)} '
        f"&middot; client id {esc(c.id)} &middot; prepared {esc(when)}</p>"
    )


def goals_table(spec: ClientSpec) -> Html:
    """The goals as agreed, with the first three verification checks from the client file."""
    rows = []
    for g in spec.goals:
        ch = g.checklist
        approved = f"{_tick(ch.stated_back)}" + (f" ({ch.approved_on.isoformat()})" if ch.approved_on else "")
        rows.append([g.statement, g.metric, fmt_number(g.target), fmt_month(g.deadline), g.kind,
                     _tick(ch.sure_of_goal), _tick(ch.same_understanding), approved, ch.agreed_by or "—"])
    return html_table(["Goal", "Metric", "Target", "Deadline", "Kind", "Goal is clear",
                       "Same understanding", "Stated back and approved", "Agreed by"], rows)


def verdict_table(analysis: ClientAnalysis) -> Html:
    rows = []
    for r in analysis.goals:
        a = r.assessment
        rows.append([r.goal.statement, fmt_percent(a.probability), verdict_badge(a.verdict),
                     fmt_number(a.realistic_max), fmt_month(a.reach_p50), fmt_month(a.reach_p80),
                     fmt_percent(a.p_never)])
    conf = fmt_percent(analysis.confidence)
    return html_table(["Goal", "Chance of meeting it", "Verdict", f"Realistic maximum ({conf} sure)",
                       "Reached by (50%)", "Reached by (80%)", "Not reached within horizon"], rows)


def reach_sentence(result: GoalResult) -> Html:
    """The reach-date distribution in words, e.g. "50% by March 2027, 80% by August 2027"."""
    a = result.assessment
    horizon = result.paths.values.shape[1]
    g = result.goal
    parts = [f"Target {esc(fmt_number(g.target))} {esc(g.metric)}"
             f"{' in total' if g.kind == 'cumulative' else ' a month'}: "]
    if a.reach_p50 is not None:
        parts.append(f"50% chance by {esc(fmt_month(a.reach_p50))}")
        parts.append(f", 80% by {esc(fmt_month(a.reach_p80))}" if a.reach_p80 is not None else ", under 80% within the horizon")
    else:
        parts.append("less than a 50% chance of reaching it at all")
    parts.append(f"; {esc(fmt_percent(a.p_never))} of simulated futures do not reach it within {horizon} months.")
    text = "".join(parts)
    if a.verdict != "attainable":
        text += (f" The realistic maximum by {esc(fmt_month(g.deadline))} is {esc(fmt_number(a.realistic_max))} "
                 f"({esc(fmt_percent(a.confidence))} sure)")
        if a.max_reach_p50 is not None:
            text += f", reached with 50% chance by {esc(fmt_month(a.max_reach_p50))}"
            if a.max_reach_p80 is not None:
                text += f" and 80% by {esc(fmt_month(a.max_reach_p80))}"
        text += "."
    return Html(f"<p>{text}</p>")


def milestone_table(result: GoalResult) -> Html:
    m = result.assessment.milestones
    rows = [[fmt_month(r.month), fmt_number(r.target), fmt_range(r.low, r.high)] for r in m.itertuples(index=False)]
    return html_table(["Month", "Intermediate target", "Expected band (if on track)"], rows)


def capacity_table(analysis: ClientAnalysis) -> Html:
    if analysis.capacity is None:
        return Html('<p class="gc-caveat">No market inputs were given, so no capacity ceiling binds the forecasts.</p>')
    s = analysis.capacity.summary()
    cur = analysis.spec.client.currency
    rows = []
    for name, row in s.iterrows():
        unit = cur if "money" in name else "per month"
        rows.append([name.capitalize(), fmt_number(row["p10"]), fmt_number(row["p50"]), fmt_number(row["p90"]), unit])
    return html_table(["Per month", "P10", "P50 (median)", "P90", "Unit"], rows)


def assumptions_table(analysis: ClientAnalysis) -> Html:
    """Every uncertain input with its range and source, so each figure traces back."""
    if analysis.capacity is None:
        return Html("<p>No market assumptions.</p>")
    frame = analysis.capacity.assumptions().astype(object)
    frame = frame.where(frame.notna(), "not given")
    return html_table(list(frame.columns), frame.astype(str).itertuples(index=False))


def goal_sections(analysis: ClientAnalysis) -> Html:
    """Per goal: fan chart, reach-date sentence and chart, milestone plan."""
    import matplotlib.pyplot as plt

    parts = []
    for result in analysis.goals:
        g = result.goal
        parts.append(f"<h3>{esc(g.statement)}</h3>")
        parts.append(f'<p class="gc-muted">Model: {esc(result.paths.model)}; {result.paths.values.shape[0]:,} simulated futures.</p>')
        fig, ax = plt.subplots()
        plot_fan(result, ax=ax)
        parts.append(figure_html(fig, alt=f"Forecast fan chart for {g.statement}", margins=STANDARD_MARGINS))
        parts.append(str(reach_sentence(result)))
        fig, ax = plt.subplots(figsize=(8, 2.8))
        plot_reach_dates(result, ax=ax)
        parts.append(figure_html(fig, alt=f"Reach-date distribution for {g.statement}", margins=STANDARD_MARGINS))
        parts.append("<h4>Milestones</h4>")
        parts.append(str(milestone_table(result)))
    return Html("".join(parts))
