"""Google Trends CSV reader: every locale and layout the site and pytrends produce."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import InputError
from toolkit.sources.trends import LESS_THAN_ONE, read_trends_csv

FIX = Path(__file__).parent / "fixtures"


def test_english_weekly_with_lt1():
    df = read_trends_csv(FIX / "trends_en_weekly.csv")
    assert list(df.columns) == ["phone case", "screen protector"]
    assert isinstance(df.index, pd.DatetimeIndex)
    assert df.index[0] == pd.Timestamp("2024-01-07")
    assert df.attrs["frequency"] == "W"
    assert df.attrs["region"] == "United States"
    assert df.attrs["category"] == "All categories"
    assert df.attrs["source"] == "trends_csv"
    assert df.attrs["layout"] == "site"
    assert df["screen protector"].iloc[0] == LESS_THAN_ONE == 0.5
    assert df.dtypes.eq(float).all()


def test_french_monthly_nbsp_category_and_lt1():
    df = read_trends_csv(FIX / "trends_fr_monthly_nbsp.csv")
    assert df.attrs["category"] == "Toutes catégories"
    assert df.attrs["frequency"] == "M"
    assert df.attrs["period_label"] == "Mois"
    assert df.attrs["region"] == "France"
    assert df["coque"].tolist() == [12.0, 0.5, 100.0]
    assert df.index[1] == pd.Timestamp("2024-02-01")


def test_italian_quoted_exact_phrase_terms():
    df = read_trends_csv(FIX / "trends_it_quoted.csv")
    assert list(df.columns) == ['"Allianz"', '"Prima Assicurazioni"']
    assert df.attrs["region"] == "Italia"
    assert df.attrs["category"] == "Tutte le categorie"


def test_chinese_fullwidth_colon_category():
    df = read_trends_csv(FIX / "trends_zh_finance.csv")
    assert df.attrs["category"] == "金融"
    assert df.attrs["region"] == "全球"
    assert df.attrs["period_label"] == "月份"
    assert df["cocoa"].tolist() == [37.0, 39.0, 0.0]


def test_daily():
    df = read_trends_csv(FIX / "trends_fr_daily.csv")
    assert df.attrs["frequency"] == "D"
    assert len(df) == 3 and list(df.columns) == ["diet", "gym"]


def test_subdaily_with_offset_is_timezone_aware():
    df = read_trends_csv(FIX / "trends_id_subdaily.csv")
    assert df.index.tz is not None
    assert df.index[0] == pd.Timestamp("2024-10-21T01:28:00Z")
    assert df.attrs["frequency"] == "8min"


def test_stripped_header_lines():
    df = read_trends_csv(FIX / "trends_stripped.csv")
    assert df.attrs["category"] is None
    assert df.attrs["region"] == "India"
    assert df.attrs["layout"] == "site_stripped"
    assert list(df.columns) == ["Digital Nest", "Other"]


def test_pytrends_is_partial_column_becomes_metadata():
    df = read_trends_csv(FIX / "pytrends_ispartial.csv")
    assert list(df.columns) == ["bitcoin", "ethereum"]
    assert df.attrs["partial"] == ["2024-03-01T00:00:00"]
    assert df.attrs["layout"] == "pytrends"
    assert df.attrs["frequency"] == "M"
    assert df.attrs["region"] is None


def test_pytrends_with_index_column_and_tabs():
    df = read_trends_csv(FIX / "pytrends_index_tabs.tsv")
    assert list(df.columns) == ["bitcoin"]
    assert df["bitcoin"].tolist() == [3.0, 3.0, 4.0]


def test_bom_and_crlf():
    df = read_trends_csv(FIX / "trends_en_bom_crlf.csv")
    assert df.attrs["category"] == "All categories"
    assert df["Iphone"].tolist() == [0.5, 0.5]


def test_cr_only_line_ends_and_tabs():
    df = read_trends_csv(FIX / "trends_cr_tabs.csv")
    assert df["beer"].tolist() == [10.0, 20.0]
    assert df.attrs["frequency"] == "M"


def test_same_term_in_two_regions_keeps_both(tmp_path):
    p = tmp_path / "regions.csv"
    p.write_text("Category: All categories\n\nWeek,beer: (Germany),beer: (France)\n2024-01-07,1,2\n", encoding="utf-8")
    df = read_trends_csv(p)
    assert list(df.columns) == ["beer (Germany)", "beer (France)"]
    assert df.attrs["region"] is None
    assert df.attrs["regions"] == {"beer (Germany)": "Germany", "beer (France)": "France"}


@pytest.mark.parametrize(
    "name, where",
    [
        ("empty.csv", "empty"),
        ("garbage.bin", "binary"),
        ("trends_text_in_values.csv", "line 5"),
        ("trends_unknown.csv", "line 1"),
    ],
)
def test_malformed_files_raise_input_error_naming_file(name, where):
    with pytest.raises(InputError) as info:
        read_trends_csv(FIX / name)
    message = str(info.value)
    assert name in message and where in message
    assert "\n" not in message


def test_value_out_of_range(tmp_path):
    p = tmp_path / "big.csv"
    p.write_text("Week,apple: (Worldwide)\n2024-01-07,101\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"big\.csv: line 2: column 'apple'"):
        read_trends_csv(p)


def test_missing_file():
    with pytest.raises(InputError, match="nope.csv"):
        read_trends_csv(FIX / "nope.csv")


def test_unsorted_dates(tmp_path):
    p = tmp_path / "order.csv"
    p.write_text("Month,a: (X)\n2024-02,1\n2024-01,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="increasing"):
        read_trends_csv(p)


def test_empty_cells_are_nan(tmp_path):
    p = tmp_path / "gap.csv"
    p.write_text("Month,a: (X),b: (X)\n2024-01,1,\n2024-02,2,3\n", encoding="utf-8")
    df = read_trends_csv(p)
    assert np.isnan(df["b"].iloc[0])


def test_utf16_tab_german_with_nbsp_before_colon(tmp_path):
    p = tmp_path / "de.csv"
    p.write_bytes("\ufeffKategorie: Alle Kategorien\r\n\r\nWoche\tBier\u00a0: (Deutschland)\r\n2024-01-07\t<\u00a01\r\n2024-01-14\t50\r\n".encode("utf-16-le"))
    df = read_trends_csv(p)
    assert df["Bier"].tolist() == [0.5, 50.0]
    assert df.attrs["region"] == "Deutschland" and df.attrs["frequency"] == "W"


def test_semicolon_excel_resave_with_trailing_delimiters(tmp_path):
    p = tmp_path / "semi.csv"
    p.write_text("Category: All categories;;\n;;\nMonth;a: (US);b: (US)\n2024-01;<1;3\n2024-02;5;6\n", encoding="utf-8")
    df = read_trends_csv(p)
    assert df.attrs["category"] == "All categories"
    assert df.to_dict("list") == {"a": [0.5, 5.0], "b": [3.0, 6.0]}


def test_hourly_pytrends_timestamps(tmp_path):
    p = tmp_path / "hourly.csv"
    p.write_text("date,a,isPartial\n2024-01-07 00:00:00,3,False\n2024-01-07 01:00:00,4,True\n", encoding="utf-8")
    assert read_trends_csv(p).attrs["frequency"] == "H"


def test_term_containing_a_colon(tmp_path):
    p = tmp_path / "colon.csv"
    p.write_text('Week,"re: zero: (Japan)"\n2024-01-07,3\n', encoding="utf-8")
    assert list(read_trends_csv(p).columns) == ["re: zero"]


@pytest.mark.parametrize(
    "body, match",
    [
        ("Month,a: (US)\n2024-01,3\n2024-13,4\n", r"line 3: date: got '2024-13'"),
        ("Month,a: (US)\n2024-01,3\n2024-01,4\n", r"line 3: date: got '2024-01'; expected each date once"),
        ("Month,a: (US)\n2024-01,3\n2024-02-01,4\n", "one format"),
        ("Month,a: (US)\n2024-01,3\nsome note\n", r"line 3: Month: got 'some note'"),
    ],
)
def test_bad_dates_name_their_line(tmp_path, body, match):
    p = tmp_path / "dates.csv"
    p.write_text(body, encoding="utf-8")
    with pytest.raises(InputError, match=match):
        read_trends_csv(p)
