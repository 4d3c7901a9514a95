"""The demand picture a report shows: which series, its seasonal shape and its trend.

Market demand comes from the client's Google Trends export when there is one
(the market's shape, not just the client's); otherwise from the client's own
history of the first goal's metric, when it spans the two years seasonality needs.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.demand.shape import TrendGrowth, seasonal_band, seasonal_index, to_monthly, trend_growth
from toolkit.errors import DataError, InputError
from toolkit.sources import read_trends_csv
from toolkit.sources.trends_live import fetch_trends
from toolkit.spec.client import CLIENT_FILE, ClientSpec

__all__ = ["DemandView", "demand_view", "trends_cache_dir", "check_demand"]

log = logging.getLogger("toolkit")
MIN_MONTHS = 24


@dataclass(frozen=True)
class DemandView:
    """Monthly demand series, its seasonal index (12 factors, mean 1) and trend growth."""

    series: pd.Series
    index: pd.Series
    band: pd.DataFrame | None
    growth: TrendGrowth | None
    source: str
    subject: str
    caveat: str | None = None

    def factors(self) -> np.ndarray:
        """The 12 factors, January first, as the path simulation takes them."""
        return self.index.sort_index().to_numpy(dtype=float)


def trends_cache_dir() -> Path:
    """Where live Google Trends answers are cached: ``$GOALCHECK_CACHE_DIR/trends`` or ``~/.cache/goalcheck/trends``.

    Outside the client folder on purpose: a cache refresh is not a change of the client's inputs.
    """
    root = os.environ.get("GOALCHECK_CACHE_DIR") or Path.home() / ".cache" / "goalcheck"
    return Path(root) / "trends"


def _live_frame(spec: ClientSpec) -> pd.DataFrame:
    query = spec.market.trends_live
    try:
        return fetch_trends(query.terms, query.geo, query.timeframe, category=query.category,
                            cache_dir=trends_cache_dir())
    except DataError as exc:
        # Name the file and field that asked for live data: that is what the user changes.
        raise DataError(f"{spec.folder / CLIENT_FILE}: market.trends_live: {str(exc).splitlines()[0]}") from None


def _market_series(spec: ClientSpec) -> tuple[pd.Series, str, str, str | None] | None:
    if spec.market is None or not (spec.market.trends or spec.market.trends_live):
        return None
    if spec.market.trends:

        frame = spec.demand_file(spec.market.trends, read_trends_csv)
        origin = spec.market.trends
        where = str(spec.folder / spec.market.trends)
    else:
        frame = _live_frame(spec)
        origin = f"live query, {frame.attrs.get('fetched_at', 'cached')}"
        where = f"{spec.folder / CLIENT_FILE}: market.trends_live"
    column = frame.columns[0]
    caveat = frame.attrs.get("caveat")
    total = frame.sum(axis=1) if frame.shape[1] > 1 else frame[column]
    label = ", ".join(str(c) for c in frame.columns)
    try:
        monthly = to_monthly(total)
    except (InputError, DataError) as exc:
        # A readable export whose dates cannot make months (a few days of a daily export): the file is the
        # user's to fix, so bad input naming it, raised by `goalcheck check` too (check_demand).
        text = str(exc).splitlines()[0]
        if text.startswith("the series"):
            text = "date: " + text.replace("the series", "the export", 1)
        text = text.replace("series.index", "date").replace("series", "values")
        raise InputError(f"{where}: {text}", file=where) from None
    return monthly, f"Google Trends interest for {label} ({origin})", "search interest", caveat


def check_demand(spec: ClientSpec) -> None:
    """Raise the :class:`InputError` the report would meet turning a Trends file into months.

    Live queries are not checked here: checking must not call Google.
    """
    if spec.market is not None and spec.market.trends:
        _market_series(spec)


def demand_view(spec: ClientSpec) -> DemandView | None:
    """Build the demand picture, or None when no series is long enough for seasonality."""
    found = _market_series(spec)
    if found is None:
        metric = spec.goals[0].metric
        history = spec.kpis[metric]
        found = (history, f"the client's own {metric} history ({spec.history})", metric, None)
    series, source, subject, caveat = found
    if len(series) < MIN_MONTHS:
        log.info("demand: %s has %d months; seasonality needs %d", source, len(series), MIN_MONTHS)
        return None
    try:
        index = seasonal_index(series)
        band = seasonal_band(series)
        growth = trend_growth(series)
    except DataError as exc:
        log.warning("demand: %s", exc)
        return None
    return DemandView(series, index, band, growth, source, subject, caveat)
