"""Where a shortfall against the plan comes from: the lever gap and the funnel gap.

Answers "which lever (customers, check, frequency) or which funnel stage fell
short of what the plan needed?" for :func:`toolkit.cycle.review.review_goal`; the
definitions are in :mod:`toolkit.cycle.review`'s docstring (Lever gap, Funnel gap).

A gap that does not apply (no levers or funnel in the plan, no recent months)
is None; one that applies but cannot be computed from these actuals raises
:class:`~toolkit.errors.InputError`, which the review shows as a note.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from toolkit.cycle.plan import SavedPlan
from toolkit.economics.funnel import funnel_schedule
from toolkit.economics.levers import LEVERS, decompose_levers

__all__ = ["LEVERS_OF"]

LEVERS_OF = {"revenue": ("customers", "avg_check", "frequency"), "sales": ("customers", "frequency"),
             "orders": ("customers", "frequency"), "customers": ("customers",), "avg_check": ("avg_check",)}
STAGE_COLUMNS = (("visit", "traffic"), ("traffic", "traffic"), ("session", "traffic"), ("lead", "leads"),
                  ("request", "leads"), ("enquir", "leads"), ("inquir", "leads"), ("booking", "leads"),
                  ("call", "calls"))


def plan_monthly(plan: SavedPlan) -> pd.Series:
    """The plan line as monthly values (increments of the running total for a cumulative goal)."""
    traj = plan.trajectory_frame().set_index("month")["target"]
    return traj if plan.goal["kind"] == "level" else traj.diff().fillna(traj.iloc[0])


def lever_gap(plan: SavedPlan, actuals: pd.DataFrame, recent: pd.PeriodIndex) -> pd.DataFrame | None:
    metric = plan.goal["metric"]
    base_metric = (plan.baseline or {}).get("mean_3")
    if plan.levers is None or metric not in LEVERS_OF or not base_metric or len(recent) == 0:
        return None
    levers = decompose_levers(actuals)  # InputError when the actuals lack a lever's column
    planned_metric = plan_monthly(plan).reindex(recent).mean()
    if not (planned_metric > 0):
        return None
    moved = LEVERS_OF[metric]
    factor = float(planned_metric) / float(base_metric)
    rows = []
    for lever in LEVERS:
        base = float(plan.levers[lever])
        planned = base * factor ** (1 / len(moved)) if lever in moved else base
        actual = float(levers[lever].reindex(recent).mean())
        log_gap = math.log(actual / planned) if actual > 0 and planned > 0 else np.nan
        rows.append({"lever": lever, "in_metric": lever in moved, "at_approval": base, "planned": planned,
                     "actual": actual, "gap_pct": actual / planned - 1, "log_gap": log_gap})
    frame = pd.DataFrame(rows)
    short = frame["log_gap"].where(frame["in_metric"] & (frame["log_gap"] < 0), 0.0)
    total = float(short.sum())
    frame["share_of_shortfall"] = (short / total).abs() if total < 0 else 0.0
    return frame.drop(columns="log_gap")


def stage_column(stage: str, columns) -> str | None:
    name = stage.strip().lower()
    if name in columns:
        return name
    for key, col in STAGE_COLUMNS:
        if key in name and col in columns:
            return col
    return None


def funnel_gap(plan: SavedPlan, actuals: pd.DataFrame, recent: pd.PeriodIndex) -> pd.DataFrame | None:
    fun = plan.funnel
    if not fun or not fun.get("stages") or len(recent) == 0:
        return None
    stages = [(s["name"], float(s["conversion"]), s.get("lag_days")) for s in fun["stages"]]
    cols = list(actuals.columns)
    metric = plan.goal["metric"]
    monthly = plan_monthly(plan)
    conv = [c for _, c, _ in stages]
    if metric in ("sales", "orders"):
        sales = monthly
    elif metric == "revenue" and plan.levers:
        sales = monthly / float(plan.levers["avg_check"])
    else:
        at = [i for i, (name, _, _) in enumerate(stages) if stage_column(name, [metric]) == metric]
        if not at:
            return None
        sales = monthly * float(np.prod(conv[at[0]:]))
    schedule = funnel_schedule(sales, stages, fun.get("cycle_days", 30) or 0)
    rows = []
    for name, _, _ in stages:
        col = stage_column(name, cols)
        if col is None:
            continue
        need = schedule[name].reindex(recent)
        have = actuals[col].reindex(recent)
        ok = need.notna() & have.notna() & (need > 0)
        if not ok.any():
            continue
        required, actual = float(need[ok].mean()), float(have[ok].mean())
        rows.append({"stage": name, "column": col, "required": required, "actual": actual,
                     "gap_pct": actual / required - 1})
    return pd.DataFrame(rows) if rows else None
