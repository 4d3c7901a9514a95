"""Simulated monthly futures of a client's metric, bounded by the ceiling.

Formula (log scale, ``x_t = log(y_t + c)``, ``c = 0`` unless the history has
zeros)::

    x_t = S_t + z_t                (seasonal component S, mean 0 in each year)
    zhat_{n+h} = (M_h + Q_h) / 2,  M = (Theta + Damped) / 2 on months,
                                   Q = the same on quarterly means
                                   [blended with Logistic_h near a ceiling]
    x_{n+h}^(k) = s_{month(n+h)} + zhat_{n+h} + g_h * E_h^(k)
    E_h = e_h + alpha * (e_1 + ... + e_{h-1}) + h * delta,
          e = sigma * (bootstrapped standardised one-step errors,
                       Student-t when fewer than 24),  delta ~ N(0, sd_b^2)
    sigma^2 = SSE_1 / (n_1 - 3) * (n + 6) / n     (Akaike's FPE inflation)
              + hidden seasonal noise     (the profile was fitted to the same months)
    y_{n+h}^(k) = C_k * u / (1 + u^6)^(1/6),     u = (exp(x) - c) / C_k

``Theta``, ``Damped`` and ``Logistic`` are the Theta method (its coefficient
chosen per series by rolling-origin error), damped-trend exponential smoothing
and a logistic growth curve toward the ceiling (joined only when the trend
approaches the ceiling within the horizon, weighted against the trend blend by
inverse rolling-origin MSE), all in :mod:`toolkit.engine.members`, blended at two
frequencies in :mod:`toolkit.engine.blend`; ``S`` is the history's seasonality, each
year's estimated around that year (shapes drift), and ``s`` the latest year's
profile, both shrunk toward the Google Trends shape (or toward none);
``g_h`` the spread factor calibrated
on rolling-origin errors of the client's own history
(:mod:`toolkit.engine.calibration`); ``sd_b`` the standard error of the trend slope
(parameter uncertainty, which is what widens short histories); and the last
line a soft saturating transform that keeps every value strictly below its
own path's ceiling draw ``C_k``, seasonal peaks included, while leaving values
well below the ceiling almost unchanged (at half the ceiling the shrinkage is
0.26%). Working in log space keeps positive metrics positive and makes growth
multiplicative.

Measured on the 1,428 M3 monthly series (``benchmarks/backtest_m3.py``): see
the figures in that script's output; everything here costs about 15 ms per
assessment, so statsmodels (about 170 ms per ETS fit) is used only as the
reference the tests compare against.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from toolkit.engine.blend import burn_in, rolling_mse, temporal_blend
from toolkit.engine.calibration import TAIL_DF, model_variance, rolling_errors, spread_factor
from toolkit.engine.members import logistic_forecasts
from toolkit.engine.outliers import clean_outliers
from toolkit.engine.seasonal import SeasonalFit, seasonal_fit, step_rivals_season
from toolkit.errors import DataError, InputError
from toolkit.priors.streams import rng_for

__all__ = ["PathEnsemble", "simulate_paths", "forecast_table", "saturate", "MIN_HISTORY", "MIN_PATHS"]

logger = logging.getLogger("toolkit")

#: Fewest positive observations we accept: below six months neither a level
#: nor a trend can be told from noise.
MIN_HISTORY = 6
# Fewer paths than this give probabilities coarser than the percent the report shows.
MIN_PATHS = 100
# A last month this many times beyond all earlier ones is a data error or a break to decide on, not a trend.
JUMP_RATIO = 100.0
_SATURATION_POWER = 6.0
_MAX_HORIZON = 240
_MIN_BOOTSTRAP = 24
#: Parameters the two members estimate from the history (Theta: smoothing
#: weight, slope, coefficient; damped trend: three smoothing and damping
#: weights, counting the shared level once would give 7, the slope twice 8),
#: for Akaike's final-prediction-error inflation (n + p) / n. 6 keeps M3
#: coverage inside 0.78-0.82 at every history length tried (24-126 months);
#: the M1 development set preferred 8 (coverage 0.796 full, 0.783 at 36).
_N_PARAMS = 6
#: Fewest months for a seasonal shape that drifts year to year: with fewer
#: years each year's own profile mostly fits its own noise (M3 cut to 36
#: months: P10-P90 coverage 0.745 with a moving profile, 0.765 fixed).
_MIN_MOVING = 72
#: The logistic member joins when the trend forecast passes this share of the ceiling.
_CURVE_SHARE = 0.5


# eq=False: fields hold arrays/DataFrames, whose == is elementwise.
@dataclass(frozen=True, eq=False)
class PathEnsemble:
    """Simulated futures of one metric.

    Attributes
    ----------
    values : ndarray, shape (n_paths, horizon)
        Simulated monthly values.
    dates : pd.PeriodIndex
        Future months, starting the month after the last history month.
    history : pd.Series
        The history used, with a monthly PeriodIndex.
    ceiling : ndarray or None
        Ceiling draw of each path (shape (n_paths,)), or None.
    model : str
        Short description of the models and seasonality used.
    """

    values: np.ndarray
    dates: pd.PeriodIndex
    history: pd.Series
    ceiling: np.ndarray | None = None
    model: str = ""
    info: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def n_paths(self) -> int:
        """Number of simulated paths."""
        return int(self.values.shape[0])

    @property
    def horizon(self) -> int:
        """Number of future months."""
        return int(self.values.shape[1])

    def quantiles(self, q=(0.1, 0.5, 0.9)) -> pd.DataFrame:
        """Monthly quantiles of the paths.

        Parameters
        ----------
        q : sequence of float
            Quantile levels in [0, 1].

        Returns
        -------
        pd.DataFrame
            Index = ``dates``, one column per level.
        """
        q = [float(v) for v in np.atleast_1d(q)]
        qs = np.quantile(self.values, q, axis=0)
        return pd.DataFrame(qs.T, index=self.dates, columns=q)

    def to_frame(self) -> pd.DataFrame:
        """The paths as a DataFrame: index = future months, one column per path."""
        return pd.DataFrame(self.values.T, index=self.dates.rename("month"))


def forecast_table(paths: PathEnsemble) -> pd.DataFrame:
    """Monthly P5, P10, P50, P90 and P95 of the paths (index = month)."""
    qs = paths.quantiles((0.05, 0.1, 0.5, 0.9, 0.95))
    qs.columns = ["P5", "P10", "P50", "P90", "P95"]
    qs.index.name = "month"
    return qs


def saturate(values: np.ndarray, ceiling: np.ndarray) -> np.ndarray:
    """Softly bound ``values`` below ``ceiling`` (broadcast), strictly.

    ``C u / (1 + u^p)^(1/p)`` with ``u = v / C`` is increasing, below ``C`` for
    every finite ``v`` and within 0.3% of ``v`` while ``v < C / 2``.
    """
    p = _SATURATION_POWER
    u = np.maximum(values, 0.0) / ceiling
    # Above u = 1e3 the ratio is 1 to machine precision; clip so u**p cannot
    # overflow, then nudge below the ceiling so the bound is strict.
    u = np.minimum(u, 1e3)
    out = ceiling * u / (1.0 + u**p) ** (1.0 / p)
    return np.minimum(out, np.nextafter(ceiling, 0.0))


def _as_monthly(history: pd.Series) -> pd.Series:
    if not isinstance(history, pd.Series):
        raise InputError(f"history: got {type(history).__name__}; expected a pandas Series of monthly values")
    idx = history.index
    if isinstance(idx, pd.DatetimeIndex):
        idx = idx.to_period("M")
    elif isinstance(idx, pd.PeriodIndex):
        idx = idx.asfreq("M")
    else:
        raise InputError(
            f"history: index is {type(idx).__name__}; expected a DatetimeIndex or PeriodIndex of months"
        )
    try:
        vals = pd.to_numeric(history, errors="raise").to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError(f"history: non-numeric values ({exc}); expected numbers") from exc
    s = pd.Series(vals, index=idx, name=history.name).sort_index()
    if s.index.has_duplicates:
        raise InputError("history: duplicate months; expected one value per month")
    if len(s) and len(s) != (s.index[-1] - s.index[0]).n + 1:
        raise InputError("history: months have gaps; expected consecutive months with no gaps")
    if np.isnan(s.to_numpy()).any():
        bad = s.index[np.isnan(s.to_numpy())][0]
        raise InputError(f"history: missing value (NaN) in {bad}; fill or drop it, expected no gaps")
    if np.isinf(s.to_numpy()).any():
        raise InputError("history: infinite value; expected finite numbers")
    if (s.to_numpy() < 0).any():
        raise InputError("history: negative value; expected a non-negative metric (sales, revenue, ...)")
    if int((s.to_numpy() > 0).sum()) < MIN_HISTORY:
        raise InputError(
            f"history: {int((s.to_numpy() > 0).sum())} positive months; expected at least "
            f"{MIN_HISTORY} to estimate a level and its noise"
        )
    positive = s.to_numpy()[s.to_numpy() > 0]
    if np.ptp(positive) == 0:
        raise DataError(
            f"history{_label(s)}: every month is {positive[0]:g}, so no month-to-month spread can be estimated "
            "and no probability given; expected a metric that varies (check the export)"
        )
    last, before = s.to_numpy()[-1], s.to_numpy()[:-1]
    before = before[before > 0]
    if last > 0 and (last > JUMP_RATIO * before.max() or last < before.min() / JUMP_RATIO):
        raise DataError(
            f"history{_label(s)}: the last month ({last:g}) is over {JUMP_RATIO:g}x outside everything before it; "
            "expected a corrected value, or a history that starts at the break"
        )
    return s


def _label(s: pd.Series) -> str:
    return f" of {s.name}" if s.name else ""


def _check_ceiling(ceiling) -> np.ndarray | None:
    if ceiling is None:
        return None
    try:
        arr = np.atleast_1d(np.asarray(ceiling, dtype=float))
    except (TypeError, ValueError) as exc:
        raise InputError(f"ceiling: got {ceiling!r}; expected a number or a 1-D array of samples") from exc
    if arr.ndim != 1 or arr.size == 0:
        raise InputError(f"ceiling: got shape {arr.shape}; expected a number or a 1-D array of samples")
    if not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        raise InputError("ceiling: got non-positive or non-finite values; expected positive numbers")
    return arr


def _ceiling_draws(arr: np.ndarray | None, n_paths: int, rng: np.random.Generator) -> np.ndarray | None:
    if arr is None:
        return None
    if arr.size == 1:
        return np.full(n_paths, float(arr[0]))
    return rng.choice(arr, size=n_paths, replace=arr.size < n_paths)


def _seasonal_profile(
    x: np.ndarray, months: np.ndarray, seasonal_index
) -> tuple[np.ndarray, np.ndarray, str, float]:
    """Seasonal profile, the history's seasonal component, the profile's
    description, and the in-sample optimism of fitting it.

    The profile is the seasonality as of the latest year, which the forecast
    carries forward; the component (one value per history month) is the one
    removed from the history, estimated around each month's own year in
    histories of six years or more. The optimism is the factor by which
    errors measured on a history deseasonalised by its own fitted profile
    understate new errors (:func:`toolkit.engine.seasonal.seasonal_fit`; 1 for none
    or a Trends shape).
    """
    n = len(x)
    if seasonal_index is not None:
        si = np.asarray(seasonal_index, dtype=float).ravel()
        if si.shape != (12,) or not np.all(np.isfinite(si)) or np.any(si <= 0):
            raise InputError(
                "seasonal_index: expected 12 positive monthly factors (index 0 = January)"
            )
        trends = np.log(si / si.mean())
        trends -= trends.mean()
    else:
        trends = None
    base = np.zeros(12) if trends is None else trends
    # Two years give every calendar month two detrended values (the trend is
    # extended to both ends), so the history's own profile and its noise can
    # be estimated; it is then shrunk toward the Trends shape (or toward none)
    # by how much signal it carries. On M3 this beats the Theta method's
    # yes/no ACF test (sMAPE 13.40 vs 13.51, Brier 0.114 vs 0.116); with two
    # years that test, built for long series, calls most seasonal series flat
    # (Tourism cut to 24 months: 345 of 366, sMAPE 39.5 against 19.9).
    # Under three years a step can pose as seasonality (see step_rivals_season).
    if n >= 36 or (n >= 24 and not step_rivals_season(x, months)):
        fit = seasonal_fit(x, months, prior=base, moving=n >= _MIN_MOVING)
        if fit.shrink > 0:
            name = "seasonal(history+index)" if trends is not None else "seasonal(history)"
        else:
            name = "seasonal(index)" if trends is not None else "nonseasonal"
        return fit.profile, fit.component, name, fit
    if trends is not None:
        return trends, trends[months], "seasonal(index)", None
    return np.zeros(12), np.zeros(n), "nonseasonal", None


def simulate_paths(
    history: pd.Series,
    horizon: int,
    *,
    ceiling=None,
    n_paths: int = 2000,
    seed: int = 0,
    seasonal_index=None,
) -> PathEnsemble:
    """Simulate monthly futures of a positive metric.

    Parameters
    ----------
    history : pd.Series
        Monthly values with a DatetimeIndex or PeriodIndex, no gaps, no NaN,
        at least ``MIN_HISTORY`` positive values.
    horizon : int
        Number of future months to simulate.
    ceiling : float or array-like, optional
        The most the client can hold per month: one number, or Monte Carlo
        samples from which one draw is assigned to each path.
    n_paths : int
        Number of paths.
    seed : int
        Seed of the random streams (:mod:`toolkit.priors.streams`); the same seed
        gives identical paths.
    seasonal_index : array-like of 12 floats, optional
        Monthly factors (January first), e.g. from Google Trends: the seasonal
        shape of a history under two years, and the shape a longer history's
        own (noisier) profile is shrunk toward.

    Returns
    -------
    PathEnsemble

    Raises
    ------
    InputError
        On a malformed history, horizon, ceiling or seasonal index.
    """
    hist = _as_monthly(history)
    if (
        isinstance(horizon, bool)
        or not isinstance(horizon, (int, np.integer))
        or not 1 <= horizon <= _MAX_HORIZON
    ):
        raise InputError(
            f"horizon: got {horizon!r}; expected an integer number of months in 1..{_MAX_HORIZON}"
        )
    if isinstance(n_paths, bool) or not isinstance(n_paths, (int, np.integer)) or n_paths < MIN_PATHS:
        raise InputError(f"n_paths: got {n_paths!r}; expected an integer of at least {MIN_PATHS} "
                         "(fewer paths give probabilities coarser than a percent)")
    horizon, n_paths = int(horizon), int(n_paths)
    ceiling = _check_ceiling(ceiling)
    y = hist.to_numpy(dtype=float)
    # Zeros have no logarithm; a small offset keeps them while barely bending
    # the rest of the series.
    offset = 0.0 if y.min() > 0 else 0.05 * float(y[y > 0].mean())
    x = np.log(y + offset)
    months = np.asarray(hist.index.month) - 1
    # Outliers are replaced for fitting only; the spread is measured against
    # the history as it was (z), so they still widen the band.
    # Zero months of an intermittent series are part of its pattern, not
    # outliers: cleaning them would fit a level the zeros never reach.
    x_fit = x if offset > 0 else clean_outliers(x, months)[0]
    season, component, season_name, season_fit = _seasonal_profile(x_fit, months, seasonal_index)
    z = x - component

    log_ceiling = None
    if ceiling is not None:
        # The deseasonalised level must stay below the ceiling by the height
        # of the seasonal peak, so that peaks, not the average, meet it.
        log_ceiling = float(np.log(np.median(ceiling) + offset) - season.max())
    core = _fit_core(z, horizon, log_ceiling, season_fit=season_fit, z_fit=x_fit - component)
    # One stream per source of randomness: the paths' shocks do not shift when, say, the
    # hidden seasonal noise is switched on, and a ceiling draw stays with its path.
    shocks, slopes, noise, ceilings = (rng_for(seed, "paths", k) for k in range(4))
    e = _shocks(shocks, core["std_resid"], (n_paths, horizon)) * core["sigma"]
    delta = slopes.standard_normal(n_paths) * core["sd_slope"]
    steps = np.arange(1, horizon + 1)
    prior = np.cumsum(e, axis=1) - e
    err = e + core["alpha"] * prior + delta[:, None] * steps[None, :]
    if core["hidden_noise"] > 0:
        # The month-to-month noise the seasonal fit hid: it does not carry
        # over from month to month, so it is drawn afresh for each.
        err += noise.standard_normal((n_paths, horizon)) * np.sqrt(core["hidden_noise"])
    err *= core["g"][None, :]

    dates = pd.period_range(hist.index[-1] + 1, periods=horizon, freq="M")
    fut_season = season[np.asarray(dates.month) - 1]
    logv = core["forecast"][None, :] + fut_season[None, :] + err
    vals = np.maximum(np.exp(np.minimum(logv, 700.0)) - offset, 0.0)

    ceil = _ceiling_draws(ceiling, n_paths, ceilings)
    if ceil is not None:
        if y[-1] > np.median(ceil):
            logger.warning("history ends at %.4g, above the median ceiling %.4g", y[-1], np.median(ceil))
        vals = saturate(vals, ceil[:, None])
    model = f"comb({core['members']})+{season_name}, calibrated x{core['g'].mean():.2f}"
    logger.debug("simulate_paths: %s, n=%d, horizon=%d", model, len(y), horizon)
    return PathEnsemble(vals, dates, hist, ceil, model, info=core)


def _shocks(rng: np.random.Generator, resid: np.ndarray, shape) -> np.ndarray:
    """Unit-variance shocks: smoothed bootstrap of the client's own standardised
    one-step errors (keeps their skew and tails), Student-t when too few."""
    if len(resid) < _MIN_BOOTSTRAP:
        # Too few errors to resample: Student-t, the predictive law of a
        # Gaussian error whose scale is itself estimated from these few.
        df = float(np.clip(len(resid) - 3, TAIL_DF, 30.0))
        return rng.standard_t(df, size=shape) / np.sqrt(df / (df - 2.0))
    bw = 1.06 * len(resid) ** -0.2
    pick = resid[rng.integers(0, len(resid), size=shape)]
    return (pick + bw * rng.standard_normal(shape)) / np.sqrt(1.0 + bw * bw)


def _fit_core(
    z: np.ndarray,
    horizon: int,
    log_ceiling: float | None = None,
    season_fit: SeasonalFit | None = None,
    z_fit: np.ndarray | None = None,
) -> dict:
    """Fit the models on deseasonalised log values and calibrate the spread.

    ``z_fit`` (default ``z``) is what the models are fitted to, e.g. ``z``
    with outliers replaced; errors are always measured against ``z``.
    """
    z_fit = z if z_fit is None else z_fit
    n = len(z)
    t = np.arange(n)
    H = max(horizon, 1)
    skip = burn_in(n)
    blend = temporal_blend(z_fit, H)
    ses, damped = blend.ses, blend.damped
    fc = blend.forecasts
    names = list(blend.members)
    if log_ceiling is not None and float(fc[-1, -1]) > log_ceiling + np.log(_CURVE_SHARE):
        # A ceiling the trend approaches within the horizon adds a growth
        # curve, so trends bend toward it instead of running into the cap; a
        # distant ceiling leaves the forecast alone.
        logistic = logistic_forecasts(z_fit, log_ceiling, ses.alpha, H)
        if logistic is not None:
            names.append("logistic")
            # Trend blend or growth curve: weighted by inverse rolling-origin
            # MSE, as the two disagree most exactly when the ceiling is near.
            mse = [rolling_mse(f, z, skip) for f in (fc, logistic)]
            w = (1 / max(mse[1], 1e-12)) / (1 / max(mse[0], 1e-12) + 1 / max(mse[1], 1e-12))
            fc = (1 - w) * fc + w * logistic
    err = rolling_errors(fc, z, skip)
    one_step = err[:, 0][~np.isnan(err[:, 0])]
    # Degrees-of-freedom correction: level, slope and smoothing weights are
    # estimated from the same few errors.
    dof = max(len(one_step) - 3, 1)
    sigma = float(np.sqrt(np.sum(one_step**2) / dof)) if len(one_step) else float(np.std(np.diff(z)))
    sigma = max(sigma, 1e-6)
    # The seasonal profile was fitted to this history, which hides part of
    # the month-to-month noise from every error measured on it; that part is
    # added back to each horizon's variance (the noise, not the level
    # changes that dominate long horizons, is what the fit absorbed).
    # The one-step errors also carry level changes; in the local-level model
    # behind SES the noise is the share 1 - alpha of their variance (Muth
    # 1960: theta = 1 - alpha in the equivalent ARIMA(0,1,1)).
    hidden_noise = 0.0
    if season_fit is not None:
        hidden_noise = sigma**2 * (1.0 - ses.alpha) * (season_fit.optimism - 1.0)
    parameters = (n + _N_PARAMS) / n
    sigma *= np.sqrt(parameters)
    # A one-off jump (a level shift) is a single huge one-step error; resampled
    # as is, it would recur every month in every path. Winsorise at 4 robust
    # SDs: its size still widens the band through sigma and the calibration.
    med = float(np.median(one_step)) if len(one_step) else 0.0
    mad = 1.4826 * float(np.median(np.abs(one_step - med))) if len(one_step) else 0.0
    clipped = np.clip(one_step, med - 4 * mad, med + 4 * mad) if mad > 0 else one_step
    std_resid = (clipped - clipped.mean()) / max(float(clipped.std()), 1e-12)
    sxx = float(np.sum((t - t.mean()) ** 2))
    sd_slope = sigma / np.sqrt(sxx)
    m2 = model_variance(sigma, ses.alpha, sd_slope, H) + hidden_noise
    g = spread_factor(err, m2, optimism=parameters, extra_variance=hidden_noise)
    return {
        "forecast": fc[-1],
        "members": ",".join(names),
        "sigma": sigma,
        "alpha": ses.alpha,
        "sd_slope": sd_slope,
        "g": g,
        "std_resid": std_resid,
        "hidden_noise": hidden_noise,
        "ses_alpha": ses.alpha,
        "damped": (damped.alpha, damped.beta, damped.phi),
        "slope": blend.slope,
    }
