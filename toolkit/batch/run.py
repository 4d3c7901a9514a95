"""Run client reports: papermill parameterises the report notebook, a warm kernel
executes it, nbconvert renders the HTML.

Every client's report is written under a temporary name and moved into place;
a client that fails is listed with a one-line reason and never stops the
others. Workers are processes on this machine (``jobs``) or a Dask cluster
(``scheduler``); each keeps one warm kernel (see :mod:`toolkit.batch.warm_kernel`).
Re-running skips clients whose inputs and code have not changed.
"""

from __future__ import annotations

import hashlib
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
#: Where the HTML of a client that used to succeed and now fails is moved, so nobody presents it.
STALE_DIR = "stale"


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
    except Exception as exc:  # noqa: BLE001 - e.g. an unreadable file: this client fails, the batch goes on
        log.error("%s: loading failed: %s", folder, _failure_reason(exc))
        return ReportOutcome(folder, "failed", error=_failure_reason(exc), seconds=time.perf_counter() - started,
                             folder=folder)
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
        log.debug("%s: report failed: %s", folder, reason)
        # Labelled by folder, as input failures are: the folder is what the user opens to fix it.
        # An input problem only the analysis could see is still the user's to fix: exit 2, not 1.
        return ReportOutcome(folder, "failed", error=reason, bad_input=getattr(exc, "ename", "") in ("InputError", "DataError"),
                             seconds=time.perf_counter() - started, folder=folder)
    state = {"fingerprint": client_fingerprint(client_dir, job.parameters()), "client_id": client_id,
             "html": target.name, "records": records, "folder": folder}
    try:
        atomic_write_text(state_file(job.out_dir, folder), json.dumps(state, indent=1))
    except OSError as exc:  # the report is written; without its state it is only re-rendered next time
        log.warning("%s: could not save the batch state (%s); it will be re-rendered next run", folder, exc)
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
    """Render one client in this worker's warm kernel (the task a process pool or Dask runs).

    Never raises: whatever goes wrong (no kernel starts, the template cannot be read) is this
    client's failed outcome, labelled by its folder, and the batch goes on.
    """
    for var in MATHS_THREAD_VARS:
        os.environ.setdefault(var, "1")
    try:
        kernel = _worker_kernel()
        return render_with(kernel, job, _local.template)
    except Exception as exc:  # noqa: BLE001 - one client's failure is never fatal to the batch
        return _failed(job, exc)


def _failed(job: ReportJob, exc: BaseException) -> ReportOutcome:
    folder = Path(job.client_dir).name
    return ReportOutcome(folder, "failed", error=_failure_reason(exc), folder=folder)


def state_file(out_dir: str | Path, folder: str) -> Path:
    """The batch's record of ``folder``'s last good report.

    A folder name may take all 255 bytes a file name may; with ``.json`` and the temporary
    suffix of an atomic write it would not fit, so long names are cut and made unique by a hash.
    """
    raw = folder.encode("utf-8", "surrogateescape")
    if len(raw) <= 100:
        return Path(out_dir) / STATE_DIR / f"{folder}.json"
    head = raw[:60].decode("utf-8", "ignore")
    return Path(out_dir) / STATE_DIR / f"{head}-{hashlib.sha256(raw).hexdigest()[:16]}.json"


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
    # Before the analysis, not after it: an output path that cannot take the report is bad input too.
    try:
        check_out_dir(out_dir)
    except InputError as exc:
        return ReportOutcome(Path(client_dir).name, "failed", error=_one_line(exc), bad_input=True,
                             folder=Path(client_dir).name)

    with WarmKernel(ensure_kernel(), timeout=timeout) as kernel:
        return render_with(kernel, job)


def check_out_dir(out_dir: str | Path) -> None:
    """Refuse an output path that is a file or cannot be written, before any report runs."""
    out = Path(out_dir)
    probe = out
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    if not probe.is_dir():
        raise InputError.at("-o/--out", None, str(out), f"a folder for the reports ({probe} is a file)")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise InputError.at("-o/--out", None, str(out), f"a folder this user can write in ({probe} is not writable)")


def find_clients(clients_dir: str | Path) -> list[Path]:
    """Client folders (those holding a client.yaml) directly under ``clients_dir``, sorted."""
    root = Path(clients_dir)
    if not root.is_dir():
        raise InputError(f"{root}: not a folder; expected a folder of client folders each holding {CLIENT_FILE}")
    return sorted(p for p in root.iterdir() if p.is_dir() and (p / CLIENT_FILE).is_file())


def _unchanged(job: ReportJob) -> ReportOutcome | None:
    """The stored outcome of a client whose inputs and code match its last successful report."""

    folder = Path(job.client_dir).resolve()
    state = _read_state(job.out_dir, folder.name)
    if state is None:
        return None
    html = Path(job.out_dir) / str(state.get("html", ""))
    fingerprint = client_fingerprint(folder, replace(job, client_dir=folder).parameters())
    if state.get("fingerprint") != fingerprint or not html.is_file():
        return None
    return ReportOutcome(state["client_id"], "ok", html=html, records=state.get("records", {}), skipped=True,
                         folder=folder.name)


def _read_state(out_dir: str | Path, folder: str) -> dict | None:
    try:
        state = json.loads(state_file(out_dir, folder).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def _clean_partial_files(out: Path) -> None:
    """Remove the temporary ``.<name>.<random>.part`` files a killed run (kill -9) left behind.

    Run before any worker starts, so no write of this run is in flight; two batches writing
    into one output folder at once are not supported.
    """
    for folder in (out, out / STATE_DIR):
        for part in folder.glob(".*.part") if folder.is_dir() else ():
            try:
                part.unlink()
            except OSError as exc:
                log.warning("could not remove the leftover %s (%s)", part, exc)


def _client_id(folder: Path) -> str | None:
    """``client.id`` as written in ``folder``'s client.yaml, read without validating anything else.

    None when it cannot be read: the client's own validation then fails it with the reason.
    """
    import yaml

    try:
        data = yaml.safe_load((folder / CLIENT_FILE).read_text(encoding="utf-8-sig"))
        value = data["client"]["id"]
    except Exception:  # noqa: BLE001 - anything unreadable is the full validation's to report
        return None
    return value if isinstance(value, str) else None


def _duplicate_ids(clients: list[Path]) -> dict[Path, str]:
    """Folders whose ``client.id`` another folder also uses, each with its one-line reason.

    Compared without case: on a case-insensitive disk ``Acme.html`` and ``acme.html`` are one file.
    """
    by_id: dict[str, list[Path]] = {}
    for folder in clients:
        cid = _client_id(folder)
        if cid is not None:
            by_id.setdefault(cid.casefold(), []).append(folder)
    reasons = {}
    for folders in by_id.values():
        if len(folders) > 1:
            for folder in folders:
                others = ", ".join(f.name for f in folders if f != folder)
                cid = _client_id(folder)
                reasons[folder] = (f"{folder.name}/{CLIENT_FILE}: client.id: got {cid!r}; expected an id no other "
                                   f"client folder uses (also used by: {others})")
    return reasons


def _set_aside_stale(outcome: ReportOutcome, out: Path, written: set[str]) -> ReportOutcome:
    """A client that used to succeed and now fails: move its old report out of sight, and say so."""
    state = _read_state(out, outcome.folder)
    if state is None:
        return outcome
    name = Path(str(state.get("html", ""))).name
    old = out / name
    note = ""
    if name and name.casefold() not in written and old.is_file():
        stale = out / STATE_DIR / STALE_DIR / name
        try:
            stale.parent.mkdir(parents=True, exist_ok=True)
            os.replace(old, stale)
            note = f" (its previous report moved to {STATE_DIR}/{STALE_DIR}/{name})"
        except OSError as exc:
            log.warning("could not move the stale %s aside (%s)", old, exc)
    state_file(out, outcome.folder).unlink(missing_ok=True)
    return replace(outcome, error=f"{outcome.error or 'failed'}{note}")


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
    check_out_dir(out)
    _clean_partial_files(out)
    duplicates = _duplicate_ids(clients)
    all_jobs = [ReportJob(c.resolve(), out.resolve(), seed, n_paths, confidence, None, timeout) for c in clients]
    outcomes: list[ReportOutcome] = []
    pending = []
    for job, folder in zip(all_jobs, clients):
        if folder in duplicates:
            # Detected before anything runs: two reports would overwrite one file.
            dup = ReportOutcome(folder.name, "failed", error=duplicates[folder], bad_input=True, folder=folder.name)
            outcomes.append(dup)
            if progress:
                progress(dup)
            continue
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
                    try:
                        collect(render_client(job))
                    except Exception as exc:  # noqa: BLE001 - render_client should not raise; if it does, one client fails
                        collect(_failed(job, exc))
            else:
                _run_on_processes(pending, workers, collect)
    finally:
        # Imported here, not at the top: its pandas import is not needed before the workers start.
        from toolkit.batch.portfolio import write_portfolio

        written = {o.html.name.casefold() for o in outcomes if o.status == "ok" and o.html is not None}
        outcomes[:] = [_set_aside_stale(o, out, written) if o.status != "ok" else o for o in outcomes]
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
                collect(_failed(futures[future], exc))
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
        jobs_of = {future.key: job for future, job in zip(futures, pending)}
        for future in dask_completed(futures):
            try:
                collect(future.result())
            except Exception as exc:  # noqa: BLE001 - a lost worker fails its client, not the batch
                collect(_failed(jobs_of[future.key], exc))
