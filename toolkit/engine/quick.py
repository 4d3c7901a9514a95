"""Assess a single goal straight from a history CSV, or a launch from its market (``goalcheck assess``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from toolkit.engine.assess import assess_goal
from toolkit.engine.horizon import horizon_for
from toolkit.engine.launch import launch_paths
from toolkit.engine.paths import forecast_table, simulate_paths
from toolkit.errors import InputError
from toolkit.priors.diffusion import load_diffusion_prior
from toolkit.priors.ranges import Range, sample
from toolkit.priors.streams import rng_for
from toolkit.spec.base import MONTH
from toolkit.spec.files import read_history

__all__ = ["assess_from_csv", "assess_launch"]


def _check_options(target: float, confidence: float, **months: str) -> None:
    """The goal's options, each named as the command line spells it."""
    for option, month in months.items():
        if not MONTH.match(str(month)):
            raise InputError.at(f"--{option}", None, month, "a month as YYYY-MM")
    if not 0 < confidence < 1:
        raise InputError.at("--confidence", None, confidence, "a probability strictly between 0 and 1")
    if target <= 0:
        raise InputError.at("--target", None, target, "a number > 0")


def _metric_history(history_csv: str | Path, metric: str) -> pd.DataFrame:
    kpis = read_history(Path(history_csv))
    if metric not in kpis.columns:
        raise InputError.at(str(history_csv), "header", metric, f"one of the columns {', '.join(kpis.columns)}")
    return kpis


def _ceiling_range(low: float, high: float) -> Range:
    try:
        return Range(low=low, high=high)
    except ValueError as exc:
        raise InputError(f"--ceiling-low/--ceiling-high: {exc.errors()[0]['msg'] if hasattr(exc, 'errors') else exc}"
                         "; expected the ceiling's 90% interval") from None


def assess_from_csv(history_csv: str | Path, *, metric: str, target: float, deadline: str, kind: str = "level",
                    ceiling_low: float | None = None, ceiling_high: float | None = None, confidence: float = 0.8,
                    seed: int = 0, n_paths: int = 2000) -> dict:
    """The assessment as a JSON-ready dict plus the monthly forecast quantiles."""
    _check_options(target, confidence, deadline=deadline)
    kpis = _metric_history(history_csv, metric)
    ceiling = None
    if (ceiling_low is None) != (ceiling_high is None):
        raise InputError("--ceiling-low/--ceiling-high: got only one; expected both bounds of the ceiling's 90% interval")
    if ceiling_low is not None:
        ceiling = sample(_ceiling_range(ceiling_low, ceiling_high), max(n_paths, 2000),
                         rng_for(seed, "assess_ceiling"))
    as_of = str(kpis.index[-1])
    if pd.Period(deadline, freq="M") <= kpis.index[-1]:
        raise InputError.at("--deadline", None, deadline, f"a month after the last history month {as_of}")
    paths = simulate_paths(kpis[metric], horizon_for(as_of, deadline), ceiling=ceiling, n_paths=n_paths, seed=seed)
    return _as_json(paths, target, deadline, kind, confidence, metric, as_of)


def assess_launch(*, launch: str, metric: str, target: float, deadline: str, ceiling_low: float, ceiling_high: float,
                  history_csv: str | Path | None = None, purchases_per_year: float = 12.0, kind: str = "level",
                  confidence: float = 0.8, seed: int = 0, n_paths: int = 2000) -> dict:
    """A launch's goal: Bass diffusion toward the potential, updated by any months since the launch.

    ``customers`` counts adopters so far, and its ceiling range is the potential
    itself; any other metric counts purchases a month, bounded by the ceiling.
    """
    _check_options(target, confidence, launch=launch, deadline=deadline)
    potential = _ceiling_range(ceiling_low, ceiling_high)
    observed = None
    as_of = str(pd.Period(launch, freq="M") - 1)
    if history_csv is not None:
        kpis = _metric_history(history_csv, metric)
        observed, as_of = kpis[metric], str(max(kpis.index[-1], pd.Period(launch, freq="M") - 1))
    if pd.Period(deadline, freq="M") <= pd.Period(as_of, freq="M"):
        raise InputError.at("--deadline", None, deadline, f"a month after {as_of}")
    customers = metric == "customers"
    paths = launch_paths(observed, launch=launch, as_of=as_of, horizon=horizon_for(as_of, deadline),
                         ceiling=potential, purchases_per_year=12.0 if customers else purchases_per_year,
                         prior=load_diffusion_prior(), measure="customers" if customers else "sales",
                         n_paths=n_paths, seed=seed)
    return _as_json(paths, target, deadline, kind, confidence, metric, as_of)


def _as_json(paths, target, deadline, kind, confidence, metric, as_of) -> dict:
    assessment = assess_goal(paths, target, deadline, kind=kind, confidence=confidence)
    out = assessment.to_dict()
    out["reach_date"] = {"p50": out["reach_p50"], "p80": out["reach_p80"], "p_never": out["p_never"]}
    table = forecast_table(paths)
    out["forecast"] = [{"month": str(month), **{str(k): round(float(v), 4) for k, v in row.items()}}
                       for month, row in table.iterrows()]
    out["metric"] = metric
    out["as_of"] = as_of
    out["model"] = paths.model
    return out
