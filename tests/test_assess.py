"""Tests of toolkit.engine.assess on hand-built ensembles with known answers."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from toolkit.engine import GoalAssessment, PathEnsemble, assess_goal, milestones, reach_dates, simulate_paths
from toolkit.errors import InputError

HISTORY = pd.Series([1.0] * 6, index=pd.period_range("2025-07", periods=6, freq="M"))


def ensemble(values, ceiling=None) -> PathEnsemble:
    values = np.asarray(values, dtype=float)
    dates = pd.period_range("2026-01", periods=values.shape[1], freq="M")
    ceil = None if ceiling is None else np.asarray(ceiling, dtype=float)
    return PathEnsemble(values, dates, HISTORY, ceil, "hand-built")


def ramps() -> PathEnsemble:
    # Path k, month m (0-based): 10 (m + 1) + k, for k = 0..9 and 6 months.
    k = np.arange(10)[:, None]
    m = np.arange(6)[None, :]
    return ensemble(10 * (m + 1) + k)


def test_reach_dates_on_deterministic_ensemble():
    r = reach_dates(ramps(), 35)
    # Paths 5..9 reach 35 in month index 2, paths 0..4 in month index 3.
    np.testing.assert_array_equal(r.first, [3, 3, 3, 3, 3, 2, 2, 2, 2, 2])
    assert r.p50 == pd.Period("2026-03", "M")  # 5th smallest of ten
    assert r.p80 == pd.Period("2026-04", "M")
    assert r.p_never == 0.0


def test_reach_dates_never_and_partly():
    r = reach_dates(ramps(), 66)  # only paths 6..9 reach 66 (in the last month)
    assert r.p_never == pytest.approx(0.6)
    assert r.p50 is None and r.p80 is None
    np.testing.assert_array_equal(r.first, [-1] * 6 + [5] * 4)


def test_cumulative_goal_on_hand_built_ensemble():
    # Path k sells k + 1 every month.
    paths = ensemble(np.tile(np.arange(1, 11)[:, None], (1, 6)))
    a = assess_goal(paths, 12, "2026-04", kind="cumulative")
    # After 4 months path k has 4 (k + 1) >= 12 iff k >= 2: 8 of 10 paths.
    assert a.probability == pytest.approx(0.8)
    assert a.verdict == "attainable"
    # Months to reach 12: k=0 never (needs 12), k=1 month 6, k=2 month 4, k=3,4 month 3, k>=5 month 2.
    r = reach_dates(paths, 12, kind="cumulative")
    np.testing.assert_array_equal(r.first, [-1, 5, 3, 2, 2, 1, 1, 1, 1, 1])
    assert a.reach_p50 == pd.Period("2026-02", "M")
    assert a.reach_p80 == pd.Period("2026-04", "M")
    assert a.p_never == pytest.approx(0.1)
    # Realistic max at 80% = P20 of cumulative totals 4, 8, ..., 40.
    assert a.realistic_max == pytest.approx(np.quantile(4 * np.arange(1, 11), 0.2))


def test_level_probability_and_verdict_thresholds():
    paths = ramps()
    # Deadline month index 3: values 40..49.
    assert assess_goal(paths, 42, "2026-04").probability == pytest.approx(0.8)
    assert assess_goal(paths, 42, "2026-04").verdict == "attainable"
    assert assess_goal(paths, 43, "2026-04").verdict == "stretch"  # 0.7
    assert assess_goal(paths, 48, "2026-04").verdict == "stretch"  # 0.2
    assert assess_goal(paths, 49, "2026-04").verdict == "unattainable"  # 0.1
    assert assess_goal(paths, 42, "2026-04", confidence=0.9).verdict == "stretch"


def test_realistic_max_is_the_lower_quantile():
    rng = np.random.default_rng(0)
    paths = ensemble(rng.lognormal(3, 0.5, size=(2000, 12)))
    for c in (0.5, 0.8, 0.95):
        a = assess_goal(paths, 1e6, "2026-09", confidence=c)
        assert a.realistic_max == pytest.approx(np.quantile(paths.values[:, 8], 1 - c))
        # by definition it is met with probability c
        assert (paths.values[:, 8] >= a.realistic_max).mean() >= c - 1e-9
    cum = assess_goal(paths, 1e6, "2026-06", kind="cumulative")
    assert cum.realistic_max == pytest.approx(np.quantile(paths.values[:, :6].sum(axis=1), 0.2))


def test_ceiling_below_target_is_beyond_capacity():
    paths = ensemble(np.full((10, 6), 50.0), ceiling=np.linspace(60, 100, 10))
    p90 = np.quantile(np.linspace(60, 100, 10), 0.9)
    assert assess_goal(paths, p90 + 1, "2026-03").verdict == "beyond_capacity"
    assert assess_goal(paths, p90 - 1, "2026-03").verdict == "unattainable"
    # cumulative: ceiling x months
    assert assess_goal(paths, 3 * p90 + 1, "2026-03", kind="cumulative").verdict == "beyond_capacity"
    assert assess_goal(paths, 3 * p90 - 1, "2026-03", kind="cumulative").verdict == "unattainable"


def test_beyond_capacity_end_to_end():
    hist = pd.Series(np.linspace(100, 150, 36), index=pd.period_range("2023-01", periods=36, freq="M"))
    ceiling = np.random.default_rng(1).uniform(160, 200, 500)
    paths = simulate_paths(hist, 24, ceiling=ceiling)
    a = assess_goal(paths, 250, "2026-12")
    assert a.verdict == "beyond_capacity"
    assert a.probability == 0.0 and a.p_never == 1.0
    assert a.realistic_max < 200
    assert a.max_reach_p80 is not None and a.max_reach_p80 <= pd.Period("2026-12", "M")


def test_unattainable_goal_gets_realistic_max_reach_and_milestones():
    rng = np.random.default_rng(2)
    paths = ensemble(100 + np.cumsum(rng.normal(1, 2, size=(2000, 12)), axis=1))
    a = assess_goal(paths, 200, "2026-12")
    assert a.verdict == "unattainable"
    assert a.max_reach_p50 is not None
    assert a.milestones["target"].iloc[-1] == pytest.approx(a.realistic_max)
    ok = assess_goal(paths, 105, "2026-12")
    assert ok.verdict == "attainable" and ok.max_reach_p50 is None
    assert ok.milestones["target"].iloc[-1] == pytest.approx(105)


def test_milestones_monthly_then_quarterly():
    rng = np.random.default_rng(3)
    paths = ensemble(100 + np.cumsum(rng.normal(1, 2, size=(1000, 24)), axis=1))
    short = milestones(paths, 103, "2026-05")
    assert list(short["month"].astype(str)) == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]
    long = milestones(paths, 110, "2027-02")
    assert list(long["month"].astype(str)) == ["2026-03", "2026-06", "2026-09", "2026-12", "2027-02"]
    assert long["target"].iloc[-1] == 110
    assert (long["low"] <= long["high"]).all()
    assert long["target"].iloc[:-1].is_monotonic_increasing  # paths drift up by 1 a month
    # Intermediate targets are the successful futures' lower band edge; the deadline row's band starts
    # at the goal.
    assert ((long["low"] <= long["target"]) & (long["target"] <= long["high"])).all()
    assert long["low"].iloc[-1] == 110


def test_cumulative_milestones_are_running_totals():
    paths = ensemble(np.tile(np.arange(1, 11)[:, None], (1, 6)))
    ms = milestones(paths, 12, "2026-04", kind="cumulative")
    assert ms["target"].iloc[-1] == 12
    # Successful paths (k >= 2) have running totals m (k + 1); P10-P90 over k = 2..9.
    q = np.quantile(np.arange(3, 11), [0.1, 0.9])
    np.testing.assert_allclose(ms[["low", "high"]].iloc[0], q)
    # The deadline row is the goal itself; its band starts at the goal.
    np.testing.assert_allclose(ms[["low", "high"]].iloc[-1], [12, 4 * q[1]])
    # Intermediate targets are the successful paths' P10: inside the band.
    assert ((ms["low"] <= ms["target"]) & (ms["target"] <= ms["high"])).all()


def test_milestone_targets_sit_inside_their_bands():
    rng = np.random.default_rng(5)
    for drift in (-1.0, 0.0, 1.0, 3.0):
        paths = ensemble(100 + np.cumsum(rng.normal(drift, 4, size=(800, 18)), axis=1))
        for kind, target in (("level", 105.0), ("level", 140.0), ("cumulative", 1900.0)):
            ms = milestones(paths, target, "2027-03", kind=kind)
            assert ((ms["low"] <= ms["target"] + 1e-9) & (ms["target"] <= ms["high"] + 1e-9)).all()
            assert ms["target"].iloc[-1] == target and ms["low"].iloc[-1] == target


def test_to_dict_is_json_ready():
    a = assess_goal(ramps(), 35, "2026-05")
    assert isinstance(a, GoalAssessment)
    d = json.loads(json.dumps(a.to_dict()))
    assert d["deadline"] == "2026-05" and d["reach_p50"] == "2026-03"
    assert d["verdict"] == "attainable" and d["probability"] == 1.0
    assert d["milestones"][0]["month"] == "2026-01"
    assert set(d) >= {"probability", "verdict", "realistic_max", "reach_p50", "reach_p80", "p_never",
                      "max_reach_p50", "max_reach_p80", "milestones", "target", "deadline", "kind", "confidence"}
    frame = a.to_frame()
    assert frame.shape[0] == 1 and frame["verdict"].iloc[0] == "attainable"


def test_same_seed_same_assessment():
    hist = pd.Series(np.linspace(100, 150, 24) * (1 + 0.1 * np.sin(np.arange(24))),
                     index=pd.period_range("2024-01", periods=24, freq="M"))
    a = assess_goal(simulate_paths(hist, 24, seed=3), 170, "2026-06").to_dict()
    b = assess_goal(simulate_paths(hist, 24, seed=3), 170, "2026-06").to_dict()
    assert a == b


@pytest.mark.parametrize(
    "args, kwargs, match",
    [
        ((35, "2026-07"), {}, "deadline"),  # beyond the 6-month horizon
        ((35, "2025-12"), {}, "deadline"),  # before the first future month
        ((35, "June"), {}, "deadline"),
        ((-1, "2026-03"), {}, "target"),
        ((float("nan"), "2026-03"), {}, "target"),
        ((35, "2026-03"), {"kind": "total"}, "kind"),
        ((35, "2026-03"), {"confidence": 1.0}, "confidence"),
    ],
)
def test_bad_inputs_raise_input_error(args, kwargs, match):
    with pytest.raises(InputError, match=match):
        assess_goal(ramps(), *args, **kwargs)
