"""The report model: every fact a client report states, computed once, as plain values.

``build_report(analysis)`` turns a :class:`~toolkit.report.analysis.ClientAnalysis`
into a frozen :class:`ReportModel`. Templates (``templates/goalcheck/sections``)
render it and compute nothing; the wording of every enum and message id, and
the formatting of every number and date, live there and in the template
filters (:data:`toolkit.present.formatting.FILTERS`). The model holds values,
enums and message ids, never finished sentences, so another report language
needs new templates only.

Facts that depend on two others are derived here, once:

- **Progress badge** (:func:`progress_badge`): the plan status (on track,
  behind, met, missed) *and* the goal's current chance, and whether the plan
  leads to the goal or (saved explicitly) to the realistic maximum. "On track"
  is shown only when the plan is on track *and* the goal is attainable now.
- **Expedient check** (:func:`expedient_status`): the economics verdict *and*
  the net by the deadline: a goal whose acquisition pays over a customer's
  lifetime but loses money across the whole range by the deadline is not
  "yes"; "marginal" is shown as marginal, never as yes.
- **Stated back and approved**: read from the verification checklist, the same
  row the checklist table shows.
- **Readiness counts**: in place, missing and unanswered add up to the total.
- **Deciding reason** of each goal (:func:`deciding_reason`): the market
  ceiling, the trend, the economics, or missing inputs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

import numpy as np
import pandas as pd

from toolkit.cycle.plan import SavedPlan, load_plans
from toolkit.cycle.review import progress_records
from toolkit.economics.readiness import readiness_gaps, verification_checklist
from toolkit.report.analysis import ClientAnalysis, GoalResult
from toolkit.report.badge import BADGE_TONES, STRETCH, progress_badge
from toolkit.report.units import COUNT_METRICS, MONEY_METRICS, metric_unit
from toolkit.spec.client import ClientSpec

__all__ = ["ReportModel", "GoalFacts", "CheckRow", "MilestoneRow", "ReadinessCounts", "CapacityRow", "InputRow",
           "build_report", "goal_facts",
           "progress_badge", "expedient_status", "deciding_reason", "prepared_date", "metric_unit", "BADGE_TONES",
           "COUNT_METRICS", "MONEY_METRICS", "STRETCH"]

def prepared_date(option: str | None = None) -> date:
    """The report's "prepared" date: ``option`` (YYYY-MM-DD), else ``SOURCE_DATE_EPOCH``, else today.

    Reproducible builds set ``SOURCE_DATE_EPOCH`` (reproducible-builds.org) so
    identical inputs give byte-identical reports.
    """
    if option:
        return date.fromisoformat(str(option))
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).date()
    return date.today()


def expedient_status(expediency) -> str:
    """``yes``, ``marginal``, ``not_by_deadline``, ``no`` or ``unknown`` for the fifth verification check."""
    if expediency is None:
        return "unknown"
    net = expediency.quantiles.get("net_by_deadline")
    loses_by_deadline = net is not None and float(net["p90"]) < 0
    if expediency.verdict == "not_expedient":
        return "no"
    if loses_by_deadline:
        return "not_by_deadline"
    return "yes" if expediency.verdict == "expedient" else "marginal"


def deciding_reason(verdict: str, target: float, ceiling_p50: float | None, expedient: str) -> str:
    """What decides a goal: ``ceiling``, ``trend``, ``economics`` or ``inputs`` (no market inputs)."""
    if verdict == "beyond_capacity" or (ceiling_p50 is not None and target > ceiling_p50):
        return "ceiling"
    if ceiling_p50 is None:
        return "inputs"
    if expedient in ("no", "not_by_deadline"):
        return "economics"
    return "trend"


@dataclass(frozen=True)
class CheckRow:
    """One verification check: ``check`` and ``status`` are ids; ``detail`` the values its note needs."""

    check: str
    status: str
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class MilestoneRow:
    month: pd.Period
    target: float
    low: float
    high: float


@dataclass(frozen=True)
class CapacityRow:
    """One line of the capacity table: ``what`` is ``capacity``, ``ceiling`` or ``goal_ceiling`` (of ``unit``)."""

    what: str
    unit: str
    money: bool
    p10: float
    p50: float
    p90: float


@dataclass(frozen=True)
class InputRow:
    """One uncertain market input for the appendix: ``key`` (its field name) is mapped to a label there."""

    key: str
    range: str
    unit: str
    source: str | None


@dataclass(frozen=True)
class ReadinessCounts:
    in_place: int
    missing: int
    unanswered: int
    flagged: int

    @property
    def total(self) -> int:
        return self.in_place + self.missing + self.unanswered


@dataclass(frozen=True)
class GoalFacts:
    """Everything the report says about one goal."""

    id: str
    statement: str
    metric: str
    unit: str
    money: bool
    kind: str
    target: float
    deadline: pd.Period
    verdict: str
    chance: float
    realistic_max: float
    reach_p50: pd.Period | None
    reach_p80: pd.Period | None
    p_never: float
    max_reach_p50: pd.Period | None
    max_reach_p80: pd.Period | None
    horizon_months: int
    ceiling_p10: float | None
    ceiling_p50: float | None
    ceiling_p90: float | None
    reason: str
    checks: tuple[CheckRow, ...]
    approved: str
    expedient: str
    milestones: tuple[MilestoneRow, ...]
    milestones_toward: str
    progress_status: str
    progress_badge: str
    plan_toward: str
    plan_target: float | None
    model_name: str
    n_paths: int

    @property
    def badge_tone(self) -> str:
        """``good``, ``warn``, ``bad`` or ``muted``: the badge's colour."""
        return BADGE_TONES.get(self.progress_badge, "muted")

    @property
    def chance_bucket(self) -> str:
        """``none`` (0), ``some`` (< 50%), ``even`` (50% up), ``sure`` (1): picks the wording of a reach sentence."""
        return "none" if self.chance <= 0 else "sure" if self.chance >= 1 else "some" if self.chance < 0.5 else "even"


@dataclass(frozen=True)
class ReportModel:
    """One client's report, every fact once."""

    client_id: str
    client_name: str
    currency: str
    as_of: pd.Period
    prepared: date
    confidence: float
    goals: tuple[GoalFacts, ...]
    readiness: ReadinessCounts | None
    not_provided: tuple[str, ...]
    has_market: bool
    has_plans: bool
    capacity: tuple[CapacityRow, ...] = ()
    inputs: tuple[InputRow, ...] = ()


def _approved(checks: tuple[CheckRow, ...]) -> str:
    return next((c.status for c in checks if c.check == "stated_and_approved"), "unknown")


def _checks(result: GoalResult, econ) -> tuple[CheckRow, ...]:
    frame = verification_checklist(result.goal, result.assessment.verdict, getattr(econ, "expediency", None))
    ids = {"sure of the goal": "sure_of_goal", "same understanding": "same_understanding",
           "stated and approved": "stated_and_approved", "attainable": "attainable", "expedient": "expedient"}
    ch = result.goal.checklist
    rows = []
    for r in frame.itertuples(index=False):
        check = ids.get(r.check, r.check.replace(" ", "_"))
        detail: dict = {}
        status = r.status
        if check == "stated_and_approved":
            detail = {"by": ch.agreed_by, "on": ch.approved_on, "stated_back": ch.stated_back}
        elif check == "attainable":
            detail = {"verdict": result.assessment.verdict}
        elif check == "expedient":
            exp = getattr(econ, "expediency", None)
            status = expedient_status(exp)
            if exp is not None:
                detail = {"net_by_deadline": exp.quantiles.get("net_by_deadline"),
                          "p_payback": exp.p_payback_within_horizon, "horizon": exp.horizon_months}
        rows.append(CheckRow(check, status, detail))
    return tuple(rows)


def _ceiling(result: GoalResult) -> tuple[float | None, float | None, float | None]:
    if result.ceiling is None:
        return None, None, None
    lo, mid, hi = np.quantile(result.ceiling, [0.1, 0.5, 0.9])
    return float(lo), float(mid), float(hi)


def goal_facts(result: GoalResult, econ=None, *, confidence: float = 0.8, progress: dict | None = None,
               plans: dict[str, SavedPlan] | None = None) -> GoalFacts:
    """The facts of one goal (see :class:`GoalFacts`); without economics or plans those facts are "unknown"."""
    g, a = result.goal, result.assessment
    progress, plans = progress or {}, plans or {}
    checks = _checks(result, econ)
    expedient = next(c.status for c in checks if c.check == "expedient")
    lo, mid, hi = _ceiling(result)
    status = progress.get(g.id, {}).get("status", "no_plan")
    plan = plans.get(g.id)
    toward = plan.toward if plan is not None else "goal"
    ms = tuple(MilestoneRow(r.month, float(r.target), float(r.low), float(r.high))
               for r in a.milestones.itertuples(index=False))
    return GoalFacts(
        id=g.id, statement=g.statement, metric=g.metric, unit=metric_unit(g.metric), money=g.metric in MONEY_METRICS,
        kind=g.kind, target=float(g.target), deadline=pd.Period(g.deadline, freq="M"), verdict=a.verdict,
        chance=float(a.probability), realistic_max=float(a.realistic_max), reach_p50=a.reach_p50,
        reach_p80=a.reach_p80, p_never=float(a.p_never), max_reach_p50=a.max_reach_p50,
        max_reach_p80=a.max_reach_p80, horizon_months=int(result.paths.values.shape[1]),
        ceiling_p10=lo, ceiling_p50=mid, ceiling_p90=hi,
        reason=deciding_reason(a.verdict, float(g.target), mid if g.kind == "level" else None if mid is None
                               else mid * (int((pd.Period(g.deadline, freq="M") - result.paths.dates[0]).n) + 1),
                               expedient),
        checks=checks, approved=_approved(checks), expedient=expedient, milestones=ms,
        milestones_toward="goal" if a.verdict in ("attainable", "stretch") else "realistic_max",
        progress_status=status,
        progress_badge=progress_badge(status, a.probability, toward=toward, confidence=confidence),
        plan_toward=toward, plan_target=None if plan is None else float(plan.plan_target),
        model_name=str(result.paths.model), n_paths=int(result.paths.values.shape[0]),
    )


def _readiness(spec: ClientSpec) -> ReadinessCounts | None:
    readiness = getattr(spec, "readiness", None)
    if readiness is None:
        return None
    gaps = readiness_gaps(readiness)
    status = gaps["status"]
    return ReadinessCounts(in_place=int((status == "in place").sum()), missing=int((status == "missing").sum()),
                           unanswered=int((status == "unknown").sum()), flagged=int(gaps["flagged"].astype(bool).sum()))


def _not_provided(analysis: ClientAnalysis, plans: dict) -> tuple[str, ...]:
    """Section ids left out of the client report because their inputs were not given."""
    spec = analysis.spec
    out = []
    if spec.market is None:
        out.append("market")
    if analysis.demand is None:
        out.append("demand")
    if not plans:
        out.append("progress")
    if all(e.expediency is None and e.volumes is None and e.levers is None for e in analysis.economics):
        out.append("economics")
    if not getattr(spec.funnel, "pipeline", None):
        out.append("pipeline")
    if getattr(spec, "readiness", None) is None:
        out.append("readiness")
    if not spec.funnel.stages:
        out.append("funnel")
    return tuple(out)


def _capacity_rows(analysis: ClientAnalysis, goals: tuple[GoalFacts, ...]) -> tuple[CapacityRow, ...]:
    """Capacity and ceiling in the market's units and money, then the ceiling of every goal metric the
    forecast charts use (so the chart's ceiling is a number the table shows)."""
    if analysis.capacity is None:
        return ()
    summary = analysis.capacity.summary()
    rows = [CapacityRow(name.split()[0], "units", name.endswith("money"), float(r["p10"]), float(r["p50"]),
                        float(r["p90"])) for name, r in summary.iterrows()]
    seen = set()
    for g in goals:
        units = next(r for r in rows if r.what == "ceiling" and not r.money)
        if g.ceiling_p50 is None or g.metric in seen or np.isclose(g.ceiling_p50, units.p50):
            continue  # the same ceiling as the units row: one number, one row
        seen.add(g.metric)
        rows.append(CapacityRow("goal_ceiling", g.unit, g.money, g.ceiling_p10, g.ceiling_p50, g.ceiling_p90))
    return tuple(rows)


def _inputs(analysis: ClientAnalysis) -> tuple[InputRow, ...]:
    if analysis.capacity is None:
        return ()
    frame = analysis.capacity.assumptions()
    return tuple(InputRow(str(r.driver), str(r.range), str(r.unit),
                          None if not isinstance(r.source, str) or not r.source.strip() else r.source)
                 for r in frame.itertuples(index=False))


def build_report(analysis: ClientAnalysis, *, prepared: str | None = None) -> ReportModel:
    """The report model of one analysed client."""
    spec = analysis.spec
    plans = load_plans(spec.folder)
    progress = progress_records(spec, plans=plans) if plans else {}
    econ = {e.goal_id: e for e in analysis.economics}
    goals = tuple(goal_facts(r, econ.get(r.goal.id), confidence=analysis.confidence, progress=progress, plans=plans)
                  for r in analysis.goals)
    c = spec.client
    return ReportModel(client_id=c.id, client_name=c.name, currency=c.currency, as_of=pd.Period(c.as_of, freq="M"),
                       prepared=prepared_date(prepared), confidence=float(analysis.confidence), goals=goals,
                       readiness=_readiness(spec), not_provided=_not_provided(analysis, plans),
                       has_market=analysis.capacity is not None, has_plans=bool(plans),
                       capacity=_capacity_rows(analysis, goals), inputs=_inputs(analysis))
