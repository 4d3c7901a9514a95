"""Client folder validation: every rule has an input that breaks it, and the message says where."""

from __future__ import annotations

import pytest

from toolkit.errors import InputError
from toolkit.spec import load_client, read_history


def test_sample_clients_load(client_copy):
    spec = load_client(client_copy("acme-cases"))
    assert spec.client.id == "acme-cases"
    assert spec.kpis.index[-1].strftime("%Y-%m") == spec.client.as_of
    assert spec.goals[0].metric in spec.kpis.columns
    assert spec.market.base_segments()[0].model == "top_down"


def _expect(folder, *fragments):
    with pytest.raises(InputError) as info:
        load_client(folder)
    message = str(info.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, message
    return message


def _set(path, value):
    def edit(data):
        node = data
        keys = path.split(".")
        for key in keys[:-1]:
            node = node[int(key)] if isinstance(node, list) else node[key]
        last = keys[-1]
        if value is _DELETE:
            del node[last]
        else:
            node[last] = value
    return edit


_DELETE = object()


@pytest.mark.parametrize("path, value, fragments", [
    ("goals.0.deadline", "2026-09", ["client.yaml", "goals.0.deadline", "after as_of"]),
    ("goals.0.deadline", "June 2027", ["goals.0.deadline", "YYYY-MM"]),
    ("goals.0.metric", "profit", ["goals.0.metric", "profit", "sales"]),
    ("goals.0.target", -5, ["goals.0.target", "-5"]),
    ("market.reachable_share", {"low": 0.2, "high": 1.4}, ["market.reachable_share", "share"]),
    ("market.avg_price", {"low": 30, "high": 20}, ["market.avg_price", "low"]),
    ("market.population", {"low": -1, "high": 20}, ["market.population", ">= 0"]),
    ("client.id", "../../x", ["client.id", "../../x", "file name"]),
    ("client.id", "a/b", ["client.id", "file name"]),
    ("client.colour", "red", ["client.colour", "no such field"]),
    ("client.as_of", _DELETE, ["client.as_of", "missing"]),
    ("history", "../elsewhere.csv", ["path", "inside the client folder"]),
    ("history", "nothere.csv", ["nothere.csv", "not found"]),
    ("market.population", _DELETE, ["market", "population"]),
])
def test_each_rule_names_file_field_and_expectation(client_copy, path, value, fragments):
    _expect(client_copy("acme-cases", _set(path, value)), *fragments)


def test_duplicate_goal_ids_rejected(client_copy):
    def edit(data):
        data["goals"].append(dict(data["goals"][0]))
    _expect(client_copy("acme-cases", edit), "goals", "unique")


def test_yaml_python_tags_are_not_executed(client_copy):
    folder = client_copy("acme-cases")
    (folder / "client.yaml").write_text("client: !!python/object/apply:os.system ['echo hacked']\n", encoding="utf-8")
    _expect(folder, "client.yaml", "invalid YAML")


def test_binary_client_file(client_copy):
    folder = client_copy("acme-cases")
    (folder / "client.yaml").write_bytes(b"\xff\xfe\x00\x01binary")
    _expect(folder, "client.yaml")


def _history(tmp_path, text):
    path = tmp_path / "history.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, fragments", [
    ("month,sales\n2026-01,1\n2026-03,2\n2026-04,3\n", ["month", "missing 2026-02", "without gaps"]),
    ("month,sales\n2026-01,1\n2026-01,2\n2026-02,3\n", ["month", "each month once"]),
    ("month,sales\n2026-01,1\n2026-02,lots\n2026-03,3\n", ["sales (row 3)", "lots", "a number"]),
    ("month,sales\n2026-01,1\n2026-02,-4\n2026-03,3\n", ["sales (row 3)", ">= 0"]),
    ("month,sales\n01/2026,1\n02/2026,2\n03/2026,3\n", ["month (row 2)", "YYYY-MM"]),
    ("date,sales\n2026-01,1\n", ["header", "month"]),
    ("month,sales\n2026-01,1\n2026-02,2\n", ["at least 3 months"]),
    ("", ["unreadable CSV"]),
])
def test_history_rules(tmp_path, text, fragments):
    with pytest.raises(InputError) as info:
        read_history(_history(tmp_path, text))
    for fragment in fragments:
        assert fragment in str(info.value), str(info.value)
    assert "history.csv" in str(info.value)


def test_history_truncated_at_as_of_and_must_reach_it(tmp_path):
    path = _history(tmp_path, "month,sales\n2026-01,1\n2026-02,2\n2026-03,3\n2026-04,4\n")
    assert str(read_history(path, as_of="2026-03").index[-1]) == "2026-03"
    with pytest.raises(InputError, match="history up to as_of 2026-06"):
        read_history(path, as_of="2026-06")


def test_history_with_bom_and_spaces(tmp_path):
    path = tmp_path / "h.csv"
    path.write_bytes("\ufeffmonth, sales\n2026-01, 10\n2026-02, 12\n2026-03, 11\n".encode("utf-8"))
    kpis = read_history(path)
    assert list(kpis["sales"]) == [10.0, 12.0, 11.0]
