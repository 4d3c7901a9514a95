"""Once a goal is approved: is the client on plan, what went wrong, and what should the next goal be?

The approved plan saved with its inputs' fingerprints (:func:`make_plan`,
:func:`save_plan`), the review of actual months against it (milestones met or
missed, the chance now against the chance at approval, lever and funnel gaps),
and proposals for the next goals.
"""

from toolkit.cycle.next_goals import GoalProposal, proposal_frame, propose_next_goals
from toolkit.cycle.plan import PLAN_DIR, SavedPlan, load_plan, load_plans, make_plan, plan_path, save_plan
from toolkit.cycle.review import GOAL_STATUSES, MILESTONE_STATUSES, GoalReview, review_client, review_goal

__all__ = [
    "SavedPlan", "make_plan", "save_plan", "load_plan", "load_plans", "plan_path", "PLAN_DIR",
    "GoalReview", "review_goal", "review_client", "GOAL_STATUSES", "MILESTONE_STATUSES",
    "GoalProposal", "propose_next_goals", "proposal_frame",
]
