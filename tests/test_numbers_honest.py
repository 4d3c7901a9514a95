"""Numbers never lie silently.

NaN or infinite results, a model without a usable fit, or a Monte Carlo sample
too small for the precision a report states must raise a clear error or carry
a visible caveat, never reach a client as a plain number or a blank chart.
Same inputs and seed give byte-identical ``summary.csv`` rows.
"""

from __future__ import annotations

import io
import json
import math
import re
import shutil

import numpy as np
import pandas as pd
import pytest

from tests.corpus import SAMPLE_CLIENTS
from toolkit.batch.run import run_batch
from toolkit.engine import assess_goal, simulate_paths
from toolkit.errors import DataError, InputError, ToolkitError
from toolkit.present import fmt_month, fmt_number, fmt_percent
from toolkit.spec import MAX_DEADLINE_MONTHS, MIN_POSITIVE_MONTHS

MONTHS = pd.period_range("2024-11", periods=24, freq="M")
GROWING = 100 + 2 * np.arange(24.0)


def _history(values) -> pd.Series:
    return pd.Series(np.asarray(values, dtype=float), index=MONTHS, name="sales")


def _caveats(assessment) -> list[str]:
    """Caveats an assessment carries for the report (none of these attributes exists yet)."""
    for name in ("caveats", "warnings", "notes"):
        value = getattr(assessment, name, None)
        if value:
            return list(value)
    return []


def _assess_or_refuse(values, *, n_paths=2000, target=150.0, deadline="2027-06"):
    """Either a clear toolkit error (returned, not raised) or the assessment and its paths."""
    try:
        paths = simulate_paths(_history(values), 24, n_paths=n_paths, seed=0)
        return assess_goal(paths, target, deadline), paths
    except ToolkitError as exc:
        return exc, None


# ------------------------------------------------------------------ what already holds

def test_zero_history_is_a_clear_error_not_a_forecast():
    with pytest.raises(InputError) as info:
        simulate_paths(_history(np.zeros(24)), 24, n_paths=200, seed=0)
    message = str(info.value)
    assert "\n" not in message and "positive months" in message


@pytest.mark.parametrize("ceiling", [np.array([np.nan, 500.0]), np.array([np.inf]), 0.0, -5.0])
def test_non_finite_or_non_positive_ceiling_is_refused(ceiling):
    with pytest.raises(InputError, match="ceiling"):
        simulate_paths(_history(GROWING), 24, ceiling=ceiling, n_paths=200, seed=0)


@pytest.mark.parametrize("values", [
    GROWING,
    np.full(24, 100.0),  # constant
    np.r_[np.full(23, 100.0), 1e6],  # a huge jump in the last month
    np.r_[np.full(20, 100.0), [0, 0, 0, 0]],  # a collapse to zero
    np.full(24, 9e14) + np.arange(24),  # at the validated maximum
    1e-9 + 1e-10 * np.arange(24),  # tiny values
])
def test_every_simulated_number_is_finite_and_json_ready(values):
    result, paths = _assess_or_refuse(values, n_paths=500)
    if paths is None:
        assert isinstance(result, (InputError, DataError)) and "\n" not in str(result)
        return
    assert np.isfinite(paths.values).all() and (paths.values >= 0).all()
    d = result.to_dict()
    text = json.dumps(d, allow_nan=False)  # raises on NaN or inf
    assert 0.0 <= d["probability"] <= 1.0 and 0.0 <= d["p_never"] <= 1.0
    assert result.verdict in ("attainable", "stretch", "unattainable", "beyond_capacity")
    assert "NaN" not in text and "Infinity" not in text


def test_report_formatting_never_prints_nan_or_inf():
    for bad in (math.nan, math.inf, -math.inf, None):
        assert fmt_number(bad) == "n/a" and fmt_percent(bad) == "n/a"
    assert fmt_month(None) == "not within the horizon"


def test_client_validation_matches_what_the_engine_accepts():
    """spec.py refuses up front what paths/report would otherwise refuse inside a kernel (exit 1, not 2)."""
    from toolkit.engine import MAX_HORIZON, MIN_HISTORY

    assert MIN_POSITIVE_MONTHS == MIN_HISTORY
    assert MAX_DEADLINE_MONTHS == MAX_HORIZON


def test_same_seed_same_paths_different_seed_different_paths():
    a = simulate_paths(_history(GROWING), 24, n_paths=300, seed=7).values
    b = simulate_paths(_history(GROWING), 24, n_paths=300, seed=7).values
    c = simulate_paths(_history(GROWING), 24, n_paths=300, seed=8).values
    assert np.array_equal(a, b) and not np.array_equal(a, c)


# ------------------------------------------------------------------ determinism of the batch

@pytest.fixture(scope="module")
def two_batches(tmp_path_factory):
    """The sample clients run twice, with different worker counts, same seed and inputs."""
    clients = tmp_path_factory.mktemp("det-clients")
    for folder in SAMPLE_CLIENTS.iterdir():
        shutil.copytree(folder, clients / folder.name)
    outs = []
    for jobs in (2, 1):
        out = tmp_path_factory.mktemp(f"det-out-{jobs}")
        outcomes = run_batch(clients, out, jobs=jobs, n_paths=300, seed=3)
        assert all(o.status == "ok" for o in outcomes), [(o.client_id, o.error) for o in outcomes]
        outs.append(out)
    return outs


def test_summary_rows_are_byte_identical_across_runs(two_batches):
    first, second = ((out / "summary.csv").read_bytes() for out in two_batches)
    rows = first.splitlines()
    assert len(rows) >= 1 + len(list(SAMPLE_CLIENTS.iterdir()))
    assert first == second, "summary.csv differs between two runs with the same inputs and seed"


def test_another_seed_gives_other_numbers(two_batches, tmp_path):
    """Every random stream hangs off the seed (toolkit.priors.streams), so changing it redraws the report."""
    clients = tmp_path / "clients"
    for folder in SAMPLE_CLIENTS.iterdir():
        shutil.copytree(folder, clients / folder.name)
    outcomes = run_batch(clients, tmp_path / "out", jobs=1, n_paths=300, seed=4)
    assert all(o.status == "ok" for o in outcomes)
    assert (tmp_path / "out" / "summary.csv").read_bytes() != (two_batches[0] / "summary.csv").read_bytes()


def test_summary_rows_hold_no_nan_or_inf(two_batches):
    import csv

    rows = list(csv.DictReader((two_batches[0] / "summary.csv").open(encoding="utf-8")))
    for row in rows:
        for key in ("probability", "realistic_max", "p_never", "target"):
            value = float(row[key])
            assert math.isfinite(value), (row["client_id"], key, row[key])


# ------------------------------------------------------------------ results that would mislead are refused

@pytest.mark.parametrize("n_paths", [1, 10, 50])
def test_tiny_ensembles_are_refused_or_caveated(n_paths):
    result, paths = _assess_or_refuse(GROWING, n_paths=n_paths)
    assert isinstance(result, ToolkitError) or _caveats(result), (
        f"{n_paths} paths gave P(met)={result.probability:.0%} ({result.verdict}) with no caveat")


def test_constant_history_is_refused_or_caveated():
    result, _ = _assess_or_refuse(np.full(24, 100.0), target=100.0)
    assert isinstance(result, ToolkitError) or _caveats(result), (
        f"flat history: P(met)={result.probability:.0%} ({result.verdict}) with no caveat")


def test_a_huge_jump_is_refused_or_caveated():
    result, _ = _assess_or_refuse(np.r_[np.full(23, 100.0), 1e6])
    assert isinstance(result, ToolkitError) or _caveats(result)


def test_client_text_in_charts_is_not_parsed_as_maths():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from toolkit.report.analysis import GoalResult
    from toolkit.report.charts.forecast import plot_fan
    from toolkit.spec import Goal

    paths = simulate_paths(_history(GROWING), 24, n_paths=200, seed=0)
    goal = Goal(id="g", statement=r"Revenue from $5k to $10k \frac a month", metric="sales", target=150,
                deadline="2027-06")
    result = GoalResult(goal, paths, assess_goal(paths, 150, "2027-06"), None)
    fig, ax = plt.subplots()
    try:
        plot_fan(result, ax=ax)
        fig.savefig(io.BytesIO(), format="png")
        from matplotlib.text import Text

        shown = [t for t in fig.findobj(Text) if "Revenue" in t.get_text()]
        assert shown, "the goal statement is not on the chart"
        for text in shown:
            # Either maths parsing is off for this text, or every dollar sign is escaped.
            assert not text.get_parse_math() or re.search(r"(?<!\\)\$", text.get_text()) is None, text.get_text()
    finally:
        plt.close(fig)
