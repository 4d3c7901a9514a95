"""Google Trends CSV exports, in any UI language, read by shape.

The site's "multiTimeline.csv" looks like this (here in French)::

    Catégorie : Toutes catégories          <- localised category line
                                           <- blank
    Mois,Corona: (États-Unis)              <- localised period label, `term: (region)`
    2004-01,3
    2019-06,< 1                            <- "<1", here with a no-break space

The words change with the UI language (Week/Semaine/Woche/周, Category/Catégorie/
类别 with a full-width colon, ...), so nothing here matches words: the header is
the line just above the first row whose first cell is a date, everything above it
is preamble whose first line is the category, and each term header is split on
its last colon before a parenthesised region. The same rule reads files whose two
preamble lines were stripped, and data frames pytrends saved with ``to_csv``
(``date,term,...,isPartial``, optionally with a leading integer index and tabs).

Values are Google's relative interest, 0-100 where 100 is the peak of the
request. ``<1`` means "above zero but below 1" and is read as **0.5**, the middle
of that open interval: it keeps such periods distinguishable from true zeros and
is unbiased if the hidden value is uniform on (0, 1).
"""

from __future__ import annotations

import csv
import logging
import os
import re
from datetime import timedelta, timezone

import numpy as np
import pandas as pd

from toolkit.errors import InputError
from toolkit.sources._text import read_text, split_lines

__all__ = ["read_trends_csv", "LESS_THAN_ONE"]

logger = logging.getLogger("toolkit")

#: Value substituted for Google's "<1" (see module docstring).
LESS_THAN_ONE = 0.5

_DATE_RE = re.compile(
    r"^\d{4}-\d{2}"  # monthly
    r"(-\d{2}"  # weekly / daily
    r"([T ]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:?\d{2})?)?)?$"  # sub-daily, optional offset
)
# `term: (region)`; the colon may be full-width (Chinese UI) and the term may
# itself contain colons, so split on the last colon before the parentheses.
_TERM_RE = re.compile(r"^(?P<term>.*\S)\s*[:：]\s*\((?P<region>[^()]*)\)$", re.S)
_SPACES = " \t\u00a0\u202f\u2009\u2007\ufeff"
_BOOLEANS = {"true", "false"}


def read_trends_csv(path: str | os.PathLike) -> pd.DataFrame:
    """Read a Google Trends interest-over-time CSV.

    Parameters
    ----------
    path : str or os.PathLike
        A CSV downloaded from trends.google.com (any UI language, with or
        without its two preamble lines), or a pytrends ``interest_over_time()``
        frame saved with ``to_csv`` (comma or tab separated).

    Returns
    -------
    pandas.DataFrame
        Indexed by a ``DatetimeIndex`` named ``date`` (month/week/day starts;
        timezone-aware for sub-daily exports with offsets), one float column per
        term (0-100, ``<1`` read as 0.5, empty cells NaN). ``attrs``:

        - ``source``: ``'trends_csv'``
        - ``layout``: ``'site'``, ``'site_stripped'`` or ``'pytrends'``
        - ``category``: the category as written (``'All categories'``,
          ``'金融'``), or None when the file has no category line
        - ``region``: the region shared by all terms (``'Worldwide'``,
          ``'États-Unis'``), or None when absent or different per term
        - ``regions``: dict term column -> region (None when absent)
        - ``frequency``: ``'M'``, ``'W'``, ``'D'``, ``'H'``, ``'<n>min'``,
          ``'<n>H'``, or None when a single row cannot tell
        - ``period_label``: the header's first cell (``'Mois'``, ``'Week'``)
        - ``partial``: ISO dates pytrends flagged ``isPartial`` (empty list otherwise)
        - ``file``: the path read

    Raises
    ------
    InputError
        If the file is empty, binary, has no date rows, or a value is not a
        number in 0-100 or ``<1``; the message names the file, line and column.
    """
    name = str(path)
    text, _ = read_text(path)
    lines = split_lines(text)
    delim, first_data = _find_layout(lines, name)
    rows = list(csv.reader(lines, delimiter=delim))
    header_idx = first_data - 1
    while header_idx >= 0 and not _cells(rows[header_idx]):
        header_idx -= 1  # tolerate extra blank lines between header and data
    if header_idx < 0:
        raise InputError.at(name, "line 1", lines[first_data], "a header row (period label, then one column per term) before the data")
    header = [_clean(c) for c in rows[header_idx]]
    width = max(len(r) for r in rows[first_data:])
    header += [""] * (width - len(header))  # so a value column without a title is reported, not dropped
    preamble = [ln.strip(_SPACES + delim) for ln in lines[:header_idx] if ln.strip(_SPACES + delim)]

    date_col = _date_column(rows[first_data])
    data_rows = _data_rows(rows, first_data, date_col, header, delim, name)
    term_cols, partial_col = _value_columns(header, data_rows, date_col)
    if not term_cols:
        raise InputError.at(name, f"line {header_idx + 1}", delim.join(rows[header_idx]),
                            "a header with at least one term column after the period column")

    index = _parse_dates([_clean(r[date_col]) for _, r in data_rows], name, [n for n, _ in data_rows])
    columns, regions = _column_names([header[j] for j in term_cols], name, header_idx + 1)
    values = np.empty((len(data_rows), len(term_cols)))
    for i, (lineno, row) in enumerate(data_rows):
        for k, j in enumerate(term_cols):
            values[i, k] = _parse_value(row[j] if j < len(row) else "", name, lineno, columns[k])

    frame = pd.DataFrame(values, index=index, columns=columns)
    if partial_col is not None:
        flags = [_clean(r[partial_col]).lower() == "true" for _, r in data_rows]
        partial = [d.isoformat() for d, f in zip(index, flags) if f]
    else:
        partial = []
    distinct = set(regions.values())
    if preamble:
        layout = "site"
    elif distinct != {None}:
        layout = "site_stripped"  # `term: (region)` headers without the category lines
    else:
        layout = "pytrends"
    frame.attrs.update(
        source="trends_csv",
        layout=layout,
        category=_category(preamble[0]) if preamble else None,
        region=distinct.pop() if len(distinct) == 1 else None,
        regions=regions,
        frequency=_frequency(index, [_clean(r[date_col]) for _, r in data_rows]),
        period_label=header[date_col] or None,
        partial=partial,
        file=name,
    )
    logger.debug("%s: read %d rows x %d terms (%s, %s)", name, len(frame), frame.shape[1], layout, frame.attrs["frequency"])
    return frame


# --------------------------------------------------------------------------
# Layout detection
# --------------------------------------------------------------------------


def _clean(cell: str) -> str:
    return cell.strip(_SPACES)


def _cells(row: list[str]) -> list[str]:
    return [c for c in row if _clean(c)]


def _find_layout(lines: list[str], file: str) -> tuple[str, int]:
    """Return (delimiter, index of the first data line).

    A data line has a date in its first cell, or in its second after an integer
    index (pytrends with the row index saved). The delimiter that yields the
    most such lines with at least two cells wins.
    """
    best: tuple[int, str, int] | None = None
    for delim in (",", "\t", ";"):
        count, first = 0, None
        for i, row in enumerate(csv.reader(lines, delimiter=delim)):
            if len(row) >= 2 and _is_data_row(row):
                count += 1
                first = i if first is None else first
        if count and (best is None or count > best[0]):
            best = (count, delim, first)
    if best is None:
        shown = next((ln for ln in lines if ln.strip()), "")
        raise InputError.at(file, "line 1", shown,
                            "a Google Trends CSV: rows starting with a date (YYYY-MM or YYYY-MM-DD) under a header")
    return best[1], best[2]


def _is_data_row(row: list[str]) -> bool:
    if _DATE_RE.match(_clean(row[0])):
        return True
    return len(row) >= 3 and _clean(row[0]).isdigit() and bool(_DATE_RE.match(_clean(row[1])))


def _data_rows(rows, first: int, date_col: int, header: list[str], delim: str, file: str) -> list[tuple[int, list[str]]]:
    """Every non-blank row from ``first`` on, as (1-based line number, cells); each must start with a date."""
    data = []
    for i in range(first, len(rows)):
        row = rows[i]
        if not _cells(row):
            continue
        if len(row) <= date_col or not _DATE_RE.match(_clean(row[date_col])):
            label = header[date_col] if date_col < len(header) and header[date_col] else "date"
            raise InputError.at(file, f"line {i + 1}: {label}", delim.join(row),
                                "a date (YYYY-MM, YYYY-MM-DD or an ISO timestamp)")
        data.append((i + 1, row))
    return data


def _value_columns(header: list[str], data: list[tuple[int, list[str]]], date_col: int) -> tuple[list[int], int | None]:
    """Split the columns after the date into term columns and pytrends' isPartial.

    isPartial is recognised by its True/False values, not its name; columns with
    neither a header nor values are the trailing delimiters Excel adds.
    """
    def values(j):
        return [_clean(r[j]) for _, r in data if j < len(r)]

    used = [j for j in range(date_col + 1, len(header)) if header[j] or any(values(j))]
    partial = next((j for j in used if values(j) and {v.lower() for v in values(j)} <= _BOOLEANS), None)
    return [j for j in used if j != partial], partial


def _date_column(row: list[str]) -> int:
    return 0 if _DATE_RE.match(_clean(row[0])) else 1


def _category(line: str) -> str:
    """Category value after the localised label: 'Catégorie\xa0: X', '类别：X'."""
    parts = re.split(r"[:：]", line, maxsplit=1)
    return parts[1].strip(_SPACES) if len(parts) == 2 else line.strip(_SPACES)


def _column_names(cells: list[str], file: str, lineno: int) -> tuple[list[str], dict[str, str | None]]:
    """Split `term: (region)` header cells; disambiguate a term compared across regions."""
    parsed = []
    for cell in cells:
        match = _TERM_RE.match(cell)
        parsed.append((match["term"], match["region"].strip(_SPACES)) if match else (cell, None))
    names = [t for t, _ in parsed]
    if len(set(names)) < len(names):
        names = [f"{t} ({r})" if r else t for t, r in parsed]
    if len(set(names)) < len(names) or not all(names):
        raise InputError.at(file, f"line {lineno}: header", cells, "distinct, non-empty term columns")
    return names, {n: r for n, (_, r) in zip(names, parsed)}


# --------------------------------------------------------------------------
# Cells
# --------------------------------------------------------------------------


def _parse_value(cell: str, file: str, lineno: int, column: str) -> float:
    s = _clean(cell)
    if not s:
        return np.nan
    compact = re.sub(r"[\s\u00a0\u202f]", "", s)
    if compact == "<1":
        return LESS_THAN_ONE
    try:
        value = float(compact.replace(",", "."))
    except ValueError:
        value = np.nan
    if not np.isfinite(value) or value < 0 or value > 100:
        raise InputError.at(file, f"line {lineno}: column {column!r}", cell, "a Trends value 0-100, '<1' or empty")
    return value


def _parse_dates(cells: list[str], file: str, linenos: list[int]) -> pd.DatetimeIndex:
    shapes = {len(c) if "T" not in c and " " not in c else 0 for c in cells}
    if len(shapes) > 1:
        raise InputError.at(file, f"line {linenos[0]}: date", cells[0], "dates of one format throughout the file")
    try:
        if len(cells[0]) == 7:
            index = pd.DatetimeIndex(pd.to_datetime(cells, format="%Y-%m"))
        elif len(cells[0]) == 10:
            index = pd.DatetimeIndex(pd.to_datetime(cells, format="%Y-%m-%d"))
        else:
            index = _parse_timestamps(cells)
    except (ValueError, TypeError):
        # Find the offending cell so the message can name its line.
        for cell, lineno in zip(cells, linenos):
            try:
                pd.Timestamp(cell)
            except ValueError:
                raise InputError.at(file, f"line {lineno}: date", cell, "a valid calendar date") from None
        raise InputError.at(file, f"line {linenos[0]}: date", cells[0], "valid calendar dates") from None
    dup = index.duplicated()
    if dup.any():
        k = int(np.argmax(dup))
        raise InputError.at(file, f"line {linenos[k]}: date", cells[k], "each date once")
    if not index.is_monotonic_increasing:
        k = int(np.argmax((index[1:] - index[:-1]).total_seconds() < 0)) + 1
        raise InputError.at(file, f"line {linenos[k]}: date", cells[k], "dates in increasing order")
    index.name = "date"
    return index


def _parse_timestamps(cells: list[str]) -> pd.DatetimeIndex:
    """Sub-daily stamps; offsets may change at DST, so go via UTC and show the first offset."""
    if any(re.search(r"(Z|[+-]\d{2}:?\d{2})$", c) for c in cells):
        utc = pd.DatetimeIndex(pd.to_datetime(cells, utc=True, format="ISO8601"))
        first = pd.Timestamp(cells[0])
        offset = first.utcoffset() or timedelta(0)
        return utc.tz_convert(timezone(offset))
    return pd.DatetimeIndex(pd.to_datetime(cells, format="ISO8601"))


def _frequency(index: pd.DatetimeIndex, cells: list[str]) -> str | None:
    """Frequency from the most common spacing, so gaps in excerpts do not matter."""
    if cells and len(cells[0]) == 7:
        return "M"
    if len(index) < 2:
        return None
    # pandas 3 may store seconds or microseconds, so measure as Timedeltas.
    steps = float(pd.Series((index[1:] - index[:-1]).total_seconds()).mode().iloc[0])
    days = steps / 86400
    if 28 <= days <= 31:
        return "M"
    if days == 7:
        return "W"
    if days == 1:
        return "D"
    if 365 <= days <= 366:
        return "Y"
    if days > 1:
        return f"{int(round(days))}D"
    if steps <= 0:
        return None
    if steps % 3600 == 0:
        hours = int(steps // 3600)
        return "H" if hours == 1 else f"{hours}H"
    return f"{int(round(steps / 60))}min"
