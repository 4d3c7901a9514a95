"""Seasonality of a log monthly series: classical decomposition, shrunk.

The profile is the classical decomposition (centred 2x12 moving average,
extended to both ends) in log space, each calendar month's detrended values
weighted toward the latest year, then shrunk toward a prior profile (none, or
the Google Trends shape) by the empirical-Bayes factor signal / (signal +
noise) (Efron & Morris 1975). Two years suffice now that the trend reaches
the ends: every calendar month then has two detrended values, from which
both its factor and the noise around it are estimated.

The profile is fitted to the very history whose errors later calibrate the
spread, so those errors are too small. :func:`seasonal_fit` returns by how
much, exactly for this linear smoother: a month whose factor is the weighted
mean ``sum_k w_k d_k`` of its detrended values, shrunk by ``s``, leaves an
in-sample residual of variance ``1 - 2 s w_self + s^2 sum_k w_k^2`` (noise
variance units), while a new month errs by ``1 + s^2 sum_k w_k^2``. For two
years the ratio is about 3, for ten years about 1.2.

Reference: Efron, B. and Morris, C. (1975). Data analysis using Stein's
estimator and its generalizations. JASA 70, 311-319.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "SeasonalFit",
    "seasonal_fit",
    "classical_seasonal",
    "detrended",
    "seasonal_test",
    "step_rivals_season",
]

#: Weight ratio of consecutive years in the seasonal profile (M3: 0.85 gives
#: sMAPE 13.34 / Brier 0.1135 against 13.40 / 0.1141 for equal weights).
_YEAR_DECAY = 0.85


def _acf(x: np.ndarray, nlags: int) -> np.ndarray:
    x = x - x.mean()
    denom = float(x @ x)
    if denom <= 0:
        return np.zeros(nlags + 1)
    return np.array([1.0] + [float(x[k:] @ x[:-k]) / denom for k in range(1, nlags + 1)])


def seasonal_test(z: np.ndarray, period: int = 12, detrend: bool = False) -> bool:
    """Whether the lag-``period`` autocorrelation is significant at 90%.

    Parameters
    ----------
    z : ndarray
        The series (log scale).
    period : int
        Seasonal period.

    Returns
    -------
    bool
        True when ``|r_m| > 1.645 sqrt((1 + 2 sum_{k<m} r_k^2) / n)``.
    """
    n = len(z)
    if n < 2 * period:
        return False
    if detrend:
        t = np.arange(n)
        z = z - np.polyval(np.polyfit(t, z, 1), t)
    r = _acf(z, period)
    limit = 1.645 * np.sqrt((1 + 2 * np.sum(r[1:period] ** 2)) / n)
    return bool(abs(r[period]) > limit)


def detrended(z: np.ndarray, period: int = 12) -> np.ndarray:
    """``z`` minus its centred 2 x period moving average, extended to both ends."""
    n = len(z)
    w = np.r_[0.5, np.ones(period - 1), 0.5] / period
    trend = np.full(n, np.nan)
    half = period // 2
    trend[half:n - half] = np.convolve(z, w, mode="valid")
    # The centred average leaves the first and last half-season without a
    # trend, so the latest months -- which the year weights favour -- never
    # entered the profile. Extend the trend to both ends by the straight line
    # through its nearest half-season of values, as X-11 (asymmetric end
    # filters) and STL (local fits) do.
    if n - 2 * half >= half:
        for known, missing in (
            (np.arange(n - 2 * half, n - half), np.arange(n - half, n)),
            (np.arange(half, 2 * half), np.arange(0, half)),
        ):
            trend[missing] = np.polyval(np.polyfit(known, trend[known], 1), missing)
    return z - trend


def _year_weights(months, ages, anchor: int, ok) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per calendar month: the indices of its values and their weights seen
    from the year ``anchor`` (0 = latest), ``_YEAR_DECAY ** |age - anchor|``
    normalised: seasonal shapes drift (promotions, channel mix), so the
    nearest years count most."""
    out = []
    for m in range(12):
        sel = np.flatnonzero((months == m) & ok)
        wts = _YEAR_DECAY ** np.abs(ages[sel] - anchor).astype(float)
        out.append((sel, wts / wts.sum() if len(sel) else wts))
    return out


@dataclass(frozen=True)
class SeasonalFit:
    """A fitted seasonal profile.

    Attributes
    ----------
    profile : ndarray, shape (12,)
        Log factors by calendar month (0 = January) as of the latest year, mean 0.
    component : ndarray, shape (n,)
        The factor removed from each history month (estimated around the
        month's own year when ``moving``, else ``profile[month]``).
    shrink : float
        Share of the history's departure from the prior that was kept.
    optimism : float
        Out-of-sample over in-sample error variance due to fitting the profile
        to the same history (1 = none).
    """

    profile: np.ndarray
    component: np.ndarray
    shrink: float
    optimism: float


def seasonal_fit(
    z: np.ndarray, months: np.ndarray, prior: np.ndarray | None = None, moving: bool = False
) -> SeasonalFit:
    """Fit the seasonal profile of a log series of at least two years.

    Parameters
    ----------
    z : ndarray
        Log series.
    months : ndarray of int
        Calendar month (0 = January) of each observation.
    prior : ndarray of 12, optional
        Profile to shrink toward (zeros = no seasonality); None = no shrinkage.
    moving : bool
        Estimate each year's component around that year rather than the latest.

    Returns
    -------
    SeasonalFit
    """
    n = len(z)
    detr = detrended(z, 12)
    ok = ~np.isnan(detr)
    # Years counted back from the last observation, so the latest year is 0
    # and holds each calendar month once.
    ages = (n - 1 - np.arange(n)) // 12

    def profile_from(anchor: int) -> tuple[np.ndarray, list]:
        groups = _year_weights(months, ages, anchor, ok)
        idx = np.array([float(w @ detr[sel]) if len(sel) else 0.0 for sel, w in groups])
        return idx - idx.mean(), groups

    idx, latest_groups = profile_from(0)
    shrink = 1.0
    if prior is not None:
        # Empirical-Bayes (James-Stein) shrinkage toward the prior profile:
        # each month's mean of a few years is noisy, so keep only the share
        # signal / (signal + noise) of the departure from the prior.
        noise = [detr[sel].var(ddof=1) * float(w @ w) for sel, w in latest_groups if len(sel) > 1]
        nv = float(np.mean(noise)) if noise else 0.0
        signal = max(float(np.mean((idx - prior) ** 2)) - nv, 0.0)
        shrink = signal / (signal + nv) if signal + nv > 0 else 0.0

    def shrunk(profile: np.ndarray) -> np.ndarray:
        if prior is None:
            return profile
        out = prior + (profile - prior) * shrink
        return out - out.mean()

    latest = shrunk(idx)
    # In-sample residual variance of each month (noise units), from the
    # weights that produced its own component; see the module docstring.
    inside = np.ones(n)
    # A long history's seasonal shape drifts; removing one fixed profile from
    # all of it leaves old years' seasonality in the deseasonalised series,
    # which then looks noisier than the latest years are (Tourism monthly:
    # P10-P90 bands covered 93%).
    comp = latest[months].copy()
    for age in np.unique(ages) if moving else (None,):
        if age is None or age == 0:
            groups = latest_groups
        else:
            own, groups = profile_from(int(age))
            sel_year = ages == age
            comp[sel_year] = shrunk(own)[months[sel_year]]
        for sel, w in groups:
            rows = sel if age is None else sel[ages[sel] == age]
            if len(rows):
                w_self = w[np.searchsorted(sel, rows)]
                inside[rows] = 1 - 2 * shrink * w_self + shrink**2 * float(w @ w)
    outside = 1 + shrink**2 * float(np.mean([w @ w for sel, w in latest_groups if len(sel)]))
    return SeasonalFit(latest, comp, shrink, outside / max(float(inside[ok].mean()), 0.05))


def classical_seasonal(
    z: np.ndarray, months: np.ndarray, period: int = 12, prior: np.ndarray | None = None
) -> np.ndarray:
    """Additive (log-scale) seasonal index by calendar month, mean zero.

    Parameters
    ----------
    z : ndarray
        Log series, at least two full years.
    months : ndarray of int
        Calendar month (0 = January) of each observation.
    period : int
        Seasonal period (12).
    prior : ndarray of 12, optional
        Profile to shrink toward (zeros = no seasonality); None = no shrinkage.

    Returns
    -------
    ndarray, shape (12,)
        Index by calendar month as of the latest year; months never observed get 0.
    """
    if period != 12:
        raise ValueError("only monthly seasonality (period 12) is supported")
    return seasonal_fit(z, months, prior).profile


def step_rivals_season(z: np.ndarray, months: np.ndarray) -> bool:
    """Whether one level shift explains a log series as well as a seasonal profile.

    With two years of data a step (a price change, a launch, a lost client)
    and a seasonal pattern that rises through the year look alike: both
    leave the same detrended value in each calendar month of both years, so
    the profile's own noise estimate cannot tell them apart. Compared by AIC,
    a line plus one shift (level, slope, size, position) against a line plus
    eleven monthly factors: the shift wins when it fits about as well with
    far fewer parameters, as the level-shift outlier of X-13ARIMA-SEATS
    competes with the seasonal factors. BIC's heavier penalty took the
    seasonality of genuinely seasonal series too (Tourism cut to 24 months:
    sMAPE 19.9 without the check, 21.2 with BIC, 20.4 with AIC).
    """
    n = len(z)
    t = np.arange(n, dtype=float)
    dummies = (months[:, None] == np.arange(1, 12)[None, :]).astype(float)

    def rss(design: np.ndarray) -> float:
        coef, *_ = np.linalg.lstsq(design, z, rcond=None)
        resid = z - design @ coef
        return max(float(resid @ resid), 1e-300)

    line = np.column_stack([np.ones(n), t])
    season_aic = n * np.log(rss(np.column_stack([line, dummies])) / n) + 2 * 13
    step_rss = min(rss(np.column_stack([line, (t >= k).astype(float)])) for k in range(3, n - 2))
    step_aic = n * np.log(step_rss / n) + 2 * 4
    return step_aic <= season_aic

