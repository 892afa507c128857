"""Tests for the chapter 2 widget: sparsity_widget (λ against sparsity and error)."""

import re

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from reprcourse.widgets import sparsity_widget  # noqa: E402
from reprcourse.sparse_coding import lasso_path  # noqa: E402

LAMS = (0.05, 0.2, 0.8)


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 16))
    D = rng.normal(size=(16, 24))
    D /= np.linalg.norm(D, axis=0)
    Q, _ = np.linalg.qr(rng.normal(size=(16, 16)))
    return X, D, Q


def nnz_in(title):
    return float(re.search(r": ([\d.]+) of", title).group(1))


def test_live_widget_redraws_when_the_slider_moves(problem):
    X, D, Q = problem
    w = sparsity_widget(X, {"random": D, "PCA basis": Q}, LAMS, show=[3, 5], shape=(4, 4),
                        mode="live")
    assert [s.description for s in w.kwargs_widgets] == ["λ", "dictionary"]
    w.kwargs_widgets[1].value = "random"
    fig = w.result
    before = fig._suptitle.get_text()
    image_before = fig.axes[2].images[0].get_array().copy()
    assert "λ = 0.2" in before
    w.kwargs_widgets[0].value = LAMS[-1]
    after = w.result._suptitle.get_text()
    assert "λ = 0.8" in after and after != before
    assert nnz_in(after) < nnz_in(before)                        # sparser at larger λ
    assert not np.array_equal(w.result.axes[2].images[0].get_array(), image_before)
    assert w.result is fig                                       # one figure, redrawn
    w.kwargs_widgets[1].value = "PCA basis"
    assert w.result._suptitle.get_text().startswith("PCA basis")


def test_frames_match_the_lasso_path(problem):
    X, D, _ = problem
    w = sparsity_widget(X, D, LAMS, show=2, shape=(4, 4), mode="live")
    path = lasso_path(X, D, LAMS, n_keep=2)
    for i, lam in enumerate(LAMS):
        w.kwargs_widgets[0].value = lam
        assert nnz_in(w.result._suptitle.get_text()) == pytest.approx(path["nnz"][i], abs=0.051)
        marker = w.result.axes[0].lines[-1]                      # the current λ on the curve
        assert marker.get_xdata()[0] == lam
        assert marker.get_ydata()[0] == pytest.approx(path["nnz"][i])


def test_axes_stay_fixed_across_frames(problem):
    X, D, Q = problem
    w = sparsity_widget(X, {"random": D, "PCA basis": Q}, LAMS, show=2, shape=(4, 4),
                        mode="live")
    limits = [(ax.get_xlim(), ax.get_ylim()) for ax in w.result.axes]
    w.kwargs_widgets[0].value, w.kwargs_widgets[1].value = LAMS[0], "random"
    assert [(ax.get_xlim(), ax.get_ylim()) for ax in w.result.axes] == limits


def test_static_widget_has_one_frame_per_grid_value(problem):
    X, D, _ = problem
    html = sparsity_widget(X, D, LAMS, show=2, shape=(4, 4), mode="static").data
    frames = re.search(r"var F = (\[.*?\]),", html).group(1)
    assert frames.count("data:image/png;base64,") == len(LAMS)
    assert html.count('<input type="range"') == 1
    assert f'max="{len(LAMS) - 1}"' in html


@pytest.mark.parametrize("kwargs, error, match", [
    ({"D": {}}, ValueError, "empty dict"),
    ({"lams": tuple(np.linspace(0.1, 1, 41))}, ValueError, "at most 40"),
    ({"lams": (0.5, 0.1)}, ValueError, "increasing"),
    ({"D": np.ones((16, 3))}, ValueError, "unit-norm"),
    ({"show": 0}, ValueError, "show must be >= 1"),
    ({"show": [40]}, ValueError, "show must be <= 39"),
    ({"show": 2.5}, TypeError, "show must be an integer"),
])
def test_sparsity_widget_bad_input(problem, kwargs, error, match):
    X, D, _ = problem
    args = {"D": D, "lams": LAMS, "show": 2, **kwargs}
    with pytest.raises(error, match=match):
        sparsity_widget(X, args["D"], args["lams"], show=args["show"], shape=(4, 4),
                        mode="live")


def test_chapter_2_figures_do_not_separate_by_colour_alone(problem):
    """ISTA/FISTA curves, the ℓ1/ℓ2 solutions and the widget's dictionaries differ by line
    style or marker as well as colour (issue 25)."""
    from reprcourse.figures import ch02_sparse_coding as C2
    ax = C2.gap_curves_plot({"ISTA": np.logspace(0, -3, 10), "FISTA": np.logspace(0, -9, 10)})
    ista_line, fista_line = ax.get_lines()[:2]
    assert ista_line.get_linestyle() != fista_line.get_linestyle()
    assert ista_line.get_marker() != fista_line.get_marker()
    fig = C2.penalty_figure()
    markers = {line.get_label(): line.get_marker() for line in fig.axes[1].get_lines()}
    assert markers["ℓ1 solution: sparse"] != markers["ℓ2 solution: dense"]
    X, D, Q = problem
    paths = {name: lasso_path(X, Dn, LAMS, n_keep=2) for name, Dn in
             {"random": D, "PCA basis": Q}.items()}
    view = C2.SparsityView(paths, X[:2], colors={"random": "C0", "PCA basis": "C1"},
                           n_atoms={"random": 24, "PCA basis": 16}, shape=(4, 4))
    first, second = (pair[0] for pair in view.lines.values())
    assert (first.get_linestyle(), first.get_marker()) != (second.get_linestyle(),
                                                           second.get_marker())


def _fits(fig, min_pt=10):
    """Every text at least ``min_pt`` and everything drawn inside the figure."""
    from matplotlib.text import Text
    fig.canvas.draw()
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]
    bb, (w, h) = fig.get_tightbbox(), fig.get_size_inches()
    return min(sizes) >= min_pt and bb.x0 >= -0.02 and bb.y0 >= -0.02 and \
        bb.x1 <= w + 0.02 and bb.y1 <= h + 0.02


@pytest.mark.parametrize("figsize", [(5.0, 2.6), (6.9, 3.1)])
def test_frames_at_another_size_keep_one_layout_and_fit(problem, figsize):
    """figsize= (e.g. a small figure shown large on a slide): laid out once for that size,
    nothing cut off, text as in the book, the axes fixed across frames."""
    X, D, Q = problem
    w = sparsity_widget(X, {"random": D, "PCA basis": Q}, LAMS, show=[3, 5], shape=(4, 4),
                        mode="live", figsize=figsize)
    fig = w.result
    assert tuple(fig.get_size_inches()) == pytest.approx(figsize)
    boxes = [ax.get_position().bounds for ax in fig.axes]
    for lam in (0.05, 0.8):
        w.kwargs_widgets[0].value = lam
        assert _fits(w.result)
        assert [ax.get_position().bounds for ax in w.result.axes] == boxes
    html = sparsity_widget(X, D, LAMS, show=2, shape=(4, 4), mode="static",
                           figsize=figsize, dpi=50).data
    assert f'max-width:{int(figsize[0] * 50) + 20}px' in html.replace(" ", "")


def test_figsize_must_be_two_positive_numbers(problem):
    X, D, _ = problem
    for bad in ((5.0,), (0, 3), "big"):
        with pytest.raises(ValueError, match="figsize"):
            sparsity_widget(X, D, LAMS, show=2, shape=(4, 4), mode="static", figsize=bad)
