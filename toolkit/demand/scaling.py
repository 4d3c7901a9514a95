"""Scaling demand: relative interest to absolute monthly volume, and capacity spread over the season.

``scale_to_volume`` anchors a Google Trends-like series on a known monthly
volume; ``seasonal_capacity`` multiplies capacity draws by the month's seasonal
factor. The formulas are in :mod:`toolkit.demand.shape`, which re-exports both.
"""

from __future__ import annotations

import logging
import math

import numpy as np
import pandas as pd
from pydantic import ValidationError

from toolkit.demand.monthly import is_month_index, to_monthly
from toolkit.errors import DataError, InputError
from toolkit.priors.ranges import as_range

__all__ = ["scale_to_volume", "seasonal_capacity"]

log = logging.getLogger("toolkit")


def _month_span(anchor_period, index: pd.PeriodIndex) -> pd.PeriodIndex:
    if anchor_period is None:
        if len(index) < 12:
            raise DataError(f"{len(index)} months of interest; the default anchor period is the last 12 months, give anchor_period")
        return index[-12:]
    if isinstance(anchor_period, pd.DatetimeIndex):
        months = anchor_period.to_period("M")
    elif isinstance(anchor_period, (pd.PeriodIndex, list)):
        try:
            months = pd.PeriodIndex(anchor_period, freq="M")
        except (TypeError, ValueError):
            raise InputError.at(None, "anchor_period", anchor_period, "months as 'YYYY-MM'") from None
    elif isinstance(anchor_period, tuple) and len(anchor_period) == 2:
        try:
            months = pd.period_range(pd.Period(anchor_period[0], freq="M"), pd.Period(anchor_period[1], freq="M"), freq="M")
        except (TypeError, ValueError):
            raise InputError.at(None, "anchor_period", anchor_period, "(first, last) months as 'YYYY-MM'") from None
    else:
        try:
            months = pd.PeriodIndex([pd.Period(anchor_period, freq="M")])
        except (TypeError, ValueError):
            raise InputError.at(None, "anchor_period", anchor_period, "(first, last) months as 'YYYY-MM', or a PeriodIndex") from None
    missing = months.difference(index)
    if len(missing):
        raise InputError.at(None, "anchor_period", str(missing[0]), f"months within the interest series ({index[0]} to {index[-1]})")
    return months


def scale_to_volume(
    interest: pd.Series,
    *,
    anchor_monthly_volume=None,
    anchor_period=None,
    anchor_series: pd.Series | None = None,
) -> pd.Series:
    """Turn relative interest (Google Trends 0-100) into absolute monthly demand.

    ``volume_t = interest_t * anchor / mean(interest over the anchor months)``,
    so the scaled series averages exactly ``anchor`` over the anchor months
    and keeps the shape of the interest series.

    Parameters
    ----------
    interest : pandas.Series
        Relative interest, monthly or sub-monthly (averaged to months first).
    anchor_monthly_volume : float or Range-like, optional
        Known average monthly volume over ``anchor_period`` (a keyword tool's
        "average monthly searches" covers the last 12 months). A ``Range`` is
        used at its median; to carry its uncertainty, scale samples with
        :func:`seasonal_capacity` instead.
    anchor_period : tuple, list, PeriodIndex or str, optional
        Months the anchor volume refers to: a tuple ``(first, last)`` of
        'YYYY-MM' is an inclusive range, a list or PeriodIndex lists the
        months, a single 'YYYY-MM' is one month. Default: the last 12 months of
        ``interest``.
    anchor_series : pandas.Series, optional
        Absolute monthly volumes (e.g. a Wordstat dynamics export) used instead
        of ``anchor_monthly_volume``: the factor is the ratio of their sums over
        the months both series cover (``anchor_period`` restricts them).

    Returns
    -------
    pandas.Series
        Monthly absolute demand on the interest's monthly PeriodIndex, named
        ``volume``.

    Raises
    ------
    InputError
        Neither or both anchors given; anchor not positive; anchor months
        outside the interest series.
    DataError
        Interest is zero over the anchor months, or the series do not overlap.
    """
    monthly = to_monthly(interest)
    if (anchor_monthly_volume is None) == (anchor_series is None):
        raise InputError.at(None, "anchor", "both" if anchor_series is not None else "neither",
                            "exactly one of anchor_monthly_volume or anchor_series")
    if anchor_series is not None:
        anchor = to_monthly(anchor_series)
        common = monthly.index.intersection(anchor.index)
        if anchor_period is not None:
            common = common.intersection(_month_span(anchor_period, monthly.index))
        if len(common) == 0:
            raise DataError(f"the anchor series ({anchor.index[0]} to {anchor.index[-1]}) and the interest series "
                            f"({monthly.index[0]} to {monthly.index[-1]}) share no month; anchor on overlapping months")
        if len(common) < 12:
            log.warning("scale_to_volume: only %d overlapping month(s); the scale may carry part of a season", len(common))
        base, target = float(monthly[common].sum()), float(anchor[common].sum())
    else:
        volume = anchor_monthly_volume
        if not isinstance(volume, (int, float)) or isinstance(volume, bool):

            try:
                volume = as_range(volume).median
            except ValidationError as exc:
                raise InputError.at(None, "anchor_monthly_volume", anchor_monthly_volume,
                                    f"a positive number or a Range ({str(exc).splitlines()[0]})") from None
        if not (math.isfinite(volume) and volume > 0):
            raise InputError.at(None, "anchor_monthly_volume", volume, "a positive number of monthly searches or sales")
        months = _month_span(anchor_period, monthly.index)
        base, target = float(monthly[months].mean()), float(volume)
    if base <= 0:
        raise DataError("interest is zero over the anchor months; choose anchor months with non-zero interest")
    out = monthly * (target / base)
    out.name = "volume"
    return out


def seasonal_capacity(avg_capacity_samples: np.ndarray, index: pd.Series, months: pd.PeriodIndex) -> np.ndarray:
    """Monthly capacity samples: average monthly capacity x the month's seasonal factor.

    Parameters
    ----------
    avg_capacity_samples : numpy.ndarray
        Monte Carlo draws of the average monthly capacity, shape ``(n_samples,)``.
    index : pandas.Series
        Seasonal factors indexed 1..12 (from :func:`seasonal_index`); they are
        rescaled to average 1 if they do not already, so capacity over a whole
        year is preserved.
    months : pandas.PeriodIndex
        The months to produce (monthly periods, or anything
        ``pd.PeriodIndex(months, freq="M")`` accepts).

    Returns
    -------
    numpy.ndarray
        Shape ``(n_samples, len(months))``; row ``i`` is sample ``i``'s
        capacity in each month.
    """
    samples = np.asarray(avg_capacity_samples, dtype=float)
    if samples.ndim != 1 or samples.size == 0:
        raise InputError.at(None, "avg_capacity_samples", f"shape {samples.shape}", "a 1-D array of samples")
    if not np.isfinite(samples).all() or (samples < 0).any():
        raise InputError.at(None, "avg_capacity_samples", "NaN, infinite or negative draws", "finite draws >= 0")
    factors = _checked_index(index)
    try:
        periods = months if isinstance(months, pd.PeriodIndex) else pd.PeriodIndex(months, freq="M")
    except (TypeError, ValueError):
        raise InputError.at(None, "months", months, "a monthly PeriodIndex") from None
    return samples[:, None] * factors.loc[periods.month].to_numpy()[None, :]


def _checked_index(index: pd.Series) -> pd.Series:
    if not is_month_index(index):
        raise InputError.at(None, "index", getattr(index, "index", index), "12 seasonal factors indexed 1..12 (seasonal_index())")
    values = index.astype(float)
    if not np.isfinite(values).all() or (values < 0).any() or values.sum() <= 0:
        raise InputError.at(None, "index", "non-finite or negative factors", "factors >= 0 averaging 1")
    mean = float(values.mean())
    if abs(mean - 1) > 1e-9:
        log.info("seasonal index averaged %.4f; rescaled to 1", mean)
        values = values / mean
    values.index = values.index.astype(int)
    return values
