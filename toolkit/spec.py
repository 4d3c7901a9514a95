"""The client folder format (DESIGN.md §3) as frozen, validated models.

``load_client(folder)`` reads ``client.yaml`` safely, validates every field and
reads the monthly KPI history it names. Every failure becomes one
:class:`~toolkit.errors.InputError` whose message names the file, the field
path, the bad value and what was expected.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from toolkit.errors import InputError
from toolkit.uncertain import Range

__all__ = [
    "ClientInfo", "Checklist", "Goal", "MarketSpec", "Segment", "Scenario", "EconomicsSpec", "FunnelStage",
    "FunnelSpec", "PipelinePerson", "ReadinessSpec", "ClientSpec", "load_client", "read_history", "resolve_in_folder", "CLIENT_FILE", "METRICS",
]

CLIENT_FILE = "client.yaml"
SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
#: Largest value a history cell or a target may hold: anything larger is a unit or typing mistake.
MAX_VALUE = 1e15
#: Deadlines the report can simulate: toolkit.report.MAX_HORIZON months after as_of.
MAX_DEADLINE_MONTHS = 60
#: Positive months a goal's metric needs (toolkit.paths.MIN_HISTORY).
MIN_POSITIVE_MONTHS = 6
METRICS = ("sales", "revenue", "customers", "avg_check", "traffic", "leads", "orders", "calls", "position")


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _month(value) -> str:
    """Accept 2026-10, "2026-10" or a date; YAML turns some of these into other types."""
    if isinstance(value, date):
        return f"{value.year:04d}-{value.month:02d}"
    text = str(value).strip()
    if not MONTH.match(text):
        raise ValueError("expected a month as YYYY-MM")
    return text


def _months_between(start: str, end: str) -> int:
    (y0, m0), (y1, m1) = (map(int, start.split("-")), map(int, end.split("-")))
    return (y1 - y0) * 12 + (m1 - m0)


def _share(r: Range | None, name: str) -> Range | None:
    if r is None:
        return r
    hi = r.value if r.value is not None else r.high
    if hi > 1:
        raise _FieldProblem(name, r.label(), "a share within [0, 1]")
    return r


class ClientInfo(Frozen):
    id: str
    name: str
    currency: str = "EUR"
    as_of: str

    @field_validator("id")
    @classmethod
    def _safe_id(cls, v: str) -> str:
        if not SAFE_ID.match(v):
            raise ValueError("expected an id of letters, digits, '-' or '_' (safe as a file name)")
        return v

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str) -> str:
        if not re.fullmatch(r"[A-Z]{3}", v):
            raise ValueError("expected a three-letter ISO currency code such as EUR")
        return v

    _as_of = field_validator("as_of", mode="before")(lambda cls, v: _month(v))


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

    _deadline = field_validator("deadline", mode="before")(lambda cls, v: _month(v))

    @field_validator("id")
    @classmethod
    def _safe_id(cls, v: str) -> str:
        if not SAFE_ID.match(v):
            raise ValueError("expected an id of letters, digits, '-' or '_'")
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
            _share(getattr(self, f), f)
        return self


class Scenario(Frozen):
    """An expansion scenario: the base segments plus these (a new region, a product line)."""

    name: str
    add_segments: list[Segment]


class MarketSpec(Segment):
    """The market: one segment given inline, or a list of ``segments``."""

    model: Literal["top_down", "bottom_up", "search_demand", "segments"] = "segments"
    trends: str | None = None
    reachable_share: Range
    segments: list[Segment] = []
    scenarios: list[Scenario] = []

    @model_validator(mode="after")
    def _drivers_present(self) -> "MarketSpec":
        _share(self.reachable_share, "reachable_share")
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


class EconomicsSpec(Frozen):
    """Unit economics (DOMAIN.md §3); every field optional, ranges are 90% intervals.

    ``retention`` is the annual share of customers who buy again next year;
    ``lifetime_years`` is the alternative (expected years as a customer,
    ``retention = 1 - 1/lifetime``). ``cac`` is a blended acquisition cost used
    when the per-channel ``cac_online`` / ``cac_offline`` are not given.
    """

    avg_check: Range | None = None
    gross_margin: Range | None = None
    cac: Range | None = None
    cac_online: Range | None = None
    cac_offline: Range | None = None
    online_share: Range | None = None
    spend_first_30_days: Range | None = None
    spend_first_year: Range | None = None
    purchases_per_year: Range | None = None
    retention: Range | None = None
    lifetime_years: Range | None = None
    discount_rate: float = Field(default=0.10, ge=0, le=1)
    referrals_per_year: Range | None = None
    repeat_referrer_share: Range | None = None
    referral_share: Range | None = None
    horizon_months: int = Field(default=12, ge=1, le=120)

    @field_validator("gross_margin", "online_share", "retention", "repeat_referrer_share", "referral_share")
    @classmethod
    def _shares(cls, v, info):
        return _share(v, info.field_name)


class FunnelStage(Frozen):
    name: str
    conversion: Range
    lag_days: int | None = Field(default=None, ge=0)

    _conv = field_validator("conversion")(lambda cls, v: _share(v, "conversion"))


class PipelinePerson(Frozen):
    """One seller's Miller-Heiman pipeline: deal counts and time shares per position."""

    name: str
    above_funnel: int = Field(default=0, ge=0)
    in_funnel: int = Field(default=0, ge=0)
    best_few: int = Field(default=0, ge=0)
    time: list[float] | None = None

    @field_validator("time")
    @classmethod
    def _time(cls, v):
        if v is None:
            return v
        if len(v) != 3 or any(not 0 <= x <= 1 for x in v) or abs(sum(v) - 1) > 0.01:
            raise ValueError("expected three time shares in [0, 1] summing to 1")
        return v


class FunnelSpec(Frozen):
    stages: list[FunnelStage] = []
    cycle_days: int = Field(default=30, ge=0)
    top_ceiling: Range | None = None
    pipeline: list[PipelinePerson] = []


Answer = bool | float | str | list[str] | None


class ReadinessSpec(Frozen):
    """Answers to the 17-question growth-readiness diagnostic (DOMAIN.md §3, seed 004).

    Numbers where the answer is a number, ``true``/``false`` or short text
    otherwise; a missing answer means unknown. See ``toolkit.readiness.QUESTIONS``.
    """

    # product ladder
    product_ladder: Answer = None
    membership_after_purchase: Answer = None
    # growth economics
    spend_first_30_days: float | None = Field(default=None, ge=0)
    spend_first_year: float | None = Field(default=None, ge=0)
    acquisition_online: Answer = None
    cac_online: float | None = Field(default=None, ge=0)
    acquisition_offline: Answer = None
    cac_offline: float | None = Field(default=None, ge=0)
    lead_generation: Answer = None
    # sales process
    enquiry_qualifier: Answer = None
    qualification_checked_by: Answer = None
    not_invited_followup: Answer = None
    act_within_24h: Answer = None
    systematic_cross_sell: Answer = None
    nonbuyer_followup: Answer = None
    reactivation_12_months: Answer = None
    best_customer_offers: Answer = None
    subscription_plans: Answer = None
    # service and referral
    first_experience: Answer = None
    followup_30_60_90: Answer = None
    next_purchase_offer: Answer = None
    referrals_this_year: float | None = Field(default=None, ge=0)
    repeat_referrer_share: float | None = Field(default=None, ge=0, le=1)
    referral_system: Answer = None
    # ownership
    owner_responsible: Answer = None
    forgotten_how_often: Answer = None
    fixed_by: Answer = None
    owner_does_everything: Answer = None


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

    @model_validator(mode="after")
    def _goals_after_as_of(self) -> "ClientSpec":
        for i, g in enumerate(self.goals):
            if g.deadline <= self.client.as_of:
                raise _FieldProblem(f"goals.{i}.deadline", g.deadline, f"a month after as_of {self.client.as_of}")
            if _months_between(self.client.as_of, g.deadline) > MAX_DEADLINE_MONTHS:
                raise _FieldProblem(f"goals.{i}.deadline", g.deadline,
                                    f"a month at most {MAX_DEADLINE_MONTHS} months after as_of {self.client.as_of}")
        ids = [g.id for g in self.goals]
        if len(set(ids)) != len(ids):
            raise _FieldProblem("goals", ids, "unique goal ids")
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

    def goal(self, goal_id: str) -> Goal:
        for g in self.goals:
            if g.id == goal_id:
                return g
        raise InputError(f"{CLIENT_FILE}: goals: no goal with id {goal_id!r}; expected one of {[g.id for g in self.goals]}")


class _FieldProblem(ValueError):
    """A cross-field problem whose location is not the model's root."""

    def __init__(self, field: str, value, expected: str):
        self.field, self.value, self.expected = field, value, expected
        super().__init__(f"{field}: got {value!r}; expected {expected}")


def resolve_in_folder(folder: Path, relative: str, file: str, field: str = "path") -> Path:
    """Resolve a file named in a client file, refusing anything outside the client's folder.

    Symbolic links are followed before the check, so a link inside the folder
    that points outside it is refused too.
    """
    base = Path(folder).resolve()
    target = (base / relative).resolve()
    if base != target and base not in target.parents:
        raise InputError.at(file, field, relative, "a file inside the client folder (no '..', absolute paths or links out)")
    return target


class _ClientLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` (no tags, no objects) that also refuses a key given twice in one mapping.

    Plain PyYAML keeps the last of two ``target:`` lines without a word; a
    client file must not change a number silently.
    """


def _mapping_without_duplicates(loader: _ClientLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue  # "<<: *defaults" may be overridden by the mapping's own keys
        key = loader.construct_object(key_node, deep=True)
        try:
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark, f"duplicate key {key!r}", key_node.start_mark)
            seen[key] = True
        except TypeError:
            continue  # unhashable keys are rejected later, with the field's name
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_ClientLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates)

#: More values than any real client file holds: a YAML alias "bomb" expands to billions.
MAX_YAML_VALUES = 100_000


def _count_values(data, limit: int) -> int:
    """Values in a loaded document, counting aliases each time they are used; stops past ``limit``."""
    count, stack = 0, [data]
    while stack and count <= limit:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def _read_yaml(path: Path) -> dict:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: file not found; expected a client folder containing {CLIENT_FILE}", file=str(path)) from None
    except OSError as exc:
        raise InputError.at(str(path), None, exc.strerror or type(exc).__name__, f"a readable {CLIENT_FILE} file") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError.at(str(path), None, raw[:20], "a UTF-8 text file") from None
    try:
        data = yaml.load(text, Loader=_ClientLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "document"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(f"{path}: {where}: invalid YAML ({problem}); expected plain YAML without tags or repeated keys",
                         file=str(path)) from None
    except RecursionError:
        raise InputError.at(str(path), None, "nesting too deep", "a client file of a few nested levels") from None
    if _count_values(data, MAX_YAML_VALUES) > MAX_YAML_VALUES:
        raise InputError.at(str(path), None, f"more than {MAX_YAML_VALUES:,} values (YAML aliases?)",
                            "a client file of ordinary size")
    if not isinstance(data, dict):
        raise InputError.at(str(path), None, data, "a YAML mapping with client, history and goals")
    return data


def _validation_error(file: str, exc: ValidationError, data: dict) -> InputError:
    errors = exc.errors()
    first = errors[0]
    field = ".".join(str(p) for p in first["loc"]) or "(top level)"
    ctx_err = (first.get("ctx") or {}).get("error")
    if isinstance(ctx_err, _FieldProblem):
        loc = [str(p) for p in first["loc"]]
        path = loc if loc[-1:] == [ctx_err.field] else loc + [ctx_err.field]
        return InputError.at(file, ".".join(path), ctx_err.value, ctx_err.expected)
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = "no such field (check the spelling)"
    elif first["type"] == "missing":
        return InputError(f"{file}: {field}: missing; expected this required field", file=file, field=field)
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return InputError.at(file, field, first.get("input"), message + more)


def read_history(path: Path, *, as_of: str | None = None, file_label: str | None = None) -> pd.DataFrame:
    """Read a monthly KPI CSV: a ``month`` column (YYYY-MM) then one numeric column per KPI.

    Returns a DataFrame indexed by a monthly PeriodIndex, truncated at ``as_of``.
    """
    label = file_label or str(path)
    try:
        # keep_default_na=False: a blank or "n/a" cell is a mistake to report, not a silent NaN.
        frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", skipinitialspace=True, keep_default_na=False)
    except FileNotFoundError:
        raise InputError(f"{label}: file not found; expected a monthly KPI CSV", file=label) from None
    except OSError as exc:
        raise InputError.at(label, None, exc.strerror or type(exc).__name__, "a readable monthly KPI CSV file") from None
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        kind = ("not UTF-8 text (UTF-16, Latin-1 or binary?)" if isinstance(exc, UnicodeDecodeError)
                else "empty file" if isinstance(exc, pd.errors.EmptyDataError) else type(exc).__name__)
        raise InputError(f"{label}: unreadable CSV ({kind}); expected UTF-8 comma-separated text with a header row", file=label) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    if "month" not in frame.columns:
        other = next((sep for sep in (";", "\t", "|") if len(frame.columns) == 1 and sep in frame.columns[0]), None)
        hint = f" separated by commas (this file uses {other!r})" if other else ""
        raise InputError.at(label, "header", list(frame.columns), f"a 'month' column followed by KPI columns{hint}")
    months = frame.pop("month").str.strip()
    bad = months[~months.fillna("").str.match(MONTH.pattern)]
    if len(bad):
        raise InputError.at(label, f"month (row {bad.index[0] + 2})", bad.iloc[0], "a month as YYYY-MM")
    index = pd.PeriodIndex(months, freq="M")
    if index.has_duplicates:
        raise InputError.at(label, "month", str(index[index.duplicated()][0]), "each month once")
    if not index.is_monotonic_increasing:
        raise InputError.at(label, "month", "unsorted", "months in increasing order")
    expected = pd.period_range(index[0], index[-1], freq="M")
    if len(expected) != len(index):
        gap = expected.difference(index)[0]
        raise InputError.at(label, "month", f"missing {gap}", "consecutive months without gaps")
    if frame.shape[1] == 0:
        raise InputError.at(label, "header", ["month"], "at least one KPI column after month")
    out = {}
    for col in frame.columns:
        values = pd.to_numeric(frame[col].str.strip(), errors="coerce")
        non_numeric = values.isna() & frame[col].notna()
        if non_numeric.any():
            row = int(non_numeric.idxmax())
            raise InputError.at(label, f"{col} (row {row + 2})", frame[col][row], "a number (no blank or n/a cells)")
        if (values < 0).any():
            row = int((values < 0).idxmax())
            raise InputError.at(label, f"{col} (row {row + 2})", frame[col][row].strip(), "a value >= 0")
        if not values.map(lambda v: abs(v) < MAX_VALUE).all():
            row = int((~values.map(lambda v: abs(v) < MAX_VALUE)).idxmax())
            raise InputError.at(label, f"{col} (row {row + 2})", frame[col][row].strip(), f"a finite value below {MAX_VALUE:.0e}")
        out[col] = values.to_numpy(dtype=float)
    kpis = pd.DataFrame(out, index=index)
    kpis.index.name = "month"
    if as_of is not None:
        end = pd.Period(as_of, freq="M")
        if kpis.index[-1] < end:
            raise InputError.at(label, "month", f"last month {kpis.index[-1]}", f"history up to as_of {as_of}")
        kpis = kpis.loc[:end]
    if len(kpis) < 3:
        raise InputError.at(label, "month", f"{len(kpis)} months", "at least 3 months of history (12 or more for seasonality)")
    return kpis


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
    data = _read_yaml(folder / CLIENT_FILE)
    if as_of is not None and isinstance(data.get("client"), dict):
        data = {**data, "client": {**data["client"], "as_of": as_of}}
    try:
        spec = ClientSpec.model_validate(data)
    except ValidationError as exc:
        raise _validation_error(file, exc, data) from None
    spec._folder = folder
    history_path = _must_exist(folder, spec.history, file, "history")
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
        from toolkit.sources.keywords import read_keywords
        from toolkit.sources.trends import read_trends_csv

        segments = spec.market.base_segments()
        named = [("market", s) for s in segments] if spec.market.model != "segments" else \
            [(f"market.segments.{j}", s) for j, s in enumerate(segments)]
        named += [(f"market.scenarios.{j}.add_segments.{k}", s)
                  for j, sc in enumerate(spec.market.scenarios) for k, s in enumerate(sc.add_segments)]
        names = [s.name for s in spec.market.segments]
        if len(set(names)) != len(names):
            # Checked here, not in MarketSpec: toolkit.capacity builds markets on its own and says the same.
            raise InputError.at(file, "market.segments", names, "unique segment names")
        zero_driver = _zero_driver(spec.market, "market")
        if zero_driver:
            raise InputError.at(file, zero_driver, 0, "a value above 0 (a zero makes the market, and every ceiling, zero)")
        for where, segment in named:
            zero_driver = _zero_driver(segment, where)
            if zero_driver:
                raise InputError.at(file, zero_driver, 0, "a value above 0 (a zero makes the market, and every ceiling, zero)")
            if segment.ctr_curve is not None:
                from toolkit.ctr import ctr_model

                try:
                    ctr_model(segment.ctr_curve, field=f"{where}.ctr_curve")
                except InputError as exc:
                    raise InputError(f"{file}: {exc}", file=file, field=f"{where}.ctr_curve") from None
            if segment.position is not None:
                # toolkit.capacity refuses these too, but only once a report's kernel runs (exit 1, not 2).
                lowest = segment.position.value if segment.position.value is not None else segment.position.low
                if lowest < 1:
                    raise InputError.at(file, f"{where}.position", segment.position.label(), "search positions >= 1 (1 = top result)")
            if segment.keywords:
                table = read_keywords(_must_exist(folder, segment.keywords, file, f"{where}.keywords"))
                if not table["searches_high"].sum() > 0:
                    raise InputError.at(str(folder / segment.keywords), "monthly_searches", "0 in every row",
                                        "at least one keyword searched more than 0 times a month")
        if spec.market.trends:
            read_trends_csv(_must_exist(folder, spec.market.trends, file, "market.trends"))
    spec._kpis = kpis
    return spec


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


def _must_exist(folder: Path, relative: str, file: str, field: str) -> Path:
    path = resolve_in_folder(folder, relative, file, field)
    if not path.exists():
        raise InputError(f"{file}: {field}: {relative!r} not found; expected an existing file in the client folder",
                         file=file, field=field)
    if not path.is_file():
        raise InputError.at(file, field, relative, "a file (not a folder) in the client folder")
    return path
