"""Unit economics and expediency: known answers, hand cases for each verdict."""

import numpy as np
import pytest

from toolkit.economics import (
    Expediency,
    assess_expediency,
    blended_cac,
    clv_geometric,
    margin_within,
    monthly_margins,
    new_customers_needed,
    payback_months,
    sample_unit_economics,
)
from toolkit.errors import InputError


def test_clv_closed_form_matches_sum():
    m, r, d = 100.0, 0.7, 0.1
    brute = sum(m * r**t / (1 + d) ** t for t in range(2000))
    assert clv_geometric(m, r, d) == pytest.approx(brute)
    assert clv_geometric(m, r, d) == pytest.approx(m * (1 + d) / (1 + d - r))
    assert clv_geometric(100, 0.6, 0.1) == pytest.approx(220.0)  # 100 * 1.1 / 0.5


def test_clv_edge_cases():
    assert clv_geometric(50, 0.0, 0.1) == pytest.approx(50)  # one period only
    assert clv_geometric(50, 0.5, 0.0) == pytest.approx(100)  # 1 / (1 - r)
    assert clv_geometric(10, 1.0, 0.0, periods=5) == pytest.approx(50)
    assert clv_geometric(10, 0.5, 0.0, periods=2) == pytest.approx(15)
    assert np.allclose(clv_geometric(np.array([10, 20]), 0.5), [20, 40])
    with pytest.raises(InputError, match="retention"):
        clv_geometric(10, 1.0, 0.0)
    with pytest.raises(InputError, match="retention"):
        clv_geometric(10, 1.2, 0.1)


def test_blended_cac():
    assert blended_cac(20, 40, 0.25) == pytest.approx(35)
    assert blended_cac(20, 40) == pytest.approx(30)
    assert blended_cac(cac_online=20) == 20
    assert blended_cac(cac=10, referral_share=0.2) == pytest.approx(8)
    with pytest.raises(InputError, match="cac"):
        blended_cac()


def test_payback_hand_case():
    # margin 10 a month, CAC 60 -> 6 months; CAC 65 -> 6.5 months
    margins = np.full((1, 24), 10.0)
    assert payback_months(60.0, margins)[0] == pytest.approx(6.0)
    assert payback_months(65.0, margins)[0] == pytest.approx(6.5)
    assert payback_months(1000.0, margins)[0] == np.inf
    assert payback_months(0.0, margins)[0] == 0


def test_monthly_margins_first_30_days_and_retention():
    m = monthly_margins(120.0, 0.5, 24, first_30_days_margin=32.0)[0]
    assert m[0] == 32 and m[1:12] == pytest.approx([8.0] * 11)
    assert m[:12].sum() == pytest.approx(120) and m[12:].sum() == pytest.approx(60)
    # payback on the hand case: CAC 48 = 32 + 2 x 8
    assert payback_months(48.0, m[None, :])[0] == pytest.approx(3.0)
    assert margin_within(m[None, :], 12)[0] == pytest.approx(120)
    assert margin_within(m[None, :], 0.5)[0] == pytest.approx(16)


def test_new_customers_needed():
    assert new_customers_needed(300, 500, 8, 1.0) == pytest.approx(200)
    assert new_customers_needed(500, 300, 8, 0.5) == 0
    assert new_customers_needed(300, 500, 8, 0.5) > 200
    with pytest.raises(InputError, match="months"):
        new_customers_needed(1, 2, 0)


BASE = {"gross_margin": 0.5, "avg_check": 100, "purchases_per_year": 2, "retention": 0.5, "discount_rate": 0.0}


def test_expedient_hand_case():
    # annual margin 100, CLV 200, CAC 40: pays back in ~5 months; CLV/CAC 5
    e = assess_expediency({**BASE, "cac": 40})
    assert e.verdict == "expedient"
    assert e.quantiles["clv"]["p50"] == pytest.approx(200)
    assert e.quantiles["clv_to_cac"]["p50"] == pytest.approx(5)
    assert e.quantiles["payback_months"]["p50"] == pytest.approx(4.8)
    assert e.p_payback_within_horizon == 1.0
    assert "costs 40 EUR and returns 100 EUR of margin within the 12-month horizon" in e.reason


def test_marginal_hand_case():
    # CLV 200, CAC 150: first year returns 100 < 150, CLV/CAC 1.33
    e = assess_expediency({**BASE, "cac": 150})
    assert e.verdict == "marginal"
    assert e.p_payback_within_horizon == 0.0
    assert e.quantiles["clv_to_cac"]["p50"] == pytest.approx(4 / 3)


def test_not_expedient_hand_case():
    e = assess_expediency({**BASE, "cac": 250}, currency="NOK")
    assert e.verdict == "not_expedient"
    assert "NOK" in e.reason
    assert e.quantiles["payback_months"]["p50"] == np.inf


def test_expediency_with_ranges_and_goal_spend():
    econ = {"cac_online": {"low": 8, "high": 15}, "cac_offline": {"low": 20, "high": 30}, "online_share": 0.8,
            "gross_margin": 0.55, "spend_first_30_days": {"low": 20, "high": 25},
            "spend_first_year": {"low": 30, "high": 40}, "lifetime_years": {"low": 1.5, "high": 3}}
    e = assess_expediency(econ, new_customers=1000, months_to_deadline=6)
    q = e.quantiles
    assert q["cac"]["p10"] < q["cac"]["p50"] < q["cac"]["p90"]
    assert q["marketing_spend"]["p50"] == pytest.approx(1000 * q["cac"]["p50"], rel=1e-6)
    assert q["return_by_deadline"]["p50"] < 1000 * q["margin_within_horizon"]["p50"]
    assert isinstance(e, Expediency) and e.verdict in {"expedient", "marginal", "not_expedient"}
    d = e.to_dict()
    assert d["verdict"] == e.verdict and "samples" not in d and d["quantiles"]["cac"] == q["cac"]
    assert list(e.to_frame().columns) == ["p10", "p50", "p90"]
    with pytest.raises(Exception):
        e.verdict = "x"  # frozen


def test_expediency_is_seeded():
    econ = {**BASE, "cac": {"low": 30, "high": 60}, "retention": {"low": 0.3, "high": 0.6}}
    assert assess_expediency(econ, seed=3).to_dict() == assess_expediency(econ, seed=3).to_dict()


def test_missing_inputs_are_input_errors():
    with pytest.raises(InputError, match="gross_margin"):
        sample_unit_economics({"cac": 10}, 10)
    with pytest.raises(InputError, match="spend_first_year"):
        sample_unit_economics({"cac": 10, "gross_margin": 0.5}, 10)
    with pytest.raises(InputError, match="cac"):
        sample_unit_economics({"gross_margin": 0.5, "spend_first_year": 10}, 10)


def test_sample_client_economics():
    from toolkit.spec import load_client
    spec = load_client("data/clients/nordic-bikes")
    e = assess_expediency(spec.economics, currency=spec.client.currency)
    assert e.verdict in {"expedient", "marginal", "not_expedient"}


# --- levers ---------------------------------------------------------------------------------------
import pandas as pd  # noqa: E402

from toolkit.economics import decompose_levers, lever_history_changes, lever_scenarios, revenue_target  # noqa: E402


def _kpis(n=24):
    idx = pd.period_range("2024-01", periods=n, freq="M")
    customers = np.linspace(100, 150, n)
    check = np.full(n, 20.0)
    freq = np.full(n, 1.5)
    sales = customers * freq
    return pd.DataFrame({"sales": sales, "revenue": sales * check, "customers": customers, "avg_check": check}, index=idx)


def test_decompose_levers_identity():
    k = _kpis()
    lv = decompose_levers(k)
    assert np.allclose(lv["customers"] * lv["avg_check"] * lv["frequency"], k["revenue"])
    assert np.allclose(lv["frequency"], 1.5)
    # without avg_check: check = revenue / sales, frequency = sales / customers
    lv2 = decompose_levers(k.drop(columns="avg_check"))
    assert np.allclose(lv2["avg_check"], 20) and np.allclose(lv2["frequency"], 1.5)
    with pytest.raises(InputError, match="customers"):
        decompose_levers(k.drop(columns="customers"))


def test_lever_history_changes():
    h = lever_history_changes(decompose_levers(_kpis()))
    assert h.loc["customers", "largest_rise"] == pytest.approx((100 + 50 * 12 / 23) / 100 - 1)
    assert h.loc["avg_check", "largest_rise"] == pytest.approx(0)
    assert lever_history_changes(decompose_levers(_kpis(6))).attrs["window"] == 5


def test_lever_scenarios_reach_target_and_ceiling():
    k = _kpis()
    base_rev = decompose_levers(k).tail(3).mean()
    base_rev = base_rev["customers"] * 20 * 1.5
    sc = lever_scenarios(k, base_rev * 1.44, ceiling_customers=160)
    assert np.allclose(sc["revenue"], base_rev * 1.44)
    assert sc.loc["customers + check", "customers_x"] == pytest.approx(1.2)
    assert sc.loc["customers only", "within_ceiling"] == False  # noqa: E712
    assert sc.loc["check only", "within_ceiling"] == True  # noqa: E712
    assert sc.loc["customers to ceiling", "customers"] == pytest.approx(160)
    assert sc.loc["check only", "avg_check_vs_history"] == np.inf  # check never moved
    rise = sc.attrs["history"]["largest_rise"]["customers"]
    assert sc.loc["customers only", "customers_vs_history"] == pytest.approx(0.44 / rise)
    assert sc.attrs["constrained_by_ceiling"] == ["customers"]


def test_revenue_target_from_sales_goal():
    from toolkit.spec import Goal
    g = Goal(id="g", statement="s", metric="sales", target=300, deadline="2027-01")
    assert revenue_target(g, _kpis()) == pytest.approx(6000)
    with pytest.raises(InputError, match="metric"):
        revenue_target(Goal(id="g", statement="s", metric="traffic", target=3, deadline="2027-01"), _kpis())


# --- charts ---------------------------------------------------------------------------------------
def test_charts_return_labelled_axes():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from toolkit.economics.funnel import funnel_schedule, required_volumes, required_volumes_distribution
    from toolkit.report.charts.economics import (
        plot_clv_vs_cac,
        plot_funnel_schedule,
        plot_funnel_volumes,
        plot_lever_history,
    )
    stages = [("visits", {"low": 0.15, "high": 0.25}), ("leads", 0.25)]
    e = assess_expediency({**BASE, "cac": {"low": 30, "high": 60}})
    target = pd.Series([100.0, 120.0], index=pd.PeriodIndex(["2027-05", "2027-06"], freq="M"))
    axes = [plot_funnel_volumes(required_volumes(100, [("visits", 0.2), ("leads", 0.25)])),
            plot_funnel_volumes(required_volumes_distribution(100, stages)),
            plot_funnel_schedule(funnel_schedule(target, [("leads", 0.25)], 60)),
            plot_lever_history(decompose_levers(_kpis())), plot_clv_vs_cac(e)]
    for ax in axes:
        assert ax.get_xlabel() and ax.get_ylabel()
    assert "EUR" in axes[-1].get_xlabel()
    fig, ax = plt.subplots()
    assert plot_clv_vs_cac(e, ax=ax) is ax
    plt.close("all")


def test_goal_expediency_on_sample_clients():
    from toolkit.economics import goal_expediency
    from toolkit.spec import load_client
    for name in ("acme-cases", "nordic-bikes"):
        spec = load_client(f"data/clients/{name}")
        goal = spec.goals[0]
        scen = lever_scenarios(spec.kpis, revenue_target(goal, spec.kpis)).loc["all three"]
        e = goal_expediency(spec, goal, scen, n=2000)
        assert e.currency == spec.client.currency
        assert {"new_customers", "marketing_spend", "return_by_deadline"} <= set(e.quantiles)


def test_an_economics_section_that_cannot_support_expediency_is_a_note(client_copy):
    """An InputError from the unit economics becomes a visible note; nothing else is swallowed."""
    from types import SimpleNamespace

    from toolkit.economics.goal import goal_economics
    from toolkit.spec import load_client

    spec = load_client(client_copy("acme-cases", lambda d: d["economics"].pop("gross_margin")))
    result = SimpleNamespace(goal=spec.goals[0], assessment=SimpleNamespace(verdict="stretch"))
    econ = goal_economics(spec, result, None, n=500)
    assert econ.expediency is None
    assert any(n.startswith("Expediency not computed") and "gross_margin" in n for n in econ.notes)
