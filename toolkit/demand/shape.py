"""Demand shape: monthly seasonal index, trend growth and scaling of relative interest.

Demand is positive and its seasonal swings scale with its level, so the model is
multiplicative::

    y_t = T_t * S_m(t) * R_t      <=>      log y_t = log T_t + log S_m(t) + log R_t

decomposed by STL on the log scale [1]_ (or by classical moving-average
decomposition [2]_ with ``method="classical"``). The **seasonal index** is one
factor per calendar month, scaled so the 12 factors average exactly 1: a factor
of 1.38 reads "38% above the average month".

The **trend growth** is the OLS slope ``b`` of ``log y_t`` on time in years
with one dummy per calendar month (i.e. of the log deseasonalised series on
time, the fixed seasonal pattern being estimated jointly so its degrees of
freedom are counted); the annual rate is ``exp(b) - 1``. The residuals are
autocorrelated (demand wanders around its growth line for months at a time),
which leaves the OLS slope unbiased but makes its textbook standard error too
small. Newey-West HAC errors [3]_ are the usual remedy, but on 2-10 years of
monthly data they are biased downward themselves: with AR(1) noise
(phi = 0.5) their nominal 90% interval covered the true growth only 71-79%
of the time for 36-120 months in our simulations (300 runs each). Feasible
GLS with AR(1) errors (Cochrane-Orcutt [4]_) covered better there, but on short real series
its point estimate collapses to the first-to-last-month difference when the
estimated rho nears 1 (+95% a year for a phone query that fell 7%). So the
point estimate stays OLS and its standard error is the sandwich under an
AR(1) error model, with the residual autocorrelation bias-corrected
(Marriott and Pope [5]_, plus about ``1/n`` per extra regressor). Simulated
coverage of the nominal 90% interval: 91-96% for 24-60 months with phi 0-0.5,
89-90% with phi = 0.8 at 36-60 months, 76% at 24 months (conservative rather
than optimistic, except for very persistent noise in two-year series).

**Scaling**: Google Trends gives relative interest (0-100); multiplying it by
``anchor / mean(interest over the anchor months)`` turns it into absolute
monthly demand whose average over the anchor months equals the anchor (a
keyword tool's average monthly searches, or an overlapping Wordstat series).
**Seasonal capacity** is the market module's average monthly capacity times
the month's seasonal factor, per Monte Carlo sample.

Sub-monthly input (weekly, daily) is first averaged to calendar months, each
observation counting for the days it covers; months only partly covered at
either end of the series are dropped.

References
----------
.. [1] R. B. Cleveland, W. S. Cleveland, J. E. McRae and I. Terpenning, "STL: A
   Seasonal-Trend Decomposition Procedure Based on Loess", *Journal of
   Official Statistics* 6(1), 3-73, 1990.
.. [2] R. J. Hyndman and G. Athanasopoulos, *Forecasting: Principles and
   Practice*, 3rd ed., OTexts 2021, section 3.4 (classical decomposition).
.. [3] W. K. Newey and K. D. West, "A Simple, Positive Semi-Definite,
   Heteroskedasticity and Autocorrelation Consistent Covariance Matrix",
   *Econometrica* 55(3), 703-708, 1987.
.. [4] D. Cochrane and G. H. Orcutt, "Application of Least Squares Regression
   to Relationships Containing Auto-Correlated Error Terms", *Journal of the
   American Statistical Association* 44(245), 32-61, 1949.
.. [5] F. H. C. Marriott and J. A. Pope, "Bias in the Estimation of
   Autocorrelations", *Biometrika* 41(3/4), 390-402, 1954.
"""


from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.regression.linear_model import OLS
from statsmodels.tsa.seasonal import STL, seasonal_decompose

from toolkit.demand.monthly import MONTH_NAMES, is_month_index, to_monthly  # noqa: F401  (re-exported)
from toolkit.demand.scaling import scale_to_volume, seasonal_capacity  # noqa: F401  (re-exported)
from toolkit.errors import DataError, InputError

__all__ = [
    "MONTH_NAMES",
    "MIN_MONTHS",
    "TrendGrowth",
    "to_monthly",
    "seasonal_index",
    "seasonal_band",
    "trend_growth",
    "scale_to_volume",
    "seasonal_capacity",
    "demand_summary",
    "demand_sentence",
]

log = logging.getLogger("toolkit")

MIN_MONTHS = 24
"""Months of history needed for a seasonal index: two full cycles, so every
calendar month is seen at least twice and season is not confused with trend."""

FLOOR_SHARE = 0.01
"""Values below this share of the series' median are raised to it before taking
logs (zeros, Google Trends' ``<1``): such months get a factor near zero instead
of minus infinity."""

Method = Literal["stl", "classical"]


# ------------------------------------------------------------------- decomposition


@dataclass(frozen=True)
class _Decomposition:
    monthly: pd.Series  # the floored monthly series, original units
    log_trend: pd.Series
    log_seasonal: pd.Series  # log S_m(t), possibly evolving over years
    method: str


def _decompose(series: pd.Series, method: Method, last_years: int | None = None) -> _Decomposition:
    if method not in ("stl", "classical"):
        raise InputError.at(None, "method", method, "'stl' or 'classical'")
    monthly = to_monthly(series)
    if last_years is not None:
        if isinstance(last_years, bool) or not isinstance(last_years, (int, np.integer)) or last_years < 2:
            raise InputError.at(None, "last_years", last_years, "a whole number of years, 2 or more")
        monthly = monthly.iloc[-12 * int(last_years):]
    n = len(monthly)
    if n < MIN_MONTHS:
        raise DataError(
            f"{n} months of data; a seasonal index needs at least {MIN_MONTHS} (two full years) so every month is seen "
            "twice and season is not mistaken for trend. Use a longer series, e.g. the niche's Google Trends monthly "
            "export (5 years), as the seasonal shape"
        )
    positive = monthly[monthly > 0]
    if len(positive) < n / 2:
        raise DataError(f"{n - len(positive)} of {n} months are zero; too sparse for a multiplicative seasonal index")
    floor = FLOOR_SHARE * float(np.median(monthly))
    low = monthly < floor
    if low.any():
        log.info("demand: %d month(s) below %.3g raised to it before taking logs", int(low.sum()), floor)
    floored = monthly.clip(lower=floor)
    logs = np.log(floored)
    if method == "stl":
        fit = STL(logs.to_numpy(), period=12, robust=True).fit()
        trend, seasonal = fit.trend, fit.seasonal
    else:
        fit = seasonal_decompose(floored.to_numpy(), model="multiplicative", period=12, extrapolate_trend="period")
        trend, seasonal = np.log(fit.trend), np.log(fit.seasonal)
    idx = monthly.index
    return _Decomposition(
        monthly=floored,
        log_trend=pd.Series(trend, index=idx, name="log_trend"),
        log_seasonal=pd.Series(seasonal, index=idx, name="log_seasonal"),
        method=method,
    )


def _factors(dec: _Decomposition) -> pd.Series:
    by_month = dec.log_seasonal.groupby(dec.log_seasonal.index.month).mean()
    factors = np.exp(by_month)
    factors = factors / factors.mean()
    out = pd.Series(factors.to_numpy(), index=pd.Index(range(1, 13), name="month"), name="seasonal_index")
    out.attrs["method"] = dec.method
    return out


def _average_month(dec: _Decomposition) -> float:
    """exp(log trend) is the geometric-mean month; this factor lifts it to the arithmetic average month."""
    return float(np.exp(dec.log_seasonal.groupby(dec.log_seasonal.index.month).mean()).mean())


def seasonal_index(series: pd.Series, *, method: Method = "stl", last_years: int | None = None) -> pd.Series:
    """Monthly seasonal factors of a positive demand series.

    Parameters
    ----------
    series : pandas.Series
        Monthly, weekly or daily demand (sales, searches, Google Trends
        interest), non-negative; see :func:`to_monthly` for how sub-monthly data
        is averaged to months. Zeros and ``"<1"`` values are allowed.
    method : {"stl", "classical"}
        ``"stl"`` (default): robust STL on log values [1]_, whose seasonal part
        may drift slowly over the years; the index averages it over all years
        used. ``"classical"``: multiplicative ratio-to-centred-moving-average
        decomposition [2]_ with one fixed pattern.
    last_years : int, optional
        Use only the most recent ``last_years`` years (at least 2), e.g. when an
        old seasonal pattern no longer applies.

    Returns
    -------
    pandas.Series
        Twelve factors indexed 1..12 (``index.name == "month"``; names in
        :data:`MONTH_NAMES`) whose arithmetic mean is 1: ``1.38`` means the
        month sells 38% more than the average month.

    Raises
    ------
    InputError
        Bad values or index (NaN, negative, gaps), or unknown method.
    DataError
        Fewer than 24 months. With 12-23 months each calendar month is seen
        once and trend cannot be told from season (a classical centred moving
        average needs 24 months too), so no fallback is attempted: the message
        suggests a longer proxy series such as Google Trends.

    See Also
    --------
    seasonal_band : the same factors with an interval from year-to-year variation.

    References
    ----------
    .. [1] Cleveland et al. (1990), see the module docstring.
    .. [2] Hyndman and Athanasopoulos (2021), section 3.4.

    Examples
    --------
    >>> idx = seasonal_index(history["sales"])            # doctest: +SKIP
    >>> MONTH_NAMES[idx.idxmax() - 1], idx.max() - 1       # doctest: +SKIP
    ('December', 0.38)
    """
    return _factors(_decompose(series, method, last_years))


def seasonal_band(
    series: pd.Series, *, method: Method = "stl", level: float = 0.9, last_years: int | None = None
) -> pd.DataFrame:
    """Seasonal factors with an interval for each, from year-to-year variation.

    For every calendar month the detrended log value ``log y_t - log T_t`` is
    observed once a year; the factor's interval is the factor times
    ``exp(+- t_{level, n-1} * sd / sqrt(n))`` where ``sd`` is the standard
    deviation of those yearly values around their mean and ``n`` the number of
    years observed for that month. It is the uncertainty of the *average*
    factor (two years give wide intervals, as they should).

    Parameters
    ----------
    series, method, last_years
        As in :func:`seasonal_index`.
    level : float
        Interval level in (0, 1), default 0.9.

    Returns
    -------
    pandas.DataFrame
        Indexed 1..12 (``month``), columns ``factor`` (equal to
        :func:`seasonal_index`), ``low``, ``high``, ``n_years`` and
        ``month_name``.

    References
    ----------
    .. [1] Cleveland et al. (1990), see the module docstring.
    """
    if not 0 < level < 1:
        raise InputError.at(None, "level", level, "a probability between 0 and 1, e.g. 0.9")
    dec = _decompose(series, method, last_years)
    factors = _factors(dec)
    detrended = np.log(dec.monthly) - dec.log_trend
    grouped = detrended.groupby(detrended.index.month)
    n = grouped.size().reindex(range(1, 13)).to_numpy()
    sd = grouped.std(ddof=1).reindex(range(1, 13)).to_numpy()
    half = stats.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1)) * sd / np.sqrt(n)
    f = factors.to_numpy()
    frame = pd.DataFrame(
        {"factor": f, "low": f * np.exp(-half), "high": f * np.exp(half), "n_years": n, "month_name": list(MONTH_NAMES)},
        index=factors.index,
    )
    frame.attrs["level"] = level
    frame.attrs["method"] = method
    return frame


# ----------------------------------------------------------------------- trend


@dataclass(frozen=True)
class TrendGrowth:
    """Annual growth of the demand trend, with its interval.

    Attributes
    ----------
    annual_rate : float
        Growth per year as a fraction (0.06 = +6% a year).
    low, high : float
        Bounds of the ``level`` interval for ``annual_rate``.
    level : float
        Interval level, e.g. 0.9.
    trend : pandas.Series
        The decomposition's trend in the series' units, at the level of the
        average month (so trend x seasonal factor ~ the series), monthly
        PeriodIndex.
    fitted : pandas.Series
        The log-linear growth line ``exp(a + b t)`` in the series' units.
    n_months : int
        Months used in the regression.
    ar1 : float
        Bias-corrected lag-1 autocorrelation of the residuals used for the interval.
    """

    annual_rate: float
    low: float
    high: float
    level: float
    trend: pd.Series = field(repr=False, compare=False)
    fitted: pd.Series = field(repr=False, compare=False)
    n_months: int = 0
    ar1: float = 0.0

    def to_dict(self) -> dict:
        """Plain numbers for JSON and ``toolkit.present.record`` (the series are left out)."""
        return {
            "annual_rate": self.annual_rate,
            "low": self.low,
            "high": self.high,
            "level": self.level,
            "n_months": self.n_months,
            "ar1": self.ar1,
            "start": str(self.trend.index[0]),
            "end": str(self.trend.index[-1]),
        }

    def to_frame(self) -> pd.DataFrame:
        """The trend and the fitted growth line, one row per month."""
        return pd.DataFrame({"trend": self.trend, "fitted": self.fitted})


def _ar1_sandwich_se(X: np.ndarray, resid: np.ndarray, *, index: int) -> tuple[float, float]:
    """Standard error of OLS coefficient ``index`` when the errors follow an AR(1).

    ``Var(b) = (X'X)^-1 X' S X (X'X)^-1`` with ``S_ij = s^2 rho^|i-j|``, the
    residuals' lag-1 autocorrelation bias-corrected as
    ``rho + (1 + 3 rho + k - 2) / n`` (Marriott and Pope's ``(1 + 3 rho)/n``
    for a mean, plus about ``1/n`` per further fitted regressor), clipped to
    [-0.9, 0.95]. Returns ``(se, rho)``.
    """
    n, k = X.shape
    rho = float(np.sum(resid[1:] * resid[:-1]) / np.sum(resid * resid)) if np.any(resid) else 0.0
    rho = min(max(rho + (1 + 3 * rho + k - 2) / n, -0.9), 0.95)
    s2 = float(np.sum(resid * resid)) / (n - k)
    lag = np.arange(n)
    cov = s2 * rho ** np.abs(lag[:, None] - lag[None, :])
    bread = np.linalg.inv(X.T @ X)
    var = bread @ X.T @ cov @ X @ bread
    return float(np.sqrt(max(var[index, index], 0.0))), rho


def trend_growth(
    series: pd.Series, *, level: float = 0.9, method: Method = "stl", last_years: int | None = None
) -> TrendGrowth:
    """Annual growth rate of the demand trend, with an interval robust to autocorrelation.

    Regresses ``log y_t`` on time in years plus calendar-month dummies (the log
    deseasonalised series on time) by OLS; the slope ``b`` gives
    ``annual_rate = exp(b) - 1``. Because the residuals are autocorrelated, the
    slope's standard error is the sandwich under AR(1) errors with a
    bias-corrected autocorrelation, and the interval uses Student-t critical
    values with ``n - 13`` degrees of freedom; the module docstring explains
    why this beats Newey-West HAC errors (and GLS) on a few years of monthly
    data.

    Parameters
    ----------
    series : pandas.Series
        Monthly, weekly or daily positive demand; at least 24 months.
    level : float
        Interval level, default 0.9.
    method : {"stl", "classical"}
        Decomposition used to remove the season (see :func:`seasonal_index`).
    last_years : int, optional
        Measure growth over the most recent ``last_years`` years only (at least 2).

    Returns
    -------
    TrendGrowth

    Raises
    ------
    InputError, DataError
        As :func:`seasonal_index`.

    References
    ----------
    .. [1] Cleveland et al. (1990), see the module docstring.
    .. [3] Newey and West (1987); [5] Marriott and Pope (1954), see the module docstring.
    """
    if not 0 < level < 1:
        raise InputError.at(None, "level", level, "a probability between 0 and 1, e.g. 0.9")
    dec = _decompose(series, method, last_years)
    y = np.log(dec.monthly).to_numpy()
    n = len(y)
    t = np.arange(n) / 12.0
    months = dec.monthly.index.month.to_numpy()
    dummies = (months[:, None] == np.arange(2, 13)[None, :]).astype(float)  # January is the base month
    X = np.column_stack([np.ones(n), t, dummies])
    fit = OLS(y, X).fit()
    b = float(fit.params[1])
    se, rho = _ar1_sandwich_se(X, np.asarray(fit.resid), index=1)
    df = float(fit.df_resid)
    crit = float(stats.t.ppf(0.5 + level / 2, df))
    idx = dec.monthly.index
    result = TrendGrowth(
        annual_rate=math.expm1(b),
        low=math.expm1(b - crit * se),
        high=math.expm1(b + crit * se),
        level=level,
        trend=pd.Series(np.exp(dec.log_trend.to_numpy()) * _average_month(dec), index=idx, name="trend"),
        fitted=pd.Series(np.exp(fit.params[0] + b * t) * np.mean(np.exp(np.r_[0.0, fit.params[2:]])), index=idx, name="fitted"),
        n_months=n,
        ar1=rho,
    )
    log.debug("trend_growth: %+.1f%%/yr (%.0f%% interval %+.1f%% to %+.1f%%), n=%d", 100 * result.annual_rate,
              100 * level, 100 * result.low, 100 * result.high, n)
    return result

# --------------------------------------------------------------------- summary


def demand_summary(
    series: pd.Series,
    *,
    level: float = 0.9,
    method: Method = "stl",
    last_years: int | None = None,
    subject: str = "the market",
) -> dict:
    """Peak and trough months, their distance from the average month, and trend growth.

    Parameters
    ----------
    series : pandas.Series
        Demand history (at least 24 months), as in :func:`seasonal_index`.
    level : float
        Interval level of the growth rate.
    method, last_years
        As in :func:`seasonal_index`.
    subject : str
        What grows, for the sentence: "the market" for market demand (Trends,
        searches), e.g. "sales" for a client's own history.

    Returns
    -------
    dict
        ``peak_month`` / ``trough_month`` (1-12), ``peak_month_name`` /
        ``trough_month_name``, ``peak_pct`` / ``trough_pct`` (fractions
        above/below the average month, e.g. 0.38 and -0.27),
        ``annual_growth``, ``growth_low``, ``growth_high``, ``level``,
        ``n_months``, ``start``, ``end`` and ``sentence`` (see
        :func:`demand_sentence`).
    """
    index = seasonal_index(series, method=method, last_years=last_years)
    growth = trend_growth(series, level=level, method=method, last_years=last_years)
    return summarise_demand(index, growth, subject=subject)


def summarise_demand(index: pd.Series, growth: TrendGrowth, *, subject: str = "the market") -> dict:
    """:func:`demand_summary` from an already computed seasonal index and trend growth."""
    level = growth.level
    peak, trough = int(index.idxmax()), int(index.idxmin())
    out = {
        "peak_month": peak,
        "peak_month_name": MONTH_NAMES[peak - 1],
        "peak_pct": float(index[peak] - 1),
        "trough_month": trough,
        "trough_month_name": MONTH_NAMES[trough - 1],
        "trough_pct": float(index[trough] - 1),
        "annual_growth": growth.annual_rate,
        "growth_low": growth.low,
        "growth_high": growth.high,
        "level": level,
        "n_months": growth.n_months,
        "start": str(growth.trend.index[0]),
        "end": str(growth.trend.index[-1]),
    }
    out["sentence"] = demand_sentence(out, subject=subject)
    return out


def _pct(x: float) -> str:
    return f"{100 * x:+.0f}%"


def demand_sentence(summary: dict, *, subject: str = "the market") -> str:
    """One report sentence from :func:`demand_summary`'s numbers.

    ``subject`` names what grows ("the market", "sales").

    Example: "Demand peaks in December (+38% vs the average month) and bottoms
    out in August (-27%); the market grows 6% a year (90% interval 2% to 10%)."
    """
    g, lo, hi = summary["annual_growth"], summary["growth_low"], summary["growth_high"]
    if lo > 0:
        verb = f"grows {100 * g:.0f}% a year"
    elif hi < 0:
        verb = f"shrinks {100 * -g:.0f}% a year"
    else:
        verb = f"changes {_pct(g)} a year, not clearly growing or shrinking"
    return (
        f"Demand peaks in {summary['peak_month_name']} ({_pct(summary['peak_pct'])} vs the average month) "
        f"and bottoms out in {summary['trough_month_name']} ({_pct(summary['trough_pct'])}); "
        f"{subject} {verb} ({100 * summary['level']:.0f}% interval {100 * lo:.0f}% to {100 * hi:.0f}%)."
    )
