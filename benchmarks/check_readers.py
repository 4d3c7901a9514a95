"""Read every real export under ../shared/realdata and compare with its INDEX.tsv.

Google Trends files are checked against the metadata columns of
``google-trends/INDEX.tsv`` (terms, period label, n_points, start, end, geo,
category, ``<1`` presence). The edge-case excerpts have no metadata columns,
so they are checked against a naive independent scan of the raw text (count of
date rows, first/last date, header terms) plus what the file name promises
(daily, weekly, no category line, quoted phrase, ``<1``...). Wordstat files
are checked against their file names (query period, region) and INDEX notes.

Usage::

    PYTHONPATH=. python benchmarks/check_readers.py [REALDATA_DIR]

Prints a PASS/FAIL table; exits 1 if any file fails.
"""

from __future__ import annotations

import csv
import re
import sys
import time
from pathlib import Path

import pandas as pd

from toolkit.sources import read_keywords, read_trends_csv, read_wordstat_dynamics

DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "shared" / "realdata"
NBSP = "\u00a0"


def _index(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _norm(text: str | None) -> str:
    return " ".join((text or "").replace(NBSP, " ").split())


def _fmt(ts: pd.Timestamp, monthly: bool) -> str:
    return ts.strftime("%Y-%m" if monthly else "%Y-%m-%d")


def check_trends(root: Path) -> list[tuple[str, list[str], str]]:
    results = []
    for meta in _index(root / "INDEX.tsv"):
        path = root / meta["file"]
        problems = []
        try:
            df = read_trends_csv(path)
        except Exception as exc:  # report, do not stop: this is a checker
            results.append((meta["file"], [f"{type(exc).__name__}: {exc}"], "-"))
            continue
        monthly = len(meta["start"]) == 7
        expect = {
            "terms": [t.strip() for t in meta["terms"].split(" | ")],
            "period": meta["period_col"],
            "n_points": int(meta["n_points"]),
            "start": meta["start"],
            "end": meta["end"],
            "geo": meta["geo"],
            "lt1": meta["has_lt1"].startswith("True"),
        }
        got = {
            "terms": list(df.columns),
            "period": df.attrs["period_label"],
            "n_points": len(df),
            "start": _fmt(df.index[0], monthly),
            "end": _fmt(df.index[-1], monthly),
            "geo": df.attrs["region"],
            "lt1": bool((df == 0.5).any().any()),
        }
        for key, want in expect.items():
            if got[key] != want:
                problems.append(f"{key}: got {got[key]!r}, INDEX {want!r}")
        if not _norm(meta["category_line"]).endswith(_norm(df.attrs["category"])) or not df.attrs["category"]:
            problems.append(f"category: got {df.attrs['category']!r}, INDEX line {meta['category_line']!r}")
        # The INDEX has no frequency column: monthly dates are YYYY-MM, and a
        # YYYY-MM-DD file is weekly when its span holds exactly n_points weeks.
        span = (pd.Timestamp(meta["end"]) - pd.Timestamp(meta["start"])).days
        want_freq = "M" if monthly else "W" if span == 7 * (int(meta["n_points"]) - 1) else "D"
        if df.attrs["frequency"] != want_freq:
            problems.append(f"frequency: got {df.attrs['frequency']!r}, expected {want_freq!r}")
        summary = f"{len(df)}x{df.shape[1]} {df.attrs['frequency']} {df.attrs['region']}"
        results.append((meta["file"], problems, summary))
    return results


_RAW_DATE = re.compile(r"^(?:\d+\t)?(\d{4}-\d{2}(?:-\d{2}(?:T[\d:+-]+)?)?)[,\t]")


def check_trends_edge_cases(root: Path) -> list[tuple[str, list[str], str]]:
    results = []
    for meta in _index(root / "INDEX.tsv"):
        name = meta["file"]
        path = root / name
        problems = []
        try:
            df = read_trends_csv(path)
        except Exception as exc:
            results.append((name, [f"{type(exc).__name__}: {exc}"], "-"))
            continue
        lines = path.read_text(encoding="utf-8-sig").splitlines()
        dated = [(i, _RAW_DATE.match(ln).group(1)) for i, ln in enumerate(lines) if _RAW_DATE.match(ln)]
        header = next(csv.reader([lines[dated[0][0] - 1]], delimiter="\t" if "\t" in lines[0] else ","))
        raw_terms = [re.sub(r": \([^()]*\)$", "", h) for h in header[1:] if h and h != "date"]
        if "\t" in lines[0]:
            raw_terms = header[2:]
        checks = {
            "n_points": (len(df), len(dated)),
            "start": (df.index[0], pd.Timestamp(dated[0][1])),
            "end": (df.index[-1], pd.Timestamp(dated[-1][1])),
            "terms": (list(df.columns), raw_terms),
        }
        if "daily_" in name and "subdaily" not in name:
            checks["frequency"] = (df.attrs["frequency"], "D")
        if "weekly" in name:
            checks["frequency"] = (df.attrs["frequency"], "W")
        if "monthly" in name:
            checks["frequency"] = (df.attrs["frequency"], "M")
        if "subdaily" in name:
            checks["tz-aware"] = (df.index.tz is not None, True)
        if "lt1" in name:
            checks["<1 as 0.5"] = (bool((df == 0.5).any().any()), True)
        if "no_category" in name:
            checks["category"] = (df.attrs["category"], None)
        if "quoted" in name:
            checks["quoted term"] = (df.columns[0].startswith('"'), True)
        for key, (got, want) in checks.items():
            if got != want:
                problems.append(f"{key}: got {got!r}, expected {want!r}")
        results.append((name, problems, f"{len(df)}x{df.shape[1]} {df.attrs['frequency']} {df.attrs['layout']}"))
    return results


_MONTHS_IN_NAME = re.compile(r"_(\d{4})-(\d{2})_(\d{4})-(\d{2})\.csv$")


def check_wordstat(root: Path) -> list[tuple[str, list[str], str]]:
    results = []
    for meta in _index(root / "INDEX.tsv"):
        name = meta["file"]
        path = root / name
        problems = []
        try:
            if "dynamics" in name:
                s = read_wordstat_dynamics(path)
                y0, m0, y1, m1 = map(int, _MONTHS_IN_NAME.search(name).groups())
                months = (y1 - y0) * 12 + m1 - m0 + 1
                region = "Россия" if "_RU_" in name else "все регионы"
                checks = {
                    "n_points": (len(s), months),
                    "start": (s.index[0].strftime("%Y-%m"), f"{y0}-{m0:02d}"),
                    "end": (s.index[-1].strftime("%Y-%m"), f"{y1}-{m1:02d}"),
                    "query": (bool(s.name), True),
                    "region": (region in (s.attrs["description"] or ""), True),
                    "positive counts": (bool((s > 0).all()), True),
                }
                summary = f"{len(s)} months {s.name!r} {s.min():,.0f}-{s.max():,.0f}"
            else:
                df = read_keywords(path)
                rows = re.search(r"(\d+) rows", meta["note"])
                checks = {
                    "source": (df.attrs["source"], "wordstat_top"),
                    "n_rows": (len(df), int(rows.group(1)) if rows else len(df)),
                    "query": (df.attrs["query"], "книги"),
                    "exact counts": (bool((df.searches_low == df.searches_high).all()), True),
                }
                summary = f"{len(df)} keywords, top {df.keyword.iloc[0]!r} {df.searches_low.iloc[0]:,.0f}"
        except Exception as exc:
            results.append((name, [f"{type(exc).__name__}: {exc}"], "-"))
            continue
        for key, (got, want) in checks.items():
            if got != want:
                problems.append(f"{key}: got {got!r}, expected {want!r}")
        results.append((name, problems, summary))
    return results


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else DEFAULT_ROOT
    started = time.perf_counter()
    groups = [
        ("google-trends", check_trends(root / "google-trends")),
        ("google-trends/edge_cases", check_trends_edge_cases(root / "google-trends" / "edge_cases")),
        ("wordstat", check_wordstat(root / "wordstat")),
    ]
    width = max(len(name) for _, rows in groups for name, _, _ in rows)
    failed = total = 0
    for group, rows in groups:
        print(f"\n{group}")
        for name, problems, summary in rows:
            total += 1
            failed += bool(problems)
            print(f"  {'FAIL' if problems else 'PASS'}  {name:<{width}}  {summary}")
            for problem in problems:
                print(f"        - {problem}")
    print(f"\n{total - failed}/{total} files pass ({time.perf_counter() - started:.2f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
