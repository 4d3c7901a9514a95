"""One client, analysed end to end: capacity, simulated futures and goal verdicts.

``analyse_client(spec)`` is what the client-report notebook calls; it returns a
frozen :class:`ClientAnalysis` whose parts the notebook shows one per cell.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.capacity.estimate import CapacityEstimate
from toolkit.capacity.market import estimate_client, keyword_tables
from toolkit.cycle.futures import capacity_draws, goal_paths, market_season
from toolkit.cycle.review import progress_records
from toolkit.demand.view import DemandView, demand_view
from toolkit.economics.goal import goal_economics
from toolkit.engine.assess import GoalAssessment, assess_goal
from toolkit.engine.paths import PathEnsemble
from toolkit.report.badge import BADGE_TONES, progress_badge
from toolkit.report.units import MONEY_METRICS, metric_unit
from toolkit.spec.client import ClientSpec, Goal

__all__ = ["GoalResult", "ClientAnalysis", "analyse_client"]

log = logging.getLogger("toolkit")

@dataclass(frozen=True)
class GoalResult:
    """One goal with the simulated futures of its metric and its assessment."""

    goal: Goal
    paths: PathEnsemble
    assessment: GoalAssessment
    ceiling: np.ndarray | None


@dataclass(frozen=True)
class ClientAnalysis:
    """Everything the report shows for one client, computed once."""

    spec: ClientSpec
    capacity: CapacityEstimate | None
    demand: DemandView | None
    goals: tuple[GoalResult, ...]
    seed: int
    n_paths: int
    confidence: float
    economics: tuple = ()

    def goal_result(self, goal_id: str) -> GoalResult:
        """The analysed goal with this id (InputError naming the known ids otherwise)."""
        self.spec.goal(goal_id)
        return next(r for r in self.goals if r.goal.id == goal_id)

    def verdict_frame(self) -> pd.DataFrame:
        """One row per goal: probability, verdict, realistic maximum, reach dates."""
        rows = []
        for r in self.goals:
            a = r.assessment.to_dict()
            rows.append({
                "goal": r.goal.id, "metric": r.goal.metric, "target": r.goal.target, "deadline": r.goal.deadline,
                **{k: a[k] for k in ("probability", "verdict", "realistic_max", "reach_p50", "reach_p80", "p_never")},
            })
        return pd.DataFrame(rows)

    def records(self) -> dict[str, object]:
        """The numbers a batch run reads back (summary.csv, index.html)."""
        out: dict[str, object] = {"client_id": self.spec.client.id, "client_name": self.spec.client.name,
                                  "currency": self.spec.client.currency,
                                  "as_of": self.spec.client.as_of, "seed": self.seed, "n_paths": self.n_paths}
        if self.capacity is not None:
            summary = self.capacity.summary()
            for row, key in (("ceiling units", "ceiling_units"), ("capacity units", "capacity_units")):
                if row in summary.index:
                    for q in ("p10", "p50", "p90"):
                        out[f"{key}_{q}"] = float(summary.loc[row, q])

        expediency = {e.goal_id: e.expediency for e in self.economics}
        progress = progress_records(self.spec)
        out["goals"] = []
        for r in self.goals:
            exp = expediency.get(r.goal.id)
            rec = progress.get(r.goal.id, {})
            status = rec.get("status", "no_plan")
            badge = progress_badge(status, r.assessment.probability, toward=rec.get("toward", "goal"),
                                   confidence=self.confidence)
            out["goals"].append({"goal": r.goal.id, "statement": r.goal.statement, "metric": r.goal.metric,
                                 "target": r.goal.target, "deadline": r.goal.deadline, **r.assessment.to_dict(),
                                 "expediency": exp.verdict if exp is not None else None,
                                 "expediency_reason": exp.reason if exp is not None else None,
                                 "progress": status, "behind_plan": bool(rec.get("behind_plan", False)),
                                 "plan_toward": rec.get("toward", "goal"), "plan_target": rec.get("plan_target"),
                                 "progress_badge": badge, "badge_tone": BADGE_TONES[badge],
                                 "unit": metric_unit(r.goal.metric), "money": r.goal.metric in MONEY_METRICS})
        return out


def analyse_client(spec: ClientSpec, *, seed: int = 0, n_paths: int = 2000, confidence: float = 0.8) -> ClientAnalysis:
    """Estimate capacity, simulate each goal's metric and assess every goal.

    Parameters
    ----------
    spec : ClientSpec
        A loaded client (``toolkit.load_client``).
    seed : int
        Seeds every random draw; the same inputs and seed give the same numbers.
    n_paths : int
        Simulated futures per goal (and capacity draws).
    confidence : float
        Probability a goal must reach to be called attainable.
    """
    capacity = None
    if spec.market is not None:
        capacity = estimate_client(spec, keywords=keyword_tables(spec), n=capacity_draws(n_paths), seed=seed)
    demand = demand_view(spec)
    # The same futures as a plan or review of this client (toolkit.cycle.futures).
    season = market_season(spec, demand)
    results = []
    for goal in spec.goals:
        ceiling = capacity.ceiling_for(goal.metric) if capacity is not None else None
        paths = goal_paths(spec, goal.metric, goal.deadline, seed=seed, n_paths=n_paths, ceiling=ceiling,
                           season=season)
        assessment = assess_goal(paths, goal.target, goal.deadline, kind=goal.kind, confidence=confidence)
        log.info("%s/%s: P(met)=%.2f %s", spec.client.id, goal.id, assessment.probability, assessment.verdict)
        results.append(GoalResult(goal, paths, assessment, ceiling))

    economics = tuple(goal_economics(spec, r, capacity, seed=seed, n=max(n_paths, 2000)) for r in results)
    return ClientAnalysis(spec, capacity, demand, tuple(results), seed, n_paths, confidence, economics)
