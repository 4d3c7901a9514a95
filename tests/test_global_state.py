"""Importing the package changes no global state: the matplotlib backend stays the caller's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHART_MODULES = ("toolkit.report.charts.forecast", "toolkit.report.charts.capacity", "toolkit.report.charts.demand",
                 "toolkit.report.charts.economics", "toolkit.report.charts.progress", "toolkit.report.sections.goals")


def _backend_after_imports(chosen: str | None, imports: str) -> tuple[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    choose = f"matplotlib.use({chosen!r}); " if chosen else ""
    code = f"import matplotlib; {choose}before = matplotlib.get_backend(); {imports}; print(before, matplotlib.get_backend())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT, env=env)
    before, after = out.stdout.split()
    return before, after


@pytest.mark.parametrize("chosen", ["module://matplotlib_inline.backend_inline", "svg", None])
def test_import_toolkit_leaves_the_backend_as_it_was(chosen):
    assert len(set(_backend_after_imports(chosen, "import toolkit"))) == 1


@pytest.mark.parametrize("chosen", ["module://matplotlib_inline.backend_inline", "svg"])
def test_the_chart_modules_and_the_report_setup_leave_the_backend_alone(chosen):
    imports = "import toolkit; " + "; ".join(f"import {m}" for m in CHART_MODULES) + "; toolkit.report_setup()"
    before, after = _backend_after_imports(chosen, imports)
    assert after == before


def test_the_command_line_chooses_a_headless_backend_where_its_process_starts():
    """Through the environment, so its workers and their kernels inherit it and `check` imports no matplotlib."""
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    code = ("import os, sys; from click.testing import CliRunner; from toolkit.cli import main; "
            "CliRunner().invoke(main, ['check', 'data/clients/acme-cases']); "
            "print(os.environ.get('MPLBACKEND'), 'matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT, env=env)
    assert out.stdout.split() == ["Agg", "False"]
