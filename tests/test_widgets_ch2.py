"""Tests for the chapter 2 widget builders: sparsity_path and sparsity_widget."""

import re

import matplotlib
import numpy as np
import pytest
from sklearn.decomposition import sparse_encode

from reprcourse.widgets import sparsity_path, sparsity_widget

LAMS = (0.05, 0.2, 0.8)


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 16))
    D = rng.normal(size=(16, 24))
    D /= np.linalg.norm(D, axis=0)
    Q, _ = np.linalg.qr(rng.normal(size=(16, 16)))
    return X, D, Q


def test_sparsity_path_matches_sklearn_and_is_monotone(problem):
    X, D, _ = problem
    path = sparsity_path(X, D, LAMS, n_keep=3)
    assert path["recon"].shape == (3, 3, 16)
    for i, lam in enumerate(LAMS):
        H = sparse_encode(X, D.T, algorithm="lasso_cd", alpha=lam, max_iter=10_000)
        R = X - H @ D.T
        ref = np.mean(0.5 * (R ** 2).sum(1) + lam * np.abs(H).sum(1))
        assert path["objective"][i] == pytest.approx(ref, rel=1e-4)
    assert np.all(np.diff(path["nnz"]) <= 0)                     # larger λ, sparser codes
    assert np.all(np.diff(path["error"]) >= 0)                   # ... and larger error


def test_sparsity_path_orthogonal_dictionary_is_soft_thresholding(problem):
    X, _, Q = problem
    path = sparsity_path(X, Q, LAMS, n_keep=40)
    for i, lam in enumerate(LAMS):
        Z = X @ Q
        H = np.sign(Z) * np.maximum(np.abs(Z) - lam, 0)
        np.testing.assert_allclose(path["recon"][i], H @ Q.T, atol=1e-5)
        assert path["nnz"][i] == pytest.approx((H != 0).sum(1).mean())


@pytest.mark.parametrize("kwargs, error, match", [
    ({"lams": ()}, ValueError, "lams is empty"),
    ({"lams": (0.5, 0.1)}, ValueError, "strictly increasing"),
    ({"lams": (0.0, 0.1)}, ValueError, "lams must be > 0"),
    ({"lams": ("a",)}, TypeError, "lams must be a real number"),
    ({"D": np.ones((16, 3))}, ValueError, "unit-norm"),
    ({"D": np.eye(15)}, ValueError, "D has 15 rows but X has 16 features"),
    ({"X": np.full((4, 16), np.nan)}, ValueError, "NaN"),
    ({"n_keep": 41}, ValueError, "n_keep must be <= 40"),
])
def test_sparsity_path_bad_input(problem, kwargs, error, match):
    X, D, _ = problem
    args = {"X": X, "D": D, "lams": LAMS, **kwargs}
    n_keep = args.pop("n_keep", 0)
    with pytest.raises(error, match=match):
        sparsity_path(args["X"], args["D"], args["lams"], n_keep=n_keep)


def test_live_widget_redraws_when_the_slider_moves(problem):
    X, D, Q = problem
    w = sparsity_widget(X, {"random": D, "PCA basis": Q}, LAMS, show=[3, 5], shape=(4, 4),
                        mode="live")
    names = [s.description for s in w.kwargs_widgets]
    assert names == ["λ", "dictionary"]
    fig = w.result
    assert isinstance(fig, matplotlib.figure.Figure)
    before = fig._suptitle.get_text()
    image_before = fig.axes[2].images[0].get_array().copy()
    assert "λ = 0.2" in before
    w.kwargs_widgets[0].value = LAMS[-1]
    after = w.result._suptitle.get_text()
    assert "λ = 0.8" in after and after != before
    nnz = [float(re.search(r": ([\d.]+) of", t).group(1)) for t in (before, after)]
    assert nnz[1] < nnz[0]                                       # sparser at larger λ
    assert not np.array_equal(w.result.axes[2].images[0].get_array(), image_before)
    w.kwargs_widgets[1].value = "PCA basis"
    assert w.result._suptitle.get_text().startswith("PCA basis")


def test_static_widget_has_one_frame_per_grid_value(problem):
    X, D, _ = problem
    html = sparsity_widget(X, D, LAMS, show=2, shape=(4, 4), mode="static").data
    frames = re.search(r"var F=(\[.*?\]);", html).group(1)
    assert frames.count("data:image/png;base64,") == len(LAMS)
    assert html.count('<input type="range"') == 1
    assert f'max="{len(LAMS) - 1}"' in html


@pytest.mark.parametrize("kwargs, error, match", [
    ({"D": {}}, ValueError, "empty dict"),
    ({"lams": tuple(np.linspace(0.1, 1, 41))}, ValueError, "at most 40"),
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
