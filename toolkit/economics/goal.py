"""What each goal demands and whether it pays: new customers, their cost and return,
the funnel volumes behind the target, the lever combinations for revenue goals,
and the five verification checks.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.economics.funnel import required_volumes_distribution, top_of_funnel_check
from toolkit.economics.levers import lever_scenarios
from toolkit.economics.readiness import verification_checklist
from toolkit.economics.unit import Expediency, goal_expediency
from toolkit.errors import InputError

__all__ = ["GoalEconomics", "goal_economics", "SALES_METRICS"]

log = logging.getLogger("toolkit")
SALES_METRICS = ("sales", "orders", "customers")
RECENT_MONTHS = 3


@dataclass(frozen=True)
class GoalEconomics:
    """Expediency, funnel volumes, lever scenarios and verification checklist of one goal."""

    goal_id: str
    expediency: Expediency | None
    customers_needed: float | None
    volumes: pd.DataFrame | None
    top_of_funnel: object | None
    levers: pd.DataFrame | None
    checklist: pd.DataFrame
    notes: tuple[str, ...] = ()


def monthly_target(goal, kpis: pd.DataFrame, as_of: str) -> float:
    """The monthly level a goal asks for: the target itself, or a cumulative target spread evenly."""
    if goal.kind == "level":
        return float(goal.target)
    months = (pd.Period(goal.deadline, freq="M") - pd.Period(as_of, freq="M")).n
    return float(goal.target) / max(months, 1)


def customers_target(goal, kpis: pd.DataFrame, as_of: str) -> float | None:
    """Customers per month the goal implies, scaling today's customers by the metric's required growth."""
    if "customers" not in kpis.columns:
        return None
    now_metric = float(kpis[goal.metric].iloc[-RECENT_MONTHS:].mean())
    now_customers = float(kpis["customers"].iloc[-RECENT_MONTHS:].mean())
    if now_metric <= 0:
        return None
    if goal.metric == "avg_check":
        return now_customers  # a higher check needs no extra customers
    return now_customers * monthly_target(goal, kpis, as_of) / now_metric


def goal_economics(spec, result, capacity=None, *, seed: int = 0, n: int = 5000) -> GoalEconomics:
    """Economics of one analysed goal (a :class:`toolkit.report.analysis.GoalResult`)."""
    goal, kpis, notes = result.goal, spec.kpis, []
    customers_needed = customers_target(goal, kpis, spec.client.as_of)
    expediency = None
    econ = spec.economics
    if customers_needed is not None and (econ.cac is not None or econ.cac_online is not None or econ.cac_offline is not None):
        try:
            expediency = goal_expediency(spec, goal, {"customers": customers_needed}, n=n, seed=seed)
        except InputError as exc:  # an economics section that cannot support it: say so in the report
            notes.append(f"Expediency not computed: {str(exc).splitlines()[0]}")
    else:
        notes.append("Expediency needs customers in the history and a customer acquisition cost in economics.")
    volumes = top = None
    if spec.funnel.stages and goal.metric in SALES_METRICS:
        stages = [(s.name, s.conversion) for s in spec.funnel.stages]
        monthly = monthly_target(goal, kpis, spec.client.as_of)
        volumes = required_volumes_distribution(monthly, stages, n=n, seed=seed)
        traffic = capacity.ceiling_for("traffic") if capacity is not None else None
        if traffic is not None:
            top = top_of_funnel_check(monthly, stages, float(np.median(traffic)), n=n, seed=seed)
    elif spec.funnel.stages:
        notes.append(f"Funnel volumes are computed for sales goals; this goal's metric is {goal.metric}.")
    levers = None
    if goal.metric == "revenue" and {"customers", "avg_check", "revenue"} <= set(kpis.columns):
        ceiling = capacity.ceiling_for("customers") if capacity is not None else None
        levers = lever_scenarios(kpis, monthly_target(goal, kpis, spec.client.as_of),
                                 ceiling_customers=float(np.median(ceiling)) if ceiling is not None else None)
    checklist = verification_checklist(goal, result.assessment.verdict, expediency)
    return GoalEconomics(goal.id, expediency, customers_needed, volumes, top, levers, checklist, tuple(notes))

