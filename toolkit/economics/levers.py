"""Levers: revenue = customers x average check x purchase frequency.

:func:`decompose_levers` splits monthly revenue into the three levers;
:func:`lever_scenarios` lists the combinations of lever changes that reach a
revenue goal and how far each lever must move compared with the largest
12-month change in its own history. Only customers are bounded by the market
ceiling; check and frequency are not.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from toolkit.errors import InputError
from toolkit.priors.ranges import Range, as_range

__all__ = ["LEVERS", "decompose_levers", "lever_history_changes", "revenue_target", "lever_scenarios"]

LEVERS = ("customers", "avg_check", "frequency")
_COMBOS = {
    "customers only": ("customers",), "check only": ("avg_check",), "frequency only": ("frequency",),
    "customers + check": ("customers", "avg_check"), "customers + frequency": ("customers", "frequency"),
    "check + frequency": ("avg_check", "frequency"), "all three": LEVERS,
}


def decompose_levers(kpis: pd.DataFrame) -> pd.DataFrame:
    """Split monthly revenue into customers x average check x frequency.

    ``frequency`` (purchases per customer per month) is ``revenue / (customers x
    avg_check)`` when all three are known, else ``orders / customers`` (or
    ``sales / customers``); a missing ``avg_check`` is ``revenue / orders`` and a
    missing ``revenue`` is ``orders x avg_check``. The product of the three
    levers equals ``revenue`` exactly.
    """
    cols = set(kpis.columns)
    orders = next((c for c in ("orders", "sales") if c in cols), None)
    if "customers" not in cols:
        raise InputError.at(None, "kpis", sorted(cols), "a customers column")
    customers = kpis["customers"].astype(float)
    check = kpis["avg_check"].astype(float) if "avg_check" in cols else None
    revenue = kpis["revenue"].astype(float) if "revenue" in cols else None
    if check is None and revenue is not None and orders:
        check = revenue / kpis[orders]
    if revenue is None and check is not None and orders:
        revenue = kpis[orders] * check
    if check is None or revenue is None:
        raise InputError.at(None, "kpis", sorted(cols), "revenue or avg_check, with customers and sales or orders")
    with np.errstate(divide="ignore", invalid="ignore"):
        frequency = revenue / (customers * check)
    out = pd.DataFrame({"customers": customers, "avg_check": check, "frequency": frequency, "revenue": revenue})
    return out.replace([np.inf, -np.inf], np.nan)


def lever_history_changes(levers: pd.DataFrame, window: int = 12) -> pd.DataFrame:
    """Largest and smallest relative change of each lever over any ``window``-month span of its history.

    Uses a shorter window when the history is short (``attrs["window"]``).
    """
    w = max(1, min(window, len(levers) - 1))
    rows = {}
    for lever in LEVERS:
        change = (levers[lever] / levers[lever].shift(w) - 1).dropna()
        rows[lever] = {"largest_rise": float(change.max()) if len(change) else np.nan,
                       "smallest_change": float(change.min()) if len(change) else np.nan}
    frame = pd.DataFrame(rows).T
    frame.attrs["window"] = w
    return frame


def revenue_target(goal, kpis: pd.DataFrame, base_months: int = 3) -> float:
    """Monthly revenue implied by a goal on sales, orders, customers, avg_check or revenue."""
    base = decompose_levers(kpis).tail(base_months).mean()
    per = {"revenue": 1.0, "sales": base["avg_check"], "orders": base["avg_check"],
           "customers": base["avg_check"] * base["frequency"], "avg_check": base["customers"] * base["frequency"]}
    if goal.metric not in per:
        raise InputError.at(None, "goal.metric", goal.metric, f"one of {', '.join(per)} for a lever analysis")
    return float(goal.target * per[goal.metric])


def lever_scenarios(kpis: pd.DataFrame, target_revenue: float, *, ceiling_customers: float | Range | None = None,
                    base_months: int = 3, window: int = 12) -> pd.DataFrame:
    """Combinations of lever changes that reach ``target_revenue`` per month.

    The baseline is the mean of each lever over the last ``base_months``. Each
    scenario moves the named levers by the same factor so their product reaches
    the target (one lever: the whole factor; two: its square root; three: its
    cube root). Only customers are bounded by the market: with
    ``ceiling_customers`` (customers per month; a Range is taken at its median)
    a scenario above it is marked ``within_ceiling = False``, and a scenario
    "customers to ceiling" fills the rest with check and frequency.

    Returns
    -------
    pandas.DataFrame
        One row per scenario: multipliers ``<lever>_x``, resulting levels,
        ``<lever>_vs_history`` (required rise / largest rise seen over
        ``window`` months; > 1 means beyond anything in the history),
        ``max_stretch`` and ``within_ceiling``. ``attrs`` holds the baseline,
        the factor and the history changes.
    """
    levers = decompose_levers(kpis)
    base = levers.tail(base_months).mean()
    base_rev = float(base["customers"] * base["avg_check"] * base["frequency"])
    if not target_revenue > 0 or not base_rev > 0:
        raise InputError.at(None, "target_revenue", target_revenue, "a positive revenue with positive baseline levers")
    factor = target_revenue / base_rev
    hist = lever_history_changes(levers, window)
    ceiling = None if ceiling_customers is None else (
        as_range(ceiling_customers).median if isinstance(ceiling_customers, (Range, Mapping)) else float(ceiling_customers))
    plans = {name: {lv: (factor ** (1 / len(moved)) if lv in moved else 1.0) for lv in LEVERS}
             for name, moved in _COMBOS.items()}
    if ceiling is not None:
        cust = min(factor, ceiling / base["customers"])
        rest = (factor / cust) ** 0.5
        plans["customers to ceiling"] = {"customers": cust, "avg_check": rest, "frequency": rest}
    rows = []
    for name, moves in plans.items():
        row = {"scenario": name}
        for lv in LEVERS:
            row[f"{lv}_x"] = moves[lv]
        for lv in LEVERS:
            row[lv] = base[lv] * moves[lv]
        row["revenue"] = row["customers"] * row["avg_check"] * row["frequency"]
        for lv in LEVERS:
            rise, seen = moves[lv] - 1, hist.loc[lv, "largest_rise"]
            row[f"{lv}_vs_history"] = 0.0 if rise <= 0 else (rise / seen if seen > 0 else np.inf)
        row["max_stretch"] = max(row[f"{lv}_vs_history"] for lv in LEVERS)
        row["within_ceiling"] = bool(ceiling is None or row["customers"] <= ceiling * (1 + 1e-9))
        rows.append(row)
    frame = pd.DataFrame(rows).set_index("scenario")
    frame.attrs.update(baseline=base.to_dict(), factor=factor, history=hist.to_dict(), ceiling_customers=ceiling,
                       constrained_by_ceiling=["customers"], unconstrained=["avg_check", "frequency"])
    return frame
