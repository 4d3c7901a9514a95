"""Every notebook is thin, committed clean, speaks one parameter vocabulary, and runs on the sample data."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import papermill as pm
import pytest

from toolkit.batch.kernelspec import ensure_kernel
from toolkit.present import read_records

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))
FILE_IO_CALLS = {"open", "read_csv", "to_csv", "read_text", "write_text", "read_bytes", "write_bytes", "read_excel",
                 "to_excel", "read_json", "to_json", "savefig", "to_parquet", "read_parquet", "unlink", "mkdir"}


def _code_cells(path):
    return [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]


def test_there_are_notebooks():
    assert any(p.name == "client_report.ipynb" for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    for cell in _code_cells(path):
        assert not cell.get("outputs"), f"{path.name} has outputs"
        assert cell.get("execution_count") is None, f"{path.name} has execution counts"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_thin_no_def_class_or_file_io(path):
    for cell in _code_cells(path):
        tree = ast.parse("".join(cell["source"]))
        for node in ast.walk(tree):
            assert not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)), \
                f"{path.name}: logic belongs in toolkit, not a notebook def/class"
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                assert name not in FILE_IO_CALLS, f"{path.name}: file I/O ({name}) belongs in toolkit"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_has_typed_parameters_cell(path):
    cells = _code_cells(path)
    tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: needs exactly one cell tagged 'parameters'"
    assert ":" in "".join(tagged[0]["source"])


def _parameters(path) -> str:
    return "".join(next(c for c in _code_cells(path) if "parameters" in c.get("metadata", {}).get("tags", []))["source"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_one_parameter_vocabulary_and_the_project_kernel(path):
    """Every notebook takes the same names for the same things, so one papermill call fits all."""
    params = _parameters(path)
    assert "client_dir: str =" in params, f"{path.name}: the client folder is client_dir"
    assert "seed: int = 0 " in params, f"{path.name}: seed = 0, as the CLI's default"
    assert "n_paths: int =" in params, f"{path.name}: Monte Carlo draws are n_paths"
    for other in ("client_folder", "n_samples", "n_draws", "n: int"):
        assert other not in params, f"{path.name}: {other} is spelled differently in the other notebooks"
    kernelspec = json.loads(path.read_text(encoding="utf-8"))["metadata"]["kernelspec"]
    assert kernelspec["name"] == "goalcheck", f"{path.name}: runs on the project's kernel, not {kernelspec['name']}"


def _plots(path) -> bool:
    return any("plot_" in "".join(c["source"]) for c in _code_cells(path))


def _has_image(executed) -> bool:
    for cell in executed.cells:
        for out in cell.get("outputs", []):
            if any(mime.startswith("image/") for mime in out.get("data", {})):
                return True
    return False


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_executes_on_sample_data(path, tmp_path, monkeypatch):
    # The kernel starts as a user's would: no MPLBACKEND, so ipykernel chooses inline plotting,
    # and any library that switched the backend on import would show "<Axes: ...>" instead of charts.
    monkeypatch.delenv("MPLBACKEND", raising=False)
    executed = pm.execute_notebook(str(path), str(tmp_path / path.name), kernel_name=ensure_kernel(),
                                   cwd=str(path.parent), progress_bar=False, parameters={"n_paths": 500})
    if _plots(path):
        assert _has_image(executed), f"{path.name} plots but shows no image"
    if path.name == "client_report.ipynb":
        summary = read_records(executed)["summary"]
        assert summary["client_id"] == "acme-cases"
        goal = summary["goals"][0]
        assert 0 <= goal["probability"] <= 1
        assert goal["verdict"] in {"attainable", "stretch", "unattainable", "beyond_capacity"}


def test_some_notebooks_plot():
    assert sum(_plots(p) for p in NOTEBOOKS) >= 5
