"""Sanity check of toolkit.demand.shape on real Google Trends and Yandex Wordstat exports.

Reads the exports in ``../shared/realdata`` (never copied into the project) with
a deliberately minimal parser (the real readers live in ``toolkit.sources``),
and prints for every series: months used, peak and trough month with their
distance from the average month, and the annual growth of the trend (whole
series and, for long series, the last 5 years) with its 90% interval.

Expected by common sense: beer brands peak in summer, "new-year gifts" in
December, sneakers in spring, English courses in September.

Usage::

    PYTHONPATH=. python benchmarks/demand_realdata.py [REALDATA_DIR]
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import pandas as pd

from toolkit.demand import demand_summary, trend_growth
from toolkit.errors import ToolkitError

REALDATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "realdata"
RU_MONTHS = {name: i for i, name in enumerate(
    ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"], 1)}


# Peak months common sense expects (term -> allowed peak months); others are not judged.
EXPECTED_PEAK = {
    "Corona": {5, 6, 7, 8}, "Grupo Modelo": {5, 6, 7, 8}, "Michelob Ultra": {5, 6, 7, 8}, "heineken": {5, 6, 7, 8},
    "diet": {1}, "gym": {1}, "iPod": {12}, "Iphone": {9, 10}, "Apple": {9},
    "новогодние подарки": {12}, "кроссовки": {3, 4, 5}, "курсы английского языка": {9},
}


def read_trends(path: Path) -> dict[str, pd.Series]:
    """Minimal Google Trends reader: skip the category line(s), keep every term column."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header = next(i for i in range(len(lines) - 1) if re.match(r"\d{4}-\d{2}", lines[i + 1]))
    frame = pd.read_csv(path, skiprows=header, dtype=str, encoding="utf-8-sig")
    dates = frame.iloc[:, 0]
    index = pd.PeriodIndex(dates, freq="M") if dates.str.len().max() == 7 else pd.DatetimeIndex(pd.to_datetime(dates))
    return {col.split(":")[0].strip('"'): pd.Series(frame[col].to_numpy(), index=index) for col in frame.columns[1:]}


def read_wordstat(path: Path) -> dict[str, pd.Series]:
    """Minimal Wordstat 'dynamics' reader: 'месяц ГГГГ;число запросов;доля;'."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    term = re.search(r"«(.+?)»", lines[0])
    months, values = [], []
    for line in lines[1:]:
        parts = line.split(";")
        if len(parts) < 2 or not parts[0].strip():
            continue
        name, year = parts[0].strip().split()
        months.append(pd.Period(year=int(year), month=RU_MONTHS[name.lower()], freq="M"))
        values.append(float(re.sub(r"\s", "", parts[1])))
    return {term.group(1) if term else path.stem: pd.Series(values, index=pd.PeriodIndex(months, freq="M"))}


def pct(x: float) -> str:
    return f"{100 * x:+.0f}%"


def main(root: Path) -> int:
    files = sorted((root / "google-trends").glob("*.csv")) + sorted((root / "wordstat").glob("wordstat_dynamics_*.csv"))
    print(f"{'file':<50} {'term':<22} {'months':>6}  {'peak':<14} {'trough':<14} {'growth/yr (90%)':<24} {'last 5 years':<22} peak as expected?")
    seconds, count, judged, right = 0.0, 0, 0, 0
    for path in files:
        series_by_term = read_wordstat(path) if path.parent.name == "wordstat" else read_trends(path)
        for term, series in series_by_term.items():
            t0 = time.perf_counter()
            try:
                s = demand_summary(series)
                recent = trend_growth(series, last_years=5) if s["n_months"] >= 72 else None
            except ToolkitError as exc:
                print(f"{path.name:<50} {term[:22]:<22}  skipped: {exc}")
                continue
            seconds += time.perf_counter() - t0
            count += 1
            growth = f"{pct(s['annual_growth'])} ({pct(s['growth_low'])}..{pct(s['growth_high'])})"
            last5 = f"{pct(recent.annual_rate)} ({pct(recent.low)}..{pct(recent.high)})" if recent else "-"
            verdict = "-"
            if term in EXPECTED_PEAK:
                ok = s["peak_month"] in EXPECTED_PEAK[term]
                judged, right, verdict = judged + 1, right + ok, "yes" if ok else "NO"
            print(f"{path.name[:50]:<50} {term[:22]:<22} {s['n_months']:>6}  "
                  f"{s['peak_month_name'][:3] + ' ' + pct(s['peak_pct']):<14} "
                  f"{s['trough_month_name'][:3] + ' ' + pct(s['trough_pct']):<14} {growth:<24} {last5:<22} {verdict}")
    print(f"\n{count} series, {1000 * seconds / max(count, 1):.1f} ms per series (demand_summary + recent trend); "
          f"peak month as expected for {right} of {judged} judged series")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else REALDATA))
