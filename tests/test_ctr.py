"""CTR reference curves: the shipped data, named curves, the spread and interpolation."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import InputError
from toolkit.priors import Z90
from toolkit.priors.ctr import CTR_FILE, ctr_model, curve_names, load_ctr_curves

CURVES = ["aol-2006", "backlinko-2019", "sistrix-2020", "backlinko-2023", "firstpagesage-2024"]


@pytest.fixture(scope="module")
def curves():
    return load_ctr_curves()


def test_shipped_file_has_sources_years_and_positions_1_to_10(curves):
    assert CTR_FILE.is_file()
    assert {"curve", "position", "ctr", "status", "year", "source"} <= set(curves.columns)
    assert curve_names(curves) == CURVES
    for name, rows in curves.groupby("curve"):
        assert rows["position"].tolist() == list(range(1, 11)), name
        assert rows["source"].notna().all() and rows["year"].between(2006, 2024).all()
        assert set(rows["status"]) <= {"published", "approximate"}
    assert curves["ctr"].between(0, 1, inclusive="neither").all()


def test_position_one_matches_the_published_headline_figures(curves):
    first = curves[curves["position"] == 1].set_index("curve")["ctr"]
    # AOL 2006 42.1% (share of clicks), Backlinko 2019 31.7%, SISTRIX 2020 28.5%,
    # Backlinko 2023 27.6%, First Page Sage 2024 39.8%
    assert first.to_dict() == pytest.approx({"aol-2006": 0.421, "backlinko-2019": 0.317, "sistrix-2020": 0.285,
                                             "backlinko-2023": 0.276, "firstpagesage-2024": 0.398})
    assert (curves[curves["position"] == 1]["status"] == "published").all()


def test_position_one_is_each_curves_maximum_and_top3_falls(curves):
    for name, rows in curves.groupby("curve"):
        ctr = rows.sort_values("position")["ctr"].to_numpy()
        assert ctr[0] == ctr.max(), name
        assert ctr[0] > ctr[1] > ctr[2] > ctr[3], name


def test_readme_documents_every_curve():
    text = (Path(CTR_FILE).parent / "README.md").read_text()
    for name in CURVES:
        assert name in text
    assert "approximate" in text and "Advanced Web Ranking" in text


def test_named_curve_returns_its_values_at_integer_positions(curves):
    model = ctr_model("sistrix-2020")
    table = curves[curves["curve"] == "sistrix-2020"]["ctr"].to_numpy()
    assert not model.uncertain
    assert model(np.arange(1, 11)) == pytest.approx(table)
    assert model(np.arange(1, 11), z=3.0) == pytest.approx(table)  # z has no effect on a named curve


def test_fractional_position_interpolates_linearly():
    model = ctr_model("firstpagesage-2024")
    assert float(model(2.5)) == pytest.approx((0.187 + 0.102) / 2)
    assert float(model(1.25)) == pytest.approx(0.398 + 0.25 * (0.187 - 0.398))
    assert float(model(9.9)) == pytest.approx(0.019 + 0.9 * (0.016 - 0.019))


def test_positions_are_clamped_to_the_table():
    model = ctr_model("aol-2006")
    assert float(model(0.5)) == pytest.approx(0.421)
    assert float(model(15)) == pytest.approx(0.030)


def test_spread_spans_min_and_max_of_the_studies_as_a_90_percent_interval(curves):
    model = ctr_model()
    assert model.name == "spread" and model.uncertain
    wide = curves.pivot(index="position", columns="curve", values="ctr")
    positions = np.arange(1, 11)
    assert model(positions, -Z90) == pytest.approx(wide.min(axis=1).to_numpy())
    assert model(positions, Z90) == pytest.approx(wide.max(axis=1).to_numpy())
    mid = model(positions, 0.0)
    assert np.all(mid > wide.min(axis=1).to_numpy()) and np.all(mid < wide.max(axis=1).to_numpy())
    assert ctr_model("spread").mu == pytest.approx(model.mu)


def test_spread_draws_are_coherent_curves():
    model = ctr_model()
    z = np.random.default_rng(1).standard_normal(5000)
    c1, c2 = model(1.0, z), model(2.0, z)
    assert np.all(c1 > c2)  # one z moves the whole curve: position 1 always beats 2
    assert np.quantile(c1, 0.05) == pytest.approx(0.276, rel=0.05)
    assert np.quantile(c1, 0.95) == pytest.approx(0.421, rel=0.05)


def test_ctr_is_vectorised_over_positions_and_draws():
    model = ctr_model()
    p = np.array([1.0, 3.5, 7.2])
    z = np.array([0.1, -0.5, 1.0])
    out = model(p, z)
    assert out.shape == (3,)
    assert out == pytest.approx([float(model(pi, zi)) for pi, zi in zip(p, z)])


def test_unknown_curve_is_an_input_error_naming_the_field():
    with pytest.raises(InputError, match=r"market\.ctr_curve.*'bing-1999'.*sistrix-2020") as info:
        ctr_model("bing-1999")
    assert info.value.field == "market.ctr_curve"


def test_custom_curves_table():
    frame = pd.DataFrame({"curve": ["mine"] * 3, "position": [1, 2, 3], "ctr": [0.2, 0.1, 0.05]})
    model = ctr_model("mine", frame)
    assert model.max_position == 3
    assert float(model(2.5)) == pytest.approx(0.075)
    with pytest.raises(InputError, match="ctr"):
        ctr_model("mine", frame.assign(ctr=[1.2, 0.1, 0.05]))
    with pytest.raises(InputError, match="positions"):
        ctr_model("mine", frame.assign(position=[1, 3, 2]))
