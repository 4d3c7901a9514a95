"""The result of a capacity estimate: its draws, summaries and each driver's share of the variance.

:class:`CapacityEstimate` holds capacity and ceiling per month as Monte Carlo
draws with the model that made them; :meth:`CapacityEstimate.sensitivity` ranks
the drivers (first-order variance shares and tornado swings, explained in
:mod:`toolkit.capacity.market`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from toolkit.capacity.models import Q10, Q90, MarketModel, label_number
from toolkit.errors import InputError

OUTPUTS = ("units", "money", "ceiling_units", "ceiling_money", "visits", "leads")
SUMMARY_ROWS = {"capacity units": "units", "capacity money": "money",
                "ceiling units": "ceiling_units", "ceiling money": "ceiling_money"}
UNITS_METRICS = ("sales", "orders", "customers")
MONEY_METRICS = ("revenue",)
LEAD_METRICS = ("leads", "calls")


# --------------------------------------------------------------------------- summaries and variance shares

def percentiles(x: np.ndarray | None) -> tuple[float, float, float]:
    if x is None or len(x) == 0 or np.all(np.isnan(x)):
        return (math.nan, math.nan, math.nan)
    p10, p50, p90 = np.nanpercentile(x, [10, 50, 90])
    return float(p10), float(p50), float(p90)


def json_ready(x):
    """JSON-ready: numpy scalars to Python, NaN / inf to None."""
    if isinstance(x, dict):
        return {str(k): json_ready(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [json_ready(v) for v in x]
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
    structure: MarketModel | None = field(default=None, repr=False)

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
        rows = {label: percentiles(getattr(self, attr)) for label, attr in SUMMARY_ROWS.items()}
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
            low = model.evaluate(model.at_quantiles(d.key, Q10))[output]
            high = model.evaluate(model.at_quantiles(d.key, Q90))[output]
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
            return pd.DataFrame([{"driver": r["driver"], "range": f"{label_number(r['low'])} – {label_number(r['high'])}", "unit": r["unit"],
                                  "source": r["source"], "segment": r["segment"]} for r in self.inputs])
        return pd.DataFrame([{"driver": d.key, "range": d.label, "unit": d.unit, "source": d.source, "segment": d.segment}
                             for d in self.structure.drivers], columns=["driver", "range", "unit", "source", "segment"])

    def to_dict(self) -> dict:
        """JSON-ready: summary, traffic and leads percentiles, inputs and sensitivity of units and money."""
        out = {
            "name": self.name, "n": self.n, "seed": self.seed,
            "summary": {label: dict(zip(("p10", "p50", "p90"), percentiles(getattr(self, attr))))
                        for label, attr in SUMMARY_ROWS.items()},
            "visits": None if self.visits is None else dict(zip(("p10", "p50", "p90"), percentiles(self.visits))),
            "leads": None if self.leads is None else dict(zip(("p10", "p50", "p90"), percentiles(self.leads))),
            "inputs": self.inputs,
            "sensitivity": {},
        }
        if self.structure is not None:
            for output in ("units", "money"):
                if not np.all(np.isnan(self.output(output))):
                    out["sensitivity"][output] = self.sensitivity(output).to_dict(orient="records")
        return json_ready(out)
