"""Saved plans: what was approved is frozen, written atomically and never silently replaced."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from toolkit.cli import main
from toolkit.cycle.plan import (
    PLAN_FORMAT,
    SavedPlan,
    input_hashes,
    load_plan,
    load_plans,
    make_plan,
    plan_path,
    save_plan,
)
from toolkit.errors import InputError
from toolkit.spec import load_client

N = 300


@pytest.fixture
def acme(client_copy):
    """The sample client without its saved demo plan: these tests make plans from scratch."""
    folder = client_copy("acme-cases")
    shutil.rmtree(folder / "plans", ignore_errors=True)
    return folder


def test_plan_is_made_with_history_cut_at_its_as_of(acme):
    spec = load_client(acme, as_of="2026-04")
    plan = make_plan(spec, "orders-500", seed=1, n_paths=N)
    assert plan.as_of == "2026-04" and plan.seed == 1 and plan.n_paths == N and plan.confidence == 0.8
    assert plan.goal["target"] == 500
    assert plan.goal["approved_on"] == spec.goal("orders-500").checklist.approved_on.isoformat()
    # The trajectory covers every month to the deadline and ends at the plan target.
    months = [r["month"] for r in plan.trajectory]
    assert months[0] == "2026-05" and months[-1] == "2027-06" and len(months) == 14
    assert plan.trajectory[-1]["target"] == pytest.approx(plan.plan_target)
    # Milestones are the assessment's, and a subset of the trajectory.
    assert plan.milestones == plan.assessment["milestones"]
    assert {m["month"] for m in plan.milestones} <= set(months)
    assert plan.levers is not None and set(plan.levers) == {"customers", "avg_check", "frequency", "revenue"}
    assert plan.funnel["stages"][0]["name"] == "visits"
    assert plan.ceiling_p90 is not None and plan.ceiling_p90 > 0
    assert plan.inputs == input_hashes(spec)
    assert plan.toolkit_version


def test_same_inputs_and_seed_give_the_same_plan(acme):
    a = make_plan(load_client(acme, as_of="2026-04"), "orders-500", n_paths=N)
    b = make_plan(load_client(acme, as_of="2026-04"), "orders-500", n_paths=N)
    assert a.assessment == b.assessment and a.trajectory == b.trajectory and a.inputs == b.inputs


def test_save_round_trip_and_refuse_overwrite(acme):
    plan = make_plan(load_client(acme, as_of="2026-04"), "orders-500", n_paths=N)
    path = save_plan(plan, acme)
    assert path == plan_path(acme, "orders-500") == acme / "plans" / "orders-500.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == PLAN_FORMAT
    for key in ("as_of", "seed", "n_paths", "confidence", "assessment", "milestones", "inputs", "toolkit_version"):
        assert key in data
    back = load_plan(path)
    assert back.to_dict() == plan.to_dict() and back.source == path
    assert set(load_plans(acme)) == {"orders-500"}
    with pytest.raises(InputError, match="already exists"):
        save_plan(plan, acme)
    assert not list((acme / "plans").glob("*.part"))
    later = make_plan(load_client(acme), "orders-500", n_paths=N)
    save_plan(later, acme, force=True)
    assert load_plan(path).as_of == "2026-10"


def test_history_hash_changes_when_past_actuals_are_revised(acme):
    before = input_hashes(load_client(acme, as_of="2026-04"))
    csv = acme / "history.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("2023-11,226,", "2023-11,227,"), encoding="utf-8")
    after = input_hashes(load_client(acme, as_of="2026-04"))
    assert before["history"] != after["history"] and before["client_yaml"] == after["client_yaml"]


@pytest.mark.parametrize("content, match", [
    ("not json", "JSON"),
    ('{"format": "other"}', "format"),
    (json.dumps({"format": PLAN_FORMAT}), "goal"),
])
def test_malformed_plan_files_are_input_errors(acme, content, match):
    (acme / "plans").mkdir()
    (acme / "plans" / "orders-500.json").write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=match):
        load_plans(acme)


def test_from_dict_needs_a_trajectory():
    with pytest.raises(InputError):
        SavedPlan.from_dict({"format": PLAN_FORMAT, "goal": {"id": "g", "metric": "sales", "kind": "level",
                                                              "target": 1, "deadline": "2027-01"},
                             "as_of": "2026-01", "seed": 0, "n_paths": 1, "confidence": 0.8, "assessment": {},
                             "milestones": [], "trajectory": [], "plan_target": 1, "inputs": {}})


def test_cli_plan_writes_then_refuses_without_force(acme):
    runner = CliRunner()
    args = ["plan", str(acme), "--goal", "orders-500", "--as-of", "2026-04", "--n-paths", str(N)]
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    assert "orders-500.json" in first.output
    again = runner.invoke(main, args)
    assert again.exit_code == 2
    assert again.output.count("\n") == 1 and "--force" in again.output
    forced = runner.invoke(main, [*args, "--force", "--json"])
    assert forced.exit_code == 0
    assert json.loads(forced.output)["as_of"] == "2026-04"


@pytest.mark.parametrize("extra", [["--goal", "nope"], ["--goal", "orders-500", "--as-of", "2030-01"],
                                   ["--goal", "orders-500", "--confidence", "1.5"]])
def test_cli_plan_bad_input_exits_2(acme, extra):
    result = CliRunner().invoke(main, ["plan", str(acme), *extra, "--n-paths", str(N)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("goalcheck: ") and result.output.count("\n") == 1


@pytest.fixture
def lumen(client_copy):
    folder = client_copy("lumen-dental")
    shutil.rmtree(folder / "plans", ignore_errors=True)
    return folder


def test_plan_toward_less_than_the_target_needs_the_explicit_flag(lumen):
    """lumen's 150 leads is out of reach: its plan would lead to the realistic maximum instead."""
    spec = load_client(lumen)
    with pytest.raises(InputError, match="toward-max"):
        make_plan(spec, "leads-150", n_paths=N)
    plan = make_plan(spec, "leads-150", n_paths=N, toward_max=True)
    assert plan.toward == "realistic_max" and plan.plan_target < plan.goal["target"]
    saved = load_plan(save_plan(plan, lumen))
    assert saved.toward == "realistic_max" and saved.to_dict()["toward"] == "realistic_max"
    result = CliRunner().invoke(main, ["plan", str(lumen), "--goal", "leads-150", "--n-paths", str(N), "--force"])
    assert result.exit_code == 2 and "--toward-max" in result.stderr
    result = CliRunner().invoke(main, ["plan", str(lumen), "--goal", "leads-150", "--n-paths", str(N), "--force",
                                       "--toward-max"])
    assert result.exit_code == 0 and "toward the realistic maximum" in result.output


def test_older_plan_files_without_toward_are_read_by_their_end(acme):
    plan = make_plan(load_client(acme, as_of="2026-04"), "orders-500", n_paths=N)
    doc = plan.to_dict()
    doc.pop("toward")
    assert SavedPlan.from_dict(doc).toward == "goal"
    doc["plan_target"] = doc["goal"]["target"] - 1
    assert SavedPlan.from_dict(doc).toward == "realistic_max"


@pytest.mark.parametrize("client", ["acme-cases", "lumen-dental", "nordic-bikes"])
def test_a_plan_at_the_reports_month_and_seed_shows_the_reports_numbers(client, client_copy):
    from toolkit.report.analysis import analyse_client

    folder = client_copy(client)
    spec = load_client(folder)
    analysis = analyse_client(spec, seed=3, n_paths=N)
    for result in analysis.goals:
        plan = make_plan(spec, result.goal.id, seed=3, n_paths=N, toward_max=True)
        report = result.assessment.to_dict()
        assert plan.assessment == report


def test_levers_are_left_out_only_when_the_history_lacks_them(acme):
    import pandas as pd

    from toolkit.cycle.plan import baseline_levers

    spec = load_client(acme)
    assert baseline_levers(spec.kpis) is not None
    assert baseline_levers(spec.kpis[["sales"]]) is None
    broken = spec.kpis.copy()
    broken["customers"] = "x"
    with pytest.raises((TypeError, ValueError)):
        baseline_levers(pd.DataFrame(broken))
