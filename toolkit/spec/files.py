"""Reading the files of a client folder: client.yaml as safe YAML, the KPI history CSV, paths inside the folder.

Answers "what is in this folder's files, and is it readable?"; every failure
is one :class:`~toolkit.errors.InputError` naming the file and the field.
Validation of the contents is :mod:`toolkit.spec.client`'s.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import yaml

from toolkit.errors import InputError
from toolkit.spec.base import CLIENT_FILE, MAX_VALUE, MONTH

__all__ = ["resolve_in_folder", "read_history", "MAX_YAML_VALUES"]


def resolve_in_folder(folder: Path, relative: str, file: str, field: str = "path") -> Path:
    """Resolve a file named in a client file, refusing anything outside the client's folder.

    Symbolic links are followed before the check, so a link inside the folder
    that points outside it is refused too.
    """
    if "\0" in relative:
        # The OS would refuse it with a bare "embedded null byte"; say which field holds it.
        raise InputError.at(file, field, relative, "a file name without NUL characters")
    try:
        base = Path(folder).resolve()
        target = (base / relative).resolve()
    except (RuntimeError, OSError) as exc:  # a symlink loop (RuntimeError), a name too long for the OS
        raise InputError.at(file, field, relative, f"a file that can be opened ({_why(exc)})") from None
    if base != target and base not in target.parents:
        raise InputError.at(file, field, relative, "a file inside the client folder (no '..', absolute paths or links out)")
    return target


def _why(exc: BaseException) -> str:
    if isinstance(exc, RuntimeError) and "loop" in str(exc).lower():
        return "it is a symbolic link loop"
    text = str(exc).splitlines()
    return getattr(exc, "strerror", None) or (text[0] if text else type(exc).__name__)


# libyaml's parser when PyYAML was built with it: the same safe constructor, ~10x faster to parse.
_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _ClientLoader(_SafeBase):
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


#: Largest history.csv read: sixty years of monthly rows with dozens of KPIs is well under 1 MB.
MAX_HISTORY_BYTES = 10_000_000
#: Largest client.yaml read: real ones are a few kilobytes; a huge one only exhausts memory later.
MAX_YAML_BYTES = 1_000_000
#: Longest text value (a goal statement, a name, a source note): a few sentences, as shown in the report.
MAX_TEXT_CHARS = 2_000

#: Far deeper than any client file; deeper documents only serve to exhaust the stack later on.
MAX_YAML_DEPTH = 64


def _too_deep(data, limit: int = MAX_YAML_DEPTH) -> bool:
    stack = [(data, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False


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


def _long_text(data, limit: int = MAX_TEXT_CHARS) -> tuple[str, str] | None:
    """The dotted path and start of the first text value longer than ``limit`` characters."""
    stack = [("", data)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str) and len(item) > limit:
            return where or "(top level)", item
        if isinstance(item, dict):
            stack.extend((f"{where}.{k}" if where else str(k), v) for k, v in reversed(list(item.items())))
        elif isinstance(item, list):
            stack.extend((f"{where}.{i}" if where else str(i), v) for i, v in reversed(list(enumerate(item))))
    return None


def read_yaml(path: Path) -> dict:
    try:
        if path.is_file() and path.stat().st_size > MAX_YAML_BYTES:
            raise InputError.at(str(path), None, f"{path.stat().st_size:,} bytes",
                                f"a client file of at most {MAX_YAML_BYTES:,} bytes")
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
    # Size first: an alias bomb would make the depth walk itself endless.
    if _count_values(data, MAX_YAML_VALUES) > MAX_YAML_VALUES:
        raise InputError.at(str(path), None, f"more than {MAX_YAML_VALUES:,} values (YAML aliases?)",
                            "a client file of ordinary size")
    if _too_deep(data):
        raise InputError.at(str(path), None, "nesting too deep", "a client file of a few nested levels")
    if not isinstance(data, dict):
        raise InputError.at(str(path), None, data, "a YAML mapping with client, history and goals")
    long_text = _long_text(data)
    if long_text is not None:
        where, value = long_text
        raise InputError.at(str(path), where, f"{len(value):,} characters ({value[:30]}...)",
                            f"text of at most {MAX_TEXT_CHARS:,} characters")
    return data


def read_history(path: Path, *, as_of: str | None = None, file_label: str | None = None) -> pd.DataFrame:
    """Read a monthly KPI CSV: a ``month`` column (YYYY-MM) then one numeric column per KPI.

    Returns a DataFrame indexed by a monthly PeriodIndex, truncated at ``as_of``.
    """
    label = file_label or str(path)
    unreadable = f"{label}: unreadable CSV ({{}}); expected UTF-8 (or Windows-1252) comma-separated text with a header row"
    try:
        if Path(path).is_file() and Path(path).stat().st_size > MAX_HISTORY_BYTES:
            raise InputError.at(label, None, f"{Path(path).stat().st_size:,} bytes",
                                f"a monthly KPI CSV of at most {MAX_HISTORY_BYTES:,} bytes")
        raw = Path(path).read_bytes()
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError(f"{label}: file not found; expected a monthly KPI CSV", file=label) from None
    except OSError as exc:
        raise InputError.at(label, None, exc.strerror or type(exc).__name__, "a readable monthly KPI CSV file") from None
    except ValueError as exc:  # e.g. a NUL byte in the path, refused by the OS layer
        raise InputError.at(label, None, str(exc).splitlines()[0], "a readable monthly KPI CSV file") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's "CSV (comma delimited)" on a Western Windows writes Windows-1252: read it as such.
        # NUL bytes mean UTF-16 or binary, which Windows-1252 would "decode" into garbage.
        try:
            if b"\0" in raw:
                raise UnicodeDecodeError("cp1252", raw, 0, 1, "NUL byte")
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            raise InputError(unreadable.format("not UTF-8 text (UTF-16, Latin-1 or binary?)"), file=label) from None
    try:
        # keep_default_na=False: a blank or "n/a" cell is a mistake to report, not a silent NaN.
        # header=None: pandas would rename a repeated column ("sales", "sales.1") without a word.
        frame = pd.read_csv(io.StringIO(text), dtype=str, skipinitialspace=True, keep_default_na=False, header=None)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        kind = "empty file" if isinstance(exc, pd.errors.EmptyDataError) else type(exc).__name__
        raise InputError(unreadable.format(kind), file=label) from None
    frame = _with_header(frame, label)
    if "month" not in frame.columns:
        other = next((sep for sep in (";", "\t", "|") if len(frame.columns) == 1 and sep in frame.columns[0]), None)
        hint = f" separated by commas (this file uses {other!r})" if other else ""
        raise InputError.at(label, "header", list(frame.columns), f"a 'month' column followed by KPI columns{hint}")
    if frame.empty:
        raise InputError.at(label, "month", "a header and no rows", "one row per month below the header")
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


def _with_header(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    """Take the first row as the header. Rules, so Excel's CSVs read as they look:

    * a column with a blank header and no values (Excel's trailing empty columns) is dropped;
    * a row with every cell blank (Excel's trailing empty rows) is dropped;
    * a blank header over values, or a header given twice, is refused.
    A "Total" row is not a month and is refused like any other bad month.
    """
    header = [str(c).strip() for c in frame.iloc[0]] if len(frame) else []
    # A short row's missing cells are blank cells (reported as such), not silent NaNs.
    body = frame.iloc[1:].reset_index(drop=True).fillna("").apply(lambda col: col.str.strip())
    body.columns = range(body.shape[1])
    keep = [i for i, name in enumerate(header) if name or (body[i] != "").any()]
    for i in keep:
        if not header[i]:
            raise InputError.at(label, f"header (column {i + 1})", "", "a KPI name above every column with values")
    names = [header[i] for i in keep]
    repeated = next((n for n in names if names.count(n) > 1), None)
    if repeated is not None:
        raise InputError.at(label, "header", repeated, "each column name once (two columns share this name)")
    body = body[keep]
    body.columns = names
    blank_rows = (body == "").all(axis=1)
    # Only trailing blank rows are dropped: one between months is a missing month, reported as such.
    last = len(body) - int(blank_rows[::-1].cumprod().sum())
    body = body.iloc[:last]
    # Data row i is line i + 2 of the file (header first, rows counted from 0): kept by the index.
    return body


def must_exist(folder: Path, relative: str, file: str, field: str) -> Path:
    path = resolve_in_folder(folder, relative, file, field)
    try:
        path.stat()
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise InputError.at(file, field, relative, f"a file that can be opened ({_why(exc)})") from None
    if not path.exists():
        raise InputError(f"{file}: {field}: {relative!r} not found; expected an existing file in the client folder",
                         file=file, field=field)
    if not path.is_file():
        raise InputError.at(file, field, relative, "a file (not a folder) in the client folder")
    return path
