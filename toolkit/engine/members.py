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
    "fit_ses",
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
    a = _SES_ALPHAS
    level = np.full(a.shape, z[0])
    sse = np.zeros(a.shape)
    for t in range(1, len(z)):
        e = z[t] - level
        sse += e * e
        level = level + a * e
    best = float(a[int(np.argmin(sse))])
    levels = np.empty(len(z))
    errors = np.zeros(len(z))
    lv = z[0]
    levels[0] = lv
    for t in range(1, len(z)):
        errors[t] = z[t] - lv
        lv += best * errors[t]
        levels[t] = lv
    return SesFit(best, levels, errors)


def _damped_init(z: np.ndarray) -> tuple[float, float]:
    k = min(len(z), 10)
    t = np.arange(k)
    slope, intercept = np.polyfit(t, z[:k], 1)
    return float(intercept), float(slope)


def fit_damped(z: np.ndarray) -> DampedFit:
    """Fit the damped-trend model by least squares over a parameter grid.

    Parameters
    ----------
    z : ndarray
        Log series.

    Returns
    -------
    DampedFit
    """
    A, B, P = np.meshgrid(_D_ALPHA, _D_BETA, _D_PHI, indexing="ij")
    A, B, P = A.ravel(), B.ravel() * A.ravel(), P.ravel()
    l0, b0 = _damped_init(z)
    level = np.full(A.shape, l0 - b0)
    slope = np.full(A.shape, b0)
    sse = np.zeros(A.shape)
    for t in range(len(z)):
        pb = P * slope
        e = z[t] - level - pb
        sse += e * e
        level = level + pb + A * e
        slope = pb + B * e
    i = int(np.argmin(sse))
    a, b, p = float(A[i]), float(B[i]), float(P[i])
    n = len(z)
    levels, slopes, errors = np.empty(n), np.empty(n), np.empty(n)
    lv, sl = l0 - b0, b0
    for t in range(n):
        pb = p * sl
        e = z[t] - lv - pb
        errors[t] = e
        lv = lv + pb + a * e
        sl = pb + b * e
        levels[t], slopes[t] = lv, sl
    return DampedFit(a, b / a, p, levels, slopes, errors)


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
    lv = np.empty(len(w))
    lv[0] = w[0]
    for i in range(1, len(w)):
        lv[i] = lv[i - 1] + alpha * (w[i] - lv[i - 1])
    wf = lv[:, None] + slope * np.arange(1, horizon + 1)[None, :]
    return log_ceiling - np.logaddexp(0.0, -wf)
