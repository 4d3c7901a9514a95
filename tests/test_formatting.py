from __future__ import annotations

import pytest

from toolkit.present import Safe, fmt_month, fmt_number, fmt_percent, fmt_range, html_table


@pytest.mark.parametrize("value, text", [(1234.5, "1,230"), (0.01234, "0.0123"), (45.0, "45"), (999_999, "1,000,000"),
                                         (0, "0"), (None, "n/a"), (float("nan"), "n/a"), (-1234.5, "-1,230")])
def test_numbers_rounded_to_three_significant_figures(value, text):
    assert fmt_number(value) == text


def test_month_percent_and_range():
    assert fmt_month("2027-03") == "March 2027"
    assert fmt_month(None) == "not within the horizon"
    assert fmt_percent(0.456) == "46%"
    assert fmt_range(10.24, 355.5, unit="EUR") == "10.2 – 356 EUR"


def test_table_escapes_everything_but_safe_cells():
    html = str(html_table(["<b>col</b>"], [["<script>alert(1)</script>"], [Safe("<em>ok</em>")]]))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;col&lt;/b&gt;" in html
    assert "<em>ok</em>" in html
