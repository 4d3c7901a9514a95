"""How many customers, purchases and money does the market hold, and how much of it can the client reach?

Market capacity by one of three models (top-down, bottom-up, search demand),
drawn by Monte Carlo over the client's 90% ranges, with the ceiling
(capacity x reachable share), the drivers that matter most and scenarios side
by side.
"""

from toolkit.capacity import market
from toolkit.capacity.estimate import LEAD_METRICS, MONEY_METRICS, OUTPUTS, UNITS_METRICS, CapacityEstimate
from toolkit.capacity.market import (bottom_up, capacity_json, compare_scenarios, estimate_client, estimate_market,
                                     estimate_scenarios, keyword_tables, scenario_table, search_demand, top_down)
from toolkit.capacity.models import KEYWORD_COLUMNS

__all__ = [*market.__all__, "CapacityEstimate", "OUTPUTS", "KEYWORD_COLUMNS", "UNITS_METRICS",
           "MONEY_METRICS", "LEAD_METRICS"]
