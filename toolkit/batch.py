"""Run client reports: papermill executes the report notebook, nbconvert renders HTML.

One client's failure never stops the others: it becomes a failed row in
``index.html`` and ``summary.csv`` with a one-line reason. Every file is
written under a temporary name and moved into place.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.atomic import atomic_write_text
from toolkit.errors import InputError, ToolkitError
from toolkit.export import PROJECT_ROOT, export_html
from toolkit.spec import CLIENT_FILE, load_client

__all__ = ["ReportOutcome", "run_report", "run_batch", "find_clients", "REPORT_NOTEBOOK", "SUMMARY_COLUMNS"]

log = logging.getLogger("toolkit")
REPORT_NOTEBOOK = PROJECT_ROOT / "notebooks" / "client_report.ipynb"
SUMMARY_COLUMNS = ["client_id", "client_name", "status", "goal", "metric", "target", "deadline", "probability",
                   "verdict", "realistic_max", "reach_p50", "reach_p80", "p_never", "expediency", "report", "error"]


@dataclass(frozen=True)
class ReportOutcome:
    """What happened to one client: its report and recorded numbers, or why it failed."""

    client_id: str
    status: str  # "ok" | "failed"
    html: Path | None = None
    records: dict = field(default_factory=dict)
    error: str | None = None
    bad_input: bool = False
    seconds: float = 0.0

    def summary_rows(self) -> list[dict]:
        base = {"client_id": self.client_id, "client_name": self.records.get("client_name", ""),
                "status": self.status, "report": self.html.name if self.html else "", "error": self.error or ""}
        goals = self.records.get("goals") or [{}]
        return [{**base, **{k: g.get(k, "") for k in SUMMARY_COLUMNS if k not in base}} for g in goals]


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _execute(client_dir: Path, parameters: dict, timeout: int):
    import papermill as pm

    from toolkit.kernel import ensure_kernel

    kernel = ensure_kernel()
    with tempfile.TemporaryDirectory(prefix="goalcheck-") as tmp:
        return pm.execute_notebook(
            str(REPORT_NOTEBOOK), str(Path(tmp) / "executed.ipynb"), parameters=parameters,
            kernel_name=kernel, progress_bar=False, log_output=False, execution_timeout=timeout,
            start_timeout=180,
        )


def run_report(client_dir: str | Path, out_dir: str | Path, *, seed: int = 0, n_paths: int = 2000,
               confidence: float = 0.8, as_of: str | None = None, timeout: int = 600) -> ReportOutcome:
    """Write ``<out_dir>/<client-id>.html`` for one client folder.

    Input errors are caught before any kernel starts; they and any failure of
    the run come back as a failed :class:`ReportOutcome`, never half a file.
    """
    started = time.perf_counter()
    client_dir = Path(client_dir).resolve()
    fallback_id = client_dir.name
    try:
        spec = load_client(client_dir, as_of=as_of)
    except InputError as exc:
        return ReportOutcome(fallback_id, "failed", error=_one_line(exc), bad_input=True,
                             seconds=time.perf_counter() - started)
    client_id = spec.client.id
    parameters = {"client_dir": str(client_dir), "as_of": as_of or "", "seed": seed, "n_paths": n_paths,
                  "confidence": confidence}
    try:
        from toolkit.record import read_records

        executed = _execute(client_dir, parameters, timeout)
        records = read_records(executed)
        summary = records.get("summary", {})
        html = export_html(executed, title=f"Goal feasibility: {spec.client.name}")
        target = atomic_write_text(Path(out_dir) / f"{client_id}.html", html)
    except Exception as exc:  # one client's failure is reported, never fatal to the batch
        reason = _papermill_reason(exc)
        log.error("%s: report failed: %s", client_id, reason)
        return ReportOutcome(client_id, "failed", error=reason, seconds=time.perf_counter() - started)
    return ReportOutcome(client_id, "ok", html=target, records=summary, seconds=time.perf_counter() - started)


def _papermill_reason(exc: BaseException) -> str:
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if ename:
        return f"{ename}: {_one_line(Exception(evalue))}" if evalue else ename
    return f"{type(exc).__name__}: {_one_line(exc)}"


def find_clients(clients_dir: str | Path) -> list[Path]:
    """Client folders (those holding a client.yaml) directly under ``clients_dir``, sorted."""
    root = Path(clients_dir)
    if not root.is_dir():
        raise InputError(f"{root}: not a folder; expected a folder of client folders each holding {CLIENT_FILE}")
    return sorted(p for p in root.iterdir() if (p / CLIENT_FILE).is_file())


def _worker_init() -> None:
    # One maths thread per worker: with more, parallel workers only fight over the cores.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")


def run_batch(clients_dir: str | Path, out_dir: str | Path, *, jobs: int | None = None, seed: int = 0,
              n_paths: int = 2000, confidence: float = 0.8, progress=None) -> list[ReportOutcome]:
    """Run every client's report in parallel and write ``index.html`` and ``summary.csv``."""
    from toolkit.portfolio import write_portfolio

    clients = find_clients(clients_dir)
    if not clients:
        raise InputError(f"{clients_dir}: no client folders found; expected sub-folders holding {CLIENT_FILE}")
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(clients)))
    kwargs = dict(seed=seed, n_paths=n_paths, confidence=confidence)
    outcomes: list[ReportOutcome] = []
    if jobs == 1:
        for client in clients:
            outcomes.append(run_report(client, out_dir, **kwargs))
            if progress:
                progress(outcomes[-1])
    else:
        with ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init) as pool:
            futures = [pool.submit(run_report, client, out_dir, **kwargs) for client in clients]
            for future in as_completed(futures):
                outcomes.append(future.result())
                if progress:
                    progress(outcomes[-1])
    outcomes.sort(key=lambda o: o.client_id)
    write_portfolio(outcomes, out_dir)
    return outcomes


def summary_csv(outcomes: list[ReportOutcome]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SUMMARY_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for outcome in outcomes:
        writer.writerows(outcome.summary_rows())
    return buffer.getvalue()
