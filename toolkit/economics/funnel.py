"""The reverse sales funnel: from target sales to the volume each stage needs, and when.

A funnel is a list of stages from the top down to the sale. Each stage has a
conversion rate ``c_i``: the share of what enters stage ``i`` that moves on to
the next stage (for the last stage, to a sale). To close ``S`` sales a month,
stage ``i`` must receive

    V_i = S / (c_i * c_{i+1} * ... * c_k)

so a funnel of visits (0.2 to leads) and leads (0.25 to sales) needs 400 leads
and 2,000 visits for 100 sales.

The *normal sales cycle* (Miller and Heiman) is the time from first contact to
agreement: volume for a month's sales must enter the funnel that much earlier.
By default every stage is shifted by the whole cycle (the stages above first
contact, such as visits, are taken as quick); a stage may carry its own
``lag_days`` (days from entering it to the sale). Lags are rounded to whole
months of 30.4375 days, so a 60-day cycle moves June's leads to April.

References
----------
.. [1] R. B. Miller and S. E. Heiman, *The New Strategic Selling*, revised ed.,
   Kogan Page 2005 (the sales funnel, the normal sales cycle).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from toolkit.errors import InputError
from toolkit.priors.ranges import Range, as_range, sample
from toolkit.priors.streams import rng_for

__all__ = [
    "required_volumes", "required_volumes_distribution", "funnel_schedule", "stage_start_months",
    "top_of_funnel_check", "TopOfFunnelCheck", "pipeline_view", "stages_from_spec", "DAYS_PER_MONTH",
    "PIPELINE_STAGES", "pipeline_from_spec", "ramp_targets",
]

log = logging.getLogger("toolkit")

DAYS_PER_MONTH = 365.25 / 12
PIPELINE_STAGES = ("above the funnel", "in the funnel", "best few")
QUANTILES = {"p10": 0.10, "p50": 0.50, "p90": 0.90}


def _stage_pairs(stages) -> list[tuple[str, object, int | None]]:
    """Normalise (name, rate), (name, rate, lag_days) or FunnelStage-like objects."""
    out = []
    for i, st in enumerate(stages):
        if hasattr(st, "name") and hasattr(st, "conversion"):
            out.append((str(st.name), st.conversion, getattr(st, "lag_days", None)))
            continue
        try:
            name, rate, *rest = st
        except (TypeError, ValueError):
            raise InputError.at(None, f"stages[{i}]", st, "a (name, conversion_rate) pair") from None
        out.append((str(name), rate, rest[0] if rest else None))
    if not out:
        raise InputError.at(None, "stages", list(stages), "at least one (name, conversion_rate) stage")
    names = [n for n, _, _ in out]
    if len(set(names)) != len(names):
        raise InputError.at(None, "stages", names, "unique stage names")
    return out


def _check_rate(name: str, rate: float) -> float:
    try:
        value = float(rate)
    except (TypeError, ValueError):
        raise InputError.at(None, f"stage {name!r}: conversion", rate, "a number in (0, 1]") from None
    if not (math.isfinite(value) and 0 < value <= 1):
        raise InputError.at(None, f"stage {name!r}: conversion", rate, "a conversion rate in (0, 1]")
    return value


def _check_target(target) -> None:
    arr = np.asarray(target, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise InputError.at(None, "target_per_month", target, "sales per month >= 0")


def required_volumes(target_per_month: float, stages: Sequence) -> dict[str, float]:
    """Volume each stage must receive per month to close ``target_per_month`` sales.

    Parameters
    ----------
    target_per_month : float
        Sales (or the funnel's final outcome) needed per month.
    stages : sequence of (name, conversion_rate)
        From the top of the funnel down to the sale; ``conversion_rate`` is the
        share of the stage's volume that reaches the next stage (the last
        stage's rate is its close rate). ``FunnelStage`` objects with exact
        conversions are accepted too.

    Returns
    -------
    dict
        Stage name -> volume per month, ordered top to bottom.

    Raises
    ------
    InputError
        A conversion rate outside (0, 1]; the message names the stage.

    Examples
    --------
    >>> required_volumes(100, [("visits", 0.2), ("leads", 0.25)])
    {'visits': 2000.0, 'leads': 400.0}
    """
    _check_target(target_per_month)
    pairs = _stage_pairs(stages)
    rates = []
    for name, rate, _ in pairs:
        if isinstance(rate, (Range, Mapping)):
            r = as_range(rate)
            if not r.is_exact:
                raise InputError.at(None, f"stage {name!r}: conversion", r.label(),
                                    "an exact rate here; use required_volumes_distribution for ranges")
            rate = r.value if r.value is not None else r.low
        rates.append(_check_rate(name, rate))
    volumes: dict[str, float] = {}
    needed = float(target_per_month)
    for (name, _, _), rate in zip(reversed(pairs), reversed(rates)):
        needed = needed / rate
        volumes[name] = needed
    return {name: volumes[name] for name, _, _ in pairs}


def required_volumes_distribution(target_per_month: float, stages: Sequence, *, n: int = 10_000,
                                  seed: int = 0) -> pd.DataFrame:
    """Required volumes when conversions are uncertain (90% ranges), as P10/P50/P90.

    Each conversion ``Range`` is sampled (bounded to [0, 1], logit-normal) and
    the volumes of :func:`required_volumes` are computed per draw.

    Returns
    -------
    pandas.DataFrame
        One row per stage (top to bottom), columns ``p10``, ``p50``, ``p90``
        (volumes per month) and ``mean``; ``attrs["samples"]`` holds the draws.
    """
    _check_target(target_per_month)
    pairs = _stage_pairs(stages)
    rng = rng_for(seed, "funnel")
    draws = {}
    for name, rate, _ in pairs:
        r = as_range(rate)
        hi = r.value if r.value is not None else r.high
        lo = r.value if r.value is not None else r.low
        if not (0 < lo and hi <= 1):
            raise InputError.at(None, f"stage {name!r}: conversion", r.label(), "conversion rates within (0, 1]")
        draws[name] = sample(r, n, rng, bounded=True)
    needed = np.full(n, float(target_per_month))
    samples = {}
    for name, _, _ in reversed(pairs):
        needed = needed / np.clip(draws[name], 1e-12, 1.0)
        samples[name] = needed
    rows = {name: samples[name] for name, _, _ in pairs}
    frame = pd.DataFrame({k: {q: float(np.quantile(v, p)) for q, p in QUANTILES.items()} | {"mean": float(v.mean())}
                          for k, v in rows.items()}).T
    frame.index.name = "stage"
    frame.attrs["samples"] = rows
    frame.attrs["target_per_month"] = float(target_per_month)
    return frame


def _lag_months(lag_days: float) -> int:
    return int(round(lag_days / DAYS_PER_MONTH))


def funnel_schedule(target_by_month: pd.Series, stages: Sequence, cycle_days: float) -> pd.DataFrame:
    """Monthly volume each stage must receive, shifted earlier by the sales-cycle lag.

    Parameters
    ----------
    target_by_month : pandas.Series
        Target sales per month, indexed by month (a monthly ``PeriodIndex`` or
        anything ``pd.PeriodIndex(..., freq="M")`` accepts).
    stages : sequence of (name, conversion_rate[, lag_days])
        As in :func:`required_volumes` (a ``Range`` conversion is taken at its
        median); an optional third item (or a ``FunnelStage.lag_days``)
        overrides the lag of that stage.
    cycle_days : float
        The normal sales cycle, first contact to agreement, in days.

    Returns
    -------
    pandas.DataFrame
        Indexed by month (starting early enough for the first target month),
        one column per stage plus ``sales`` (the target, in its own month). The
        volume for month ``m``'s sales sits in month ``m - lag``.
        ``attrs["lag_months"]`` maps stage -> months of lead time.
    """
    if cycle_days is None or not math.isfinite(float(cycle_days)) or cycle_days < 0:
        raise InputError.at(None, "cycle_days", cycle_days, "a sales cycle in days >= 0")
    if len(target_by_month) == 0:
        raise InputError.at(None, "target_by_month", "empty", "at least one month of target sales")
    target = pd.Series(np.asarray(target_by_month, dtype=float),
                       index=pd.PeriodIndex(target_by_month.index, freq="M"), name="sales")
    _check_target(target.to_numpy())
    pairs = _stage_pairs(stages)
    # A conversion is a share: its median is that of the bounded form required_volumes_distribution draws.
    plain = [(name, as_range(rate).quantile(0.5, bounded=True) if isinstance(rate, (Range, Mapping)) else rate)
             for name, rate, _ in pairs]
    lags = {name: _lag_months(cycle_days if lag is None else float(lag)) for name, _, lag in pairs}
    per_sale = required_volumes(1.0, plain)
    start = target.index.min() - max(lags.values())
    months = pd.period_range(start, target.index.max(), freq="M")
    out = pd.DataFrame(0.0, index=months, columns=[n for n, _ in plain] + ["sales"])
    out.index.name = "month"
    for name, factor in per_sale.items():
        shifted = pd.Series(target.to_numpy() * factor, index=target.index - lags[name])
        out.loc[shifted.index, name] = shifted.to_numpy()
    out.loc[target.index, "sales"] = target.to_numpy()
    out.attrs["lag_months"] = lags
    log.debug("funnel schedule: lags %s months for a %s-day cycle", lags, cycle_days)
    return out


def stage_start_months(schedule: pd.DataFrame) -> pd.Series:
    """The first month each stage must receive volume (the start of the work)."""
    starts = {}
    for col in schedule.columns:
        nonzero = schedule.index[schedule[col] > 0]
        starts[col] = nonzero.min() if len(nonzero) else None
    return pd.Series(starts, name="start_month")


@dataclass(frozen=True)
class TopOfFunnelCheck:
    """Required top-of-funnel volume against the demand ceiling (e.g. search demand)."""

    stage: str
    required: dict[str, float]
    ceiling: dict[str, float]
    p_exceeds_ceiling: float
    note: str
    samples: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    def to_dict(self) -> dict:
        return {"stage": self.stage, "required": self.required, "ceiling": self.ceiling,
                "p_exceeds_ceiling": self.p_exceeds_ceiling, "note": self.note}

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"required": self.required, "ceiling": self.ceiling}).T


def top_of_funnel_check(target_per_month: float, stages: Sequence, ceiling: Range | float | None, *,
                        n: int = 10_000, seed: int = 0) -> TopOfFunnelCheck:
    """Compare the top stage's required monthly volume with a ceiling such as search demand.

    ``p_exceeds_ceiling`` is the share of joint draws where the required volume
    is above the ceiling (independent draws of both); NaN when no ceiling is given.
    """
    dist = required_volumes_distribution(target_per_month, stages, n=n, seed=seed)
    top = dist.index[0]
    need = dist.attrs["samples"][top]
    if ceiling is None:
        req = {k: float(dist.loc[top, k]) for k in QUANTILES}
        return TopOfFunnelCheck(top, req, {k: float("nan") for k in QUANTILES}, float("nan"),
                                f"the goal needs about {req['p50']:,.0f} {top} a month; no ceiling was given to compare",
                                {"required": need})
    cap = sample(ceiling, n, rng_for(seed, "funnel_ceiling"))
    p = float(np.mean(need > cap))
    q = lambda a: {k: float(np.quantile(a, v)) for k, v in QUANTILES.items()}  # noqa: E731
    req, cei = q(need), q(cap)
    if p >= 0.5:
        note = (f"the goal needs about {req['p50']:,.0f} {top} a month, more than the ceiling of "
                f"about {cei['p50']:,.0f}: raise conversion or widen the market")
    else:
        note = (f"the goal needs about {req['p50']:,.0f} {top} a month, "
                f"{req['p50'] / cei['p50']:.0%} of the ceiling of about {cei['p50']:,.0f}")
    return TopOfFunnelCheck(top, req, cei, p, note, {"required": need, "ceiling": cap})


def pipeline_view(deals: Mapping[str, Sequence[int]],
                  time_shares: Mapping[str, Sequence[float]] | None = None) -> pd.DataFrame:
    """Miller-Heiman pipeline: deals and time per person in the three funnel positions.

    Parameters
    ----------
    deals : mapping
        Person -> three counts: above the funnel, in the funnel, best few.
    time_shares : mapping, optional
        Person -> three shares of their selling time (summing to 1).

    Returns
    -------
    pandas.DataFrame
        One row per person and position: ``deals``, ``deal_share`` (of that
        person's deals), ``time_share`` and ``note`` (an empty position above
        the funnel means irregular income ahead; best few get closed first).

    Examples
    --------
    One person with 6/15/12 deals at 20%/40%/40% of their time:

    >>> pipeline_view({"Ana": [6, 15, 12]}, {"Ana": [0.2, 0.4, 0.4]})  # doctest: +SKIP
    """
    rows = []
    for person, counts in deals.items():
        counts = list(counts)
        if len(counts) != 3 or any((not isinstance(c, (int, np.integer))) or c < 0 for c in counts):
            raise InputError.at(None, f"pipeline {person!r}: deals", counts,
                                "three whole counts >= 0 (above the funnel, in the funnel, best few)")
        shares = None
        if time_shares is not None and person in time_shares:
            shares = [float(s) for s in time_shares[person]]
            if len(shares) != 3 or any(not 0 <= s <= 1 for s in shares) or abs(sum(shares) - 1) > 0.01:
                raise InputError.at(None, f"pipeline {person!r}: time", shares, "three shares in [0, 1] summing to 1")
        total = sum(counts)
        for i, stage in enumerate(PIPELINE_STAGES):
            note = ""
            if stage == "above the funnel" and counts[i] == 0:
                note = "nothing to qualify: prospect every week or income will swing"
            elif stage == "best few" and counts[i] > 0:
                note = "close first: best few should close within half the sales cycle"
            rows.append({"person": person, "position": stage, "deals": counts[i],
                         "deal_share": counts[i] / total if total else float("nan"),
                         "time_share": shares[i] if shares else float("nan"), "note": note})
    return pd.DataFrame(rows, columns=["person", "position", "deals", "deal_share", "time_share", "note"])


def pipeline_from_spec(funnel) -> pd.DataFrame:
    """:func:`pipeline_view` of the ``pipeline`` people in a ``FunnelSpec``."""
    deals = {p.name: [p.above_funnel, p.in_funnel, p.best_few] for p in funnel.pipeline}
    times = {p.name: p.time for p in funnel.pipeline if p.time is not None}
    return pipeline_view(deals, times)


def ramp_targets(start_value: float, target: float, start_month, deadline) -> pd.Series:
    """Monthly targets rising linearly from ``start_value`` (in ``start_month``) to ``target`` at ``deadline``.

    The series starts the month after ``start_month`` (the as-of month) and
    ends at ``deadline``: the sales each month must bring on the way to the goal.
    """
    first, last = pd.Period(start_month, freq="M") + 1, pd.Period(deadline, freq="M")
    if last < first:
        raise InputError.at(None, "deadline", str(deadline), f"a month after {start_month}")
    months = pd.period_range(first, last, freq="M")
    steps = np.arange(1, len(months) + 1) / len(months)
    return pd.Series(start_value + (target - start_value) * steps, index=months, name="sales")


def stages_from_spec(funnel) -> list[tuple[str, Range, int | None]]:
    """The ``(name, conversion, lag_days)`` triples of a ``FunnelSpec``."""
    return [(s.name, s.conversion, getattr(s, "lag_days", None)) for s in funnel.stages]
