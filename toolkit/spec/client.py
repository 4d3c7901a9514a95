"""The client folder format (DESIGN.md §3) as frozen, validated models.

``load_client(folder)`` reads ``client.yaml`` safely, validates every field and
reads the monthly KPI history it names. Every failure becomes one
:class:`~toolkit.errors.InputError` whose message names the file, the field
path, the bad value and what was expected.

The optional economics, funnel and readiness sections live in
:mod:`toolkit.spec.sections`, the file reading (YAML, KPI CSV, paths) in
:mod:`toolkit.spec.files`; both are re-exported here.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import Field, PrivateAttr, ValidationError, field_validator, model_validator

from toolkit.errors import InputError
from toolkit.priors.ctr import ctr_model
from toolkit.priors.ranges import Range
from toolkit.sources.keywords import read_keywords
from toolkit.sources.trends import read_trends_csv
from toolkit.spec.base import CLIENT_FILE, MAX_VALUE, FieldProblem, Frozen, as_month, months_between, share_range
from toolkit.spec.files import must_exist, read_history, read_yaml, resolve_in_folder
from toolkit.spec.sections import EconomicsSpec, FunnelSpec, FunnelStage, PipelinePerson, ReadinessSpec

__all__ = [
    "ClientInfo", "TrendsQuery", "Checklist", "Goal", "MarketSpec", "Segment", "Scenario", "EconomicsSpec", "FunnelStage",
    "FunnelSpec", "PipelinePerson", "ReadinessSpec", "ClientSpec", "load_client", "read_history", "resolve_in_folder", "CLIENT_FILE", "METRICS",
]

SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
#: Names the batch writes beside the reports (index.html, summary.csv): a client's report must not overwrite them.
RESERVED_IDS = ("index", "summary")
#: Deadlines the report can simulate: toolkit.engine.horizon.MAX_HORIZON months after as_of.
MAX_DEADLINE_MONTHS = 60
#: Positive months a goal's metric needs (toolkit.engine.paths.MIN_HISTORY).
MIN_POSITIVE_MONTHS = 6
METRICS = ("sales", "revenue", "customers", "avg_check", "traffic", "leads", "orders", "calls", "position")


class ClientInfo(Frozen):
    id: str
    name: str
    currency: str = "EUR"
    as_of: str

    @field_validator("id")
    @classmethod
    def _safe_id(cls, v: str) -> str:
        if not SAFE_ID.match(v):
            raise ValueError("an id of letters, digits, '-' or '_' (safe as a file name)")
        if v.casefold() in RESERVED_IDS:
            raise ValueError(f"an id other than {' or '.join(RESERVED_IDS)} (the batch writes index.html and summary.csv)")
        return v

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str) -> str:
        if not re.fullmatch(r"[A-Z]{3}", v):
            raise ValueError("a three-letter ISO currency code such as EUR")
        return v

    _as_of = field_validator("as_of", mode="before")(lambda cls, v: as_month(v))


class Checklist(Frozen):
    """The first three verification checks, recorded by the consultant."""

    sure_of_goal: bool | None = None
    same_understanding: bool | None = None
    stated_back: bool | None = None
    agreed_by: str | None = None
    approved_on: date | None = None


class Goal(Frozen):
    id: str
    statement: str
    metric: str
    kind: Literal["level", "cumulative"] = "level"
    target: float = Field(gt=0, lt=MAX_VALUE)
    deadline: str
    checklist: Checklist = Checklist()

    _deadline = field_validator("deadline", mode="before")(lambda cls, v: as_month(v))

    @field_validator("id")
    @classmethod
    def _safe_id(cls, v: str) -> str:
        if not SAFE_ID.match(v):
            raise ValueError("an id of letters, digits, '-' or '_'")
        return v


class Segment(Frozen):
    """One market segment or region; capacity is the sum over segments."""

    name: str = "market"
    model: Literal["top_down", "bottom_up", "search_demand"]
    # top_down
    population: Range | None = None
    segment_share: Range | None = None
    purchases_per_year: Range | None = None
    avg_price: Range | None = None
    # bottom_up
    reachable_customers: Range | None = None
    avg_check: Range | None = None
    # search_demand
    keywords: str | None = None
    position: Range | None = None
    conversion: Range | None = None
    lead_to_sale: Range | None = None
    ctr_curve: str | None = None

    @model_validator(mode="after")
    def _drivers_present(self) -> "Segment":
        needed = {
            "top_down": ("population", "segment_share", "purchases_per_year", "avg_price"),
            "bottom_up": ("reachable_customers", "purchases_per_year", "avg_check"),
            "search_demand": ("keywords", "position", "conversion"),
        }[self.model]
        missing = [f for f in needed if getattr(self, f) is None]
        if missing:
            raise ValueError(f"model {self.model} needs {', '.join(missing)}")
        for f in ("segment_share", "conversion", "lead_to_sale"):
            share_range(getattr(self, f), f)
        return self


class Scenario(Frozen):
    """An expansion scenario: the base segments plus these (a new region, a product line)."""

    name: str
    add_segments: list[Segment]


class TrendsQuery(Frozen):
    """A live Google Trends query (pytrends), used when no downloaded Trends CSV is given."""

    terms: list[str] = Field(min_length=1, max_length=5)
    geo: str = ""
    timeframe: str = "today 5-y"
    category: int = Field(default=0, ge=0)

    @field_validator("terms")
    @classmethod
    def _terms_not_blank(cls, v: list[str]) -> list[str]:
        if any(not t.strip() for t in v):
            raise ValueError("non-empty search terms")
        return v


class MarketSpec(Segment):
    """The market: one segment given inline, or a list of ``segments``."""

    model: Literal["top_down", "bottom_up", "search_demand", "segments"] = "segments"
    trends: str | None = None
    trends_live: TrendsQuery | None = None
    reachable_share: Range
    segments: list[Segment] = []
    scenarios: list[Scenario] = []

    @model_validator(mode="after")
    def _drivers_present(self) -> "MarketSpec":
        share_range(self.reachable_share, "reachable_share")
        if self.model == "segments":
            if not self.segments:
                raise ValueError("give a model (top_down, bottom_up, search_demand) or a list of segments")
            return self
        return Segment._drivers_present(self)

    def base_segments(self) -> list[Segment]:
        if self.model == "segments":
            return list(self.segments)
        fields = {k: getattr(self, k) for k in Segment.model_fields}
        return [Segment(**fields)]


class ClientSpec(Frozen):
    client: ClientInfo
    history: str
    market: MarketSpec | None = None
    economics: EconomicsSpec = EconomicsSpec()
    funnel: FunnelSpec = FunnelSpec()
    readiness: ReadinessSpec | None = None
    goals: list[Goal] = Field(min_length=1)

    _folder: Path = PrivateAttr(default=Path("."))
    _kpis: pd.DataFrame | None = PrivateAttr(default=None)
    _demand_files: dict = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _goals_after_as_of(self) -> "ClientSpec":
        for i, g in enumerate(self.goals):
            if g.deadline <= self.client.as_of:
                raise FieldProblem(f"goals.{i}.deadline", g.deadline, f"a month after as_of {self.client.as_of}")
            if months_between(self.client.as_of, g.deadline) > MAX_DEADLINE_MONTHS:
                raise FieldProblem(f"goals.{i}.deadline", g.deadline,
                                    f"a month at most {MAX_DEADLINE_MONTHS} months after as_of {self.client.as_of}")
        ids = [g.id for g in self.goals]
        if len(set(ids)) != len(ids):
            raise FieldProblem("goals", ids, "unique goal ids")
        return self

    @property
    def folder(self) -> Path:
        return self._folder

    @property
    def kpis(self) -> pd.DataFrame:
        """Monthly KPI history (PeriodIndex), truncated at ``as_of``."""
        if self._kpis is None:
            raise InputError("client history was not loaded; use toolkit.load_client(folder)")
        return self._kpis

    def path(self, relative: str) -> Path:
        return resolve_in_folder(self._folder, relative, CLIENT_FILE)

    def demand_file(self, relative: str, reader) -> pd.DataFrame:
        """A keywords or Trends export named in the market section, read once per loaded client.

        ``load_client`` already reads every one to validate it; later calls reuse that read.
        """
        if relative not in self._demand_files:
            self._demand_files[relative] = reader(self.path(relative))
        return self._demand_files[relative]

    def goal(self, goal_id: str) -> Goal:
        for g in self.goals:
            if g.id == goal_id:
                return g
        raise InputError(f"{CLIENT_FILE}: goals: no goal with id {goal_id!r}; expected one of {[g.id for g in self.goals]}")


def _validation_error(file: str, exc: ValidationError, data: dict) -> InputError:
    errors = exc.errors()
    first = errors[0]
    field = ".".join(str(p) for p in first["loc"]) or "(top level)"
    ctx_err = (first.get("ctx") or {}).get("error")
    if isinstance(ctx_err, FieldProblem):
        loc = [str(p) for p in first["loc"]]
        path = loc if loc[-1:] == [ctx_err.field] else loc + [ctx_err.field]
        return InputError.at(file, ".".join(path), ctx_err.value, ctx_err.expected)
    # InputError.at says "expected ..." itself: pydantic's "Input should be less than 5" reads "expected less than 5".
    message = first["msg"].removeprefix("Value error, ").removeprefix("expected ").removeprefix("Input should be ")
    value = first.get("input")
    if isinstance(value, float) and value != value:
        message = "a number (.nan is not a value)"
    if first["type"] == "extra_forbidden":
        message = "no such field (check the spelling)"
    elif first["type"] == "missing":
        return InputError(f"{file}: {field}: missing; expected this required field", file=file, field=field)
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return InputError.at(file, field, first.get("input"), message + more)


def load_client(folder: str | Path, *, as_of: str | None = None) -> ClientSpec:
    """Load and validate a client folder.

    Parameters
    ----------
    folder : path
        Folder holding ``client.yaml`` and the files it names.
    as_of : str, optional
        Override of ``client.as_of`` (YYYY-MM), e.g. to re-run a past report.

    Raises
    ------
    InputError
        One line naming the file, the field, the value and what was expected.
    """
    folder = Path(folder)
    file = str(folder / CLIENT_FILE)
    data = read_yaml(folder / CLIENT_FILE)
    if as_of is not None and isinstance(data.get("client"), dict):
        data = {**data, "client": {**data["client"], "as_of": as_of}}
    try:
        spec = ClientSpec.model_validate(data)
    except ValidationError as exc:
        raise _validation_error(file, exc, data) from None
    spec._folder = folder
    negative = _negative_range(spec)
    if negative is not None:
        where, value = negative
        # Range refuses a negative low, but a bare number is an exact value it took as given.
        raise InputError.at(file, where, value, "a value >= 0 (a negative price, share or count has no meaning)")
    history_path = must_exist(folder, spec.history, file, "history")
    history_label = str(folder / spec.history)
    kpis = read_history(history_path, as_of=spec.client.as_of, file_label=history_label)
    for i, g in enumerate(spec.goals):
        if g.metric not in kpis.columns:
            raise InputError.at(file, f"goals.{i}.metric", g.metric, f"a column of {spec.history}: {', '.join(kpis.columns)}")
        positive = int((kpis[g.metric] > 0).sum())
        if positive < MIN_POSITIVE_MONTHS:
            # Caught here, not by the report's kernel: too short a history is bad input (exit 2).
            raise InputError.at(history_label, g.metric, f"{positive} months above 0",
                                f"at least {MIN_POSITIVE_MONTHS} months above 0 for goal {g.id!r} to forecast from")
    if spec.market is not None:
        # Read every demand file now, so a broken export is bad input before any report starts.

        segments = spec.market.base_segments()
        named = [("market", s) for s in segments] if spec.market.model != "segments" else \
            [(f"market.segments.{j}", s) for j, s in enumerate(segments)]
        named += [(f"market.scenarios.{j}.add_segments.{k}", s)
                  for j, sc in enumerate(spec.market.scenarios) for k, s in enumerate(sc.add_segments)]
        names = [s.name for s in spec.market.segments]
        if len(set(names)) != len(names):
            # Checked here, not in MarketSpec: toolkit.capacity.market builds markets on its own and says the same.
            raise InputError.at(file, "market.segments", names, "unique segment names")
        _check_scenarios(spec.market, file)
        zero_driver = _zero_driver(spec.market, "market")
        if zero_driver:
            raise InputError.at(file, zero_driver, 0, "a value above 0 (a zero makes the market, and every ceiling, zero)")
        for where, segment in named:
            zero_driver = _zero_driver(segment, where)
            if zero_driver:
                raise InputError.at(file, zero_driver, 0, "a value above 0 (a zero makes the market, and every ceiling, zero)")
            if segment.ctr_curve is not None:

                try:
                    ctr_model(segment.ctr_curve, field=f"{where}.ctr_curve")
                except InputError as exc:
                    raise InputError(f"{file}: {exc}", file=file, field=f"{where}.ctr_curve") from None
            if segment.position is not None:
                # toolkit.capacity.market refuses these too, but only once a report's kernel runs (exit 1, not 2).
                lowest = segment.position.value if segment.position.value is not None else segment.position.low
                if lowest < 1:
                    raise InputError.at(file, f"{where}.position", segment.position.label(), "search positions >= 1 (1 = top result)")
            if segment.keywords:
                table = read_keywords(must_exist(folder, segment.keywords, file, f"{where}.keywords"))
                spec._demand_files[segment.keywords] = table
                if not table["searches_high"].sum() > 0:
                    raise InputError.at(str(folder / segment.keywords), "monthly_searches", "0 in every row",
                                        "at least one keyword searched more than 0 times a month")
        if spec.market.trends:
            trends = read_trends_csv(must_exist(folder, spec.market.trends, file, "market.trends"))
            spec._demand_files[spec.market.trends] = trends
    spec._kpis = kpis
    return spec


def _negative_range(model, where: str = "") -> tuple[str, float] | None:
    """The dotted path and value of the first Range in ``model`` whose exact value is below zero."""
    if isinstance(model, Range):
        return (where, model.value) if model.value is not None and model.value < 0 else None
    if isinstance(model, (list, tuple)):
        items = enumerate(model)
    elif isinstance(model, Frozen):
        items = ((name, getattr(model, name)) for name in type(model).model_fields)
    else:
        return None
    for key, item in items:
        found = _negative_range(item, f"{where}.{key}" if where else str(key))
        if found is not None:
            return found
    return None


def _check_scenarios(market: MarketSpec, file: str) -> None:
    """What toolkit.capacity.market.estimate_scenarios refuses, refused before any report runs."""
    base = [s.name for s in market.base_segments()]
    seen = {"base"}
    for j, scenario in enumerate(market.scenarios):
        if scenario.name in seen:
            raise InputError.at(file, f"market.scenarios.{j}.name", scenario.name, "a scenario name other than 'base', used once")
        seen.add(scenario.name)
        names = base + [s.name for s in scenario.add_segments]
        dup = next((x for x in names if names.count(x) > 1), None)
        if dup is not None:
            raise InputError.at(file, f"market.scenarios.{j}.add_segments", dup,
                                "segment names unique among the base segments and this scenario's")


#: Drivers multiplied into capacity: an exact zero makes every ceiling zero (the engine refuses zero ceilings).
_MULTIPLIED = ("population", "segment_share", "purchases_per_year", "reachable_customers", "conversion",
               "lead_to_sale", "reachable_share")


def _zero_driver(section, where: str) -> str | None:
    """The first capacity driver of ``section`` given as exactly zero, as a field path."""
    for name in _MULTIPLIED:
        r = getattr(section, name, None)
        if r is not None and r.is_exact and (r.value if r.value is not None else r.low) == 0:
            return f"{where}.{name}"
    return None
