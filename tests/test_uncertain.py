"""Ranges are 90% intervals with one distribution each: draws, quantiles, medians and the tornado agree."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import ValidationError
from scipy import special, stats

from toolkit.capacity import top_down
from toolkit.priors import Z90, Range, sample
from toolkit.priors.ranges import DISTRIBUTIONS

N = 200_000


@pytest.mark.parametrize("low, high, bounded", [(10, 30, False), (1_000, 1_000_000, False), (0.1, 0.3, True), (0.01, 0.9, True)])
def test_ninety_percent_interval_quantiles(low, high, bounded):
    draws = sample({"low": low, "high": high}, N, np.random.default_rng(3), bounded=bounded)
    q05, q95 = np.quantile(draws, [0.05, 0.95])
    # Monte Carlo error of a 5% quantile at N=200k is well under 1% of the range.
    assert q05 == pytest.approx(low, rel=0.02)
    assert q95 == pytest.approx(high, rel=0.02)


def test_lognormal_median_is_geometric_mean():
    draws = sample({"low": 10, "high": 40}, N, np.random.default_rng(1))
    assert np.median(draws) == pytest.approx(20.0, rel=0.01)


def test_shares_stay_within_unit_interval():
    draws = sample({"low": 0.0, "high": 1.0}, 10_000, np.random.default_rng(0), bounded=True)
    assert draws.min() >= 0 and draws.max() <= 1


def test_exact_values_and_bare_numbers():
    assert np.all(sample(5, 10, np.random.default_rng(0)) == 5)
    assert np.all(sample({"value": 2.5}, 3, np.random.default_rng(0)) == 2.5)
    assert np.all(sample({"low": 4, "high": 4}, 3, np.random.default_rng(0)) == 4)


def test_same_seed_same_draws():
    a = sample({"low": 1, "high": 9}, 100, np.random.default_rng(42))
    b = sample({"low": 1, "high": 9}, 100, np.random.default_rng(42))
    c = sample({"low": 1, "high": 9}, 100, np.random.default_rng(43))
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_pert_stays_in_bounds_with_mode():
    draws = sample({"low": 2, "high": 10, "mode": 4, "dist": "pert"}, 50_000, np.random.default_rng(0))
    assert draws.min() >= 2 and draws.max() <= 10
    assert np.mean(draws) == pytest.approx((2 + 4 * 4 + 10) / 6, rel=0.01)


@pytest.mark.parametrize("bad", [{"low": 5, "high": 1}, {"low": -1, "high": 1}, {"low": 1}, {"value": 1, "low": 0, "high": 2},
                                 {"low": 1, "high": float("inf")}, {"low": 1, "high": 2, "extra": 3}])
def test_invalid_ranges_rejected(bad):
    with pytest.raises(ValidationError):
        Range.model_validate(bad)


def test_label():
    assert Range(low=1000, high=25000).label() == "1,000 – 2.5e+04" or "1,000" in Range(low=1000, high=25000).label()


# --------------------------------------------------------------------------- one distribution per range

#: Every form a range can take, as (range, bounded): each dist by name, for a quantity and for a share, and the defaults.
FORMS = [
    (Range(low=10, high=40), False),                                  # default lognormal
    (Range(low=0, high=40), False),                                   # default uniform (from 0)
    (Range(low=0.1, high=0.3), True),                                 # default logit-normal (a share)
    (Range(low=0.0, high=0.3), True),                                 # default uniform (a share touching 0)
    (Range(low=3, high=100, dist="lognormal"), False),
    (Range(low=0.2, high=0.6, dist="logitnormal"), False),
    (Range(low=0.02, high=0.9, dist="logitnormal"), True),
    (Range(low=1, high=100, dist="normal"), False),                   # truncated at 0 (the issue's example)
    (Range(low=0.6, high=0.99, dist="normal"), True),                 # truncated to [0, 1]
    (Range(low=5, high=9, dist="uniform"), False),
    (Range(low=2, high=10, mode=4, dist="pert"), False),
    (Range(low=0.1, high=0.5, mode=0.15, dist="pert"), True),
]
FORM_IDS = [f"{r.dist or 'default'}-{r.low}-{r.high}{'-share' if b else ''}" for r, b in FORMS]


def mc_tolerance(dist, q: float, n: int) -> float:
    """Four standard errors of a sample quantile: sqrt(q (1 - q) / n) / density at the quantile."""
    return 4 * np.sqrt(q * (1 - q) / n) / dist.pdf(dist.ppf(q))


def test_every_dist_name_is_covered():
    assert {r.dist for r, _ in FORMS} - {None} == set(DISTRIBUTIONS)


@pytest.mark.parametrize("r, bounded", FORMS, ids=FORM_IDS)
def test_quantiles_are_those_of_the_draws(r, bounded):
    dist = r.distribution(bounded=bounded)
    draws = sample(r, N, np.random.default_rng(5), bounded=bounded)
    for q in (0.05, 0.1, 0.5, 0.9, 0.95):
        assert abs(np.quantile(draws, q) - r.quantile(q, bounded=bounded)) <= mc_tolerance(dist, q, N), q
    if bounded:
        assert draws.min() >= 0 and draws.max() <= 1


@pytest.mark.parametrize("r, bounded", FORMS, ids=FORM_IDS)
def test_the_tornado_moves_each_driver_to_the_p10_and_p90_of_its_draws(r, bounded):
    """The tornado's low / high evaluate the model at the driver's P10 / P90; they are those of its draws."""
    n = 100_000
    slot = "segment_share" if bounded else "population"
    inputs = {"population": 1_000_000, "segment_share": 0.2, "purchases_per_year": 12, "avg_price": 10.0, slot: r}
    est = top_down(**inputs, reachable_share=0.5, n=n, seed=1)
    draws = est.drivers[slot]
    row = est.sensitivity("units", scale="linear").set_index("driver").loc[slot]
    # units are proportional to the driver, so the tornado's swing scales the base by quantile / median
    tol = {q: mc_tolerance(r.distribution(bounded=bounded), q, n) for q in (0.1, 0.9)}
    median = r.quantile(0.5, bounded=bounded)
    assert abs(np.quantile(draws, 0.1) - row["low"] / row["base"] * median) <= tol[0.1]
    assert abs(np.quantile(draws, 0.9) - row["high"] / row["base"] * median) <= tol[0.9]


def test_the_issue_example_normal_one_to_hundred():
    r = Range(low=1, high=100, dist="normal")
    draws = sample(r, N, np.random.default_rng(0))
    # Before, the tornado clipped an untruncated normal (P10 11.9) while the draws were truncated (P10 18.3).
    assert r.quantile(0.1) == pytest.approx(np.quantile(draws, 0.1), abs=0.3)
    assert r.quantile(0.1) > 18


@pytest.mark.parametrize("r, expected", [
    (Range(low=10, high=40), 20.0),                                   # lognormal: the geometric mean
    (Range(low=3, high=100), math.sqrt(300)),
    (Range(low=0, high=40), 20.0),                                    # uniform: the midpoint
    (Range(low=5, high=9, dist="uniform"), 7.0),
    (Range(low=0.2, high=0.6, dist="logitnormal"), float(special.expit((special.logit(0.2) + special.logit(0.6)) / 2))),
    # truncated at 0: median = mu + sigma * Phi^-1((Phi(-mu / sigma) + 1) / 2), mu = 2, sigma = 1 / z_0.95
    (Range(low=1, high=3, dist="normal"), 2 + float(stats.norm.ppf((stats.norm.cdf(-2 * Z90) + 1) / 2)) / Z90),
    (Range(low=2, high=10, mode=4, dist="pert"), 2 + 8 * float(stats.beta.median(2, 4))),
    (Range(value=7.5), 7.5),
    (Range(low=4, high=4), 4.0),
])
def test_median_is_exact(r, expected):
    assert r.median == pytest.approx(expected, rel=1e-9)


def test_a_share_median_is_that_of_its_bounded_form():
    r = Range(low=0.6, high=0.8)
    assert r.quantile(0.5, bounded=True) == pytest.approx(float(special.expit((special.logit(0.6) + special.logit(0.8)) / 2)))
    assert r.median == pytest.approx(math.sqrt(0.6 * 0.8))  # unbounded: lognormal


def test_exact_draws_leave_the_generator_alone():
    rng = np.random.default_rng(0)
    sample(5, 10, rng)
    assert rng.random() == np.random.default_rng(0).random()


@pytest.mark.parametrize("bad", [{"low": 0, "high": 5, "dist": "lognormal"}, {"low": 0.5, "high": 2, "dist": "logitnormal"},
                                 {"low": 0, "high": 0.5, "dist": "logitnormal"}])
def test_forms_that_cannot_hold_the_interval_are_rejected(bad):
    with pytest.raises(ValidationError, match="needs"):
        Range.model_validate(bad)
