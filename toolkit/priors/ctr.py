"""Organic click-through rate (CTR) by search position, with its uncertainty.

Published studies disagree: the CTR of the first organic result ranges from
about 19% to 42% depending on the year, the data (search logs, Search Console
panels, click panels) and the SERP layout. The toolkit ships the curves it can
attribute (``toolkit/data/ctr_curves.csv``, positions 1-10, with source, year
and whether each value is the published figure or an approximate reading, see
``toolkit/data/README.md``) and uses them in one of two ways:

* a **named curve** (``ctr_curve: sistrix-2020``): the CTR at a position is
  that study's value, linearly interpolated for a fractional position;
* the **spread** of all curves (``ctr_curve`` unset or ``spread``): at each
  integer position the lowest and highest published values are read as a 90%
  interval and drawn logit-normally. One standard-normal draw ``z`` per Monte
  Carlo sample moves every position together, so each draw is a whole,
  coherent curve (it keeps the steep fall from position 1 to 2):

      ctr_k(z) = expit(m_k + s_k z),   m_k = (logit lo_k + logit hi_k) / 2,
                                       s_k = (logit hi_k - logit lo_k) / (2 z_0.95)

  and a fractional position p interpolates linearly between floor(p) and
  floor(p) + 1.

Positions beyond the last tabulated one (10) are clamped to it, which
overstates CTR on page two; a warning is logged when that matters.

References
----------
.. [1] AOL search query log (March-May 2006), click share by rank as tabulated
   in contemporary analyses of the released data, August 2006.
.. [2] B. Dean, "We Analyzed 5 Million Google Search Results", Backlinko with
   ClickFlow, August 2019.
.. [3] SISTRIX, "Why (almost) everything you knew about Google CTR is no
   longer valid", July 2020 (80 million keywords).
.. [4] Backlinko, "Google Organic CTR" study of 4 million search results, 2023.
.. [5] First Page Sage, "Google Click-Through Rates by Ranking Position", 2024.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import special

from toolkit.errors import InputError
from toolkit.priors.ranges import normal_on_interval

__all__ = ["CTR_FILE", "SPREAD", "load_ctr_curves", "curve_names", "CtrModel", "ctr_model"]

log = logging.getLogger("toolkit")

CTR_FILE = Path(str(files("toolkit"))) / "data" / "ctr_curves.csv"
SPREAD = "spread"
_COLUMNS = ("curve", "position", "ctr", "status", "year", "source")


@functools.lru_cache(maxsize=4)
def _read(path: str) -> pd.DataFrame:
    frame = pd.read_csv(path, encoding="utf-8")
    return frame


def load_ctr_curves(path: str | Path | None = None) -> pd.DataFrame:
    """The reference CTR curves as a long table.

    Parameters
    ----------
    path : path, optional
        Another CSV with the same columns (``curve, position, ctr, status,
        year, source``); defaults to the curves shipped with the toolkit.

    Returns
    -------
    pandas.DataFrame
        One row per curve and integer position 1..N; ``ctr`` is a share in
        (0, 1).
    """
    file = str(path or CTR_FILE)
    frame = _read(file).copy()
    return validate_curves(frame, file)


def validate_curves(frame: pd.DataFrame, file: str = "ctr_curves") -> pd.DataFrame:
    """Check a curves table: the columns, shares in (0, 1), the same positions 1..N for each curve."""
    missing = [c for c in ("curve", "position", "ctr") if c not in frame.columns]
    if missing:
        raise InputError.at(file, "header", list(frame.columns), f"columns {', '.join(_COLUMNS)}")
    if frame.empty:
        raise InputError.at(file, "rows", 0, "at least one curve")
    ctr = pd.to_numeric(frame["ctr"], errors="coerce")
    if ctr.isna().any() or not ((ctr > 0) & (ctr < 1)).all():
        raise InputError.at(file, "ctr", "a value outside (0, 1)", "click-through rates as shares between 0 and 1")
    frame = frame.assign(ctr=ctr.astype(float), position=pd.to_numeric(frame["position"], errors="coerce"))
    expected = None
    for name, rows in frame.groupby("curve", sort=False):
        positions = rows["position"].tolist()
        if expected is None:
            expected = list(range(1, len(positions) + 1))
        if positions != expected:
            raise InputError.at(file, f"curve {name}", positions, f"positions {expected[0]}..{expected[-1]} in order")
    if len(expected) < 2:
        raise InputError.at(file, "position", expected, "at least positions 1 and 2")
    return frame.reset_index(drop=True)


def curve_names(curves: pd.DataFrame | None = None) -> list[str]:
    """Names of the available curves, e.g. ``['aol-2006', 'backlinko-2019', ...]``."""
    curves = load_ctr_curves() if curves is None else curves
    return list(dict.fromkeys(curves["curve"]))


@dataclass(frozen=True, eq=False)
class CtrModel:
    """CTR as a function of position and of one standard-normal draw ``z``.

    ``mu`` and ``sigma`` are per integer position on the logit scale; ``sigma``
    is zero for a named curve (then ``z`` has no effect).
    """

    name: str
    mu: np.ndarray
    sigma: np.ndarray
    source: str

    @property
    def uncertain(self) -> bool:
        return bool(np.any(self.sigma > 0))

    @property
    def max_position(self) -> int:
        return len(self.mu)

    def __call__(self, position: np.ndarray | float, z: np.ndarray | float = 0.0) -> np.ndarray:
        """CTR at a (fractional) position for CTR-quantile draws ``z``.

        Parameters
        ----------
        position : float or ndarray
            Position(s) 1 = top; values outside [1, N] are clamped.
        z : float or ndarray
            Standard-normal draw(s) placing the curve within the studies'
            spread (0 = the middle); broadcast against ``position``.

        Returns
        -------
        numpy.ndarray
            CTR as a share of searches.
        """
        p, z = np.broadcast_arrays(np.asarray(position, dtype=float), np.asarray(z, dtype=float))
        p = np.clip(p, 1.0, float(self.max_position))
        i = np.minimum(np.floor(p).astype(np.intp), self.max_position - 1)  # 1..N-1
        frac = p - i
        lo = special.expit(self.mu[i - 1] + self.sigma[i - 1] * z)
        hi = special.expit(self.mu[i] + self.sigma[i] * z)
        return lo + frac * (hi - lo)


def ctr_model(curve: str | None = None, curves: pd.DataFrame | None = None, *, field: str = "market.ctr_curve") -> CtrModel:
    """Build the CTR model for a named curve or for the spread of all curves.

    Parameters
    ----------
    curve : str, optional
        A curve name from :func:`curve_names`, or ``None`` / ``"spread"`` for
        the spread of all curves.
    curves : pandas.DataFrame, optional
        A curves table (see :func:`load_ctr_curves`); defaults to the shipped one.
    field : str
        The field to name in an error message.

    Raises
    ------
    InputError
        If the curve name is unknown.
    """
    curves = load_ctr_curves() if curves is None else validate_curves(curves)
    names = curve_names(curves)
    if curve is None or curve == SPREAD:
        wide = curves.pivot(index="position", columns="curve", values="ctr").sort_index()
        lo, hi = wide.min(axis=1).to_numpy(), wide.max(axis=1).to_numpy()
        mu, sigma = normal_on_interval(special.logit(lo), special.logit(hi))
        described = f"spread of {len(names)} CTR studies ({', '.join(names)}), lowest to highest as a 90% interval"
        return CtrModel(SPREAD, mu, sigma, described)
    if curve not in names:
        raise InputError.at(None, field, curve, f"one of {', '.join(names)} or '{SPREAD}'")
    rows = curves[curves["curve"] == curve].sort_values("position")
    mu = special.logit(rows["ctr"].to_numpy(dtype=float))
    return CtrModel(curve, mu, np.zeros_like(mu), f"{curve}: {_describe(curves, curve)}")


def _describe(curves: pd.DataFrame, name: str) -> str:
    row = curves[curves["curve"] == name].iloc[0]
    year = row.get("year")
    source = row.get("source")
    text = str(source) if isinstance(source, str) and source else str(name)
    if year is not None and not pd.isna(year) and str(int(year)) not in text:
        text += f" ({int(year)})"
    return text
