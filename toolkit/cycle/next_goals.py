"""Proposals for the next goals, once a goal is met or its deadline has passed.

From the client's actuals up to ``as_of`` the metric is simulated afresh
(:func:`toolkit.engine.paths.simulate_paths`, bounded by the capacity ceiling) and,
for each horizon ``h`` (default 6 and 12 months after ``as_of``), two targets
are read off the distribution of the metric at ``as_of + h``::

    realistic = quantile_{1 - confidence}(metric)      (P(met) ~ confidence, 0.8)
    stretch   = quantile_{1 - p_stretch}(metric)       (P(met) ~ p_stretch, 0.5)

The realistic target is rounded *down* and the stretch target to the nearest
value with three significant figures, so the rounded realistic target keeps
its probability at or above ``confidence``. Each target is then assessed like
any goal (:func:`toolkit.engine.assess.assess_goal`: probability, verdict, with
``beyond_capacity`` when it exceeds the ceiling's P90) and, where the client
file has unit economics and a lever decomposition is possible, checked for
expediency (:func:`toolkit.economics.unit.assess_expediency` on the new customers
the "all three levers" scenario needs).

The stretch level is P = 0.5 by design: a stretch goal sits above normal
performance on purpose (DOMAIN.md section 1) yet stays an even bet, well
inside the ``stretch`` verdict band (0.2 <= P < 0.8).
"""

from __future__ import annotations

import logging
import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from toolkit.economics.levers import lever_scenarios, revenue_target
from toolkit.economics.unit import assess_expediency, median_retention, new_customers_needed
from toolkit.engine.assess import assess_goal
from toolkit.engine.paths import simulate_paths
from toolkit.errors import InputError
from toolkit.present.formatting import fmt_month, fmt_number
from toolkit.spec.client import ClientSpec, Goal

__all__ = ["GoalProposal", "propose_next_goals", "STRETCH_PROBABILITY", "HORIZONS", "proposal_frame"]

log = logging.getLogger("toolkit")

STRETCH_PROBABILITY = 0.5
HORIZONS = (6, 12)


@dataclass(frozen=True)
class GoalProposal:
    """One proposed next goal.

    Attributes
    ----------
    proposal : {"realistic", "stretch"}
    metric, kind : str
        The metric and ``level`` / ``cumulative``.
    target : float
        Target value (per month, or total from the month after ``as_of``).
    deadline : str
        Month "YYYY-MM".
    months : int
        Months from ``as_of`` to the deadline.
    design_probability : float
        The probability the target was chosen for (confidence or stretch level).
    probability : float
        P(met) of the rounded target.
    verdict : str
        As for any goal (attainable, stretch, unattainable, beyond_capacity).
    ceiling_p90 : float or None
        P90 of the capacity ceiling over the same period, if capacity is known.
    share_of_ceiling : float or None
        ``target / ceiling_p90``.
    expediency : str or None
        expedient / marginal / not_expedient, or None when not assessable.
    expediency_reason : str
        One sentence (or why it could not be assessed).
    statement : str
        The goal in words, e.g. "520 sales a month by April 2027".
    """

    proposal: str
    metric: str
    kind: str
    target: float
    deadline: str
    months: int
    design_probability: float
    probability: float
    verdict: str
    ceiling_p90: float | None
    share_of_ceiling: float | None
    expediency: str | None
    expediency_reason: str
    statement: str

    def to_dict(self) -> dict:
        """JSON-ready dict."""
        return asdict(self)

    def as_goal(self, goal_id: str) -> Goal:
        """This proposal as a :class:`toolkit.spec.client.Goal` (e.g. to add to client.yaml)."""
        return Goal(id=goal_id, statement=self.statement, metric=self.metric, kind=self.kind, target=self.target,
                    deadline=self.deadline)


def _round_sig(x: float, *, down: bool) -> float:
    if not x > 0 or not math.isfinite(x):
        return x
    step = 10 ** (math.floor(math.log10(x)) - 2)
    return (math.floor(x / step) if down else round(x / step)) * step


def _statement(metric: str, kind: str, target: float, deadline: str) -> str:
    per = " in total" if kind == "cumulative" else " a month"
    return f"{fmt_number(target)} {metric}{per} by {fmt_month(deadline)}"



def proposal_expediency(spec: ClientSpec, history: pd.DataFrame, goal: Goal, months: int, *, ceiling_customers=None,
                        n: int = 2000, seed: int = 0):
    """Expediency of a proposed goal, or ``(None, reason)`` when the inputs do not allow it.

    Returns
    -------
    (Expediency or None, str)
    """

    econ = spec.economics
    if econ.gross_margin is None:
        return None, "no gross margin in client.yaml: expediency not assessed"
    try:
        revenue = revenue_target(goal, history)
        scenarios = lever_scenarios(history, revenue, ceiling_customers=ceiling_customers)
        scenario = scenarios.loc["all three"]
        now = float(scenarios.attrs["baseline"]["customers"])
        new = new_customers_needed(now, float(scenario["customers"]), months, median_retention(econ))
        result = assess_expediency(econ, new_customers=new, months_to_deadline=months,
                                   currency=spec.client.currency, n=n, seed=seed)
    except InputError as exc:
        return None, f"expediency not assessed: {str(exc).splitlines()[0]}"
    return result, result.reason


def propose_next_goals(spec: ClientSpec, history: pd.DataFrame, metric: str, *, as_of: str | None = None,
                       kind: str = "level", horizons=HORIZONS, confidence: float = 0.8,
                       stretch_probability: float = STRETCH_PROBABILITY, ceiling=None, seed: int = 0,
                       n_paths: int = 2000) -> list[GoalProposal]:
    """A realistic and a stretch target per horizon, each assessed like any goal.

    Parameters
    ----------
    spec : ClientSpec
        The client (for economics, currency and names).
    history : pandas.DataFrame
        Monthly actuals (PeriodIndex), e.g. :func:`toolkit.cycle.review.actuals_for`.
    metric : str
        Column of ``history`` to set the next goal on.
    as_of : str, optional
        Last month of actuals used (default: the last month of ``history``).
    kind : {"level", "cumulative"}
    horizons : sequence of int
        Months after ``as_of`` for the deadlines.
    confidence : float
        Design probability of the realistic target (and the attainable threshold).
    stretch_probability : float
        Design probability of the stretch target.
    ceiling : array-like, optional
        Capacity ceiling draws for ``metric`` (per month).
    seed, n_paths
        As for :func:`toolkit.engine.paths.simulate_paths`.

    Returns
    -------
    list of GoalProposal
        Ordered by horizon, realistic before stretch.
    """

    if metric not in history.columns:
        raise InputError.at(None, "metric", metric, f"a history column: {', '.join(history.columns)}")
    if not 0 < stretch_probability < confidence < 1:
        raise InputError.at(None, "stretch_probability", stretch_probability,
                            f"a probability below confidence {confidence}")
    horizons = sorted({int(h) for h in horizons})
    if not horizons or horizons[0] < 1:
        raise InputError.at(None, "horizons", horizons, "positive numbers of months")
    end = pd.Period(as_of, freq="M") if as_of else history.index[-1]
    series = history[metric].loc[:end]
    paths = simulate_paths(series, max(horizons[-1], 24), ceiling=ceiling, n_paths=n_paths, seed=seed)
    values = paths.values if kind == "level" else np.cumsum(paths.values, axis=1)
    ceiling_customers = None
    if ceiling is not None and metric in ("sales", "orders", "customers"):
        ceiling_customers = float(np.median(ceiling))
    out = []
    for h in horizons:
        deadline = (end + h).strftime("%Y-%m")
        at = values[:, h - 1]
        cap = None if paths.ceiling is None else float(np.quantile(paths.ceiling, 0.9)) * (1 if kind == "level" else h)
        for name, design in (("realistic", confidence), ("stretch", stretch_probability)):
            target = _round_sig(float(np.quantile(at, 1 - design)), down=name == "realistic")
            if not target > 0:
                log.warning("%s: no positive %s target at %s", metric, name, deadline)
                continue
            a = assess_goal(paths, target, deadline, kind=kind, confidence=confidence)
            statement = _statement(metric, kind, target, deadline)
            goal = Goal(id="proposal", statement=statement, metric=metric, kind=kind, target=target, deadline=deadline)
            expediency, reason = (None, "expediency is assessed for level goals only")
            if kind == "level":
                expediency, reason = proposal_expediency(spec, history.loc[:end], goal, h,
                                                         ceiling_customers=ceiling_customers, seed=seed)
            out.append(GoalProposal(
                proposal=name, metric=metric, kind=kind, target=float(target), deadline=deadline, months=h,
                design_probability=float(design), probability=round(float(a.probability), 4), verdict=a.verdict,
                ceiling_p90=None if cap is None else float(f"{cap:.6g}"),
                share_of_ceiling=None if not cap else round(target / cap, 4),
                expediency=None if expediency is None else expediency.verdict, expediency_reason=reason,
                statement=statement))
    log.info("%s: %d next-goal proposals from %s", metric, len(out), end)
    return out


def proposal_frame(proposals) -> pd.DataFrame:
    """The proposals as a table, one row each."""
    cols = ["proposal", "statement", "target", "deadline", "probability", "verdict", "share_of_ceiling", "expediency"]
    return pd.DataFrame([p.to_dict() for p in proposals], columns=list(GoalProposal.__dataclass_fields__))[cols]
