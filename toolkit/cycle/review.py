"""Progress against a saved plan: milestones met or missed, re-forecast, where the gap comes from.

A review compares the actuals after the plan's as-of month with the plan as
approved (:mod:`toolkit.cycle.plan`), never with a plan recomputed with hindsight.
"Now" is the last month of actuals: an explicit ``as_of``, else the last month
of the client's history file (which may run past ``client.as_of`` when new
months were appended).

Definitions (``x_m`` is the actual of month ``m``, or for a cumulative goal the
running total from the month after the plan's as-of month):

- **Milestone status**: a milestone whose month has passed is ``met`` when
  ``x_m >= target_m`` and ``missed`` otherwise; a future milestone is
  ``ahead`` when the latest ``x`` already reaches its target, else ``pending``.
- **Goal status**: after the deadline, ``met`` when the goal holds in the
  deadline month (DESIGN.md section 4), else ``missed``; before it, ``met``
  when the latest ``x`` already reaches the target (met early); else the
  latest milestone whose month has passed decides (``missed``: ``behind``,
  ``met``: ``on_track``), so a status never contradicts the milestone table;
  before the first milestone, ``behind`` when the actuals fall short of the
  plan line (the mean of the last up to three months against the plan's mean
  for the same months; the latest running total for a cumulative goal), else
  ``on_track``. How the goal itself stands now is a separate fact (the
  re-forecast's chance); the report's badge combines the two. The plan line of
  an unattainable or beyond-capacity goal leads to its realistic maximum (as
  its milestones do), so ``on_track`` then means on track for that maximum.
- **Re-forecast**: the metric simulated afresh from the actuals up to now,
  with the same seed, paths, capacity ceiling and seasonal shape as the
  report (:func:`toolkit.cycle.futures.goal_paths`); P(met) and reach dates as in
  :func:`toolkit.engine.assess.assess_goal` (a cumulative goal's remaining total).
- **Lever gap**: the plan's growth factor ``F`` (plan value / baseline at
  approval, over the recent months) is split equally, in logs, over the
  levers that make up the metric (revenue: customers x check x frequency;
  sales and orders: customers x frequency; customers; avg_check), so each
  lever was planned at ``base x F^(1/k)``. The lever whose actual falls
  furthest below its planned level (log ratio) explains most of the shortfall;
  the log gaps add up to the metric's gap. It is named only when the levers
  together fall short of the plan.
- **Funnel gap**: the plan line converted to sales (or to the stage the
  metric is) gives, via :func:`toolkit.economics.funnel.funnel_schedule`, the volume
  each stage needed; stages with a history column (``traffic`` for visits,
  ``leads`` for leads, requests and enquiries, ``calls``) are compared with
  their actual volume; the stage with the largest relative shortfall is
  named.
- **Results review** (goal met, or deadline passed): positives and negatives,
  i.e. each compared item (goal, milestones, levers, funnel stages) that beat
  or missed the plan and by how much; and proposals for the next goals
  (:mod:`toolkit.cycle.next_goals`).

The result type is :class:`~toolkit.cycle.review_result.GoalReview`, the lever and
funnel gaps are computed in :mod:`toolkit.cycle.gaps`; both are re-exported here.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from toolkit.cycle.gaps import LEVERS_OF, funnel_gap, lever_gap
from toolkit.cycle.next_goals import propose_next_goals
from toolkit.cycle.futures import capacity_draws, ceiling_draws, goal_paths, market_season
from toolkit.cycle.plan import SavedPlan, input_hashes, load_plans, make_plan
from toolkit.cycle.review_result import GoalReview
from toolkit.engine.assess import assess_goal, reach_dates
from toolkit.engine.paths import simulate_paths
from toolkit.errors import InputError
from toolkit.spec.client import ClientSpec, load_client, read_history

__all__ = ["GoalReview", "review_goal", "review_client", "progress_records", "actuals_for", "load_for_review",
           "plans_for_review", "review_table", "plan_summary", "results_frame", "proposals_for",
           "MILESTONE_STATUSES", "GOAL_STATUSES", "LEVERS_OF"]

log = logging.getLogger("toolkit")

MILESTONE_STATUSES = ("met", "missed", "ahead", "pending")
GOAL_STATUSES = ("on_track", "behind", "met", "missed")
RECENT_MONTHS = 3
#: Lever or funnel gaps smaller than this are listed but get no recommendation.
ADVICE_THRESHOLD = 0.05
_ADVICE = {
    "customers": "acquisition: more new customers (marketing and referral processes)",
    "avg_check": "average check: cross-sell and the product ladder at each purchase",
    "frequency": "frequency: follow-up at 30, 60 and 90 days, reactivation and subscriptions",
}


# ----------------------------------------------------------------------------- inputs

def actuals_for(spec: ClientSpec, as_of: str | None = None) -> pd.DataFrame:
    """The client's full KPI history file (not cut at ``client.as_of``), up to ``as_of`` if given."""
    kpis = read_history(spec.path(spec.history), file_label=str(spec.folder / spec.history))
    if as_of is not None:
        end = pd.Period(as_of, freq="M")
        if kpis.index[-1] < end:
            raise InputError.at(str(spec.folder / spec.history), "month", f"last month {kpis.index[-1]}",
                                f"actuals up to {as_of}")
        kpis = kpis.loc[:end]
    return kpis


def load_for_review(folder, plans: dict[str, SavedPlan] | None = None) -> ClientSpec:
    """Load a client for review, even when ``client.as_of`` has moved past a goal's deadline.

    ``load_client`` refuses a deadline at or before ``as_of``; a review after
    the deadline then loads the client as of the earliest plan's month (the
    actuals come from the full history file anyway, :func:`actuals_for`).
    """
    try:
        return load_client(folder)
    except InputError:
        plans = load_plans(folder) if plans is None else plans
        if not plans:
            raise
        return load_client(folder, as_of=min(p.as_of for p in plans.values()))


def plans_for_review(folder, *, fallback_as_of: str | None = None, seed: int = 0, n_paths: int = 2000,
                     confidence: float = 0.8) -> dict[str, SavedPlan]:
    """Saved plans of a client folder; if there are none, plans made in memory as of ``fallback_as_of``.

    The in-memory plans (``source is None``) are never written: they let a
    notebook demonstrate a review on a client that has no approved plan yet.
    Without saved plans and without ``fallback_as_of``, the result is empty.
    """
    plans = load_plans(folder)
    if plans or not fallback_as_of:
        return plans
    spec = load_client(folder, as_of=fallback_as_of)
    log.info("%s: no saved plan; planning in memory as of %s", spec.client.id, fallback_as_of)
    return {g.id: make_plan(spec, g.id, seed=seed, n_paths=n_paths, confidence=confidence, toward_max=True)
            for g in spec.goals}


# ----------------------------------------------------------------------------- pieces

def _month(p) -> str | None:
    return None if p is None else pd.Period(p, freq="M").strftime("%Y-%m")


def _observed(actual: pd.Series, kind: str) -> pd.Series:
    return actual if kind == "level" else actual.cumsum()


def _milestone_status(plan: SavedPlan, observed: pd.Series, now: pd.Period) -> pd.DataFrame:
    ms = plan.milestone_frame()
    latest = float(observed.iloc[-1]) if len(observed) else None
    actual, status = [], []
    for row in ms.itertuples(index=False):
        if row.month <= now and row.month in observed.index:
            value = float(observed[row.month])
            actual.append(value)
            status.append("met" if value >= row.target else "missed")
        else:
            actual.append(np.nan)
            status.append("ahead" if latest is not None and latest >= row.target else "pending")
    ms["actual"] = actual
    ms["status"] = status
    ms["gap"] = ms["actual"] - ms["target"]
    ms["gap_pct"] = ms["gap"] / ms["target"]
    return ms


def _forecast(spec: ClientSpec, plan: SavedPlan, series: pd.Series, now: pd.Period, total_so_far: float, *,
              ceiling, seed: int, n_paths: int, confidence: float):
    """Re-forecast from the actuals: (assessment or None, reach p50, reach p80, p_never, paths)."""

    kind, target = plan.goal["kind"], float(plan.goal["target"])
    deadline = pd.Period(plan.goal["deadline"], freq="M")
    remaining = target - total_so_far if kind == "cumulative" else target
    if deadline > now:
        paths = goal_paths(spec, plan.goal["metric"], deadline.strftime("%Y-%m"), seed=seed, n_paths=n_paths,
                           ceiling=ceiling, season=market_season(spec), history=series, as_of=now.strftime("%Y-%m"))
    else:
        paths = simulate_paths(series, 24, ceiling=ceiling, n_paths=n_paths, seed=seed,
                               seasonal_index=market_season(spec))
    if remaining <= 0:
        return None, None, None, 0.0, paths
    if deadline > now:
        a = assess_goal(paths, remaining, deadline, kind=kind, confidence=confidence)
        return a, a.reach_p50, a.reach_p80, a.p_never, paths
    r = reach_dates(paths, remaining, kind)
    return None, r.p50, r.p80, r.p_never, paths


def _results(review_items: list[dict]) -> tuple[tuple, tuple]:
    pos = tuple(d for d in review_items if d["difference"] >= 0)
    neg = tuple(sorted((d for d in review_items if d["difference"] < 0), key=lambda d: d["difference_pct"]))
    return pos, neg


def _item(what: str, planned: float, actual: float) -> dict:
    diff = actual - planned
    return {"item": what, "planned": planned, "actual": actual, "difference": diff,
            "difference_pct": diff / planned if planned else float("nan")}


# ----------------------------------------------------------------------------- review

def review_goal(plan: SavedPlan, spec: ClientSpec, *, seed: int | None = None, n_paths: int | None = None,
                as_of: str | None = None, actuals: pd.DataFrame | None = None, ceiling="auto",
                forecast: bool = True, propose: bool = True) -> GoalReview:
    """Review one goal against its saved plan.

    Parameters
    ----------
    plan : SavedPlan
        The plan as approved (:func:`toolkit.cycle.plan.load_plan` or ``make_plan``).
    spec : ClientSpec
        The client (``load_client`` or :func:`load_for_review`).
    seed, n_paths : int, optional
        For the re-forecast and proposals; default the plan's own.
    as_of : str, optional
        Last month of actuals to use; default the last month of the history file.
    actuals : pandas.DataFrame, optional
        The actuals (default :func:`actuals_for`).
    ceiling : "auto", array or None
        Capacity ceiling draws of the metric; "auto" estimates them from the client's market.
    forecast : bool
        Re-forecast (simulation); False gives statuses only (fast, for the batch index).
    propose : bool
        Propose next goals when the goal is met or its deadline has passed.

    Returns
    -------
    GoalReview
    """

    seed = plan.seed if seed is None else int(seed)
    n_paths = plan.n_paths if n_paths is None else int(n_paths)
    if actuals is None:
        actuals = actuals_for(spec, as_of)
    elif as_of is not None:
        actuals = actuals.loc[: pd.Period(as_of, freq="M")]
    goal = plan.goal
    metric, kind, target = goal["metric"], goal["kind"], float(goal["target"])
    if metric not in actuals.columns:
        raise InputError.at(str(spec.folder / spec.history), "header", metric,
                            f"a {metric} column (the planned metric)")
    start, now = pd.Period(plan.as_of, freq="M"), actuals.index[-1]
    deadline = pd.Period(goal["deadline"], freq="M")
    notes = []
    if now < start:
        raise InputError.at(None, "as_of", now.strftime("%Y-%m"), f"a month at or after the plan's as-of {plan.as_of}")
    if plan.source is not None:
        current = input_hashes(spec, plan.as_of)
        if current["history"] != plan.inputs.get("history"):
            notes.append(f"the history up to {plan.as_of} differs from the one planned on: past actuals were revised")
    else:
        notes.append(f"plan computed in memory as of {plan.as_of}, not a saved approval")

    after = actuals[metric].loc[start + 1: min(now, deadline)]
    observed = _observed(after, kind)
    months = len(after)
    traj = plan.trajectory_frame().set_index("month")
    progress = traj[["target", "low", "high"]].rename(columns={"target": "plan"})
    progress = progress.reindex(progress.index.union(observed.index))
    progress["actual"] = observed.reindex(progress.index)
    progress.index.name = "month"
    progress = progress.reset_index()
    seen = progress[progress["actual"].notna()]
    milestones = _milestone_status(plan, observed, now)

    latest = float(observed.iloc[-1]) if months else None
    latest_plan = float(seen["plan"].iloc[-1]) if months else None
    reached = observed[observed >= target]
    first_reached = _month(reached.index[0]) if len(reached) else None
    total = float(after.sum())
    if now >= deadline:
        at_deadline = float(observed[deadline]) if deadline in observed.index else None
        status = "met" if at_deadline is not None and at_deadline >= target else "missed"
    elif latest is not None and latest >= target:
        status = "met"
    elif months == 0:
        status = "on_track"
        notes.append(f"no actuals after {plan.as_of} yet")
    else:
        passed = milestones[milestones["status"].isin(["met", "missed"])]
        if len(passed):
            short = passed["status"].iloc[-1] == "missed"
        else:
            recent = seen.tail(RECENT_MONTHS)
            if kind == "level":
                short = float(recent["actual"].mean()) < float(recent["plan"].mean())
            else:
                short = latest < latest_plan
        status = "behind" if short else "on_track"
    behind_plan = status in ("behind", "missed")
    met_on = first_reached if status == "met" else None

    recent_idx = pd.PeriodIndex(observed.index[-RECENT_MONTHS:], freq="M")
    levers = funnel = None
    # A gap the actuals cannot support is a caveat on this review, not a reason to stop it.
    try:
        levers = lever_gap(plan, actuals, recent_idx)
    except InputError as exc:
        notes.append(f"lever gap not computed: {str(exc).splitlines()[0]}")
    try:
        funnel = funnel_gap(plan, actuals, recent_idx)
    except InputError as exc:
        notes.append(f"funnel gap not computed: {str(exc).splitlines()[0]}")
    main_lever = None
    if levers is not None and (levers["share_of_shortfall"] > 0).any() and \
            float(np.prod(levers.loc[levers["in_metric"], "actual"] / levers.loc[levers["in_metric"], "planned"])) < 1:
        main_lever = str(levers.loc[levers["share_of_shortfall"].idxmax(), "lever"])
    main_stage = None
    if funnel is not None and (funnel["gap_pct"] < 0).any():
        main_stage = str(funnel.loc[funnel["gap_pct"].idxmin(), "stage"])

    a_plan = plan.assessment
    prob_now = verdict_now = r50 = r80 = p_never = rmax = None
    paths = None
    if status == "met" and now >= deadline:
        prob_now = 1.0
    elif status == "missed":
        prob_now = 0.0
    if forecast:
        if isinstance(ceiling, str) and ceiling == "auto":
            ceiling = ceiling_draws(spec, metric, seed=seed, n=capacity_draws(n_paths))
        fa, f50, f80, p_never, paths = _forecast(spec, plan, actuals[metric].loc[:now], now, total, ceiling=ceiling,
                                                 seed=seed, n_paths=n_paths, confidence=plan.confidence)
        r50, r80 = _month(f50), _month(f80)
        if fa is not None:
            prob_now, verdict_now = float(fa.probability), fa.verdict
            rmax = float(fa.realistic_max) + (total if kind == "cumulative" else 0.0)
        elif kind == "cumulative" and total >= target and prob_now is None:
            prob_now, verdict_now = 1.0, "attainable"
    if status == "met" and met_on is not None:
        r50 = r80 = met_on  # already reached: the reach date is an observation, not a forecast

    positives = negatives = recommendations = ()
    proposals = ()
    if status in ("met", "missed"):
        items = []
        final = float(observed[deadline]) if deadline in observed.index else latest
        if final is not None:
            items.append(_item(f"goal ({metric}{' total' if kind == 'cumulative' else ''} at "
                               f"{_month(deadline) if deadline in observed.index else _month(now)})", target, final))
        for r in milestones.itertuples(index=False):
            if r.status in ("met", "missed"):
                items.append(_item(f"milestone {r.month.strftime('%Y-%m')}", float(r.target), float(r.actual)))
        if levers is not None:
            for r in levers[levers["in_metric"]].itertuples(index=False):
                items.append(_item(f"lever {r.lever}", float(r.planned), float(r.actual)))
        if funnel is not None:
            for r in funnel.itertuples(index=False):
                items.append(_item(f"funnel {r.stage}", float(r.required), float(r.actual)))
        positives, negatives = _results(items)
        big = [d for d in negatives if abs(d["difference_pct"]) >= ADVICE_THRESHOLD]
        recs = [f"raise {_ADVICE[d['item'].split()[1]]}" for d in big
                if d["item"].startswith("lever ") and d["item"].split()[1] in _ADVICE]
        recs += [f"fill the funnel: {d['item'][7:]} fell {abs(d['difference_pct']):.0%} short of the volume planned"
                 for d in big if d["item"].startswith("funnel ")]
        if status == "met":
            recs.append("set the next goal: the realistic target below is met with about the planned confidence")
        else:
            recs.append("reset the goal: the targets below are what the actuals now support")
        recommendations = tuple(recs)
        if forecast and propose:

            proposals = tuple(propose_next_goals(spec, actuals.loc[:now], metric, as_of=now.strftime("%Y-%m"),
                                                 kind=kind, confidence=plan.confidence, ceiling=ceiling,
                                                 seed=seed, n_paths=n_paths))
    review = GoalReview(
        goal_id=str(goal["id"]), statement=str(goal.get("statement", goal["id"])), metric=metric, kind=kind,
        target=target, deadline=deadline.strftime("%Y-%m"), plan_as_of=plan.as_of, as_of=now.strftime("%Y-%m"),
        months_elapsed=int((now - start).n), status=status, behind_plan=behind_plan, latest_actual=latest,
        latest_plan=latest_plan, met_on=met_on, first_reached=first_reached,
        probability_at_approval=float(a_plan["probability"]),
        probability_now=prob_now, verdict_at_approval=str(a_plan["verdict"]), verdict_now=verdict_now,
        reach_p50_at_approval=a_plan.get("reach_p50"), reach_p80_at_approval=a_plan.get("reach_p80"),
        reach_p50_now=r50, reach_p80_now=r80, p_never_now=p_never, realistic_max_now=rmax,
        milestones=milestones, progress=progress, levers=levers, main_lever=main_lever, funnel=funnel,
        main_stage=main_stage, positives=positives, negatives=negatives, recommendations=recommendations,
        proposals=proposals, notes=tuple(notes), plan_saved=plan.source is not None, plan_toward=plan.toward,
        plan_target=float(plan.plan_target), paths=paths)
    log.info("%s/%s: %s (P at approval %.2f, now %s)", spec.client.id, review.goal_id, status,
             review.probability_at_approval, "n/a" if prob_now is None else f"{prob_now:.2f}")
    return review


def review_client(spec: ClientSpec, *, plans: dict[str, SavedPlan] | None = None, as_of: str | None = None,
                  seed: int | None = None, n_paths: int | None = None, forecast: bool = True) -> list[GoalReview]:
    """Review every goal that has a plan (saved in ``plans/``, or given), in the order of client.yaml.

    Plans made after ``as_of`` are skipped (a report re-run as of an earlier month).
    """
    plans = load_plans(spec.folder) if plans is None else plans
    actuals = actuals_for(spec, as_of)
    now = actuals.index[-1]
    ceilings: dict[tuple, object] = {}
    out = []
    order = [g.id for g in spec.goals] + sorted(set(plans) - {g.id for g in spec.goals})
    for goal_id in order:
        plan = plans.get(goal_id)
        if plan is None:
            continue
        if pd.Period(plan.as_of, freq="M") > now:
            log.info("%s: plan as of %s is after %s; skipped", goal_id, plan.as_of, now)
            continue
        s = plan.seed if seed is None else seed
        n = plan.n_paths if n_paths is None else n_paths
        ceiling = None
        if forecast:

            key = (plan.goal["metric"], s, n)
            if key not in ceilings:
                ceilings[key] = ceiling_draws(spec, plan.goal["metric"], seed=s, n=capacity_draws(n))
            ceiling = ceilings[key]
        out.append(review_goal(plan, spec, seed=s, n_paths=n, actuals=actuals, ceiling=ceiling, forecast=forecast))
    return out


def progress_records(spec: ClientSpec, *, plans: dict[str, SavedPlan] | None = None,
                     as_of: str | None = None) -> dict:
    """Per goal ``{goal, status, behind_plan, toward, plan_target}`` for the batch index (no simulation).

    Goals without a saved plan get ``status = "no_plan"`` and ``behind_plan = False``.
    ``as_of`` defaults to the spec's ``client.as_of`` so a report's numbers agree.
    """
    plans = load_plans(spec.folder) if plans is None else plans
    reviews = {r.goal_id: r for r in review_client(spec, plans=plans, as_of=as_of or spec.client.as_of,
                                                   forecast=False)}
    out = {}
    for g in spec.goals:
        r = reviews.get(g.id)
        out[g.id] = {"goal": g.id, "status": r.status if r else "no_plan", "behind_plan": bool(r and r.behind_plan),
                     "toward": r.plan_toward if r else "goal", "plan_target": r.plan_target if r else None}
    return out


def review_table(reviews) -> pd.DataFrame:
    """One row per reviewed goal: status, probability then and now, reach dates, main gaps."""
    cols = ["goal_id", "status", "plan_as_of", "as_of", "latest_actual", "latest_plan", "probability_at_approval",
            "probability_now", "reach_p50_at_approval", "reach_p50_now", "met_on", "main_lever", "main_stage"]
    return pd.DataFrame([{c: getattr(r, c) for c in cols} for r in reviews], columns=cols)


def plan_summary(plans: dict[str, SavedPlan]) -> pd.DataFrame:
    """One row per plan: goal, as-of month, where it comes from (file or in memory), P(met) and verdict."""
    rows = [{"goal": gid, "as_of": p.as_of, "source": str(p.source) if p.source else "in memory (not saved)",
             "probability": p.probability, "verdict": p.assessment.get("verdict"), "plan_target": p.plan_target,
             "deadline": p.goal["deadline"]} for gid, p in plans.items()]
    return pd.DataFrame(rows, columns=["goal", "as_of", "source", "probability", "verdict", "plan_target", "deadline"])


def results_frame(review: GoalReview) -> pd.DataFrame:
    """The results review as one table: ``side`` (positive / negative), item, planned, actual, difference."""
    rows = [{"side": "positive", **d} for d in review.positives] + [{"side": "negative", **d} for d in review.negatives]
    return pd.DataFrame(rows, columns=["side", "item", "planned", "actual", "difference", "difference_pct"])


def proposals_for(review: GoalReview, spec: ClientSpec, *, seed: int = 0, n_paths: int = 2000,
                  confidence: float = 0.8) -> list:
    """The review's proposals, or, for a goal still open, what the next goals would be if set today.

    Uses the actuals up to the review's month and the client's capacity ceiling.
    """
    if review.proposals:
        return list(review.proposals)

    ceiling = ceiling_draws(spec, review.metric, seed=seed, n=capacity_draws(n_paths))
    return propose_next_goals(spec, actuals_for(spec, review.as_of), review.metric, kind=review.kind,
                              confidence=confidence, ceiling=ceiling, seed=seed, n_paths=n_paths)
