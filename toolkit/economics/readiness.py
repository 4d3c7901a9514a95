"""Growth readiness (17 questions) and the five verification checks of a goal.

The diagnostic of DOMAIN.md §3 (seed 004) asks 17 questions in four groups
(product ladder, growth economics, sales process, service and referral) plus
an ownership block. Answers live in the optional ``readiness`` section of
``client.yaml`` (:class:`toolkit.spec.client.ReadinessSpec`): numbers where they are
numbers, ``true``/``false`` or short text otherwise. Each answer is read as

- ``in place``: a practice exists (``true``, a positive number, text);
- ``missing``: it does not (``false``, ``0``, "no", "nobody", "none", ...);
- ``unknown``: not answered.

Each question names the goal *needs* it threatens when missing (for example
no follow-up of non-buyers threatens a goal that needs a higher close rate);
:func:`readiness_gaps` flags missing or unknown answers whose needs the goal
has. Ownership answers threaten ``execution``, which every goal needs.

The verification checklist (DOMAIN.md §1) records five checks: sure of the
goal, same understanding, stated back and approved (from the goal's
``checklist`` in the client file), attainable (from the attainability
verdict: ``attainable`` is yes; ``stretch``, ``unattainable`` and
``beyond_capacity`` are no) and expedient (``expedient`` and ``marginal`` are
yes, the latter with a caveat; ``not_expedient`` is no).

References
----------
.. [1] "Is your business ready for growth and profit?" (Persian practitioner
   article, seed 004 in ``shared/seeds/``): the 17 questions and the six
   processes of predictable growth.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.errors import InputError
from toolkit.priors.ranges import sample
from toolkit.priors.streams import rng_for

__all__ = ["QUESTIONS", "NEEDS", "GoalContext", "goal_context_from_levers", "answer_status", "readiness_gaps",
           "readiness_summary", "verification_checklist", "referral_gap", "REFERRAL_TARGET"]

REFERRAL_TARGET = 2.0  # referrals per customer per year (DOMAIN.md §3)

NEEDS = {
    "customers": "more customers", "avg_check": "a higher average check", "frequency": "more purchases per customer",
    "close_rate": "a higher close rate", "leads": "more leads", "referrals": "more referrals",
    "execution": "consistent execution", "expediency": "proof that it pays",
}

# (number, key, group, question, needs threatened when missing)
QUESTIONS: tuple[tuple[int, str, str, str, tuple[str, ...]], ...] = (
    (1, "product_ladder", "product ladder", "What does the most valuable ideal customer buy, in what order?", ("avg_check", "frequency")),
    (1, "membership_after_purchase", "product ladder", "What membership or subscription follows a purchase?", ("frequency",)),
    (2, "spend_first_30_days", "growth economics", "Average spend in a customer's first 30 days", ("expediency",)),
    (2, "spend_first_year", "growth economics", "Average spend in a customer's first year", ("expediency",)),
    (3, "acquisition_online", "growth economics", "How are new customers acquired online?", ("customers",)),
    (3, "cac_online", "growth economics", "What does a new customer cost online (CAC)?", ("expediency",)),
    (3, "acquisition_offline", "growth economics", "How are new customers acquired offline?", ("customers",)),
    (3, "cac_offline", "growth economics", "What does a new customer cost offline (CAC)?", ("expediency",)),
    (4, "lead_generation", "growth economics", "How are leads generated and nurtured?", ("leads", "customers")),
    (5, "enquiry_qualifier", "sales process", "Who receives and qualifies enquiries and invites to a demo or needs meeting?", ("close_rate",)),
    (5, "qualification_checked_by", "sales process", "Who checks that it happens?", ("close_rate", "execution")),
    (6, "not_invited_followup", "sales process", "What happens to those not invited and not buying?", ("close_rate",)),
    (6, "act_within_24h", "sales process", "How are buyers moved to act within 24 hours of a presentation?", ("close_rate",)),
    (7, "systematic_cross_sell", "sales process", "What else is offered systematically?", ("avg_check",)),
    (8, "nonbuyer_followup", "sales process", "Who follows up non-buyers, and how?", ("close_rate",)),
    (9, "reactivation_12_months", "sales process", "What brings back customers silent for 12 months?", ("frequency", "customers")),
    (10, "best_customer_offers", "sales process", "What are the best customers offered?", ("avg_check", "frequency")),
    (11, "subscription_plans", "sales process", "What subscription plans exist?", ("frequency",)),
    (12, "first_experience", "service and referral", "How is a great first experience ensured?", ("frequency", "referrals")),
    (13, "followup_30_60_90", "service and referral", "Follow-up at 30, 60 and 90 days after purchase?", ("frequency", "referrals")),
    (14, "next_purchase_offer", "service and referral", "How is the next purchase proposed?", ("frequency", "avg_check")),
    (15, "referrals_this_year", "service and referral", "How many customers came by referral this year?", ("referrals", "customers")),
    (16, "repeat_referrer_share", "service and referral", "What share of customers refer repeatedly?", ("referrals",)),
    (17, "referral_system", "service and referral", "What system encourages two referrals per customer a year?", ("referrals", "customers")),
    (0, "owner_responsible", "ownership", "Who is responsible?", ("execution",)),
    (0, "forgotten_how_often", "ownership", "How often are customers or tasks forgotten?", ("execution",)),
    (0, "fixed_by", "ownership", "Who fixes it when they are?", ("execution",)),
    (0, "owner_does_everything", "ownership", "Is the owner doing everything?", ("execution",)),
)

GAP = {  # what a missing answer means, for the note
    "product_ladder": "no product ladder", "membership_after_purchase": "no membership after a purchase",
    "spend_first_30_days": "first-30-day spend unknown", "spend_first_year": "first-year spend unknown",
    "acquisition_online": "no online acquisition", "cac_online": "online CAC unknown",
    "acquisition_offline": "no offline acquisition", "cac_offline": "offline CAC unknown",
    "lead_generation": "no lead generation and nurture", "enquiry_qualifier": "nobody qualifies enquiries",
    "qualification_checked_by": "nobody checks qualification happens",
    "not_invited_followup": "no follow-up of those not invited", "act_within_24h": "no push to act within 24 hours",
    "systematic_cross_sell": "no systematic cross-sell", "nonbuyer_followup": "no follow-up of non-buyers",
    "reactivation_12_months": "no reactivation of customers silent for 12 months",
    "best_customer_offers": "nothing special for the best customers", "subscription_plans": "no subscription plans",
    "first_experience": "no care for the first experience", "followup_30_60_90": "no follow-up at 30, 60 and 90 days",
    "next_purchase_offer": "no proposal of the next purchase", "referrals_this_year": "no referrals this year",
    "repeat_referrer_share": "no repeat referrers", "referral_system": "no referral system",
    "owner_responsible": "nobody responsible", "forgotten_how_often": "customers or tasks are forgotten",
    "fixed_by": "nobody fixes what is forgotten", "owner_does_everything": "the owner does everything",
}
NEGATIVE = {"no", "none", "nobody", "no one", "nothing", "never", "not yet", "n/a", "-", "0", "false"}
RARELY = {"never", "rarely", "seldom", "almost never", "no"}
INVERTED = {"owner_does_everything"}  # yes is the risk


def answer_status(key: str, answer) -> str:
    """``in place``, ``missing`` or ``unknown`` for one answer (see the module docstring)."""
    if answer is None or (isinstance(answer, (list, str)) and len(answer) == 0):
        return "unknown"
    if key == "forgotten_how_often":
        return "in place" if str(answer).strip().lower() in RARELY or answer is False else "missing"
    if isinstance(answer, bool):
        good = not answer if key in INVERTED else answer
        return "in place" if good else "missing"
    if isinstance(answer, (int, float)):
        return "in place" if answer > 0 else "missing"
    if isinstance(answer, str) and answer.strip().lower() in NEGATIVE:
        return "missing"
    return "in place"


@dataclass(frozen=True)
class GoalContext:
    """What a goal needs from the business, e.g. ``{"customers", "close_rate"}`` (keys of ``NEEDS``)."""

    needs: frozenset[str]

    def __post_init__(self):
        unknown = set(self.needs) - set(NEEDS)
        if unknown:
            raise InputError.at(None, "goal_context", sorted(unknown), f"needs among {', '.join(NEEDS)}")


def goal_context_from_levers(scenario: Mapping, *, close_rate: bool = False, referrals: bool = False) -> GoalContext:
    """Needs implied by a lever scenario row (``<lever>_x`` > 1 means that lever must rise).

    A goal needing more customers also needs more leads. ``execution`` and
    ``expediency`` are always needed.
    """
    needs = {"execution", "expediency"}
    for lever in ("customers", "avg_check", "frequency"):
        if float(scenario.get(f"{lever}_x", 1.0)) > 1 + 1e-9:
            needs.add(lever)
    if "customers" in needs:
        needs.add("leads")
    if close_rate:
        needs.add("close_rate")
    if referrals:
        needs.add("referrals")
    return GoalContext(frozenset(needs))


ALWAYS = frozenset({"execution", "expediency"})


def _context(goal_context) -> frozenset[str]:
    return ALWAYS | _given(goal_context)


def _given(goal_context) -> frozenset[str]:
    if goal_context is None:
        return frozenset()
    if isinstance(goal_context, GoalContext):
        return goal_context.needs
    if isinstance(goal_context, str):
        return GoalContext(frozenset({goal_context})).needs
    if isinstance(goal_context, Mapping):
        return GoalContext(frozenset(k for k, v in goal_context.items() if v)).needs
    if isinstance(goal_context, Iterable):
        return GoalContext(frozenset(goal_context)).needs
    raise InputError.at(None, "goal_context", goal_context, "a GoalContext, a set of needs or a mapping need -> bool")


def _answer(readiness, key):
    if readiness is None:
        return None
    return readiness.get(key) if isinstance(readiness, Mapping) else getattr(readiness, key, None)


def _show(answer) -> str:
    if answer is None:
        return ""
    if isinstance(answer, bool):
        return "yes" if answer else "no"
    if isinstance(answer, list):
        return " > ".join(map(str, answer))
    return f"{answer:g}" if isinstance(answer, float) else str(answer)


def readiness_gaps(readiness, goal_context=None) -> pd.DataFrame:
    """The 17-question diagnostic with the gaps that threaten the goal flagged.

    Parameters
    ----------
    readiness : ReadinessSpec, mapping or None
        The client's answers (``None``: nothing answered).
    goal_context : GoalContext, iterable of needs, mapping need -> bool, optional
        What the goal needs (see ``NEEDS``); execution and expediency are
        always added (every goal needs them).

    Returns
    -------
    pandas.DataFrame
        One row per answer: ``number`` (0 for ownership), ``group``, ``key``,
        ``question``, ``answer`` (as text), ``status``, ``threatens``,
        ``flagged`` (missing or unknown while the goal needs what it supports)
        and ``note``.
    """
    needs = _context(goal_context)
    online_ok = answer_status("acquisition_online", _answer(readiness, "acquisition_online")) == "in place"
    offline_ok = answer_status("acquisition_offline", _answer(readiness, "acquisition_offline")) == "in place"
    rows = []
    for number, key, group, question, threatens in QUESTIONS:
        answer = _answer(readiness, key)
        status = answer_status(key, answer)
        hit = [n for n in threatens if n in needs]
        if key in ("acquisition_online", "acquisition_offline") and (online_ok or offline_ok):
            hit = []  # one working acquisition channel is enough
        flagged = status in ("missing", "unknown") and bool(hit)
        note = ""
        if flagged:
            what = GAP[key] if status == "missing" else f"not answered ({question.rstrip('?').lower()})"
            note = f"{what} while the goal needs {' and '.join(NEEDS[n] for n in hit)}"
        rows.append({"number": number, "group": group, "key": key, "question": question, "answer": _show(answer),
                     "status": status, "threatens": ", ".join(threatens), "flagged": flagged, "note": note})
    return pd.DataFrame(rows)


def readiness_summary(readiness) -> pd.DataFrame:
    """Counts of answers in place, missing and unknown per group."""
    gaps = readiness_gaps(readiness)
    table = pd.crosstab(gaps["group"], gaps["status"]).reindex(columns=["in place", "missing", "unknown"], fill_value=0)
    order = list(dict.fromkeys(q[2] for q in QUESTIONS))
    return table.reindex(order)


def referral_gap(economics, customers_per_year: float, *, target_per_customer: float = REFERRAL_TARGET,
                 n: int = 10_000, seed: int = 0) -> pd.DataFrame:
    """Referrals per customer per year against a target (two per customer a year by default).

    Parameters
    ----------
    economics : EconomicsSpec or mapping
        Uses ``referrals_per_year`` (customers who came by referral this year)
        and ``repeat_referrer_share`` (share of customers who refer repeatedly).
    customers_per_year : float
        Distinct customers in the year (the sum of monthly customers is a fair
        proxy when customers rarely buy in two months of a year).

    Returns
    -------
    pandas.DataFrame
        Rows ``referrals_per_year``, ``referrals_per_customer``,
        ``share_of_target``, ``repeat_referrer_share`` (where given); columns
        ``p10``, ``p50``, ``p90``; ``attrs["target_per_customer"]``.
    """
    if not customers_per_year or customers_per_year <= 0:
        raise InputError.at(None, "customers_per_year", customers_per_year, "a number of customers > 0")
    get = (lambda k: economics.get(k)) if isinstance(economics, Mapping) else (lambda k: getattr(economics, k, None))
    if get("referrals_per_year") is None:
        raise InputError.at(None, "economics.referrals_per_year", None, "customers who came by referral this year")
    rng = rng_for(seed, "referrals")
    refs = sample(get("referrals_per_year"), n, rng)
    rows = {"referrals_per_year": refs, "referrals_per_customer": refs / customers_per_year,
            "share_of_target": refs / customers_per_year / target_per_customer}
    if get("repeat_referrer_share") is not None:
        rows["repeat_referrer_share"] = sample(get("repeat_referrer_share"), n, rng, bounded=True)
    frame = pd.DataFrame({k: {q: float(np.quantile(v, p)) for q, p in (("p10", .1), ("p50", .5), ("p90", .9))}
                          for k, v in rows.items()}).T
    frame.attrs["target_per_customer"] = target_per_customer
    return frame


def _verdict(x):
    if x is None:
        return None
    return x if isinstance(x, str) else getattr(x, "verdict", None)


def verification_checklist(goal, attainability_verdict=None, expediency=None) -> pd.DataFrame:
    """The five verification checks of a goal: status ``yes``/``no``/``unknown`` and a note.

    Parameters
    ----------
    goal : toolkit.spec.client.Goal
        Its ``checklist`` gives the first three checks.
    attainability_verdict : str or object with ``verdict``, optional
        ``attainable``, ``stretch``, ``unattainable`` or ``beyond_capacity``.
    expediency : Expediency, str or None
        From :func:`toolkit.economics.unit.assess_expediency`, or its verdict.
    """
    c = goal.checklist

    def flag(value, yes_note, no_note):
        if value is None:
            return "unknown", "not recorded in the client file"
        return ("yes", yes_note) if value else ("no", no_note)

    rows = [("sure of the goal",) + flag(c.sure_of_goal, f"metric {goal.metric}, target {goal.target:g} by {goal.deadline}",
                                         "the goal is not yet pinned down")]
    rows.append(("same understanding",) + flag(c.same_understanding, "consultant and client agree on the goal",
                                               "consultant and client understand the goal differently"))
    if c.stated_back is False:
        rows.append(("stated and approved", "no", "the goal was not stated back to the client"))
    elif c.stated_back and c.approved_on:
        who = f" by {c.agreed_by}" if c.agreed_by else ""
        rows.append(("stated and approved", "yes", f"approved{who} on {c.approved_on.isoformat()}"))
    elif c.stated_back:
        rows.append(("stated and approved", "unknown", "stated back, but no approval date recorded"))
    else:
        rows.append(("stated and approved", "unknown", "not recorded in the client file"))
    av = _verdict(attainability_verdict)
    attain = {"attainable": ("yes", "the market allows it by the deadline"),
              "stretch": ("no", "a stretch: likely to be missed; agree it as a stretch or adjust to the realistic maximum"),
              "unattainable": ("no", "unlikely by the deadline; set the realistic maximum instead"),
              "beyond_capacity": ("no", "above the market ceiling; no deadline can fix it")}
    rows.append(("attainable",) + attain.get(av, ("unknown", "attainability not assessed")))
    ev = _verdict(expediency)
    reason = getattr(expediency, "reason", "")
    exped = {"expedient": ("yes", reason or "acquisition pays back"),
             "marginal": ("yes", f"marginal: {reason}" if reason else "marginal: pays, but thinly or slowly"),
             "not_expedient": ("no", reason or "each new customer loses money")}
    rows.append(("expedient",) + exped.get(ev, ("unknown", "unit economics not assessed")))
    return pd.DataFrame(rows, columns=["check", "status", "note"])
