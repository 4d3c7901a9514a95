"""Does the goal pay, what must move to reach it, and is the client ready?

Unit economics (CLV, CAC, payback) and the expediency verdict; the levers
(customers x average check x frequency) a revenue goal moves; funnel volumes
each stage must carry; the readiness checklist; and all of it for one goal.
"""

from toolkit.economics.levers import LEVERS, decompose_levers, lever_history_changes, lever_scenarios, revenue_target
from toolkit.economics.unit import (
                                    EXPEDIENT_RATIO,
                                    PAYBACK_CONFIDENCE,
                                    VERDICTS,
                                    Expediency,
                                    assess_expediency,
                                    blended_cac,
                                    clv_geometric,
                                    goal_expediency,
                                    margin_within,
                                    monthly_margins,
                                    new_customers_needed,
                                    payback_months,
                                    sample_unit_economics,
)

__all__ = [
    "clv_geometric", "blended_cac", "monthly_margins", "payback_months", "margin_within",
    "new_customers_needed", "sample_unit_economics", "Expediency", "assess_expediency",
    "EXPEDIENT_RATIO", "PAYBACK_CONFIDENCE", "VERDICTS", "LEVERS", "decompose_levers", "lever_history_changes",
    "revenue_target", "lever_scenarios", "goal_expediency",
]
