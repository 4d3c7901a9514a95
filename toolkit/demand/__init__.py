"""What shape does demand have: which months are high, and is the trend growing?

Monthly series from Trends, Wordstat or the client's own history; the seasonal
index with its band, the trend's annual growth, Trends scaled to search
volumes, and the market capacity given its seasonal shape.
"""

from toolkit.demand.shape import (
                                  MIN_MONTHS,
                                  MONTH_NAMES,
                                  TrendGrowth,
                                  demand_sentence,
                                  demand_summary,
                                  scale_to_volume,
                                  seasonal_band,
                                  seasonal_capacity,
                                  seasonal_index,
                                  summarise_demand,
                                  to_monthly,
                                  trend_growth,
)
from toolkit.demand.view import DemandView, demand_view, trends_cache_dir

__all__ = [
    "MONTH_NAMES", "MIN_MONTHS", "TrendGrowth", "to_monthly", "seasonal_index", "seasonal_band", "trend_growth",
    "scale_to_volume", "seasonal_capacity", "demand_summary", "demand_sentence", "summarise_demand",
    "DemandView", "demand_view", "trends_cache_dir",
]
