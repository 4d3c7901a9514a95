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

This module also holds the text helpers all readers share (decoding with BOM
sniffing, line splitting on any line ending, locale-tolerant numbers), so each
reader handles encodings the same way.
"""

from __future__ import annotations

import csv
import logging
import math
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.errors import InputError

__all__ = [
    "KEYWORD_COLUMNS",
    "read_keywords",
    "read_keywords_csv",
    "keywords_table",
    "read_text",
    "split_lines",
    "parse_number",
]

logger = logging.getLogger("toolkit")

KEYWORD_COLUMNS = ["keyword", "searches_low", "searches_high", "position"]

# Characters exporters use as thousands separators: space, no-break space,
# narrow no-break space (Yandex, French locales), thin space, apostrophe (Swiss).
_GROUP_SEPARATORS = " \u00a0\u202f\u2009\u2007'’"
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


# --------------------------------------------------------------------------
# Shared text helpers
# --------------------------------------------------------------------------


def read_text(path: str | os.PathLike) -> tuple[str, str]:
    """Read a text export whatever its encoding.

    Parameters
    ----------
    path : str or os.PathLike
        The file to read.

    Returns
    -------
    text : str
        The decoded text without BOM.
    encoding : str
        The encoding used (``'utf-8'``, ``'utf-8-sig'``, ``'utf-16'``, ``'cp1251'`` ...).

    Raises
    ------
    InputError
        If the file is missing, empty or binary (not text in any encoding the
        exporters use).
    """
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError.at(name, None, exc.strerror or str(exc), "a readable file") from None
    if not raw.strip():
        raise InputError.at(name, None, "an empty file", "a CSV export with a header and data rows")
    # Keyword Planner writes UTF-16 with BOM; Excel sometimes without one, which
    # shows up as NUL bytes in every other position.
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    elif raw.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif raw[1:200:2].count(0) > 0.4 * len(raw[1:200:2]) and b"\x00" not in raw[0:200:2]:
        candidates = ["utf-16-le"]
    elif raw[0:200:2].count(0) > 0.4 * len(raw[0:200:2]) and b"\x00" not in raw[1:200:2]:
        candidates = ["utf-16-be"]
    else:
        # cp1251 is the legacy encoding of Russian Excel exports (Wordstat).
        candidates = ["utf-8", "cp1251"]
    for encoding in candidates:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            break
        return text.lstrip("\ufeff"), encoding
    raise InputError.at(name, None, raw[:16], "a text (CSV/TSV) export, not a binary file")


def _looks_binary(text: str) -> bool:
    """True when control characters show the bytes are not text."""
    sample = text[:4000]
    if not sample:
        return False
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f\v")
    return "\x00" in sample or controls > 0.01 * len(sample)


def split_lines(text: str) -> list[str]:
    """Split on CRLF, CR-only (old Mac / Wordstat) or LF line ends.

    Trailing empty lines are dropped; inner blank lines are kept because the
    Google Trends layout uses one as a separator.
    """
    lines = re.split(r"\r\n|\r|\n", text)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def parse_number(text: str, *, decimal: str = ".") -> float:
    """Parse a locale-formatted number.

    Parameters
    ----------
    text : str
        e.g. ``'2 895 024'`` (any space as thousands separator), ``'0,025'``
        with ``decimal=','``, ``'1,234'`` with ``decimal='.'``, ``'12%'``.
    decimal : {'.', ','}
        The decimal mark of the file's locale; the other mark is a thousands
        separator.

    Returns
    -------
    float
        NaN for an empty cell or a dash.

    Raises
    ------
    ValueError
        If the text is not a number (callers turn it into an InputError that
        names the file, line and column).
    """
    s = text.strip().strip(_GROUP_SEPARATORS)
    if s in ("", "-", "—", "–", "--"):
        return math.nan
    s = s.rstrip("%").strip()
    for sep in _GROUP_SEPARATORS:
        s = s.replace(sep, "")
    if decimal == ",":
        s = s.replace(".", "").replace(",", ".")
    else:
        s = s.replace(",", "")
    if not _NUMBER_RE.match(s):
        raise ValueError(text)
    return float(s)


def sniff_delimiter(lines: list[str], candidates: str = ",;\t") -> str:
    """Pick the delimiter that splits the most lines into the same number of fields."""
    best, best_score = candidates[0], -1
    for delim in candidates:
        counts = [len(row) for row in csv.reader(lines[:50], delimiter=delim) if row]
        multi = [c for c in counts if c > 1]
        if not multi:
            continue
        mode = max(set(multi), key=multi.count)
        score = multi.count(mode) * 1000 + mode
        if score > best_score:
            best, best_score = delim, score
    return best


# --------------------------------------------------------------------------
# The keywords table contract
# --------------------------------------------------------------------------


def keywords_table(
    keyword: list[str],
    searches_low: list[float],
    searches_high: list[float],
    position: list[float] | None,
    *,
    source: str,
    file: str,
) -> pd.DataFrame:
    """Build a keywords table and check its invariants.

    Raises
    ------
    InputError
        If there are no rows, or a low bound exceeds its high bound.
    """
    n = len(keyword)
    if n == 0:
        raise InputError.at(file, None, "no keyword rows", "at least one keyword with a search volume")
    frame = pd.DataFrame(
        {
            "keyword": pd.Series(keyword, dtype=object).astype(str),
            "searches_low": np.asarray(searches_low, dtype=float),
            "searches_high": np.asarray(searches_high, dtype=float),
            "position": np.asarray(position if position is not None else [np.nan] * n, dtype=float),
        }
    )
    bad = frame["searches_low"] > frame["searches_high"]
    if bad.any():
        row = frame[bad].iloc[0]
        raise InputError.at(file, f"keyword {row['keyword']!r}", (row["searches_low"], row["searches_high"]),
                            "a searches range with low <= high")
    dupes = frame["keyword"][frame["keyword"].duplicated()].unique()
    if len(dupes):
        # Kept, not merged: exports repeat a phrase when match types differ.
        logger.warning("%s: %d keywords appear more than once (e.g. %r)", file, len(dupes), dupes[0])
    frame.attrs["source"] = source
    frame.attrs["file"] = file
    return frame


# --------------------------------------------------------------------------
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
    # Imported here, not at the top: those modules import this one's helpers.
    from toolkit.sources.keyword_planner import looks_like_keyword_planner, read_keyword_planner
    from toolkit.sources.wordstat import looks_like_wordstat_top, read_wordstat_top

    name = str(path)
    text, _ = read_text(path)
    lines = [ln for ln in split_lines(text) if ln.strip()]
    if looks_like_keyword_planner(lines):
        logger.debug("%s: detected Keyword Planner export", name)
        return read_keyword_planner(path)
    first = lines[0] if lines else ""
    header = [h.strip().lower() for h in next(csv.reader([first], delimiter=sniff_delimiter(lines)), [])]
    if "keyword" in header and "monthly_searches" in header:
        return read_keywords_csv(path)
    if looks_like_wordstat_top(lines):
        logger.debug("%s: detected Wordstat top-queries export", name)
        return read_wordstat_top(path)
    raise InputError.at(
        name, "line 1", first,
        "a keywords file: our CSV (keyword,monthly_searches[,position]), a Wordstat "
        "top-queries export or a Google Keyword Planner export",
    )
