"""Chapters 0 and 1: every exercise check passes the chapter's own solution and rejects the
plausible wrong answers students write (sign-blind, transposed, unnormalised, off by one
step ...); the chapter-1 figures render readably; the cluster report counts right."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import notebook_solutions  # noqa: E402
from test_figures import check  # noqa: E402  (the readability check of every figure)

from reprcourse.exercises import ch00, ch01  # noqa: E402
from reprcourse.figures.ch01_structure import (clusters_and_digits_figure,  # noqa: E402
                                               kmeans_centres_figure)
from reprcourse.structure import clusters_vs_classes, kmeans  # noqa: E402

sol = notebook_solutions.chapter_solutions(
    Path(__file__).resolve().parents[1] / "book" / "00_introduction.ipynb")
sol1 = notebook_solutions.chapter_solutions(
    Path(__file__).resolve().parents[1] / "book" / "01_structure_learning.ipynb")


def _means(X, y):
    return np.stack([X[y == c].mean(0) for c in range(10)])


def _d2(A, B):
    return ((A[:, None, :] - B[None, :, :]) ** 2).sum(-1)


WRONG_CH00 = {
    "farthest mean": lambda X, y, C: (_means(X, y), _d2(C, _means(X, y)).argmax(1)),
    "transposed: nearest centre of each digit": lambda X, y, C: (
        _means(X, y), _d2(C, _means(X, y)).argmin(0)),
    "medians, not means": lambda X, y, C: (
        np.stack([np.median(X[y == c], 0) for c in range(10)]),
        _d2(C, _means(X, y)).argmin(1)),
    "nearest sample's digit, not nearest mean": lambda X, y, C: (
        _means(X, y), y[_d2(C, X).argmin(1)]),
    "means of the first 10 samples": lambda X, y, C: (X[:10], _d2(C, X[:10]).argmin(1)),
}


def test_ch00_solution_passes(capsys):
    assert ch00.check_centre_digits(sol["solution_centre_digits"])
    assert capsys.readouterr().out.startswith("✓ centre_digits: all 4 cases")


@pytest.mark.parametrize("what", list(WRONG_CH00))
def test_ch00_wrong_answers_fail(what, capsys):
    assert not ch00.check_centre_digits(WRONG_CH00[what])
    assert capsys.readouterr().out.startswith("✗ centre_digits: case '")


def test_ch00_stub_and_bad_answers(capsys):
    def stub(*a):
        raise NotImplementedError

    assert not ch00.check_centre_digits(stub)
    assert capsys.readouterr().out.startswith("○ centre_digits: not attempted")
    for bad in (lambda *a: 1 / 0, lambda *a: None, lambda *a: (np.zeros(3),), 3.0):
        assert not ch00.check_centre_digits(bad)
        out = capsys.readouterr().out
        assert out.startswith("✗ centre_digits: ") and out.count("\n") == 1


def test_ch00_check_is_reproducible(capsys):
    wrong = WRONG_CH00["farthest mean"]
    ch00.check_centre_digits(wrong)
    ch00.check_centre_digits(wrong)
    first, second = capsys.readouterr().out.splitlines()
    assert first == second


def _centre(X):
    return X - X.mean(0)


# Wrong answers beyond the one per exercise in tests/test_exercises.py.
WRONG_CH01 = {
    "pca_directions": {
        "columns of V, not rows": lambda X, k: np.linalg.svd(
            _centre(X), full_matrices=False)[2].T[:k],
        "the last k directions": lambda X, k: np.linalg.svd(
            _centre(X), full_matrices=False)[2][-k:],
        "left singular vectors": lambda X, k: np.linalg.svd(
            _centre(X), full_matrices=False)[0].T[:k],
    },
    "assign_labels": {
        "nearest by dot product": lambda X, C: (X @ C.T).argmax(1),
    },
    "update_centres": {
        "medians": lambda X, lab, k: np.stack([np.median(X[lab == j], 0) for j in range(k)]),
        "mean of all samples": lambda X, lab, k: np.repeat(X.mean(0)[None], k, 0),
    },
    "seeding_probabilities": {
        "not normalised": lambda X, C: _d2(X, C).min(1),
        "farthest centre": lambda X, C: (lambda d: d / d.sum())(_d2(X, C).max(1)),
    },
    "covariance_spectrum": {
        "ascending": lambda X: np.linalg.eigvalsh(np.cov(X.T, ddof=1).reshape(
            X.shape[1], X.shape[1])),
        "not centred": lambda X: np.linalg.eigvalsh(X.T @ X / (len(X) - 1))[::-1],
    },
    "onehot_check": {
        "decoder transposed": lambda X, C, lab: (float(((X - C[lab]) ** 2).sum()), C.T),
        "mean error, not the sum": lambda X, C, lab: (float(((X - C[lab]) ** 2).sum(1).mean()),
                                                      C),
    },
    "lloyd_step": {
        "two iterations": lambda X, C0: sol1["solution_lloyd_step"](
            X, sol1["solution_lloyd_step"](X, C0)),
        "labels by farthest seed": lambda X, C0: (lambda lab: np.stack(
            [X[lab == j].mean(0) if (lab == j).any() else C0[j] for j in range(len(C0))]))(
            _d2(X, C0).argmax(1)),
    },
}


@pytest.mark.parametrize("name, what", [(n, w) for n, d in WRONG_CH01.items() for w in d])
def test_ch01_wrong_answers_fail(name, what, capsys):
    check_fn = getattr(ch01, f"check_{name}")
    assert not check_fn(WRONG_CH01[name][what])
    assert capsys.readouterr().out.startswith(f"✗ {name}: case '")


def test_ch01_solutions_pass(capsys):
    for name in ch01.__all__:
        short = name[len("check_"):]
        assert getattr(ch01, name)(sol1[f"solution_{short}"]), short
    capsys.readouterr()


def test_pca_directions_accepts_either_sign(capsys):
    """The sign of a principal direction is free: a flipped answer is right."""
    def flipped(X, k):
        V = sol1["solution_pca_directions"](X, k)
        return V * np.where(np.arange(k) % 2 == 0, -1.0, 1.0)[:, None]

    assert ch01.check_pca_directions(flipped)
    capsys.readouterr()


# --- the cluster report ---------------------------------------------------------------
def test_clusters_vs_classes_counts_by_hand():
    r = clusters_vs_classes([0, 0, 1, 1, 2, 2], [3, 3, 3, 1, 0, 0], n_classes=5)
    np.testing.assert_array_equal(r.majority, [3, 1, 0])      # cluster 1 tie: lowest class
    np.testing.assert_array_equal(r.sizes, [2, 2, 2])
    assert r.purity == pytest.approx(5 / 6)
    assert r.doubled == [] and r.missing == [2, 4]
    assert r.largest_group(3) == (0, pytest.approx(2 / 3))
    r = clusters_vs_classes([0, 1, 2], [5, 5, 5])
    assert r.doubled == [5] and r.purity == 1.0


def test_clusters_equal_classes_give_purity_one():
    y = np.arange(50) % 7
    r = clusters_vs_classes((y + 3) % 7, y)
    assert r.purity == 1.0 and r.doubled == [] and r.missing == []


@pytest.mark.parametrize("args, error, match", [
    (([0, 1], [0]), ValueError, "labels has shape"),
    (([0, -1], [0, 1]), ValueError, "labels must be >= 0"),
    (([0.5, 1], [0, 1]), TypeError, "labels must hold integers"),
    (([[0, 1]], [0, 1]), ValueError, "1-D"),
    (([0, 3], [0, 1], ), None, None),
])
def test_clusters_vs_classes_rejects_bad_input(args, error, match):
    if error is None:
        assert clusters_vs_classes(*args).counts.shape == (4, 2)
        with pytest.raises(ValueError, match="n_clusters"):
            clusters_vs_classes(*args, n_clusters=2)
        return
    with pytest.raises(error, match=match):
        clusters_vs_classes(*args)


# --- the figures ----------------------------------------------------------------------
RNG = np.random.default_rng(0)


def _clustered(n=400, k=10):
    y = np.arange(n) % 10
    Z = RNG.standard_normal((n, 2)) + 3 * np.c_[np.cos(y), np.sin(y)]
    X = RNG.random((n, 64))
    C, lab, _ = kmeans(X, k, n_init=1, seed=0)
    return Z, X, y, C, lab


def test_clusters_and_digits_figure_is_readable():
    Z, X, y, C, lab = _clustered()
    fig = clusters_and_digits_figure(Z, lab, y, centers=RNG.standard_normal((10, 2)),
                                     center_images=C, image_shape=(8, 8),
                                     title="clusters are not classes " * 4)
    check(fig)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert sum(t.startswith("named ") for t in titles) == 10
    assert sum(t.startswith("digit ") for t in titles) == 10


def test_kmeans_centres_figure_is_readable_and_sorted_by_size():
    Z, X, y, C, lab = _clustered()
    fig = kmeans_centres_figure(C, lab, y, title="ten centres, largest first")
    check(fig)
    sizes = [int(ax.get_xlabel().split("\n")[1].split()[0]) for ax in fig.axes]
    assert sizes == sorted(sizes, reverse=True) and sum(sizes) == len(y)


def test_ch01_figures_reject_bad_input():
    Z, X, y, C, lab = _clustered()
    with pytest.raises(ValueError, match="image_shape"):
        kmeans_centres_figure(C, lab, y, image_shape=(7, 7))
    with pytest.raises(ValueError, match="one row per cluster"):
        clusters_and_digits_figure(Z, lab, y, centers=np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        clusters_and_digits_figure(X, lab, y)
