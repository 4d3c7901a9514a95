"""Text helpers every reader shares, and the keywords table they all return.

Decoding with BOM sniffing, line splitting on any line ending, locale-tolerant
numbers and delimiter sniffing, so each reader handles encodings the same
way; :func:`keywords_table` builds the one table shape every keyword reader
returns (see :mod:`toolkit.sources.keywords`). Private to the readers: nothing
outside :mod:`toolkit.sources` imports it.
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

__all__ = ["KEYWORD_COLUMNS", "keywords_table", "read_text", "split_lines", "parse_number", "sniff_delimiter"]

logger = logging.getLogger("toolkit")

KEYWORD_COLUMNS = ["keyword", "searches_low", "searches_high", "position"]

# Characters exporters use as thousands separators: space, no-break space,
# narrow no-break space (Yandex, French locales), thin space, apostrophe (Swiss).
_GROUP_SEPARATORS = " \u00a0\u202f\u2009\u2007'’"
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")




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
