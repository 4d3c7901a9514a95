"""Market capacity and the client's ceiling, as Monte Carlo distributions.

Every input is a :class:`~toolkit.priors.ranges.Range` (a 90% interval, or an exact
value); each model turns them into ``n`` draws of what the market buys per
month. Per draw:

    top_down       units  = population x segment_share x purchases_per_year / 12
                   money  = units x avg_price
    bottom_up      units  = reachable_customers x purchases_per_year / 12
                   money  = units x avg_check
    search_demand  visits = sum_k searches_k x CTR(position_k)
                   leads  = visits x conversion                  (with lead_to_sale)
                   units  = leads x lead_to_sale, or visits x conversion
                   money  = units x avg_check
    market         capacity = sum of the segments (or regions)
                   ceiling  = capacity x reachable_share

CTR by position comes from published curves and their spread
(:mod:`toolkit.priors.ctr`); each search segment draws its own place in that spread.
Keyword volumes are ranges too (``searches_low`` .. ``searches_high``), drawn
independently per keyword (so the total is tighter than any one keyword; if a
keyword tool's error is systematic, widen the ranges). For search demand the
"capacity" is what search can bring to a site at the position it can reach;
the ceiling still multiplies it by ``reachable_share``, so set that share to
what the client can hold of that traffic (1 if the position already says it
all).

Quick start::

    spec = load_client("data/clients/acme-cases")
    est = estimate_market(spec.market, n=20_000, seed=0)
    est.summary()                 # P10 / P50 / P90 of capacity and ceiling
    est.sensitivity("units")      # the drivers, largest share of variance first

Sensitivity has two columns per driver, both sorted for a tornado chart:
``variance_share`` is the first-order (main-effect) share of the output's
variance explained by the driver alone, estimated from the Monte Carlo draws by
binning on the driver [2]_; by default on the log scale, where a product of
independent drivers decomposes exactly into the sum of their log-variances.
``low`` / ``high`` are the output with that driver at its P10 / P90 and every
other driver at its median (the classic tornado swing).

References
----------
.. [1] D. W. Hubbard, *How to Measure Anything*, 3rd ed., Wiley 2014.
.. [2] A. Saltelli et al., *Global Sensitivity Analysis: The Primer*, Wiley
   2008, ch. 1 (first-order indices Var(E[Y|X_i]) / Var(Y)).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from pydantic import ValidationError

from toolkit.capacity.estimate import (
    CapacityEstimate,
    json_ready,
    percentiles,
)
from toolkit.capacity.models import (
    MarketModel,
    range_driver,
    segment_model,
)
from toolkit.errors import InputError
from toolkit.priors.ranges import Range, as_range
from toolkit.priors.streams import rng_for
from toolkit.sources import read_keywords
from toolkit.spec.client import ClientSpec, MarketSpec, Segment

__all__ = ["top_down", "bottom_up", "search_demand", "estimate_market", "estimate_client", "estimate_scenarios",
           "compare_scenarios", "scenario_table", "capacity_json", "keyword_tables"]

log = logging.getLogger("toolkit")


# --------------------------------------------------------------------------- builders

def _check_n_seed(n: int, seed: int) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 100:
        raise InputError.at(None, "n", n, "an integer number of draws >= 100")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError.at(None, "seed", seed, "a non-negative integer")


def _build(parts: list[tuple[Segment, str, tuple[int, int]]], reachable_share: Range, *, name: str, n: int, seed: int,
           keywords: dict[str, pd.DataFrame] | None, curves: pd.DataFrame | None, avg_check: Range | None,
           reach_path: str = "market.reachable_share") -> CapacityEstimate:
    """Draw every segment from its own stream (:mod:`toolkit.priors.streams`) so a scenario reuses the
    base draws exactly."""
    _check_n_seed(n, seed)
    if reachable_share is None:
        raise InputError.at(None, reach_path, None, "a range for the share of capacity the client can hold")
    names = [seg.name for seg, _, _ in parts]
    if len(set(names)) != len(names):
        dup = next(x for x in names if names.count(x) > 1)
        raise InputError.at(None, "market.segments", dup, "unique segment names")
    single = len(parts) == 1
    segments = []
    for seg, path, stream in parts:
        rng = rng_for(seed, "capacity", *stream)
        key = (lambda f: f) if single else (lambda f, s=seg.name: f"{s}/{f}")
        segments.append(segment_model(seg, path, key, n, rng, keywords, curves, avg_check))
    reach = range_driver(as_range(reachable_share), key="reachable_share", segment="market", fld="reachable_share",
                          n=n, rng=rng_for(seed, "capacity", 0, 0))
    model = MarketModel(segments, reach)
    out = model.evaluate({d.key: d.draws for d in model.drivers})
    as_array = lambda v: None if v is None else np.broadcast_to(np.asarray(v, dtype=float), (n,)).copy()
    drivers = {d.key: d.samples for d in model.drivers}
    inputs = [d.row() for d in model.drivers]
    est = CapacityEstimate(
        units=as_array(out["units"]), money=as_array(out["money"]),
        ceiling_units=as_array(out["ceiling_units"]), ceiling_money=as_array(out["ceiling_money"]),
        visits=as_array(out["visits"]), leads=as_array(out["leads"]), drivers=drivers, inputs=inputs,
        name=name, n=int(n), seed=int(seed), structure=model,
    )
    log.debug("capacity %s: %d segments, %d draws, P50 units %.4g", name, len(segments), n, np.median(est.units))
    return est


def _market_parts(market: MarketSpec) -> list[tuple[Segment, str, tuple[int, int]]]:
    if market.model == "segments":
        return [(s, f"market.segments.{i}", (1, i)) for i, s in enumerate(market.segments)]
    return [(market.base_segments()[0], "market", (1, 0))]


def estimate_market(market: MarketSpec, *, keywords: dict[str, pd.DataFrame] | None = None, n: int = 20000,
                    seed: int = 0, avg_check: Range | float | dict | None = None,
                    ctr_curves: pd.DataFrame | None = None) -> CapacityEstimate:
    """Capacity and ceiling of the market as given (its base segments), per month.

    Parameters
    ----------
    market : MarketSpec
        The ``market`` section of client.yaml: one model inline or a list of
        segments (regions, product lines), plus ``reachable_share``.
    keywords : dict[str, pandas.DataFrame], optional
        For search-demand segments: the segment's ``keywords`` file name ->
        its table with columns ``keyword, searches_low, searches_high,
        position`` (monthly searches; ``position`` NaN = the segment's).
    n : int
        Monte Carlo draws (the same ``seed`` gives identical numbers).
    seed : int
        Seed of the draws.
    avg_check : Range, optional
        Average order value for search-demand segments that do not give their
        own (typically ``economics.avg_check``); without one, money is NaN.
    ctr_curves : pandas.DataFrame, optional
        CTR curves replacing the shipped ones (see :mod:`toolkit.priors.ctr`).

    Returns
    -------
    CapacityEstimate

    Raises
    ------
    InputError
        A driver is missing or invalid, or a keyword table is missing or empty;
        the message names the field.
    """
    check = None if avg_check is None else as_range(avg_check)
    return _build(_market_parts(market), market.reachable_share, name="base", n=n, seed=seed, keywords=keywords,
                  curves=ctr_curves, avg_check=check)


def estimate_scenarios(market: MarketSpec, *, keywords: dict[str, pd.DataFrame] | None = None, n: int = 20000,
                       seed: int = 0, avg_check: Range | float | dict | None = None,
                       ctr_curves: pd.DataFrame | None = None) -> dict[str, CapacityEstimate]:
    """The base market and each expansion scenario (base segments + the scenario's), by name.

    The base segments use the same draws in every scenario (common random
    numbers), so differences between scenarios come from the added segments.
    """
    check = None if avg_check is None else as_range(avg_check)
    base = _market_parts(market)
    kwargs = dict(n=n, seed=seed, keywords=keywords, curves=ctr_curves, avg_check=check)
    results = {"base": _build(base, market.reachable_share, name="base", **kwargs)}
    for j, sc in enumerate(market.scenarios):
        if sc.name in results:
            raise InputError.at(None, f"market.scenarios.{j}.name", sc.name, "a scenario name other than 'base', used once")
        added = [(s, f"market.scenarios.{j}.add_segments.{i}", (2 + j, i)) for i, s in enumerate(sc.add_segments)]
        results[sc.name] = _build(base + added, market.reachable_share, name=sc.name, **kwargs)
    return results


def compare_scenarios(market: MarketSpec, *, keywords: dict[str, pd.DataFrame] | None = None, n: int = 20000,
                      seed: int = 0, avg_check: Range | float | dict | None = None,
                      ctr_curves: pd.DataFrame | None = None) -> pd.DataFrame:
    """Base and each scenario side by side: capacity and ceiling P10 / P50 / P90 per month.

    Returns
    -------
    pandas.DataFrame
        One row per scenario (index ``scenario``, base first); columns
        ``segments`` then ``{units,money,ceiling_units,ceiling_money}_{p10,p50,p90}``.
    """
    results = estimate_scenarios(market, keywords=keywords, n=n, seed=seed, avg_check=avg_check, ctr_curves=ctr_curves)
    return scenario_table(results)


def scenario_table(results: dict[str, CapacityEstimate]) -> pd.DataFrame:
    """The side-by-side table of :func:`compare_scenarios` from already computed estimates."""
    rows = []
    for name, est in results.items():
        row = {"scenario": name, "segments": ", ".join(s.name for s in est.structure.segments) if est.structure else ""}
        for attr in ("units", "money", "ceiling_units", "ceiling_money"):
            row.update(zip((f"{attr}_p10", f"{attr}_p50", f"{attr}_p90"), percentiles(getattr(est, attr))))
        rows.append(row)
    return pd.DataFrame(rows).set_index("scenario")


def estimate_client(spec, *, keywords: dict[str, pd.DataFrame] | None = None, n: int = 20000, seed: int = 0,
                    ctr_curves: pd.DataFrame | None = None) -> CapacityEstimate:
    """:func:`estimate_market` for a loaded client, using ``economics.avg_check`` for search demand."""
    if spec.market is None:
        raise InputError("client.yaml: market: missing; expected a market section (top_down, bottom_up, "
                         "search_demand or segments) to estimate capacity", field="market")
    return estimate_market(spec.market, keywords=keywords, n=n, seed=seed, avg_check=spec.economics.avg_check,
                           ctr_curves=ctr_curves)


def capacity_json(est: CapacityEstimate) -> dict:
    """What ``goalcheck capacity CLIENT_DIR --json`` prints.

    Units and money per month, P10 / P50 / P90, for capacity and ceiling (and
    visits / leads for search demand), and each driver with its range, source
    and share of the variance of units and money.
    """
    def pct(x):
        return None if x is None else dict(zip(("p10", "p50", "p90"), percentiles(x)))

    sens_u = est.sensitivity("units") if est.structure is not None else None
    has_money = not np.all(np.isnan(est.money))
    sens_m = est.sensitivity("money") if est.structure is not None and has_money else None
    drivers = []
    for row in est.inputs:
        item = {"driver": row["driver"], "segment": row["segment"], "low": row["low"], "high": row["high"],
                "unit": row["unit"], "source": row["source"]}
        for label, sens in (("units", sens_u), ("money", sens_m)):
            if sens is not None:
                hit = sens[sens["driver"] == row["driver"]].iloc[0]
                item[f"variance_share_{label}"] = hit["variance_share"]
                item[f"swing_{label}"] = {"low": hit["low"], "high": hit["high"]}
        drivers.append(item)
    if sens_u is not None:
        order = {d: i for i, d in enumerate(sens_u["driver"])}
        drivers.sort(key=lambda r: order.get(r["driver"], len(order)))
    return json_ready({
        "scenario": est.name, "n": est.n, "seed": est.seed, "per": "month",
        "capacity": {"units": pct(est.units), "money": pct(est.money)},
        "ceiling": {"units": pct(est.ceiling_units), "money": pct(est.ceiling_money)},
        "visits": pct(est.visits), "leads": pct(est.leads),
        "drivers": drivers,
    })


# --------------------------------------------------------------------------- one-model shortcuts

def _segment(**fields) -> Segment:
    try:
        return Segment(**{k: v for k, v in fields.items() if v is not None})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "segment"
        raise InputError.at(None, where, first.get("input"), first["msg"].removeprefix("Value error, ")) from None


def top_down(population, segment_share, purchases_per_year, avg_price, *, reachable_share, n: int = 20000,
             seed: int = 0, name: str = "market") -> CapacityEstimate:
    """Top-down capacity: population x segment share x purchases per year / 12, x average price.

    Every argument is a :class:`~toolkit.priors.ranges.Range`, a ``{low, high}``
    mapping or an exact number. See :func:`estimate_market` for the result.
    """
    seg = _segment(name=name, model="top_down", population=population, segment_share=segment_share,
                   purchases_per_year=purchases_per_year, avg_price=avg_price)
    return _build([(seg, "market", (1, 0))], as_range(reachable_share), name="base", n=n, seed=seed,
                  keywords=None, curves=None, avg_check=None)


def bottom_up(reachable_customers, purchases_per_year, avg_check, *, reachable_share, n: int = 20000, seed: int = 0,
              name: str = "market") -> CapacityEstimate:
    """Bottom-up capacity: reachable customers x purchases per year / 12, x average check."""
    seg = _segment(name=name, model="bottom_up", reachable_customers=reachable_customers,
                   purchases_per_year=purchases_per_year, avg_check=avg_check)
    return _build([(seg, "market", (1, 0))], as_range(reachable_share), name="base", n=n, seed=seed,
                  keywords=None, curves=None, avg_check=None)


def search_demand(keywords: pd.DataFrame, position, conversion, *, reachable_share, lead_to_sale=None, avg_check=None,
                  ctr_curve: str | None = None, ctr_curves: pd.DataFrame | None = None, n: int = 20000, seed: int = 0,
                  name: str = "market") -> CapacityEstimate:
    """Search-demand capacity: sum over keywords of searches x CTR(position) x conversion.

    Parameters
    ----------
    keywords : pandas.DataFrame
        Columns ``keyword, searches_low, searches_high, position``.
    position : Range
        The position the site can reach (1 = top); a keyword's own
        ``position`` overrides it.
    conversion : Range
        Visit to sale, or visit to lead when ``lead_to_sale`` is given.
    lead_to_sale : Range, optional
        Lead to sale rate.
    avg_check : Range, optional
        Average order value (money per sale); without it money is NaN.
    ctr_curve : str, optional
        A curve name (see :func:`toolkit.priors.ctr.curve_names`) or ``"spread"`` (default).
    """
    seg = _segment(name=name, model="search_demand", keywords="keywords", position=position, conversion=conversion,
                   lead_to_sale=lead_to_sale, avg_check=avg_check, ctr_curve=ctr_curve)
    return _build([(seg, "market", (1, 0))], as_range(reachable_share), name="base", n=n, seed=seed,
                  keywords={"keywords": keywords}, curves=ctr_curves, avg_check=None)


def keyword_tables(spec: ClientSpec) -> dict[str, pd.DataFrame]:
    """Each keywords file named in the market section, read once (any supported export format)."""
    if spec.market is None:
        return {}
    segments = spec.market.base_segments() + [s for sc in spec.market.scenarios for s in sc.add_segments]
    return {s.keywords: spec.demand_file(s.keywords, read_keywords) for s in segments if s.keywords}
