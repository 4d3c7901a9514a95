"""The optional sections of client.yaml: unit economics, the sales funnel and readiness answers.

Answers "what may a client file say about economics, funnel and the
growth-readiness diagnostic?"; :class:`toolkit.spec.client.ClientSpec` holds them.
"""

from __future__ import annotations

from pydantic import Field, field_validator

from toolkit.priors.ranges import Range
from toolkit.spec.base import Frozen, share_range

__all__ = ["EconomicsSpec", "FunnelStage", "FunnelSpec", "PipelinePerson", "ReadinessSpec", "Answer"]


class EconomicsSpec(Frozen):
    """Unit economics (DOMAIN.md §3); every field optional, ranges are 90% intervals.

    ``retention`` is the annual share of customers who buy again next year;
    ``lifetime_years`` is the alternative (expected years as a customer,
    ``retention = 1 - 1/lifetime``). ``cac`` is a blended acquisition cost used
    when the per-channel ``cac_online`` / ``cac_offline`` are not given.
    """

    avg_check: Range | None = None
    gross_margin: Range | None = None
    cac: Range | None = None
    cac_online: Range | None = None
    cac_offline: Range | None = None
    online_share: Range | None = None
    spend_first_30_days: Range | None = None
    spend_first_year: Range | None = None
    purchases_per_year: Range | None = None
    retention: Range | None = None
    lifetime_years: Range | None = None
    discount_rate: float = Field(default=0.10, ge=0, le=1)
    referrals_per_year: Range | None = None
    repeat_referrer_share: Range | None = None
    referral_share: Range | None = None
    horizon_months: int = Field(default=12, ge=1, le=120)

    @field_validator("gross_margin", "online_share", "retention", "repeat_referrer_share", "referral_share")
    @classmethod
    def _shares(cls, v, info):
        return share_range(v, info.field_name)


class FunnelStage(Frozen):
    name: str
    conversion: Range
    lag_days: int | None = Field(default=None, ge=0)

    _conv = field_validator("conversion")(lambda cls, v: share_range(v, "conversion"))


class PipelinePerson(Frozen):
    """One seller's Miller-Heiman pipeline: deal counts and time shares per position."""

    name: str
    above_funnel: int = Field(default=0, ge=0)
    in_funnel: int = Field(default=0, ge=0)
    best_few: int = Field(default=0, ge=0)
    time: list[float] | None = None

    @field_validator("time")
    @classmethod
    def _time(cls, v):
        if v is None:
            return v
        if len(v) != 3 or any(not 0 <= x <= 1 for x in v) or abs(sum(v) - 1) > 0.01:
            raise ValueError("three time shares in [0, 1] summing to 1")
        return v


class FunnelSpec(Frozen):
    stages: list[FunnelStage] = []
    cycle_days: int = Field(default=30, ge=0)
    top_ceiling: Range | None = None
    pipeline: list[PipelinePerson] = []


Answer = bool | float | str | list[str] | None


class ReadinessSpec(Frozen):
    """Answers to the 17-question growth-readiness diagnostic (DOMAIN.md §3, seed 004).

    Numbers where the answer is a number, ``true``/``false`` or short text
    otherwise; a missing answer means unknown. See ``toolkit.economics.readiness.QUESTIONS``.
    """

    # product ladder
    product_ladder: Answer = None
    membership_after_purchase: Answer = None
    # growth economics
    spend_first_30_days: float | None = Field(default=None, ge=0)
    spend_first_year: float | None = Field(default=None, ge=0)
    acquisition_online: Answer = None
    cac_online: float | None = Field(default=None, ge=0)
    acquisition_offline: Answer = None
    cac_offline: float | None = Field(default=None, ge=0)
    lead_generation: Answer = None
    # sales process
    enquiry_qualifier: Answer = None
    qualification_checked_by: Answer = None
    not_invited_followup: Answer = None
    act_within_24h: Answer = None
    systematic_cross_sell: Answer = None
    nonbuyer_followup: Answer = None
    reactivation_12_months: Answer = None
    best_customer_offers: Answer = None
    subscription_plans: Answer = None
    # service and referral
    first_experience: Answer = None
    followup_30_60_90: Answer = None
    next_purchase_offer: Answer = None
    referrals_this_year: float | None = Field(default=None, ge=0)
    repeat_referrer_share: float | None = Field(default=None, ge=0, le=1)
    referral_system: Answer = None
    # ownership
    owner_responsible: Answer = None
    forgotten_how_often: Answer = None
    fixed_by: Answer = None
    owner_does_everything: Answer = None
