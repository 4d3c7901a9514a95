"""Keyword tables: the shared contract, our own CSV, and the format dispatcher.

Every keyword reader (our CSV, Yandex Wordstat "top queries", Google Keyword
Planner) returns the same *keywords table*:

==================  =====  ==================================================
column              dtype  meaning
==================  =====  ==================================================
``keyword``         str    the search phrase as exported
``searches_low``    float  monthly searches, low end (= high when exact)
``searches_high``   float  monthly searches, high end
``position``        float  our expected ranking position, NaN when absent
==================  =====  ==================================================

with ``attrs['source']`` one of ``'keywords_csv'``, ``'wordstat_top'``,
``'keyword_planner'``. Volumes are kept as a low/high pair because Keyword
Planner accounts without ad spend only see ranges such as ``1K – 10K``;
collapsing them to a number here would hide an uncertainty the capacity model
must carry.

:func:`read_keywords` detects the format through :data:`KEYWORD_FORMATS`, a
registry of (detector, reader) pairs: the readers know nothing of it. The text
helpers all readers share live in :mod:`toolkit.sources._text`.
"""

from __future__ import annotations

import csv
import logging
import math
import os
import re

import pandas as pd

from toolkit.errors import InputError
from toolkit.sources._text import KEYWORD_COLUMNS, keywords_table, parse_number, read_text, sniff_delimiter, split_lines
from toolkit.sources.keyword_planner import looks_like_keyword_planner, read_keyword_planner
from toolkit.sources.wordstat import looks_like_wordstat_top, read_wordstat_top

__all__ = [
    "KEYWORD_COLUMNS",
    "read_keywords",
    "read_keywords_csv",
    "looks_like_keywords_csv",
    "KEYWORD_FORMATS",
    "keywords_table",
    "read_text",
    "split_lines",
    "parse_number",
]

logger = logging.getLogger("toolkit")

# Our own CSV
# --------------------------------------------------------------------------


def read_keywords_csv(path: str | os.PathLike) -> pd.DataFrame:
    """Read our keywords CSV: ``keyword,monthly_searches[,position]``.

    ``monthly_searches`` may be a number or a range ``low-high`` (hyphen or en
    dash) when only a range is known.

    Parameters
    ----------
    path : str or os.PathLike
        A comma-, semicolon- or tab-separated file with a header row.

    Returns
    -------
    pandas.DataFrame
        The keywords table (see module docstring), ``attrs['source'] == 'keywords_csv'``.

    Raises
    ------
    InputError
        Missing columns, empty keyword, non-numeric or negative searches or position.
    """
    name = str(path)
    text, _ = read_text(path)
    lines = [ln for ln in split_lines(text) if ln.strip()]
    delim = sniff_delimiter(lines)
    rows = list(csv.reader(lines, delimiter=delim))
    header = [h.strip().lower() for h in rows[0]]
    for required in ("keyword", "monthly_searches"):
        if required not in header:
            raise InputError.at(name, "header", rows[0], f"columns keyword,monthly_searches[,position] (missing {required!r})")
    ik, isr = header.index("keyword"), header.index("monthly_searches")
    ip = header.index("position") if "position" in header else None
    keywords, lows, highs, positions = [], [], [], []
    for lineno, row in enumerate(rows[1:], start=2):
        if len(row) > len(header) and any(c.strip() for c in row[len(header):]):
            # Usually an unquoted "1,500": silently shifting columns would misread it.
            raise InputError.at(name, f"line {lineno}", delim.join(row),
                                f"{len(header)} fields like the header (quote numbers that contain {delim!r})")
        row = row + [""] * (len(header) - len(row))
        kw = row[ik].strip()
        if not kw:
            raise InputError.at(name, f"line {lineno}: keyword", row[ik], "a non-empty keyword")
        low, high = _parse_searches(row[isr], name, f"line {lineno}: monthly_searches")
        pos = math.nan
        if ip is not None and row[ip].strip():
            try:
                pos = parse_number(row[ip])
            except ValueError:
                raise InputError.at(name, f"line {lineno}: position", row[ip], "a number >= 1 or empty") from None
            if pos < 1:
                raise InputError.at(name, f"line {lineno}: position", row[ip], "a number >= 1 or empty")
        keywords.append(kw)
        lows.append(low)
        highs.append(high)
        positions.append(pos)
    return keywords_table(keywords, lows, highs, positions, source="keywords_csv", file=name)


_RANGE_RE = re.compile(r"^\s*([^–—-]+?)\s*[–—-]\s*([^–—-]+?)\s*$")


def _parse_searches(cell: str, file: str, field: str) -> tuple[float, float]:
    """A searches cell: a number, or ``low-high``."""
    expected = "a non-negative number of monthly searches or a range low-high"
    match = _RANGE_RE.match(cell)
    try:
        if match:
            low, high = parse_number(match.group(1)), parse_number(match.group(2))
        else:
            low = high = parse_number(cell)
    except ValueError:
        raise InputError.at(file, field, cell, expected) from None
    if math.isnan(low) or math.isnan(high) or low < 0 or high < low:
        raise InputError.at(file, field, cell, expected)
    return low, high


# --------------------------------------------------------------------------
# Dispatcher
# --------------------------------------------------------------------------


def looks_like_keywords_csv(lines: list[str]) -> bool:
    """Our CSV: a first line whose columns include ``keyword`` and ``monthly_searches``."""
    first = lines[0] if lines else ""
    header = {h.strip().lower() for h in next(csv.reader([first], delimiter=sniff_delimiter(lines)), [])}
    return {"keyword", "monthly_searches"} <= header


#: Keyword-file formats in the order they are tried: (label, detector on the file's non-blank lines, reader).
KEYWORD_FORMATS = (
    ("Keyword Planner export", looks_like_keyword_planner, read_keyword_planner),
    ("keywords CSV", looks_like_keywords_csv, read_keywords_csv),
    ("Wordstat top-queries export", looks_like_wordstat_top, read_wordstat_top),
)


def read_keywords(path: str | os.PathLike) -> pd.DataFrame:
    """Read any supported keywords file, detecting its format from its content.

    Detects, in order: Google Keyword Planner (a header with ``Keyword`` and
    ``Avg. monthly searches`` in its first lines, usually UTF-16), our CSV (a
    header with ``keyword`` and ``monthly_searches``), Yandex Wordstat top
    queries (semicolon-separated ``phrase;count`` rows under one header line).

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    pandas.DataFrame
        The keywords table (see module docstring).

    Raises
    ------
    InputError
        If the format is none of the above, naming the file and its first line.
    """
    name = str(path)
    text, _ = read_text(path)
    lines = [ln for ln in split_lines(text) if ln.strip()]
    for label, detects, reader in KEYWORD_FORMATS:
        if detects(lines):
            logger.debug("%s: detected %s", name, label)
            return reader(path)
    raise InputError.at(
        name, "line 1", lines[0] if lines else "",
        "a keywords file: our CSV (keyword,monthly_searches[,position]), a Wordstat "
        "top-queries export or a Google Keyword Planner export",
    )
