"""The report's charts: legends never cover data, every band drawn is in the legend, no tick label is
clipped by the figure or runs into its neighbour, counts sit on whole-number ticks.

Checked in display coordinates, on the sample clients, with the margins the report uses.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402
from matplotlib.patches import Polygon, Rectangle  # noqa: E402

from tests.corpus import SAMPLE_CLIENTS  # noqa: E402
from toolkit.report.analysis import analyse_client  # noqa: E402
from toolkit.report.charts.capacity import plot_capacity  # noqa: E402
from toolkit.report.charts.forecast import (  # noqa: E402
    LEGEND_MARGINS,
    plot_fan,
    plot_reach_dates,
    setup_report_style,
)
from toolkit.spec import load_client  # noqa: E402


@pytest.fixture(scope="module", params=["acme-cases", "lumen-dental", "nordic-bikes"])
def analysis(request):
    setup_report_style()  # the report's figure size and resolution
    return analyse_client(load_client(SAMPLE_CLIENTS / request.param), n_paths=300)


def _laid_out(fig):
    width, height = fig.get_size_inches()
    m = LEGEND_MARGINS
    fig.subplots_adjust(left=m["left"] / width, right=1 - m["right"] / width, bottom=m["bottom"] / height,
                        top=1 - m["top"] / height)
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def _data_points(ax) -> np.ndarray:
    """Display coordinates of every plotted line vertex and band vertex (inside the axes)."""
    points = []
    for line in ax.get_lines():
        xy = line.get_xydata()
        if len(xy):
            points.append(line.get_transform().transform(xy))
    for coll in ax.collections:
        if isinstance(coll, PolyCollection):
            for path in coll.get_paths():
                points.append(coll.get_transform().transform(path.vertices))
    for patch in ax.patches:
        if isinstance(patch, (Polygon, Rectangle)):
            points.append(patch.get_transform().transform(patch.get_path().vertices))
    pts = np.concatenate(points) if points else np.empty((0, 2))
    box = ax.get_window_extent()
    inside = (pts[:, 0] >= box.x0) & (pts[:, 0] <= box.x1) & (pts[:, 1] >= box.y0) & (pts[:, 1] <= box.y1)
    return pts[inside & np.isfinite(pts).all(axis=1)]


def _check(fig, ax):
    renderer = _laid_out(fig)
    legend = ax.get_legend()
    assert legend is not None
    lbox = legend.get_window_extent(renderer)
    pts = _data_points(ax)
    covered = (pts[:, 0] > lbox.x0) & (pts[:, 0] < lbox.x1) & (pts[:, 1] > lbox.y0) & (pts[:, 1] < lbox.y1)
    assert not covered.any(), "the legend covers plotted data"
    fbox = fig.bbox
    for axis in (ax.xaxis, ax.yaxis):
        lo, hi = sorted(axis.get_view_interval())
        boxes = [t.get_window_extent(renderer) for loc, t in zip(axis.get_majorticklocs(), axis.get_majorticklabels())
                 if lo <= loc <= hi and t.get_visible() and t.get_text()]
        for b in boxes:
            assert b.x0 >= fbox.x0 - 0.5 and b.x1 <= fbox.x1 + 0.5 and b.y0 >= fbox.y0 - 0.5 and b.y1 <= fbox.y1 + 0.5, \
                f"tick label clipped: {b}"
        if axis is ax.xaxis:
            boxes.sort(key=lambda b: b.x0)
            for left, right in zip(boxes, boxes[1:]):
                assert left.x1 <= right.x0 + 0.5, "x tick labels run into each other"
    assert lbox.x1 <= fbox.x1 + 0.5, "the legend is clipped by the figure"
    plt.close(fig)


def test_fan_chart(analysis):
    for result in analysis.goals:
        fig, ax = plt.subplots()
        plot_fan(result, ax=ax)
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        # Every band drawn is in the legend.
        n_bands = sum(isinstance(c, PolyCollection) for c in ax.collections) + len(ax.patches)
        assert sum(("futures" in t) or ("Ceiling, low" in t) for t in labels) >= n_bands
        ticks = [v for v in ax.get_yticks() if ax.get_ylim()[0] <= v <= ax.get_ylim()[1]]
        assert all(float(v).is_integer() for v in ticks), ticks  # counts on whole-number ticks
        _check(fig, ax)


def test_reach_chart(analysis):
    for result in analysis.goals:
        if result.assessment.p_never >= 1:
            continue  # the report says it in a sentence instead
        fig, ax = plt.subplots(figsize=(8, 2.8))
        plot_reach_dates(result, ax=ax)
        _check(fig, ax)


def test_capacity_chart(analysis):
    if analysis.capacity is None:
        pytest.skip("no market inputs")
    fig, ax = plt.subplots()
    plot_capacity(analysis.capacity, ax=ax, what="units")
    assert not any("x10" in t.get_text() or "^" in t.get_text() for t in ax.get_xticklabels())
    _check(fig, ax)


def test_progress_chart():
    from toolkit.cycle.review import actuals_for, review_client
    from toolkit.report.charts.progress import plot_progress

    setup_report_style()
    spec = load_client(SAMPLE_CLIENTS / "acme-cases")
    review = review_client(spec, as_of=spec.client.as_of, n_paths=200)[0]
    fig, ax = plt.subplots(figsize=(8, 3.6))
    plot_progress(review, history=actuals_for(spec)[review.metric], ax=ax)
    assert review.status not in ax.get_title()  # the badge, not the chart, states the status
    _check(fig, ax)
