"""Reverse funnel: known answers, monotonicity, lag shifting, bad inputs, pipeline view."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.economics.funnel import (
    funnel_schedule,
    pipeline_view,
    required_volumes,
    required_volumes_distribution,
    stage_start_months,
    stages_from_spec,
    top_of_funnel_check,
)
from toolkit.errors import InputError
from toolkit.spec import FunnelStage


def test_two_stage_funnel_known_answer():
    out = required_volumes(100, [("visits", 0.2), ("leads", 0.25)])
    assert out == pytest.approx({"visits": 2000.0, "leads": 400.0})
    assert list(out) == ["visits", "leads"]


def test_single_stage_and_rate_one():
    assert required_volumes(50, [("calls", 1.0)]) == {"calls": 50.0}
    assert required_volumes(0, [("calls", 0.5)]) == {"calls": 0.0}


def test_accepts_exact_funnel_stage_objects():
    stages = [FunnelStage(name="visits", conversion=0.2), FunnelStage(name="leads", conversion={"value": 0.25})]
    assert required_volumes(100, stages) == pytest.approx({"visits": 2000.0, "leads": 400.0})


@pytest.mark.parametrize("rate", [0, 0.0, -0.1, 1.5, float("nan"), "abc"])
def test_bad_rate_names_the_stage(rate):
    with pytest.raises(InputError, match="leads"):
        required_volumes(100, [("visits", 0.2), ("leads", rate)])


def test_bad_target_and_empty_stages():
    with pytest.raises(InputError, match="target_per_month"):
        required_volumes(-1, [("a", 0.5)])
    with pytest.raises(InputError, match="stages"):
        required_volumes(10, [])
    with pytest.raises(InputError, match="unique"):
        required_volumes(10, [("a", 0.5), ("a", 0.5)])


def test_range_rate_needs_distribution_version():
    with pytest.raises(InputError, match="required_volumes_distribution"):
        required_volumes(10, [("visits", {"low": 0.1, "high": 0.2})])


rates = st.floats(min_value=0.001, max_value=1.0, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(rates, min_size=1, max_size=5), st.integers(0, 4), st.floats(1.0001, 5.0),
       st.floats(0.1, 1e5))
def test_volumes_fall_as_conversion_rises(rs, which, factor, target):
    which = which % len(rs)
    stages = [(f"s{i}", r) for i, r in enumerate(rs)]
    better = list(stages)
    better[which] = (f"s{which}", min(1.0, rs[which] * factor))
    before, after = required_volumes(target, stages), required_volumes(target, better)
    for name in before:
        assert after[name] <= before[name] * (1 + 1e-12)
    # stages above the improved one strictly need less when the rate really rose: by more than
    # rounding (0.9999999999999999 capped to 1.0 rose, yet divides the target to the same float)
    if better[which][1] > rs[which] * (1 + 1e-12):
        for i in range(which + 1):
            assert after[f"s{i}"] < before[f"s{i}"]


@settings(max_examples=100, deadline=None)
@given(st.lists(rates, min_size=1, max_size=5), st.floats(0.1, 1e5))
def test_volumes_grow_up_the_funnel(rs, target):
    vols = list(required_volumes(target, [(f"s{i}", r) for i, r in enumerate(rs)]).values())
    assert all(a >= b * (1 - 1e-12) for a, b in zip(vols, vols[1:]))
    assert vols[-1] == pytest.approx(target / rs[-1])


def test_distribution_quantiles_bracket_point_estimate():
    dist = required_volumes_distribution(100, [("visits", {"low": 0.15, "high": 0.25}), ("leads", 0.25)], n=20_000)
    assert list(dist.index) == ["visits", "leads"]
    assert dist.loc["leads", "p50"] == pytest.approx(400)
    assert dist.loc["visits", "p10"] < 2000 < dist.loc["visits", "p90"]
    assert dist.loc["visits", "p10"] > 100 / 0.25 / 0.25 * 0.9  # bounded by the 0.25 upper-ish rate


def test_distribution_rejects_zero_rate():
    with pytest.raises(InputError, match="visits"):
        required_volumes_distribution(100, [("visits", {"low": 0, "high": 0.2})])


def test_sixty_day_cycle_moves_june_leads_to_april():
    target = pd.Series([100.0], index=pd.PeriodIndex(["2027-06"], freq="M"))
    sched = funnel_schedule(target, [("leads", 0.25)], cycle_days=60)
    assert sched.loc[pd.Period("2027-04", "M"), "leads"] == pytest.approx(400)
    assert sched.loc[pd.Period("2027-06", "M"), "leads"] == 0
    assert sched.loc[pd.Period("2027-06", "M"), "sales"] == 100
    assert stage_start_months(sched)["leads"] == pd.Period("2027-04", "M")
    assert sched.attrs["lag_months"] == {"leads": 2}


def test_schedule_per_stage_lag_and_short_cycle():
    target = pd.Series([100.0, 200.0], index=pd.PeriodIndex(["2027-05", "2027-06"], freq="M"))
    sched = funnel_schedule(target, [("visits", 0.2, 90), ("leads", 0.25)], cycle_days=30)
    assert sched.loc[pd.Period("2027-02", "M"), "visits"] == pytest.approx(2000)
    assert sched.loc[pd.Period("2027-03", "M"), "visits"] == pytest.approx(4000)
    assert sched.loc[pd.Period("2027-05", "M"), "leads"] == pytest.approx(800)
    same = funnel_schedule(target, [("visits", 0.2)], cycle_days=7)
    assert same.loc[pd.Period("2027-06", "M"), "visits"] == pytest.approx(1000)


def test_schedule_bad_cycle():
    target = pd.Series([1.0], index=pd.PeriodIndex(["2027-06"], freq="M"))
    with pytest.raises(InputError, match="cycle_days"):
        funnel_schedule(target, [("leads", 0.5)], cycle_days=-1)


def test_top_of_funnel_against_ceiling():
    stages = [("visits", {"low": 0.18, "high": 0.22}), ("leads", 0.25)]
    low = top_of_funnel_check(100, stages, {"low": 500, "high": 800})
    high = top_of_funnel_check(100, stages, {"low": 20_000, "high": 40_000})
    assert low.stage == "visits" and low.p_exceeds_ceiling > 0.99 and "more than the ceiling" in low.note
    assert high.p_exceeds_ceiling < 0.01
    assert set(low.to_dict()) >= {"required", "ceiling", "p_exceeds_ceiling"}


def test_pipeline_view_example_person():
    view = pipeline_view({"Ana": [6, 15, 12]}, {"Ana": [0.2, 0.4, 0.4]})
    assert list(view["deals"]) == [6, 15, 12]
    assert view["deal_share"].sum() == pytest.approx(1)
    assert view["deal_share"].iloc[0] == pytest.approx(6 / 33)
    assert list(view["time_share"]) == [0.2, 0.4, 0.4]


def test_pipeline_flags_empty_top_and_bad_input():
    view = pipeline_view({"Bo": [0, 3, 1]})
    assert "prospect" in view["note"].iloc[0]
    assert np.isnan(view["time_share"]).all()
    with pytest.raises(InputError, match="Bo"):
        pipeline_view({"Bo": [1, 2]})
    with pytest.raises(InputError, match="time"):
        pipeline_view({"Bo": [1, 2, 3]}, {"Bo": [0.5, 0.5, 0.5]})


def test_stages_from_sample_client():
    from toolkit.spec import load_client
    spec = load_client("data/clients/acme-cases")
    stages = stages_from_spec(spec.funnel)
    assert stages[0][0] == "visits"
    dist = required_volumes_distribution(600, stages)
    assert dist.loc["visits", "p50"] > 600


def test_top_of_funnel_without_ceiling():
    check = top_of_funnel_check(100, [("visits", 0.2), ("leads", 0.25)], None)
    assert check.required["p50"] == pytest.approx(2000) and np.isnan(check.p_exceeds_ceiling)
    assert "no ceiling" in check.note


def test_ramp_targets_and_pipeline_from_spec():
    from toolkit.economics.funnel import pipeline_from_spec, ramp_targets
    from toolkit.spec import load_client
    ramp = ramp_targets(100, 200, "2026-10", "2027-02")
    assert list(ramp.index.astype(str)) == ["2026-11", "2026-12", "2027-01", "2027-02"]
    assert ramp.iloc[-1] == 200 and ramp.iloc[0] == pytest.approx(125)
    with pytest.raises(InputError, match="deadline"):
        ramp_targets(1, 2, "2027-01", "2026-12")
    view = pipeline_from_spec(load_client("data/clients/nordic-bikes").funnel)
    lars = view[view["person"] == "Lars"]
    assert list(lars["deals"]) == [6, 15, 12] and list(lars["time_share"]) == [0.2, 0.4, 0.4]


def test_schedule_takes_range_conversions_at_median():
    target = pd.Series([100.0], index=pd.PeriodIndex(["2027-06"], freq="M"))
    sched = funnel_schedule(target, [("leads", {"value": 0.25})], 60)
    assert sched.loc[pd.Period("2027-04", "M"), "leads"] == pytest.approx(400)
    sched = funnel_schedule(target, [("leads", {"low": 0.2, "high": 0.3})], 60)
    assert 300 < sched.loc[pd.Period("2027-04", "M"), "leads"] < 500
