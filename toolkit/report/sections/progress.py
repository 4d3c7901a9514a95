"""The client report's progress section: each planned goal against its saved plan.

``progress_section(spec, analysis)`` reviews every goal that has a saved plan
(``plans/<goal-id>.json``) with the actuals up to the report's as-of month and
returns escaped HTML: status, probability then and now, milestones, lever and
funnel gaps and, for a goal met or past its deadline, the results review and
the proposed next goals. Client-provided strings are always escaped.
"""

from __future__ import annotations

from toolkit.cycle.plan import load_plans
from toolkit.cycle.review import actuals_for, review_client
from toolkit.present.formatting import Html, Safe, esc, fmt_count, fmt_month, fmt_number, fmt_percent, html_table
from toolkit.report.charts.forecast import LEGEND_MARGINS, figure_html
from toolkit.report.charts.progress import plot_progress
from toolkit.report.render import render

__all__ = ["progress_section", "status_badge", "progress_note", "STATUS_LABELS"]

STATUS_LABELS = {"on_track": "On track", "behind": "Behind plan", "met": "Goal met", "missed": "Missed",
                 "no_plan": "No saved plan"}
_STATUS_CSS = {"on_track": "attainable", "met": "attainable", "behind": "stretch", "missed": "unattainable"}
_MILESTONE_LABELS = {"met": "met", "missed": "missed", "ahead": "already reached (ahead)", "pending": "to come"}
_LEVERS = {"customers": "customers", "avg_check": "the average check", "frequency": "purchases per customer",
           "revenue": "revenue"}


def status_badge(status: str) -> Safe:
    """A coloured label for a goal status (the report's verdict styles)."""
    css = _STATUS_CSS.get(status, "stretch")
    return Safe(f'<span class="gc-verdict gc-verdict-{esc(css)}">{esc(STATUS_LABELS.get(status, status))}</span>')


def progress_note(progress: dict | None, goal_id: str) -> str:
    """Text for the batch index's note column from recorded :func:`toolkit.cycle.review.progress_records`.

    "behind plan" / "missed" / "goal met" / "on track", or "" without a saved plan or record.
    """
    rec = (progress or {}).get(goal_id) or {}
    status = rec.get("status")
    if status in (None, "no_plan"):
        return ""
    return "behind plan" if status == "behind" else STATUS_LABELS.get(status, status).lower()


def _signed_percent(x) -> str:
    if x is None or x != x:
        return "—"
    return ("+" if x >= 0 else "") + fmt_percent(x)


def _summary(r, chance_now: float | None) -> str:
    now = fmt_percent(chance_now) if chance_now is not None else "not known"
    toward = ""
    if r.plan_toward == "realistic_max":
        toward = (f"The plan leads to the realistic maximum of {esc(fmt_count(r.plan_target))}, not to the goal of "
                  f"{esc(fmt_count(r.target))}. ")
    text = (f"Plan approved with figures to {esc(fmt_month(r.plan_as_of))}; actuals to {esc(fmt_month(r.as_of))}. "
            f"{toward}Chance of meeting the goal: {esc(fmt_percent(r.probability_at_approval))} at approval, "
            f"{esc(now)} now. ")
    if r.met_on:
        text += f"The target was reached in {esc(fmt_month(r.met_on))}. "
    elif r.reach_p50_now or r.reach_p80_now:
        if r.reach_p50_now is None:
            text += "Re-forecast: fewer than half of the simulated futures reach it within the horizon. "
        elif r.reach_p80_now is None:
            text += (f"Re-forecast: half of the simulated futures reach it by {esc(fmt_month(r.reach_p50_now))}; "
                     "one in five or more never does within the horizon. ")
        else:
            text += (f"Re-forecast: half of the simulated futures reach it by {esc(fmt_month(r.reach_p50_now))}, "
                     f"four in five by {esc(fmt_month(r.reach_p80_now))}. ")
    if r.main_lever and r.behind_plan:  # a shortfall is named only where the status reports one
        text += f"Most of the shortfall comes from {esc(_LEVERS.get(r.main_lever, r.main_lever))}. "
    if r.main_stage and r.behind_plan:
        text += f"The funnel stage furthest short of its planned volume is {esc(r.main_stage)}. "
    return f"<p>{text.strip()}</p>"


def _one(r, facts, model, history=None) -> str:
    import matplotlib.pyplot as plt

    badge = str(render("section_badge.html.j2", g=facts, m=model)) if facts is not None else status_badge(r.status)
    chance = facts.chance if facts is not None and r.as_of == model.as_of.strftime("%Y-%m") else r.probability_now
    parts = [f'<div class="gc-keep"><h3>{esc(r.statement)}</h3><p>{badge}</p>', _summary(r, chance), "</div>"]
    fig, ax = plt.subplots(figsize=(8, 3.6))
    plot_progress(r, history=history, ax=ax)
    parts.append(figure_html(fig, alt=f"Progress against the plan for {r.statement}", margins=LEGEND_MARGINS))
    rows = [[fmt_month(m.month), fmt_count(m.target), "—" if m.actual != m.actual else fmt_count(m.actual),
             _MILESTONE_LABELS.get(m.status, m.status), _signed_percent(m.gap_pct)]
            for m in r.milestones.itertuples(index=False)]
    parts.append("<h4>Milestones</h4>")
    parts.append(str(html_table(["Month", "Planned", "Actual", "Status", "Against plan"], rows)))
    if r.levers is not None:
        rows = [[_LEVERS.get(lv.lever, lv.lever), fmt_number(lv.at_approval), fmt_number(lv.planned), fmt_number(lv.actual),
                 _signed_percent(lv.gap_pct), fmt_percent(lv.share_of_shortfall) if lv.in_metric else "—"]
                for lv in r.levers.itertuples(index=False)]
        parts.append("<h4>Levers (last three months)</h4>")
        parts.append(str(html_table(["Lever", "At approval", "Planned now", "Actual", "Against plan",
                                     "Share of shortfall"], rows)))
    if r.funnel is not None:
        rows = [[f.stage, fmt_count(f.required), fmt_count(f.actual), _signed_percent(f.gap_pct)]
                for f in r.funnel.itertuples(index=False)]
        parts.append("<h4>Funnel volumes (last three months, per month)</h4>")
        parts.append(str(html_table(["Stage", "Needed by the plan", "Actual", "Against plan"], rows)))
    if r.closed:
        parts.append("<h4>Results review</h4>")
        for title, items in (("What beat the plan", r.positives), ("What missed the plan", r.negatives)):
            if items:
                rows = [[d["item"], fmt_number(d["planned"]), fmt_number(d["actual"]),
                         _signed_percent(d["difference_pct"])] for d in items]
                parts.append(f"<p><strong>{esc(title)}</strong></p>")
                parts.append(str(html_table(["Item", "Planned", "Actual", "Difference"], rows)))
        if r.recommendations:
            parts.append("<ul>" + "".join(f"<li>{esc(x)}</li>" for x in r.recommendations) + "</ul>")
        if r.proposals:
            rows = [[p.proposal, p.statement, fmt_percent(p.probability), p.verdict.replace("_", " "),
                     "—" if p.share_of_ceiling is None else fmt_percent(p.share_of_ceiling),
                     (p.expediency or "not assessed").replace("_", " ")] for p in r.proposals]
            parts.append("<h4>Proposed next goals</h4>")
            parts.append(str(html_table(["Kind", "Goal", "Chance", "Verdict", "Share of ceiling (P90)",
                                         "Expediency"], rows)))
    for note in r.notes:
        parts.append(f'<p class="gc-caveat">Note: {esc(note)}.</p>')
    return "".join(parts)


def progress_section(spec, analysis, model=None) -> Html:
    """Progress of every planned goal, as of the report's month.

    Parameters
    ----------
    spec : ClientSpec
        The client as loaded for the report.
    analysis : ClientAnalysis
        The report's analysis; its seed and number of paths are reused.
    model : ReportModel, optional
        The report model: its progress badge (plan status and current chance) and current chance.

    Returns
    -------
    Html
        Empty when no plan is saved (the appendix lists progress as not provided).
    """

    plans = load_plans(spec.folder)
    if not plans:
        return Html("")
    reviews = review_client(spec, plans=plans, as_of=spec.client.as_of, seed=analysis.seed, n_paths=analysis.n_paths)
    if not reviews:
        return Html(f'<p class="gc-muted">The saved plans were approved after {esc(fmt_month(spec.client.as_of))}, '
                    "the month of this report's data.</p>")
    actuals = actuals_for(spec, spec.client.as_of)
    unplanned = [g.statement for g in spec.goals if g.id not in plans]
    facts = {g.id: g for g in model.goals} if model is not None else {}
    parts = [str(render("section_heading.html.j2", id="progress"))]
    parts += [_one(r, facts.get(r.goal_id), model, actuals[r.metric] if r.metric in actuals.columns else None)
              for r in reviews]
    if unplanned:
        parts.append(f'<p class="gc-muted">Without a saved plan: {esc("; ".join(unplanned))}.</p>')
    return Html("".join(parts))
