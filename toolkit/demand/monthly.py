"""Monthly series: how a monthly, weekly or daily history becomes calendar months, and month names.

:func:`to_monthly` validates a demand series (``"<1"`` strings, gaps, order)
and averages sub-monthly data to calendar months, each observation counting
for the days it covers; months only partly covered at either end are dropped.
"""

from __future__ import annotations

import logging
import re

import numpy as np
import pandas as pd

from toolkit.errors import DataError, InputError

__all__ = ["MONTH_NAMES", "to_monthly"]

log = logging.getLogger("toolkit")

MONTH_NAMES: tuple[str, ...] = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
"""English month names; ``MONTH_NAMES[m - 1]`` names month ``m`` of a seasonal index."""

_LESS_THAN = re.compile(r"^\s*<\s*([0-9]+(?:[.,][0-9]+)?)\s*$")


# --------------------------------------------------------------------------- input


def _numeric(series: pd.Series, name: str) -> pd.Series:
    """Numbers from a Series; ``"<1"``-like strings become half their bound."""
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        return series.astype(float)

    def convert(v):
        if isinstance(v, str):
            text = v.replace("\u00a0", " ").replace("\u202f", " ")
            m = _LESS_THAN.match(text)
            if m:
                return float(m.group(1).replace(",", ".")) / 2
            text = text.strip().replace(",", ".")
            try:
                return float(text)
            except ValueError:
                raise InputError.at(None, name, v, "a number (or '<1' as Google Trends writes it)") from None
        if isinstance(v, bool):
            raise InputError.at(None, name, v, "a number")
        try:
            return float(v)
        except (TypeError, ValueError):
            raise InputError.at(None, name, v, "a number") from None

    return series.map(convert).astype(float)


def _validated(series, name: str = "series") -> pd.Series:
    if not isinstance(series, pd.Series):
        raise InputError.at(None, name, type(series).__name__, "a pandas Series indexed by month, week or day")
    if len(series) == 0:
        raise InputError.at(None, name, "an empty series", "a non-empty series")
    values = _numeric(series, name)
    bad = values.isna() | ~np.isfinite(values.to_numpy())
    if bad.any():
        raise InputError.at(None, f"{name} at {bad.idxmax()}", series[bad.idxmax()], "a finite number (fill or drop missing periods first)")
    if (values < 0).any():
        where = (values < 0).idxmax()
        raise InputError.at(None, f"{name} at {where}", values[where], "demand >= 0")
    index = series.index
    if not isinstance(index, (pd.PeriodIndex, pd.DatetimeIndex)):
        try:
            index = pd.DatetimeIndex(pd.to_datetime(index))
        except (TypeError, ValueError):
            raise InputError.at(None, f"{name}.index", index[0], "dates or monthly periods") from None
    if index.has_duplicates:
        raise InputError.at(None, f"{name}.index", str(index[index.duplicated()][0]), "each period once")
    if not index.is_monotonic_increasing:
        raise InputError.at(None, f"{name}.index", "unsorted", "periods in increasing order")
    return pd.Series(values.to_numpy(), index=index, name=series.name)


def to_monthly(series: pd.Series) -> pd.Series:
    """Average a monthly, weekly or daily series to calendar months.

    Parameters
    ----------
    series : pandas.Series
        Non-negative values indexed by a ``PeriodIndex`` or by dates (monthly
        dates on the 1st, week-start dates as Google Trends writes them, days,
        or sub-daily stamps). ``"<1"`` strings count as half their bound.

    Returns
    -------
    pandas.Series
        Monthly means on a consecutive monthly ``PeriodIndex`` named ``month``.
        Each sub-monthly observation counts for every day it covers (a week
        straddling two months counts in both); months not fully covered at
        either end of the series are dropped, so a partial first or last
        month does not bias the mean.

    Raises
    ------
    InputError
        Not a Series; NaN, infinite or negative values; duplicated, unsorted
        or missing periods.
    """
    s = _validated(series)
    index = s.index
    if isinstance(index, pd.PeriodIndex):
        if index.freqstr.startswith("M"):
            return _consecutive_months(s)
        step = index[0].end_time.normalize() - index[0].start_time.normalize() + pd.Timedelta(days=1)
        s = pd.Series(s.to_numpy(), index=index.start_time, name=s.name)
        return _sub_monthly(s, step)
    if index.tz is not None:
        index = index.tz_localize(None)
        s = pd.Series(s.to_numpy(), index=index, name=s.name)
    if len(index) >= 2 and (index.day == 1).all() and (index == index.normalize()).all():
        gaps = np.diff(index.year * 12 + index.month)
        if (gaps >= 1).all() and np.median(gaps) == 1:
            return _consecutive_months(pd.Series(s.to_numpy(), index=index.to_period("M"), name=s.name))
    if len(index) < 2:
        raise InputError.at(None, "series", "a single date", "at least two observations")
    step = pd.Timedelta(int(np.median(np.diff(index.as_unit("ns").asi8))), unit="ns")
    return _sub_monthly(s, step)


def _consecutive_months(s: pd.Series) -> pd.Series:
    expected = pd.period_range(s.index[0], s.index[-1], freq="M")
    if len(expected) != len(s):
        gap = expected.difference(s.index)[0]
        raise InputError.at(None, "series.index", f"missing {gap}", "consecutive months without gaps")
    out = s.copy()
    out.index = pd.PeriodIndex(s.index, freq="M", name="month")
    return out


def _sub_monthly(s: pd.Series, step: pd.Timedelta) -> pd.Series:
    if step < pd.Timedelta(days=1):
        s = s.groupby(s.index.normalize()).mean()
        step = pd.Timedelta(days=1)
    days = int(round(step / pd.Timedelta(days=1)))
    if days > 7:
        raise InputError.at(None, "series.index", f"a step of {days} days", "monthly, weekly or daily observations")
    start = s.index.normalize().as_unit("ns")
    irregular = np.diff(start.asi8) != days * 86_400 * 10**9
    if irregular.any():
        where = start[1:][irregular][0]
        raise InputError.at(None, "series.index", f"an irregular step before {where.date()}", f"one observation every {days} day(s) without gaps")
    daily_index = pd.date_range(start[0], start[-1] + pd.Timedelta(days=days - 1), freq="D")
    daily = pd.Series(np.repeat(s.to_numpy(), days), index=daily_index)
    by_month = daily.groupby(daily.index.to_period("M"))
    means, counts = by_month.mean(), by_month.size()
    full = counts.to_numpy() == means.index.days_in_month.to_numpy()
    if not full.all():
        log.info("to_monthly: dropped partial month(s) %s", ", ".join(str(p) for p in means.index[~full]))
    out = means[full]
    out.index = pd.PeriodIndex(out.index, freq="M", name="month")
    out.name = s.name
    if len(out) == 0:
        raise DataError("the series covers no complete calendar month; give at least one full month of data")
    return _consecutive_months(out)


# --------------------------------------------------------------------------- seasonal-index months


def is_month_index(index) -> bool:
    if not isinstance(index, pd.Series):
        return False
    try:
        return sorted(int(m) for m in index.index) == list(range(1, 13))
    except (TypeError, ValueError):
        return False
