"""What a goal's metric counts: the noun a client reads, and whether it is money or a count."""

from __future__ import annotations

__all__ = ["metric_unit", "COUNT_METRICS", "MONEY_METRICS"]

#: Metrics that count things: whole numbers everywhere.
COUNT_METRICS = frozenset({"sales", "orders", "customers", "leads", "traffic", "calls", "bookings", "visits"})
#: Metrics that are money: printed with the client's currency.
MONEY_METRICS = frozenset({"revenue", "avg_check"})
_UNITS = {"traffic": "visits", "avg_check": "average check"}


def metric_unit(metric: str) -> str:
    """The noun a client reads for a metric: ``traffic`` -> "visits"."""
    return _UNITS.get(metric, metric.replace("_", " "))
