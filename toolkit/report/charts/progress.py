"""Charts of progress against a saved plan: ``plot_x(review, *, ax=None) -> Axes``.

Each function draws on ``ax`` (a new figure when None), labels its axes with
units and returns the Axes; nothing is shown or saved here.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.ticker as mticker
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from toolkit.present.formatting import mpl_text
from toolkit.report.charts.forecast import month_locator

__all__ = ["plot_progress", "plot_lever_gap", "STATUS_COLOURS"]

PLAN = "#4c72b0"
ACTUAL = "#333333"
TARGET = "#c0392b"
STATUS_COLOURS = {"met": "#2e7d32", "ahead": "#1b5e20", "missed": "#c62828", "pending": "#9e9e9e"}


def _axes(ax, size=(8, 4)):
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def _ts(periods) -> pd.DatetimeIndex:
    return pd.PeriodIndex(periods, freq="M").to_timestamp()


def plot_progress(review, *, history: pd.Series | None = None, ax=None):
    """Plan line and band as approved, actuals since, milestones coloured by status.

    Parameters
    ----------
    review : toolkit.cycle.review.GoalReview
    history : pandas.Series, optional
        The metric before the plan's month, drawn in grey for context.
    ax : matplotlib Axes, optional
    """
    ax = _axes(ax)
    prog = review.progress
    unit = f"{review.metric} {'in total since approval' if review.kind == 'cumulative' else 'per month'}"
    if history is not None and review.kind == "level":
        past = history.loc[: pd.Period(review.plan_as_of, freq="M")].tail(12)
        ax.plot(_ts(past.index), past.to_numpy(), color="#9e9e9e", lw=1.2, label="Before the plan")
    ms = review.milestones
    months = _ts(ms["month"])
    if len(prog):
        x = _ts(prog["month"])
        ax.fill_between(x, prog["low"], prog["high"], color=PLAN, alpha=0.15, lw=0, label="Where successful futures were")
        ax.plot(x, prog["plan"], color=PLAN, lw=1.5, ls="--", label="Plan as approved")
        seen = prog["actual"].notna().to_numpy()
        ax.plot(x[seen], prog.loc[seen, "actual"], color=ACTUAL, lw=2, marker="o", ms=3, label="Actual")
    ax.plot(months, ms["target"], color=PLAN, lw=0, marker="D", ms=0)  # keep the milestone months in view
    for status, colour in STATUS_COLOURS.items():
        sel = ms["status"] == status
        if sel.any():
            ax.scatter(months[sel.to_numpy()], ms.loc[sel, "target"], color=colour, marker="D", s=40, zorder=3,
                       label=f"Milestone {status}")
    if review.kind == "level":
        ax.axhline(review.target, color=TARGET, ls=":", lw=1.2, label=f"Target {review.target:,.0f}")
    ax.axvline(pd.Period(review.deadline, freq="M").to_timestamp(), color=TARGET, ls=":", lw=1.0, label="Deadline")
    ax.set_xlabel("Month")
    ax.set_ylabel(unit)
    # The status is the report's badge (plan status and current chance together), not restated here.
    ax.set_title(mpl_text(review.statement), loc="left", fontsize=11)
    ax.xaxis.set_major_locator(month_locator(ax))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.tick_params(axis="x", labelsize=9)
    ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    # Beside the plot, never on the data (the section gives this chart LEGEND_MARGINS).
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, fontsize=8, frameon=False)
    return ax


def plot_lever_gap(review, *, ax=None):
    """Each lever's actual against its planned level (per cent), the metric's levers coloured."""
    ax = _axes(ax, (7, 2.8))
    levers = review.levers
    if levers is None or levers.empty:
        ax.text(0.5, 0.5, "No lever decomposition for this metric", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    y = np.arange(len(levers))[::-1]
    gaps = 100 * levers["gap_pct"].to_numpy()
    colours = [("#c62828" if g < 0 else "#2e7d32") if used else "#bdbdbd"
               for g, used in zip(gaps, levers["in_metric"])]
    ax.barh(y, gaps, color=colours)
    ax.axvline(0, color="#333333", lw=0.8)
    ax.set_yticks(y, list(levers["lever"]))
    ax.set_xlabel("Actual vs planned level (%)")
    ax.set_title("Where the gap comes from (grey: not part of this metric)", loc="left", fontsize=11)
    return ax
