"""Uncertain inputs: a ``Range`` is a 90% interval, turned into Monte Carlo draws.

Following Guesstimate and Squiggle, ``{low, high}`` means "90% sure the true
value lies between low and high". Positive quantities default to a lognormal
whose 5% and 95% quantiles are ``low`` and ``high``:

    mu = (ln low + ln high) / 2,   sigma = (ln high - ln low) / (2 z_0.95)

Shares and rates (bounded to [0, 1]) default to a logit-normal fitted the same
way on the logit scale, so draws never leave the interval. ``{value: x}`` or a
bare number is exact.

References
----------
.. [1] D. W. Hubbard, *How to Measure Anything*, 3rd ed., Wiley 2014 (calibrated
   90% intervals).
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, model_validator
from scipy import special, stats

__all__ = ["Range", "sample", "as_range", "Z90"]

Z90 = float(stats.norm.ppf(0.95))  # half-width of a 90% interval in standard deviations

Distribution = Literal["lognormal", "logitnormal", "normal", "uniform", "pert"]


class Range(BaseModel):
    """A 90% interval ``[low, high]`` (or an exact ``value``) with an optional source."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    low: float | None = None
    high: float | None = None
    value: float | None = None
    mode: float | None = None
    dist: Distribution | None = None
    source: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare_number_is_exact(cls, data):
        if isinstance(data, bool):
            return data  # let pydantic reject booleans with its own message
        if isinstance(data, (int, float)):
            return {"value": data}
        return data

    @model_validator(mode="after")
    def _check_bounds(self) -> "Range":
        if self.value is not None:
            if self.low is not None or self.high is not None:
                raise ValueError("give either value or low/high, not both")
            if not math.isfinite(self.value):
                raise ValueError("value must be a finite number")
            return self
        if self.low is None or self.high is None:
            raise ValueError("a range needs both low and high (or a single value)")
        if not (math.isfinite(self.low) and math.isfinite(self.high)):
            raise ValueError("low and high must be finite numbers")
        if self.low < 0:
            raise ValueError(f"low must be >= 0, got {self.low}")
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) must be <= high ({self.high})")
        if self.dist == "pert" and (self.mode is None or not self.low <= self.mode <= self.high):
            raise ValueError("a pert range needs a mode between low and high")
        return self

    @property
    def is_exact(self) -> bool:
        return self.value is not None or self.low == self.high

    @property
    def median(self) -> float:
        """The central value used for 'everything else at its median' analyses."""
        if self.value is not None:
            return self.value
        if self.low == self.high:
            return self.low
        return float(np.median(sample(self, 20001, np.random.default_rng(0))))

    def label(self, fmt: str = "{:,.4g}") -> str:
        """Human-readable form, e.g. ``"10 – 30"`` or ``"0.55"``."""
        if self.value is not None:
            return fmt.format(self.value)
        if self.low == self.high:
            return fmt.format(self.low)
        return f"{fmt.format(self.low)} – {fmt.format(self.high)}"


def as_range(x: "Range | float | dict") -> Range:
    """Coerce a number, a mapping or a Range to a Range."""
    return x if isinstance(x, Range) else Range.model_validate(x)


def default_dist(r: Range, bounded: bool) -> Distribution:
    if r.dist is not None:
        return r.dist
    if bounded:
        return "logitnormal" if 0 < r.low and r.high < 1 else "uniform"
    return "lognormal" if r.low > 0 else "uniform"


def sample(r: "Range | float | dict", n: int, rng: np.random.Generator, *, bounded: bool = False) -> np.ndarray:
    """Draw ``n`` Monte Carlo samples from a 90% interval.

    Parameters
    ----------
    r : Range, number or mapping
        The uncertain input.
    n : int
        Number of draws.
    rng : numpy.random.Generator
        Seeded generator; the same generator state gives the same draws.
    bounded : bool
        True for shares and rates, which must stay within [0, 1].

    Returns
    -------
    numpy.ndarray
        ``n`` draws whose 5% and 95% quantiles are ``low`` and ``high`` for the
        lognormal, logit-normal and normal forms.
    """
    r = as_range(r)
    if r.is_exact:
        return np.full(n, r.value if r.value is not None else r.low, dtype=float)
    dist = default_dist(r, bounded)
    if dist == "lognormal":
        lo, hi = math.log(r.low), math.log(r.high)
        return np.exp(rng.normal((lo + hi) / 2, (hi - lo) / (2 * Z90), n))
    if dist == "logitnormal":
        lo, hi = special.logit(r.low), special.logit(r.high)
        return special.expit(rng.normal((lo + hi) / 2, (hi - lo) / (2 * Z90), n))
    if dist == "normal":
        # Truncated, not clipped: clipping piles draws on exactly 0 (a market of zero) or 1.
        loc, scale = (r.low + r.high) / 2, (r.high - r.low) / (2 * Z90)
        upper = (1.0 - loc) / scale if bounded else np.inf
        return stats.truncnorm.rvs(-loc / scale, upper, loc=loc, scale=scale, size=n, random_state=rng)
    if dist == "uniform":
        return rng.uniform(r.low, r.high, n)
    # PERT: the classic beta with shape 4 around the mode, on [low, high].
    span = r.high - r.low
    a = 1 + 4 * (r.mode - r.low) / span
    b = 1 + 4 * (r.high - r.mode) / span
    return r.low + span * rng.beta(a, b, n)
