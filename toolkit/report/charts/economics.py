"""Charts for levers, funnel volumes and unit economics: ``plot_x(result, *, ax=None) -> Axes``.

Each function draws on ``ax`` (a new figure when None), labels both axes with
units and returns the Axes; nothing is shown or saved here.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from toolkit.present.formatting import mpl_text

__all__ = ["plot_funnel_volumes", "plot_funnel_schedule", "plot_lever_history", "plot_clv_vs_cac"]


def _axes(ax):
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    return ax


def plot_funnel_volumes(volumes, *, unit: str = "per month", ax=None):
    """Horizontal bars of the volume each stage needs, top of the funnel first.

    ``volumes`` is the mapping of :func:`toolkit.economics.funnel.required_volumes` or the
    P10/P50/P90 frame of :func:`~toolkit.economics.funnel.required_volumes_distribution`
    (bars at P50, whiskers from P10 to P90).
    """
    ax = _axes(ax)
    if isinstance(volumes, pd.DataFrame):
        names, mid = list(volumes.index), volumes["p50"].to_numpy()
        err = np.vstack([mid - volumes["p10"].to_numpy(), volumes["p90"].to_numpy() - mid])
    else:
        names, mid, err = list(volumes), np.asarray(list(dict(volumes).values()), float), None
    y = np.arange(len(names))[::-1]
    ax.barh(y, mid, xerr=err, color="#4c72b0", capsize=4)
    ax.set_yticks(y, [mpl_text(n) for n in names])
    for yi, v in zip(y, mid):
        ax.annotate(f"{v:,.0f}", (v, yi), xytext=(4, 0), textcoords="offset points", va="center")
    ax.set_xlabel(f"required volume ({unit})")
    ax.set_ylabel("funnel stage (top first)")
    ax.set_title("Reverse funnel: what the goal needs")
    return ax


def plot_funnel_schedule(schedule: pd.DataFrame, *, ax=None):
    """Monthly volumes per stage from :func:`toolkit.economics.funnel.funnel_schedule`, shifted by the cycle."""
    ax = _axes(ax)
    x = schedule.index.to_timestamp() if isinstance(schedule.index, pd.PeriodIndex) else schedule.index
    for col in schedule.columns:
        ax.step(x, schedule[col], where="mid", label=col)
    ax.set_yscale("symlog")
    ax.set_xlabel("month")
    ax.set_ylabel("volume per month (count, log scale)")
    ax.legend(title="stage")
    ax.set_title("When each stage must be filled")
    return ax


def plot_lever_history(levers: pd.DataFrame, *, ax=None):
    """Customers, average check and frequency indexed to 100 in the first month.

    ``levers`` is the frame of :func:`toolkit.economics.unit.decompose_levers`; revenue is
    drawn dashed so the three levers can be seen compounding into it.
    """
    ax = _axes(ax)
    x = levers.index.to_timestamp() if isinstance(levers.index, pd.PeriodIndex) else levers.index
    for col, style in (("customers", "-"), ("avg_check", "-"), ("frequency", "-"), ("revenue", "--")):
        if col in levers:
            series = levers[col].astype(float)
            ax.plot(x, 100 * series / series.iloc[0], style, label=col.replace("_", " "))
    ax.axhline(100, color="grey", lw=0.8)
    ax.set_xlabel("month")
    ax.set_ylabel("index (first month = 100)")
    ax.legend()
    ax.set_title("Revenue = customers x average check x frequency")
    return ax


def plot_clv_vs_cac(expediency, *, currency: str | None = None, bins: int = 60, ax=None):
    """Distributions of CLV, CAC and margin within the horizon per customer.

    ``expediency`` is an :class:`toolkit.economics.unit.Expediency` (its samples) or a
    mapping with arrays ``clv`` and ``cac`` (and optionally ``margin_within_horizon``).
    """
    ax = _axes(ax)
    samples: Mapping = getattr(expediency, "samples", expediency)
    cur = currency or getattr(expediency, "currency", "")
    horizon = getattr(expediency, "horizon_months", None)
    series = [("cac", "CAC", "#c44e52"), ("margin_within_horizon",
              f"margin within {horizon} months" if horizon else "margin within horizon", "#dd8452"),
              ("clv", "CLV", "#55a868")]
    finite = np.concatenate([np.asarray(samples[k])[np.isfinite(samples[k])] for k, _, _ in series if k in samples])
    edges = np.linspace(0, np.quantile(finite, 0.995), bins)
    for key, label, color in series:
        if key in samples:
            ax.hist(samples[key], bins=edges, alpha=0.5, color=color, label=label, density=True, histtype="stepfilled")
    ax.set_xlabel(f"per customer ({cur})".replace(" ()", ""))
    ax.set_ylabel("density (share of draws per unit)")
    verdict = getattr(expediency, "verdict", None)
    ax.set_title("CLV vs CAC" + (f": {verdict.replace('_', ' ')}" if verdict else ""))
    ax.legend()
    return ax
