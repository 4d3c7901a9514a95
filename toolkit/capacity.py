"""Market capacity and the client's ceiling, as Monte Carlo distributions.

Every input is a :class:`~toolkit.uncertain.Range` (a 90% interval, or an exact
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
(:mod:`toolkit.ctr`); each search segment draws its own place in that spread.
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
import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd
from pydantic import ValidationError
from scipy import special, stats

from toolkit.ctr import ctr_model
from toolkit.errors import InputError
from toolkit.spec import MarketSpec, Segment
from toolkit.uncertain import Z90, Range, _default_dist, as_range, sample

__all__ = [
    "CapacityEstimate", "top_down", "bottom_up", "search_demand", "estimate_market", "estimate_client",
    "estimate_scenarios", "compare_scenarios", "scenario_table", "capacity_json", "range_quantile", "OUTPUTS",
    "KEYWORD_COLUMNS",
]

log = logging.getLogger("toolkit")

OUTPUTS = ("units", "money", "ceiling_units", "ceiling_money", "visits", "leads")
KEYWORD_COLUMNS = ("keyword", "searches_low", "searches_high", "position")
SUMMARY_ROWS = {"capacity units": "units", "capacity money": "money",
                "ceiling units": "ceiling_units", "ceiling money": "ceiling_money"}
UNITS_METRICS = ("sales", "orders", "customers")
MONEY_METRICS = ("revenue",)
LEAD_METRICS = ("leads", "calls")

_UNITS = {
    "population": "people or businesses", "segment_share": "share buying", "purchases_per_year": "purchases/year",
    "avg_price": "money/unit", "reachable_customers": "customers/year", "avg_check": "money/order",
    "searches": "searches/month", "position": "rank (1 = top)", "ctr": "share of searches",
    "conversion": "share of visits", "lead_to_sale": "share of leads", "reachable_share": "share of capacity",
}
_SHARES = ("segment_share", "conversion", "lead_to_sale", "reachable_share")
_Q10, _Q90 = 0.10, 0.90
_CHUNK = 2_000_000  # keyword draws held in memory at once


# --------------------------------------------------------------------------- pure helpers

def range_quantile(r: Range | float | dict, q: float, *, bounded: bool = False) -> float:
    """Quantile ``q`` of the distribution :func:`toolkit.uncertain.sample` draws from.

    Parameters
    ----------
    r : Range, number or mapping
        The uncertain input.
    q : float
        Probability in (0, 1).
    bounded : bool
        True for shares and rates (logit-normal by default).
    """
    r = as_range(r)
    if r.is_exact:
        return float(r.value if r.value is not None else r.low)
    dist = _default_dist(r, bounded)
    z = float(stats.norm.ppf(q))
    if dist == "lognormal":
        lo, hi = math.log(r.low), math.log(r.high)
        return math.exp((lo + hi) / 2 + z * (hi - lo) / (2 * Z90))
    if dist == "logitnormal":
        lo, hi = special.logit(r.low), special.logit(r.high)
        return float(special.expit((lo + hi) / 2 + z * (hi - lo) / (2 * Z90)))
    if dist == "normal":
        x = (r.low + r.high) / 2 + z * (r.high - r.low) / (2 * Z90)
        return float(min(max(x, 0.0), 1.0) if bounded else max(x, 0.0))
    if dist == "uniform":
        return r.low + q * (r.high - r.low)
    span = r.high - r.low
    a = 1 + 4 * (r.mode - r.low) / span
    b = 1 + 4 * (r.high - r.mode) / span
    return float(r.low + span * stats.beta.ppf(q, a, b))


def _fmt(x: float) -> str:
    """A number for a label: thousands separators for large values, 4 significant digits otherwise."""
    if abs(x) >= 1000:
        return f"{x:,.0f}" if abs(x) >= 1e5 or float(x).is_integer() else f"{x:,.1f}"
    return f"{x:.4g}"


def _label(r: Range) -> str:
    if r.is_exact:
        return _fmt(r.value if r.value is not None else r.low)
    return f"{_fmt(r.low)} – {_fmt(r.high)}"


def _percentiles(x: np.ndarray | None) -> tuple[float, float, float]:
    if x is None or len(x) == 0 or np.all(np.isnan(x)):
        return (math.nan, math.nan, math.nan)
    p10, p50, p90 = np.nanpercentile(x, [10, 50, 90])
    return float(p10), float(p50), float(p90)


def _clean(x):
    """JSON-ready: numpy scalars to Python, NaN / inf to None."""
    if isinstance(x, dict):
        return {str(k): _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_clean(v) for v in x]
    if isinstance(x, (np.floating, float)):
        return float(x) if math.isfinite(x) else None
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.bool_):
        return bool(x)
    return x


def _first_order_share(x: np.ndarray, y: np.ndarray, bins: int) -> float:
    """Var(E[y | x]) / Var(y) from equal-count bins of x, with the small-sample bias removed."""
    n = len(y)
    total = float(np.var(y))
    if n < 2 * bins or total <= 0 or not np.isfinite(total):
        return 0.0
    ys = y[np.argsort(x, kind="stable")]
    edges = (np.arange(bins) * n) // bins
    counts = np.diff(np.append(edges, n)).astype(float)
    sums = np.add.reduceat(ys, edges)
    sq = np.add.reduceat(ys * ys, edges)
    means = sums / counts
    within = float(np.sum(sq - counts * means**2) / n)  # pooled within-bin variance
    between = float(np.sum(counts * (means - ys.mean()) ** 2) / n)
    corrected = between - (bins - 1) / n * within * n / (n - bins)
    return float(min(max(corrected / total, 0.0), 1.0))


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


def _range_driver(r: Range, *, key: str, segment: str, fld: str, n: int, rng: np.random.Generator,
                  clip: tuple[float, float] | None = None) -> _Driver:
    bounded = fld in _SHARES
    draws = sample(r, n, rng, bounded=bounded)
    at = {q: range_quantile(r, q, bounded=bounded) for q in (_Q10, 0.5, _Q90)}
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
class _MarketModel:
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
    d = {f: _range_driver(_need(seg, f, path), key=key(f), segment=seg.name, fld=f, n=n, rng=rng) for f in fields}

    def evaluate(v):
        units = v["population"] * v["segment_share"] * v["purchases_per_year"] / 12.0
        return {"units": units, "money": units * v["avg_price"], "visits": None, "leads": None}

    return _SegmentModel(seg.name, "top_down", d, evaluate)


def _bottom_up(seg: Segment, path: str, key: Callable[[str], str], n: int, rng: np.random.Generator) -> _SegmentModel:
    fields = ("reachable_customers", "purchases_per_year", "avg_check")
    d = {f: _range_driver(_need(seg, f, path), key=key(f), segment=seg.name, fld=f, n=n, rng=rng) for f in fields}

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


def _keyword_sum(low: np.ndarray, high: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Draws of the total monthly searches of independent keywords (lognormal, or uniform from 0)."""
    total = np.full(n, float(low[low == high].sum()))
    logn = np.flatnonzero((low < high) & (low > 0))
    if logn.size:
        lo, hi = np.log(low[logn]), np.log(high[logn])
        mu, sigma = (lo + hi) / 2, (hi - lo) / (2 * Z90)
        step = max(1, _CHUNK // n)
        for s in range(0, logn.size, step):
            z = rng.standard_normal((min(step, logn.size - s), n))
            total += np.exp(mu[s:s + step, None] + sigma[s:s + step, None] * z).sum(axis=0)
    unif = np.flatnonzero((low < high) & (low == 0))
    if unif.size:
        step = max(1, _CHUNK // n)
        for s in range(0, unif.size, step):
            u = rng.random((min(step, unif.size - s), n))
            total += (high[unif[s:s + step], None] * u).sum(axis=0)
    return total


def _keyword_quantile(low: np.ndarray, high: np.ndarray, q: float) -> float:
    """Every keyword at its own quantile q (keywords moved together, for the tornado swing)."""
    z = float(stats.norm.ppf(q))
    exact = low == high
    logn = (low < high) & (low > 0)
    unif = (low < high) & (low == 0)
    lo, hi = np.log(low[logn]), np.log(high[logn])
    return float(low[exact].sum() + np.exp((lo + hi) / 2 + z * (hi - lo) / (2 * Z90)).sum() + (q * high[unif]).sum())


def _search_demand(seg: Segment, path: str, key: Callable[[str], str], n: int, rng: np.random.Generator,
                   table: pd.DataFrame, curves: pd.DataFrame | None, avg_check: Range | None) -> _SegmentModel:
    groups = _keyword_table(table, f"{path}.keywords")
    ctr = ctr_model(seg.ctr_curve, curves, field=f"{path}.ctr_curve")
    uses_default = groups[0][0] is None
    name = seg.name
    d: dict[str, _Driver] = {}

    # searches: one evaluator input per position group, shown as the total
    sums = [_keyword_sum(lo, hi, n, rng) for _, lo, hi in groups]
    at = {q: tuple(_keyword_quantile(lo, hi, q) for _, lo, hi in groups) for q in (_Q10, 0.5, _Q90)}
    lows = sum(float(lo.sum()) for _, lo, _ in groups)
    highs = sum(float(hi.sum()) for _, _, hi in groups)
    n_kw = sum(len(lo) for _, lo, _ in groups)
    total = np.sum(sums, axis=0)
    d["searches"] = _Driver(key("searches"), name, "searches", total, tuple(sums), at, lows, highs,
                            f"{_fmt(lows)} – {_fmt(highs)}" if highs > lows else _fmt(lows),
                            _UNITS["searches"], f"keyword table {seg.keywords} ({n_kw} keywords, drawn independently)",
                            highs == lows)

    position = _need(seg, "position", path) if uses_default else seg.position
    if position is not None:
        p_low = position.value if position.value is not None else position.low
        if p_low < 1:
            raise InputError.at(None, f"{path}.position", p_low, "positions >= 1 (1 = top result)")
        d["position"] = _range_driver(position, key=key("position"), segment=name, fld="position", n=n, rng=rng,
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
    zq = {q: float(stats.norm.ppf(q)) if ctr.uncertain else 0.0 for q in (_Q10, 0.5, _Q90)}
    lo_ctr, hi_ctr = float(ctr(ref_position, -Z90)), float(ctr(ref_position, Z90))
    d["ctr"] = _Driver(key("ctr"), name, "ctr", ctr(ref_position, z), z, zq, lo_ctr, hi_ctr,
                       f"{lo_ctr:.3g} – {hi_ctr:.3g} at position {ref_position:.3g}" if ctr.uncertain
                       else f"{lo_ctr:.3g} at position {ref_position:.3g}",
                       _UNITS["ctr"], ctr.source, not ctr.uncertain)

    d["conversion"] = _range_driver(_need(seg, "conversion", path), key=key("conversion"), segment=name,
                                    fld="conversion", n=n, rng=rng)
    if seg.lead_to_sale is not None:
        d["lead_to_sale"] = _range_driver(seg.lead_to_sale, key=key("lead_to_sale"), segment=name, fld="lead_to_sale",
                                          n=n, rng=rng)
    check = seg.avg_check if seg.avg_check is not None else avg_check
    if check is not None:
        d["avg_check"] = _range_driver(as_range(check), key=key("avg_check"), segment=name, fld="avg_check", n=n, rng=rng)
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


# --------------------------------------------------------------------------- the result

@dataclass(frozen=True, eq=False)
class CapacityEstimate:
    """Capacity and ceiling per month as Monte Carlo draws, with the drivers that made them.

    Attributes
    ----------
    units, money : numpy.ndarray
        What the whole market buys per month (units, and money in the client's
        currency), one value per draw.
    ceiling_units, ceiling_money : numpy.ndarray
        Capacity x reachable share, per draw: the most the client can hold.
    visits, leads : numpy.ndarray or None
        For search-demand segments: searches x CTR, and x conversion when the
        conversion is to a lead (``lead_to_sale`` given); None otherwise.
    drivers : dict[str, numpy.ndarray]
        Each driver's draws. Names are the spec fields (``population``,
        ``position``, ``ctr``, ``searches`` = total monthly searches, ...) and
        ``segment/field`` when there is more than one segment.
    inputs : list[dict]
        One row per driver: segment, driver, low, high, unit, source.
    name, n, seed
        Scenario name ("base" for the market as given), draws and seed.
    """

    units: np.ndarray
    money: np.ndarray
    ceiling_units: np.ndarray
    ceiling_money: np.ndarray
    visits: np.ndarray | None
    leads: np.ndarray | None
    drivers: dict[str, np.ndarray]
    inputs: list[dict]
    name: str = "base"
    n: int = 0
    seed: int = 0
    structure: _MarketModel | None = field(default=None, repr=False)

    # ---- outputs
    def output(self, output: str) -> np.ndarray | None:
        """The draws of one output: units, money, ceiling_units, ceiling_money, visits or leads."""
        if output not in OUTPUTS:
            raise InputError.at(None, "output", output, "one of " + ", ".join(OUTPUTS))
        return getattr(self, output)

    @property
    def reachable_share(self) -> np.ndarray:
        return self.drivers["reachable_share"]

    def summary(self) -> pd.DataFrame:
        """P10 / P50 / P90 per month of capacity and ceiling, in units and money."""
        rows = {label: _percentiles(getattr(self, attr)) for label, attr in SUMMARY_ROWS.items()}
        return pd.DataFrame.from_dict(rows, orient="index", columns=["p10", "p50", "p90"])

    to_frame = summary

    def ceiling_for(self, metric: str) -> np.ndarray | None:
        """Ceiling draws for a goal metric, or None when capacity does not bound it.

        sales / orders / customers -> ``ceiling_units``; revenue ->
        ``ceiling_money``; traffic -> visits x reachable share; leads / calls ->
        leads x reachable share; anything else (avg_check, position) -> None.
        """
        if metric in UNITS_METRICS:
            return self.ceiling_units
        if metric in MONEY_METRICS:
            return None if np.all(np.isnan(self.ceiling_money)) else self.ceiling_money
        if metric == "traffic":
            return None if self.visits is None else self.visits * self.reachable_share
        if metric in LEAD_METRICS:
            return None if self.leads is None else self.leads * self.reachable_share
        return None

    # ---- drivers
    def sensitivity(self, output: str = "units", *, scale: str = "log", bins: int = 50) -> pd.DataFrame:
        """Each driver's share of the output's variance and its tornado swing, largest first.

        Parameters
        ----------
        output : str
            One of units, money, ceiling_units, ceiling_money, visits, leads.
        scale : {"log", "linear"}
            Variance of log(output) (default: a product's log-variance splits
            exactly into its drivers' log-variances) or of the output itself.
            Falls back to linear when some draws are not positive.
        bins : int
            Equal-count bins used to estimate E[output | driver].

        Returns
        -------
        pandas.DataFrame
            Columns ``driver, segment, range, unit, variance_share, low, base,
            high, swing``: ``low`` / ``high`` are the output with the driver at
            its P10 / P90 and all others at their medians, ``base`` with all at
            their medians, ``swing = |high - low|``. Sorted by variance share,
            then swing. ``attrs`` holds ``output`` and ``scale``.
        """
        if scale not in ("log", "linear"):
            raise InputError.at(None, "scale", scale, "'log' or 'linear'")
        y = self.output(output)
        if y is None:
            raise InputError.at(None, "output", output, "an output this market has (visits and leads need search_demand)")
        if self.structure is None:
            raise InputError("this CapacityEstimate has no model attached; build it with estimate_market")
        used = scale
        if scale == "log":
            if np.all(np.isfinite(y)) and np.all(y > 0):
                y = np.log(y)
            else:
                used = "linear"
        model = self.structure
        base = model.evaluate(model.at_quantiles())[output]
        rows = []
        for d in model.drivers:
            low = model.evaluate(model.at_quantiles(d.key, _Q10))[output]
            high = model.evaluate(model.at_quantiles(d.key, _Q90))[output]
            low, high, b = (float(np.asarray(v, dtype=float)) for v in (low, high, base))
            moves = not d.exact and not (math.isclose(low, b, rel_tol=1e-12) and math.isclose(high, b, rel_tol=1e-12))
            share = _first_order_share(d.samples, y, bins) if moves and np.all(np.isfinite(y)) else 0.0
            rows.append({"driver": d.key, "segment": d.segment, "range": d.label, "unit": d.unit,
                         "variance_share": share, "low": low, "base": b, "high": high, "swing": abs(high - low)})
        frame = pd.DataFrame(rows, columns=["driver", "segment", "range", "unit", "variance_share", "low", "base",
                                            "high", "swing"])
        frame = frame.sort_values(["variance_share", "swing"], ascending=False, kind="stable").reset_index(drop=True)
        frame.attrs.update(output=output, scale=used)
        return frame

    def assumptions(self) -> pd.DataFrame:
        """The inputs as a table for a report: driver, range label, unit, source (and segment)."""
        if self.structure is None:
            return pd.DataFrame([{"driver": r["driver"], "range": f"{_fmt(r['low'])} – {_fmt(r['high'])}", "unit": r["unit"],
                                  "source": r["source"], "segment": r["segment"]} for r in self.inputs])
        return pd.DataFrame([{"driver": d.key, "range": d.label, "unit": d.unit, "source": d.source, "segment": d.segment}
                             for d in self.structure.drivers], columns=["driver", "range", "unit", "source", "segment"])

    def to_dict(self) -> dict:
        """JSON-ready: summary, traffic and leads percentiles, inputs and sensitivity of units and money."""
        out = {
            "name": self.name, "n": self.n, "seed": self.seed,
            "summary": {label: dict(zip(("p10", "p50", "p90"), _percentiles(getattr(self, attr))))
                        for label, attr in SUMMARY_ROWS.items()},
            "visits": None if self.visits is None else dict(zip(("p10", "p50", "p90"), _percentiles(self.visits))),
            "leads": None if self.leads is None else dict(zip(("p10", "p50", "p90"), _percentiles(self.leads))),
            "inputs": self.inputs,
            "sensitivity": {},
        }
        if self.structure is not None:
            for output in ("units", "money"):
                if not np.all(np.isnan(self.output(output))):
                    out["sensitivity"][output] = self.sensitivity(output).to_dict(orient="records")
        return _clean(out)


# --------------------------------------------------------------------------- builders

def _check_n_seed(n: int, seed: int) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 100:
        raise InputError.at(None, "n", n, "an integer number of draws >= 100")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError.at(None, "seed", seed, "a non-negative integer")


def _segment_model(seg: Segment, path: str, key: Callable[[str], str], n: int, rng: np.random.Generator,
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


def _build(parts: list[tuple[Segment, str, tuple[int, int]]], reachable_share: Range, *, name: str, n: int, seed: int,
           keywords: dict[str, pd.DataFrame] | None, curves: pd.DataFrame | None, avg_check: Range | None,
           reach_path: str = "market.reachable_share") -> CapacityEstimate:
    """Draw every segment from its own seeded stream so a scenario reuses the base draws exactly."""
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
        rng = np.random.default_rng([int(seed), *stream])
        key = (lambda f: f) if single else (lambda f, s=seg.name: f"{s}/{f}")
        segments.append(_segment_model(seg, path, key, n, rng, keywords, curves, avg_check))
    reach = _range_driver(as_range(reachable_share), key="reachable_share", segment="market", fld="reachable_share",
                          n=n, rng=np.random.default_rng([int(seed), 0, 0]))
    model = _MarketModel(segments, reach)
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
        CTR curves replacing the shipped ones (see :mod:`toolkit.ctr`).

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
            row.update(zip((f"{attr}_p10", f"{attr}_p50", f"{attr}_p90"), _percentiles(getattr(est, attr))))
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
        return None if x is None else dict(zip(("p10", "p50", "p90"), _percentiles(x)))

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
    return _clean({
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

    Every argument is a :class:`~toolkit.uncertain.Range`, a ``{low, high}``
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
        A curve name (see :func:`toolkit.ctr.curve_names`) or ``"spread"`` (default).
    """
    seg = _segment(name=name, model="search_demand", keywords="keywords", position=position, conversion=conversion,
                   lead_to_sale=lead_to_sale, avg_check=avg_check, ctr_curve=ctr_curve)
    return _build([(seg, "market", (1, 0))], as_range(reachable_share), name="base", n=n, seed=seed,
                  keywords={"keywords": keywords}, curves=ctr_curves, avg_check=None)
