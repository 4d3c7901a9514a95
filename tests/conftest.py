"""Shared fixtures: sample clients copied to a temporary folder so tests can break them."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CLIENTS = ROOT / "data" / "clients"


@pytest.fixture
def client_copy(tmp_path):
    """Copy a sample client and optionally edit its client.yaml: ``client_copy("acme-cases", edit)``."""

    def make(name: str = "acme-cases", edit=None) -> Path:
        target = tmp_path / name
        shutil.copytree(SAMPLE_CLIENTS / name, target)
        if edit is not None:
            data = yaml.safe_load((target / "client.yaml").read_text(encoding="utf-8"))
            edit(data)
            (target / "client.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        return target

    return make
