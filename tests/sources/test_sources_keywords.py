"""Our keywords CSV, the keywords-table contract and the format dispatcher."""

from pathlib import Path

import numpy as np
import pytest

from toolkit.errors import InputError
from toolkit.sources.keywords import KEYWORD_COLUMNS, parse_number, read_keywords, read_keywords_csv

FIX = Path(__file__).parent / "fixtures"


def test_our_csv_contract():
    df = read_keywords_csv(FIX / "keywords_ours.csv")
    assert list(df.columns) == KEYWORD_COLUMNS
    assert df.attrs["source"] == "keywords_csv"
    assert df["keyword"].tolist() == ["phone case", "leather phone case", "clear case"]
    assert df["searches_low"].tolist() == [12000.0, 1500.0, 100.0]
    assert df["searches_high"].tolist() == [12000.0, 1500.0, 1000.0]
    assert df["position"].iloc[0] == 3.0 and np.isnan(df["position"].iloc[1])


def test_dispatcher_reads_our_csv():
    df = read_keywords(FIX / "keywords_ours.csv")
    assert df.attrs["source"] == "keywords_csv"
    assert len(df) == 3


def test_text_in_numeric_column():
    with pytest.raises(InputError, match=r"keywords_ours_text\.csv: line 2: monthly_searches: got 'many'"):
        read_keywords_csv(FIX / "keywords_ours_text.csv")


def test_missing_column(tmp_path):
    p = tmp_path / "k.csv"
    p.write_text("keyword,volume\na,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="monthly_searches"):
        read_keywords_csv(p)


@pytest.mark.parametrize("name", ["empty.csv", "garbage.bin", "trends_unknown.csv", "trends_en_weekly.csv"])
def test_dispatcher_rejects_unknown_and_malformed(name):
    with pytest.raises(InputError) as info:
        read_keywords(FIX / name)
    assert name in str(info.value)


def test_parse_number_locales():
    assert parse_number("2 895 024") == 2895024
    assert parse_number("2\u00a0895\u202f024") == 2895024
    assert parse_number("0,025", decimal=",") == 0.025
    assert parse_number("1,234") == 1234
    assert np.isnan(parse_number(""))
    with pytest.raises(ValueError):
        parse_number("abc")


def test_unquoted_thousands_separator_is_not_silently_shifted(tmp_path):
    p = tmp_path / "k.csv"
    p.write_text("keyword,monthly_searches,position\nphone case,1,500,3\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"k\.csv: line 2: got 'phone case,1,500,3'; expected 3 fields"):
        read_keywords_csv(p)


def test_semicolon_and_utf16(tmp_path):
    p = tmp_path / "k.csv"
    p.write_bytes("\ufeffkeyword;monthly_searches\r\nчехол;1 200\r\n".encode("utf-16-le"))
    df = read_keywords(p)
    assert df["keyword"].tolist() == ["чехол"] and df["searches_high"].tolist() == [1200.0]


def test_negative_searches_rejected(tmp_path):
    p = tmp_path / "k.csv"
    p.write_text("keyword,monthly_searches\na,-5\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 2: monthly_searches"):
        read_keywords_csv(p)
