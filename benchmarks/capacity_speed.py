"""How fast is a capacity estimate? 100,000 draws of a six-driver model, with sensitivity.

Run from the repository root::

    PYTHONPATH=. python benchmarks/capacity_speed.py

The six-driver model is search demand with keyword volumes, position, the
CTR-curve spread, visit-to-lead conversion, lead-to-sale rate and average check
(plus the reachable share for the ceiling). The figure printed is the best of
five runs of ``search_demand(...)`` followed by ``sensitivity("units")`` and
``sensitivity("money")``.

Measured 2026-11-23 on the 2-core build machine: about 0.13 s for the
six-driver model (0.06 s for top-down), well under the one-second budget.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from toolkit.capacity import search_demand, top_down

N = 100_000
REPEAT = 5


def six_driver() -> float:
    keywords = pd.DataFrame({
        "keyword": [f"keyword {i}" for i in range(20)],
        "searches_low": np.linspace(100, 5000, 20),
        "searches_high": np.linspace(250, 12000, 20),
        "position": [np.nan] * 18 + [1.0, 2.0],
    })
    t0 = time.perf_counter()
    est = search_demand(keywords, {"low": 3, "high": 8}, {"low": 0.02, "high": 0.06},
                        lead_to_sale={"low": 0.2, "high": 0.4}, avg_check={"low": 18, "high": 25},
                        reachable_share={"low": 0.1, "high": 0.3}, n=N, seed=0)
    est.sensitivity("units")
    est.sensitivity("money")
    return time.perf_counter() - t0


def four_driver() -> float:
    t0 = time.perf_counter()
    est = top_down({"low": 2e6, "high": 3e6}, {"low": 0.03, "high": 0.06}, {"low": 1.1, "high": 1.6},
                   {"low": 18, "high": 25}, reachable_share={"low": 0.05, "high": 0.12}, n=N, seed=0)
    est.sensitivity("units")
    est.sensitivity("money")
    return time.perf_counter() - t0


def main() -> None:
    six_driver()  # warm up imports and caches
    best6 = min(six_driver() for _ in range(REPEAT))
    best4 = min(four_driver() for _ in range(REPEAT))
    print(f"search_demand, 6 drivers + reachable share, {N:,} draws, with sensitivity: {best6 * 1000:.0f} ms")
    print(f"top_down, 4 drivers + reachable share, {N:,} draws, with sensitivity: {best4 * 1000:.0f} ms")


if __name__ == "__main__":
    main()
