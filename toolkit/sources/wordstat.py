"""Yandex Wordstat exports: monthly dynamics and top queries.

Dynamics ("Динамика", by month)::

    Период;Число запросов;Доля от всех запросов, %;Динамика частотности запросов «кроссовки», по месяцам, 01.02.2024 — 31.01.2026, все регионы, все устройства
    февраль 2024;2 895 024;0,025;
    март 2024;4 359 585;0,037;

Top queries ("Топ запросов")::

    Формулировка;Число запросов;Топ частотных запросов «книги», 25.09.2024 — 25.10.2024, все регионы, все устройства
    книги;32044620;

Files are UTF-8 with BOM (sometimes cp1251 from older Excel), semicolon
separated, with CR-only, CRLF or LF line ends; counts use spaces (plain,
no-break or narrow no-break) as thousands separators and decimal commas. The
layout is found by shape (a period in the first cell, a count in the second),
not by the Russian column titles, which Yandex has renamed before. The header's
last cell describes the request: the query in «guillemets», the period, the
region and devices; it is kept as metadata.
"""

from __future__ import annotations

import csv
import logging
import math
import os
import re

import pandas as pd

from toolkit.errors import InputError
from toolkit.sources._text import keywords_table, parse_number, read_text, split_lines

__all__ = ["read_wordstat_dynamics", "read_wordstat_top", "looks_like_wordstat_top"]

logger = logging.getLogger("toolkit")

# Russian month names by stem, so nominative ("январь"), genitive ("января") and
# abbreviated ("янв.") forms all match. "май"/"мая" share the stem "ма" with
# "март"/"марта", so "мар" is tested first.
_MONTH_STEMS = [
    ("янв", 1), ("фев", 2), ("мар", 3), ("апр", 4), ("мая", 5), ("май", 5), ("июн", 6),
    ("июл", 7), ("авг", 8), ("сен", 9), ("окт", 10), ("ноя", 11), ("дек", 12),
    ("jan", 1), ("feb", 2), ("mar", 3), ("apr", 4), ("may", 5), ("jun", 6),
    ("jul", 7), ("aug", 8), ("sep", 9), ("oct", 10), ("nov", 11), ("dec", 12),
]
_MONTH_YEAR_RE = re.compile(r"^([^\W\d_]+)\.?\s+(\d{4})(\s*г\.?)?$")
_NUMERIC_MONTH_RE = re.compile(r"^(\d{1,2})[./](\d{4})$")
_DAY_RE = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})")  # a day, or the start of "dd.mm.yyyy - dd.mm.yyyy"
_QUERY_RE = re.compile(r"[«\"“](.+?)[»\"”]")
_SPACES = " \t\u00a0\u202f\u2009\ufeff"


def read_wordstat_dynamics(path: str | os.PathLike) -> pd.Series:
    """Read a Wordstat "dynamics" export into a monthly series of search counts.

    Parameters
    ----------
    path : str or os.PathLike
        A dynamics export (``Период;Число запросов;...``), by month; weekly or
        daily exports (periods ``dd.mm.yyyy`` or ``dd.mm.yyyy - dd.mm.yyyy``)
        are read too, indexed by each period's first day.

    Returns
    -------
    pandas.Series
        Float search counts on a ``DatetimeIndex`` of month starts named
        ``month`` (``date`` for weekly/daily). ``name`` is the query from the
        header (None when absent). ``attrs``: ``source='wordstat_dynamics'``,
        ``query``, ``description`` (the header's request text), ``frequency``
        (``'M'``, ``'W'``, ``'D'``), ``share`` (list of the "share of all
        queries, %" column, or None), ``file``.

    Raises
    ------
    InputError
        Empty or binary file, no period rows, a count that is not a number,
        or a repeated period; the message names the file and line.
    """
    name = str(path)
    lines, delim, rows, first = _layout(path, name, kind="dynamics")
    header = rows[first - 1] if first > 0 else []
    periods, counts, shares, linenos = [], [], [], []
    for lineno in range(first, len(rows)):
        row = rows[lineno]
        if not any(c.strip(_SPACES) for c in row):
            continue
        period = _parse_period(row[0])
        if period is None:
            raise InputError.at(name, f"line {lineno + 1}: period", row[0], "a month such as 'январь 2025' or a date dd.mm.yyyy")
        counts.append(_number(row, 1, name, lineno + 1, "count", "a search count such as '2 895 024'"))
        if len(row) > 2 and row[2].strip(_SPACES):
            shares.append(_number(row, 2, name, lineno + 1, "share", "a share of all queries such as '0,025'"))
        else:
            shares.append(math.nan)
        periods.append(period)
        linenos.append(lineno + 1)
    index = pd.DatetimeIndex(periods)
    dup = index.duplicated()
    if dup.any():
        k = int(dup.argmax())
        raise InputError.at(name, f"line {linenos[k]}: period", rows[linenos[k] - 1][0], "each period once")
    order = index.argsort()
    description = header[-1].strip(_SPACES) if len(header) >= 3 else ""
    query = _query(description)
    frequency = _frequency(index, [r[0] for r in rows[first:] if r])
    index.name = "month" if frequency == "M" else "date"
    series = pd.Series([counts[i] for i in order], index=index[order], name=query, dtype=float)
    series.attrs.update(
        source="wordstat_dynamics",
        query=query,
        description=description or None,
        frequency=frequency,
        share=[shares[i] for i in order] if any(not math.isnan(s) for s in shares) else None,
        file=name,
    )
    logger.debug("%s: %d Wordstat periods for %r", name, len(series), query)
    return series


def read_wordstat_top(path: str | os.PathLike) -> pd.DataFrame:
    """Read a Wordstat "top queries" export into the keywords table.

    Parameters
    ----------
    path : str or os.PathLike
        ``Формулировка;Число запросов;<request description>`` then one
        ``phrase;count;`` row per query.

    Returns
    -------
    pandas.DataFrame
        The keywords table (:mod:`toolkit.sources.keywords`) with
        ``searches_low == searches_high`` (Wordstat gives exact counts for the
        export's period, normally one month) and ``position`` NaN;
        ``attrs['source'] == 'wordstat_top'``, ``attrs['query']``,
        ``attrs['description']``.

    Raises
    ------
    InputError
        Empty, binary or not a top-queries export; a count that is not a number.
    """
    name = str(path)
    lines, delim, rows, first = _layout(path, name, kind="top")
    header = rows[first - 1] if first > 0 else []
    keywords, counts = [], []
    for lineno in range(first, len(rows)):
        row = rows[lineno]
        if not any(c.strip(_SPACES) for c in row):
            continue
        phrase = row[0].strip(_SPACES)
        if not phrase:
            raise InputError.at(name, f"line {lineno + 1}: phrase", row[0], "a non-empty search phrase")
        keywords.append(phrase)
        counts.append(_number(row, 1, name, lineno + 1, "count", "a search count"))
    table = keywords_table(keywords, counts, counts, None, source="wordstat_top", file=name)
    description = header[-1].strip(_SPACES) if len(header) >= 3 else ""
    table.attrs["query"] = _query(description)
    table.attrs["description"] = description or None
    return table


def looks_like_wordstat_top(lines: list[str]) -> bool:
    """True for a semicolon file of ``phrase;count`` rows under one header line.

    Used by :func:`toolkit.sources.keywords.read_keywords` to dispatch.
    """
    if len(lines) < 2 or ";" not in lines[0]:
        return False
    rows = list(csv.reader(lines[1:6], delimiter=";"))
    return all(len(r) >= 2 and _is_count(r[1]) and _parse_period(r[0]) is None and r[0].strip() for r in rows)


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def _layout(path, name: str, *, kind: str) -> tuple[list[str], str, list[list[str]], int]:
    """Decode, split and find the first data row (the line after the header).

    Delimiters are tried in Wordstat's order of likelihood; a generic sniffer
    is misled here because the share column's decimal comma looks like a
    comma-separated file.
    """
    text, _ = read_text(path)
    lines = split_lines(text)
    for delim in ";\t,":
        rows = list(csv.reader(lines, delimiter=delim))
        for i, row in enumerate(rows):
            if len(row) < 2 or not row[0].strip(_SPACES):
                continue
            is_period = _parse_period(row[0]) is not None
            # A dynamics row is known by its period alone, so a bad count is
            # reported on its own line rather than as an unknown format.
            if (kind == "dynamics" and is_period) or (kind == "top" and not is_period and _is_count(row[1])):
                return lines, delim, rows, i
    shown = next((ln for ln in lines if ln.strip()), "")
    expected = (
        "a Wordstat dynamics export: 'Период;Число запросов;...' then rows 'январь 2025;1 234;...'"
        if kind == "dynamics"
        else "a Wordstat top-queries export: 'Формулировка;Число запросов;...' then rows 'phrase;1234;'"
    )
    raise InputError.at(name, "line 1", shown, expected)


def _is_count(cell: str) -> bool:
    try:
        return not math.isnan(parse_number(cell, decimal=","))
    except ValueError:
        return False


def _number(row: list[str], j: int, file: str, lineno: int, field: str, expected: str) -> float:
    cell = row[j] if j < len(row) else ""
    try:
        value = parse_number(cell, decimal=",")
    except ValueError:
        value = math.nan
    if math.isnan(value) or value < 0:
        raise InputError.at(file, f"line {lineno}: {field}", cell, expected)
    return value


def _parse_period(cell: str) -> pd.Timestamp | None:
    s = cell.strip(_SPACES).lower()
    match = _MONTH_YEAR_RE.match(s)
    if match:
        word, year = match.group(1), int(match.group(2))
        for stem, month in _MONTH_STEMS:
            if word.startswith(stem):
                return pd.Timestamp(year=year, month=month, day=1)
        return None
    match = _NUMERIC_MONTH_RE.match(s)
    if match and 1 <= int(match.group(1)) <= 12:
        return pd.Timestamp(year=int(match.group(2)), month=int(match.group(1)), day=1)
    match = _DAY_RE.match(s)
    if match:
        try:
            return pd.Timestamp(year=int(match.group(3)), month=int(match.group(2)), day=int(match.group(1)))
        except ValueError:
            return None
    return None


def _frequency(index: pd.DatetimeIndex, cells: list[str]) -> str:
    if not cells or not _DAY_RE.match(cells[0].strip(_SPACES)):
        return "M"
    if len(index) < 2:
        return "D"
    days = pd.Series((index.sort_values()[1:] - index.sort_values()[:-1]).days).mode().iloc[0]
    return "W" if days == 7 else "D" if days == 1 else "M" if 28 <= days <= 31 else f"{days}D"


def _query(description: str) -> str | None:
    match = _QUERY_RE.search(description)
    return match.group(1) if match else None
