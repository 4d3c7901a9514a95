"""Google Keyword Planner exports: UTF-16 TSV, title lines, ranges."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import InputError
from toolkit.sources.keyword_planner import parse_volume, read_keyword_planner, read_keyword_planner_monthly
from toolkit.sources.keywords import KEYWORD_COLUMNS, read_keywords

FIX = Path(__file__).parent / "fixtures"


def test_ranges_become_low_high():
    df = read_keyword_planner(FIX / "keyword_planner_ranges.csv")
    assert list(df.columns) == KEYWORD_COLUMNS
    assert df.attrs["source"] == "keyword_planner"
    assert df.attrs["ranged"] is True
    assert df.attrs["period"] == "October 1, 2025 - September 30, 2026"
    assert df["keyword"].tolist() == ["phone case", "leather phone case", "wooden phone case"]
    assert df["searches_low"].tolist() == [10_000.0, 1_000.0, 100.0]
    assert df["searches_high"].tolist() == [100_000.0, 10_000.0, 1_000.0]
    assert df["position"].isna().all()


def test_exact_volumes_and_monthly_series():
    df = read_keyword_planner(FIX / "keyword_planner_exact.csv")
    assert df.attrs["ranged"] is False
    assert (df["searches_low"] == df["searches_high"]).all()
    monthly = read_keyword_planner_monthly(FIX / "keyword_planner_exact.csv")
    assert list(monthly.index) == [pd.Timestamp("2026-08-01"), pd.Timestamp("2026-09-01")]
    assert monthly["phone case"].tolist() == [40000.0, 41000.0]


def test_monthly_ranges_use_the_requested_bound():
    low = read_keyword_planner_monthly(FIX / "keyword_planner_ranges.csv", bound="low")
    mid = read_keyword_planner_monthly(FIX / "keyword_planner_ranges.csv")
    assert low["wooden phone case"].tolist() == [100.0, 10.0, 100.0]
    assert mid["wooden phone case"].iloc[1] == 55.0
    assert low.index[0] == pd.Timestamp("2026-07-01")


def test_dispatcher_detects_keyword_planner():
    assert read_keywords(FIX / "keyword_planner_ranges.csv").attrs["source"] == "keyword_planner"


@pytest.mark.parametrize(
    "cell, expected",
    [("1K – 10K", (1e3, 1e4)), ("1K - 10K", (1e3, 1e4)), ("100 – 1K", (100.0, 1e3)), ("1M – 10M", (1e6, 1e7)), ("1,300", (1300.0, 1300.0))],
)
def test_parse_volume(cell, expected):
    assert parse_volume(cell) == expected


def test_parse_volume_empty_is_nan():
    assert all(np.isnan(v) for v in parse_volume(""))


def test_text_in_volume_column():
    with pytest.raises(InputError, match=r"keyword_planner_text\.csv: line 4: Avg\. monthly searches: got 'lots'"):
        read_keyword_planner(FIX / "keyword_planner_text.csv")


@pytest.mark.parametrize("name", ["empty.csv", "garbage.bin", "keywords_ours.csv"])
def test_malformed_or_unknown(name):
    with pytest.raises(InputError) as info:
        read_keyword_planner(FIX / name)
    assert name in str(info.value)


def test_keywords_without_volume_are_listed_not_kept_as_nan(tmp_path, caplog):
    p = tmp_path / "kp.csv"
    p.write_bytes("Keyword\tAvg. monthly searches\nrare phrase\t\nphone case\t10\n".encode("utf-16"))
    with caplog.at_level("WARNING", logger="toolkit"):
        df = read_keyword_planner(p)
    assert df["keyword"].tolist() == ["phone case"]
    assert df.attrs["no_volume"] == ["rare phrase"]
    assert "rare phrase" in caplog.text
