"""The command line contract: exit codes 0/2/1, one line on stderr, JSON for assess."""

from __future__ import annotations

import json

from click.testing import CliRunner

from tests.conftest import SAMPLE_CLIENTS
from toolkit.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_check_ok():
    result = run("check", SAMPLE_CLIENTS / "acme-cases")
    assert result.exit_code == 0, result.output
    assert "acme-cases: ok" in result.output


def test_check_broken_client_one_line_exit_2(client_copy):
    folder = client_copy("acme-cases", lambda d: d["market"].update(reachable_share={"low": 0.4, "high": 0.2}))
    result = run("check", folder)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "market.reachable_share" in lines[0] and "client.yaml" in lines[0]
    assert "Traceback" not in result.output


def test_report_on_bad_input_exits_2_and_writes_nothing(client_copy, tmp_path):
    folder = client_copy("acme-cases", lambda d: d["goals"][0].update(metric="profit"))
    out = tmp_path / "out"
    result = run("report", folder, "-o", out)
    assert result.exit_code == 2
    assert "goals.0.metric" in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_assess_json_contract():
    result = run("assess", "--history", SAMPLE_CLIENTS / "acme-cases" / "history.csv", "--metric", "sales",
                 "--target", 500, "--deadline", "2027-06", "--ceiling-low", 600, "--ceiling-high", 1400,
                 "--seed", 1, "--n-paths", 500, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for key in ("probability", "verdict", "realistic_max", "reach_date", "forecast", "milestones"):
        assert key in data
    assert set(data["reach_date"]) == {"p50", "p80", "p_never"}
    assert 0 <= data["probability"] <= 1
    assert data["forecast"][0]["month"] == "2026-11"
    again = json.loads(run("assess", "--history", SAMPLE_CLIENTS / "acme-cases" / "history.csv", "--metric", "sales",
                           "--target", 500, "--deadline", "2027-06", "--ceiling-low", 600, "--ceiling-high", 1400,
                           "--seed", 1, "--n-paths", 500, "--json").stdout)
    assert again == data


def test_assess_bad_arguments_exit_2():
    result = run("assess", "--history", SAMPLE_CLIENTS / "acme-cases" / "history.csv", "--metric", "profit",
                 "--target", 500, "--deadline", "2027-06", "--json")
    assert result.exit_code == 2 and "profit" in result.stderr
    result = run("assess", "--history", SAMPLE_CLIENTS / "acme-cases" / "history.csv", "--metric", "sales",
                 "--target", 500, "--deadline", "2026-01")
    assert result.exit_code == 2 and "--deadline" in result.stderr


def test_capacity_json_contract():
    result = run("capacity", SAMPLE_CLIENTS / "lumen-dental", "--n", 4000, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for part in ("capacity", "ceiling"):
        for output in ("units", "money"):
            q = data[part][output]
            assert q["p10"] <= q["p50"] <= q["p90"]
    assert data["ceiling"]["units"]["p50"] < data["capacity"]["units"]["p50"]
    shares = [d["variance_share_units"] for d in data["drivers"]]
    assert {d["driver"] for d in data["drivers"]} >= {"conversion", "searches", "position"}
    assert shares == sorted(shares, reverse=True) and 0 < sum(shares) <= 1.05
    again = json.loads(run("capacity", SAMPLE_CLIENTS / "lumen-dental", "--n", 4000, "--json").stdout)
    assert again == data


def _one_line_exit_2(result, *fragments):
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("goalcheck: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    assert result.stdout == ""


def test_bad_run_options_are_one_line_exit_2_before_anything_runs(tmp_path):
    acme = SAMPLE_CLIENTS / "acme-cases"
    out = tmp_path / "out"
    _one_line_exit_2(run("report", acme, "-o", out, "--n-paths", 0), "--n-paths")
    _one_line_exit_2(run("report", acme, "-o", out, "--seed", -1), "--seed")
    _one_line_exit_2(run("report", acme, "-o", out, "--confidence", 2), "--confidence")
    _one_line_exit_2(run("batch", SAMPLE_CLIENTS, "-o", out, "--seed", -1), "--seed")
    _one_line_exit_2(run("assess", "--history", acme / "history.csv", "--metric", "sales", "--target", 500,
                         "--deadline", "2027-06", "--seed", -1), "--seed")
    # click's own usage errors: one line too, not the three-line usage block.
    _one_line_exit_2(run("assess", "--history", acme / "history.csv", "--metric", "sales", "--target", 500,
                         "--deadline", "2027-06", "--kind", "total"), "--kind", "total", "--help")
    _one_line_exit_2(run("report"), "CLIENT_DIR")
    _one_line_exit_2(run("nonsense"), "nonsense")
    assert not out.exists()
    assert run("--help").exit_code == 0


def test_report_output_that_is_a_file_or_read_only_is_refused_first(tmp_path, monkeypatch):
    import os

    acme = SAMPLE_CLIENTS / "acme-cases"
    a_file = tmp_path / "taken.html"
    a_file.write_text("keep me", encoding="utf-8")
    _one_line_exit_2(run("report", acme, "-o", a_file), "-o/--out", "is a file")
    _one_line_exit_2(run("report", acme, "-o", a_file / "sub"), "-o/--out", "is a file")
    assert a_file.read_text(encoding="utf-8") == "keep me"
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if str(p) == str(tmp_path) else real_access(p, mode))
    _one_line_exit_2(run("report", acme, "-o", tmp_path / "new"), "not writable")
    _one_line_exit_2(run("batch", SAMPLE_CLIENTS, "-o", tmp_path / "new"), "not writable")
