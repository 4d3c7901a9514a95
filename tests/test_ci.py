"""`make test` provisions Chromium itself (.ci/ensure-chromium); these check the paths that do not install.

The installing path (root or `sudo -n` with apt-get) is exercised by `make test` on a fresh machine;
here a fake `id` makes the script believe it is not root and has no password-less sudo.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.corpus import ROOT

SCRIPT = ROOT / ".ci" / "ensure-chromium"


def _run(tmp_path: Path, path_dirs: list[str], names: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.pathsep.join(path_dirs), "CHROMIUM_NAMES": names, "TMPDIR": str(tmp_path)}
    return subprocess.run(["/bin/sh", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60)


def _fake_non_root(tmp_path: Path, with_apt: bool) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "id").write_text("#!/bin/sh\necho 1000\n")
    (bin_dir / "id").chmod(0o755)
    # sudo that always wants a password: `sudo -n` fails, as for a normal user.
    (bin_dir / "sudo").write_text("#!/bin/sh\necho 'sudo: a password is required' >&2\nexit 1\n")
    (bin_dir / "sudo").chmod(0o755)
    if with_apt:
        (bin_dir / "apt-get").write_text("#!/bin/sh\necho apt-get must not run >&2\nexit 99\n")
        (bin_dir / "apt-get").chmod(0o755)
    return bin_dir


def test_present_browser_is_left_alone(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "fake-chromium").write_text("#!/bin/sh\n")
    (bin_dir / "fake-chromium").chmod(0o755)
    proc = _run(tmp_path, [str(bin_dir)], "fake-chromium")
    assert proc.returncode == 0 and proc.stdout == "" and proc.stderr == ""


def test_missing_browser_without_rights_says_what_to_run_in_one_line(tmp_path: Path) -> None:
    bin_dir = _fake_non_root(tmp_path, with_apt=True)
    proc = _run(tmp_path, [str(bin_dir)], "no-such-browser")
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert lines == ["make test: Chromium is missing (tests/test_browser.py needs it); "
                     "run: sudo apt-get install -y chromium"]
    assert "must not run" not in proc.stderr  # never tried apt-get, never prompted


def test_missing_browser_without_apt_says_what_to_do_in_one_line(tmp_path: Path) -> None:
    bin_dir = _fake_non_root(tmp_path, with_apt=False)
    proc = _run(tmp_path, [str(bin_dir)], "no-such-browser")
    assert proc.returncode == 1
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "no apt-get" in proc.stderr and "chromium" in proc.stderr


def test_makefile_test_target_provisions_the_browser_and_ci_calls_make_test() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "\ntest: $(VENV)/.installed-test chromium\n" in makefile
    assert "sh .ci/ensure-chromium" in makefile
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci and "apt-get" not in ci
    assert shutil.which("sh")
