"""Numbers and HTML as a client reads them: rounded sensibly, escaped always."""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence

import pandas as pd

__all__ = ["VERDICT_LABELS", "verdict_badge", "mpl_text", "fmt_number", "fmt_count", "fmt_money", "fmt_percent",
           "fmt_month", "fmt_month_axis", "fmt_range", "fmt_count_range", "Html", "Safe", "html_table", "esc",
           "FILTERS"]


def mpl_text(text: object) -> str:
    """Client-provided text for a matplotlib label: "$5k to $10k" stays text, never maths."""
    return str(text).replace("$", r"\$")


def esc(value) -> str:
    return html.escape(str(value), quote=True)


def fmt_number(x, *, digits: int = 3) -> str:
    """Round to ``digits`` significant figures with thousands separators (1234.5 -> "1,230")."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    x = float(x)
    if x == 0:
        return "0"
    rounded = float(f"{x:.{digits}g}")
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(rounded))))
    text = f"{rounded:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if decimals else text


def fmt_count(x) -> str:
    """A count of things (units, customers, leads) as a client reads it: whole, with separators (47.8 -> "48")."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    x = float(x)
    if abs(x) >= 10_000:
        return fmt_number(x)  # 3 significant figures: 12,345 -> "12,300"
    return f"{round(x):,}"


def fmt_money(x, currency: str, *, digits: int = 3) -> str:
    """Money with its currency: ``fmt_money(1234.5, "EUR")`` -> "1,230 EUR"."""
    text = fmt_number(x, digits=digits)
    return text if text == "n/a" else f"{text} {currency}"


def fmt_percent(p, *, decimals: int = 0) -> str:
    """A probability or share: "46%"; never "0%" for a positive chance ("<1%") nor "100%" short of it (">99%")."""
    if p is None or (isinstance(p, float) and not math.isfinite(p)):
        return "n/a"
    p = float(p)
    half = 0.5 * 10 ** -(decimals + 2)
    if 0 < p < half:
        return f"<{10 ** -decimals:g}%"
    if 1 - half < p < 1:
        return f">{100 - 10 ** -decimals:g}%"
    return f"{100 * p:.{decimals}f}%"


def fmt_month(period) -> str:
    """``2027-03`` -> "March 2027" (the one date style in text); None -> "not within the horizon"."""
    if period is None or (isinstance(period, float) and math.isnan(period)):
        return "not within the horizon"
    return pd.Period(period, freq="M").strftime("%B %Y")


def fmt_month_axis(period) -> str:
    """``2027-03`` -> "Mar 2027": the one date style on chart axes."""
    return pd.Period(period, freq="M").strftime("%b %Y")


def fmt_range(low, high, *, unit: str = "", digits: int = 3) -> str:
    suffix = f" {unit}" if unit else ""
    return f"{fmt_number(low, digits=digits)} – {fmt_number(high, digits=digits)}{suffix}"


def fmt_count_range(low, high) -> str:
    return f"{fmt_count(low)} – {fmt_count(high)}"


#: The template filters: every number and date a report prints goes through one of these.
FILTERS = {"number": fmt_number, "count": fmt_count, "money": fmt_money, "percent": fmt_percent,
           "month": fmt_month, "month_axis": fmt_month_axis, "range": fmt_range, "count_range": fmt_count_range}


class Safe(str):
    """A string already escaped or built from escaped parts; inserted verbatim."""


class Html:
    """Displayable HTML for notebooks (``_repr_html_``) built from escaped parts."""

    def __init__(self, markup: str):
        self.markup = markup

    def _repr_html_(self) -> str:
        return self.markup

    def __str__(self) -> str:
        return self.markup


def _cell(value) -> str:
    return value if isinstance(value, Safe) else esc(value)


def html_table(columns: Sequence[str], rows: Iterable[Sequence], *, css_class: str = "gc-table") -> Html:
    """An HTML table whose every cell is escaped unless wrapped in :class:`Safe`."""
    head = "".join(f"<th>{_cell(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in rows)
    return Html(f'<table class="{esc(css_class)}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')


VERDICT_LABELS = {
    "attainable": "Attainable",
    "stretch": "Stretch",
    "unattainable": "Not attainable by the deadline",
    "beyond_capacity": "Beyond market capacity",
}


def verdict_badge(verdict: str) -> Safe:
    return Safe(f'<span class="gc-verdict gc-verdict-{esc(verdict)}">{esc(VERDICT_LABELS.get(verdict, verdict))}</span>')
