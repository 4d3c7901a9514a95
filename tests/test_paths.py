"""Tests of toolkit.engine.paths against known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from toolkit.engine import PathEnsemble, forecast_table, saturate, simulate_paths
from toolkit.engine.members import seasonal_test
from toolkit.errors import InputError


def monthly(values, start="2020-01") -> pd.Series:
    return pd.Series(np.asarray(values, dtype=float), index=pd.period_range(start, periods=len(values), freq="M"))


def trending(n: int, seed: int, growth=0.01, noise=0.05, amplitude=0.0) -> pd.Series:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    season = 1 + amplitude * np.sin(2 * np.pi * t / 12)
    return monthly(100 * np.exp(growth * t + rng.normal(0, noise, n)) * season)


def test_flat_gaussian_series_gives_analytic_probability():
    # Averaged over 20 histories so the level-estimation error of each fit
    # averages out; what remains is the predictive spread (a few % wider than
    # the true noise because level and parameters are estimated).
    targets = np.array([940.0, 970.0, 1000.0, 1030.0, 1060.0])
    probs = []
    for seed in range(20):
        rng = np.random.default_rng(seed + 100)
        paths = simulate_paths(monthly(1000 + 30 * rng.standard_normal(120)), 3, seed=seed)
        probs.append([(paths.values[:, 2] >= t).mean() for t in targets])
    analytic = 1 - norm.cdf((targets - 1000) / 30)
    np.testing.assert_allclose(np.mean(probs, axis=0), analytic, atol=0.04)


def test_paths_shape_dates_and_history_index():
    hist = pd.Series(np.linspace(50, 80, 30), index=pd.date_range("2023-01-31", periods=30, freq="ME"))
    paths = simulate_paths(hist, 12, n_paths=500)
    assert isinstance(paths, PathEnsemble)
    assert paths.values.shape == (500, 12)
    assert paths.dates[0] == pd.Period("2025-07", "M") and len(paths.dates) == 12
    assert isinstance(paths.history.index, pd.PeriodIndex)
    assert paths.ceiling is None and paths.model


def test_positive_and_trend_followed():
    paths = simulate_paths(trending(60, 1, growth=0.02, noise=0.02), 12)
    assert (paths.values > 0).all()
    med = np.median(paths.values, axis=0)
    last = paths.history.iloc[-1]
    assert med[-1] > 1.1 * last  # 2%/month growth is not ignored


def test_no_path_exceeds_its_ceiling_even_with_strong_seasonality():
    hist = trending(48, 2, growth=0.02, noise=0.05, amplitude=0.6)
    ceiling = np.random.default_rng(0).uniform(150, 400, 300)
    paths = simulate_paths(hist, 36, ceiling=ceiling)
    assert paths.ceiling.shape == (2000,)
    assert np.isin(paths.ceiling, ceiling).all()
    assert (paths.values < paths.ceiling[:, None]).all()
    # ...and the ceiling really binds: some paths get close to it.
    assert (paths.values / paths.ceiling[:, None]).max() > 0.9


def test_scalar_ceiling_binds_and_leaves_low_values_alone():
    hist = trending(48, 3, growth=0.0, noise=0.05)
    free = simulate_paths(hist, 12, seed=4)
    capped = simulate_paths(hist, 12, seed=4, ceiling=1e6)
    np.testing.assert_allclose(free.values, capped.values, rtol=1e-9)
    low = simulate_paths(hist, 12, seed=4, ceiling=90.0)
    assert (low.values < 90.0).all()


@settings(max_examples=200, deadline=None)
@given(
    v=st.floats(min_value=0, max_value=1e12, allow_nan=False),
    c=st.floats(min_value=1e-3, max_value=1e9, allow_nan=False),
)
def test_saturate_is_strictly_below_ceiling(v, c):
    out = saturate(np.array([v]), np.array([c]))[0]
    assert 0 <= out < c
    if v < c / 2:
        assert out == pytest.approx(v, rel=3e-3)


def test_saturate_is_monotone():
    v = np.linspace(0, 500, 2001)
    out = saturate(v, np.full_like(v, 100.0))
    assert (np.diff(out) >= 0).all()


def test_same_seed_same_paths_different_seed_different():
    hist = trending(40, 5, amplitude=0.2)
    a = simulate_paths(hist, 24, seed=7, ceiling=[200, 300, 400])
    b = simulate_paths(hist, 24, seed=7, ceiling=[200, 300, 400])
    c = simulate_paths(hist, 24, seed=8, ceiling=[200, 300, 400])
    np.testing.assert_array_equal(a.values, b.values)
    np.testing.assert_array_equal(a.ceiling, b.ceiling)
    assert not np.array_equal(a.values, c.values)


def test_short_history_works_and_is_wider_than_long():
    ratios = []
    for seed in range(5):
        full = trending(120, seed)
        width = []
        for n in (14, 120):
            q = simulate_paths(full.iloc[-n:], 12, seed=seed).quantiles()
            width.append(((q[0.9] - q[0.1]) / q[0.5]).iloc[-1])
        ratios.append(width[0] / width[1])
    assert np.mean(ratios) > 1.15


def test_history_seasonality_is_used():
    hist = trending(60, 6, growth=0.0, noise=0.03, amplitude=0.4)
    paths = simulate_paths(hist, 12)
    assert "seasonal(history)" in paths.model
    med = paths.quantiles([0.5])[0.5]
    # Peak (sin max) in month index 3 of each year = April; trough in October.
    assert med[pd.Period("2025-04", "M")] > 1.8 * med[pd.Period("2025-10", "M")]


def test_trends_index_shapes_a_short_history():
    index = np.ones(12)
    index[11] = 2.0  # December doubles
    index /= index.mean()
    hist = monthly(np.full(14, 100.0) * np.exp(np.random.default_rng(1).normal(0, 0.02, 14)), start="2024-01")
    hist = hist * index[np.asarray(hist.index.month) - 1]
    paths = simulate_paths(hist, 12, seasonal_index=index)
    assert "seasonal(index)" in paths.model
    med = paths.quantiles([0.5])[0.5]
    assert med[pd.Period("2025-12", "M")] / med[pd.Period("2025-09", "M")] == pytest.approx(2.0, rel=0.1)


def test_recent_jump_moves_the_level():
    values = np.r_[np.full(30, 100.0), np.full(6, 200.0)] * np.exp(np.random.default_rng(3).normal(0, 0.02, 36))
    paths = simulate_paths(monthly(values), 6)
    assert np.median(paths.values[:, 0]) > 170
    # The jump is one event, not a monthly habit: it must not recur as a
    # resampled shock that doubles a large share of paths again.
    p50, p95 = np.quantile(paths.values[:, 2], [0.5, 0.95])
    assert p95 / p50 < 1.65


def test_zeros_are_allowed():
    values = np.r_[0, 0, np.arange(1, 21)]
    paths = simulate_paths(monthly(values), 6)
    assert (paths.values >= 0).all() and np.isfinite(paths.values).all()


def test_forecast_table_and_quantiles():
    paths = simulate_paths(trending(36, 8), 6)
    table = forecast_table(paths)
    assert list(table.columns) == ["P5", "P10", "P50", "P90", "P95"]
    assert table.index.equals(paths.dates)
    assert (np.diff(table.to_numpy(), axis=1) >= 0).all()
    q = paths.quantiles((0.25, 0.75))
    np.testing.assert_allclose(q[0.25], np.quantile(paths.values, 0.25, axis=0))
    assert paths.to_frame().shape == (6, 2000)


def test_seasonal_test_detects_and_rejects():
    t = np.arange(72)
    rng = np.random.default_rng(0)
    assert seasonal_test(np.sin(2 * np.pi * t / 12) + rng.normal(0, 0.3, 72))
    assert not seasonal_test(rng.normal(0, 1, 72))


@pytest.mark.parametrize(
    "history, match",
    [
        (monthly([1, 2, 3, 4, 5]), "at least 6"),
        (monthly([1, 2, np.nan, 4, 5, 6, 7, 8]), "NaN"),
        (monthly([1, 2, -3, 4, 5, 6, 7, 8]), "negative"),
        (monthly([0, 0, 0, 0, 1, 2, 3, 4]), "at least 6"),
        (pd.Series([1.0] * 10), "DatetimeIndex or PeriodIndex"),
        ([1, 2, 3, 4, 5, 6], "pandas Series"),
        (pd.Series([1.0] * 8, index=pd.PeriodIndex(["2020-01"] * 4 + ["2020-02"] * 4, freq="M")), "duplicate"),
        (pd.Series([1.0] * 8, index=pd.period_range("2020-01", periods=8, freq="2M")), "gaps"),
    ],
)
def test_bad_history_raises_input_error(history, match):
    with pytest.raises(InputError, match=match):
        simulate_paths(history, 6)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"horizon": 0}, "horizon"),
        ({"horizon": 2.5}, "horizon"),
        ({"horizon": 6, "n_paths": 0}, "n_paths"),
        ({"horizon": 6, "ceiling": -5}, "ceiling"),
        ({"horizon": 6, "ceiling": [100, np.nan]}, "ceiling"),
        ({"horizon": 6, "ceiling": "lots"}, "ceiling"),
        ({"horizon": 6, "ceiling": [[100, 200]]}, "ceiling"),
        ({"horizon": 6, "seasonal_index": np.ones(11)}, "seasonal_index"),
        ({"horizon": 6, "seasonal_index": -np.ones(12)}, "seasonal_index"),
    ],
)
def test_bad_arguments_raise_input_error(kwargs, match):
    with pytest.raises(InputError, match=match):
        simulate_paths(trending(24, 0), **kwargs)


def test_growth_curve_bends_toward_a_known_ceiling():
    k, t = 1000.0, np.arange(60)
    truth = k / (1 + np.exp(-0.08 * (t - 40)))
    hist = monthly(truth[:42] * np.exp(np.random.default_rng(0).normal(0, 0.03, 42)))
    free = np.median(simulate_paths(hist, 18).values[:, -1])
    paths = simulate_paths(hist, 18, ceiling=np.random.default_rng(1).uniform(900, 1100, 500))
    bent = np.median(paths.values[:, -1])
    assert "logistic" in paths.model
    assert bent == pytest.approx(truth[59], rel=0.1)
    assert abs(bent - truth[59]) < 0.5 * abs(free - truth[59])
