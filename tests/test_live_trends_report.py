"""A client that asks for live Google Trends data: cached answers with a caveat, or one clear line offline.

No test touches the network: answers are replayed by a fake pytrends client, and the
real pytrends client is replaced by one that fails as an offline machine would.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import requests

from toolkit.demand import trends_cache_dir
from toolkit.errors import DataError
from toolkit.report.analysis import analyse_client
from toolkit.report.sections.market import demand_section
from toolkit.sources.trends_live import fetch_trends
from toolkit.spec import load_client

QUERY = {"terms": ["tandarts rotterdam"], "geo": "NL", "timeframe": "today 5-y"}


class ReplayTrendReq:
    """Answers like pytrends' interest_over_time(): five years of monthly interest peaking in January."""

    def build_payload(self, kw_list, cat=0, timeframe="today 5-y", geo="", gprop=""):
        self.kw_list = list(kw_list)

    def interest_over_time(self):
        dates = pd.date_range("2021-11-01", periods=60, freq="MS")
        values = np.round(70 * (1 + 0.2 * np.cos(2 * np.pi * (dates.month - 1) / 12)))
        frame = pd.DataFrame({self.kw_list[0]: values.astype(int)}, index=pd.Index(dates, name="date"))
        frame["isPartial"] = False
        return frame


class OfflineTrendReq:
    def __init__(self, *args, **kwargs):
        pass

    def build_payload(self, *args, **kwargs):
        raise requests.exceptions.ConnectionError("network is unreachable")

    def interest_over_time(self):  # pragma: no cover - never reached
        raise AssertionError


@pytest.fixture
def live_client(client_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("GOALCHECK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr("pytrends.request.TrendReq", OfflineTrendReq)

    def edit(data):
        del data["market"]["trends"]
        data["market"]["trends_live"] = dict(QUERY)

    return client_copy("lumen-dental", edit)


def _prime_cache():
    fetch_trends(QUERY["terms"], QUERY["geo"], QUERY["timeframe"], cache_dir=trends_cache_dir(),
                 client=ReplayTrendReq(), sleep=lambda s: None)


def test_cached_live_data_shapes_the_report_with_a_caveat(live_client):
    _prime_cache()
    analysis = analyse_client(load_client(live_client), n_paths=300)
    assert analysis.demand is not None and "live query" in analysis.demand.source
    assert int(np.argmax(analysis.demand.factors())) == 0  # the replayed answer peaks in January
    html = str(demand_section(analysis))
    assert 'class="gc-caveat"' in html and "altered" in html


def test_offline_with_a_stale_cache_uses_it_and_says_so(live_client):
    _prime_cache()
    for meta in trends_cache_dir().glob("*.json"):
        data = json.loads(meta.read_text(encoding="utf-8"))
        data["fetched_at"] = "2020-01-01T00:00:00+00:00"
        meta.write_text(json.dumps(data), encoding="utf-8")
    analysis = analyse_client(load_client(live_client), n_paths=300)
    assert "unavailable" in analysis.demand.caveat and "2020-01-01" in analysis.demand.caveat
    assert "unavailable" in str(demand_section(analysis))


def test_offline_without_a_cache_fails_with_one_clear_line(live_client):
    with pytest.raises(DataError) as info:
        analyse_client(load_client(live_client), n_paths=300)
    assert "\n" not in str(info.value) and "Google Trends" in str(info.value)


class UnreachableTrendReq:
    """pytrends' TrendReq asks Google for a cookie while it is built: offline, the constructor itself fails."""

    def __init__(self, *args, **kwargs):
        raise requests.exceptions.ConnectionError("HTTPSConnectionPool(host='trends.google.com'): Max retries exceeded")


def test_offline_from_the_constructor_with_a_stale_cache_uses_it(live_client, monkeypatch):
    _prime_cache()
    for meta in trends_cache_dir().glob("*.json"):
        data = json.loads(meta.read_text(encoding="utf-8"))
        data["fetched_at"] = "2020-01-01T00:00:00+00:00"
        meta.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr("pytrends.request.TrendReq", UnreachableTrendReq)
    analysis = analyse_client(load_client(live_client), n_paths=300)
    assert "unavailable (offline" in analysis.demand.caveat and "2020-01-01" in analysis.demand.caveat


def test_offline_from_the_constructor_without_a_cache_is_one_line_naming_file_and_field(live_client, monkeypatch, tmp_path):
    from click.testing import CliRunner

    from toolkit.batch.run import run_report
    from toolkit.cli import main

    monkeypatch.setattr("pytrends.request.TrendReq", UnreachableTrendReq)
    with pytest.raises(DataError) as info:
        analyse_client(load_client(live_client), n_paths=300)
    message = str(info.value)
    assert "\n" not in message and f"{live_client / 'client.yaml'}: market.trends_live: Google Trends unavailable" in message
    assert "market.trends" in message and "ConnectionError" in message
    # `check` cannot ask Google; it says the report needs it, on its one ok line.
    checked = CliRunner().invoke(main, ["check", str(live_client)])
    assert checked.exit_code == 0 and "not cached yet" in checked.stdout and "exit 2" in checked.stdout
    # The report's kernel runs the real pytrends: a proxy that refuses every connection keeps it off the network.
    for var in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.setenv(var, "http://127.0.0.1:9")
    for var in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(var, raising=False)
    outcome = run_report(live_client, tmp_path / "out", n_paths=100)
    assert outcome.status == "failed" and outcome.bad_input
    assert "market.trends_live" in outcome.error and "\n" not in outcome.error
