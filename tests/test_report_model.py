"""Invariants of the report model: over the sample clients and 200+ generated goals, the report never
contradicts itself (badge vs chance, milestone targets inside their bands, checklist vs economics,
readiness counts, ceiling numbers between table and chart, whole counts, no "0%" for a positive chance).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.engine import assess_goal, simulate_paths
from toolkit.present.formatting import fmt_count, fmt_percent
from toolkit.report.analysis import GoalResult, analyse_client
from toolkit.report.badge import progress_badge
from toolkit.report.model import build_report, goal_facts, prepared_date
from toolkit.report.sections import (
    checklist_section,
    goals_table,
    milestone_table,
    reach_sentence,
    summary_section,
    verdict_table,
)
from toolkit.spec import Goal, load_client

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "clients"
N_GENERATED = 200


@pytest.fixture(scope="module", params=sorted(p.name for p in SAMPLES.iterdir() if p.is_dir()))
def sample(request):
    spec = load_client(SAMPLES / request.param)
    analysis = analyse_client(spec, n_paths=500)
    return analysis, build_report(analysis, prepared="2026-11-29")


def _generated(seed: int):
    """A random history (level, trend, season, noise), target, deadline and ceiling above or below it."""
    rng = np.random.default_rng(seed)
    months = int(rng.integers(14, 48))
    level = float(rng.uniform(5, 5000))
    trend = rng.uniform(-0.02, 0.05)
    season = rng.uniform(0, 0.3) * np.sin(2 * np.pi * np.arange(months) / 12 + rng.uniform(0, 6))
    values = level * np.exp(trend * np.arange(months) + season + rng.normal(0, rng.uniform(0.02, 0.2), months))
    history = pd.Series(np.maximum(values, 0.5), index=pd.period_range("2023-01", periods=months, freq="M"))
    horizon = int(rng.integers(3, 25))
    kind = "cumulative" if rng.random() < 0.25 else "level"
    last = float(history.iloc[-3:].mean())
    target = last * float(rng.uniform(0.7, 2.5)) * (horizon if kind == "cumulative" else 1)
    ceiling = None
    if rng.random() < 0.6:
        per_month = last * float(rng.uniform(0.8, 3.0))
        ceiling = rng.lognormal(np.log(per_month), 0.3, 2000)
    paths = simulate_paths(history, horizon, ceiling=ceiling, n_paths=300, seed=seed)
    deadline = paths.dates[int(rng.integers(0, horizon))]
    statement = f"{target:,.0f} sales by {deadline}"
    goal = Goal(id=f"g{seed}", statement=statement, metric="sales", kind=kind, target=round(target, 1),
                deadline=deadline.strftime("%Y-%m"))
    assessment = assess_goal(paths, goal.target, goal.deadline, kind=kind)
    return GoalResult(goal, paths, assessment, ceiling)


_FRACTION = re.compile(r"(?<![\d,])\d[\d,]*\.\d")


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("seed", range(N_GENERATED))
def test_generated_goals_tell_one_story(seed):
    result = _generated(seed)
    facts = goal_facts(result)
    for row in facts.milestones:
        assert row.low - 1e-9 <= row.target <= row.high + 1e-9, row
    if facts.milestones:
        last = facts.milestones[-1]
        assert last.month == facts.deadline and last.low == last.target
    text = _text(str(milestone_table(result))) + _text(str(reach_sentence(result)))
    assert not _FRACTION.search(text), text  # counts are whole
    if facts.chance > 0:
        assert not re.search(r"(?<![<>\d])0%", fmt_percent(facts.chance))
    for status in ("on_track", "behind"):
        for toward in ("goal", "realistic_max"):
            badge = progress_badge(status, facts.chance, toward=toward)
            if badge == "on_track":
                assert facts.chance >= 0.8 and toward == "goal"


def test_badge_is_derived_from_status_and_chance():
    assert progress_badge("on_track", 0.01) == "on_plan_out_of_reach"
    assert progress_badge("on_track", 0.5) == "on_plan_uncertain"
    assert progress_badge("on_track", 0.9) == "on_track"
    assert progress_badge("behind", 0.88) == "behind_still_likely"
    assert progress_badge("on_track", 0.01, toward="realistic_max") == "on_plan_toward_max"
    assert progress_badge("met", 0.0) == "met" and progress_badge("no_plan", 0.9) == "no_plan"


def test_prepared_date_comes_from_the_option_or_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    assert prepared_date() == pd.Timestamp(1790000000, unit="s").date()
    assert str(prepared_date("2026-11-29")) == "2026-11-29"


def test_sample_badges_milestones_and_checks_agree(sample):
    analysis, model = sample
    for g, result in zip(model.goals, analysis.goals):
        if g.progress_badge == "on_track":
            assert g.chance >= model.confidence
        for row in g.milestones:
            assert row.low <= row.target <= row.high
        exp = next(c for c in g.checks if c.check == "expedient")
        econ = next(e for e in analysis.economics if e.goal_id == g.id).expediency
        if econ is not None and econ.quantiles.get("net_by_deadline", {}).get("p90", 0) < 0:
            assert exp.status not in ("yes", "marginal")
        if econ is not None and econ.verdict == "marginal":
            assert exp.status != "yes"
        approved = next(c for c in g.checks if c.check == "stated_and_approved")
        assert g.approved == approved.status


def test_sample_tables_agree_and_read_as_a_client_reads(sample):
    analysis, model = sample
    goals = _text(str(goals_table(model)))
    checklist = _text(str(checklist_section(model)))
    for g in model.goals:
        label = {"yes": "yes", "no": "no", "unknown": "not recorded"}[g.approved]
        assert re.search(rf"{re.escape(g.statement)}.*?{label}", goals, re.S)
        assert re.search(rf"Stated back and approved\s+{label}", checklist)
    text = " ".join(_text(str(s)) for s in (summary_section(model), verdict_table(model), goals_table(model)))
    for g in model.goals:
        if g.chance > 0:
            assert fmt_percent(g.chance) != "0%"
    assert not re.search(r"\b(nan|None|P10|P50|P90|draws)\b", text)
    assert not _FRACTION.search(re.sub(r"\d+%", "", text)), text


def test_sample_readiness_counts_add_up(sample):
    analysis, model = sample
    if model.readiness is None:
        assert "readiness" in model.not_provided
        return
    from toolkit.economics.readiness import readiness_gaps

    assert model.readiness.total == len(readiness_gaps(analysis.spec.readiness))


def test_sample_ceiling_is_the_same_number_in_table_and_chart(sample):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from toolkit.report.charts.forecast import plot_fan

    analysis, model = sample
    for g, result in zip(model.goals, analysis.goals):
        if g.ceiling_p50 is None or g.kind != "level":
            continue
        shown = [r for r in model.capacity if r.p50 == pytest.approx(g.ceiling_p50)]
        assert shown, "the chart's ceiling is in the capacity table"
        fig, ax = plt.subplots()
        plot_fan(result, ax=ax)
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        plt.close(fig)
        assert any(fmt_count(g.ceiling_p50) in t for t in labels), labels
