"""A plain install runs the reports: the wheel carries the package, the report notebook and the template.

The wheel is built without build isolation and installed without dependencies
into a folder of its own, with this environment's packages still visible, so
the test never touches the network. The report runs from outside the repository,
so nothing can be found through the source tree by accident.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE_CLIENTS


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in ("toolkit", "notebooks", "templates"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                           "-w", str(out), str(source)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return next(out.glob("goalcheck-*.whl"))


def test_the_wheel_carries_every_module_the_notebooks_and_the_template(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "toolkit").rglob("*.py") if "__pycache__" not in p.parts}
    assert modules <= names, sorted(modules - names)
    assert {f"toolkit/notebooks/{p.name}" for p in (ROOT / "notebooks").glob("*.ipynb")} <= names
    assert {f"toolkit/templates/goalcheck/{p.name}" for p in (ROOT / "templates" / "goalcheck").iterdir()} <= names
    assert "toolkit/data/ctr_curves.csv" in names
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "goalcheck-warm = toolkit.batch.engine:WarmEngine" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_a_plain_install_writes_a_report_and_a_batch_from_outside_the_repository(wheel, tmp_path):
    site = tmp_path / "site"
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--target", str(site),
                           str(wheel)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    clients = tmp_path / "clients"
    shutil.copytree(SAMPLE_CLIENTS / "nordic-bikes", clients / "nordic-bikes")
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "OPENBLAS_NUM_THREADS": "1", "MPLBACKEND": "Agg"}

    def goalcheck(*args):
        return subprocess.run([sys.executable, "-m", "toolkit.cli", *args], capture_output=True, text=True, cwd=work,
                              env=env, timeout=600)

    where = subprocess.run([sys.executable, "-c", "import toolkit, toolkit.report.assets as a; "
                            "print(toolkit.__file__); print(a.report_notebook())"],
                           capture_output=True, text=True, cwd=work, env=env, check=True).stdout.split()
    assert all(Path(p).is_relative_to(site) for p in where), where

    report = goalcheck("report", str(clients / "nordic-bikes"), "-o", "one", "--n-paths", "300")
    assert report.returncode == 0, report.stderr[-2000:]
    assert "Nordic Bikes" in (work / "one" / "nordic-bikes.html").read_text(encoding="utf-8")

    batch = goalcheck("batch", str(clients), "-o", "many", "--n-paths", "300", "--jobs", "1")
    assert batch.returncode == 0, batch.stderr[-2000:]
    assert (work / "many" / "index.html").is_file() and (work / "many" / "nordic-bikes.html").is_file()
