"""Human labels of the market inputs (field names in client.yaml), shared by the tornado chart
and the appendix's input table: one home for the words a chart and a template both need."""

from __future__ import annotations

__all__ = ["DRIVER_LABELS"]

DRIVER_LABELS = {
    "population": "People or businesses in the market", "segment_share": "Share of them that buys in a year",
    "purchases_per_year": "Purchases per buyer per year", "avg_price": "Average price", "avg_check": "Average purchase",
    "reachable_share": "Share of the market the client can hold", "searches": "Searches per month for the niche",
    "position": "Search position the site can reach", "ctr": "Share of searchers who click at that position",
    "conversion": "Share of visits that become an enquiry", "lead_to_sale": "Share of enquiries that become a sale",
    "reachable_customers": "Buyers within reach per year", "customers": "Customers within reach",
    "frequency": "Purchases per customer",
}
