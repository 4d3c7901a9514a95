"""Run client reports: papermill parameterises the report notebook, a warm kernel
executes it, nbconvert renders the HTML.

Every client's report is written under a temporary name and moved into place;
a client that fails is listed with a one-line reason and never stops the
others. Workers are processes on this machine (``jobs``) or a Dask cluster
(``scheduler``); each keeps one warm kernel (see :mod:`toolkit.batch.warm_kernel`).
Re-running skips clients whose inputs and code have not changed.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path

from toolkit.batch.fingerprint import client_fingerprint
from toolkit.batch.kernelspec import ensure_kernel
from toolkit.batch.summary import SUMMARY_COLUMNS, summary_csv
from toolkit.batch.warm_kernel import MATHS_THREAD_VARS, WarmKernel, boot_worker, run_notebook, worker_kernel
from toolkit.errors import InputError
from toolkit.report.assets import report_notebook
from toolkit.report.export import export_html, html_exporter
from toolkit.spec.atomic import atomic_write_text
from toolkit.spec.layout import CLIENT_FILE

__all__ = ["ReportOutcome", "ReportJob", "run_report", "run_batch", "render_client", "find_clients",
           "summary_csv", "REPORT_NOTEBOOK", "SUMMARY_COLUMNS"]

log = logging.getLogger("toolkit")
REPORT_NOTEBOOK = report_notebook()
STATE_DIR = ".goalcheck-state"


@dataclass(frozen=True)
class ReportJob:
    """One client to render: folder, output folder, notebook parameters."""

    client_dir: Path
    out_dir: Path
    seed: int = 0
    n_paths: int = 2000
    confidence: float = 0.8
    as_of: str | None = None
    timeout: int = 300

    def parameters(self) -> dict:
        return {"client_dir": str(self.client_dir), "as_of": self.as_of or "", "seed": self.seed,
                "n_paths": self.n_paths, "confidence": self.confidence}


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
    skipped: bool = False
    folder: str = ""

    def summary_rows(self) -> list[dict]:
        base = {"client_id": self.client_id, "client_name": self.records.get("client_name", ""),
                "status": self.status, "report": self.html.name if self.html else "", "error": self.error or ""}
        goals = self.records.get("goals") or [{}]
        rows = []
        for g in goals:
            row = {**base}
            for key in SUMMARY_COLUMNS:
                if key not in base:
                    value = g.get(key, "")
                    row[key] = "" if value is None else value
            rows.append(row)
        return rows


def _one_line(text: object) -> str:
    lines = str(text).strip().splitlines()
    return lines[0] if lines else ""


def _failure_reason(exc: BaseException) -> str:
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if ename:
        return f"{ename}: {_one_line(evalue)}" if evalue else ename
    return f"{type(exc).__name__}: {_one_line(exc)}"


def load_report_template():
    from papermill.iorw import load_notebook_node

    return load_notebook_node(str(REPORT_NOTEBOOK))


def render_with(kernel, job: ReportJob, template=None) -> ReportOutcome:
    """Validate, execute in ``kernel``, export and write one client's report."""
    from papermill.parameterize import parameterize_notebook

    from toolkit.present.record import read_records
    from toolkit.spec.client import load_client

    started = time.perf_counter()
    client_dir = Path(job.client_dir).resolve()
    folder = client_dir.name
    try:
        spec = load_client(client_dir, as_of=job.as_of)
    except InputError as exc:
        return ReportOutcome(folder, "failed", error=_one_line(exc), bad_input=True,
                             seconds=time.perf_counter() - started, folder=folder)
    client_id = spec.client.id
    job = replace(job, client_dir=client_dir)
    try:
        nb = parameterize_notebook(template if template is not None else load_report_template(), job.parameters(),
                                   kernel_name=kernel.kernel_name)
        executed = run_notebook(kernel, nb)
        records = read_records(executed).get("summary", {})
        html = export_html(executed, title=f"Goal feasibility: {spec.client.name}")
        target = atomic_write_text(Path(job.out_dir) / f"{client_id}.html", html)
    except Exception as exc:  # one client's failure is reported, never fatal to the batch
        reason = _failure_reason(exc)
        log.error("%s: report failed: %s", client_id, reason)
        # An input problem only the analysis could see is still the user's to fix: exit 2, not 1.
        return ReportOutcome(client_id, "failed", error=reason, bad_input=getattr(exc, "ename", "") in ("InputError", "DataError"),
                             seconds=time.perf_counter() - started, folder=folder)
    state = {"fingerprint": client_fingerprint(client_dir, job.parameters()), "client_id": client_id,
             "html": target.name, "records": records}
    atomic_write_text(Path(job.out_dir) / STATE_DIR / f"{folder}.json", json.dumps(state, indent=1))
    return ReportOutcome(client_id, "ok", html=target, records=records, seconds=time.perf_counter() - started,
                         folder=folder)


_local = threading.local()


def _worker_kernel():
    """This worker's warm kernel (see :func:`toolkit.batch.warm_kernel.worker_kernel`) and its loaded template."""

    kernel = worker_kernel()
    if getattr(_local, "template", None) is None:
        _local.template = load_report_template()
        html_exporter()  # load the HTML templates while the kernel does its imports
        import gc

        # This worker's modules and templates live as long as it does: keep the collector off them.
        gc.collect()
        gc.freeze()
    return kernel


def render_client(job: ReportJob) -> ReportOutcome:
    """Render one client in this worker's warm kernel (the task a process pool or Dask runs)."""
    for var in MATHS_THREAD_VARS:
        os.environ.setdefault(var, "1")
    kernel = _worker_kernel()
    return render_with(kernel, job, _local.template)


def run_report(client_dir: str | Path, out_dir: str | Path, *, seed: int = 0, n_paths: int = 2000,
               confidence: float = 0.8, as_of: str | None = None, timeout: int = 300) -> ReportOutcome:
    """Write ``<out_dir>/<client-id>.html`` for one client folder.

    Input errors are caught before any kernel starts; they and any failure of
    the run come back as a failed :class:`ReportOutcome`, never half a file.
    """
    from toolkit.spec.client import load_client

    job = ReportJob(Path(client_dir), Path(out_dir), seed, n_paths, confidence, as_of, timeout)
    try:
        load_client(Path(client_dir), as_of=as_of)
    except InputError as exc:
        return ReportOutcome(Path(client_dir).name, "failed", error=_one_line(exc), bad_input=True,
                             folder=Path(client_dir).name)

    with WarmKernel(ensure_kernel(), timeout=timeout) as kernel:
        return render_with(kernel, job)


def find_clients(clients_dir: str | Path) -> list[Path]:
    """Client folders (those holding a client.yaml) directly under ``clients_dir``, sorted."""
    root = Path(clients_dir)
    if not root.is_dir():
        raise InputError(f"{root}: not a folder; expected a folder of client folders each holding {CLIENT_FILE}")
    return sorted(p for p in root.iterdir() if p.is_dir() and (p / CLIENT_FILE).is_file())


def _unchanged(job: ReportJob) -> ReportOutcome | None:
    """The stored outcome of a client whose inputs and code match its last successful report."""

    folder = Path(job.client_dir).resolve()
    state_file = Path(job.out_dir) / STATE_DIR / f"{folder.name}.json"
    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    html = Path(job.out_dir) / state.get("html", "")
    fingerprint = client_fingerprint(folder, replace(job, client_dir=folder).parameters())
    if state.get("fingerprint") != fingerprint or not html.is_file():
        return None
    return ReportOutcome(state["client_id"], "ok", html=html, records=state.get("records", {}), skipped=True,
                         folder=folder.name)


def _terminate_on_sigterm() -> None:
    def handler(signum, frame):
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handler)


def run_batch(clients_dir: str | Path, out_dir: str | Path, *, jobs: int | None = None, seed: int = 0,
              n_paths: int = 2000, confidence: float = 0.8, scheduler: str | None = None, force: bool = False,
              timeout: int = 300, progress=None) -> list[ReportOutcome]:
    """Render every client in ``clients_dir`` and write ``index.html`` and ``summary.csv``.

    Parameters
    ----------
    jobs : int, optional
        Worker processes on this machine (default: all cores).
    scheduler : str, optional
        Address of a Dask distributed scheduler (``tcp://host:port``); workers
        need the project installed.
    force : bool
        Re-render clients whose inputs and code are unchanged since their report.
    progress : callable, optional
        Called with each :class:`ReportOutcome` as it completes.
    """
    clients = find_clients(clients_dir)
    if not clients:
        raise InputError(f"{clients_dir}: no client folders found; expected sub-folders holding {CLIENT_FILE}")
    out = Path(out_dir)
    all_jobs = [ReportJob(c.resolve(), out.resolve(), seed, n_paths, confidence, None, timeout) for c in clients]
    outcomes: list[ReportOutcome] = []
    pending = []
    for job in all_jobs:
        previous = None if force else _unchanged(job)
        if previous is not None:
            outcomes.append(previous)
            if progress:
                progress(previous)
        else:
            pending.append(job)

    def collect(outcome: ReportOutcome) -> None:
        outcomes.append(outcome)
        if progress:
            progress(outcome)

    _terminate_on_sigterm()
    try:
        if pending and scheduler:
            _run_on_dask(pending, scheduler, collect)
        elif pending:
            workers = max(1, min(jobs or os.cpu_count() or 1, len(pending)))
            if workers == 1:
                for job in pending:
                    collect(render_client(job))
            else:
                _run_on_processes(pending, workers, collect)
    finally:
        # Imported here, not at the top: its pandas import is not needed before the workers start.
        from toolkit.batch.portfolio import write_portfolio

        outcomes.sort(key=lambda o: (o.client_id, o.folder))
        write_portfolio(outcomes, out)
    return outcomes


def _run_on_processes(pending: list[ReportJob], workers: int, collect) -> None:
    import multiprocessing

    # spawn, not fork: a forked child inherits the parent's zmq and event-loop state and can spin forever.

    pool = ProcessPoolExecutor(max_workers=workers, initializer=boot_worker,
                               mp_context=multiprocessing.get_context("spawn"))
    try:
        futures = {pool.submit(render_client, job): job for job in pending}
        for future in as_completed(futures):
            try:
                collect(future.result())
            except Exception as exc:  # a worker process died: report the client, keep going
                job = futures[future]
                collect(ReportOutcome(job.client_dir.name, "failed", error=_failure_reason(exc),
                                      folder=job.client_dir.name))
    except KeyboardInterrupt:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _run_on_dask(pending: list[ReportJob], scheduler: str, collect) -> None:
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError:  # pragma: no cover - depends on the install
        raise InputError("--scheduler: dask.distributed is not installed; expected `pip install goalcheck[cluster]`") from None
    with Client(scheduler) as client:
        # pure=False: the same job twice (e.g. after --force) must run again, not come from Dask's cache.
        futures = client.map(render_client, pending, pure=False)
        for future in dask_completed(futures):
            collect(future.result())
