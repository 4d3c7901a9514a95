"""Live pytrends source: replayed answers, backoff, cache, offline fallback. No network."""

import json
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
import requests
from pytrends.exceptions import ResponseError, TooManyRequestsError

from toolkit.errors import DataError, InputError
from toolkit.sources.trends import read_trends_csv
from toolkit.sources.trends_live import BOT_CAVEAT, fetch_trends

FIX = Path(__file__).parent / "fixtures"
TERMS = ["phone case", "screen protector"]


class _Response:
    def __init__(self, status_code):
        self.status_code = status_code


def recorded():
    """The interest_over_time() frame pytrends returned, as recorded in the fixture."""
    return pd.read_csv(FIX / "pytrends_recorded_iot.csv", index_col="date", parse_dates=["date"])


class FakeTrendReq:
    """Replays a script of answers: a DataFrame, or an exception to raise."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.payloads = []

    def build_payload(self, kw_list, cat=0, timeframe="today 5-y", geo="", gprop=""):
        self.payloads.append((list(kw_list), cat, timeframe, geo))

    def interest_over_time(self):
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer


def too_many():
    return TooManyRequestsError.from_response(_Response(429))


def test_fetch_has_csv_shape_and_live_attrs(tmp_path):
    client = FakeTrendReq(recorded())
    df = fetch_trends(TERMS, "US", "today 3-m", cache_dir=tmp_path, client=client, sleep=lambda s: None)
    assert list(df.columns) == TERMS
    assert isinstance(df.index, pd.DatetimeIndex) and df.index.name == "date"
    assert df.dtypes.eq(float).all()
    assert df.attrs["source"] == "live"
    assert df.attrs["region"] == "US"
    assert df.attrs["frequency"] == "W"
    assert df.attrs["partial"] == ["2025-11-02T00:00:00"]
    assert df.attrs["caveat"] == BOT_CAVEAT
    assert df.attrs["from_cache"] is False
    assert client.payloads == [(TERMS, 0, "today 3-m", "US")]
    # same shape as the CSV reader gives for the same data
    csv = read_trends_csv(FIX / "pytrends_recorded_iot.csv")
    pd.testing.assert_frame_equal(df, csv, check_freq=False)


def test_backoff_on_429_is_exponential(tmp_path):
    waits = []
    client = FakeTrendReq(too_many(), too_many(), recorded())
    df = fetch_trends(TERMS, cache_dir=tmp_path, client=client, base_delay=1.5, sleep=waits.append)
    assert waits == [1.5, 3.0]
    assert len(df) == 5


def test_cache_written_atomically_and_reused_without_network(tmp_path):
    fetch_trends(TERMS, "US", cache_dir=tmp_path, client=FakeTrendReq(recorded()), sleep=lambda s: None)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert len(files) == 2 and files[0].endswith(".csv") and files[1].endswith(".json")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp leftovers
    meta = json.loads((tmp_path / files[1]).read_text(encoding="utf-8"))
    assert meta["terms"] == TERMS and meta["geo"] == "US"
    empty = FakeTrendReq()  # would raise IndexError if asked
    df = fetch_trends(TERMS, "US", cache_dir=tmp_path, client=empty, sleep=lambda s: None)
    assert df.attrs["from_cache"] is True and not empty.payloads


def test_cache_key_depends_on_query(tmp_path):
    fetch_trends(TERMS, "US", cache_dir=tmp_path, client=FakeTrendReq(recorded()), sleep=lambda s: None)
    fetch_trends(TERMS, "FR", cache_dir=tmp_path, client=FakeTrendReq(recorded()), sleep=lambda s: None)
    assert len(list(tmp_path.glob("*.csv"))) == 2


def test_offline_uses_stale_cache_with_caveat(tmp_path):
    fetch_trends(TERMS, cache_dir=tmp_path, client=FakeTrendReq(recorded()), sleep=lambda s: None)
    offline = FakeTrendReq(requests.exceptions.ConnectionError("no route"))
    df = fetch_trends(TERMS, cache_dir=tmp_path, client=offline, max_age=None, sleep=lambda s: None)
    assert df.attrs["from_cache"] is True
    caveat = df.attrs["caveat"]
    assert "offline" in caveat and "cached data fetched" in caveat and "suspected bots" in caveat
    assert "\n" not in caveat
    assert list(df.columns) == TERMS


def test_429_exhausted_uses_cache(tmp_path):
    fetch_trends(TERMS, cache_dir=tmp_path, client=FakeTrendReq(recorded()), sleep=lambda s: None)
    waits = []
    blocked = FakeTrendReq(*[too_many() for _ in range(3)])
    df = fetch_trends(TERMS, cache_dir=tmp_path, client=blocked, max_retries=2, max_age=timedelta(0), sleep=waits.append)
    assert waits == [2.0, 4.0]
    assert "HTTP 429 after 3 attempts" in df.attrs["caveat"]


def test_offline_without_cache_raises_data_error(tmp_path):
    offline = FakeTrendReq(requests.exceptions.ConnectionError("no route"))
    with pytest.raises(DataError) as info:
        fetch_trends(TERMS, cache_dir=tmp_path, client=offline, sleep=lambda s: None)
    message = str(info.value)
    assert "offline" in message and "market.trends" in message and "\n" not in message


def test_blocked_400_is_not_retried(tmp_path):
    waits = []
    client = FakeTrendReq(ResponseError.from_response(_Response(400)))
    with pytest.raises(DataError, match="blocked: HTTP 400"):
        fetch_trends(TERMS, cache_dir=tmp_path, client=client, sleep=waits.append)
    assert waits == []


def test_empty_answer_is_data_error(tmp_path):
    with pytest.raises(DataError, match="no data"):
        fetch_trends(TERMS, cache_dir=tmp_path, client=FakeTrendReq(pd.DataFrame()), sleep=lambda s: None)


@pytest.mark.parametrize("terms", [[], ["a", "b", "c", "d", "e", "f"], ["ok", " "]])
def test_bad_terms(terms, tmp_path):
    with pytest.raises(InputError, match="terms"):
        fetch_trends(terms, cache_dir=tmp_path, client=FakeTrendReq(), sleep=lambda s: None)
