"""Every broken client folder in the corpus is bad input: exit 2, one line naming file and field.

``goalcheck check`` runs on every case (in-process, through click), ``report``
through :func:`toolkit.batch.run.run_report` on every case (bad input is caught
before any kernel starts) and through the real command for a few; one batch
mixes the whole corpus with a good client, which must still get its report.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys

import pytest
from click.testing import CliRunner

from tests.corpus import CASES, PYTHON_TAG, ROOT, SAMPLE_CLIENTS, build, build_all
from toolkit.batch.run import STATE_DIR, run_report
from toolkit.cli import main
from toolkit.errors import InputError
from toolkit.spec import load_client


def _env() -> dict:
    """The environment for a subprocess: this checkout's toolkit first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env.setdefault("MPLBACKEND", "Agg")
    return env


def _assert_one_line(message: str, case, folder) -> str:
    """The message is one line naming the case's file and field (outside the folder path itself)."""
    assert "Traceback" not in message, message
    lines = message.strip().splitlines()
    assert len(lines) == 1, f"{case.name}: expected one line, got:\n{message}"
    # Strip the folder so a case called "history-..." cannot satisfy "history" by its own name.
    line = lines[0].replace(str(folder.resolve()), "<dir>").replace(str(folder), "<dir>")
    assert f"<dir>/{case.file}" in line, f"{case.name}: file {case.file!r} not named in {line!r}"
    if case.field is not None:
        after_file = line.split(f"<dir>/{case.file}", 1)[1]
        assert case.field in after_file, f"{case.name}: field {case.field!r} not named in {line!r}"
    for fragment in case.also:
        assert fragment in line, f"{case.name}: {fragment!r} not in {line!r}"
    return line


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    return {case.name: folder for case, folder in build_all(root)}


def test_corpus_is_large_and_names_are_unique():
    assert len(CASES) >= 100
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_check_exits_2_with_one_line(corpus, case):
    folder = corpus[case.name]
    result = CliRunner().invoke(main, ["check", str(folder)])
    assert result.exit_code == 2, f"{case.name}: exit {result.exit_code}; output {result.output!r}"
    assert result.stdout == "", result.stdout
    _assert_one_line(result.stderr, case, folder)
    assert result.stderr.startswith("goalcheck: ")


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_report_fails_as_bad_input_and_writes_nothing(corpus, case, tmp_path):
    folder = corpus[case.name]
    out = tmp_path / "out"
    outcome = run_report(folder, out, n_paths=100)
    assert outcome.status == "failed" and outcome.bad_input, f"{case.name}: {outcome}"
    _assert_one_line(outcome.error, case, folder)
    assert not out.exists() or not any(out.iterdir()), f"{case.name}: left {list(out.iterdir())}"


@pytest.mark.parametrize("name", ["history-text-in-numbers", "yaml-python-tag", "keywords-symlink-outside",
                                  "deadline-beyond-horizon", "history-utf16"])
def test_report_command_exits_2_without_traceback(corpus, name, tmp_path):
    """The real command, as other tools call it."""
    case = next(c for c in CASES if c.name == name)
    folder = corpus[name]
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "toolkit.cli", "report", str(folder), "-o", str(out), "--n-paths", "100"],
                          capture_output=True, text=True, env=_env(), cwd=tmp_path, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    _assert_one_line(proc.stderr, case, folder)
    assert not out.exists() or not any(out.iterdir())


def test_yaml_tags_are_never_executed(corpus, tmp_path):
    folder = corpus["yaml-python-tag"]
    assert PYTHON_TAG in (folder / "client.yaml").read_text(encoding="utf-8")
    CliRunner().invoke(main, ["check", str(folder)])
    run_report(folder, tmp_path / "out")
    assert not list(folder.parent.rglob("pwned.txt")) and not (tmp_path / "pwned.txt").exists()
    assert not (ROOT / "pwned.txt").exists() and not os.path.exists("pwned.txt")


def test_batch_with_the_corpus_still_reports_the_good_client(corpus, tmp_path_factory):
    """A whole corpus of broken folders next to one good client: the good one succeeds, exit 1."""
    clients = tmp_path_factory.mktemp("batch-clients")
    for name, folder in corpus.items():
        shutil.copytree(folder, clients / name, symlinks=True, copy_function=_copy_keeping_pipes)
        # Links out of the folder keep pointing at their targets beside the original corpus.
    shutil.copytree(SAMPLE_CLIENTS / "acme-cases", clients / "zz-good")
    # Its own id: the broken copies of acme keep "acme-cases", and a shared id fails every folder using it.
    good_yaml = clients / "zz-good" / "client.yaml"
    good_yaml.write_text(good_yaml.read_text(encoding="utf-8").replace("id: acme-cases", "id: zz-good"), encoding="utf-8")
    out = tmp_path_factory.mktemp("batch-out")
    proc = subprocess.run([sys.executable, "-m", "toolkit.cli", "batch", str(clients), "-o", str(out), "--jobs", "2",
                           "--n-paths", "300"], capture_output=True, text=True, env=_env(), timeout=600)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert (out / "zz-good.html").is_file(), proc.stderr[-2000:]
    assert "zz-good: ok" in proc.stderr
    summary = (out / "summary.csv").read_text(encoding="utf-8")
    failed = [line for line in summary.splitlines()[1:] if ",failed," in line]
    # Without a client.yaml file a folder is not a client folder, so the batch does not list it.
    with_yaml = [c for c in CASES if (corpus[c.name] / "client.yaml").is_file()]
    assert len(with_yaml) >= len(CASES) - 2
    assert len(failed) == len(with_yaml), summary
    assert sorted(p.name for p in out.glob("*.html")) == ["index.html", "zz-good.html"]
    # Only the batch's own state folder (fingerprints of successful reports) may be hidden; no temp files.
    assert not list(out.rglob("*.part")) and [p.name for p in out.glob(".*")] == [STATE_DIR]
    assert len(list((out / STATE_DIR).iterdir())) == 1


def _copy_keeping_pipes(src, dst):
    """copytree's copy function: a named pipe is recreated, not read (reading it would block)."""
    if stat.S_ISFIFO(os.stat(src).st_mode):
        os.mkfifo(dst)
        return dst
    return shutil.copy2(src, dst)


# ---------------------------------------------------------------- odd but valid files stay valid

def _rewrite(folder, file, fn):
    path = folder / file
    path.write_bytes(fn(path.read_bytes()))


@pytest.mark.parametrize("file, change", [
    ("history.csv", lambda b: b"\xef\xbb\xbf" + b),  # Excel's "CSV UTF-8" adds a BOM
    ("history.csv", lambda b: b.replace(b"\n", b"\r\n")),  # Windows line ends
    ("client.yaml", lambda b: b"\xef\xbb\xbf" + b),
    ("history.csv", lambda b: b.replace(b",", b", ")),  # spaces after commas
])
def test_odd_but_valid_files_load(client_copy, file, change):
    folder = client_copy("acme-cases")
    reference = load_client(folder).kpis
    _rewrite(folder, file, change)
    spec = load_client(folder)
    assert spec.kpis.equals(reference)
    assert CliRunner().invoke(main, ["check", str(folder)]).exit_code == 0


def test_bom_keywords_and_trends_load(client_copy):
    folder = client_copy("lumen-dental")
    for file in ("keywords.csv", "trends.csv"):
        _rewrite(folder, file, lambda b: b"\xef\xbb\xbf" + b)
    assert load_client(folder).client.id == "lumen-dental"


def test_symlink_inside_the_folder_is_allowed(client_copy):
    folder = client_copy("acme-cases")
    (folder / "data.csv").write_bytes((folder / "history.csv").read_bytes())
    (folder / "history.csv").unlink()
    os.symlink("data.csv", folder / "history.csv")
    assert len(load_client(folder).kpis) > 0


def test_every_case_is_built_from_a_valid_sample(tmp_path):
    """Sanity: the corpus breaks valid folders, so each failure is the case's own."""
    for base in {c.base for c in CASES}:
        load_client(SAMPLE_CLIENTS / base)
    folder = build(CASES[0], tmp_path)
    assert (folder / "client.yaml").is_file()


def test_yaml_anchors_and_merge_keys_stay_valid(client_copy):
    """Refusing repeated keys must not refuse anchors, aliases or a merge key overridden on purpose."""
    folder = client_copy("acme-cases")
    text = (folder / "client.yaml").read_text(encoding="utf-8")
    text = text.replace("  avg_price: {low: 18, high: 25, source:", "  avg_price: &price {low: 18, high: 25, source:")
    text = text.replace("  avg_check: {low: 20, high: 24}", "  avg_check: {<<: *price, low: 20, high: 24, source: same survey}")
    (folder / "client.yaml").write_text(text, encoding="utf-8")
    spec = load_client(folder)
    assert spec.economics.avg_check.low == 20 and spec.economics.avg_check.high == 24


def test_a_range_that_can_draw_zero_is_not_a_crash(client_copy, tmp_path):
    folder = client_copy("acme-cases", lambda d: d["market"].update(segment_share={"low": 0.0, "high": 0.1, "dist": "normal"}))
    outcome = run_report(folder, tmp_path / "out", n_paths=100)
    assert outcome.status == "ok" or outcome.bad_input, outcome.error


def _excel_windows_history(data: bytes, note: bool = False) -> bytes:
    """acme's history as Excel on a Western Windows saves it: Windows-1252, CRLF, trailing empty columns
    and rows (as many commas on every line), optionally with an accented text column."""
    lines = data.decode("utf-8").splitlines()
    extra_head, extra_row = (",Bemerkung,,", ",ok café,,") if note else (",,", ",,")
    lines = [lines[0] + extra_head] + [line + extra_row for line in lines[1:]]
    lines += ["," * lines[0].count(",")] * 2
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def test_excel_windows_quirks_load_as_the_clean_file(client_copy):
    folder = client_copy("acme-cases")
    original = (folder / "history.csv").read_bytes()
    reference = load_client(folder).kpis
    (folder / "history.csv").write_bytes(_excel_windows_history(original, note=True))
    with pytest.raises(InputError) as info:  # a text column is not a KPI: named, not silently dropped
        load_client(folder)
    assert "Bemerkung" in str(info.value) and "ok café" in str(info.value)
    (folder / "history.csv").write_bytes(_excel_windows_history(original))
    assert load_client(folder).kpis.equals(reference)


def test_tolerable_quirks_give_the_same_report(client_copy, tmp_path):
    """BOM and CRLF in client.yaml, a Windows-1252 history with an accented KPI name, CRLF, and Excel's
    trailing empty columns and rows: exit 0 and the same numbers as the clean folder."""
    clean = client_copy("acme-cases")
    quirky = tmp_path / "quirky"
    shutil.copytree(clean, quirky)
    _rewrite(quirky, "client.yaml", lambda b: b"\xef\xbb\xbf" + b.replace(b"\n", b"\r\n"))

    def windows(data: bytes) -> bytes:
        lines = data.decode("utf-8").splitlines()
        lines = [lines[0] + ",Umsätze,,"] + [line + ",1,," for line in lines[1:]] + [",,,,,,,,"]
        return ("\r\n".join(lines) + "\r\n").encode("cp1252")

    _rewrite(quirky, "history.csv", windows)
    assert list(load_client(quirky).kpis.columns)[-1] == "Umsätze"
    result = CliRunner().invoke(main, ["check", str(quirky)])
    assert result.exit_code == 0, result.output
    a = run_report(clean, tmp_path / "a", n_paths=200)
    b = run_report(quirky, tmp_path / "b", n_paths=200)
    assert a.status == b.status == "ok", (a.error, b.error)
    numbers = lambda o: [(g["goal"], g["probability"], g["realistic_max"]) for g in o.records["goals"]]
    assert numbers(a) == numbers(b)
