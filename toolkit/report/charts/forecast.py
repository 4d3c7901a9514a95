"""Charts of goal results. Each ``plot_x(result, *, ax=None)`` draws on ``ax`` and returns it.

Axis labels carry units; dates are months. matplotlib only: a static PNG is
what survives papermill and nbconvert into a self-contained report.

Importing this module leaves matplotlib's backend alone: a notebook kernel keeps
its inline backend (and shows the charts); a process without a display sets a
non-interactive one where it starts (the ``goalcheck`` command does).
"""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd

from toolkit.engine.assess import reach_dates
from toolkit.present.formatting import mpl_text as plain
from toolkit.report.analysis import GoalResult

__all__ = ["plot_fan", "plot_reach_dates", "setup_report_style", "figure_html", "label_margins", "month_locator",
           "STANDARD_MARGINS", "LEGEND_MARGINS"]

FAN = "#1f5f8b"
TARGET = "#c62828"
CEILING = "#6a1b9a"


def setup_report_style() -> None:
    """Consistent, print-friendly chart defaults for client reports."""
    plt.rcParams.update({
        "figure.figsize": (8.0, 3.8), "figure.dpi": 96, "savefig.dpi": 96, "axes.spines.top": False,
        "axes.spines.right": False, "axes.grid": True, "grid.alpha": 0.3, "font.size": 10,
        "figure.max_open_warning": 0,
        # Vector charts with real text: crisp in print, smaller, and ~2x faster to render than PNG.
        "svg.fonttype": "none", "svg.hashsalt": "goalcheck",
    })


def _ax(ax):
    if ax is None:
        _, ax = plt.subplots()
    return ax


def _ts(periods) -> pd.DatetimeIndex:
    return pd.PeriodIndex(periods, freq="M").to_timestamp()


def _count_axis(axis) -> None:
    """Whole-number ticks with thousands separators (counts are never 47.8 bikes)."""
    axis.set_major_locator(mticker.MaxNLocator(integer=True, nbins=6))
    axis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))


def _month_axis(ax) -> None:
    """Month ticks as "Jun 2027", few enough that neighbouring labels never run into each other."""
    ax.xaxis.set_major_locator(month_locator(ax))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.tick_params(axis="x", labelsize=9)


def month_locator(ax, most: int = 5):
    """Ticks every 1, 2, 3, 6, 12 or 24 months (aligned to the year), at most ``most`` across the view."""
    lo, hi = ax.get_xlim()
    months = (hi - lo) / 30.44
    for step in (1, 2, 3, 6, 12):
        if months / step <= most - 1:
            return mdates.MonthLocator(bymonth=range(1, 13, step))
    return mdates.YearLocator(max(2, int(np.ceil(months / 12 / (most - 1)))))


def _outside_legend(ax) -> None:
    """The legend beside the plot, never on the data (the charts' right margin holds it: LEGEND_MARGINS)."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, fontsize=8, frameon=False)


def plot_fan(result: GoalResult, *, ax=None, unit: str | None = None):
    """History, the simulated fan (80% and 50% bands, median), target, deadline and ceiling.

    A cumulative goal is drawn as running totals from the first forecast month
    against its total target (the monthly history is not on that scale).
    """
    ax = _ax(ax)
    paths, goal = result.paths, result.goal
    cumulative = goal.kind == "cumulative"
    values = np.cumsum(paths.values, axis=1) if cumulative else paths.values
    q = pd.DataFrame(np.quantile(values, (0.1, 0.25, 0.5, 0.75, 0.9), axis=0).T, index=paths.dates,
                     columns=(0.1, 0.25, 0.5, 0.75, 0.9))
    future = _ts(q.index)
    if not cumulative:
        hist = paths.history
        ax.plot(_ts(hist.index), hist.to_numpy(), color="#333333", lw=1.5, label="History")
    ax.fill_between(future, q[0.1], q[0.9], color=FAN, alpha=0.18, lw=0, label="80% of futures")
    ax.fill_between(future, q[0.25], q[0.75], color=FAN, alpha=0.3, lw=0, label="50% of futures")
    ax.plot(future, q[0.5], color=FAN, lw=1.8, label="Middle forecast" + (" (running total)" if cumulative else ""))
    ax.axhline(goal.target, color=TARGET, ls="--", lw=1.2,
               label=f"{'Total target' if cumulative else 'Target'} {goal.target:,.0f}")
    deadline = pd.Period(goal.deadline, freq="M").to_timestamp()
    ax.axvline(deadline, color=TARGET, ls=":", lw=1.2, label="Deadline")
    if result.ceiling is not None and not cumulative:
        lo, mid = np.quantile(result.ceiling, [0.1, 0.5])
        ax.axhspan(lo, mid, color=CEILING, alpha=0.08, lw=0, label="Ceiling, low to typical")
        ax.axhline(mid, color=CEILING, ls="-.", lw=1.0, label=f"Market ceiling (typical {mid:,.0f})")
    ax.set_xlabel("Month")
    ax.set_ylabel(plain(unit or f"{goal.metric}{' in total' if cumulative else ' per month'}"))
    ax.set_title(plain(goal.statement), loc="left", fontsize=11)
    _month_axis(ax)
    _count_axis(ax.yaxis)
    _outside_legend(ax)
    return ax


def plot_reach_dates(result: GoalResult, *, ax=None):
    """Share of simulated futures that have reached the target, month by month."""
    ax = _ax(ax)
    paths, goal = result.paths, result.goal
    first = reach_dates(paths, goal.target, kind=goal.kind).first
    months = _ts(paths.dates)
    reached = np.array([(first >= 0) & (first <= i) for i in range(len(months))]).mean(axis=1)
    ax.step(months, 100 * reached, where="post", color=FAN, lw=2, label="Futures that reached it")
    ax.fill_between(months, 0, 100 * reached, step="post", color=FAN, alpha=0.15)
    for level in (50, 80):
        ax.axhline(level, color="#888888", lw=0.8, ls=":")
    ax.axvline(pd.Period(goal.deadline, freq="M").to_timestamp(), color=TARGET, ls=":", lw=1.2, label="Deadline")
    ax.set_ylim(0, 100)
    ax.set_xlabel("Month")
    ax.set_ylabel("Futures that reached it (%)")
    _month_axis(ax)
    _outside_legend(ax)
    return ax


# Margins (inches) for charts with short tick labels: fixed margins save the extra layout
# pass of bbox_inches="tight", about 40% of a chart's rendering time.
STANDARD_MARGINS = {"left": 1.0, "right": 0.45, "top": 0.45, "bottom": 0.6}
#: Charts whose legend sits beside the plot: room for it on the right.
LEGEND_MARGINS = {**STANDARD_MARGINS, "right": 2.4}


def label_margins(ax, *, base: dict = STANDARD_MARGINS) -> dict:
    """Fixed margins wide enough for the y tick labels of a bar chart with named bars.

    A width estimate from characters and font size (0.6 em a character, generous for
    DejaVu Sans) replaces measuring the rendered text, which costs a full layout pass.
    """
    labels = [t.get_text() for t in ax.get_yticklabels()]
    size = max((t.get_fontsize() for t in ax.get_yticklabels()), default=10)
    longest = max((len(t) for t in labels), default=0)
    extra = 0.3 if ax.get_ylabel() else 0.0
    return {**base, "left": max(base["left"], 0.25 + extra + longest * size * 0.6 / 72)}


def figure_html(fig, *, alt: str, margins: dict | None = None) -> str:
    """A figure as an inline SVG ``<img>`` (the report stays one self-contained file).

    ``margins`` (inches, see :data:`STANDARD_MARGINS`) fix the layout; without them
    the figure is cropped to its content, which suits long tick labels.
    """
    import base64
    import html
    import io

    buffer = io.BytesIO()
    if margins is not None:
        width, height = fig.get_size_inches()
        fig.subplots_adjust(left=margins["left"] / width, right=1 - margins["right"] / width,
                            bottom=margins["bottom"] / height, top=1 - margins["top"] / height)
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    else:
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img class="gc-chart" src="data:image/svg+xml;base64,{data}" alt="{html.escape(alt, quote=True)}"/>'
