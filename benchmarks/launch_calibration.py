"""Launch model: coverage of its 80% band on simulated launches, the classic diffusion series, and speed.

Usage: python benchmarks/launch_calibration.py [--launches 2500] [--paths 1000]

1. Simulated launches whose p, q and potential are drawn from the prior itself,
   observed with the model's noise: the share of outcomes inside the 80% band
   at 6, 12 and 24 months ahead, with 0, 3 and 6 months seen. This checks the
   machinery (the update and the simulation), not the prior: with ~2,500
   launches per cell the Monte Carlo error is about 1 point.
2. ../shared/realdata/diffusion/bass_classic_series.csv (yearly sales, not
   verified against the original paper: a check, not ground truth): one period
   is a year, the measure is cumulative adopters; fitted on the first 4 years,
   scored on the rest (coverage of the 80% band, error of the peak year).
3. Milliseconds per launch assessment (2,000 paths, 36 months, 6 months seen).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.engine import assess_goal
from toolkit.engine.launch import NOISE, expected_launch, launch_paths, monthly_coefficients
from toolkit.priors import Range
from toolkit.priors.diffusion import DiffusionPrior, load_diffusion_prior

REALDATA = Path(__file__).resolve().parent.parent.parent / "shared" / "realdata" / "diffusion" / "bass_classic_series.csv"
CEILING = Range(low=300, high=1200)
RATE = 2 / 12


def _draw(rng, r: Range) -> float:
    return float(r.distribution().rvs(random_state=rng))


def simulated_coverage(launches: int, paths: int) -> pd.DataFrame:
    prior = load_diffusion_prior()
    rng = np.random.default_rng(20261129)
    aheads, seens = (6, 12, 24), (0, 3, 6)
    hits = {(s, a): [] for s in seens for a in aheads}
    for i in range(launches):
        p, q = monthly_coefficients(_draw(rng, prior.p), _draw(rng, prior.q))
        ceiling = _draw(rng, CEILING)
        months = np.arange(1, 31)
        mean = expected_launch(months, [p], [q], [ceiling / RATE], RATE)[0]
        truth = np.clip(np.expm1(np.log1p(mean) + NOISE * rng.standard_normal(len(months))), 0, ceiling)
        series = pd.Series(truth, index=pd.period_range("2026-01", periods=len(months), freq="M"))
        for seen in seens:
            last = pd.Period("2026-01", freq="M") + seen - 1
            ens = launch_paths(series.iloc[:seen], launch="2026-01", as_of=str(last), horizon=max(aheads),
                               ceiling=CEILING, purchases_per_year=RATE * 12, prior=prior, n_paths=paths, seed=i)
            for ahead in aheads:
                lo, hi = np.quantile(ens.values[:, ahead - 1], [0.1, 0.9])
                hits[(seen, ahead)].append(lo <= series.iloc[seen + ahead - 1] <= hi)
    table = pd.DataFrame({f"{a} months ahead": [np.mean(hits[(s, a)]) for s in seens] for a in aheads},
                         index=[f"{s} months seen" for s in seens])
    return table


def classic_series(paths: int) -> pd.DataFrame:
    data = pd.read_csv(REALDATA)
    prior = load_diffusion_prior()
    # One period is a year here: the yearly coefficients enter as they are (the model divides by 12).
    yearly = DiffusionPrior(Range(low=prior.p.low * 12, high=prior.p.high * 12),
                            Range(low=prior.q.low * 12, high=prior.q.high * 12), prior.source)
    rows = []
    for product, frame in data.groupby("product", sort=True):
        sales = frame.sort_values("year")["sales_thousands_units"].to_numpy(float)
        cumulative = pd.Series(np.cumsum(sales), index=pd.period_range("2001-01", periods=len(sales), freq="M"))
        fit = 4
        seen = cumulative.iloc[:fit]
        potential = Range(low=seen.iloc[-1] * 2, high=seen.iloc[-1] * 40)  # wide: the series name no market size
        ens = launch_paths(seen, launch="2001-01", as_of=str(seen.index[-1]), horizon=len(sales) - fit,
                           ceiling=potential, purchases_per_year=12, prior=yearly, measure="customers",
                           n_paths=paths, seed=0, noise=0.1)
        lo, hi = np.quantile(ens.values, [0.1, 0.9], axis=0)
        actual = cumulative.iloc[fit:].to_numpy()
        median_path = np.median(ens.values, axis=0)
        forecast_yearly = np.diff(np.concatenate([[0.0], seen.to_numpy(), median_path]))
        rows.append({"product": product, "years": len(sales), "fitted on": fit,
                     "80% band coverage": float(np.mean((lo <= actual) & (actual <= hi))),
                     "peak year actual": int(np.argmax(sales)) + 1,
                     "peak year forecast": int(np.argmax(forecast_yearly)) + 1})
    return pd.DataFrame(rows).set_index("product")


def speed(reps: int = 20) -> float:
    prior = load_diffusion_prior()
    seen = pd.Series([4.0, 7.0, 12.0, 15.0, 21.0, 30.0], index=pd.period_range("2026-01", periods=6, freq="M"))
    times = []
    for i in range(reps + 1):
        start = time.perf_counter()
        ens = launch_paths(seen, launch="2026-01", as_of="2026-06", horizon=36, ceiling=CEILING,
                           purchases_per_year=2, prior=prior, n_paths=2000, seed=i)
        assess_goal(ens, target=150, deadline="2027-06")
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times[1:]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--launches", type=int, default=2500)
    parser.add_argument("--paths", type=int, default=1000)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores")
    print(f"one launch assessment (2,000 paths, 36 months, 6 months seen): {speed():.0f} ms median")
    started = time.perf_counter()
    table = simulated_coverage(args.launches, args.paths)
    print(f"\n80% band coverage on {args.launches} simulated launches per cell (target 0.78-0.82), "
          f"{time.perf_counter() - started:.0f} s:")
    print(table.round(3).to_string())
    if REALDATA.is_file():
        print("\nclassic diffusion series (yearly; fitted on the first 4 years):")
        print(classic_series(args.paths).to_string())
    else:
        print(f"\n{REALDATA} not found: classic series skipped")


if __name__ == "__main__":
    main()
