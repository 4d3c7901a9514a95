"""End to end: the batch writes client-ready HTML, index.html and summary.csv from recorded numbers."""

from __future__ import annotations

import csv
import re
import shutil

import pytest

from tests.conftest import SAMPLE_CLIENTS
from toolkit.batch.run import run_batch

HOSTILE_NAME = "<script>alert(1)</script> & Sons"


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    clients = tmp_path_factory.mktemp("clients")
    for folder in SAMPLE_CLIENTS.iterdir():
        shutil.copytree(folder, clients / folder.name)
    hostile = clients / "hostile"
    shutil.copytree(SAMPLE_CLIENTS / "acme-cases", hostile)
    text = (hostile / "client.yaml").read_text(encoding="utf-8")
    text = text.replace("id: acme-cases", "id: hostile").replace('"Acme Phone Cases"', f'"{HOSTILE_NAME}"')
    text = text.replace('"500 orders a month by June 2027"', '"<img src=x onerror=alert(2)> 500 orders"')
    (hostile / "client.yaml").write_text(text, encoding="utf-8")
    broken = clients / "broken"
    shutil.copytree(SAMPLE_CLIENTS / "acme-cases", broken)
    (broken / "history.csv").write_text("month,sales\n2026-01,1\n2026-03,2\n2026-04,3\n", encoding="utf-8")
    # Its own id: a folder sharing acme's id would fail both as duplicates (toolkit.batch.run).
    (broken / "client.yaml").write_text((broken / "client.yaml").read_text(encoding="utf-8").replace(
        "id: acme-cases", "id: broken"), encoding="utf-8")
    out = tmp_path_factory.mktemp("reports")
    outcomes = run_batch(clients, out, jobs=2, n_paths=500)
    return out, {o.client_id: o for o in outcomes}


def test_every_good_client_gets_a_report_and_the_broken_one_fails_alone(batch):
    out, outcomes = batch
    assert outcomes["acme-cases"].status == "ok" and outcomes["nordic-bikes"].status == "ok"
    assert outcomes["broken"].status == "failed" and outcomes["broken"].bad_input
    assert "missing 2026-02" in outcomes["broken"].error
    assert not (out / "broken.html").exists()
    assert not list(out.glob("*.part"))


def test_sample_clients_get_different_verdicts(batch):
    _, outcomes = batch
    verdict = {cid: outcomes[cid].records["goals"][0]["verdict"] for cid in ("acme-cases", "nordic-bikes")}
    assert verdict["nordic-bikes"] == "beyond_capacity"
    assert verdict["acme-cases"] in {"attainable", "stretch"}


@pytest.mark.parametrize("client", ["acme-cases", "nordic-bikes"])
def test_html_is_client_ready(batch, client):
    out, _ = batch
    html = (out / f"{client}.html").read_text(encoding="utf-8")
    assert not re.search(r"<div class=\"[^\"]*(jp-InputArea-editor|highlight)", html), "code cells must not be shown"
    assert "import toolkit" not in html and "client_dir" not in html
    body = re.sub(r"<style.*?</style>", "", html, flags=re.S)
    for noise in ("Traceback", "Warning", "In&nbsp;[", "Out[", "Error"):
        assert noise not in body
    assert len(re.findall(r'<img[^>]+src="data:image/(png|svg\+xml);base64,', html)) >= 2
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="https?://', html), "report must be self-contained"
    assert "Verdict" in html and "gc-verdict" in html


def test_client_strings_are_escaped(batch):
    out, _ = batch
    html = (out / "hostile.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in index


def test_summary_csv_and_index_read_from_records(batch):
    out, outcomes = batch
    rows = list(csv.DictReader((out / "summary.csv").open(encoding="utf-8")))
    by_client = {r["client_id"]: r for r in rows}
    assert set(by_client) == {p.name for p in SAMPLE_CLIENTS.iterdir()} | {"hostile", "broken"}
    assert by_client["broken"]["status"] == "failed" and by_client["broken"]["error"]
    acme = outcomes["acme-cases"].records["goals"][0]
    assert float(by_client["acme-cases"]["probability"]) == pytest.approx(acme["probability"])
    assert by_client["nordic-bikes"]["verdict"] == "beyond_capacity"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="acme-cases.html"' in index and "Failed" in index


def test_same_seed_same_numbers(batch):
    _, outcomes = batch
    # The hostile client is acme's data under another name: same inputs and seed, same numbers.
    a, b = outcomes["acme-cases"].records["goals"][0], outcomes["hostile"].records["goals"][0]
    assert a["probability"] == b["probability"] and a["realistic_max"] == b["realistic_max"]


def test_index_rows_say_target_unit_deadline_and_a_derived_badge(batch):
    out, outcomes = batch
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "500 sales a month" in index and "June 2027" in index  # target with unit, deadline in words
    assert ">orders-500<" not in index  # no bare goal ids
    assert "gc-sortable" in index
    for g in outcomes["acme-cases"].records["goals"]:
        if g["progress_badge"] == "on_track":
            assert g["probability"] >= 0.8


def test_outputs_are_readable_as_the_umask_allows(batch):
    import os
    import stat

    from toolkit.spec.atomic import publish_mode

    out, _ = batch
    mask = os.umask(0)
    os.umask(mask)
    assert publish_mode() == 0o666 & ~mask
    for path in [out / "index.html", out / "summary.csv", *out.glob("*.html")]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask, path


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002])
def test_every_atomic_write_gets_the_umask_mode_not_mkstemps_0600(tmp_path, mask):
    """A single `goalcheck report`, a saved plan and the batch all write through atomic_write_*."""
    import os
    import stat

    from toolkit.spec.atomic import atomic_write_text

    old = os.umask(mask)
    try:
        path = atomic_write_text(tmp_path / "report.html", "<p>ok</p>")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask
    assert not list(tmp_path.glob("*.part"))


def test_milestone_section_states_its_definition(batch):
    from toolkit.engine.assess import MILESTONE_DEFINITION

    out, _ = batch
    html = (out / "acme-cases.html").read_text(encoding="utf-8")
    assert MILESTONE_DEFINITION in html.replace("&#39;", "'")
