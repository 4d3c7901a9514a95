"""Cheap, well-established forecasting models fitted in log space.

Everything here is a pure function on a 1-D float array ``z`` (the log of a
positive monthly metric, already deseasonalised) so that a full assessment
stays well inside its 0.3 s budget: a statsmodels ``ETSModel`` fit alone takes
about 170 ms, while these closed-form recursions, vectorised over a small
parameter grid, take a few milliseconds and give the same forecasts (the tests
check them against statsmodels).

Models
------
Simple exponential smoothing (SES), the ETS(A,N,N) point forecast::

    l_t = l_{t-1} + alpha * (z_t - l_{t-1}),      zhat_{t+h|t} = l_t

Theta method (Assimakopoulos & Nikolopoulos 2000), in the form of
Hyndman & Billah (2003): SES plus the share ``1 - 1/theta`` of the slope ``b``
of a linear trend (half of it for the classic theta = 2)::

    zhat_{t+h|t} = l_t + b (1 - 1/theta) ((h - 1) + 1/alpha - (1 - alpha)^(t+1) / alpha)

``theta`` is chosen per series from {2, 4, inf} by rolling-origin error, as
in the optimised Theta method (Fiorucci et al. 2016).

Damped trend (Gardner & McKenzie 1985), the ETS(A,Ad,N) point forecast::

    l_t = l_{t-1} + phi b_{t-1} + alpha e_t
    b_t = phi b_{t-1} + alpha beta e_t
    zhat_{t+h|t} = l_t + (phi + ... + phi^h) b_t

Logistic growth toward a ceiling ``K`` (Verhulst), used only when a ceiling
is known: SES with drift on ``w = logit(exp(z) / K)``, whose straight-line
extrapolation is a logistic curve in ``exp(z)``::

    zhat_{t+h|t} = log K - log(1 + exp(-(lw_t + b_w h)))

with ``lw_t`` the SES level of ``w`` and ``b_w`` its least-squares slope.

Seasonality lives in :mod:`toolkit.engine.seasonal` (re-exported here).

References
----------
Assimakopoulos, V. and Nikolopoulos, K. (2000). The theta model: a decomposition
approach to forecasting. International Journal of Forecasting 16, 521-530.
Hyndman, R.J. and Billah, B. (2003). Unmasking the Theta method. IJF 19, 287-290.
Fiorucci, J.A., Pellegrini, T.R., Louzada, F., Petropoulos, F. and Koehler,
A.B. (2016). Models for optimising the theta method and their relationship to
state space models. IJF 32, 1151-1161.
Gardner, E.S. and McKenzie, E. (1985). Forecasting trends in time series.
Management Science 31, 1237-1246.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from toolkit.engine.seasonal import classical_seasonal, detrended, seasonal_test

__all__ = [
    "seasonal_test",
    "classical_seasonal",
    "detrended",
    "SesFit",
    "DampedFit",
    "ses_filter",
    "fit_ses",
    "damped_filter",
    "damped_start",
    "fit_damped",
    "theta_forecasts",
    "damped_forecasts",
    "logistic_forecasts",
    "expanding_slopes",
]

_SES_ALPHAS = np.linspace(0.02, 1.0, 50)
# A coarse grid is enough: the forecast surface is flat near its optimum, and
# the grid keeps the fit deterministic and free of optimiser failures.
_D_ALPHA = np.array([0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.8, 1.0])
_D_BETA = np.array([0.01, 0.05, 0.15, 0.3])
_D_PHI = np.array([0.8, 0.88, 0.94, 0.98])


@dataclass(frozen=True)
class SesFit:
    """SES fit: smoothing weight, filtered levels (after each observation) and one-step errors."""

    alpha: float
    levels: np.ndarray
    errors: np.ndarray


@dataclass(frozen=True)
class DampedFit:
    """Damped-trend fit: parameters, filtered levels and slopes, one-step errors."""

    alpha: float
    beta: float
    phi: float
    levels: np.ndarray
    slopes: np.ndarray
    errors: np.ndarray


def ses_filter(z: np.ndarray, alpha) -> tuple[np.ndarray, np.ndarray]:
    """Simple exponential smoothing of ``z`` started at ``z[0]``, for one weight or many.

    Parameters
    ----------
    z : ndarray, shape (n,)
        Log series.
    alpha : float or ndarray
        Smoothing weight(s); an array runs one filter per value, side by side.

    Returns
    -------
    levels, errors : ndarray, shape (n,) + shape(alpha)
        The level after each observation and the one-step error made on it
        (0 for the first, which sets the level).
    """
    a = np.asarray(alpha, dtype=float)
    levels = np.empty((len(z),) + a.shape)
    errors = np.zeros((len(z),) + a.shape)
    level = np.full(a.shape, z[0])
    levels[0] = level
    for t in range(1, len(z)):
        errors[t] = z[t] - level
        level = level + a * errors[t]
        levels[t] = level
    return levels, errors


def fit_ses(z: np.ndarray) -> SesFit:
    """Fit SES by least squares of one-step errors over a grid of ``alpha``.

    Parameters
    ----------
    z : ndarray
        Log series.

    Returns
    -------
    SesFit
    """
    levels, errors = ses_filter(z, _SES_ALPHAS)
    best = int(np.argmin(np.sum(errors * errors, axis=0)))
    return SesFit(float(_SES_ALPHAS[best]), levels[:, best], errors[:, best])


def damped_filter(z: np.ndarray, alpha, beta, phi, level0: float, slope0: float
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The damped-trend recursions of the module docstring over ``z``, for one parameter set or many.

    Parameters
    ----------
    z : ndarray, shape (n,)
        Log series.
    alpha, beta, phi : float or ndarray (broadcast together)
        Level weight, trend weight (of the level's change, Holt's ``beta``:
        the slope moves by ``alpha * beta`` times the error) and damping.
    level0, slope0 : float
        Level and slope before the first observation.

    Returns
    -------
    levels, slopes, errors : ndarray, shape (n,) + the parameters' shape
        States after each observation and the one-step errors.
    """
    a, b, p = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (alpha, beta, phi)))
    ab = a * b
    levels, slopes, errors = (np.empty((len(z),) + a.shape) for _ in range(3))
    level, slope = np.full(a.shape, level0), np.full(a.shape, slope0)
    for t in range(len(z)):
        pb = p * slope
        errors[t] = z[t] - level - pb
        level = level + pb + a * errors[t]
        slope = pb + ab * errors[t]
        levels[t], slopes[t] = level, slope
    return levels, slopes, errors


def damped_start(z: np.ndarray) -> tuple[float, float]:
    """Level and slope before the first observation: the line through the first ten months, one month back."""
    k = min(len(z), 10)
    slope, intercept = np.polyfit(np.arange(k), z[:k], 1)
    return float(intercept) - float(slope), float(slope)


def fit_damped(z: np.ndarray) -> DampedFit:
    """Fit the damped-trend model by least squares over a parameter grid.

    The grid is also the parameters' admissible box: ``0.8 <= phi <= 0.98``
    (the bounds of Hyndman's ``forecast::ets``: nearer 1 the trend is hardly
    damped and long forecasts overshoot), ``alpha >= 0.05`` and Holt's ``beta
    <= 0.3``. Within that box the grid's squared error is within a few percent
    of a numerical optimiser's (tests/test_members_parity.py).

    Parameters
    ----------
    z : ndarray
        Log series.

    Returns
    -------
    DampedFit
    """
    A, B, P = (g.ravel() for g in np.meshgrid(_D_ALPHA, _D_BETA, _D_PHI, indexing="ij"))
    levels, slopes, errors = damped_filter(z, A, B, P, *damped_start(z))
    i = int(np.argmin(np.sum(errors * errors, axis=0)))
    return DampedFit(float(A[i]), float(B[i]), float(P[i]), levels[:, i], slopes[:, i], errors[:, i])


def theta_forecasts(fit: SesFit, drift, horizon: int, theta: float = 2.0) -> np.ndarray:
    """Theta forecasts from every origin.

    Parameters
    ----------
    fit : SesFit
        SES fit of the series.
    drift : float or ndarray of shape (n,)
        Slope ``b`` of the linear trend (per month), or the slope known at
        each origin (see :func:`expanding_slopes`), which keeps rolling-origin
        errors honest about the slope's own estimation error.
    horizon : int
        Number of months ahead.
    theta : float
        Theta coefficient; the drift used is ``b (1 - 1/theta)`` (``b/2`` for
        the classic theta = 2, the full slope for ``np.inf``).

    Returns
    -------
    ndarray, shape (n, horizon)
        Row ``t`` is the forecast made after observing ``z[0..t]``.
    """
    a = fit.alpha
    n = len(fit.levels)
    h = np.arange(1, horizon + 1)
    t = np.arange(n)
    tail = (1 - a) ** (t + 1) / a
    weight = 1.0 - 1.0 / theta
    b = np.broadcast_to(np.asarray(drift, dtype=float), (n,))[:, None]
    return fit.levels[:, None] + b * weight * ((h[None, :] - 1) + 1 / a - tail[:, None])


def expanding_slopes(z: np.ndarray) -> np.ndarray:
    """Least-squares trend slope of ``z[0..t]`` for every ``t`` (0 for t < 2)."""
    n = len(z)
    t = np.arange(n, dtype=float)
    k = t + 1
    st, sz = np.cumsum(t), np.cumsum(z)
    stt, stz = np.cumsum(t * t), np.cumsum(t * z)
    den = stt - st * st / k
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (stz - st * sz / k) / den
    out[:2] = 0.0
    return out


def damped_forecasts(fit: DampedFit, horizon: int) -> np.ndarray:
    """Damped-trend forecasts from every origin, shape (n, horizon)."""
    cum_phi = np.cumsum(fit.phi ** np.arange(1, horizon + 1))
    return fit.levels[:, None] + fit.slopes[:, None] * cum_phi[None, :]


def logistic_forecasts(
    z: np.ndarray, log_ceiling: float, alpha: float, horizon: int
) -> np.ndarray | None:
    """Logistic growth toward the ceiling, from every origin; None when it does not apply.

    Parameters
    ----------
    z : ndarray
        Deseasonalised log series.
    log_ceiling : float
        Log of the (deseasonalised) ceiling.
    alpha : float
        SES smoothing weight for the logit level (shared with the Theta member).
    horizon : int
        Months ahead.

    Returns
    -------
    ndarray, shape (n, horizon), or None
        None when the history already sits near or above the ceiling (the
        logit is then meaningless) or is not growing in logit space.
    """
    u = np.exp(z - log_ceiling)
    if u.max() >= 0.95:
        return None
    w = np.log(u) - np.log1p(-u)
    t = np.arange(len(w))
    slope = float(np.polyfit(t, w, 1)[0])
    if slope <= 0:
        return None
    lv = ses_filter(w, alpha)[0]
    wf = lv[:, None] + slope * np.arange(1, horizon + 1)[None, :]
    return log_ceiling - np.logaddexp(0.0, -wf)
