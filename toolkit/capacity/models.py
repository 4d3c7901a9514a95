"""Per-segment capacity models: which draws and which formula make a segment's units, money, visits and leads.

Each builder (top-down, bottom-up, search demand) turns a spec segment into
named Monte Carlo drivers and an evaluator; :class:`MarketModel` sums the
segments and applies the reachable share. The formulas and the public API are
in :mod:`toolkit.capacity.market`.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
from scipy import stats

from toolkit.errors import InputError
from toolkit.priors.ctr import ctr_model
from toolkit.priors.ranges import Z90, Range, as_range, normal_on_interval, sample
from toolkit.spec.client import Segment

log = logging.getLogger("toolkit")

KEYWORD_COLUMNS = ("keyword", "searches_low", "searches_high", "position")

_UNITS = {
    "population": "people or businesses", "segment_share": "share buying", "purchases_per_year": "purchases/year",
    "avg_price": "money/unit", "reachable_customers": "customers/year", "avg_check": "money/order",
    "searches": "searches/month", "position": "rank (1 = top)", "ctr": "share of searches",
    "conversion": "share of visits", "lead_to_sale": "share of leads", "reachable_share": "share of capacity",
}
_SHARES = ("segment_share", "conversion", "lead_to_sale", "reachable_share")
Q10, Q90 = 0.10, 0.90
_CHUNK = 2_000_000  # keyword draws held in memory at once


# --------------------------------------------------------------------------- pure helpers

def label_number(x: float) -> str:
    """A number for a label: thousands separators for large values, 4 significant digits otherwise."""
    if abs(x) >= 1000:
        return f"{x:,.0f}" if abs(x) >= 1e5 or float(x).is_integer() else f"{x:,.1f}"
    return f"{x:.4g}"


def _label(r: Range) -> str:
    if r.is_exact:
        return label_number(r.value if r.value is not None else r.low)
    return f"{label_number(r.low)} – {label_number(r.high)}"



# --------------------------------------------------------------------------- drivers and models

@dataclass(eq=False)
class _Driver:
    """One named input: its draws, what the evaluator needs at its P10/P50/P90, and its input row."""

    key: str
    segment: str
    field: str
    samples: np.ndarray                # shown in CapacityEstimate.drivers (one value per draw)
    draws: object                      # what the evaluator takes for all draws
    at: dict[float, object]            # evaluator input at the quantiles 0.1, 0.5, 0.9
    low: float
    high: float
    label: str
    unit: str
    source: str | None
    exact: bool

    def row(self) -> dict:
        return {"segment": self.segment, "driver": self.key, "low": self.low, "high": self.high,
                "unit": self.unit, "source": self.source}


def range_driver(r: Range, *, key: str, segment: str, fld: str, n: int, rng: np.random.Generator,
                  clip: tuple[float, float] | None = None) -> _Driver:
    # The draws and the tornado's P10 / P50 / P90 come from the range's one distribution, so they agree.
    bounded = fld in _SHARES
    draws = sample(r, n, rng, bounded=bounded)
    at = {q: r.quantile(q, bounded=bounded) for q in (Q10, 0.5, Q90)}
    if clip is not None:
        draws = np.clip(draws, *clip)
        at = {q: float(np.clip(v, *clip)) for q, v in at.items()}
    low = r.value if r.value is not None else r.low
    high = r.value if r.value is not None else r.high
    return _Driver(key, segment, fld, draws, draws, at, float(low), float(high), _label(r), _UNITS.get(fld, ""),
                   r.source, r.is_exact)


@dataclass(eq=False)
class _SegmentModel:
    name: str
    model: str
    drivers: dict[str, _Driver]                       # by spec field
    evaluate: Callable[[dict[str, object]], dict]     # field -> values  ->  units, money, visits, leads


@dataclass(eq=False)
class MarketModel:
    segments: list[_SegmentModel]
    reach: _Driver

    @property
    def drivers(self) -> list[_Driver]:
        return [d for s in self.segments for d in s.drivers.values()] + [self.reach]

    def evaluate(self, values: dict[str, object]) -> dict[str, object]:
        """All outputs for driver values given by driver key (arrays of draws or scalars)."""
        units = money = 0.0
        visits = leads = None
        for seg in self.segments:
            out = seg.evaluate({f: values[d.key] for f, d in seg.drivers.items()})
            units = units + out["units"]
            money = money + out["money"]
            if out["visits"] is not None:
                visits = out["visits"] if visits is None else visits + out["visits"]
            if out["leads"] is not None:
                leads = out["leads"] if leads is None else leads + out["leads"]
        rs = values[self.reach.key]
        return {"units": units, "money": money, "visits": visits, "leads": leads,
                "ceiling_units": units * rs, "ceiling_money": money * rs,
                "ceiling_visits": None if visits is None else visits * rs,
                "ceiling_leads": None if leads is None else leads * rs}

    def at_quantiles(self, override: str | None = None, q: float = 0.5) -> dict[str, object]:
        """Every driver at its median, except ``override`` at quantile ``q``."""
        return {d.key: d.at[q if d.key == override else 0.5] for d in self.drivers}


def _need(seg: Segment, fld: str, path: str):
    value = getattr(seg, fld, None)
    if value is None:
        raise InputError.at(None, f"{path}.{fld}", None, f"a range for {fld} (model {seg.model} needs it)")
    return value


def _top_down(seg: Segment, path: str, key: Callable[[str], str], n: int, rng: np.random.Generator) -> _SegmentModel:
    fields = ("population", "segment_share", "purchases_per_year", "avg_price")
    d = {f: range_driver(_need(seg, f, path), key=key(f), segment=seg.name, fld=f, n=n, rng=rng) for f in fields}

    def evaluate(v):
        units = v["population"] * v["segment_share"] * v["purchases_per_year"] / 12.0
        return {"units": units, "money": units * v["avg_price"], "visits": None, "leads": None}

    return _SegmentModel(seg.name, "top_down", d, evaluate)


def _bottom_up(seg: Segment, path: str, key: Callable[[str], str], n: int, rng: np.random.Generator) -> _SegmentModel:
    fields = ("reachable_customers", "purchases_per_year", "avg_check")
    d = {f: range_driver(_need(seg, f, path), key=key(f), segment=seg.name, fld=f, n=n, rng=rng) for f in fields}

    def evaluate(v):
        units = v["reachable_customers"] * v["purchases_per_year"] / 12.0
        return {"units": units, "money": units * v["avg_check"], "visits": None, "leads": None}

    return _SegmentModel(seg.name, "bottom_up", d, evaluate)


def _keyword_table(table: object, field_name: str) -> list[tuple[float | None, np.ndarray, np.ndarray]]:
    """Validate a keywords table; group its volumes by position (None = the segment's position)."""
    if not isinstance(table, pd.DataFrame):
        raise InputError.at(None, field_name, type(table).__name__, "a pandas DataFrame with columns " + ", ".join(KEYWORD_COLUMNS))
    missing = [c for c in ("searches_low", "searches_high") if c not in table.columns]
    if missing:
        raise InputError.at(None, field_name, list(table.columns), "columns " + ", ".join(KEYWORD_COLUMNS))
    if table.empty:
        raise InputError.at(None, field_name, "an empty table", "at least one keyword with its monthly searches")
    low = pd.to_numeric(table["searches_low"], errors="coerce").to_numpy(dtype=float)
    high = pd.to_numeric(table["searches_high"], errors="coerce").to_numpy(dtype=float)
    names = table["keyword"].astype(str).to_numpy() if "keyword" in table.columns else np.arange(len(table)).astype(str)
    bad = ~(np.isfinite(low) & np.isfinite(high)) | (low < 0) | (low > high)
    if bad.any():
        i = int(np.argmax(bad))
        raise InputError.at(None, f"{field_name} (keyword {names[i]!r})", (low[i], high[i]),
                            "monthly searches with 0 <= searches_low <= searches_high")
    if "position" in table.columns:
        pos = pd.to_numeric(table["position"], errors="coerce").to_numpy(dtype=float)
        bad_pos = np.isfinite(pos) & (pos < 1)
        if bad_pos.any():
            i = int(np.argmax(bad_pos))
            raise InputError.at(None, f"{field_name} (keyword {names[i]!r}).position", pos[i], "a position >= 1, or empty")
    else:
        pos = np.full(len(table), np.nan)
    groups: list[tuple[float | None, np.ndarray, np.ndarray]] = []
    default = ~np.isfinite(pos)
    if default.any():
        groups.append((None, low[default], high[default]))
    for p in np.unique(pos[~default]):
        sel = pos == p
        groups.append((float(p), low[sel], high[sel]))
    return groups


def _keyword_volumes(low: np.ndarray, high: np.ndarray, step: int) -> tuple[float, list]:
    """The exact keywords' total, and the others' volume distributions as a Range defaults them.

    Lognormal on the 90% interval when ``low > 0``, uniform from 0 otherwise;
    vectorised as frozen ``scipy.stats`` distributions with one keyword per row
    and at most ``step`` rows each (draws of ``step`` keywords fit in memory).
    """
    logn = (low < high) & (low > 0)
    unif = (low < high) & (low == 0)
    mu, sigma = normal_on_interval(np.log(low[logn]), np.log(high[logn]))
    top = high[unif]
    dists = [stats.lognorm(s=sigma[i:i + step, None], scale=np.exp(mu[i:i + step, None]))
             for i in range(0, mu.size, step)]
    dists += [stats.uniform(scale=top[i:i + step, None]) for i in range(0, top.size, step)]
    return float(low[low == high].sum()), dists


def _keyword_sum(low: np.ndarray, high: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Draws of the total monthly searches of independent keywords."""
    exact, dists = _keyword_volumes(low, high, max(1, _CHUNK // n))
    total = np.full(n, exact)
    for dist in dists:
        rows = next(iter(dist.kwds.values())).shape[0]
        total += dist.rvs(size=(rows, n), random_state=rng).sum(axis=0)
    return total


def _keyword_quantile(low: np.ndarray, high: np.ndarray, q: float) -> float:
    """Every keyword at its own quantile q (keywords moved together, for the tornado swing)."""
    exact, dists = _keyword_volumes(low, high, max(len(low), 1))
    return float(exact + sum(float(dist.ppf(q).sum()) for dist in dists))


def _search_demand(seg: Segment, path: str, key: Callable[[str], str], n: int, rng: np.random.Generator,
                   table: pd.DataFrame, curves: pd.DataFrame | None, avg_check: Range | None) -> _SegmentModel:
    groups = _keyword_table(table, f"{path}.keywords")
    ctr = ctr_model(seg.ctr_curve, curves, field=f"{path}.ctr_curve")
    uses_default = groups[0][0] is None
    name = seg.name
    d: dict[str, _Driver] = {}

    # searches: one evaluator input per position group, shown as the total
    sums = [_keyword_sum(lo, hi, n, rng) for _, lo, hi in groups]
    at = {q: tuple(_keyword_quantile(lo, hi, q) for _, lo, hi in groups) for q in (Q10, 0.5, Q90)}
    lows = sum(float(lo.sum()) for _, lo, _ in groups)
    highs = sum(float(hi.sum()) for _, _, hi in groups)
    n_kw = sum(len(lo) for _, lo, _ in groups)
    total = np.sum(sums, axis=0)
    d["searches"] = _Driver(key("searches"), name, "searches", total, tuple(sums), at, lows, highs,
                            f"{label_number(lows)} – {label_number(highs)}" if highs > lows else label_number(lows),
                            _UNITS["searches"], f"keyword table {seg.keywords} ({n_kw} keywords, drawn independently)",
                            highs == lows)

    position = _need(seg, "position", path) if uses_default else seg.position
    if position is not None:
        p_low = position.value if position.value is not None else position.low
        if p_low < 1:
            raise InputError.at(None, f"{path}.position", p_low, "positions >= 1 (1 = top result)")
        d["position"] = range_driver(position, key=key("position"), segment=name, fld="position", n=n, rng=rng,
                                      clip=(1.0, float(ctr.max_position)))
        p_high = position.value if position.value is not None else position.high
        if p_high > ctr.max_position:
            log.warning("%s.position reaches %s; CTR beyond position %d is taken as at %d, which overstates page two",
                        path, p_high, ctr.max_position, ctr.max_position)
        ref_position = d["position"].at[0.5]
    else:
        ref_position = float(np.median([p for p, _, _ in groups]))
    if any(p is not None and p > ctr.max_position for p, _, _ in groups):
        log.warning("%s.keywords has positions beyond %d; their CTR is taken as at %d", path, ctr.max_position,
                    ctr.max_position)

    z = rng.standard_normal(n) if ctr.uncertain else np.zeros(n)
    zq = {q: float(stats.norm.ppf(q)) if ctr.uncertain else 0.0 for q in (Q10, 0.5, Q90)}
    lo_ctr, hi_ctr = float(ctr(ref_position, -Z90)), float(ctr(ref_position, Z90))
    d["ctr"] = _Driver(key("ctr"), name, "ctr", ctr(ref_position, z), z, zq, lo_ctr, hi_ctr,
                       f"{lo_ctr:.3g} – {hi_ctr:.3g} at position {ref_position:.3g}" if ctr.uncertain
                       else f"{lo_ctr:.3g} at position {ref_position:.3g}",
                       _UNITS["ctr"], ctr.source, not ctr.uncertain)

    d["conversion"] = range_driver(_need(seg, "conversion", path), key=key("conversion"), segment=name,
                                    fld="conversion", n=n, rng=rng)
    if seg.lead_to_sale is not None:
        d["lead_to_sale"] = range_driver(seg.lead_to_sale, key=key("lead_to_sale"), segment=name, fld="lead_to_sale",
                                          n=n, rng=rng)
    check = seg.avg_check if seg.avg_check is not None else avg_check
    if check is not None:
        d["avg_check"] = range_driver(as_range(check), key=key("avg_check"), segment=name, fld="avg_check", n=n, rng=rng)
    else:
        log.warning("%s: no avg_check for search_demand; money per month is unknown (NaN). "
                    "Give %s.avg_check or pass avg_check= (economics.avg_check)", path, path)
    positions = [p for p, _, _ in groups]

    def evaluate(v):
        visits = 0.0
        for p, s in zip(positions, v["searches"]):
            visits = visits + s * ctr(v["position"] if p is None else p, v["ctr"])
        if "lead_to_sale" in v:
            leads = visits * v["conversion"]
            units = leads * v["lead_to_sale"]
        else:
            leads, units = None, visits * v["conversion"]
        money = units * v["avg_check"] if "avg_check" in v else units * math.nan
        return {"units": units, "money": money, "visits": visits, "leads": leads}

    return _SegmentModel(name, "search_demand", d, evaluate)


def segment_model(seg: Segment, path: str, key: Callable[[str], str], n: int, rng: np.random.Generator,
                   keywords: dict[str, pd.DataFrame] | None, curves: pd.DataFrame | None,
                   avg_check: Range | None) -> _SegmentModel:
    if seg.model == "top_down":
        return _top_down(seg, path, key, n, rng)
    if seg.model == "bottom_up":
        return _bottom_up(seg, path, key, n, rng)
    if seg.model == "search_demand":
        file = _need(seg, "keywords", path)
        if not keywords or file not in keywords:
            raise InputError.at(None, f"{path}.keywords", file,
                                f"its keyword table passed as keywords={{{file!r}: DataFrame}}")
        return _search_demand(seg, path, key, n, rng, keywords[file], curves, avg_check)
    raise InputError.at(None, f"{path}.model", seg.model, "top_down, bottom_up or search_demand")
