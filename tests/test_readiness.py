"""Growth-readiness gaps and the five verification checks."""

import pytest

from toolkit.economics.readiness import (
    QUESTIONS,
    GoalContext,
    answer_status,
    goal_context_from_levers,
    readiness_gaps,
    readiness_summary,
    verification_checklist,
)
from toolkit.errors import InputError
from toolkit.spec import Checklist, Goal, ReadinessSpec, load_client


def test_seventeen_questions_plus_ownership():
    numbers = {q[0] for q in QUESTIONS if q[0] > 0}
    assert numbers == set(range(1, 18))
    assert {q[2] for q in QUESTIONS if q[0] == 0} == {"ownership"}
    assert set(ReadinessSpec.model_fields) == {q[1] for q in QUESTIONS}


@pytest.mark.parametrize("key, answer, status", [
    ("nonbuyer_followup", None, "unknown"), ("nonbuyer_followup", False, "missing"),
    ("nonbuyer_followup", "nobody", "missing"), ("nonbuyer_followup", "Call after 3 days", "in place"),
    ("nonbuyer_followup", True, "in place"), ("referrals_this_year", 0.0, "missing"),
    ("referrals_this_year", 12.0, "in place"), ("owner_does_everything", True, "missing"),
    ("owner_does_everything", False, "in place"), ("forgotten_how_often", "weekly", "missing"),
    ("forgotten_how_often", "rarely", "in place"), ("product_ladder", [], "unknown"),
])
def test_answer_status(key, answer, status):
    assert answer_status(key, answer) == status


def test_no_followup_of_nonbuyers_threatens_close_rate_goal():
    r = ReadinessSpec(nonbuyer_followup=False, systematic_cross_sell=False)
    gaps = readiness_gaps(r, {"close_rate"}).set_index("key")
    assert gaps.loc["nonbuyer_followup", "flagged"]
    assert "no follow-up of non-buyers while the goal needs a higher close rate" in gaps.loc["nonbuyer_followup", "note"]
    assert not gaps.loc["systematic_cross_sell", "flagged"]  # missing, but the goal needs no higher check
    gaps2 = readiness_gaps(r, {"avg_check"}).set_index("key")
    assert gaps2.loc["systematic_cross_sell", "flagged"] and not gaps2.loc["nonbuyer_followup", "flagged"]


def test_one_acquisition_channel_is_enough():
    gaps = readiness_gaps({"acquisition_online": "ads", "acquisition_offline": False}, {"customers"}).set_index("key")
    assert not gaps.loc["acquisition_offline", "flagged"]
    gaps = readiness_gaps({}, {"customers"}).set_index("key")
    assert gaps.loc["acquisition_online", "flagged"] and gaps.loc["acquisition_online", "status"] == "unknown"


def test_none_readiness_is_all_unknown():
    gaps = readiness_gaps(None)
    assert (gaps["status"] == "unknown").all()
    assert set(gaps.loc[gaps["flagged"], "key"]) <= {q[1] for q in QUESTIONS if {"execution", "expediency"} & set(q[4])}


def test_goal_context_from_lever_row():
    ctx = goal_context_from_levers({"customers_x": 1.2, "avg_check_x": 1.0, "frequency_x": 1.0}, close_rate=True)
    assert ctx.needs == {"customers", "leads", "close_rate", "execution", "expediency"}
    with pytest.raises(InputError, match="goal_context"):
        GoalContext(frozenset({"world peace"}))


def test_sample_client_readiness():
    spec = load_client("data/clients/acme-cases")
    gaps = readiness_gaps(spec.readiness, {"customers", "close_rate", "referrals"})
    flagged = set(gaps.loc[gaps["flagged"], "key"])
    assert {"not_invited_followup", "referral_system", "owner_does_everything"} <= flagged
    summary = readiness_summary(spec.readiness)
    assert summary.to_numpy().sum() == len(QUESTIONS)
    assert list(summary.index)[0] == "product ladder"


def test_readiness_spec_validates_share():
    with pytest.raises(Exception):
        ReadinessSpec(repeat_referrer_share=1.5)
    with pytest.raises(Exception):
        ReadinessSpec(not_a_question=True)


def _goal(**checks):
    return Goal(id="g", statement="s", metric="sales", target=100, deadline="2027-06", checklist=Checklist(**checks))


def test_verification_checklist_all_yes():
    from datetime import date
    g = _goal(sure_of_goal=True, same_understanding=True, stated_back=True, agreed_by="Ann", approved_on=date(2026, 11, 2))
    table = verification_checklist(g, "attainable", "expedient")
    assert list(table["check"]) == ["sure of the goal", "same understanding", "stated and approved", "attainable", "expedient"]
    assert (table["status"] == "yes").all()
    assert "Ann" in table.loc[2, "note"]


def test_verification_checklist_no_and_unknown():
    table = verification_checklist(_goal(same_understanding=False, stated_back=True), "beyond_capacity", "not_expedient")
    assert list(table["status"]) == ["unknown", "no", "unknown", "no", "no"]
    table = verification_checklist(_goal(), None, None)
    assert (table["status"] == "unknown").all()


def test_verification_uses_expediency_object():
    from toolkit.economics import assess_expediency
    e = assess_expediency({"gross_margin": 0.5, "avg_check": 100, "purchases_per_year": 2, "retention": 0.5, "cac": 150})
    table = verification_checklist(_goal(), "stretch", e)
    assert table.loc[4, "status"] == "yes" and table.loc[4, "note"].startswith("marginal")
    assert table.loc[3, "status"] == "no"


def test_referral_gap_against_two_per_customer():
    from toolkit.economics.readiness import referral_gap
    table = referral_gap({"referrals_per_year": 200, "repeat_referrer_share": 0.05}, customers_per_year=1000)
    assert table.loc["referrals_per_customer", "p50"] == pytest.approx(0.2)
    assert table.loc["share_of_target", "p50"] == pytest.approx(0.1)
    assert table.loc["repeat_referrer_share", "p50"] == pytest.approx(0.05)
    with pytest.raises(InputError, match="referrals_per_year"):
        referral_gap({}, 100)
    with pytest.raises(InputError, match="customers_per_year"):
        referral_gap({"referrals_per_year": 1}, 0)
