"""How fast does a newcomer take its market? Bass diffusion coefficients before any sales are seen.

The Bass (1969) model has two yearly coefficients: innovation ``p`` (adoption
independent of earlier adopters) and imitation ``q`` (adoption driven by them).
The shipped prior (``toolkit/data/diffusion_priors.csv``) centres them on the
meta-analytic means of Sultan, Farley and Lehmann (1990), with 90% ranges that
are this project's stated assumption (see ``toolkit/data/README.md``). A client
with a comparable product overrides them with an analogue: a p/q pair with its
source.

References
----------
.. [1] F. M. Bass, "A new product growth for model consumer durables",
   *Management Science* 15(5), 1969, pp. 215-227.
.. [2] F. Sultan, J. U. Farley and D. R. Lehmann, "A meta-analysis of
   applications of diffusion models", *Journal of Marketing Research* 27(1),
   1990, pp. 70-77.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import pandas as pd

from toolkit.errors import InputError
from toolkit.priors.ranges import Range, as_range

__all__ = ["DiffusionPrior", "load_diffusion_prior", "DIFFUSION_FILE"]

DIFFUSION_FILE = Path(str(files("toolkit"))) / "data" / "diffusion_priors.csv"


@dataclass(frozen=True)
class DiffusionPrior:
    """Yearly Bass coefficients as 90% ranges (or exact values), with where they come from."""

    p: Range
    q: Range
    source: str

    def to_frame(self) -> pd.DataFrame:
        """One row per coefficient: its 90% range (or value) per year and its source."""
        rows = {name: {"low": r.low if r.value is None else r.value, "high": r.high if r.value is None else r.value,
                       "unit": "per year", "source": r.source or self.source}
                for name, r in (("p (innovation)", self.p), ("q (imitation)", self.q))}
        return pd.DataFrame(rows).T

    @classmethod
    def exact(cls, p: float, q: float, source: str) -> "DiffusionPrior":
        """An analogue's p/q pair, taken as known."""
        return cls(as_range(p), as_range(q), source)


def load_diffusion_prior(path: str | Path | None = None) -> DiffusionPrior:
    """The prior table (default: the shipped one) as a :class:`DiffusionPrior`."""
    path = Path(path) if path is not None else DIFFUSION_FILE
    with open(path, encoding="utf-8", newline="") as f:
        rows = {row["parameter"]: row for row in csv.DictReader(f)}
    ranges = {}
    for name in ("p", "q"):
        row = rows.get(name)
        if row is None:
            raise InputError.at(str(path), "parameter", sorted(rows), f"a row for {name!r}")
        try:
            ranges[name] = Range(low=float(row["low"]), high=float(row["high"]), source=row["source"])
        except (ValueError, TypeError) as exc:
            raise InputError.at(str(path), f"{name}: low/high", (row.get("low"), row.get("high")),
                                f"a positive 90% range ({exc})") from None
    return DiffusionPrior(ranges["p"], ranges["q"], source=rows["p"]["source"].split(":")[0])
