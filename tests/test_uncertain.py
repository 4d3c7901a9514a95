"""Ranges are 90% intervals: their draws put 5% below low and 5% above high."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from toolkit.priors import Range, sample

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
