"""Unit economics and expediency: does a goal pay?

Per customer, with an annual margin ``m`` (annual spend x gross margin), an
annual retention ``r`` (the share still buying the next year) and an annual
discount rate ``d``, the customer lifetime value is the discounted margin of
a geometric survival curve counted **from t = 0** (the first year's margin is
earned for sure and not discounted):

    CLV = sum_{t>=0} m r^t / (1+d)^t = m (1 + d) / (1 + d - r)

(the "beginning of period" convention of Gupta and Lehmann [1]_ and Fader and
Hardie [2]_; with T periods only, ``m (1 - q^T) / (1 - q)``, ``q = r/(1+d)``).
A lifetime ``L`` years given instead of ``r`` means ``r = 1 - 1/L`` (expected
years alive from t = 0). CAC blends the channels:

    CAC = (1 - referral share) x (online share x CAC_online + (1 - online share) x CAC_offline)

Within the first year the margin arrives month by month: the first 30 days'
spend in month 1 (when known) and the rest of the first-year spend evenly over
months 2-12; year ``t`` then brings ``m r^t`` spread evenly over its months.
*Payback* is the first (fractional) month at which this undiscounted cumulative
margin reaches CAC (``inf`` when not within 10 years).

Expediency verdict (all inputs sampled from their 90% ranges):

- ``expedient``: P(margin within the horizon >= CAC) >= 0.8 (the customer pays
  back by the horizon, usually 12 months), or median CLV/CAC >= 3;
- ``marginal``: otherwise, when median CLV/CAC >= 1 (pays, slowly or thinly);
- ``not_expedient``: median CLV/CAC < 1 (each customer loses money).

The levers (customers x average check x frequency) that a goal moves live in
:mod:`toolkit.economics.levers`.

References
----------
.. [1] S. Gupta and D. R. Lehmann, "Customers as assets", *Journal of
   Interactive Marketing* 17(1), 2003, pp. 9-24.
.. [2] P. S. Fader and B. G. S. Hardie, "How to project customer retention",
   *Journal of Interactive Marketing* 21(1), 2007, pp. 76-90.
.. [3] D. Skok, "SaaS metrics 2.0", forEntrepreneurs, 2013 (CLV/CAC >= 3 and
   payback within 12 months as rules of thumb).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from toolkit.economics.levers import decompose_levers
from toolkit.errors import InputError
from toolkit.priors.ranges import Range, as_range, sample
from toolkit.priors.streams import rng_for

__all__ = [
    "clv_geometric", "blended_cac", "monthly_margins", "payback_months", "margin_within",
    "new_customers_needed", "sample_unit_economics", "median_retention", "Expediency", "assess_expediency",
    "EXPEDIENT_RATIO", "PAYBACK_CONFIDENCE", "VERDICTS", "goal_expediency",
]

log = logging.getLogger("toolkit")

EXPEDIENT_RATIO = 3.0      # median CLV/CAC at or above this: expedient
PAYBACK_CONFIDENCE = 0.8   # or P(pays back within the horizon) at or above this
MAX_MONTHS = 120           # payback beyond this is reported as inf
VERDICTS = ("expedient", "marginal", "not_expedient")
Q = {"p10": 0.10, "p50": 0.50, "p90": 0.90}


def clv_geometric(margin_per_period, retention, discount_rate=0.0, periods: int | None = None):
    """Customer lifetime value with geometric retention, counted from t = 0.

    Parameters
    ----------
    margin_per_period : float or array
        Margin a surviving customer brings per period (e.g. a year).
    retention : float or array
        Probability of surviving one more period, in [0, 1].
    discount_rate : float or array
        Discount rate per period, >= 0.
    periods : int, optional
        Count only periods ``t = 0 .. periods-1``; ``None`` means forever.

    Returns
    -------
    float or numpy.ndarray
        ``sum_t m r^t / (1+d)^t`` = ``m (1+d) / (1+d-r)`` when ``periods`` is None.

    References
    ----------
    .. [1] S. Gupta and D. R. Lehmann, "Customers as assets", *J. Interactive
       Marketing* 17(1), 2003.
    """
    m, r, d = (np.asarray(x, dtype=float) for x in (margin_per_period, retention, discount_rate))
    if np.any((r < 0) | (r > 1)):
        raise InputError.at(None, "retention", retention, "a share in [0, 1]")
    if np.any(d < 0):
        raise InputError.at(None, "discount_rate", discount_rate, "a rate >= 0")
    q = r / (1 + d)
    if periods is None:
        if np.any(q >= 1):
            raise InputError.at(None, "retention", retention, "below 1 when the discount rate is 0 (else CLV is infinite)")
        out = m * (1 + d) / (1 + d - r)
    else:
        if periods < 0:
            raise InputError.at(None, "periods", periods, "a number of periods >= 0")
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(q == 1, m * periods, m * (1 - q ** periods) / (1 - q))
    return float(out) if np.ndim(out) == 0 else out


def blended_cac(cac_online=None, cac_offline=None, online_share=None, referral_share=0.0, cac=None):
    """Acquisition cost per new customer across channels, net of free referrals.

    With both channels: ``online_share x cac_online + (1-online_share) x cac_offline``
    (``online_share`` defaults to 0.5); with one channel, that channel; else
    the blended ``cac``. Referred customers cost nothing, so the result is
    multiplied by ``1 - referral_share``.
    """
    if cac_online is not None and cac_offline is not None:
        s = 0.5 if online_share is None else np.asarray(online_share, dtype=float)
        paid = s * np.asarray(cac_online, float) + (1 - s) * np.asarray(cac_offline, float)
    elif cac_online is not None or cac_offline is not None:
        paid = np.asarray(cac_online if cac_online is not None else cac_offline, dtype=float)
    elif cac is not None:
        paid = np.asarray(cac, dtype=float)
    else:
        raise InputError.at(None, "economics.cac", None, "cac, or cac_online and/or cac_offline")
    out = paid * (1 - np.asarray(referral_share, dtype=float))
    return float(out) if np.ndim(out) == 0 else out


def monthly_margins(annual_margin, retention, months: int = MAX_MONTHS, first_30_days_margin=None):
    """Undiscounted margin per month of a new customer's life (expected, from month 1).

    Returns an array of shape ``(..., months)``; see the module docstring for
    the within-year timing.
    """
    m = np.atleast_1d(np.asarray(annual_margin, dtype=float))[..., None]
    r = np.atleast_1d(np.asarray(retention, dtype=float))[..., None]
    k = np.arange(months)
    year = k // 12
    out = np.broadcast_to(m * r ** year / 12.0, np.broadcast_shapes(m.shape, r.shape, k.shape)).copy()
    if first_30_days_margin is not None and months > 0:
        f30 = np.minimum(np.atleast_1d(np.asarray(first_30_days_margin, float)), m[..., 0])
        out[..., 0] = f30
        out[..., 1:min(12, months)] = ((m[..., 0] - f30) / 11.0)[..., None]
    return out


def margin_within(margins: np.ndarray, months: float) -> np.ndarray:
    """Cumulative margin by month ``months`` (fractional months interpolated linearly)."""
    cum = np.concatenate([np.zeros(margins.shape[:-1] + (1,)), np.cumsum(margins, axis=-1)], axis=-1)
    t = float(np.clip(months, 0, cum.shape[-1] - 1))
    lo = int(np.floor(t))
    hi = min(lo + 1, cum.shape[-1] - 1)
    return cum[..., lo] + (t - lo) * (cum[..., hi] - cum[..., lo])


def payback_months(cac, margins: np.ndarray) -> np.ndarray:
    """First (fractional) month at which cumulative margin covers CAC; inf if never.

    Examples
    --------
    CAC 60 with 10 a month pays back in 6 months:

    >>> float(payback_months(60.0, np.full((1, 24), 10.0))[0])
    6.0
    """
    cac = np.atleast_1d(np.asarray(cac, dtype=float))
    cum = np.concatenate([np.zeros(margins.shape[:-1] + (1,)), np.cumsum(margins, axis=-1)], axis=-1)
    cum = np.broadcast_to(cum, (max(len(cac), cum.shape[0]), cum.shape[-1]))
    cac = np.broadcast_to(cac, (cum.shape[0],))
    out = np.full(cum.shape[0], np.inf)
    reached = cum >= cac[:, None]
    any_hit = reached.any(axis=1)
    idx = reached.argmax(axis=1)
    for i in np.flatnonzero(any_hit):
        j = idx[i]
        if j == 0:
            out[i] = 0.0
        else:
            lo, hi = cum[i, j - 1], cum[i, j]
            out[i] = j - 1 + (cac[i] - lo) / (hi - lo)
    return out


def new_customers_needed(customers_now: float, customers_target: float, months: int, retention=1.0) -> np.ndarray:
    """Extra customers to acquire to move the customer count from now to target in ``months``.

    The count ramps linearly to the target; each month ``1 - r^(1/12)`` of the
    *extra* customers lapse and must be replaced too (the existing base is
    assumed replaced by today's acquisition). With ``retention = 1`` this is
    just the gap.
    """
    if months < 1:
        raise InputError.at(None, "months", months, "at least one month to the deadline")
    r = np.asarray(retention, dtype=float)
    gap = max(float(customers_target) - float(customers_now), 0.0)
    lapse = 1 - r ** (1 / 12)
    ramp = gap * np.arange(1, months + 1) / months
    out = gap + lapse * ramp.sum()
    return float(out) if np.ndim(out) == 0 else out


def _field(spec, name):
    return spec.get(name) if isinstance(spec, Mapping) else getattr(spec, name, None)


def sample_unit_economics(economics, n: int = 10_000, seed: int = 0) -> dict[str, np.ndarray]:
    """Draw the unit-economics inputs of an ``EconomicsSpec`` (or mapping) ``n`` times.

    Returns draws of ``cac``, ``gross_margin``, ``annual_margin``,
    ``first_30_days_margin`` (or absent), ``retention`` and ``discount_rate``.
    """
    rng = rng_for(seed, "unit_economics")

    def draw(name, bounded=False):
        v = _field(economics, name)
        return None if v is None else sample(v, n, rng, bounded=bounded)

    gm = draw("gross_margin", True)
    if gm is None:
        raise InputError.at(None, "economics.gross_margin", None, "a gross margin share (e.g. 0.4)")
    online, offline, blended = draw("cac_online"), draw("cac_offline"), draw("cac")
    cac = blended_cac(online, offline, draw("online_share", True), draw("referral_share", True) if
                      _field(economics, "referral_share") is not None else 0.0, blended)
    first_year = draw("spend_first_year")
    if first_year is None:
        check, ppy = draw("avg_check"), draw("purchases_per_year")
        if check is None or ppy is None:
            raise InputError.at(None, "economics", "no annual spend",
                                "spend_first_year, or avg_check and purchases_per_year")
        first_year = check * ppy
    retention = draw("retention", True)
    if retention is None:
        life = draw("lifetime_years")
        if life is None:
            log.warning("no retention or lifetime_years given: CLV counts the first year only")
            retention = np.zeros(n)
        else:
            retention = np.clip(1 - 1 / np.maximum(life, 1.0), 0, 1)
    d = _field(economics, "discount_rate")
    s30 = draw("spend_first_30_days")
    out = {"cac": np.broadcast_to(cac, (n,)).astype(float), "gross_margin": gm, "annual_margin": first_year * gm,
           "retention": retention, "discount_rate": np.full(n, 0.10 if d is None else float(d))}
    if s30 is not None:
        out["first_30_days_margin"] = s30 * gm
    return out


@dataclass(frozen=True)
class Expediency:
    """Whether acquiring the customers a goal needs pays, as P10/P50/P90 numbers.

    ``quantiles`` maps a quantity (``cac``, ``margin_within_horizon``, ``clv``,
    ``clv_to_cac``, ``payback_months`` and, for a goal, ``new_customers``,
    ``marketing_spend``, ``return_by_deadline``, ``net_by_deadline``) to its
    ``p10``/``p50``/``p90``.
    """

    verdict: str
    reason: str
    horizon_months: int
    p_payback_within_horizon: float
    quantiles: dict[str, dict[str, float]]
    currency: str = "EUR"
    thresholds: dict[str, float] = field(default_factory=lambda: {"expedient_ratio": EXPEDIENT_RATIO,
                                                                   "payback_confidence": PAYBACK_CONFIDENCE})
    samples: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    def to_dict(self) -> dict:
        return {"verdict": self.verdict, "reason": self.reason, "horizon_months": self.horizon_months,
                "p_payback_within_horizon": self.p_payback_within_horizon, "currency": self.currency,
                "thresholds": dict(self.thresholds), "quantiles": {k: dict(v) for k, v in self.quantiles.items()}}

    def to_frame(self) -> pd.DataFrame:
        frame = pd.DataFrame(self.quantiles).T[list(Q)]
        frame.index.name = "quantity"
        return frame


def _quantiles(a: np.ndarray) -> dict[str, float]:
    method = "nearest" if np.isinf(a).any() else "linear"  # inf (never pays back) must stay inf
    return {k: float(np.quantile(a, p, method=method)) for k, p in Q.items()}


def assess_expediency(economics, *, new_customers=None, months_to_deadline: int | None = None,
                      horizon_months: int | None = None, currency: str = "EUR", n: int = 10_000, seed: int = 0,
                      expedient_ratio: float = EXPEDIENT_RATIO,
                      payback_confidence: float = PAYBACK_CONFIDENCE) -> Expediency:
    """Expediency verdict for acquiring customers (and, optionally, a goal's new customers).

    Parameters
    ----------
    economics : EconomicsSpec or mapping
        Unit-economics inputs as ranges (see :func:`sample_unit_economics`).
    new_customers : float, array or Range, optional
        Customers the goal requires acquiring (e.g. :func:`new_customers_needed`);
        adds the marketing spend (new customers x CAC) and its margin return by
        the deadline, acquisitions spread evenly over ``months_to_deadline``.
    months_to_deadline : int, optional
        Months from now to the goal's deadline (default: the horizon).
    horizon_months : int, optional
        Payback horizon; default ``economics.horizon_months`` or 12.

    Returns
    -------
    Expediency
        Verdict by the thresholds of the module docstring, a one-sentence reason
        and P10/P50/P90 of every number.
    """
    horizon = int(horizon_months or _field(economics, "horizon_months") or 12)
    u = sample_unit_economics(economics, n, seed)
    margins = monthly_margins(u["annual_margin"], u["retention"], MAX_MONTHS, u.get("first_30_days_margin"))
    clv = clv_geometric(u["annual_margin"], u["retention"], u["discount_rate"])
    cac = u["cac"]
    within = margin_within(margins, horizon)
    with np.errstate(divide="ignore"):
        ratio = np.where(cac > 0, clv / np.where(cac > 0, cac, 1), np.inf)
    payback = payback_months(cac, margins)
    p_pay = float(np.mean(within >= cac))
    samples = {"cac": cac, "margin_within_horizon": within, "clv": clv, "clv_to_cac": ratio, "payback_months": payback}
    if new_customers is not None:
        months = int(months_to_deadline or horizon)
        nc = (sample(new_customers, n, rng_for(seed, "new_customers")) if isinstance(new_customers, (Range, Mapping))
              else np.broadcast_to(np.asarray(new_customers, dtype=float), (n,)))
        cohort_return = np.mean([margin_within(margins, months - k) for k in range(months)], axis=0)
        samples |= {"new_customers": nc, "marketing_spend": nc * cac, "return_by_deadline": nc * cohort_return,
                    "net_by_deadline": nc * (cohort_return - cac)}
    quant = {k: _quantiles(v) for k, v in samples.items()}
    med_ratio = quant["clv_to_cac"]["p50"]
    if p_pay >= payback_confidence or med_ratio >= expedient_ratio:
        verdict = "expedient"
    elif med_ratio >= 1:
        verdict = "marginal"
    else:
        verdict = "not_expedient"
    reason = (f"each new customer costs {quant['cac']['p50']:,.0f} {currency} and returns "
              f"{quant['margin_within_horizon']['p50']:,.0f} {currency} of margin within the {horizon}-month "
              f"horizon (CLV/CAC {med_ratio:.1f}, P(payback within horizon) {p_pay:.0%})")
    log.info("expediency: %s; %s", verdict, reason)
    return Expediency(verdict, reason, horizon, p_pay, quant, currency,
                      {"expedient_ratio": expedient_ratio, "payback_confidence": payback_confidence}, samples)


def median_retention(economics) -> float:
    """The median of the annual retention :func:`sample_unit_economics` draws.

    ``retention`` (a share, so of its bounded distribution), else ``1 - 1 /
    lifetime_years`` at the lifetime's median (the map is monotone, so medians
    carry over), else 0.
    """
    retention, life = _field(economics, "retention"), _field(economics, "lifetime_years")
    if retention is not None:
        return as_range(retention).quantile(0.5, bounded=True)
    if life is not None:
        return 1 - 1 / max(as_range(life).median, 1.0)
    return 0.0


def goal_expediency(spec, goal, scenario: pd.Series | Mapping, *, n: int = 10_000, seed: int = 0) -> Expediency:
    """Expediency of a goal: the new customers a lever scenario needs, their cost and return.

    Builder over :func:`new_customers_needed` and :func:`assess_expediency`: the
    customer count moves from the last month's level to ``scenario["customers"]``
    by the goal's deadline, with the median retention of ``spec.economics``.
    """
    econ = spec.economics
    months = (pd.Period(goal.deadline, freq="M") - pd.Period(spec.client.as_of, freq="M")).n
    now = float(decompose_levers(spec.kpis)["customers"].iloc[-1])
    new = new_customers_needed(now, float(scenario["customers"]), months, median_retention(econ))
    return assess_expediency(econ, new_customers=new, months_to_deadline=months, currency=spec.client.currency,
                             n=n, seed=seed)
