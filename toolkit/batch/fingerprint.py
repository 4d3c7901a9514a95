"""Fingerprints of a report's inputs and code, so an unchanged client is not re-run."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from toolkit.report.assets import report_notebook, templates_dir

__all__ = ["code_fingerprint", "client_fingerprint"]

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _hash_tree(digest, root: Path, patterns: tuple[str, ...]) -> None:
    files = sorted({p for pattern in patterns for p in root.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts})
    for path in files:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of the package source, its data, the report notebook and the HTML template."""
    digest = hashlib.sha256()
    _hash_tree(digest, PACKAGE_DIR, ("*.py", "*.csv", "*.json", "*.md"))
    _hash_tree(digest, templates_dir(), ("*",))
    digest.update(report_notebook().read_bytes())
    return digest.hexdigest()


def client_fingerprint(client_dir: Path, parameters: dict) -> str:
    """Hash of every file in the client folder, the run parameters and the code."""
    digest = hashlib.sha256()
    _hash_tree(digest, Path(client_dir), ("*",))
    digest.update(json.dumps(parameters, sort_keys=True, default=str).encode())
    digest.update(code_fingerprint().encode())
    return digest.hexdigest()
