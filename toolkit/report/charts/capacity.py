"""Charts of market capacity: the distribution, the tornado of drivers, scenarios side by side.

Every function takes ``ax=None`` (a new figure is made when omitted) and
returns the :class:`matplotlib.axes.Axes` it drew on; nothing is shown or
saved here.
"""

from __future__ import annotations

from typing import Mapping

import matplotlib.ticker as mticker
import numpy as np
import pandas as pd

from toolkit.capacity.estimate import CapacityEstimate
from toolkit.capacity.market import scenario_table
from toolkit.errors import InputError
from toolkit.present.formatting import mpl_text
from toolkit.report.labels import DRIVER_LABELS

__all__ = ["plot_capacity", "plot_tornado", "plot_scenarios"]

_WHAT = {"units": "units", "money": "money"}
_COLORS = {"capacity": "#4C72B0", "ceiling": "#DD8452"}


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(7, 4))
    return ax


def _axis_label(what: str, currency: str | None) -> str:
    if what == "money":
        return f"Money per month ({currency})" if currency else "Money per month"
    return "Units per month"


def _check_what(what: str) -> None:
    if what not in _WHAT:
        raise InputError.at(None, "what", what, "'units' or 'money'")


def plot_capacity(est: CapacityEstimate, *, ax=None, what: str = "units", ceiling: bool = True,
                  currency: str | None = None, bins: int = 60):
    """Histogram of capacity (and the ceiling) per month with P10 / P50 / P90 marked.

    Parameters
    ----------
    est : CapacityEstimate
    ax : matplotlib Axes, optional
    what : {"units", "money"}
    ceiling : bool
        Also draw the client's ceiling (capacity x reachable share).
    currency : str, optional
        Shown in the axis label for money, e.g. ``"EUR"``.
    bins : int
        Histogram bins over the P0.5-P99.5 range (the tails are cut for legibility).

    Returns
    -------
    matplotlib.axes.Axes
    """
    _check_what(what)
    ax = _axes(ax)
    series = {"capacity": getattr(est, what)}
    if ceiling:
        series["ceiling"] = getattr(est, f"ceiling_{what}")
    finite = {k: x[np.isfinite(x)] for k, x in series.items()}
    finite = {k: x for k, x in finite.items() if x.size}
    if not finite:
        raise InputError.at(None, "what", what, "an output with known values (money needs an average check)")
    lo = min(np.percentile(x, 0.5) for x in finite.values())
    hi = max(np.percentile(x, 99.5) for x in finite.values())
    log_x = lo > 0 and hi / lo > 20  # capacity and ceiling an order of magnitude apart: log axis
    edges = np.geomspace(lo, hi, bins + 1) if log_x else np.linspace(lo, hi, bins + 1)
    for name, x in finite.items():
        # One filled outline per series, not a patch per bin: the same picture, a fraction of the drawing cost.
        ax.hist(np.clip(x, lo, hi), bins=edges, weights=np.full(x.size, 1 / x.size), alpha=0.45, color=_COLORS[name],
                histtype="stepfilled",
                label="What the client can hold" if name == "ceiling" else "The whole market")
        p10, p50, p90 = np.percentile(x, [10, 50, 90])
        for q, v, style in (("low", p10, ":"), ("typical", p50, "-"), ("high", p90, ":")):
            ax.axvline(v, color=_COLORS[name], linestyle=style, linewidth=1.5)
            ax.annotate(f"{q} {v:,.0f}", xy=(v, 1.0), xycoords=("data", "axes fraction"), rotation=90,
                        va="top", ha="right", fontsize=8, color=_COLORS[name])
    if log_x:
        ax.set_xscale("log")
        # Plain numbers on a log axis: "40", not "4x10^1".
        ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.xaxis.set_minor_formatter(mticker.NullFormatter())
    ax.set_xlabel(_axis_label(what, currency) + (" (log scale)" if log_x else ""))
    ax.set_ylabel("Share of simulated markets")
    ax.yaxis.set_major_formatter(mticker.PercentFormatter(1.0, decimals=0))
    # Beside the plot, never on the bars (the section gives this chart LEGEND_MARGINS).
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, fontsize=8, frameon=False)
    return ax


def plot_tornado(est: CapacityEstimate, *, ax=None, output: str = "units", currency: str | None = None,
                 top: int | None = None):
    """Tornado chart: the output with each driver at its P10 and P90, the others at their medians.

    Bars are ordered by the driver's share of variance (largest on top), which
    is printed next to each driver's name; drivers that do not move this
    output (average price for units, reachable share for capacity) are left out.

    Parameters
    ----------
    est : CapacityEstimate
    ax : matplotlib Axes, optional
    output : str
        units, money, ceiling_units, ceiling_money, visits or leads.
    currency : str, optional
        Shown in the axis label for money outputs.
    top : int, optional
        Show only the ``top`` drivers.

    Returns
    -------
    matplotlib.axes.Axes
    """
    sens = est.sensitivity(output)
    sens = sens[(sens["swing"] > 0) | (sens["variance_share"] > 0)]  # e.g. avg_price does not move units
    if top is not None:
        sens = sens.head(top)
    ax = _axes(ax)
    base = float(sens["base"].iloc[0]) if len(sens) else 0.0
    y = np.arange(len(sens))[::-1]
    for yi, row in zip(y, sens.itertuples()):
        ax.barh(yi, row.low - base, left=base, color="#C44E52", alpha=0.8, height=0.6)
        ax.barh(yi, row.high - base, left=base, color="#55A868", alpha=0.8, height=0.6)
    ax.axvline(base, color="black", linewidth=1)
    labels = [f"{DRIVER_LABELS.get(r.driver, r.driver.replace('_', ' '))} ({r.variance_share:.0%})"
              for r in sens.itertuples()]
    ax.set_yticks(y, [mpl_text(t) for t in labels], fontsize=8)
    names = {"units": "Capacity, units per month", "money": "Capacity, money per month",
             "ceiling_units": "Ceiling, units per month", "ceiling_money": "Ceiling, money per month",
             "visits": "Visits per month", "leads": "Leads per month"}
    label = names[output] + (f" ({currency})" if currency and "money" in output else "")
    ax.set_xlabel(f"{label}\nred: that input at the low end of its range, green: at the high end")
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    return ax


def plot_scenarios(results: Mapping[str, CapacityEstimate] | pd.DataFrame, *, ax=None, what: str = "units",
                   currency: str | None = None):
    """Capacity and ceiling per scenario: P10-P90 bars with the P50 marked.

    Parameters
    ----------
    results : dict of CapacityEstimate, or the DataFrame of compare_scenarios
    ax : matplotlib Axes, optional
    what : {"units", "money"}
    currency : str, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    _check_what(what)
    table = results if isinstance(results, pd.DataFrame) else scenario_table(dict(results))
    ax = _axes(ax)
    y = np.arange(len(table))[::-1]
    for offset, (kind, prefix) in zip((0.15, -0.15), (("capacity", what), ("ceiling", f"ceiling_{what}"))):
        p10, p50, p90 = (table[f"{prefix}_{p}"].to_numpy(dtype=float) for p in ("p10", "p50", "p90"))
        ax.hlines(y + offset, p10, p90, color=_COLORS[kind], linewidth=6, alpha=0.6, label=f"{kind} P10-P90")
        ax.plot(p50, y + offset, "o", color=_COLORS[kind], markeredgecolor="black", label=f"{kind} P50")
        for yi, v in zip(y, p50):
            if np.isfinite(v):
                ax.annotate(f"{v:,.0f}", (v, yi + offset), textcoords="offset points", xytext=(0, 6), ha="center",
                            fontsize=8)
    values = table[[f"{p}_{q}" for p in (what, f"ceiling_{what}") for q in ("p10", "p90")]].to_numpy(dtype=float)
    finite = values[np.isfinite(values) & (values > 0)]
    if finite.size and finite.max() / finite.min() > 30:
        ax.set_xscale("log")
    ax.set_yticks(y, [mpl_text(t) for t in table.index])
    ax.set_xlabel(_axis_label(what, currency))
    ax.set_title("Capacity and ceiling by scenario")
    ax.legend(fontsize=8, loc="best")
    return ax
