"""The simulated futures of one goal, built one way for the report, the plan and the review.

A plan saved at the same month, seed and inputs as a report must show the
report's numbers, so both call :func:`goal_paths`: the same ceiling draws
(capacity at ``max(n_paths, 2000)`` draws with the same seed) and the same
seasonal shape (the market's, from Google Trends, when the client has one).
"""

from __future__ import annotations

import numpy as np

from toolkit.capacity.market import estimate_client, keyword_tables
from toolkit.demand.view import demand_view
from toolkit.engine.horizon import horizon_for
from toolkit.engine.paths import PathEnsemble, simulate_paths
from toolkit.errors import InputError
from toolkit.priors.ranges import Range
from toolkit.spec.client import ClientSpec, load_client

__all__ = ["goal_paths", "market_season", "ceiling_draws", "capacity_draws", "launch_ceiling"]


def capacity_draws(n_paths: int) -> int:
    """How many capacity draws back ``n_paths`` futures (never fewer than 2,000: the ceiling's tails)."""
    return max(int(n_paths), 2000)


def market_season(spec: ClientSpec, demand=None) -> np.ndarray | None:
    """The market's 12 seasonal factors when the client gives a Trends source, else None.

    Without one the path model estimates the history's own seasonality
    (:mod:`toolkit.engine.seasonal`). ``demand`` is a :class:`DemandView` already
    built for this client (saves building it twice).
    """
    market = spec.market
    if market is None or not (market.trends or market.trends_live):
        return None
    view = demand if demand is not None else demand_view(spec)
    return None if view is None else view.factors()


def ceiling_draws(spec: ClientSpec, metric: str, *, seed: int, n: int):
    """Ceiling draws of ``metric`` from the client's market, or None without market inputs."""
    if spec.market is None:
        return None
    return estimate_client(spec, keywords=keyword_tables(spec), n=n, seed=seed).ceiling_for(metric)


def goal_paths(spec: ClientSpec, metric: str, deadline: str, *, seed: int, n_paths: int, ceiling=None,
               season: np.ndarray | None = None, history=None, as_of: str | None = None) -> PathEnsemble:
    """Simulated futures of ``metric`` from ``as_of`` (default the client's) to ``deadline``.

    ``history`` defaults to the client's KPI history (already cut at its as-of month).
    """
    series = spec.kpis[metric] if history is None else history
    start = as_of or spec.client.as_of
    return simulate_paths(series, horizon_for(start, deadline), ceiling=ceiling, n_paths=n_paths, seed=seed,
                          seasonal_index=season)


def launch_ceiling(client_dir: str, metric: str, *, low: float, high: float, seed: int, n_paths: int):
    """The ceiling a launch fills: the market estimate of a client folder when one is named, else the
    stated 90% range ``low``-``high``."""
    if not client_dir:
        return Range(low=low, high=high)
    draws = ceiling_draws(load_client(client_dir), metric, seed=seed, n=capacity_draws(n_paths))
    if draws is None:
        raise InputError.at(f"{client_dir}/client.yaml", "market", None,
                            f"a market section that bounds {metric!r}, or no client folder and a ceiling range")
    return draws
