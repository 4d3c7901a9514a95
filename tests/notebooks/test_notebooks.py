"""Every notebook is thin, committed clean, and runs on the sample data."""

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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_executes_on_sample_data(path, tmp_path):
    executed = pm.execute_notebook(str(path), str(tmp_path / path.name), kernel_name=ensure_kernel(),
                                   cwd=str(path.parent), progress_bar=False, parameters={"n_paths": 500}
                                   if path.name == "client_report.ipynb" else {})
    if path.name == "client_report.ipynb":
        summary = read_records(executed)["summary"]
        assert summary["client_id"] == "acme-cases"
        goal = summary["goals"][0]
        assert 0 <= goal["probability"] <= 1
        assert goal["verdict"] in {"attainable", "stretch", "unattainable", "beyond_capacity"}
