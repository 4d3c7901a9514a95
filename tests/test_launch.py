"""The launch model against known answers: the Bass closed form, its time rescaling and peak, and
simulated launches whose coefficients are known."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, optimize

from toolkit.engine import assess_goal
from toolkit.engine.launch import (
    adoption_time,
    bass_cdf,
    bass_peak_time,
    expected_launch,
    launch_paths,
    monthly_coefficients,
    monthly_range,
)
from toolkit.errors import InputError
from toolkit.priors import Range
from toolkit.priors.diffusion import DiffusionPrior, load_diffusion_prior


@pytest.mark.parametrize(("p", "q"), [(0.03, 0.38), (0.01, 0.6), (0.2, 0.1)])
def test_closed_form_solves_the_bass_equation(p, q):
    """dF/dt = (p + q F)(1 - F), F(0) = 0, integrated numerically."""
    t = np.linspace(0, 30, 61)
    solution = integrate.solve_ivp(lambda _, f: (p + q * f) * (1 - f), (0, 30), [0.0], t_eval=t, rtol=1e-10,
                                   atol=1e-12)
    np.testing.assert_allclose(bass_cdf(t, p, q), solution.y[0], atol=1e-8)


@pytest.mark.parametrize("share", [0.01, 0.1, 0.5, 0.9])
def test_adoption_time_inverts_the_curve(share):
    assert bass_cdf(adoption_time(share, 0.03, 0.38), 0.03, 0.38) == pytest.approx(share, rel=1e-12)


def test_monthly_rescaling_keeps_the_curve_and_q_over_p():
    p_m, q_m = monthly_coefficients(0.03, 0.38)
    years = np.linspace(0, 15, 31)
    np.testing.assert_allclose(bass_cdf(12 * years, p_m, q_m), bass_cdf(years, 0.03, 0.38), rtol=1e-12)
    assert q_m / p_m == pytest.approx(0.38 / 0.03)


def test_peak_time_is_the_maximum_of_the_adoption_rate():
    p, q = 0.03, 0.38
    rate = lambda t: -(bass_cdf(t + 1e-6, p, q) - bass_cdf(t - 1e-6, p, q)) / 2e-6  # noqa: E731
    numeric = optimize.minimize_scalar(rate, bounds=(0, 30), method="bounded").x
    assert bass_peak_time(p, q) == pytest.approx(numeric, abs=1e-3)
    assert bass_peak_time(p, q) == pytest.approx(math.log(q / p) / (p + q))
    assert math.isnan(bass_peak_time(0.2, 0.1))  # q <= p: adoption falls from the start


def test_exact_inputs_without_noise_give_the_closed_form():
    """m fixed, p and q exact, a vanishing noise: every path is the closed-form sales curve."""
    prior = DiffusionPrior.exact(0.05, 0.5, "test")
    paths = launch_paths(None, launch="2027-01", as_of="2026-12", horizon=24, ceiling=1000.0, purchases_per_year=3,
                         prior=prior, n_paths=200, seed=1, noise=1e-9)
    p, q = monthly_coefficients(0.05, 0.5)
    m = 1000.0 / (3 / 12)
    expected = expected_launch(np.arange(1, 25), [p], [q], [m], 3 / 12)[0]
    np.testing.assert_allclose(paths.values, np.broadcast_to(expected, paths.values.shape), rtol=1e-6)
    assert expected[-1] == pytest.approx(1000.0 * bass_cdf(23, p, q) + m * (bass_cdf(24, p, q) - bass_cdf(23, p, q)))


def test_paths_never_exceed_their_own_ceiling_and_start_at_the_launch():
    paths = launch_paths(None, launch="2027-03", as_of="2026-12", horizon=36, ceiling=Range(low=200, high=900),
                         purchases_per_year=1, prior=load_diffusion_prior(), n_paths=1000, seed=2, noise=0.6)
    assert (paths.values <= paths.ceiling[:, None] + 1e-9).all()
    assert (paths.values[:, :2] == 0).all()  # January and February: not open yet
    assert (paths.values[:, 2] > 0).mean() > 0.99


def test_the_same_seed_gives_the_same_paths_and_another_seed_others():
    kwargs = dict(launch="2026-06", as_of="2026-08", horizon=12, ceiling=Range(low=300, high=600),
                  purchases_per_year=4, prior=load_diffusion_prior(), n_paths=300)
    seen = pd.Series([5.0, 9.0, 16.0], index=pd.period_range("2026-06", periods=3, freq="M"))
    a, b = launch_paths(seen, seed=3, **kwargs), launch_paths(seen, seed=3, **kwargs)
    assert np.array_equal(a.values, b.values)
    assert not np.array_equal(a.values, launch_paths(seen, seed=4, **kwargs).values)


def _simulated_launch(rng, months, *, p_year=0.04, q_year=0.5, m=4000.0, rate=2 / 12, noise=0.25):
    p, q = monthly_coefficients(p_year, q_year)
    mean = expected_launch(np.arange(1, months + 1), [p], [q], [m], rate)[0]
    values = np.expm1(np.log1p(mean) + noise * rng.standard_normal(months))
    return pd.Series(values, index=pd.period_range("2026-01", periods=months, freq="M"))


def test_months_seen_narrow_the_forecast_around_the_truth():
    """Simulated from known p, q and m: months seen narrow the band of the same future month (June 2027),
    measured as hi/lo since the noise is multiplicative, and the true expected value stays inside it."""
    rng = np.random.default_rng(5)
    seen = _simulated_launch(rng, 12)
    p, q = monthly_coefficients(0.04, 0.5)
    truth = expected_launch([18], [p], [q], [4000.0], 2 / 12)[0, 0]
    widths = []
    for n in (0, 3, 12):
        last = pd.Period("2026-01", freq="M") + n - 1
        paths = launch_paths(seen.iloc[:n], launch="2026-01", as_of=str(last), horizon=18 - n,
                             ceiling=Range(low=500, high=900), purchases_per_year=2, prior=load_diffusion_prior(),
                             n_paths=2000, seed=0)
        lo, hi = np.quantile(paths.values[:, -1], [0.1, 0.9])
        assert paths.dates[-1] == pd.Period("2027-06", freq="M")
        assert lo < truth < hi
        widths.append(hi / lo)
    assert widths[0] > widths[1] > widths[2]


def test_the_80_percent_band_covers_about_80_percent_of_simulated_launches():
    """Launches drawn from the prior itself, six months seen: the band 12 months ahead holds the outcome
    in 0.80 of them, within the Monte Carlo error of 300 launches (about 2.3 points; +-3 sd allowed)."""
    prior = load_diffusion_prior()
    rng = np.random.default_rng(11)
    hits = []
    for i in range(300):
        p_year, q_year, ceiling = (float(r.distribution().rvs(random_state=rng))
                                   for r in (prior.p, prior.q, Range(low=300, high=1200)))
        outcome = _simulated_launch(rng, 18, p_year=p_year, q_year=q_year, m=ceiling / (2 / 12))
        outcome = outcome.clip(upper=ceiling)
        paths = launch_paths(outcome.iloc[:6], launch="2026-01", as_of="2026-06", horizon=12,
                             ceiling=Range(low=300, high=1200), purchases_per_year=2, prior=prior, n_paths=500, seed=i)
        lo, hi = np.quantile(paths.values[:, -1], [0.1, 0.9])
        hits.append(lo <= outcome.iloc[-1] <= hi)
    assert 0.80 - 0.07 <= np.mean(hits) <= 0.80 + 0.07


def test_assess_goal_works_on_launch_paths():
    paths = launch_paths(None, launch="2027-01", as_of="2026-12", horizon=24, ceiling=Range(low=400, high=800),
                         purchases_per_year=2, prior=load_diffusion_prior(), n_paths=1000, seed=0)
    easy, hard = (assess_goal(paths, target=t, deadline="2028-12") for t in (1.0, 5000.0))
    assert easy.probability > 0.95 and hard.probability == 0.0 and hard.verdict == "beyond_capacity"


def test_yearly_ranges_become_monthly_and_bad_inputs_are_named():
    assert monthly_range(Range(low=0.12, high=0.24)).low == pytest.approx(0.01)
    with pytest.raises(InputError, match="purchases_per_year"):
        launch_paths(None, launch="2027-01", as_of="2026-12", horizon=6, ceiling=100.0, purchases_per_year=0,
                     prior=load_diffusion_prior())
    with pytest.raises(InputError, match="measure"):
        launch_paths(None, launch="2027-01", as_of="2026-12", horizon=6, ceiling=100.0, purchases_per_year=1,
                     prior=load_diffusion_prior(), measure="revenue")


def test_assess_launch_from_the_market_alone_and_with_months_seen(tmp_path):
    from toolkit.engine.quick import assess_launch

    before = assess_launch(launch="2027-01", metric="sales", target=300, deadline="2028-06", ceiling_low=400,
                           ceiling_high=800, purchases_per_year=4, n_paths=1000)
    history = tmp_path / "history.csv"
    history.write_text("month,sales\n2027-01,40\n2027-02,70\n2027-03,110\n2027-04,150\n")
    after = assess_launch(launch="2027-01", metric="sales", target=300, deadline="2028-06", ceiling_low=400,
                          ceiling_high=800, purchases_per_year=4, history_csv=history, n_paths=1000)
    assert before["as_of"] == "2026-12" and after["as_of"] == "2027-04"
    assert 0 < before["probability"] < 1 and after["probability"] > before["probability"]  # a fast start
    assert after["model"].startswith("Bass diffusion, 4 months")
    with pytest.raises(InputError, match="--launch"):
        assess_launch(launch="Jan 2027", metric="sales", target=1, deadline="2028-06", ceiling_low=1, ceiling_high=2)


def test_goalcheck_assess_launch_prints_the_assessment_and_refuses_a_launch_without_a_ceiling():
    import json

    from click.testing import CliRunner

    from toolkit.cli import main

    args = ["assess", "--launch", "2027-01", "--metric", "sales", "--target", "80", "--deadline", "2029-12",
            "--purchases-per-year", "4", "--n-paths", "500"]
    ok = CliRunner().invoke(main, [*args, "--ceiling-low", "400", "--ceiling-high", "800", "--json"])
    assert ok.exit_code == 0, ok.output
    result = json.loads(ok.output)
    assert result["model"].startswith("Bass diffusion") and 0 < result["probability"] < 1
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 2 and "--ceiling-low" in refused.output


def test_a_launch_takes_its_ceiling_from_a_client_market_or_the_stated_range():
    from tests.conftest import SAMPLE_CLIENTS
    from toolkit.cycle.futures import launch_ceiling

    stated = launch_ceiling("", "sales", low=100, high=300, seed=0, n_paths=500)
    assert stated == Range(low=100, high=300)
    draws = launch_ceiling(str(SAMPLE_CLIENTS / "nordic-bikes"), "sales", low=1, high=2, seed=0, n_paths=500)
    assert len(draws) >= 2000 and (draws > 0).all()
    paths = launch_paths(None, launch="2027-03", as_of="2027-02", horizon=12, ceiling=draws, purchases_per_year=0.5,
                         prior=load_diffusion_prior(), n_paths=500, seed=0)
    assert (paths.values <= paths.ceiling[:, None] + 1e-9).all()
