"""A corpus of broken client folders, generated from the sample clients.

``CASES`` lists every way a client folder can be wrong that the toolkit must
catch *before* any analysis runs: each case names the sample client it starts
from, how it breaks it, and the fragments the one-line error must contain (the
file, and the field when there is one). ``build(case, root)`` writes the broken
folder under ``root``; ``build_all(root)`` writes them all.

The corpus is for *invalid* input only. Files that look odd but are valid (a
UTF-8 BOM, CRLF line ends, spaces around values) are kept out of it and tested
as valid in ``tests/test_broken_corpus.py``.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import yaml

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CLIENTS = ROOT / "data" / "clients"


@dataclass(frozen=True)
class Case:
    """One broken client folder: its base sample client, how it is broken, what the error names."""

    name: str
    base: str
    breaks: Callable[[Path], None]
    file: str  # the file the error must name
    field: str | None  # a fragment naming the field (None for file-level problems)
    also: tuple[str, ...] = ()  # further fragments the message must hold (e.g. "UTF-8")

    def __repr__(self) -> str:  # short pytest ids
        return self.name


# --------------------------------------------------------------------------- editing helpers

def _yaml(folder: Path) -> dict:
    return yaml.safe_load((folder / "client.yaml").read_text(encoding="utf-8"))


def _dump(folder: Path, data: dict) -> None:
    (folder / "client.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def edit(fn: Callable[[dict], None]) -> Callable[[Path], None]:
    """Break client.yaml by editing its parsed mapping."""

    def apply(folder: Path) -> None:
        data = _yaml(folder)
        fn(data)
        _dump(folder, data)

    return apply


def text(fn: Callable[[str], str], file: str = "client.yaml") -> Callable[[Path], None]:
    """Break a file by rewriting its text (for things a YAML dump would normalise away)."""

    def apply(folder: Path) -> None:
        path = folder / file
        path.write_text(fn(path.read_text(encoding="utf-8")), encoding="utf-8")

    return apply


def raw(file: str, data: bytes) -> Callable[[Path], None]:
    """Replace a file's bytes."""

    def apply(folder: Path) -> None:
        (folder / file).write_bytes(data)

    return apply


def recode(file: str, encoding: str) -> Callable[[Path], None]:
    """Re-encode a file (e.g. UTF-16, which the client formats do not accept)."""

    def apply(folder: Path) -> None:
        path = folder / file
        path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))

    return apply


def history(csv_text: str) -> Callable[[Path], None]:
    return raw("history.csv", csv_text.encode("utf-8"))


def _months(start: str, n: int) -> list[str]:
    y, m = map(int, start.split("-"))
    out = []
    for _ in range(n):
        out.append(f"{y:04d}-{m:02d}")
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out


def _series(n: int, end: str = "2026-10", value=lambda i: 200 + 5 * i) -> str:
    """An acme-like history of ``n`` months ending at ``end``."""
    y, m = map(int, end.split("-"))
    total = y * 12 + (m - 1) - (n - 1)
    start = f"{total // 12:04d}-{total % 12 + 1:02d}"
    rows = [f"{mo},{value(i)}" for i, mo in enumerate(_months(start, n))]
    return "month,sales\n" + "\n".join(rows) + "\n"


def _acme_history_with(row: int, column: str, value: str) -> Callable[[Path], None]:
    """Set one cell of acme's history (row counted from the first data row)."""

    def apply(folder: Path) -> None:
        path = folder / "history.csv"
        lines = path.read_text(encoding="utf-8").splitlines()
        header = lines[0].split(",")
        cells = lines[row + 1].split(",")
        cells[header.index(column)] = value
        lines[row + 1] = ",".join(cells)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    return apply


def _symlink_outside(file: str) -> Callable[[Path], None]:
    """Replace ``file`` by a symlink to a (valid-looking) copy outside the client folder."""

    def apply(folder: Path) -> None:
        outside = folder.parent / f"{folder.name}-outside-{file}"
        shutil.copyfile(folder / file, outside)
        (folder / file).unlink()
        os.symlink(outside, folder / file)

    return apply


def _both(*steps: Callable[[Path], None]) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        for step in steps:
            step(folder)

    return apply


def _symlink_loop(file: str) -> Callable[[Path], None]:
    """Replace ``file`` by a symbolic link to itself."""

    def apply(folder: Path) -> None:
        (folder / file).unlink(missing_ok=True)
        os.symlink(file, folder / file)

    return apply


def _fifo(file: str) -> Callable[[Path], None]:
    """Replace ``file`` by a named pipe (reading it would block forever)."""

    def apply(folder: Path) -> None:
        (folder / file).unlink()
        os.mkfifo(folder / file)

    return apply


def _scenario(name: str, *segment_names: str) -> Callable[[dict], None]:
    """Add an expansion scenario to nordic-bikes with segments copied from its Drammen one."""

    def fn(data: dict) -> None:
        template = data["market"]["scenarios"][0]["add_segments"][0]
        data["market"]["scenarios"].append(
            {"name": name, "add_segments": [{**template, "name": n} for n in segment_names]})

    return fn


def _daily_trends(days: int, start: str = "2021-04-23", step: int = 1) -> bytes:
    """A Google Trends daily export as the French UI writes it (``Jour``, ``Dans tous les pays``)."""
    import datetime as _dt

    first = _dt.date.fromisoformat(start)
    rows = [f"{first + _dt.timedelta(days=i * step)},{40 + i % 9},{55 + i % 5}" for i in range(days)]
    return ("Catégorie : Toutes catégories\n\nJour,diet: (Dans tous les pays),gym: (Dans tous les pays)\n"
            + "\n".join(rows) + "\n").encode("utf-8")


def _acme_rows() -> str:
    return (SAMPLE_CLIENTS / "acme-cases" / "history.csv").read_text(encoding="utf-8")


def _acme_edit(fn: Callable[[list[str]], list[str]]) -> Callable[[Path], None]:
    """Rewrite acme's history.csv line by line (header first)."""

    def apply(folder: Path) -> None:
        lines = _acme_rows().splitlines()
        (folder / "history.csv").write_text("\n".join(fn(lines)) + "\n", encoding="utf-8")

    return apply


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde" + bytes(range(256))
ALIAS_BOMB = "".join(f"x{i}: &a{i} [{', '.join([f'*a{i - 1}' if i else 'lol'] * 10)}]\n" for i in range(8))
PYTHON_TAG = '!!python/object/apply:os.system ["echo pwned > pwned.txt"]'


def _set(path: str, value) -> Callable[[dict], None]:
    """Set a dotted path (``goals.0.target``) in the parsed YAML."""

    def fn(data: dict) -> None:
        keys = [int(k) if k.isdigit() else k for k in path.split(".")]
        node = data
        for k in keys[:-1]:
            node = node[k]
        node[keys[-1]] = value

    return fn


def _del(path: str) -> Callable[[dict], None]:
    def fn(data: dict) -> None:
        keys = [int(k) if k.isdigit() else k for k in path.split(".")]
        node = data
        for k in keys[:-1]:
            node = node[k]
        del node[keys[-1]]

    return fn


def _two_segments_named(name: str) -> Callable[[dict], None]:
    """Turn an inline market into two segments with the same name."""

    def fn(data: dict) -> None:
        market = data["market"]
        segment = {k: market.pop(k) for k in list(market) if k not in ("reachable_share", "trends", "scenarios")}
        segment["name"] = name
        market["segments"] = [segment, dict(segment)]

    return fn


Y = "client.yaml"
H = "history.csv"
K = "keywords.csv"
T = "trends.csv"

CASES: list[Case] = [
    # ---- client.yaml: missing, extra and mistyped fields
    Case("missing-client-name", "acme-cases", edit(_del("client.name")), Y, "client.name", ("missing",)),
    Case("missing-goals", "acme-cases", edit(_del("goals")), Y, "goals", ("missing",)),
    Case("missing-history-field", "acme-cases", edit(_del("history")), Y, "history", ("missing",)),
    Case("empty-goal-list", "acme-cases", edit(_set("goals", [])), Y, "goals"),
    Case("extra-top-level-field", "acme-cases", edit(_set("budget", 1000)), Y, "budget", ("no such field",)),
    Case("extra-goal-field", "acme-cases", edit(_set("goals.0.owner", "Anna")), Y, "goals.0.owner"),
    Case("misspelt-market-field", "acme-cases", edit(lambda d: d["market"].update(reachable_shar=d["market"].pop("reachable_share"))),
         Y, "market.reachable_shar"),
    Case("client-section-is-a-list", "acme-cases", edit(_set("client", ["acme-cases"])), Y, "client"),
    Case("history-field-is-a-number", "acme-cases", edit(_set("history", 5)), Y, "history"),
    Case("target-is-text", "acme-cases", edit(_set("goals.0.target", "lots")), Y, "goals.0.target"),
    Case("statement-is-a-list", "acme-cases", edit(_set("goals.0.statement", ["500", "orders"])), Y, "goals.0.statement"),
    Case("kind-unknown", "acme-cases", edit(_set("goals.0.kind", "monthly")), Y, "goals.0.kind"),
    Case("market-model-unknown", "acme-cases", edit(_set("market.model", "magic")), Y, "market.model"),
    Case("currency-not-iso", "acme-cases", edit(_set("client.currency", "euro")), Y, "client.currency"),
    Case("approved-on-not-a-date", "acme-cases", edit(_set("goals.0.checklist.approved_on", "yesterday")), Y,
         "goals.0.checklist.approved_on"),
    Case("duplicate-goal-ids", "lumen-dental", edit(_set("goals.1.id", "leads-150")), Y, "goals"),
    # ---- impossible values
    Case("target-zero", "acme-cases", edit(_set("goals.0.target", 0)), Y, "goals.0.target"),
    Case("target-negative", "acme-cases", edit(_set("goals.0.target", -500)), Y, "goals.0.target"),
    Case("target-infinite", "acme-cases", text(lambda s: s.replace("target: 500", "target: .inf")), Y, "goals.0.target"),
    Case("target-huge", "acme-cases", text(lambda s: s.replace("target: 500", "target: 1.0e+300")), Y, "goals.0.target"),
    Case("range-low-above-high", "acme-cases", edit(_set("market.population", {"low": 3e6, "high": 2e6})), Y, "market.population"),
    Case("range-negative-low", "acme-cases", edit(_set("market.avg_price", {"low": -5, "high": 25})), Y, "market.avg_price"),
    Case("range-huge-value", "acme-cases", text(lambda s: s.replace("high: 3000000", "high: 1.0e+400")), Y, "market.population"),
    Case("range-missing-high", "acme-cases", edit(_set("economics.cac", {"low": 8})), Y, "economics.cac"),
    Case("share-above-one", "acme-cases", edit(_set("market.segment_share", {"low": 0.5, "high": 1.5})), Y, "market.segment_share"),
    Case("reachable-share-above-one", "acme-cases", edit(_set("market.reachable_share", {"low": 0.5, "high": 2})), Y,
         "market.reachable_share"),
    Case("gross-margin-above-one", "acme-cases", edit(_set("economics.gross_margin", 1.3)), Y, "economics.gross_margin"),
    Case("funnel-conversion-above-one", "acme-cases", edit(_set("funnel.stages.0.conversion", 2)), Y, "funnel.stages.0.conversion"),
    Case("negative-cycle-days", "acme-cases", edit(_set("funnel.cycle_days", -3)), Y, "funnel.cycle_days"),
    Case("pipeline-time-not-summing-to-one", "nordic-bikes", edit(_set("funnel.pipeline.0.time", [0.5, 0.5, 0.5])), Y,
         "funnel.pipeline.0.time"),
    Case("reachable-share-zero", "acme-cases", edit(_set("market.reachable_share", 0)), Y, "market.reachable_share"),
    Case("population-exactly-zero", "acme-cases", edit(_set("market.population", {"low": 0, "high": 0})), Y, "market.population"),
    Case("duplicate-segment-names", "acme-cases", edit(_two_segments_named("shops")), Y, "market.segments"),
    Case("ctr-curve-unknown", "lumen-dental", edit(_set("market.ctr_curve", "my-guess")), Y, "market.ctr_curve"),
    Case("search-position-zero", "lumen-dental", edit(_set("market.position", {"low": 0, "high": 6})), Y, "market.position"),
    # ---- dates
    Case("deadline-before-as-of", "acme-cases", edit(_set("goals.0.deadline", "2026-01")), Y, "goals.0.deadline"),
    Case("deadline-not-a-month", "acme-cases", edit(_set("goals.0.deadline", "June 2027")), Y, "goals.0.deadline"),
    Case("deadline-beyond-horizon", "acme-cases", edit(_set("goals.0.deadline", "2040-01")), Y, "goals.0.deadline"),
    Case("as-of-month-13", "acme-cases", edit(_set("client.as_of", "2026-13")), Y, "client.as_of"),
    # ---- ids and paths that could escape the folder
    Case("client-id-dot-dot", "acme-cases", edit(_set("client.id", "../../x")), Y, "client.id"),
    Case("client-id-with-slash", "acme-cases", edit(_set("client.id", "acme/cases")), Y, "client.id"),
    Case("goal-id-dot-dot", "acme-cases", edit(_set("goals.0.id", "../x")), Y, "goals.0.id"),
    Case("history-path-outside", "acme-cases", edit(_set("history", "../../../etc/passwd")), Y, "history"),
    Case("history-path-absolute", "acme-cases", edit(_set("history", "/etc/hostname")), Y, "history"),
    Case("history-path-is-a-folder", "acme-cases", edit(_set("history", ".")), Y, "history"),
    Case("history-symlink-outside", "acme-cases", _symlink_outside(H), Y, "history"),
    Case("keywords-path-outside", "lumen-dental", edit(_set("market.keywords", "../acme-cases/history.csv")), Y, "market.keywords"),
    Case("keywords-symlink-outside", "lumen-dental", _symlink_outside(K), Y, "market.keywords"),
    Case("keywords-file-missing", "lumen-dental", lambda f: (f / K).unlink(), Y, "market.keywords"),
    # ---- YAML itself
    Case("yaml-python-tag", "acme-cases", text(lambda s: s.replace('"Acme Phone Cases"', PYTHON_TAG)), Y, None, ("YAML",)),
    Case("yaml-syntax-error", "acme-cases", text(lambda s: s + "goals: [unclosed\n"), Y, None, ("YAML",)),
    Case("yaml-empty-file", "acme-cases", raw(Y, b""), Y, None),
    Case("yaml-binary", "acme-cases", raw(Y, PNG), Y, None),
    Case("yaml-utf16", "acme-cases", recode(Y, "utf-16"), Y, None, ("UTF-8",)),
    Case("yaml-latin1", "acme-cases", _both(text(lambda s: s.replace("Acme Phone Cases", "Acmé Phone Cases")), recode(Y, "latin-1")),
         Y, None, ("UTF-8",)),
    Case("client-yaml-missing", "acme-cases", lambda f: (f / Y).unlink(), Y, None),
    Case("client-yaml-is-a-folder", "acme-cases", lambda f: ((f / Y).unlink(), (f / Y).mkdir()), Y, None),
    Case("yaml-duplicate-key", "acme-cases", text(lambda s: s.replace("    target: 500\n", "    target: 500\n    target: 5000\n")),
         Y, None, ("duplicate key 'target'",)),
    Case("yaml-alias-bomb", "acme-cases", text(lambda s: ALIAS_BOMB + s.replace(
        'product_ladder: ["phone case", "screen protector", "charger"]', "product_ladder: *a7")), Y, None),
    Case("yaml-deep-nesting", "acme-cases", text(lambda s: s + "extra: " + "[" * 5000 + "]" * 5000 + "\n"), Y, None),
    # ---- history.csv
    Case("history-empty-file", "acme-cases", raw(H, b""), H, None),
    Case("history-binary", "acme-cases", raw(H, PNG), H, None),
    Case("history-utf16", "acme-cases", recode(H, "utf-16"), H, None, ("UTF-8",)),
    Case("history-duplicate-month", "acme-cases", history(_series(12).replace("2026-09", "2026-08")), H, "month"),
    Case("history-missing-month", "acme-cases", history("".join(l + "\n" for l in _series(12).splitlines() if not l.startswith("2026-05"))),
         H, "month", ("2026-05",)),
    Case("history-unsorted", "acme-cases", history(_series(12).replace("2026-04", "2026-XX").replace("2026-05", "2026-04").replace("2026-XX", "2026-05")),
         H, "month"),
    Case("history-text-in-numbers", "acme-cases", _acme_history_with(5, "sales", "n/a"), H, "sales"),
    Case("history-blank-cell", "acme-cases", _acme_history_with(5, "sales", ""), H, "sales"),
    Case("history-negative-value", "acme-cases", _acme_history_with(5, "sales", "-20"), H, "sales"),
    Case("history-huge-value", "acme-cases", _acme_history_with(5, "sales", "1e300"), H, "sales"),
    Case("history-infinite-value", "acme-cases", _acme_history_with(5, "sales", "inf"), H, "sales"),
    Case("history-two-months", "acme-cases", history(_series(2)), H, "month", ("2 months",)),
    Case("history-five-months", "acme-cases", history(_series(5)), H, "sales"),
    Case("history-metric-all-zero", "acme-cases", history(_series(24, value=lambda i: 0)), H, "sales"),
    Case("history-ends-before-as-of", "acme-cases", history(_series(24, end="2026-06")), H, "month", ("as_of",)),
    Case("history-no-month-column", "acme-cases", history(_series(12).replace("month,", "period,")), H, "header"),
    Case("history-semicolons", "acme-cases", history(_series(12).replace(",", ";")), H, "header"),
    Case("history-month-only", "acme-cases", history("month\n" + "\n".join(_months("2025-11", 12)) + "\n"), H, "header"),
    Case("history-bad-month", "acme-cases", history(_series(12).replace("2026-03", "2026-3")), H, "month"),
    Case("goal-metric-not-in-history", "acme-cases", edit(_set("goals.0.metric", "profit")), Y, "goals.0.metric"),
    # ---- demand files (lumen-dental: search demand with keywords and Trends)
    Case("keywords-empty", "lumen-dental", raw(K, b""), K, None),
    Case("keywords-binary", "lumen-dental", raw(K, PNG), K, None),
    Case("keywords-text-in-searches", "lumen-dental", text(lambda s: s.replace("49500", "lots"), K), K, "monthly_searches"),
    Case("keywords-wrong-header", "lumen-dental", text(lambda s: s.replace("monthly_searches", "volume"), K), K, None),
    Case("keywords-all-zero", "lumen-dental", raw(K, b"keyword,monthly_searches,position\ntandarts,0,\nspoed tandarts,0,3\n"),
         K, "monthly_searches"),
    Case("trends-garbage", "lumen-dental", raw(T, b"this is not a trends export\nat all\n"), T, None),
    # ---- round two (issue 16): wrong exit codes, lying numbers, path tricks, huge text, odd real exports
    Case("history-header-no-rows", "acme-cases", history("month,sales\n"), H, "month", ("no rows",)),
    Case("history-header-only-crlf", "acme-cases", history("month,sales,revenue\r\n"), H, "month"),
    Case("history-path-nul-byte", "acme-cases", edit(_set("history", "history.csv\0../../etc/passwd")), Y, "history"),
    Case("history-symlink-loop", "acme-cases", _symlink_loop(H), Y, "history", ("loop",)),
    Case("keywords-symlink-loop", "lumen-dental", _symlink_loop(K), Y, "market.keywords", ("loop",)),
    Case("trends-symlink-loop", "lumen-dental", _symlink_loop(T), Y, "market.trends", ("loop",)),
    Case("keywords-path-nul-byte", "lumen-dental", edit(_set("market.keywords", "keywords.csv\0x")), Y, "market.keywords"),
    Case("trends-path-nul-byte", "lumen-dental", edit(_set("market.trends", "\0")), Y, "market.trends"),
    Case("history-path-too-long", "acme-cases", edit(_set("history", "h" * 300 + ".csv")), Y, "history"),
    Case("history-is-a-fifo", "acme-cases", _fifo(H), Y, "history"),
    Case("trends-path-outside", "lumen-dental", edit(_set("market.trends", "../acme-cases/history.csv")), Y, "market.trends"),
    Case("trends-symlink-outside", "lumen-dental", _symlink_outside(T), Y, "market.trends"),
    Case("avg-price-negative-bare", "acme-cases", edit(_set("market.avg_price", -20)), Y, "market.avg_price", (">= 0",)),
    Case("reachable-share-negative-bare", "acme-cases", edit(_set("market.reachable_share", -0.1)), Y, "market.reachable_share"),
    Case("population-negative-bare", "acme-cases", edit(_set("market.population", -1000)), Y, "market.population"),
    Case("purchases-negative-bare", "nordic-bikes", edit(_set("market.purchases_per_year", -1)), Y, "market.purchases_per_year"),
    Case("reachable-customers-negative-bare", "nordic-bikes", edit(_set("market.reachable_customers", -4500)), Y,
         "market.reachable_customers"),
    Case("scenario-segment-negative-bare", "nordic-bikes", edit(_set("market.scenarios.0.add_segments.0.avg_check", -800)), Y,
         "market.scenarios.0.add_segments.0.avg_check"),
    Case("economics-cac-negative-bare", "acme-cases", edit(_set("economics.cac", -5)), Y, "economics.cac"),
    Case("economics-avg-check-negative-bare", "acme-cases", edit(_set("economics.avg_check", -22)), Y, "economics.avg_check"),
    Case("economics-margin-negative-bare", "acme-cases", edit(_set("economics.gross_margin", -0.2)), Y, "economics.gross_margin"),
    Case("funnel-conversion-negative-bare", "acme-cases", edit(_set("funnel.stages.0.conversion", -0.02)), Y,
         "funnel.stages.0.conversion"),
    Case("top-ceiling-negative-bare", "acme-cases", edit(_set("funnel.top_ceiling", -20000)), Y, "funnel.top_ceiling"),
    Case("search-conversion-negative-bare", "lumen-dental", edit(_set("market.conversion", -0.03)), Y, "market.conversion"),
    Case("history-duplicate-column", "acme-cases", _acme_edit(lambda ls: [l + "," + l.split(",")[1] for l in ls]), H, "header",
         ("sales",)),
    Case("history-duplicate-month-column", "acme-cases", _acme_edit(lambda ls: [l.split(",")[0] + "," + l for l in ls]), H,
         "header"),
    Case("history-blank-header-over-values", "acme-cases", _acme_edit(lambda ls: [ls[0] + ","] + [l + ",7" for l in ls[1:]]), H,
         "header (column 7)"),
    Case("history-total-row", "acme-cases", _acme_edit(lambda ls: ls + ["Total,99999,1,1,1,1"]), H, "month", ("Total",)),
    Case("history-blank-row-between-months", "acme-cases", _acme_edit(lambda ls: ls[:5] + [",,,,,"] + ls[5:]), H, "month"),
    Case("history-short-row", "acme-cases", _acme_edit(lambda ls: ls[:4] + [",".join(ls[4].split(",")[:3])] + ls[5:]), H,
         "customers (row 5)"),
    Case("history-too-large", "acme-cases", _acme_edit(lambda ls: ls + ["#" * 11_000_000]), H, None, ("bytes",)),
    Case("trends-daily-fr-eight-days", "lumen-dental", raw(T, _daily_trends(8)), T, "date", ("complete calendar month",)),
    Case("trends-fortnightly", "lumen-dental", raw(T, _daily_trends(80, step=14).replace(b"Jour", b"Semaine")), T, "date"),
    Case("scenario-duplicate-segment-names", "nordic-bikes", edit(_scenario("Two more", "Bergen", "Bergen")), Y,
         "market.scenarios.1.add_segments", ("Bergen",)),
    Case("scenario-segment-named-as-base", "nordic-bikes", edit(_scenario("Again", "market")), Y, "market.scenarios.1.add_segments"),
    Case("scenario-named-base", "nordic-bikes", edit(_set("market.scenarios.0.name", "base")), Y, "market.scenarios.0.name"),
    Case("scenario-name-twice", "nordic-bikes", edit(_scenario("Second store in Drammen", "Bergen")), Y, "market.scenarios.1.name"),
    Case("goal-statement-huge", "acme-cases", edit(_set("goals.0.statement", "500 orders " * 400)), Y, "goals.0.statement",
         ("2,000 characters",)),
    Case("client-name-huge", "acme-cases", edit(_set("client.name", "Acme " * 1000)), Y, "client.name"),
    Case("source-note-huge", "acme-cases", edit(_set("market.avg_price.source", "x" * 5000)), Y, "market.avg_price.source"),
    Case("readiness-answer-huge", "acme-cases", edit(_set("readiness.lead_generation", "newsletter " * 500)), Y,
         "readiness.lead_generation"),
    Case("product-ladder-item-huge", "acme-cases", edit(_set("readiness.product_ladder", ["case", "c" * 3000])), Y,
         "readiness.product_ladder.1"),
    Case("client-yaml-huge", "acme-cases", text(lambda s: s.replace('"Acme Phone Cases"', '"' + "A" * 1_200_000 + '"')), Y, None,
         ("bytes",)),
    Case("client-id-index", "acme-cases", edit(_set("client.id", "index")), Y, "client.id", ("index.html",)),
    Case("client-id-summary-capitalised", "acme-cases", edit(_set("client.id", "Summary")), Y, "client.id"),
    Case("target-nan", "acme-cases", text(lambda s: s.replace("target: 500", "target: .nan")), Y, "goals.0.target", ("a number",)),
    Case("as-of-with-slash", "acme-cases", edit(_set("client.as_of", "2026/10")), Y, "client.as_of"),
    Case("currency-lowercase", "acme-cases", edit(_set("client.currency", "eur")), Y, "client.currency"),
    Case("goal-id-with-space", "acme-cases", edit(_set("goals.0.id", "orders 500")), Y, "goals.0.id"),
    Case("deadline-as-integer", "acme-cases", edit(_set("goals.0.deadline", 202712)), Y, "goals.0.deadline"),
    Case("trends-live-six-terms", "lumen-dental", edit(lambda d: (d["market"].pop("trends"), d["market"].update(
        trends_live={"terms": ["a", "b", "c", "d", "e", "f"]}))), Y, "market.trends_live.terms"),
    Case("trends-live-blank-term", "lumen-dental", edit(lambda d: (d["market"].pop("trends"), d["market"].update(
        trends_live={"terms": ["tandarts", "  "]}))), Y, "market.trends_live.terms"),
    Case("trends-live-negative-category", "lumen-dental", edit(lambda d: (d["market"].pop("trends"), d["market"].update(
        trends_live={"terms": ["tandarts"], "category": -1}))), Y, "market.trends_live.category"),
]


def build(case: Case, root: Path) -> Path:
    """Write the broken folder for ``case`` as ``root/<case.name>`` and return it."""
    folder = Path(root) / case.name
    shutil.copytree(SAMPLE_CLIENTS / case.base, folder, symlinks=True)
    case.breaks(folder)
    return folder


def build_all(root: Path) -> list[tuple[Case, Path]]:
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    return [(case, build(case, root)) for case in CASES]
