"""Market capacity: known answers, closed forms, sensitivity, scenarios, errors and the JSON contract."""

import json
import logging
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.capacity import (
    CapacityEstimate,
    bottom_up,
    capacity_json,
    compare_scenarios,
    estimate_client,
    estimate_market,
    estimate_scenarios,
    search_demand,
    top_down,
)
from toolkit.errors import InputError
from toolkit.priors import Z90, Range, ctr_model
from toolkit.spec import MarketSpec, load_client

ROOT = Path(__file__).resolve().parents[1]
ACME = ROOT / "data/clients/acme-cases"
BIKES = ROOT / "data/clients/nordic-bikes"


def kw(rows):
    return pd.DataFrame(rows, columns=["keyword", "searches_low", "searches_high", "position"])


def lognormal(low, high, **extra):
    return Range(low=low, high=high, dist="lognormal", **extra)


def log_sigma(low, high):
    return (math.log(high) - math.log(low)) / (2 * Z90)


# --------------------------------------------------------------------------- exact inputs give exact products

def test_top_down_exact_inputs_give_the_exact_product():
    est = top_down(2_000_000, 0.05, 1.2, 20.0, reachable_share=0.1, n=500)
    units = 2_000_000 * 0.05 * 1.2 / 12
    assert np.all(est.units == pytest.approx(units))
    assert np.all(est.money == pytest.approx(units * 20))
    assert np.all(est.ceiling_units == pytest.approx(units * 0.1))
    assert np.all(est.ceiling_money == pytest.approx(units * 20 * 0.1))
    assert est.visits is None and est.leads is None
    assert est.summary().loc["capacity units"].tolist() == pytest.approx([units] * 3)


def test_bottom_up_exact_inputs_give_the_exact_product():
    est = bottom_up(4800, 1.0, 800, reachable_share=0.25, n=200)
    assert est.units == pytest.approx(np.full(200, 400.0))
    assert est.money == pytest.approx(np.full(200, 320_000.0))
    assert est.ceiling_units == pytest.approx(np.full(200, 100.0))


def test_search_demand_exact_inputs_give_the_exact_sum():
    table = kw([("a", 1000, 1000, np.nan), ("b", 400, 400, np.nan), ("c", 300, 300, 1.0)])
    est = search_demand(table, 3, 0.02, avg_check=20, reachable_share=0.5, ctr_curve="sistrix-2020", n=300)
    visits = 1400 * 0.110 + 300 * 0.285
    assert est.visits == pytest.approx(np.full(300, visits))
    assert est.units == pytest.approx(np.full(300, visits * 0.02))
    assert est.money == pytest.approx(np.full(300, visits * 0.02 * 20))
    assert est.leads is None
    assert est.ceiling_for("traffic") == pytest.approx(np.full(300, visits * 0.5))


def test_search_demand_with_leads_and_a_fractional_position():
    table = kw([("a", 1000, 1000, np.nan)])
    est = search_demand(table, 2.5, 0.10, lead_to_sale=0.3, avg_check=50, reachable_share=1.0,
                        ctr_curve="firstpagesage-2024", n=100)
    visits = 1000 * (0.187 + 0.102) / 2
    assert est.visits == pytest.approx(np.full(100, visits))
    assert est.leads == pytest.approx(np.full(100, visits * 0.1))
    assert est.units == pytest.approx(np.full(100, visits * 0.1 * 0.3))
    assert est.ceiling_for("leads") == pytest.approx(est.leads)
    assert est.ceiling_for("calls") == pytest.approx(est.leads)


@settings(max_examples=40, deadline=None)
@given(pop=st.floats(1, 1e9), share=st.floats(0.0, 1.0), ppy=st.floats(0.01, 50), price=st.floats(0.01, 1e5),
       reach=st.floats(0.0, 1.0))
def test_exact_top_down_is_the_product_for_any_inputs(pop, share, ppy, price, reach):
    est = top_down(pop, share, ppy, price, reachable_share=reach, n=100)
    units = pop * share * ppy / 12
    assert est.units[0] == pytest.approx(units, rel=1e-12, abs=1e-300)
    assert est.ceiling_money[-1] == pytest.approx(units * price * reach, rel=1e-12, abs=1e-300)


# --------------------------------------------------------------------------- lognormal closed form

N_CLOSED = 200_000


@pytest.fixture(scope="module")
def lognormal_top_down():
    ranges = dict(population=lognormal(1e6, 3e6), segment_share=lognormal(0.02, 0.08),
                  purchases_per_year=lognormal(1.0, 2.0), avg_price=lognormal(15, 30))
    est = top_down(**ranges, reachable_share=lognormal(0.05, 0.2), n=N_CLOSED, seed=7)
    return est, ranges


def test_p50_of_a_lognormal_product_is_the_product_of_medians(lognormal_top_down):
    est, r = lognormal_top_down
    med = {k: math.sqrt(v.low * v.high) for k, v in r.items()}
    units = med["population"] * med["segment_share"] * med["purchases_per_year"] / 12
    sig_u = math.sqrt(sum(log_sigma(r[k].low, r[k].high) ** 2 for k in ("population", "segment_share", "purchases_per_year")))
    se = 1.2533 * sig_u / math.sqrt(N_CLOSED)  # standard error of a sample median, log scale
    assert math.log(np.median(est.units)) == pytest.approx(math.log(units), abs=4 * se)
    sig_m = math.sqrt(sig_u**2 + log_sigma(15, 30) ** 2)
    assert math.log(np.median(est.money)) == pytest.approx(math.log(units * med["avg_price"]), abs=4 * 1.2533 * sig_m / math.sqrt(N_CLOSED))


def test_spread_of_a_lognormal_product_is_the_sum_of_log_variances(lognormal_top_down):
    est, r = lognormal_top_down
    sig_u = math.sqrt(sum(log_sigma(r[k].low, r[k].high) ** 2 for k in ("population", "segment_share", "purchases_per_year")))
    se = sig_u / math.sqrt(2 * N_CLOSED)
    assert np.std(np.log(est.units)) == pytest.approx(sig_u, abs=4 * se)
    # P10 / P90 of the product follow from the same closed form
    p10, p50, p90 = np.percentile(est.units, [10, 50, 90])
    z10 = 1.2815515655446004
    assert math.log(p90 / p50) == pytest.approx(z10 * sig_u, rel=0.02)
    assert math.log(p50 / p10) == pytest.approx(z10 * sig_u, rel=0.02)
    sig_c = math.sqrt(sig_u**2 + log_sigma(0.05, 0.2) ** 2)
    assert np.std(np.log(est.ceiling_units)) == pytest.approx(sig_c, abs=4 * sig_c / math.sqrt(2 * N_CLOSED))


def test_log_variance_shares_match_the_closed_form(lognormal_top_down):
    est, r = lognormal_top_down
    sens = est.sensitivity("units")
    var = {k: log_sigma(r[k].low, r[k].high) ** 2 for k in ("population", "segment_share", "purchases_per_year")}
    total = sum(var.values())
    got = sens.set_index("driver")["variance_share"]
    for k, v in var.items():
        assert got[k] == pytest.approx(v / total, abs=0.015)
    assert got["avg_price"] == 0 and got["reachable_share"] == 0
    assert got.sum() == pytest.approx(1.0, abs=0.02)
    assert sens["variance_share"].is_monotonic_decreasing
    assert sens.attrs == {"output": "units", "scale": "log"}


def test_tornado_swing_is_each_driver_at_p10_p90_with_the_rest_at_medians(lognormal_top_down):
    est, r = lognormal_top_down
    med = {k: math.sqrt(v.low * v.high) for k, v in r.items()}
    base = med["population"] * med["segment_share"] * med["purchases_per_year"] / 12
    sens = est.sensitivity("units").set_index("driver")
    assert sens["base"].to_numpy() == pytest.approx(np.full(len(sens), base))
    s = log_sigma(r["population"].low, r["population"].high)
    assert sens.loc["population", "low"] == pytest.approx(base * math.exp(-1.2815515655446004 * s))
    assert sens.loc["population", "high"] == pytest.approx(base * math.exp(1.2815515655446004 * s))
    money = est.sensitivity("ceiling_money").set_index("driver")
    assert money.loc["reachable_share", "variance_share"] > 0
    assert set(money.index) == {"population", "segment_share", "purchases_per_year", "avg_price", "reachable_share"}


def test_linear_scale_sensitivity_and_bad_arguments(lognormal_top_down):
    est, _ = lognormal_top_down
    lin = est.sensitivity("money", scale="linear")
    assert lin.attrs["scale"] == "linear"
    assert 0 < lin["variance_share"].sum() <= 1.0
    with pytest.raises(InputError, match="output"):
        est.sensitivity("profit")
    with pytest.raises(InputError, match="output"):
        est.sensitivity("visits")  # top_down has no visits
    with pytest.raises(InputError, match="scale"):
        est.sensitivity("units", scale="cube")


# --------------------------------------------------------------------------- the spec, segments and scenarios

def test_sample_clients_estimate():
    for folder in (ACME, BIKES):
        spec = load_client(folder)
        est = estimate_market(spec.market, n=5000, seed=1)
        s = est.summary()
        assert list(s.index) == ["capacity units", "capacity money", "ceiling units", "ceiling money"]
        assert list(s.columns) == ["p10", "p50", "p90"]
        assert (s["p10"] < s["p50"]).all() and (s["p50"] < s["p90"]).all()
        assert np.all(est.ceiling_units <= est.units)
        assert estimate_client(spec, n=5000, seed=1).units == pytest.approx(est.units)


def test_acme_capacity_is_in_the_expected_range():
    est = estimate_market(load_client(ACME).market, n=20000, seed=0)
    # medians: sqrt(2e6*3e6) * sqrt(.03*.06) * sqrt(1.1*1.6) / 12, with a logit-normal share
    expected = math.sqrt(6e12) * math.sqrt(0.03 * 0.06) * math.sqrt(1.1 * 1.6) / 12
    assert np.median(est.units) == pytest.approx(expected, rel=0.03)


def test_same_seed_same_numbers_and_different_seed_different():
    market = load_client(ACME).market
    a = estimate_market(market, n=2000, seed=5)
    b = estimate_market(market, n=2000, seed=5)
    c = estimate_market(market, n=2000, seed=6)
    assert np.array_equal(a.units, b.units) and np.array_equal(a.ceiling_money, b.ceiling_money)
    assert a.to_dict() == b.to_dict()
    assert not np.array_equal(a.units, c.units)


def _regions_market(**extra):
    return MarketSpec.model_validate({
        "segments": [
            {"name": "north", "model": "bottom_up", "reachable_customers": {"low": 1000, "high": 2000},
             "purchases_per_year": 1, "avg_check": {"low": 100, "high": 120}},
            {"name": "south", "model": "top_down", "population": {"low": 1e5, "high": 2e5},
             "segment_share": {"low": 0.01, "high": 0.02}, "purchases_per_year": 2, "avg_price": 50},
        ],
        "reachable_share": {"low": 0.1, "high": 0.2},
        "scenarios": [
            {"name": "add west", "add_segments": [
                {"name": "west", "model": "bottom_up", "reachable_customers": {"low": 500, "high": 900},
                 "purchases_per_year": 1, "avg_check": 110}]},
            {"name": "online", "add_segments": [
                {"name": "online", "model": "search_demand", "keywords": "kw.csv", "position": {"low": 2, "high": 6},
                 "conversion": {"low": 0.01, "high": 0.03}, "avg_check": 90}]},
        ],
        **extra,
    })


KEYWORDS = {"kw.csv": kw([("bike shop", 2000, 4000, np.nan), ("buy bike", 800, 1500, np.nan),
                          ("bike repair", 300, 300, 4.0)])}


def test_segments_sum_and_drivers_are_named_by_segment():
    market = _regions_market()
    est = estimate_market(market, n=4000, seed=2)
    d = est.drivers
    north = d["north/reachable_customers"] * d["north/purchases_per_year"] / 12
    south = d["south/population"] * d["south/segment_share"] * d["south/purchases_per_year"] / 12
    assert est.units == pytest.approx(north + south)
    assert est.money == pytest.approx(north * d["north/avg_check"] + south * d["south/avg_price"])
    assert est.ceiling_units == pytest.approx((north + south) * d["reachable_share"])
    assert {r["segment"] for r in est.inputs} == {"north", "south", "market"}
    assert est.sensitivity("units")["driver"].iloc[0] in d


def test_scenarios_reuse_the_base_draws_and_only_add():
    market = _regions_market()
    results = estimate_scenarios(market, keywords=KEYWORDS, n=4000, seed=3)
    assert list(results) == ["base", "add west", "online"]
    base, west, online = results.values()
    assert west.drivers["north/reachable_customers"] == pytest.approx(base.drivers["north/reachable_customers"])
    assert west.drivers["reachable_share"] == pytest.approx(base.drivers["reachable_share"])
    extra = west.drivers["west/reachable_customers"] * 1 / 12
    assert west.units == pytest.approx(base.units + extra)
    assert np.all(online.units > base.units)
    assert online.visits is not None and base.visits is None
    assert estimate_market(market, n=4000, seed=3).units == pytest.approx(base.units)


def test_compare_scenarios_table():
    table = compare_scenarios(_regions_market(), keywords=KEYWORDS, n=3000, seed=0)
    assert list(table.index) == ["base", "add west", "online"]
    for attr in ("units", "money", "ceiling_units", "ceiling_money"):
        for p in ("p10", "p50", "p90"):
            assert f"{attr}_{p}" in table.columns
    assert table.loc["add west", "units_p50"] > table.loc["base", "units_p50"]
    assert table.loc["add west", "segments"] == "north, south, west"
    again = compare_scenarios(_regions_market(), keywords=KEYWORDS, n=3000, seed=0)
    pd.testing.assert_frame_equal(table, again)


def test_search_demand_from_a_spec_with_spread_ctr():
    market = MarketSpec.model_validate({
        "model": "search_demand", "keywords": "keywords.csv", "position": {"low": 3, "high": 8},
        "conversion": {"low": 0.01, "high": 0.03}, "reachable_share": {"low": 0.1, "high": 0.3}})
    table = kw([("phone case", 5000, 12000, np.nan), ("iphone case", 8000, 20000, np.nan), ("case shop", 100, 100, 2)])
    est = estimate_market(market, keywords={"keywords.csv": table}, n=20000, seed=0, avg_check={"low": 18, "high": 25})
    assert set(est.drivers) == {"searches", "position", "ctr", "conversion", "avg_check", "reachable_share"}
    ctr = ctr_model()
    s = est.drivers
    # visits lie between all searches at the lowest and at the highest CTR on page one
    assert np.all(est.visits >= s["searches"] * float(ctr(10, -4)))
    assert np.all(est.visits <= s["searches"] * float(ctr(1, 4)))
    assert np.all(est.visits > 0) and np.all(est.units == pytest.approx(est.visits * s["conversion"]))
    assert est.money == pytest.approx(est.units * s["avg_check"])
    sens = est.sensitivity("units")
    assert set(sens["driver"]) == set(est.drivers)
    assert sens.iloc[0]["variance_share"] > 0.1
    pos = sens.set_index("driver").loc["position"]
    assert pos["low"] > pos["high"]  # a better (lower) position sells more
    assert 0.005 < float(ctr(5.0, 0.0)) < 0.2


def test_search_demand_without_avg_check_has_unknown_money(caplog):
    table = kw([("a", 100, 200, np.nan)])
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        est = search_demand(table, {"low": 1, "high": 3}, {"low": 0.01, "high": 0.02}, reachable_share=0.2, n=500)
    assert "avg_check" in caplog.text
    assert np.all(np.isnan(est.money))
    assert est.ceiling_for("revenue") is None
    assert est.ceiling_for("sales") is est.ceiling_units
    assert math.isnan(est.summary().loc["capacity money", "p50"])
    json.dumps(est.to_dict())
    json.dumps(capacity_json(est))


def test_position_beyond_page_one_is_clamped_with_a_warning(caplog):
    table = kw([("a", 1000, 1000, np.nan)])
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        est = search_demand(table, {"low": 8, "high": 15}, 0.05, avg_check=10, reachable_share=1,
                            ctr_curve="aol-2006", n=1000)
    assert "overstates" in caplog.text
    assert np.all(est.drivers["position"] <= 10)
    at_ten = est.drivers["position"] == 10
    assert at_ten.any() and est.visits[at_ten] == pytest.approx(np.full(at_ten.sum(), 1000 * 0.030))


def test_keyword_volumes_are_ranges():
    table = kw([("a", 1000, 4000, np.nan)])
    est = search_demand(table, 1, 1.0, avg_check=1, reachable_share=1, ctr_curve="sistrix-2020", n=50_000, seed=1)
    q05, q50, q95 = np.quantile(est.drivers["searches"], [0.05, 0.5, 0.95])
    assert (q05, q50, q95) == pytest.approx((1000, 2000, 4000), rel=0.03)
    assert est.visits == pytest.approx(est.drivers["searches"] * 0.285)
    row = next(r for r in est.inputs if r["driver"] == "searches")
    assert (row["low"], row["high"], row["unit"]) == (1000, 4000, "searches/month")


def test_many_keywords_are_drawn_in_chunks_and_reproducibly():
    rng = np.random.default_rng(0)
    low = rng.uniform(10, 1000, 400).round()
    table = kw([(f"k{i}", lo, lo * 2, np.nan) for i, lo in enumerate(low)])
    a = search_demand(table, 4, 0.02, avg_check=10, reachable_share=0.2, n=20000, seed=9)
    b = search_demand(table, 4, 0.02, avg_check=10, reachable_share=0.2, n=20000, seed=9)
    assert np.array_equal(a.units, b.units)
    sigma = math.log(2) / (2 * Z90)
    expected_mean_total = float(np.sum(np.sqrt(low * low * 2)) * math.exp(sigma**2 / 2))  # CLT: the sum is near-normal
    assert np.median(a.drivers["searches"]) == pytest.approx(expected_mean_total, rel=0.005)


# --------------------------------------------------------------------------- the result's contract

def test_ceiling_for_maps_goal_metrics():
    market = _regions_market()
    est = estimate_scenarios(market, keywords=KEYWORDS, n=2000, seed=0)["online"]
    for metric in ("sales", "orders", "customers"):
        assert est.ceiling_for(metric) is est.ceiling_units
    assert est.ceiling_for("revenue") is est.ceiling_money
    assert est.ceiling_for("traffic") == pytest.approx(est.visits * est.reachable_share)
    assert est.ceiling_for("leads") is None  # no lead_to_sale: conversion goes straight to a sale
    assert est.ceiling_for("avg_check") is None and est.ceiling_for("position") is None
    base = estimate_market(market, n=2000, seed=0)
    assert base.ceiling_for("traffic") is None


def test_assumptions_inputs_and_json():
    est = estimate_market(load_client(ACME).market, n=3000, seed=0)
    a = est.assumptions()
    assert list(a.columns[:4]) == ["driver", "range", "unit", "source"]
    assert a.set_index("driver").loc["population", "source"].startswith("Online shoppers")
    assert a.set_index("driver").loc["population", "range"] == "2,000,000 – 3,000,000"
    assert est.inputs[0] == {"segment": "market", "driver": "population", "low": 2e6, "high": 3e6,
                             "unit": "people or businesses", "source": "Online shoppers in the Benelux, Eurostat 2025"}
    d = json.loads(json.dumps(est.to_dict()))
    assert set(d["summary"]) == {"capacity units", "capacity money", "ceiling units", "ceiling money"}
    assert d["sensitivity"]["units"][0]["driver"] == "segment_share"
    cj = json.loads(json.dumps(capacity_json(est)))
    assert set(cj["capacity"]) == {"units", "money"} and set(cj["ceiling"]) == {"units", "money"}
    assert cj["capacity"]["units"]["p50"] == pytest.approx(est.summary().loc["capacity units", "p50"])
    assert cj["drivers"][0]["driver"] == "segment_share"
    assert {"variance_share_units", "variance_share_money", "swing_units", "source"} <= set(cj["drivers"][0])
    assert isinstance(est, CapacityEstimate) and est.to_frame().equals(est.summary())


def test_estimate_is_frozen():
    est = top_down(100, 0.5, 1, 1, reachable_share=0.5, n=100)
    with pytest.raises(Exception):
        est.units = np.zeros(100)


# --------------------------------------------------------------------------- errors name the field

def test_missing_keyword_table_names_the_field():
    market = MarketSpec.model_validate({"model": "search_demand", "keywords": "kw.csv", "position": 3,
                                        "conversion": 0.02, "reachable_share": 0.1})
    with pytest.raises(InputError, match=r"market\.keywords.*kw\.csv") as info:
        estimate_market(market)
    assert info.value.field == "market.keywords"
    with pytest.raises(InputError, match=r"market\.keywords"):
        estimate_market(market, keywords={"other.csv": kw([("a", 1, 1, np.nan)])})


def test_empty_or_malformed_keyword_tables():
    with pytest.raises(InputError, match="empty"):
        search_demand(kw([]), 3, 0.02, reachable_share=0.1)
    with pytest.raises(InputError, match="searches_low"):
        search_demand(pd.DataFrame({"keyword": ["a"], "volume": [10]}), 3, 0.02, reachable_share=0.1)
    with pytest.raises(InputError, match=r"keyword 'a'"):
        search_demand(kw([("a", 50, 10, np.nan)]), 3, 0.02, reachable_share=0.1)
    with pytest.raises(InputError, match=r"keyword 'b'"):
        search_demand(kw([("a", 5, 10, np.nan), ("b", -1, 10, np.nan)]), 3, 0.02, reachable_share=0.1)
    with pytest.raises(InputError, match="position"):
        search_demand(kw([("a", 5, 10, 0.5)]), 3, 0.02, reachable_share=0.1)
    with pytest.raises(InputError, match="DataFrame"):
        search_demand([("a", 5, 10)], 3, 0.02, reachable_share=0.1)


def test_missing_or_invalid_drivers_name_the_field():
    with pytest.raises(InputError, match="segment_share"):
        top_down(1000, None, 1, 10, reachable_share=0.1)
    with pytest.raises(InputError, match="conversion"):
        search_demand(kw([("a", 5, 10, np.nan)]), 3, 1.5, reachable_share=0.1)
    with pytest.raises(InputError, match=r"market\.position"):
        search_demand(kw([("a", 5, 10, np.nan)]), {"low": 0.5, "high": 3}, 0.02, reachable_share=0.1)
    with pytest.raises(InputError, match=r"market\.ctr_curve"):
        search_demand(kw([("a", 5, 10, np.nan)]), 3, 0.02, reachable_share=0.1, ctr_curve="nope")
    with pytest.raises(InputError, match=r"\bn\b"):
        top_down(1000, 0.1, 1, 10, reachable_share=0.1, n=5)
    with pytest.raises(InputError, match="seed"):
        top_down(1000, 0.1, 1, 10, reachable_share=0.1, seed=-1)


def test_scenario_segment_errors_name_their_path():
    market = _regions_market()
    with pytest.raises(InputError, match=r"market\.scenarios\.1\.add_segments\.0\.keywords"):
        estimate_scenarios(market, n=500)


def test_duplicate_segment_names_are_rejected():
    seg = {"name": "a", "model": "bottom_up", "reachable_customers": 10, "purchases_per_year": 1, "avg_check": 1}
    market = MarketSpec.model_validate({"segments": [seg, seg], "reachable_share": 0.1})
    with pytest.raises(InputError, match="unique segment names"):
        estimate_market(market, n=200)


# --------------------------------------------------------------------------- charts

def test_plots_return_labelled_axes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from toolkit.report.charts.capacity import plot_capacity, plot_scenarios, plot_tornado

    results = estimate_scenarios(_regions_market(), keywords=KEYWORDS, n=3000, seed=0)
    est = results["base"]
    ax = plot_capacity(est)
    assert "per month" in ax.get_xlabel() and ax.get_ylabel()
    texts = [t.get_text() for t in ax.texts]
    # Percentile names stay in the appendix: the chart marks the low, typical and high values.
    assert any(t.startswith("low") for t in texts) and any(t.startswith("typical") for t in texts)
    assert any(t.startswith("high") for t in texts)
    fig, axes = plt.subplots(1, 3)
    assert plot_capacity(est, ax=axes[0], what="money", currency="EUR") is axes[0]
    assert axes[0].get_xlabel().startswith("Money per month (EUR)")
    assert plot_tornado(est, ax=axes[1]) is axes[1]
    moving = est.sensitivity("units").query("swing > 0")
    assert len(axes[1].get_yticklabels()) == len(moving) == 3  # exact drivers, prices and reach do not move units
    assert "units per month" in axes[1].get_xlabel()
    assert plot_scenarios(results, ax=axes[2]) is axes[2]
    assert [t.get_text() for t in axes[2].get_yticklabels()] == ["base", "add west", "online"]
    ax = plot_scenarios(compare_scenarios(_regions_market(), keywords=KEYWORDS, n=1000), what="money")
    assert "Money per month" in ax.get_xlabel()
    with pytest.raises(InputError, match="what"):
        plot_capacity(est, what="profit")
    plt.close("all")


# --------------------------------------------------------------------------- the analysts' notebook

NOTEBOOK = ROOT / "notebooks/01-market-capacity.ipynb"


def test_notebook_is_committed_clean_with_a_parameters_cell():
    import re

    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1 and code[0] is params[0]
    for name, typ in (("client_dir", "str"), ("seed", "int"), ("n_paths", "int")):
        assert re.search(rf"^{name}: {typ} = .+  # \S", params[0].source, re.M), name
    for c in code:
        assert c.outputs == [] and c.execution_count is None
        assert not re.search(r"^\s*(def|class|async def)\s", c.source, re.M)
        assert not re.search(r"\bopen\(|read_csv|to_csv|savefig|Path\(|\bwrite", c.source)


@pytest.mark.parametrize("client", ["acme-cases", "nordic-bikes"])
def test_notebook_runs_for_the_sample_clients(client, monkeypatch):
    import os

    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells[1].source += f'\nclient_dir = "../data/clients/{client}"'
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nbclient.NotebookClient(nb, timeout=180, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
