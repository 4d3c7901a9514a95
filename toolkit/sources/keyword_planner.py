"""Google Ads Keyword Planner exports ("Keyword Stats ... .csv").

The download is UTF-16 with BOM, tab separated, with two title lines::

    Keyword Stats 2026-10-02 at 09_12_44
    September 1, 2025 - August 31, 2026
    Keyword  Currency  Avg. monthly searches  Three month change  ...  Searches: Sep 2025  Searches: Oct 2025 ...
    phone case  EUR  10K – 100K  0%  ...  50000  40500 ...

Accounts without ad spend see only bucketed volumes such as ``1K – 10K`` (en
dash; some tools rewrite it as a hyphen). Those become a ``searches_low`` /
``searches_high`` pair rather than a made-up number, so the uncertainty reaches
the capacity model. ``K`` and ``M`` suffixes mean thousands and millions.
"""

from __future__ import annotations

import csv
import logging
import math
import os
import re

import pandas as pd

from toolkit.errors import InputError
from toolkit.sources._text import keywords_table, parse_number, read_text, sniff_delimiter, split_lines

__all__ = ["read_keyword_planner", "read_keyword_planner_monthly", "looks_like_keyword_planner", "parse_volume"]

logger = logging.getLogger("toolkit")

_KEYWORD_HEADERS = {"keyword", "keywords"}
_AVG_RE = re.compile(r"^avg\.? monthly searches", re.I)
_MONTH_COL_RE = re.compile(r"^searches:\s*([A-Za-z]{3})[a-z]*\.?\s+(\d{4})$", re.I)
_MONTHS = {m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
_SUFFIX = {"": 1.0, "k": 1e3, "m": 1e6, "b": 1e9}
_VOLUME_RE = re.compile(r"^\s*([\d.,\s\u00a0\u202f]+?)\s*([kKmMbB]?)\s*$")
_RANGE_RE = re.compile(r"^(.+?)\s*[–—-]\s*(.+)$")


def read_keyword_planner(path: str | os.PathLike) -> pd.DataFrame:
    """Read a Keyword Planner export into the keywords table.

    Parameters
    ----------
    path : str or os.PathLike
        A "Keyword Stats" or "Keyword ideas" download (UTF-16 TSV, or the
        UTF-8 CSV variant), with or without its two title lines.

    Returns
    -------
    pandas.DataFrame
        The keywords table (:mod:`toolkit.sources.keywords`): ``keyword``,
        ``searches_low``, ``searches_high`` (equal when the export is exact),
        ``position`` (NaN). Keywords Google shows without a volume are left
        out and listed in ``attrs['no_volume']`` (with a logged warning).
        ``attrs['source'] == 'keyword_planner'``, ``attrs['ranged']`` is True
        when any volume is a range, ``attrs['period']`` is the title's date
        range line (or None). The monthly series are read by
        :func:`read_keyword_planner_monthly`.

    Raises
    ------
    InputError
        No ``Keyword`` / ``Avg. monthly searches`` header, or a volume that is
        neither a number nor a range; the message names the file and line.
    """
    name = str(path)
    title, header, rows = _table(path, name)
    ik = _column(header, lambda h: h.strip().lower() in _KEYWORD_HEADERS)
    ia = _column(header, lambda h: bool(_AVG_RE.match(h.strip())))
    keywords, lows, highs, no_volume = [], [], [], []
    ranged = False
    for lineno, row in rows:
        kw = _cell(row, ik)
        if not kw:
            continue  # Keyword Planner ends some exports with blank summary rows
        cell = _cell(row, ia)
        try:
            low, high = parse_volume(cell)
        except ValueError:
            raise InputError.at(name, f"line {lineno}: {header[ia]}", cell,
                                "a number of monthly searches or a range such as '1K – 10K'") from None
        if math.isnan(low):
            # Google shows no volume when it has too little data; a NaN would
            # poison every sum downstream, so the row is dropped and listed.
            no_volume.append(kw)
            continue
        ranged |= low != high
        keywords.append(kw)
        lows.append(low)
        highs.append(high)
    table = keywords_table(keywords, lows, highs, None, source="keyword_planner", file=name)
    table.attrs["ranged"] = bool(ranged)
    table.attrs["period"] = title[1] if len(title) > 1 else None
    table.attrs["no_volume"] = no_volume
    if no_volume:
        logger.warning("%s: %d keywords without a search volume were left out (e.g. %r)", name, len(no_volume), no_volume[0])
    if ranged:
        logger.info("%s: Keyword Planner volumes are ranges (account without spend); kept as low/high", name)
    return table


def read_keyword_planner_monthly(path: str | os.PathLike, *, bound: str = "mid") -> pd.DataFrame:
    """Read the ``Searches: Mon YYYY`` columns as one monthly series per keyword.

    Parameters
    ----------
    path : str or os.PathLike
        A Keyword Planner export (see :func:`read_keyword_planner`).
    bound : {'mid', 'low', 'high'}
        Which value to use when a monthly cell is a range: its midpoint or
        either end. Exact cells are used as they are.

    Returns
    -------
    pandas.DataFrame
        Index: ``DatetimeIndex`` of month starts named ``month``; one float
        column per keyword; empty (no rows) when the export has no monthly
        columns. ``attrs['source'] == 'keyword_planner'``.

    Raises
    ------
    InputError
        A monthly cell that is not a number or range, or an unknown ``bound``.
    """
    name = str(path)
    if bound not in ("mid", "low", "high"):
        raise InputError.at(name, "bound", bound, "'mid', 'low' or 'high'")
    _, header, rows = _table(path, name)
    ik = _column(header, lambda h: h.strip().lower() in _KEYWORD_HEADERS)
    months = {}
    for j, h in enumerate(header):
        match = _MONTH_COL_RE.match(h.strip())
        if match and match.group(1).lower() in _MONTHS:
            months[j] = pd.Timestamp(year=int(match.group(2)), month=_MONTHS[match.group(1).lower()], day=1)
    data = {}
    for lineno, row in rows:
        kw = _cell(row, ik)
        if not kw:
            continue
        values = []
        for j in months:
            try:
                low, high = parse_volume(_cell(row, j))
            except ValueError:
                raise InputError.at(name, f"line {lineno}: {header[j]}", _cell(row, j),
                                    "a number of searches or a range such as '1K – 10K'") from None
            values.append({"low": low, "high": high, "mid": (low + high) / 2}[bound])
        data[kw] = values
    index = pd.DatetimeIndex(list(months.values()), name="month")
    frame = pd.DataFrame(data, index=index, dtype=float).sort_index()
    frame.attrs.update(source="keyword_planner", file=name)
    return frame


def parse_volume(cell: str) -> tuple[float, float]:
    """Parse a Keyword Planner volume: ``'1300'``, ``'1K – 10K'``, ``'100 - 1K'``, ``''``.

    Returns
    -------
    tuple of float
        (low, high); equal for an exact number, (nan, nan) for an empty cell
        or a dash (no data).

    Raises
    ------
    ValueError
        When the cell is neither.
    """
    s = cell.strip(" \u00a0\u202f")
    if s in ("", "-", "–", "—", "--"):
        return math.nan, math.nan
    match = _RANGE_RE.match(s)
    if match:
        low, high = _volume(match.group(1)), _volume(match.group(2))
        if low > high:
            raise ValueError(cell)
        return low, high
    value = _volume(s)
    return value, value


def looks_like_keyword_planner(lines: list[str]) -> bool:
    """True when one of the first lines is a header with Keyword and Avg. monthly searches."""
    for line in lines[:5]:
        cells = [c.strip().lower() for c in re.split(r"[\t,;]", line)]
        if any(c in _KEYWORD_HEADERS for c in cells) and any(_AVG_RE.match(c) for c in cells):
            return True
    return False


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def _volume(text: str) -> float:
    match = _VOLUME_RE.match(text)
    if not match:
        raise ValueError(text)
    return parse_number(match.group(1)) * _SUFFIX[match.group(2).lower()]


def _table(path, name: str) -> tuple[list[str], list[str], list[tuple[int, list[str]]]]:
    """Return (title lines, header cells, [(line number, cells)]) of the export."""
    text, _ = read_text(path)
    lines = split_lines(text)
    delim = sniff_delimiter([ln for ln in lines if ln.strip()], "\t,;")
    rows = list(csv.reader(lines, delimiter=delim))
    for i, row in enumerate(rows[:10]):
        cells = [c.strip().lower() for c in row]
        if any(c in _KEYWORD_HEADERS for c in cells) and any(_AVG_RE.match(c) for c in cells):
            title = [ln.strip() for ln in lines[:i] if ln.strip()]
            body = [(k + 1, r) for k, r in enumerate(rows) if k > i and any(c.strip() for c in r)]
            return title, [c.strip() for c in row], body
    shown = next((ln for ln in lines if ln.strip()), "")
    raise InputError.at(name, "header", shown, "a Keyword Planner header with 'Keyword' and 'Avg. monthly searches' columns")


def _column(header: list[str], test) -> int:
    return next(j for j, h in enumerate(header) if test(h))


def _cell(row: list[str], j: int) -> str:
    return row[j].strip() if j < len(row) else ""
