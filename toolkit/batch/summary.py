"""``summary.csv``: one row per goal of every client, from the numbers each report recorded."""

from __future__ import annotations

import csv
import io

__all__ = ["summary_csv", "SUMMARY_COLUMNS"]

SUMMARY_COLUMNS = ["client_id", "client_name", "status", "goal", "metric", "target", "deadline", "probability",
                   "verdict", "realistic_max", "reach_p50", "reach_p80", "p_never", "expediency", "progress", "behind_plan",
                   "report", "error"]


def summary_csv(outcomes) -> str:
    """One row per goal of every client (failed clients: one row with the reason), for spreadsheets."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SUMMARY_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for outcome in outcomes:
        writer.writerows(outcome.summary_rows())
    return buffer.getvalue()
