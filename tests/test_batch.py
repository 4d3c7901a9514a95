"""Batch runs: warm kernels leak nothing between clients, failures are isolated, unchanged clients are kept,
and the same inputs give the same numbers whatever runs them (1 or 2 processes, or a Dask cluster)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from tests.conftest import ROOT, SAMPLE_CLIENTS
from toolkit.batch.kernelspec import ensure_kernel
from toolkit.batch.run import ReportJob, load_report_template, render_with, run_batch
from toolkit.batch.warm_kernel import KernelFailure, WarmKernel, run_notebook
from toolkit.cli import main
from toolkit.present import read_records

N_PATHS = 300


def _goal_numbers(outcome):
    return [(g["goal"], g["probability"], g["realistic_max"], g["reach_p50"]) for g in outcome.records["goals"]]


def test_no_state_leaks_between_clients_in_one_warm_kernel(tmp_path):
    template = load_report_template()
    acme = ReportJob(SAMPLE_CLIENTS / "acme-cases", tmp_path / "a", n_paths=N_PATHS)
    nordic = ReportJob(SAMPLE_CLIENTS / "nordic-bikes", tmp_path / "b", n_paths=N_PATHS)
    with WarmKernel(ensure_kernel()) as kernel:
        acme_first = render_with(kernel, acme, template)
        nordic_after_acme = render_with(kernel, nordic, template)
        probe = nbformat.v4.new_notebook()
        probe.cells = [nbformat.v4.new_code_cell("assert 'analysis' not in globals() and 'spec' not in globals()")]
        run_notebook(kernel, probe)  # the reset before each run emptied the previous client's namespace
    with WarmKernel(ensure_kernel()) as kernel:
        nordic_first = render_with(kernel, nordic, template)
        acme_after_nordic = render_with(kernel, acme, template)
    assert acme_first.status == nordic_first.status == "ok"
    assert _goal_numbers(acme_first) == _goal_numbers(acme_after_nordic)
    assert _goal_numbers(nordic_first) == _goal_numbers(nordic_after_acme)


def _cell(source):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source)]
    return nb


def test_hung_or_dead_kernel_is_replaced():
    with WarmKernel(ensure_kernel(), timeout=3) as kernel:
        with pytest.raises(KernelFailure, match="timed out"):
            run_notebook(kernel, _cell("import time\ntime.sleep(60)"))
        assert run_notebook(kernel, _cell("x = 1 + 1\nx")).cells[0].outputs[0]["data"]["text/plain"] == "2"
        with pytest.raises(KernelFailure):
            run_notebook(kernel, _cell("import os\nos._exit(1)"))
        assert run_notebook(kernel, _cell("3 * 3")).cells[0].outputs[0]["data"]["text/plain"] == "9"


@pytest.fixture
def two_clients(tmp_path):
    clients = tmp_path / "clients"
    for name in ("acme-cases", "nordic-bikes"):
        shutil.copytree(SAMPLE_CLIENTS / name, clients / name)
    return clients


def test_unchanged_clients_are_kept_and_changed_ones_rerun(two_clients, tmp_path):
    out = tmp_path / "out"
    first = {o.client_id: o for o in run_batch(two_clients, out, jobs=1, n_paths=N_PATHS)}
    assert not any(o.skipped for o in first.values())
    history = two_clients / "acme-cases" / "history.csv"
    history.write_text(history.read_text(encoding="utf-8").replace("2026-10,434,", "2026-10,470,"), encoding="utf-8")
    second = {o.client_id: o for o in run_batch(two_clients, out, jobs=1, n_paths=N_PATHS)}
    assert second["nordic-bikes"].skipped and _goal_numbers(second["nordic-bikes"]) == _goal_numbers(first["nordic-bikes"])
    assert not second["acme-cases"].skipped
    forced = run_batch(two_clients, out, jobs=1, n_paths=N_PATHS, force=True)
    assert not any(o.skipped for o in forced)
    assert (out / "summary.csv").read_text(encoding="utf-8").count("\n") == 3


def test_same_numbers_with_one_or_two_processes_and_on_a_dask_cluster(two_clients, tmp_path):
    from distributed import LocalCluster

    serial = run_batch(two_clients, tmp_path / "serial", jobs=1, n_paths=N_PATHS)
    parallel = run_batch(two_clients, tmp_path / "parallel", jobs=2, n_paths=N_PATHS)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_dask = run_batch(two_clients, tmp_path / "dask", n_paths=N_PATHS, scheduler=cluster.scheduler_address)
    assert [_goal_numbers(o) for o in serial] == [_goal_numbers(o) for o in parallel] == [_goal_numbers(o) for o in on_dask]
    rows = [(tmp_path / d / "summary.csv").read_text(encoding="utf-8") for d in ("serial", "parallel", "dask")]
    assert rows[0] == rows[1] == rows[2]
    assert all((tmp_path / "dask" / f"{o.client_id}.html").is_file() for o in on_dask)


def test_batch_cli_exit_1_when_a_client_fails_and_the_others_complete(two_clients, tmp_path):
    broken = two_clients / "broken"
    shutil.copytree(SAMPLE_CLIENTS / "acme-cases", broken)
    (broken / "client.yaml").write_text("client: {id: broken}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(two_clients), "-o", str(out), "--jobs", "1", "--n-paths", str(N_PATHS)])
    assert result.exit_code == 1
    assert "FAILED" in result.stderr and "client.yaml" in result.stderr
    assert (out / "acme-cases.html").is_file() and (out / "nordic-bikes.html").is_file()
    assert "2 report(s)" in result.stdout and "1 failed" in result.stdout


def test_papermill_runs_the_report_through_the_warm_engine(tmp_path):
    """`papermill --engine goalcheck-warm` is the batch's own mechanism, from papermill's command line."""
    out = tmp_path / "acme.ipynb"
    proc = subprocess.run([sys.executable, "-m", "papermill", str(ROOT / "notebooks" / "client_report.ipynb"), str(out),
                           "--engine", "goalcheck-warm", "--no-progress-bar", "-p", "client_dir",
                           str(SAMPLE_CLIENTS / "acme-cases"), "-p", "n_paths", str(N_PATHS)],
                          capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    executed = nbformat.read(out, as_version=4)
    assert executed.metadata.papermill.parameters["client_dir"].endswith("acme-cases")
    assert read_records(executed)["summary"]["client_id"] == "acme-cases"


def test_the_engine_is_registered_and_importing_papermill_stays_light():
    code = ("import sys; from papermill.engines import papermill_engines; "
            "print(papermill_engines.get_engine('goalcheck-warm').__module__, "
            "sorted(m for m in ('pandas', 'scipy', 'matplotlib', 'toolkit.report.analysis') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert proc.stdout.split() == ["toolkit.batch.engine", "[]"]


def test_a_slow_preload_is_not_a_lost_kernel(monkeypatch):
    """Under load the preload outlasts a cell's timeout: the first reset waits for it with the start-up budget
    (nbclient used to raise a bare AssertionError on the kernel_info reply and the kernel was not replaced)."""
    import toolkit.batch.warm_kernel as wk

    monkeypatch.setattr(wk, "PRELOAD_SOURCE", "import time\ntime.sleep(6)\n")
    with WarmKernel(ensure_kernel(), timeout=2, start_timeout=60) as kernel:
        assert run_notebook(kernel, _cell("4 + 4")).cells[0].outputs[0]["data"]["text/plain"] == "8"
        assert kernel.runs == 1


def test_a_kernel_lost_while_starting_or_preloading_is_replaced_and_the_run_finishes(monkeypatch):
    import toolkit.batch.warm_kernel as wk

    real_start = WarmKernel._start_once
    calls = []

    def flaky_start(self):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("Kernel didn't respond in 180 seconds")
        real_start(self)

    monkeypatch.setattr(WarmKernel, "_start_once", flaky_start)
    with WarmKernel(ensure_kernel(), timeout=30) as kernel:
        assert len(calls) == 2
        # Killed during the preload: the client's run goes to a new kernel instead of failing.
        kernel.km.provisioner.process.kill()
        assert run_notebook(kernel, _cell("5 + 5")).cells[0].outputs[0]["data"]["text/plain"] == "10"
    monkeypatch.setattr(WarmKernel, "_start_once", lambda self: (_ for _ in ()).throw(RuntimeError("no kernel")))
    with pytest.raises(KernelFailure, match="could not be started .*no kernel"):
        WarmKernel(ensure_kernel())
    assert wk.START_ATTEMPTS == 3


def test_the_batch_loses_no_report_and_labels_every_failure_by_folder(tmp_path, monkeypatch):
    """With --jobs 1 (in-process): a non-input loading error, duplicate ids, a 245-character folder name,
    stale HTML of a client that now fails, and .part files left by kill -9."""
    import toolkit.spec.client as spec_client
    from toolkit.batch.run import STATE_DIR, state_file

    clients = tmp_path / "clients"
    shutil.copytree(SAMPLE_CLIENTS / "acme-cases", clients / "acme-cases")
    shutil.copytree(SAMPLE_CLIENTS / "nordic-bikes", clients / "nordic-bikes")
    for name in ("twin-a", "twin-b"):
        shutil.copytree(SAMPLE_CLIENTS / "acme-cases", clients / name)
        yaml_file = clients / name / "client.yaml"
        yaml_file.write_text(yaml_file.read_text(encoding="utf-8").replace("id: acme-cases", "id: Twin"), encoding="utf-8")
    long_name = "l" * 245
    shutil.copytree(SAMPLE_CLIENTS / "nordic-bikes", clients / long_name)
    long_yaml = clients / long_name / "client.yaml"
    long_yaml.write_text(long_yaml.read_text(encoding="utf-8").replace("id: nordic-bikes", "id: long-one"), encoding="utf-8")
    assert "id: Twin" in (clients / "twin-a" / "client.yaml").read_text(encoding="utf-8")

    real_load = spec_client.load_client

    def load_or_break(folder, **kwargs):
        if Path(folder).name == "nordic-bikes":
            raise PermissionError(13, "Permission denied", str(Path(folder) / "history.csv"))
        return real_load(folder, **kwargs)

    monkeypatch.setattr(spec_client, "load_client", load_or_break)
    out = tmp_path / "out"
    (out / STATE_DIR).mkdir(parents=True)
    leftovers = [out / STATE_DIR / ".acme-cases.json.x1y2.part", out / ".acme-cases.html.z3.part"]
    for part in leftovers:
        part.write_text("half", encoding="utf-8")

    first = {o.folder: o for o in run_batch(clients, out, jobs=1, n_paths=N_PATHS)}
    assert not any(p.exists() for p in leftovers)
    assert first["acme-cases"].status == "ok" and (out / "acme-cases.html").is_file()
    assert first[long_name].status == "ok" and (out / "long-one.html").is_file()
    assert state_file(out, long_name).is_file()
    broken = first["nordic-bikes"]
    assert broken.status == "failed" and broken.client_id == "nordic-bikes" and "PermissionError" in broken.error
    for name, other in (("twin-a", "twin-b"), ("twin-b", "twin-a")):
        dup = first[name]
        assert dup.status == "failed" and dup.client_id == name
        assert f"{name}/client.yaml: client.id: got 'Twin'" in dup.error and other in dup.error
    assert not (out / "Twin.html").exists()
    summary = (out / "summary.csv").read_text(encoding="utf-8")
    assert "twin-a" in summary and "twin-b" in summary and "nordic-bikes" in summary
    assert "5 clients, 3 failed" in (out / "index.html").read_text(encoding="utf-8")

    # Acme now fails: its old report is moved out of sight; the long-named client is unchanged and kept.
    (clients / "acme-cases" / "client.yaml").write_text("client: {id: acme-cases}\n", encoding="utf-8")
    second = {o.folder: o for o in run_batch(clients, out, jobs=1, n_paths=N_PATHS)}
    assert second[long_name].skipped
    assert second["acme-cases"].status == "failed" and "previous report moved" in second["acme-cases"].error
    assert not (out / "acme-cases.html").exists()
    assert (out / STATE_DIR / "stale" / "acme-cases.html").is_file()
    assert "previous report moved" in (out / "summary.csv").read_text(encoding="utf-8")


def test_a_kernel_failure_is_labelled_by_the_folder_that_failed(tmp_path, monkeypatch):
    import toolkit.batch.run as run

    folder = tmp_path / "folder-name"
    shutil.copytree(SAMPLE_CLIENTS / "acme-cases", folder)

    def lost(kernel, nb):
        raise KernelFailure("kernel died: Kernel died")

    monkeypatch.setattr(run, "run_notebook", lost)

    class NoKernel:
        kernel_name = "python3"

    outcome = render_with(NoKernel(), ReportJob(folder, tmp_path / "out"))
    assert outcome.status == "failed" and outcome.client_id == "folder-name" and outcome.folder == "folder-name"
    assert outcome.error.startswith("KernelFailure: kernel died")
