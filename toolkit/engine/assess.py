"""Is a goal attainable by its deadline, and when? Read off a path ensemble.

Definitions (DESIGN.md section 4), for paths ``Y[k, m]`` (path k, future month m)
and the deadline month ``d``::

    metric_k = Y[k, d]                      (level goal)
    metric_k = Y[k, 0] + ... + Y[k, d]      (cumulative goal)
    P(met)   = mean_k [metric_k >= target]
    verdict  = beyond_capacity  if target > P90(ceiling)  (x (d+1) months if cumulative)
               attainable       if P(met) >= confidence
               stretch          if P(met) >= 0.2
               unattainable     otherwise
    realistic_max = quantile_{1 - confidence}(metric)
    reach_k  = first m with Y[k, m] >= target (cumulative: running sum)

Reach-date quantiles treat "never within the horizon" as later than any month,
so ``reach_p80`` is None when fewer than 80% of paths reach the target.

Milestones
----------
A milestone is defined by the simulated futures that *do* meet the goal (the
"successful" paths, ``metric_k(d) >= target``): at month m the band
(``low``, ``high``) is their P10-P90 range, and the intermediate target is the
band's lower edge, the level 9 in 10 successful futures are at or above at
that month. So every target sits inside its own band by construction, a
month below its target is a month few successful futures have, and the
targets end at the goal: the deadline row is the goal itself and its band
starts there (``low = target``). (The successful futures' median would
overshoot a level goal before its deadline: with a 60% chance, the typical
success ends well above the goal.) If no path meets the goal, the best 1% of paths stand in
for the successful ones. Attainable and stretch goals get milestones toward
the target; unattainable and beyond-capacity goals toward the realistic
maximum. :func:`success_band` gives the same definition for every month (a
saved plan's monthly trajectory).

"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.engine.paths import PathEnsemble
from toolkit.errors import InputError

__all__ = ["GoalAssessment", "ReachDates", "assess_goal", "reach_dates", "milestones", "success_band",
           "VERDICTS", "MILESTONE_DEFINITION"]

VERDICTS = ("attainable", "stretch", "unattainable", "beyond_capacity")
_STRETCH = 0.2
_KINDS = ("level", "cumulative")
#: One sentence, shown under every milestone table and in ``assess --json``.
MILESTONE_DEFINITION = ("Each intermediate target is the level that 9 in 10 of the simulated futures which meet "
                        "the goal reach at that month, and its band is the middle 80% of those futures; the last "
                        "row is the goal itself.")


# eq=False: fields hold arrays/DataFrames, whose == is elementwise.
@dataclass(frozen=True, eq=False)
class ReachDates:
    """When paths first reach a target.

    Attributes
    ----------
    first : ndarray of int
        Per path, index of the first future month at or above target; -1 if never.
    p50, p80 : pd.Period or None
        Months by which 50% / 80% of paths have reached it (None if they do not
        within the horizon).
    p_never : float
        Share of paths that never reach it within the horizon.
    """

    first: np.ndarray
    p50: pd.Period | None
    p80: pd.Period | None
    p_never: float


# eq=False: fields hold arrays/DataFrames, whose == is elementwise.
@dataclass(frozen=True, eq=False)
class GoalAssessment:
    """The answer for one goal; see the module docstring for definitions."""

    probability: float
    verdict: str
    realistic_max: float
    reach_p50: pd.Period | None
    reach_p80: pd.Period | None
    p_never: float
    max_reach_p50: pd.Period | None
    max_reach_p80: pd.Period | None
    milestones: pd.DataFrame
    target: float
    deadline: pd.Period
    kind: str
    confidence: float

    def to_dict(self) -> dict:
        """JSON-ready dict: rounded floats, months as "YYYY-MM", milestones as records."""
        ms = [
            {
                "month": _period_str(r.month),
                "target": _round(r.target),
                "low": _round(r.low),
                "high": _round(r.high),
            }
            for r in self.milestones.itertuples(index=False)
        ]
        return {
            "probability": round(float(self.probability), 4),
            "verdict": self.verdict,
            "realistic_max": _round(self.realistic_max),
            "reach_p50": _period_str(self.reach_p50),
            "reach_p80": _period_str(self.reach_p80),
            "p_never": round(float(self.p_never), 4),
            "max_reach_p50": _period_str(self.max_reach_p50),
            "max_reach_p80": _period_str(self.max_reach_p80),
            "milestones": ms,
            "milestone_definition": MILESTONE_DEFINITION,
            "target": _round(self.target),
            "deadline": _period_str(self.deadline),
            "kind": self.kind,
            "confidence": float(self.confidence),
        }

    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame of the scalar fields (milestones left out)."""
        d = {k: v for k, v in self.to_dict().items() if k not in ("milestones", "milestone_definition")}
        return pd.DataFrame([d])


def _round(x: float | None) -> float | None:
    if x is None or not math.isfinite(x):
        return None
    return float(f"{float(x):.6g}")


def _period_str(p) -> str | None:
    return None if p is None else p.strftime("%Y-%m")


def _deadline_index(paths: PathEnsemble, deadline) -> tuple[pd.Period, int]:
    try:
        period = pd.Period(deadline, freq="M")
    except (TypeError, ValueError) as exc:
        raise InputError(f"deadline: got {deadline!r}; expected a month like '2027-06'") from exc
    first, last = paths.dates[0], paths.dates[-1]
    if period < first or period > last:
        raise InputError(
            f"deadline: got {period.strftime('%Y-%m')}; expected a month between "
            f"{first.strftime('%Y-%m')} and {last.strftime('%Y-%m')} (the simulated horizon)"
        )
    return period, int((period - first).n)


def _check_target(target) -> float:
    try:
        t = float(target)
    except (TypeError, ValueError) as exc:
        raise InputError(f"target: got {target!r}; expected a positive number") from exc
    if not math.isfinite(t) or t <= 0:
        raise InputError(f"target: got {target!r}; expected a positive finite number")
    return t


def _check_kind(kind: str) -> str:
    if kind not in _KINDS:
        raise InputError(f"kind: got {kind!r}; expected 'level' or 'cumulative'")
    return kind


def _metric_paths(paths: PathEnsemble, kind: str) -> np.ndarray:
    return paths.values if kind == "level" else np.cumsum(paths.values, axis=1)


def reach_dates(paths: PathEnsemble, target: float, kind: str = "level") -> ReachDates:
    """First month each path reaches ``target``, and its P50/P80 over paths.

    Parameters
    ----------
    paths : PathEnsemble
    target : float
        Level (or running total, for ``kind="cumulative"``) to reach.
    kind : {"level", "cumulative"}

    Returns
    -------
    ReachDates
    """
    target = _check_target(target)
    kind = _check_kind(kind)
    hit = _metric_paths(paths, kind) >= target
    ever = hit.any(axis=1)
    first = np.where(ever, hit.argmax(axis=1), -1)
    # "Never" sorts after every month, so quantiles of it are simply absent.
    order = np.sort(np.where(ever, first, np.iinfo(np.int64).max))
    n = len(order)

    def q(p: float) -> pd.Period | None:
        k = order[int(math.ceil(p * n)) - 1]
        return None if k == np.iinfo(np.int64).max else paths.dates[int(k)]

    return ReachDates(first, q(0.5), q(0.8), float(1.0 - ever.mean()))


def _milestone_months(paths: PathEnsemble, d: int) -> list[int]:
    if d + 1 <= 6:
        return list(range(d + 1))
    months = np.asarray(paths.dates.month[: d + 1])
    picks = [i for i in range(d + 1) if months[i] % 3 == 0]
    if d not in picks:
        picks.append(d)
    return picks


def success_band(metric: np.ndarray, target: float, d: int, band=(0.1, 0.9)) -> tuple[np.ndarray, ...]:
    """Intermediate target, low and high for months ``0..d`` (see the module docstring).

    Parameters
    ----------
    metric : ndarray, shape (n_paths, >= d + 1)
        Level or running total of each path.
    target : float
        The goal (or realistic maximum) at month ``d``.
    d : int
        Index of the deadline month.
    band : (float, float)
        Quantiles of the successful paths reported as ``low`` and ``high``.

    Returns
    -------
    (target, low, high) : three arrays of length ``d + 1``
        ``low <= target <= high`` in every month; the last target is ``target``.
    """
    metric = metric[:, : d + 1]
    success = metric[:, d] >= target
    if success.any():
        pool = metric[success]
    else:
        # No path meets it: the best 1% are the closest evidence of a successful trajectory.
        top = max(1, int(math.ceil(0.01 * len(success))))
        pool = metric[np.argsort(metric[:, d], kind="stable")[-top:]]
    low, high = np.quantile(pool, band, axis=0)
    # The deadline row is the goal itself; its band starts there.
    low[-1] = target
    high[-1] = max(float(high[-1]), target)
    return low.copy(), low, high


def milestones(
    paths: PathEnsemble,
    target: float,
    deadline,
    *,
    kind: str = "level",
    band=(0.1, 0.9),
) -> pd.DataFrame:
    """Intermediate targets on the way to ``target`` by ``deadline``.

    Parameters
    ----------
    paths : PathEnsemble
    target : float
        The goal (or the realistic maximum) in the deadline month.
    deadline : str or pd.Period
    kind : {"level", "cumulative"}
        Cumulative milestones are running totals from the first future month.
    band : (float, float)
        Quantiles of the successful paths reported as ``low`` and ``high``.

    Returns
    -------
    pd.DataFrame
        Columns ``month`` (Period), ``target``, ``low``, ``high``, one row per
        month up to six months away, otherwise per quarter end and the deadline.
        See the module docstring for the definition.
    """
    target = _check_target(target)
    kind = _check_kind(kind)
    _, d = _deadline_index(paths, deadline)
    mid, low, high = success_band(_metric_paths(paths, kind), target, d, band)
    months = _milestone_months(paths, d)
    return pd.DataFrame(
        {
            "month": pd.PeriodIndex([paths.dates[i] for i in months], freq="M"),
            "target": mid[months],
            "low": low[months],
            "high": high[months],
        }
    )


def assess_goal(
    paths: PathEnsemble,
    target: float,
    deadline,
    *,
    kind: str = "level",
    confidence: float = 0.8,
) -> GoalAssessment:
    """Probability, verdict, realistic maximum, reach dates and milestones of a goal.

    Parameters
    ----------
    paths : PathEnsemble
        From :func:`toolkit.engine.paths.simulate_paths`.
    target : float
        Target value of the metric (per month for ``level``, total for ``cumulative``).
    deadline : str or pd.Period
        Month "YYYY-MM" within the simulated horizon.
    kind : {"level", "cumulative"}
    confidence : float
        Probability required to call the goal attainable, in (0, 1).

    Returns
    -------
    GoalAssessment
        An infeasible goal is a result (verdict), never an exception.

    Raises
    ------
    InputError
        Bad target, kind, confidence, or a deadline outside the horizon.
    """
    target = _check_target(target)
    kind = _check_kind(kind)
    try:
        c = float(confidence)
    except (TypeError, ValueError) as exc:
        raise InputError(f"confidence: got {confidence!r}; expected a number in (0, 1)") from exc
    if not 0.0 < c < 1.0:
        raise InputError(f"confidence: got {confidence!r}; expected a number in (0, 1)")
    period, d = _deadline_index(paths, deadline)
    metric = _metric_paths(paths, kind)[:, d]
    p = float(np.mean(metric >= target))
    realistic = float(np.quantile(metric, 1.0 - c))

    verdict = "attainable" if p >= c else "stretch" if p >= _STRETCH else "unattainable"
    if paths.ceiling is not None:
        cap = float(np.quantile(paths.ceiling, 0.9)) * (1 if kind == "level" else d + 1)
        if target > cap:
            verdict = "beyond_capacity"

    reach = reach_dates(paths, target, kind)
    if verdict != "attainable" and realistic > 0:
        mreach = reach_dates(paths, realistic, kind)
        max50, max80 = mreach.p50, mreach.p80
    else:
        max50 = max80 = None
    goal_for_plan = target if verdict in ("attainable", "stretch") else realistic
    if goal_for_plan > 0:
        ms = milestones(paths, goal_for_plan, period, kind=kind)
    else:
        ms = pd.DataFrame(columns=["month", "target", "low", "high"])
    return GoalAssessment(
        probability=p,
        verdict=verdict,
        realistic_max=realistic,
        reach_p50=reach.p50,
        reach_p80=reach.p80,
        p_never=reach.p_never,
        max_reach_p50=max50,
        max_reach_p80=max80,
        milestones=ms,
        target=target,
        deadline=period,
        kind=kind,
        confidence=c,
    )
