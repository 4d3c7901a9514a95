"""Launch forecasts: how fast a new product, shop or market fills its potential.

Bass (1969) diffusion toward a market potential ``m`` (a number of customers),
with yearly coefficients of innovation ``p`` and imitation ``q``. The share of
the potential that has adopted by time ``t`` (in periods since launch) is

    F(t) = (1 - exp(-(p + q) t)) / (1 + (q / p) exp(-(p + q) t)),

whose adoption rate peaks at ``t* = ln(q / p) / (p + q)`` when ``q > p`` (with
``q <= p`` it falls from the start). Yearly coefficients become monthly by
continuous-time rescaling, ``p / 12`` and ``q / 12``, so that
``F_month(12 t) = F_year(t)`` and ``q / p`` is kept.

The potential is a stock, the market ceiling a flow: each Monte Carlo draw of
the ceiling (purchases per month the client can hold) gives ``m = ceiling /
r`` customers, with ``r = purchases_per_year / 12`` purchases per customer per
month. Sales in month ``k`` are the new adopters' first purchases plus the
repeat purchases of everyone who adopted before:

    sales_k = m (F(k) - F(k - 1)) + r m F(k - 1),

which tends to the ceiling ``r m`` and is capped at it. A month is observed
with multiplicative noise on ``log(1 + value)`` (standard deviation
``noise``, 0.25 by default: an assumption, stated in the report), which also
handles months with no sales.

Months observed since launch update the prior draws by a tempered sequential
Monte Carlo sampler (Del Moral, Doucet and Jasra 2006): the likelihood enters
in steps chosen so that the effective sample size never falls below half the
draws; after each step the draws are resampled and moved by random-walk
Metropolis on ``(log p, log q, log m)``. So 0 months give the prior, and every
month narrows it, without the weight collapse of plain importance sampling.
In log space the prior is normal: the 90% ranges of ``p`` and ``q`` are
lognormal, and ``log m`` takes the mean and spread of the ceiling draws' logs.

References
----------
.. [1] F. M. Bass, "A new product growth for model consumer durables",
   *Management Science* 15(5), 1969, pp. 215-227.
.. [2] P. Del Moral, A. Doucet and A. Jasra, "Sequential Monte Carlo
   samplers", *Journal of the Royal Statistical Society B* 68(3), 2006,
   pp. 411-436.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from toolkit.engine.paths import PathEnsemble
from toolkit.errors import InputError
from toolkit.priors.diffusion import DiffusionPrior
from toolkit.priors.ranges import Range, normal_on_interval, sample
from toolkit.priors.streams import rng_for

__all__ = ["bass_cdf", "bass_peak_time", "adoption_time", "adoption_table", "monthly_coefficients", "monthly_range", "expected_launch", "launch_paths",
           "NOISE", "MEASURES"]

#: Standard deviation of an observed month around the model on the log(1 + value) scale.
NOISE = 0.25
#: ``sales``: purchases per month (a flow, capped by the ceiling); ``customers``: adopters so far (a stock, capped by m).
MEASURES = ("sales", "customers")
_ESS_FLOOR = 0.5
_MOVES_PER_STEP = 3
_MAX_STEPS = 60


def bass_cdf(t, p, q):
    """Share of the potential adopted by time ``t`` (same time unit as ``p`` and ``q``); 0 for ``t <= 0``."""
    t, p, q = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (t, p, q)))
    decay = np.exp(-(p + q) * np.maximum(t, 0.0))
    return (1.0 - decay) / (1.0 + (q / p) * decay)


def bass_peak_time(p: float, q: float) -> float:
    """Time of the highest adoption rate, ``ln(q/p) / (p+q)``; NaN when ``q <= p`` (no interior peak)."""
    return math.log(q / p) / (p + q) if q > p else math.nan


def adoption_time(share, p, q):
    """Time by which ``share`` of the potential has adopted: the inverse of :func:`bass_cdf`,

        t(s) = ln((1 + (q/p) s) / (1 - s)) / (p + q).
    """
    share, p, q = (np.asarray(x, dtype=float) for x in (share, p, q))
    return np.log((1.0 + (q / p) * share) / (1.0 - share)) / (p + q)


def adoption_table(paths: PathEnsemble, launch: str, shares=(0.1, 0.5)) -> pd.DataFrame:
    """The month by which each share of the potential has adopted: P10, P50 and P90 over the paths."""
    start = pd.Period(launch, freq="M")
    rows = {}
    for share in shares:
        months = np.ceil(adoption_time(share, paths.info["p"], paths.info["q"]))
        rows[f"{share:.0%} of the potential"] = {f"P{int(q * 100)}": start + int(v) - 1
                                                 for q, v in zip((0.1, 0.5, 0.9), np.quantile(months, [0.1, 0.5, 0.9]))}
    return pd.DataFrame(rows).T


def monthly_coefficients(p_year, q_year):
    """Yearly Bass coefficients as monthly ones (continuous-time rescaling keeps q/p)."""
    return np.asarray(p_year, dtype=float) / 12.0, np.asarray(q_year, dtype=float) / 12.0


def expected_launch(months, p, q, m, rate: float, measure: str = "sales") -> np.ndarray:
    """Expected value of each month since launch (1 = the launch month) for draws of monthly p, q and m.

    Returns an array of shape ``(len(p), len(months))`` (draws broadcast as columns).
    """
    k = np.asarray(months, dtype=float)[None, :]
    p, q, m = (np.asarray(x, dtype=float).reshape(-1, 1) for x in (p, q, m))
    adopted = bass_cdf(k, p, q)
    if measure == "customers":
        return m * adopted
    before = bass_cdf(k - 1, p, q)
    return np.where(k >= 1, m * (adopted - before) + rate * m * before, 0.0)


def _log_normal_prior(r: Range) -> tuple[float, float]:
    """Mean and standard deviation of log(x) for a positive 90% range (0 spread when exact)."""
    if r.is_exact:
        return math.log(r.value if r.value is not None else r.low), 0.0
    if r.form() != "lognormal":
        raise InputError.at(None, "prior", r.label(), "a positive range read as lognormal for a Bass coefficient")
    return normal_on_interval(math.log(r.low), math.log(r.high))


def _systematic_resample(weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    n = len(weights)
    positions = (rng.random() + np.arange(n)) / n
    return np.minimum(np.searchsorted(np.cumsum(weights), positions), n - 1)


class _Posterior:
    """Prior (normal in log p, log q, log m) times the likelihood of the observed months."""

    def __init__(self, prior_mean, prior_sd, months, observed, rate, measure, noise):
        self.mean, self.sd = np.asarray(prior_mean), np.asarray(prior_sd)
        self.free = self.sd > 0
        self.months, self.log_obs = months, np.log1p(observed)
        self.rate, self.measure, self.noise = rate, measure, noise

    def log_prior(self, theta):
        z = (theta[:, self.free] - self.mean[self.free]) / self.sd[self.free]
        return -0.5 * np.sum(z * z, axis=1)

    def log_likelihood(self, theta):
        if len(self.months) == 0:
            return np.zeros(len(theta))
        p, q, m = np.exp(theta).T
        mu = expected_launch(self.months, p, q, m, self.rate, self.measure)
        resid = (self.log_obs[None, :] - np.log1p(mu)) / self.noise
        return -0.5 * np.sum(resid * resid, axis=1)


def _next_temperature(loglik, phi, n):
    """The largest step in the likelihood's exponent that keeps the effective sample size at the floor."""
    def ess(new_phi):
        logw = (new_phi - phi) * loglik
        w = np.exp(logw - logw.max())
        return w.sum() ** 2 / (w * w).sum()

    if ess(1.0) >= _ESS_FLOOR * n:
        return 1.0
    lo, hi = phi, 1.0
    for _ in range(50):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if ess(mid) >= _ESS_FLOOR * n else (lo, mid)
    return max(lo, phi + 1e-6)


def _tempered_smc(post: _Posterior, theta, rng):
    """Draws from the posterior, starting from prior draws ``theta`` (tempering, resample, move)."""
    n = len(theta)
    loglik = post.log_likelihood(theta)
    phi = 0.0
    steps = 0
    while phi < 1.0 and steps < _MAX_STEPS:
        steps += 1
        new_phi = _next_temperature(loglik, phi, n)
        logw = (new_phi - phi) * loglik
        w = np.exp(logw - logw.max())
        w /= w.sum()
        scale = np.sqrt(np.maximum(np.cov(theta.T, aweights=w).diagonal(), 1e-12)) * 2.38 / math.sqrt(3)
        idx = _systematic_resample(w, rng)
        theta, loglik, phi = theta[idx], loglik[idx], new_phi
        target = post.log_prior(theta) + phi * loglik
        for _ in range(_MOVES_PER_STEP):
            proposal = theta + rng.standard_normal(theta.shape) * scale * post.free
            prop_loglik = post.log_likelihood(proposal)
            prop_target = post.log_prior(proposal) + phi * prop_loglik
            accept = np.log(rng.random(n)) < prop_target - target
            theta[accept], loglik[accept], target[accept] = proposal[accept], prop_loglik[accept], prop_target[accept]
    return theta, steps


def launch_paths(
    observed: pd.Series | None,
    *,
    launch: str,
    as_of: str,
    horizon: int,
    ceiling,
    purchases_per_year: float,
    prior: DiffusionPrior,
    measure: str = "sales",
    n_paths: int = 2000,
    seed: int = 0,
    noise: float = NOISE,
) -> PathEnsemble:
    """Simulated monthly futures of a launch, updated by the months seen since it.

    Parameters
    ----------
    observed : pd.Series or None
        Monthly values since the launch (monthly DatetimeIndex or PeriodIndex);
        months before ``launch`` or after ``as_of`` are ignored. None or empty:
        the prior alone.
    launch, as_of : str
        Launch month and the last month known, ``YYYY-MM``. A launch after
        ``as_of`` is simulated from its own month on (zero before it).
    horizon : int
        Months simulated after ``as_of``.
    ceiling : Range, float or array-like
        Purchases per month the client can hold (Monte Carlo draws of it, or a
        range to draw from): each path's potential is its draw divided by
        ``purchases_per_year / 12``.
    purchases_per_year : float
        Purchases per customer per year, for the potential and repeat sales.
    prior : DiffusionPrior
        Yearly p and q (the shipped prior or an analogue).
    measure : {"sales", "customers"}
        Purchases per month, or customers adopted so far.

    Returns
    -------
    PathEnsemble
        ``ceiling`` holds each path's ceiling in the measure's unit (purchases
        per month, or customers); ``info`` the posterior draws of monthly p, q
        and m, and the number of tempering steps.
    """
    if measure not in MEASURES:
        raise InputError.at(None, "measure", measure, f"one of {', '.join(MEASURES)}")
    if not purchases_per_year > 0:
        raise InputError.at(None, "purchases_per_year", purchases_per_year, "a positive number of purchases a year")
    if not noise > 0:
        raise InputError.at(None, "noise", noise, "a positive standard deviation")
    start, last = pd.Period(launch, freq="M"), pd.Period(as_of, freq="M")
    rate = purchases_per_year / 12.0
    rng_prior, rng_ceiling, rng_smc, rng_noise = (rng_for(seed, "launch", k) for k in range(4))

    history = pd.Series(dtype=float, index=pd.PeriodIndex([], freq="M"))
    if observed is not None and len(observed):
        idx = observed.index if isinstance(observed.index, pd.PeriodIndex) else observed.index.to_period("M")
        history = pd.Series(observed.to_numpy(dtype=float), index=idx).loc[lambda s: (s.index >= start)
                                                                             & (s.index <= last)]
        if (history < 0).any() or not np.isfinite(history).all():
            raise InputError.at(None, "history", history[~(history >= 0)].head(3).to_dict(),
                                "non-negative monthly values since the launch")
    months_seen = np.array([(d - start).n + 1 for d in history.index], dtype=float)

    ceiling_draws = ceiling if isinstance(ceiling, Range) else np.asarray(ceiling, dtype=float)
    if isinstance(ceiling_draws, Range) or ceiling_draws.ndim == 0:
        ceiling_draws = sample(ceiling, max(n_paths, 2000), rng_ceiling)
    if not (ceiling_draws > 0).all():
        raise InputError.at(None, "ceiling", float(ceiling_draws.min()), "a positive ceiling in every draw")
    log_m = np.log(ceiling_draws / rate)
    (mp, sp), (mq, sq) = _log_normal_prior(monthly_range(prior.p)), _log_normal_prior(monthly_range(prior.q))
    post = _Posterior([mp, mq, log_m.mean()], [sp, sq, log_m.std()], months_seen, history.to_numpy(), rate, measure,
                      noise)
    theta = np.column_stack([mp + sp * rng_prior.standard_normal(n_paths),
                             mq + sq * rng_prior.standard_normal(n_paths),
                             rng_prior.choice(log_m, size=n_paths)])
    theta, steps = _tempered_smc(post, theta, rng_smc)
    p, q, m = np.exp(theta).T

    ahead = (last - start).n + 1 + np.arange(1, horizon + 1)
    mean = expected_launch(ahead, p, q, m, rate, measure)
    values = np.expm1(np.log1p(mean) + noise * rng_noise.standard_normal(mean.shape))
    cap = (m * rate if measure == "sales" else m)
    values = np.clip(values, 0.0, cap[:, None])
    values[:, ahead < 1] = 0.0
    dates = pd.period_range(last + 1, periods=horizon, freq="M")
    return PathEnsemble(values, dates, history, ceiling=cap,
                        model=f"Bass diffusion, {len(history)} months since launch",
                        info={"p": p, "q": q, "m": m, "steps": steps, "noise": noise, "prior": prior.source})


def monthly_range(r: Range) -> Range:
    """A yearly coefficient's range as a monthly one (divided by 12)."""
    if r.value is not None:
        return Range(value=r.value / 12.0, source=r.source)
    return Range(low=r.low / 12.0, high=r.high / 12.0, source=r.source)

