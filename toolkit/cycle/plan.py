"""Saved plans: what was promised when a goal was approved.

``make_plan(spec, goal_id)`` assesses one goal as of the client's ``as_of``
(load the client with ``load_client(folder, as_of=...)`` to plan as of an
earlier month) and freezes the result; ``save_plan`` writes it atomically to
``plans/<goal-id>.json`` in the client folder and refuses to overwrite an
existing plan unless told to. Later reviews (:mod:`toolkit.cycle.review`) compare
new actuals with this file, never with a plan recomputed with hindsight.

The plan file (JSON, ``format = "goalcheck-plan/1"``) holds:

- ``goal``: id, statement, metric, kind, target, deadline, approval record;
- ``as_of``, ``seed``, ``n_paths``, ``confidence``: how the plan was computed;
- ``assessment``: :meth:`toolkit.engine.assess.GoalAssessment.to_dict` at approval;
- ``milestones``: the intermediate targets (month, target, low, high);
- ``trajectory``: the same definition evaluated for *every* month from
  ``as_of + 1`` to the deadline, so any later month can be compared with the
  promise (the milestones are a quarterly subset of it);
- ``plan_target``: what the trajectory ends at, the goal itself for an
  attainable or stretch goal, otherwise the realistic maximum;
- ``toward``: ``"goal"`` or ``"realistic_max"``. A plan toward less than the
  target is saved only when asked for explicitly (``toward_max=True``,
  ``goalcheck plan --toward-max``) and every report labels it so;
- ``baseline``: the metric in the as-of month and its mean over the last three
  months; ``levers``: customers, average check, frequency and revenue (mean of
  the last three months, :func:`toolkit.economics.unit.decompose_levers`) or null;
  ``funnel``: stage names, median conversions, lags and the sales cycle, or null;
- ``ceiling_p90``: P90 of the capacity ceiling of the metric, or null;
- ``inputs``: SHA-256 of ``client.yaml`` and of the history up to ``as_of``,
  and ``toolkit_version``, so a review can tell when past data were revised.

Trajectory
----------
With ``Y[k, m]`` the simulated paths (running totals for a cumulative goal),
the plan value of month ``m`` is the median of the paths that meet the plan
target at the deadline and its band their P10-P90 (the deadline row is the
plan target itself): :func:`toolkit.engine.assess.success_band`, the
definition of the milestones, evaluated every month. The paths are the
report's (:func:`toolkit.cycle.futures.goal_paths`), so a plan saved at the
same month, seed and inputs as a report shows the report's numbers.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.cycle.futures import capacity_draws, ceiling_draws, goal_paths, market_season
from toolkit.economics.levers import decompose_levers
from toolkit.engine.assess import assess_goal, success_band
from toolkit.errors import InputError
from toolkit.spec.atomic import atomic_write_text
from toolkit.spec.client import CLIENT_FILE, ClientSpec, read_history

__all__ = ["SavedPlan", "make_plan", "save_plan", "load_plan", "load_plans", "plan_path", "input_hashes",
           "toolkit_version", "ceiling_draws", "baseline_levers", "PLAN_DIR", "PLAN_FORMAT", "PLAN_TOWARD"]

log = logging.getLogger("toolkit")

PLAN_DIR = "plans"
PLAN_FORMAT = "goalcheck-plan/1"
#: What a plan leads to: the goal's own target, or (asked for explicitly) the realistic maximum.
PLAN_TOWARD = ("goal", "realistic_max")
_REQUIRED = ("format", "goal", "as_of", "seed", "n_paths", "confidence", "assessment", "milestones", "trajectory",
             "plan_target", "inputs")


def toolkit_version() -> str:
    """Installed version of the ``goalcheck`` distribution ("unknown" when not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("goalcheck")
    except PackageNotFoundError:
        return "unknown"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def input_hashes(spec: ClientSpec, as_of: str | None = None) -> dict[str, str]:
    """SHA-256 of ``client.yaml`` and of the KPI history up to ``as_of`` (default the spec's).

    Parameters
    ----------
    spec : ClientSpec
        A loaded client.
    as_of : str, optional
        Month (YYYY-MM) at which to cut the history read from the client's
        history file; default: the spec's own (already truncated) KPIs.

    Returns
    -------
    dict
        ``client_yaml``, ``history`` and ``combined`` hex digests.
    """

    yaml_bytes = (Path(spec.folder) / CLIENT_FILE).read_bytes() if (Path(spec.folder) / CLIENT_FILE).is_file() else b""
    if as_of is None:
        kpis = spec.kpis
    else:
        kpis = read_history(spec.path(spec.history), file_label=str(Path(spec.folder) / spec.history))
        kpis = kpis.loc[: pd.Period(as_of, freq="M")]
    hist = _sha256(kpis.to_csv(float_format="%.10g").encode("utf-8"))
    client = _sha256(yaml_bytes)
    return {"client_yaml": client, "history": hist, "combined": _sha256((client + hist).encode("ascii"))}


@dataclass(frozen=True)
class SavedPlan:
    """A goal's plan as approved; see the module docstring for the fields.

    ``source`` is the file it was read from, or ``None`` for a plan made in
    memory (not saved).
    """

    client_id: str
    goal: dict
    as_of: str
    seed: int
    n_paths: int
    confidence: float
    assessment: dict
    milestones: list
    trajectory: list
    plan_target: float
    baseline: dict
    levers: dict | None
    funnel: dict | None
    ceiling_p90: float | None
    inputs: dict
    toolkit_version: str
    created: str
    toward: str = "goal"
    source: Path | None = field(default=None, compare=False)

    @property
    def goal_id(self) -> str:
        return str(self.goal["id"])

    @property
    def probability(self) -> float:
        """P(goal met) at approval."""
        return float(self.assessment["probability"])

    def milestone_frame(self) -> pd.DataFrame:
        """The milestones as a DataFrame: ``month`` (Period), ``target``, ``low``, ``high``."""
        return _frame(self.milestones)

    def trajectory_frame(self) -> pd.DataFrame:
        """The monthly plan line: ``month`` (Period), ``target``, ``low``, ``high``."""
        return _frame(self.trajectory)

    def to_dict(self) -> dict:
        """The JSON document written to the plan file."""
        return {
            "format": PLAN_FORMAT, "toolkit_version": self.toolkit_version, "created": self.created,
            "client_id": self.client_id, "goal": dict(self.goal), "as_of": self.as_of, "seed": self.seed,
            "n_paths": self.n_paths, "confidence": self.confidence, "assessment": self.assessment,
            "milestones": list(self.milestones), "trajectory": list(self.trajectory), "plan_target": self.plan_target,
            "baseline": dict(self.baseline), "levers": self.levers, "funnel": self.funnel,
            "ceiling_p90": self.ceiling_p90, "inputs": dict(self.inputs), "toward": self.toward,
        }

    @classmethod
    def from_dict(cls, data: dict, *, source: Path | None = None) -> "SavedPlan":
        """Validate a plan document; a malformed one is an :class:`InputError` naming the file."""
        where = str(source) if source else "plan"
        if not isinstance(data, dict):
            raise InputError.at(where, None, type(data).__name__, "a JSON object written by goalcheck plan")
        if data.get("format") != PLAN_FORMAT:
            raise InputError.at(where, "format", data.get("format"),
                                f"{PLAN_FORMAT!r} (a file written by goalcheck plan)")
        missing = [k for k in _REQUIRED if k not in data]
        if missing:
            raise InputError.at(where, missing[0], None, "this field of a goalcheck plan file")
        goal = data["goal"]
        for key in ("id", "metric", "kind", "target", "deadline"):
            if not isinstance(goal, dict) or key not in goal:
                raise InputError.at(where, f"goal.{key}", None, "the goal as approved")
        try:
            pd.Period(data["as_of"], freq="M")
            rows = _frame(data["trajectory"])
        except (TypeError, ValueError, KeyError) as exc:
            raise InputError.at(where, "trajectory", str(exc)[:60], "months as YYYY-MM with numeric targets") from None
        if rows.empty:
            raise InputError.at(where, "trajectory", [], "at least one planned month")
        return cls(
            client_id=str(data.get("client_id", "")), goal=dict(goal), as_of=str(data["as_of"]), seed=int(data["seed"]),
            n_paths=int(data["n_paths"]), confidence=float(data["confidence"]), assessment=dict(data["assessment"]),
            milestones=list(data["milestones"]), trajectory=list(data["trajectory"]),
            plan_target=float(data["plan_target"]), baseline=dict(data.get("baseline") or {}),
            levers=data.get("levers"), funnel=data.get("funnel"), ceiling_p90=data.get("ceiling_p90"),
            inputs=dict(data["inputs"]), toolkit_version=str(data.get("toolkit_version", "unknown")),
            created=str(data.get("created", "")), toward=_toward(data, goal), source=source,
        )


def _frame(rows: list) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=["month", "target", "low", "high"])
    frame["month"] = pd.PeriodIndex(frame["month"].astype(str), freq="M")
    for col in ("target", "low", "high"):
        frame[col] = pd.to_numeric(frame[col]).astype(float)
    return frame


def _num(x) -> float | None:
    if x is None:
        return None
    x = float(x)
    return float(f"{x:.6g}") if math.isfinite(x) else None


def _toward(data: dict, goal: dict) -> str:
    """A file's ``toward``; older files without it lead to the realistic maximum when their end is below the goal."""
    toward = data.get("toward")
    if toward in PLAN_TOWARD:
        return toward
    return "realistic_max" if float(data["plan_target"]) < float(goal["target"]) else "goal"


def _trajectory(paths, target: float, kind: str, d: int) -> list[dict]:
    metric = paths.values if kind == "level" else np.cumsum(paths.values, axis=1)
    tgt, low, high = success_band(metric, target, d)
    return [{"month": paths.dates[i].strftime("%Y-%m"), "target": _num(tgt[i]), "low": _num(low[i]),
             "high": _num(high[i])} for i in range(d + 1)]


def baseline_levers(kpis: pd.DataFrame) -> dict | None:
    """Baseline levers, or None when the history has no customers or no way to a check and revenue.

    The test is explicit so that any other failure of the decomposition surfaces.
    """
    cols = set(kpis.columns)
    has_orders = bool(cols & {"orders", "sales"})
    if "customers" not in cols or not (("avg_check" in cols or "revenue" in cols) and
                                       (has_orders or {"avg_check", "revenue"} <= cols)):
        return None
    base = decompose_levers(kpis).tail(3).mean()
    out = {k: _num(base[k]) for k in ("customers", "avg_check", "frequency", "revenue")}
    return out if all(v is not None and v > 0 for v in out.values()) else None


def _funnel(spec: ClientSpec) -> dict | None:
    if not spec.funnel.stages:
        return None
    return {"cycle_days": spec.funnel.cycle_days,
            "stages": [{"name": s.name, "conversion": _num(s.conversion.quantile(0.5, bounded=True)), "lag_days": s.lag_days}
                       for s in spec.funnel.stages]}


def make_plan(spec: ClientSpec, goal_id: str, *, seed: int = 0, n_paths: int = 2000,
              confidence: float = 0.8, toward_max: bool = False) -> SavedPlan:
    """Assess one goal as of ``spec.client.as_of`` and freeze the result as a plan.

    Parameters
    ----------
    spec : ClientSpec
        A loaded client; its history is already cut at the plan's as-of month.
    goal_id : str
        Id of the goal in ``client.yaml``.
    seed, n_paths, confidence
        As in :func:`toolkit.report.analysis.analyse_client`; recorded in the plan.
    toward_max : bool
        Accept a plan toward the realistic maximum when the goal is neither
        attainable nor a stretch. Without it such a goal is an InputError:
        a plan toward less than the target is never saved silently.

    Returns
    -------
    SavedPlan
        Not yet written; see :func:`save_plan`.
    """

    goal = spec.goal(goal_id)
    if goal.checklist.approved_on is None and not goal.checklist.stated_back:
        log.warning("%s/%s: no approval recorded in the checklist; planning it anyway", spec.client.id, goal.id)
    ceiling = ceiling_draws(spec, goal.metric, seed=seed, n=capacity_draws(n_paths))
    as_of = spec.client.as_of
    paths = goal_paths(spec, goal.metric, goal.deadline, seed=seed, n_paths=n_paths, ceiling=ceiling,
                       season=market_season(spec))
    assessment = assess_goal(paths, goal.target, goal.deadline, kind=goal.kind, confidence=confidence)
    toward = "goal" if assessment.verdict in ("attainable", "stretch") else "realistic_max"
    if toward == "realistic_max" and not toward_max:
        raise InputError(
            f"goal {goal.id!r}: {assessment.probability:.1%} chance of {goal.target:,.6g} by {goal.deadline} "
            f"({assessment.verdict.replace('_', ' ')}); its plan would lead to the realistic maximum "
            f"{assessment.realistic_max:,.4g} instead; expected --toward-max to save that plan, or a goal adjusted "
            f"in client.yaml")
    plan_target = goal.target if toward == "goal" else assessment.realistic_max
    d = int((pd.Period(goal.deadline, freq="M") - paths.dates[0]).n)
    trajectory = _trajectory(paths, float(plan_target), goal.kind, d) if plan_target > 0 else []
    history = spec.kpis[goal.metric]
    checklist = goal.checklist
    plan = SavedPlan(
        client_id=spec.client.id,
        goal={"id": goal.id, "statement": goal.statement, "metric": goal.metric, "kind": goal.kind,
              "target": goal.target, "deadline": goal.deadline,
              "approved_on": checklist.approved_on.isoformat() if checklist.approved_on else None,
              "agreed_by": checklist.agreed_by},
        as_of=as_of, seed=int(seed), n_paths=int(n_paths), confidence=float(confidence),
        assessment=assessment.to_dict(), milestones=assessment.to_dict()["milestones"], trajectory=trajectory,
        plan_target=float(_num(plan_target) or 0.0),
        baseline={"last": _num(history.iloc[-1]), "mean_3": _num(history.tail(3).mean())},
        levers=baseline_levers(spec.kpis), funnel=_funnel(spec),
        ceiling_p90=None if ceiling is None else _num(np.quantile(ceiling, 0.9)),
        inputs=input_hashes(spec), toolkit_version=toolkit_version(),
        created=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), toward=toward,
    )
    log.info("%s/%s: plan as of %s, P(met)=%.2f %s", spec.client.id, goal.id, as_of, assessment.probability,
             assessment.verdict)
    return plan


def plan_path(folder: str | Path, goal_id: str) -> Path:
    """``<folder>/plans/<goal-id>.json`` (goal ids are safe file names by validation)."""
    return Path(folder) / PLAN_DIR / f"{goal_id}.json"


def save_plan(plan: SavedPlan, folder: str | Path, *, force: bool = False) -> Path:
    """Write ``plan`` atomically to ``plans/<goal-id>.json`` in ``folder``.

    Raises
    ------
    InputError
        A plan for this goal exists and ``force`` is False.
    """
    target = plan_path(folder, plan.goal_id)
    if target.exists() and not force:
        raise InputError(f"{target}: a plan for goal {plan.goal_id!r} already exists (approved as of "
                         f"{_existing_as_of(target)}); expected --force to replace it")
    text = json.dumps(plan.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    atomic_write_text(target, text)
    log.info("plan written to %s", target)
    return target


def _existing_as_of(path: Path) -> str:
    try:
        return str(json.loads(path.read_text(encoding="utf-8")).get("as_of", "?"))
    except (OSError, ValueError, AttributeError):
        return "?"


def load_plan(path: str | Path) -> SavedPlan:
    """Read and validate one plan file."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputError(f"{path}: file not found; expected a plan written by goalcheck plan", file=str(path)) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError.at(str(path), None, type(exc).__name__, "a JSON plan written by goalcheck plan") from None
    return SavedPlan.from_dict(data, source=path)


def load_plans(folder: str | Path) -> dict[str, SavedPlan]:
    """Every saved plan in ``<folder>/plans``, keyed by goal id (empty when none)."""
    directory = Path(folder) / PLAN_DIR
    if not directory.is_dir():
        return {}
    plans = {}
    for path in sorted(directory.glob("*.json")):
        plan = load_plan(path)
        plans[plan.goal_id] = plan
    return plans
