"""Batch throughput: warm-kernel batch vs the naive loop (papermill CLI then nbconvert CLI per client).

Usage: python benchmarks/batch_throughput.py [--clients 50] [--jobs 2] [--naive-sample 8]

Builds N synthetic clients from the sample clients (histories scaled, ids
renamed), renders them all with ``goalcheck batch`` and times the naive loop on
``--naive-sample`` of them (it is ~10x slower, so a sample keeps the run short;
``--naive-sample 0`` measures all). Prints reports/minute for both and the
per-report breakdown inside a warm kernel.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"


def make_clients(target: Path, n: int) -> list[Path]:
    import pandas as pd

    samples = sorted(p for p in (ROOT / "data" / "clients").iterdir() if (p / "client.yaml").is_file())
    folders = []
    for i in range(n):
        source = samples[i % len(samples)]
        folder = target / f"{source.name}-{i:03d}"
        shutil.copytree(source, folder)
        text = (folder / "client.yaml").read_text(encoding="utf-8")
        (folder / "client.yaml").write_text(text.replace(f"id: {source.name}", f"id: {folder.name}"), encoding="utf-8")
        history = pd.read_csv(folder / "history.csv")
        scale = 0.9 + 0.2 * (i % 7) / 6
        for col in history.columns[1:]:
            if col != "avg_check":
                history[col] = (history[col] * scale).round(2)
        history.to_csv(folder / "history.csv", index=False)
        folders.append(folder)
    return folders


def warm_breakdown(client: Path) -> dict[str, float]:
    """Where a report's time goes inside a warm process (analysis vs drawing vs export)."""
    sys.path.insert(0, str(ROOT))
    import toolkit
    from toolkit import sections, sections_economics, sections_market

    toolkit.report_setup()
    spec = toolkit.load_client(client)
    toolkit.analyse_client(spec)  # warm caches and imports
    times = {}
    t0 = time.perf_counter()
    analysis = toolkit.analyse_client(spec)
    times["analysis (capacity, paths, assessment, economics)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    for block in (sections_market.capacity_section, sections_market.demand_section, sections.goal_sections,
                  sections_economics.economics_section):
        block(analysis)
    times["charts and tables"] = time.perf_counter() - t0
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--naive-sample", type=int, default=8)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="goalcheck-bench-"))
    try:
        clients_dir = work / "clients"
        clients_dir.mkdir()
        clients = make_clients(clients_dir, args.clients)
        out = work / "reports"
        t0 = time.perf_counter()
        result = subprocess.run([str(BIN / "goalcheck"), "batch", str(clients_dir), "-o", str(out), "--jobs",
                                 str(args.jobs), "--force"], capture_output=True, text=True)
        warm_seconds = time.perf_counter() - t0
        written = len(list(out.glob("*.html"))) - 1
        if result.returncode != 0 or written != len(clients):
            print(result.stderr[-2000:])
            print(f"batch failed: exit {result.returncode}, {written} reports")
            return 1
        sample = clients if args.naive_sample == 0 else clients[: args.naive_sample]
        naive_out = work / "naive"
        naive_out.mkdir()
        t0 = time.perf_counter()
        for client in sample:
            executed = naive_out / f"{client.name}.ipynb"
            subprocess.run([str(BIN / "papermill"), str(ROOT / "notebooks" / "client_report.ipynb"), str(executed),
                            "-p", "client_dir", str(client), "-k", "goalcheck", "--no-progress-bar"],
                           check=True, capture_output=True)
            subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
                           check=True, capture_output=True)
        naive_seconds = time.perf_counter() - t0
        warm_rate = 60 * len(clients) / warm_seconds
        naive_rate = 60 * len(sample) / naive_seconds
        print(f"machine: {os.cpu_count()} cores; {len(clients)} clients; warm batch with --jobs {args.jobs}")
        print(f"{'method':<44}{'reports':>8}{'seconds':>10}{'reports/min':>13}{'s/report':>10}")
        print(f"{'goalcheck batch (warm kernels, all clients)':<44}{len(clients):>8}{warm_seconds:>10.1f}"
              f"{warm_rate:>13.1f}{warm_seconds / len(clients):>10.2f}")
        print(f"{'naive loop (papermill + nbconvert CLIs)':<44}{len(sample):>8}{naive_seconds:>10.1f}"
              f"{naive_rate:>13.1f}{naive_seconds / len(sample):>10.2f}")
        print(f"speed-up: {warm_rate / naive_rate:.1f}x")
        print("per-report work inside a warm process (one client, one core):")
        for name, seconds in warm_breakdown(clients[0]).items():
            print(f"  {name:<52}{seconds:>7.3f} s")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
