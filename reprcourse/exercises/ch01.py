"""Checks for the exercises of chapter 1 (structure learning: PCA and k-means).

Each ``check_<name>(student_fn, *, seed=None)`` runs the student's function on random
instances and edge cases, compares with :mod:`reprcourse.structure`, prints ✓/✗/○ and returns
a truthy-when-passed :class:`CheckResult`; it never raises.
"""

from __future__ import annotations

import numpy as np

from ..structure import assign_clusters, kmeans_plusplus, pca
from ._harness import Case, CheckResult, compare, rng_for, run_check

__all__ = ["check_pca_directions", "check_assign_labels", "check_update_centres",
           "check_seeding_probabilities", "check_covariance_spectrum", "check_onehot_check",
           "check_lloyd_step"]


def _data(rng, n, d, offset=3.0):
    """Samples with well-separated variances along random directions, away from 0."""
    Q = np.linalg.qr(rng.standard_normal((d, d)))[0]
    return (rng.standard_normal((n, d)) * np.linspace(3.0, 0.5, d)) @ Q.T + offset * rng.normal(
        size=d)


def _labels(rng, n, k):
    """Random labels in which every one of the ``k`` clusters is used."""
    return rng.permutation(np.arange(n) % k)


def _cluster_means(X, labels, k):
    return np.stack([X[labels == j].mean(axis=0) for j in range(k)])


def _up_to_sign(expected, got, *, atol, rtol):
    """Compare rows of directions, each allowed to come with either sign."""
    g = np.asarray(got, dtype=np.float64)
    if g.shape != expected.shape:
        return compare(expected, got, atol=atol, rtol=rtol)
    flip = np.where((g * expected).sum(axis=1) < 0, -1.0, 1.0)[:, None]
    return compare(expected, g * flip, atol=atol, rtol=rtol)


def check_pca_directions(pca_directions, *, seed=None) -> CheckResult:
    """``pca_directions(X, k)`` -> the first ``k`` principal directions as rows, (k, d).

    Compared with :func:`reprcourse.structure.pca` up to the sign of each direction.
    """
    rng = rng_for("pca_directions", seed)

    def cases():
        out = []
        for n, d, k in [(60, 5, 2), (40, 8, 3), (25, 4, 4)]:
            X = _data(rng, n, d)
            out.append(Case(f"random {n}×{d}, k = {k}", (X, k), pca(X, k).components))
        X = _data(rng, 2, 3)
        out.append(Case("two samples, k = 1", (X, 1), pca(X, 1).components))
        return out

    return run_check("pca_directions", pca_directions, cases,
                     compare_fn=lambda e, g, atol, rtol: (
                         _up_to_sign(e, g, atol=atol, rtol=rtol) if isinstance(e, np.ndarray)
                         else compare(e, g, atol=atol, rtol=rtol)))


def check_assign_labels(assign_labels, *, seed=None) -> CheckResult:
    """``assign_labels(X, C)`` -> index of the nearest centre of every sample, (n,) ints."""
    rng = rng_for("assign_labels", seed)

    def cases():
        out = []
        for n, d, k in [(30, 2, 3), (50, 5, 6)]:
            X, C = rng.normal(size=(n, d)), rng.normal(size=(k, d)) * 1.5
            out.append(Case(f"random {n} samples, {k} centres", (X, C),
                            assign_clusters(X, C)[0]))
        X = rng.normal(size=(10, 3))
        out.append(Case("one centre", (X, X[:1] + 1.0), np.zeros(10, dtype=np.int64)))
        C = rng.normal(size=(4, 3))
        out.append(Case("one sample", (C[2:3] + 0.01, C), np.array([2])))
        return out

    return run_check("assign_labels", assign_labels, cases)


def check_update_centres(update_centres, *, seed=None) -> CheckResult:
    """``update_centres(X, labels, k)`` -> the mean of every cluster, (k, d)."""
    rng = rng_for("update_centres", seed)

    def cases():
        out = []
        for n, d, k in [(40, 3, 4), (25, 6, 5)]:
            X, lab = rng.normal(size=(n, d)), _labels(rng, n, k)
            out.append(Case(f"random {n} samples, k = {k}", (X, lab, k),
                            _cluster_means(X, lab, k)))
        X = rng.normal(size=(7, 2))
        out.append(Case("k = 1 (the mean)", (X, np.zeros(7, dtype=int), 1), X.mean(0)[None]))
        X = rng.normal(size=(3, 2))
        out.append(Case("one sample per cluster", (X, np.array([2, 0, 1]), 3), X[[1, 2, 0]]))
        return out

    return run_check("update_centres", update_centres, cases)


def _seeding(X, C):
    """k-means++: P(x_i) ∝ D(x_i)², the squared distance to the nearest chosen centre."""
    d2 = ((X[:, None, :] - C[None, :, :]) ** 2).sum(-1).min(axis=1)     # (n,)
    return d2 / d2.sum()


def check_seeding_probabilities(seeding_probabilities, *, seed=None) -> CheckResult:
    """``seeding_probabilities(X, C)`` -> k-means++ probabilities of the next centre, (n,)."""
    rng = rng_for("seeding_probabilities", seed)

    def cases():
        out = []
        for n, d, k in [(20, 2, 1), (30, 4, 3)]:
            X = rng.normal(size=(n, d))
            C = kmeans_plusplus(X, k, seed=rng)
            out.append(Case(f"random {n} samples, {k} centre(s) chosen", (X, C), _seeding(X, C)))
        X = np.array([[0.0, 0.0], [1.0, 0.0], [3.0, 0.0]])
        out.append(Case("three points on a line, centre at 0", (X, X[:1]),
                        np.array([0.0, 0.1, 0.9])))
        return out

    return run_check("seeding_probabilities", seeding_probabilities, cases)


def check_covariance_spectrum(covariance_spectrum, *, seed=None) -> CheckResult:
    """``covariance_spectrum(X)`` -> eigenvalues of the sample covariance, largest first."""
    rng = rng_for("covariance_spectrum", seed)

    def cases():
        out = []
        for n, d in [(50, 4), (30, 7)]:
            X = _data(rng, n, d)
            out.append(Case(f"random {n}×{d}", (X,), pca(X).explained_variance, atol=1e-9))
        X = rng.normal(size=(6, 1))
        out.append(Case("one feature", (X,), np.array([X.var(ddof=1)]), atol=1e-9))
        return out

    return run_check("covariance_spectrum", covariance_spectrum, cases)


def check_onehot_check(onehot_check, *, seed=None) -> CheckResult:
    """``onehot_check(X, C, labels)`` -> (``‖X − HC‖²_F``, least-squares decoder ``C``)."""
    rng = rng_for("onehot_check", seed)

    def cases():
        out = []
        for n, d, k in [(40, 3, 4), (12, 5, 2), (5, 2, 5)]:
            X, lab = rng.normal(size=(n, d)), _labels(rng, n, k)
            C = _cluster_means(X, lab, k)
            err = float(((X - C[lab]) ** 2).sum())
            out.append(Case(f"{n} samples, {k} clusters", (X, C, lab), (err, C), atol=1e-8))
        return out

    return run_check("onehot_check", onehot_check, cases)


def check_lloyd_step(lloyd_step, *, seed=None) -> CheckResult:
    """``lloyd_step(X, C0)`` -> centres after one assignment and one update step, (k, d)."""
    rng = rng_for("lloyd_step", seed)

    def cases():
        out = []
        for n, d, k in [(60, 2, 4), (40, 5, 3), (10, 3, 1)]:
            X = rng.normal(size=(n, d))
            C0 = kmeans_plusplus(X, k, seed=rng)                     # rows of X: no empty cluster
            lab = assign_clusters(X, C0)[0]
            out.append(Case(f"{n} samples, {k} k-means++ seeds", (X, C0),
                            _cluster_means(X, lab, k)))
        return out

    return run_check("lloyd_step", lloyd_step, cases)
