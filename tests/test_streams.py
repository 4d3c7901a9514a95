"""One random stream tree per seed: every stream changes with the seed, none repeats another.

That the same seed gives a byte-identical summary.csv, and another seed another one, is tested
end to end in tests/test_numbers_honest.py.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from toolkit.capacity import top_down
from toolkit.economics.funnel import required_volumes_distribution, top_of_funnel_check
from toolkit.economics.readiness import referral_gap
from toolkit.economics.unit import assess_expediency, sample_unit_economics
from toolkit.engine.paths import simulate_paths
from toolkit.engine.quick import assess_from_csv
from toolkit.priors.streams import STREAMS, rng_for, seed_sequence

ECONOMICS = {"gross_margin": {"low": 0.4, "high": 0.6}, "cac": {"low": 8, "high": 15},
             "avg_check": {"low": 18, "high": 25}, "purchases_per_year": {"low": 2, "high": 4},
             "retention": {"low": 0.5, "high": 0.8}, "referrals_per_year": {"low": 20, "high": 60}}
STAGES = [("visits", {"low": 0.02, "high": 0.05}), ("orders", {"low": 0.3, "high": 0.6})]


def _history() -> pd.Series:
    t = np.arange(48)
    y = 100 * np.exp(0.01 * t + 0.2 * np.sin(2 * np.pi * t / 12)) * np.exp(np.random.default_rng(0).normal(0, 0.05, 48))
    return pd.Series(y, index=pd.period_range("2022-01", periods=48, freq="M"), name="sales")


def _paths(seed: int, k: int) -> np.ndarray:
    """What each of the paths' four sub-streams feeds: shocks, slope, hidden seasonal noise, ceiling draws."""
    paths = simulate_paths(_history(), 6, ceiling=np.linspace(300, 600, 50), n_paths=200, seed=seed)
    assert paths.info["hidden_noise"] > 0  # so the hidden-noise stream is drawn from
    return paths.ceiling if k == 3 else paths.values


#: Draws from each named stream through the public function that uses it.
DRAW = {
    "capacity": lambda seed: top_down({"low": 1e6, "high": 2e6}, 0.1, 2, 10, reachable_share={"low": 0.1, "high": 0.3},
                                      n=200, seed=seed).ceiling_units,
    "paths": lambda seed: np.concatenate([_paths(seed, 0).ravel(), _paths(seed, 3)]),
    "unit_economics": lambda seed: sample_unit_economics(ECONOMICS, 200, seed)["cac"],
    "new_customers": lambda seed: assess_expediency(ECONOMICS, new_customers={"low": 10, "high": 40}, n=200,
                                                    seed=seed).samples["new_customers"],
    "funnel": lambda seed: required_volumes_distribution(100, STAGES, n=200, seed=seed).attrs["samples"]["visits"],
    "funnel_ceiling": lambda seed: top_of_funnel_check(100, STAGES, {"low": 2000, "high": 9000}, n=200,
                                                       seed=seed).samples["ceiling"],
    "referrals": lambda seed: referral_gap(ECONOMICS, 500, n=200, seed=seed).to_numpy(),
}


def test_every_stream_is_named_once():
    assert len(set(STREAMS)) == len(STREAMS)


@pytest.mark.parametrize("name", STREAMS)
def test_changing_the_seed_changes_every_stream(name):
    assert not np.array_equal(rng_for(0, name).random(8), rng_for(1, name).random(8))
    assert np.array_equal(rng_for(0, name).random(8), rng_for(0, name).random(8))


def test_no_stream_repeats_another_under_any_seed():
    """The old scheme's default_rng(seed + 1) under seed 0 was default_rng(seed) under seed 1."""
    keys = [(seed, name, *path) for seed in range(3) for name in STREAMS for path in ((), (0,), (1,), (1, 0), (2, 3))]
    firsts = {key: tuple(rng_for(*key).integers(0, 2**63, 2)) for key in keys}
    for a, b in itertools.combinations(keys, 2):
        assert firsts[a] != firsts[b], (a, b)


def test_children_are_spawned_from_one_root():
    root = np.random.SeedSequence(7).spawn(len(STREAMS))[STREAMS.index("capacity")]
    child = root.spawn(3)[2].spawn(1)[0]
    assert seed_sequence(7, "capacity", 2, 0).generate_state(4).tolist() == child.generate_state(4).tolist()


@pytest.mark.parametrize("name", sorted(DRAW))
def test_each_public_draw_changes_with_the_seed(name):
    a, b, again = DRAW[name](0), DRAW[name](1), DRAW[name](0)
    assert np.array_equal(a, again)
    assert not np.array_equal(a, b)


@pytest.mark.parametrize("k", range(4))
def test_each_paths_sub_stream_changes_with_the_seed(k):
    assert not np.array_equal(_paths(0, k), _paths(1, k))


def test_the_ceiling_of_a_quick_assessment_changes_with_the_seed(tmp_path):
    csv = tmp_path / "history.csv"
    _history().rename_axis("month").to_frame().to_csv(csv)
    runs = [assess_from_csv(csv, metric="sales", target=150, deadline="2026-06", ceiling_low=150, ceiling_high=400,
                            seed=seed, n_paths=200) for seed in (0, 1, 0)]
    assert runs[0] == runs[2] and runs[0]["forecast"] != runs[1]["forecast"]
