"""Will the goal be met by its deadline, with what chance, and when is the target reached?

The forecasting members (simple and damped exponential smoothing, Theta,
logistic growth), their blend and calibrated spread, seasonality and outlier
handling, the simulated futures bounded by the ceiling (:func:`simulate_paths`),
and the verdict on a goal (:func:`assess_goal`: chance of meeting it, realistic
maximum, reach dates, milestones).
"""

from toolkit.engine.assess import VERDICTS, GoalAssessment, ReachDates, assess_goal, milestones, reach_dates
from toolkit.engine.horizon import MAX_HORIZON, MIN_HORIZON, horizon_for
from toolkit.engine.paths import MIN_HISTORY, MIN_PATHS, PathEnsemble, forecast_table, saturate, simulate_paths
from toolkit.engine.quick import assess_from_csv

__all__ = [
    "GoalAssessment", "ReachDates", "assess_goal", "reach_dates", "milestones", "VERDICTS",
    "PathEnsemble", "simulate_paths", "forecast_table", "saturate", "MIN_HISTORY", "MIN_PATHS",
    "horizon_for", "MIN_HORIZON", "MAX_HORIZON", "assess_from_csv",
]
