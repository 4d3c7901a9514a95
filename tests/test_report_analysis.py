"""The analysis behind a client report: which data feeds which section, and the arithmetic in between."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.conftest import SAMPLE_CLIENTS
from toolkit.demand import demand_view
from toolkit.economics.goal import customers_target, monthly_target
from toolkit.engine import horizon_for
from toolkit.errors import InputError
from toolkit.report.analysis import analyse_client
from toolkit.spec import Goal, load_client


@pytest.mark.parametrize("as_of, deadline, months", [("2026-10", "2027-06", 24), ("2026-10", "2029-06", 44),
                                                     ("2026-10", "2032-12", 60)])
def test_horizon_runs_a_year_past_the_deadline_within_bounds(as_of, deadline, months):
    assert horizon_for(as_of, deadline) == months


def _kpis(sales, customers):
    index = pd.period_range("2026-01", periods=len(sales), freq="M")
    return pd.DataFrame({"sales": sales, "customers": customers}, index=index)


def test_customers_needed_scale_with_the_metric():
    kpis = _kpis([100, 100, 100, 100], [50, 50, 50, 50])
    level = Goal(id="g", statement="s", metric="sales", target=150, deadline="2026-12")
    assert customers_target(level, kpis, "2026-04") == pytest.approx(75)
    cumulative = Goal(id="c", statement="s", metric="sales", kind="cumulative", target=1600, deadline="2026-12")
    assert monthly_target(cumulative, kpis, "2026-04") == pytest.approx(200)
    assert customers_target(cumulative, kpis, "2026-04") == pytest.approx(100)


def test_demand_comes_from_trends_when_given_else_from_own_history():
    with_trends = demand_view(load_client(SAMPLE_CLIENTS / "lumen-dental"))
    own = demand_view(load_client(SAMPLE_CLIENTS / "nordic-bikes"))
    assert "Google Trends" in with_trends.source and "own sales history" in own.source
    for view in (with_trends, own):
        assert view.factors().shape == (12,) and view.factors().mean() == pytest.approx(1.0)
    # The sample Trends export peaks in winter; the bike shop in summer.
    assert int(np.argmax(with_trends.factors())) in (0, 11) and int(np.argmax(own.factors())) in (5, 6)


def test_records_carry_every_number_the_portfolio_shows():
    analysis = analyse_client(load_client(SAMPLE_CLIENTS / "acme-cases"), n_paths=300)
    goal = analysis.records()["goals"][0]
    for key in ("probability", "verdict", "realistic_max", "reach_p50", "expediency", "progress", "behind_plan"):
        assert key in goal
    assert goal["progress"] in {"on_track", "behind", "met", "missed"}  # acme has a saved plan
    assert analysis.goal_result("orders-500").goal.target == 500
    with pytest.raises(InputError, match="orders-500"):
        analysis.goal_result("nope")


def test_two_to_three_years_of_seasonal_sales_are_not_forecast_flat():
    analysis = analyse_client(load_client(SAMPLE_CLIENTS / "nordic-bikes"), n_paths=500)
    paths = analysis.goals[0].paths
    assert len(paths.history) < 36 and "nonseasonal" not in paths.model
    median = paths.quantiles((0.5,))[0.5]
    # The bike shop's history peaks in summer and bottoms out in winter (sample data built with +-45%).
    assert median["2027-07"] > 1.8 * median["2027-01"]


def test_expansion_scenarios_are_compared_side_by_side():
    from toolkit.capacity import compare_scenarios
    from toolkit.report.sections.market import capacity_section

    spec = load_client(SAMPLE_CLIENTS / "nordic-bikes")
    table = compare_scenarios(spec.market, n=4000, seed=0)
    assert list(table.index) == ["base", "Second store in Drammen"]
    # A second store adds a region: capacity and ceiling move up.
    assert table.loc["Second store in Drammen", "ceiling_units_p50"] > table.loc["base", "ceiling_units_p50"]
    from toolkit.report.model import build_report

    analysis = analyse_client(spec, n_paths=300)
    html = str(capacity_section(analysis, build_report(analysis)))
    assert "Expansion scenarios" in html and "Second store in Drammen" in html


def test_pipeline_section_shows_each_person_and_flags_an_empty_top_of_funnel():
    from toolkit.report.sections.economics import pipeline_section

    html = str(pipeline_section(analyse_client(load_client(SAMPLE_CLIENTS / "nordic-bikes"), n_paths=300)))
    # The sample seller Lars: 6/15/12 deals at 20%/40%/40% of his time (DOMAIN.md section 4).
    assert "Lars" in html and "<td>15</td>" in html and "<td>40%</td>" in html
    assert "prospect every week" in html  # Ingrid has nothing above the funnel
