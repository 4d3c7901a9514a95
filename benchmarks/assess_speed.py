"""Time one full goal assessment in a warm process (budget: 0.3 s).

A full assessment = model fit + 2,000 paths x 36 months (with ceiling draws)
+ P(met), verdict, realistic maximum, reach dates and milestones, then the
forecast table and the JSON dict the CLI prints.

Usage::

    PYTHONPATH=. python benchmarks/assess_speed.py [--reps 50]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from toolkit.engine import assess_goal, forecast_table, simulate_paths


def one(hist: pd.Series, ceiling: np.ndarray, seasonal_index: np.ndarray | None) -> dict:
    paths = simulate_paths(hist, 36, ceiling=ceiling, n_paths=2000, seed=0, seasonal_index=seasonal_index)
    deadline = paths.dates[17]
    a = assess_goal(paths, float(hist.iloc[-12:].mean()) * 1.3, deadline)
    forecast_table(paths)
    return a.to_dict()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=50)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    ceiling = rng.lognormal(np.log(400), 0.3, 5000)
    trends = 1 + 0.3 * np.cos(2 * np.pi * (np.arange(12) - 11) / 12)
    print(f"{'history':>8} {'trends':>6} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}")
    for n in (14, 48, 120):
        t = np.arange(n)
        hist = pd.Series(
            100 * np.exp(0.01 * t + rng.normal(0, 0.08, n)) * (1 + 0.25 * np.sin(2 * np.pi * t / 12)),
            index=pd.period_range("2020-01", periods=n, freq="M"),
        )
        si = trends if n < 36 else None
        one(hist, ceiling, si)  # warm-up: imports, caches
        times = []
        for _ in range(args.reps):
            t0 = time.perf_counter()
            one(hist, ceiling, si)
            times.append(time.perf_counter() - t0)
        ms = np.array(times) * 1e3
        print(f"{n:>8} {str(si is not None):>6} {np.median(ms):>10.1f} {np.quantile(ms, 0.95):>8.1f} {ms.max():>8.1f}")
    print("budget: 300 ms per assessment")


if __name__ == "__main__":
    main()
