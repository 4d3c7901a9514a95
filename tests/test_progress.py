"""Progress review on scripted histories: on track, behind, met early, missed.

Each client has 18 months of steady growth (sales 100 + 3 a month, a small
fixed wiggle) up to the plan's month 2025-06, a goal of 170 sales a month by
2026-03, and then six scripted months of actuals.
"""

from __future__ import annotations

import json
import math

import pytest
import yaml
from click.testing import CliRunner

from toolkit.cli import main
from toolkit.cycle import load_plans, make_plan, save_plan
from toolkit.cycle.next_goals import STRETCH_PROBABILITY, propose_next_goals
from toolkit.cycle.review import (
    GOAL_STATUSES,
    MILESTONE_STATUSES,
    actuals_for,
    load_for_review,
    plans_for_review,
    progress_records,
    review_client,
    review_goal,
    review_table,
)
from toolkit.spec import load_client

N = 400
PLAN_AS_OF = "2025-06"
BASE = [100 + 3 * i + 4 * math.sin(1.3 * i) for i in range(18)]  # 2024-01 .. 2025-06
AFTER = {  # 2025-07 .. 2025-12
    "on_track": [100 + 3 * i + 4 * math.sin(1.3 * i) for i in range(18, 24)],
    "behind": [140, 136, 132, 130, 128, 126],
    "met_early": [160, 168, 176, 182, 186, 190],
}


def _write_client(folder, sales, *, as_of=PLAN_AS_OF, deadline="2026-03", kind="level", target=170):
    folder.mkdir(parents=True, exist_ok=True)
    start_year, start_month = 2024, 1
    lines = ["month,sales,customers,avg_check,revenue,traffic"]
    for i, s in enumerate(sales):
        y, m = start_year + (start_month - 1 + i) // 12, (start_month - 1 + i) % 12 + 1
        s = round(s)
        customers = round(0.9 * s)
        check = 20.0
        lines.append(f"{y:04d}-{m:02d},{s},{customers},{check},{s * check},{round(s / 0.02)}")
    (folder / "history.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    spec = {
        "client": {"id": folder.name, "name": f"Scripted {folder.name}", "currency": "EUR", "as_of": as_of},
        "history": "history.csv",
        "economics": {"avg_check": {"low": 18, "high": 22}, "gross_margin": 0.5, "cac": {"low": 5, "high": 9},
                      "purchases_per_year": {"low": 2, "high": 3}, "retention": {"low": 0.3, "high": 0.5}},
        "funnel": {"stages": [{"name": "visits", "conversion": 0.02}], "cycle_days": 0},
        "goals": [{"id": "sales-170", "statement": "170 sales a month by March 2026", "metric": "sales",
                   "kind": kind, "target": target, "deadline": deadline,
                   "checklist": {"approved_on": "2025-07-02", "agreed_by": "Owner"}}],
    }
    (folder / "client.yaml").write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def scripted(tmp_path_factory):
    """One folder per scenario with a saved plan as of 2025-06, and its review as of 2025-12."""
    root = tmp_path_factory.mktemp("cycle")
    out = {}
    for name, after in AFTER.items():
        folder = _write_client(root / name, BASE + after)
        plan = make_plan(load_client(folder), "sales-170", n_paths=N)
        save_plan(plan, folder)
        spec = load_client(folder)
        out[name] = (folder, plan, review_client(spec)[0])
    return out


def test_plan_is_a_stretch_or_attainable_goal(scripted):
    _, plan, _ = scripted["on_track"]
    assert plan.assessment["verdict"] in ("attainable", "stretch")
    assert 0.3 < plan.probability < 1


def test_actuals_run_past_client_as_of(scripted):
    folder, _, review = scripted["on_track"]
    assert str(actuals_for(load_client(folder)).index[-1]) == "2025-12"
    assert review.as_of == "2025-12" and review.plan_as_of == PLAN_AS_OF and review.months_elapsed == 6


def test_on_track(scripted):
    _, _, r = scripted["on_track"]
    assert r.status == "on_track" and not r.behind_plan
    assert set(r.milestones["status"]) <= {"met", "pending", "ahead"}
    assert (r.milestones.loc[r.milestones["status"] == "met", "gap"] >= 0).all()
    assert r.probability_now >= r.probability_at_approval - 0.1
    assert r.proposals == () and r.positives == ()
    assert r.main_lever is None  # no shortfall to explain
    assert list(r.progress.columns) == ["month", "plan", "low", "high", "actual"]
    assert r.progress["actual"].notna().sum() == 6
    assert str(r.progress["month"].iloc[-1]) == "2026-03"  # the plan line runs to the deadline


def test_behind(scripted):
    _, _, r = scripted["behind"]
    _, _, ok = scripted["on_track"]
    assert r.status == "behind" and r.behind_plan
    assert "missed" in set(r.milestones["status"])
    assert r.probability_now < r.probability_at_approval
    assert r.probability_now < ok.probability_now
    assert r.reach_p50_now is None or r.reach_p50_now > ok.reach_p50_now
    # Customers fell while purchases per customer held: the shortfall is in customers.
    assert r.main_lever == "customers"
    levers = r.levers.set_index("lever")
    assert levers.loc["customers", "gap_pct"] < 0
    assert levers.loc["customers", "share_of_shortfall"] > 0.5
    assert not levers.loc["avg_check", "in_metric"]
    # Traffic fell with sales: the visits stage is short of the plan's volume.
    assert r.main_stage == "visits" and r.funnel.iloc[0]["gap_pct"] < 0


def test_met_early(scripted):
    _, _, r = scripted["met_early"]
    assert r.status == "met" and not r.behind_plan
    assert r.met_on is not None and r.met_on < r.deadline
    assert r.reach_p50_now == r.met_on
    assert set(r.milestones["status"]) <= {"met", "ahead"} and "ahead" in set(r.milestones["status"])
    assert r.probability_now > r.probability_at_approval
    # Results review: what beat the plan, by how much.
    assert r.positives and r.positives[0]["item"].startswith("goal")
    assert all(p["difference"] >= 0 for p in r.positives)
    assert all(n["difference"] < 0 for n in r.negatives)
    assert r.recommendations


def test_met_early_proposals_have_their_design_probability(scripted):
    _, plan, r = scripted["met_early"]
    kinds = [(p.proposal, p.months) for p in r.proposals]
    assert kinds == [("realistic", 6), ("stretch", 6), ("realistic", 12), ("stretch", 12)]
    for p in r.proposals:
        assert p.deadline > r.as_of and p.metric == "sales"
        if p.proposal == "realistic":
            assert p.probability >= plan.confidence
            assert p.verdict == "attainable"
        else:
            assert abs(p.probability - STRETCH_PROBABILITY) < 0.1
            assert p.verdict == "stretch"
        assert p.expediency in ("expedient", "marginal", "not_expedient")
        assert p.ceiling_p90 is None  # no market in the scripted clients
    real6, stretch6 = r.proposals[0], r.proposals[1]
    assert stretch6.target > real6.target
    assert r.proposals[2].target >= real6.target * 0.9


def test_missed_after_the_deadline_and_as_of_past_it(tmp_path):
    """client.as_of moved past the deadline: load_for_review still loads, the goal is missed."""
    flat = [130] * 10  # 2025-07 .. 2026-04
    folder = _write_client(tmp_path / "late", BASE + flat)
    save_plan(make_plan(load_client(folder), "sales-170", n_paths=N), folder)
    data = yaml.safe_load((folder / "client.yaml").read_text(encoding="utf-8"))
    data["client"]["as_of"] = "2026-04"
    (folder / "client.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    spec = load_for_review(folder)
    [r] = review_client(spec)
    assert r.status == "missed" and r.behind_plan and r.probability_now == 0.0
    assert r.negatives and r.negatives[0]["difference"] < 0
    assert any(n["item"].startswith("goal") for n in r.negatives)
    assert len(r.proposals) == 4
    # Inputs were changed (client.yaml) but past actuals were not: no revision note.
    assert not any("revised" in n for n in r.notes)


def test_cumulative_goal_counts_running_totals(tmp_path):
    folder = _write_client(tmp_path / "cum", BASE + AFTER["on_track"], kind="cumulative", target=1400)
    plan = make_plan(load_client(folder), "sales-170", n_paths=N)
    r = review_goal(plan, load_client(folder), n_paths=N)
    total = sum(round(s) for s in AFTER["on_track"])
    assert r.latest_actual == pytest.approx(total)
    assert r.status in ("on_track", "behind") and r.probability_now is not None
    assert r.realistic_max_now > total


def test_revised_history_is_noted(tmp_path):
    folder = _write_client(tmp_path / "rev", BASE + AFTER["on_track"])
    save_plan(make_plan(load_client(folder), "sales-170", n_paths=N), folder)
    csv = folder / "history.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",100,", ",101,", 1)
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [r] = review_client(load_client(folder), forecast=False)
    assert any("revised" in n for n in r.notes)


def test_statuses_are_from_the_documented_sets(scripted):
    for _, _, r in scripted.values():
        assert r.status in GOAL_STATUSES
        assert set(r.milestones["status"]) <= set(MILESTONE_STATUSES)
        json.dumps(r.to_dict())
    table = review_table([r for _, _, r in scripted.values()])
    assert list(table["status"]) == ["on_track", "behind", "met"]


def test_progress_records_for_the_batch_index(scripted, tmp_path):
    folder, _, _ = scripted["behind"]
    # As of client.as_of (the plan month) nothing has happened yet; as of the last actuals it is behind.
    plan_target = load_plans(folder)["sales-170"].plan_target
    assert progress_records(load_client(folder)) == {
        "sales-170": {"goal": "sales-170", "status": "on_track", "behind_plan": False, "toward": "goal",
                      "plan_target": plan_target}}
    records = progress_records(load_client(folder), as_of="2025-12")
    assert records["sales-170"]["behind_plan"] is True and records["sales-170"]["status"] == "behind"
    bare = _write_client(tmp_path / "bare", BASE + AFTER["behind"])
    assert progress_records(load_client(bare))["sales-170"] == {"goal": "sales-170", "status": "no_plan",
                                                                  "behind_plan": False, "toward": "goal",
                                                                  "plan_target": None}


def test_in_memory_plans_when_none_saved(tmp_path):
    folder = _write_client(tmp_path / "demo", BASE + AFTER["behind"], as_of="2025-12")
    assert plans_for_review(folder) == {}
    plans = plans_for_review(folder, fallback_as_of=PLAN_AS_OF, n_paths=N)
    assert set(plans) == {"sales-170"} and plans["sales-170"].source is None
    assert not (folder / "plans").exists()
    [r] = review_client(load_client(folder), plans=plans)
    assert r.status == "behind" and not r.plan_saved and any("in memory" in n for n in r.notes)


def test_propose_next_goals_directly(scripted):
    folder, _, _ = scripted["on_track"]
    spec = load_client(folder)
    props = propose_next_goals(spec, actuals_for(spec), "sales", horizons=(3,), n_paths=N,
                               ceiling=[150.0] * 10)
    # A ceiling below today's level caps the targets under it.
    assert all(p.target < 150 for p in props) and all(p.share_of_ceiling < 1 for p in props)


def test_cli_review_json_and_exit_codes(scripted, tmp_path):
    folder, _, _ = scripted["met_early"]
    runner = CliRunner()
    result = runner.invoke(main, ["review", str(folder), "--json", "--n-paths", str(N)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["client_id"] == "met_early" and doc["as_of"] == "2025-12"
    goal = doc["goals"][0]
    for key in ("goal_id", "status", "behind_plan", "milestones", "probability_at_approval", "probability_now",
                "reach_p50_now", "reach_p80_now", "levers", "main_lever", "funnel", "main_stage", "positives",
                "negatives", "proposals", "notes"):
        assert key in goal
    assert goal["status"] == "met" and len(goal["proposals"]) == 4
    text = runner.invoke(main, ["review", str(folder), "--n-paths", str(N)])
    assert text.exit_code == 0 and "sales-170: met" in text.output
    bare = _write_client(tmp_path / "bare", BASE + AFTER["behind"])
    none = runner.invoke(main, ["review", str(bare)])
    assert none.exit_code == 2 and "no saved plan" in none.output and none.output.count("\n") == 1
    early = runner.invoke(main, ["review", str(folder), "--as-of", "2024-06"])
    assert early.exit_code == 0  # the plan is after 2024-06: nothing to review, not an error
    early_json = runner.invoke(main, ["review", str(folder), "--as-of", "2024-06", "--json"])
    assert json.loads(early_json.output)["goals"] == []
    assert load_plans(folder)  # reviewing never touches the plan


def test_progress_section_and_charts(scripted, tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from toolkit.report.analysis import analyse_client
    from toolkit.report.charts.progress import plot_lever_gap, plot_progress
    from toolkit.report.sections.progress import progress_section

    folder, _, review = scripted["met_early"]
    ax = plot_progress(review, history=actuals_for(load_client(folder))["sales"])
    assert ax.get_ylabel() == "sales per month"
    assert plot_lever_gap(review).get_xlabel().startswith("Actual vs planned")
    plt.close("all")
    fresh = _write_client(tmp_path / "fresh", BASE + AFTER["met_early"])
    data = yaml.safe_load((fresh / "client.yaml").read_text(encoding="utf-8"))
    data["goals"][0]["statement"] = "<script>x</script> 170 sales"
    (fresh / "client.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    save_plan(make_plan(load_client(fresh), "sales-170", n_paths=N), fresh)
    data["client"]["as_of"] = "2025-12"
    (fresh / "client.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    spec = load_client(fresh)
    html = str(progress_section(spec, analyse_client(spec, n_paths=N)))
    assert "Goal met" in html and "Proposed next goals" in html and "What beat the plan" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    bare = _write_client(tmp_path / "bare", BASE + AFTER["behind"])
    bare_spec = load_client(bare)
    # Without a saved plan the section is left out of the client report (the appendix lists it).
    assert str(progress_section(bare_spec, analyse_client(bare_spec, n_paths=N))) == ""


def test_progress_note_for_the_index():
    from toolkit.report.sections.progress import progress_note

    records = {"a": {"goal": "a", "status": "behind", "behind_plan": True},
               "b": {"goal": "b", "status": "no_plan", "behind_plan": False},
               "c": {"goal": "c", "status": "met", "behind_plan": False}}
    assert progress_note(records, "a") == "behind plan"
    assert progress_note(records, "b") == "" and progress_note(None, "a") == "" and progress_note(records, "x") == ""
    assert progress_note(records, "c") == "goal met"


def test_a_gap_the_actuals_cannot_support_is_a_note_not_a_silent_none(tmp_path):
    """Approved with customers in the history, reviewed without: the lever gap says why it is missing."""
    from toolkit.cycle.gaps import lever_gap
    from toolkit.errors import InputError

    folder = _write_client(tmp_path / "nocust", BASE + AFTER["behind"])
    plan = make_plan(load_client(folder), "sales-170", n_paths=N)
    save_plan(plan, folder)
    csv = folder / "history.csv"
    rows = [line.split(",") for line in csv.read_text(encoding="utf-8").splitlines()]
    csv.write_text("\n".join(",".join(r[:2] + r[3:]) for r in rows) + "\n", encoding="utf-8")  # drop customers
    spec = load_client(folder)
    actuals = actuals_for(spec)
    with pytest.raises(InputError, match="customers"):
        lever_gap(plan, actuals, actuals.index[-3:])
    [r] = review_client(spec, forecast=False)
    assert r.levers is None and r.main_lever is None
    assert any(n.startswith("lever gap not computed") and "customers" in n for n in r.notes)
    assert r.funnel is not None  # the funnel gap does not need customers
