"""Demand charts: the series with its trend, and the seasonal index as bars.

Each function draws on ``ax`` (a new figure's axes when ``None``) and returns
the Axes, like lifetimes' plotting module, so a notebook can compose them.

References
----------
.. [1] R. B. Cleveland, W. S. Cleveland, J. E. McRae and I. Terpenning, "STL: A
   Seasonal-Trend Decomposition Procedure Based on Loess", *Journal of
   Official Statistics* 6(1), 3-73, 1990.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter

from toolkit.demand.monthly import MONTH_NAMES, is_month_index, to_monthly
from toolkit.demand.shape import TrendGrowth
from toolkit.errors import InputError
from toolkit.report.charts.forecast import month_locator

__all__ = ["plot_demand", "plot_seasonal_index"]


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def plot_demand(
    series: pd.Series,
    trend: TrendGrowth | pd.Series | None = None,
    *,
    ax: Axes | None = None,
    ylabel: str = "Demand per month",
) -> Axes:
    """Monthly demand with its trend line.

    Parameters
    ----------
    series : pandas.Series
        Demand history (monthly, weekly or daily; averaged to months).
    trend : TrendGrowth or pandas.Series, optional
        Result of :func:`toolkit.demand.shape.trend_growth` (its decomposition trend
        and fitted growth line are drawn, with the growth in the legend) or
        any monthly series to draw as the trend.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when omitted.
    ylabel : str
        Y-axis label including the unit, e.g. "Sales per month (units)".

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax, (8, 3.5))
    monthly = to_monthly(series)
    x = monthly.index.to_timestamp()
    ax.plot(x, monthly.to_numpy(), color="0.35", lw=1.2, marker=".", ms=4, label="Demand (monthly average)")
    if isinstance(trend, TrendGrowth):
        ax.plot(trend.trend.index.to_timestamp(), trend.trend.to_numpy(), color="C0", lw=2, label="Trend")
        label = (f"Growth {100 * trend.annual_rate:+.0f}% a year "
                 f"({100 * trend.level:.0f}% interval {100 * trend.low:+.0f}% to {100 * trend.high:+.0f}%)")
        ax.plot(trend.fitted.index.to_timestamp(), trend.fitted.to_numpy(), color="C1", lw=1.5, ls="--", label=label)
    elif trend is not None:
        if not isinstance(trend, pd.Series):
            raise InputError.at(None, "trend", type(trend).__name__, "a TrendGrowth or a pandas Series")
        t = to_monthly(trend)
        ax.plot(t.index.to_timestamp(), t.to_numpy(), color="C0", lw=2, label="Trend")
    ax.set_xlabel("Month")
    # The report's one axis style for months ("Jun 2027"), as the forecast charts use.
    ax.xaxis.set_major_locator(month_locator(ax))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize="small", frameon=False)
    return ax


def plot_seasonal_index(index: pd.Series, band: pd.DataFrame | None = None, *, ax: Axes | None = None) -> Axes:
    """Seasonal index as bars of % above or below the average month.

    Parameters
    ----------
    index : pandas.Series
        Twelve factors indexed 1..12, from :func:`toolkit.demand.shape.seasonal_index`.
    band : pandas.DataFrame, optional
        From :func:`toolkit.demand.shape.seasonal_band`; its ``low``/``high`` are drawn
        as error bars.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax, (8, 3.5))
    if not is_month_index(index):
        raise InputError.at(None, "index", getattr(index, "index", index), "12 seasonal factors indexed 1..12")
    months = np.arange(1, 13)
    pct = (index.reindex(months).to_numpy(dtype=float) - 1) * 100
    colors = ["C2" if p >= 0 else "C3" for p in pct]
    yerr = None
    if band is not None:
        b = band.reindex(months)
        yerr = np.vstack([pct - (b["low"].to_numpy() - 1) * 100, (b["high"].to_numpy() - 1) * 100 - pct])
    ax.bar(months, pct, color=colors, yerr=yerr, capsize=3, ecolor="0.3")
    ax.axhline(0, color="0.2", lw=0.8)
    ax.set_xticks(months)
    ax.set_xticklabels([name[:3] for name in MONTH_NAMES])
    ax.set_xlabel("Month")
    ax.set_ylabel("vs the average month (%)")
    ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    title = "Seasonal index"
    if band is not None:
        title += f" ({100 * band.attrs.get('level', 0.9):.0f}% intervals)"
    ax.set_title(title)
    ax.grid(True, axis="y", alpha=0.3)
    return ax
