"""The client report's text blocks and tables, as escaped HTML.

Each function takes analysis results and returns an :class:`~toolkit.present.formatting.Html`
that a notebook cell shows as it is. Client-provided strings are always escaped.
"""

from __future__ import annotations

from toolkit.engine.assess import MILESTONE_DEFINITION
from toolkit.present.formatting import VERDICT_LABELS, Html, esc, verdict_badge
from toolkit.report.analysis import ClientAnalysis, GoalResult
from toolkit.report.charts.forecast import LEGEND_MARGINS, figure_html, plot_fan, plot_reach_dates
from toolkit.report.model import GoalFacts, ReportModel, goal_facts
from toolkit.report.render import render

__all__ = ["title_block", "summary_section", "goals_table", "verdict_table", "checklist_section", "reach_sentence",
           "milestone_table", "capacity_table", "assumptions_table", "verdict_badge", "VERDICT_LABELS",
           "goal_sections", "appendix_section"]

def _model_for(result: GoalResult, model: ReportModel | None) -> tuple[GoalFacts, ReportModel | _Bare]:
    """The goal's facts from ``model``, or built from the result alone (a notebook showing one goal)."""
    if model is not None:
        return next(g for g in model.goals if g.id == result.goal.id), model
    return goal_facts(result), _Bare()


class _Bare:
    """What the goal templates read from a report model, for a goal shown on its own."""

    currency = ""
    confidence = 0.8


def title_block(model: ReportModel) -> Html:
    """The report's title: client, as-of month, currency, prepared date."""
    return render("section_title.html.j2", m=model)


def summary_section(model: ReportModel) -> Html:
    """The executive summary: one paragraph per goal a client can repeat, with its progress badge."""
    return render("section_summary.html.j2", m=model)


def goals_table(model: ReportModel) -> Html:
    """The goals as agreed: statement, target with its unit, deadline, approval (the checklist's own row)."""
    return render("section_goals.html.j2", m=model)


def verdict_table(model: ReportModel) -> Html:
    return render("section_verdict.html.j2", m=model)


def checklist_section(model: ReportModel) -> Html:
    """The five verification checks per goal: three from the client file, two computed."""
    return render("section_checklist.html.j2", m=model)


def reach_sentence(result: GoalResult, model: ReportModel | None = None) -> Html:
    """When the target is reached, in words; for a goal not attainable, what is realistic and when."""
    g, m = _model_for(result, model)
    return render("section_reach.html.j2", g=g, m=m)


def milestone_table(result: GoalResult, model: ReportModel | None = None) -> Html:
    """Intermediate targets and their bands, with the one-sentence definition under the table."""
    g, m = _model_for(result, model)
    return render("section_milestones.html.j2", g=g, m=m, milestone_definition=MILESTONE_DEFINITION)


def capacity_table(model: ReportModel) -> Html:
    """Capacity and ceiling per month, and each goal metric's ceiling (the one its forecast chart draws)."""
    return render("section_capacity.html.j2", m=model)


def assumptions_table(model: ReportModel) -> Html:
    """Every uncertain market input with a human label, its range, unit, source and field name (appendix)."""
    return render("section_inputs.html.j2", m=model)


def appendix_section(model: ReportModel) -> Html:
    """How this was computed: models, simulated futures, definitions, inputs, and what was not provided."""
    parts = [render("section_appendix.html.j2", m=model, milestone_definition=MILESTONE_DEFINITION)]
    if model.inputs:
        parts.append(assumptions_table(model))
    return Html("".join(str(p) for p in parts))


def _nothing_to_chart(facts: GoalFacts) -> bool:
    """A reach-date chart of a target no future reaches is a flat line at zero: say it in words instead."""
    return facts.p_never >= 1.0


def goal_sections(analysis: ClientAnalysis, model: ReportModel | None = None) -> Html:
    """Per goal: fan chart, reach-date sentence and chart, milestone plan."""
    import matplotlib.pyplot as plt

    parts = []
    for result in analysis.goals:
        g = result.goal
        facts, _ = _model_for(result, model)
        parts.append(f"<h3>{esc(g.statement)}</h3>")
        fig, ax = plt.subplots()
        plot_fan(result, ax=ax)
        parts.append(figure_html(fig, alt=f"Forecast fan chart for {g.statement}", margins=LEGEND_MARGINS))
        parts.append(str(reach_sentence(result, model)))
        if not _nothing_to_chart(facts):
            fig, ax = plt.subplots(figsize=(8, 2.8))
            plot_reach_dates(result, ax=ax)
            parts.append(figure_html(fig, alt=f"Reach-date distribution for {g.statement}", margins=LEGEND_MARGINS))
        parts.append(str(milestone_table(result, model)))
    return Html("".join(parts))
