"""How does a number reach its reader?

Numbers, money, percentages, months and verdict badges formatted for a client,
escaped HTML fragments, and the key numbers a report records for the batch
(JSON-ready, never scraped from HTML). Nothing here depends on the analysis;
the plan review and the report both phrase their results with it.
"""

from toolkit.present.formatting import (
                                        VERDICT_LABELS,
                                        Html,
                                        Safe,
                                        esc,
                                        fmt_money,
                                        fmt_month,
                                        fmt_number,
                                        fmt_count,
                                        fmt_month_axis,
                                        fmt_percent,
                                        fmt_range,
                                        html_table,
                                        mpl_text,
                                        verdict_badge,
)
from toolkit.present.record import RECORD_MIME, jsonable, read_records, record

__all__ = [
    "VERDICT_LABELS", "verdict_badge", "mpl_text", "fmt_number", "fmt_money", "fmt_percent", "fmt_month", "fmt_range",
    "fmt_count", "fmt_month_axis",
    "Html", "Safe", "html_table", "esc", "record", "read_records", "RECORD_MIME", "jsonable",
]
