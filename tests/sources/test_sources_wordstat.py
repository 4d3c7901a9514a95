"""Yandex Wordstat dynamics and top-queries exports."""

from pathlib import Path

import pandas as pd
import pytest

from toolkit.errors import InputError
from toolkit.sources.keywords import KEYWORD_COLUMNS, read_keywords
from toolkit.sources.wordstat import read_wordstat_dynamics, read_wordstat_top

FIX = Path(__file__).parent / "fixtures"


def test_dynamics_bom_cr_only_nbsp_and_decimal_commas():
    s = read_wordstat_dynamics(FIX / "wordstat_dynamics_bom_cr.csv")
    assert s.name == "чехол для телефона"
    assert s.dtype == float
    assert s.tolist() == [1234567.0, 1100000.0, 987654.0]
    assert list(s.index) == list(pd.date_range("2025-01-01", periods=3, freq="MS"))
    assert s.attrs["frequency"] == "M"
    assert s.attrs["share"] == [0.0115, 0.01, 0.0088]
    assert s.attrs["source"] == "wordstat_dynamics"
    assert "Россия" in s.attrs["description"]


def test_dynamics_without_query_sorts_and_reads_genitive_and_abbreviated_months():
    s = read_wordstat_dynamics(FIX / "wordstat_dynamics_lf.csv")
    assert s.name is None
    assert list(s.index) == [pd.Timestamp("2025-04-01"), pd.Timestamp("2025-05-01")]
    assert s.tolist() == [9000.0, 10000.0]


def test_dynamics_weekly_periods(tmp_path):
    p = tmp_path / "weekly.csv"
    p.write_text("Период;Число запросов\n06.01.2025 - 12.01.2025;100\n13.01.2025 - 19.01.2025;120\n", encoding="utf-8")
    s = read_wordstat_dynamics(p)
    assert s.attrs["frequency"] == "W"
    assert s.index[0] == pd.Timestamp("2025-01-06")


def test_dynamics_text_in_count_column():
    with pytest.raises(InputError, match=r"wordstat_dynamics_text\.csv: line 2: count: got 'много'"):
        read_wordstat_dynamics(FIX / "wordstat_dynamics_text.csv")


def test_top_queries_is_a_keywords_table():
    df = read_wordstat_top(FIX / "wordstat_top_bom_crlf.csv")
    assert list(df.columns) == KEYWORD_COLUMNS
    assert df.attrs["source"] == "wordstat_top"
    assert df.attrs["query"] == "книги"
    assert df["searches_low"].tolist() == [32044620.0, 4232930.0, 1954262.0]
    assert (df["searches_low"] == df["searches_high"]).all()
    assert df["position"].isna().all()


def test_dispatcher_detects_wordstat_top():
    assert read_keywords(FIX / "wordstat_top_bom_crlf.csv").attrs["source"] == "wordstat_top"


def test_top_reader_rejects_a_dynamics_file():
    with pytest.raises(InputError, match="wordstat_dynamics_bom_cr.csv"):
        read_wordstat_top(FIX / "wordstat_dynamics_bom_cr.csv")


@pytest.mark.parametrize("name", ["empty.csv", "garbage.bin", "trends_unknown.csv", "wordstat_top_bom_crlf.csv"])
def test_dynamics_malformed_or_unknown(name):
    with pytest.raises(InputError) as info:
        read_wordstat_dynamics(FIX / name)
    assert name in str(info.value)


def test_cp1251_legacy_encoding(tmp_path):
    p = tmp_path / "legacy.csv"
    p.write_bytes("Период;Число запросов\r\nянварь 2025;1 000\r\n".encode("cp1251"))
    s = read_wordstat_dynamics(p)
    assert s.iloc[0] == 1000.0
    assert s.attrs["share"] is None


def test_repeated_period_names_its_line(tmp_path):
    p = tmp_path / "dup.csv"
    p.write_text("Период;Число запросов\nянварь 2025;1\nянварь 2025;2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"dup\.csv: line 3: period: got 'январь 2025'; expected each period once"):
        read_wordstat_dynamics(p)
