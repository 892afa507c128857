"""Tests for reprcourse.structure: PCA and k-means against numpy/scikit-learn and invariants."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.decomposition import PCA

from reprcourse.structure import PCAResult, assign_clusters, kmeans, kmeans_plusplus, pca


def _data(n=60, d=8, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)) @ rng.normal(size=(d, d)) + rng.normal(size=d)


def _blobs(n=300, k=4, seed=0):
    X, y = make_blobs(n_samples=n, centers=k, n_features=5, cluster_std=0.5,
                      center_box=(-20, 20), random_state=seed)
    return X, y


def _same_partition(a, b):
    """True if labelings ``a`` and ``b`` agree up to a permutation of the labels."""
    pairs = set(zip(a.tolist(), b.tolist()))
    return len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))


# ---------------------------------------------------------------------------------------
# PCA
# ---------------------------------------------------------------------------------------
def test_pca_matches_numpy_svd():
    X = _data()
    p = pca(X)
    _, S, Vt = np.linalg.svd(X - X.mean(0), full_matrices=False)
    np.testing.assert_allclose(p.singular_values, S, rtol=1e-10)
    np.testing.assert_allclose(np.abs(p.components @ Vt.T), np.eye(len(S)), atol=1e-10)
    np.testing.assert_allclose(p.explained_variance, S ** 2 / (len(X) - 1), rtol=1e-10)
    np.testing.assert_allclose(p.mean, X.mean(0))


def test_pca_matches_sklearn():
    X = _data(n=80, d=10, seed=1)
    p = pca(X, n_components=4)
    s = PCA(n_components=4, svd_solver="full").fit(X)
    signs = np.sign((p.components * s.components_).sum(1))
    np.testing.assert_array_equal(np.abs(signs), 1)
    np.testing.assert_allclose(p.components, signs[:, None] * s.components_, atol=1e-10)
    np.testing.assert_allclose(p.explained_variance_ratio, s.explained_variance_ratio_,
                               rtol=1e-10)
    np.testing.assert_allclose(p.explained_variance, s.explained_variance_, rtol=1e-10)
    np.testing.assert_allclose(np.abs(p.transform(X)), np.abs(s.transform(X)), atol=1e-10)


def test_pca_full_rank_reconstructs_exactly_and_ratio_sums_to_one():
    X = _data(n=30, d=6)
    p = pca(X)
    np.testing.assert_allclose(p.inverse_transform(p.transform(X)), X, atol=1e-10)
    assert p.explained_variance_ratio.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(p.components @ p.components.T, np.eye(6), atol=1e-12)


def test_pca_truncated_reconstruction_error_is_the_discarded_variance():
    X = _data(n=50, d=7)
    p = pca(X)
    for k in range(1, 7):
        R = X - p.inverse_transform(p.transform(X, n_components=k))
        assert (R ** 2).sum() / (len(X) - 1) == pytest.approx(p.explained_variance[k:].sum())


def test_pca_explained_variance_decreasing_and_signs_deterministic():
    X = _data(n=40, d=5, seed=3)
    p = pca(X)
    assert np.all(np.diff(p.explained_variance) <= 1e-12)
    rows = np.arange(5)
    assert np.all(p.components[rows, np.abs(p.components).argmax(1)] > 0)
    np.testing.assert_array_equal(pca(X).components, p.components)


def test_pca_constant_data_has_zero_ratio():
    p = pca(np.ones((5, 3)))
    np.testing.assert_array_equal(p.explained_variance_ratio, 0.0)


def test_pca_dtypes_and_torch():
    X = _data(n=20, d=4)
    assert pca(X.astype(np.float32)).components.dtype == np.float32
    assert pca(X).components.dtype == np.float64
    assert pca(np.arange(12).reshape(4, 3)).mean.dtype == np.float64
    Xt = torch.tensor(X, dtype=torch.float32)
    pt = pca(Xt, n_components=2)
    assert isinstance(pt.components, torch.Tensor) and pt.components.dtype == torch.float32
    Z = pt.transform(Xt)
    assert isinstance(Z, torch.Tensor) and Z.shape == (20, 2)
    np.testing.assert_allclose(pt.inverse_transform(Z).numpy(),
                               pca(X, 2).inverse_transform(pca(X, 2).transform(X)), atol=1e-4)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(2, 12), d=st.integers(1, 12), data=st.data())
def test_pca_shapes(n, d, data):
    X = np.random.default_rng(n * 100 + d).normal(size=(n, d))
    k = data.draw(st.integers(1, min(n, d)))
    p = pca(X, n_components=k)
    assert isinstance(p, PCAResult) and p.n_components == k
    assert p.components.shape == (k, d)
    assert p.explained_variance.shape == p.explained_variance_ratio.shape == (k,)
    assert p.mean.shape == (d,)
    assert p.transform(X).shape == (n, k)
    assert p.inverse_transform(p.transform(X)).shape == (n, d)
    assert np.all(p.explained_variance_ratio >= 0) and p.explained_variance_ratio.sum() <= 1 + 1e-9


@pytest.mark.parametrize("X, kwargs, error, match", [
    (np.ones((1, 3)), {}, ValueError, "at least 2 samples"),
    (np.ones(5), {}, ValueError, "2-D"),
    (np.array([[1.0, np.nan], [0.0, 1.0]]), {}, ValueError, "NaN"),
    (np.ones((0, 3)), {}, ValueError, "empty"),
    ("abc", {}, TypeError, "X must be"),
    (np.ones((4, 3), dtype=bool), {}, TypeError, "real numbers"),
    (np.ones((4, 3)), {"n_components": 4}, ValueError, "larger than min"),
    (np.ones((4, 3)), {"n_components": 0}, ValueError, "n_components must be >= 1"),
    (np.ones((4, 3)), {"n_components": -1}, ValueError, "n_components"),
    (np.ones((4, 3)), {"n_components": 1.5}, TypeError, "n_components must be an integer"),
])
def test_pca_bad_input(X, kwargs, error, match):
    with pytest.raises(error, match=match):
        pca(X, **kwargs)


def test_pca_transform_bad_input():
    p = pca(_data(n=10, d=4), n_components=2)
    with pytest.raises(ValueError, match="X has 3 features but the PCA was fitted on 4"):
        p.transform(np.ones((2, 3)))
    with pytest.raises(ValueError, match="n_components must be <= 2"):
        p.transform(np.ones((2, 4)), n_components=3)
    with pytest.raises(ValueError, match=r"Z.shape\[1\] must be <= 2"):
        p.inverse_transform(np.ones((2, 3)))
    with pytest.raises(TypeError, match="all numpy arrays or all torch tensors"):
        p.transform(torch.ones(2, 4))


# ---------------------------------------------------------------------------------------
# k-means
# ---------------------------------------------------------------------------------------
def test_kmeans_recovers_separated_blobs_up_to_permutation():
    X, y = _blobs()
    centers, labels, inertia = kmeans(X, 4, seed=0)
    assert _same_partition(labels, y)
    for j in range(4):
        np.testing.assert_allclose(centers[j], X[labels == j].mean(0), atol=1e-10)


def test_kmeans_inertia_no_worse_than_sklearn():
    X, _ = _blobs(n=400, k=5, seed=2)
    _, _, inertia = kmeans(X, 5, seed=0)
    ref = KMeans(5, n_init=10, random_state=0).fit(X)
    assert inertia <= ref.inertia_ * (1 + 1e-9)
    assert inertia == pytest.approx(ref.inertia_, rel=1e-9)


def test_kmeans_inertia_never_increases_over_lloyd_iterations():
    X = np.random.default_rng(0).normal(size=(200, 3))          # no clear clusters: many steps
    history = []
    kmeans(X, 6, n_init=1, tol=0.0, seed=1,
           callback=lambda it, C, lab, J: history.append((it, J)))
    its, J = zip(*history)
    assert its == tuple(range(1, len(its) + 1)) and len(J) > 3
    assert np.all(np.diff(J) <= 1e-9 * J[0])


def test_kmeans_callback_inertia_matches_assign_clusters():
    X, _ = _blobs(n=100, k=3)
    last = {}
    centers, labels, inertia = kmeans(X, 3, n_init=1, seed=0,
                                      callback=lambda it, C, lab, J: last.update(C=C, J=J))
    lab2, J2 = assign_clusters(X, centers)
    np.testing.assert_array_equal(lab2, labels)
    assert J2 == pytest.approx(inertia) and inertia <= last["J"] + 1e-9


def test_one_cluster_returns_the_mean():
    X = _data(n=25, d=4)
    centers, labels, inertia = kmeans(X, 1, seed=0)
    np.testing.assert_allclose(centers[0], X.mean(0), atol=1e-12)
    np.testing.assert_array_equal(labels, 0)
    assert inertia == pytest.approx(((X - X.mean(0)) ** 2).sum())


def test_k_equals_n_gives_zero_inertia():
    X = _data(n=12, d=3)
    centers, labels, inertia = kmeans(X, 12, seed=0)
    assert inertia == 0.0
    assert sorted(labels.tolist()) == list(range(12))


def test_duplicate_points_and_empty_clusters_are_handled():
    X = np.repeat(np.array([[0.0, 0.0], [5.0, 5.0]]), 5, axis=0)  # 2 distinct points, k=3
    centers, labels, inertia = kmeans(X, 3, seed=0)
    assert inertia == 0.0 and np.all(np.isfinite(centers))


def test_empty_cluster_is_reseeded_on_the_worst_fitted_points():
    from reprcourse.structure import _lloyd
    X = np.array([[0.0], [1.0], [10.0], [11.0], [30.0]])
    seen = []
    # two of the starting centres are far from all data: they lose every sample at once
    C, lab, J = _lloyd(X, np.array([[5.0], [100.0], [200.0]]), 20, 0.0,
                       lambda it, C, lab, J: seen.append(C.copy()))
    np.testing.assert_allclose(seen[0].ravel(), [X.mean(), 30.0, 11.0])  # farthest from 5
    assert len(np.unique(lab)) == 3                              # all three clusters in use
    assert J < ((X - X.mean()) ** 2).sum()


def test_kmeans_is_deterministic_for_a_seed():
    X, _ = _blobs(n=150, k=3, seed=4)
    X = X + np.random.default_rng(0).normal(scale=3.0, size=X.shape)  # overlapping clusters
    a, b = kmeans(X, 5, seed=7), kmeans(X, 5, seed=7)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert a[2] == b[2]
    gen_a = kmeans(X, 5, seed=np.random.default_rng(3))
    gen_b = kmeans(X, 5, seed=np.random.default_rng(3))
    np.testing.assert_array_equal(gen_a[0], gen_b[0])


def test_kmeans_plusplus_picks_distinct_data_points():
    X = _data(n=30, d=3)
    C = kmeans_plusplus(X, 10, seed=0)
    assert C.shape == (10, 3)
    idx = [int(np.flatnonzero((X == c).all(1))[0]) for c in C]
    assert len(set(idx)) == 10
    np.testing.assert_array_equal(C, kmeans_plusplus(X, 10, seed=0))


def test_kmeans_plusplus_spreads_over_separated_blobs():
    X, y = _blobs(n=200, k=4, seed=5)
    hits = [len({int(y[np.flatnonzero((X == c).all(1))[0]]) for c in kmeans_plusplus(X, 4, seed=s)})
            for s in range(20)]
    assert np.mean(np.array(hits) == 4) >= 0.9                  # one seed per blob, almost always


def test_kmeans_dtypes_and_torch():
    X, _ = _blobs(n=60, k=3)
    c32, lab, _ = kmeans(X.astype(np.float32), 3, seed=0)
    assert c32.dtype == np.float32 and lab.dtype == np.int64
    Xt = torch.tensor(X, dtype=torch.float32)
    ct, lt, jt = kmeans(Xt, 3, seed=0)
    assert isinstance(ct, torch.Tensor) and ct.dtype == torch.float32
    assert isinstance(lt, torch.Tensor) and lt.dtype == torch.int64
    assert isinstance(jt, float)
    _, lab64, j64 = kmeans(X, 3, seed=0)
    np.testing.assert_array_equal(lt.numpy(), lab64)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 30), d=st.integers(1, 5), data=st.data())
def test_kmeans_shapes(n, d, data):
    X = np.random.default_rng(n * 10 + d).normal(size=(n, d))
    k = data.draw(st.integers(1, n))
    centers, labels, inertia = kmeans(X, k, n_init=2, seed=0)
    assert centers.shape == (k, d) and labels.shape == (n,)
    assert labels.min() >= 0 and labels.max() < k
    assert 0.0 <= inertia <= ((X - X.mean(0)) ** 2).sum() + 1e-9


@pytest.mark.parametrize("X, k, kwargs, error, match", [
    (np.ones((5, 2)), 6, {}, ValueError, "n_clusters=6 is larger than the number of samples"),
    (np.ones((5, 2)), 0, {}, ValueError, "n_clusters must be >= 1"),
    (np.ones((5, 2)), -2, {}, ValueError, "n_clusters must be >= 1"),
    (np.ones((5, 2)), 2.0, {}, TypeError, "n_clusters must be an integer"),
    (np.ones((5, 2)), True, {}, TypeError, "n_clusters must be an integer"),
    (np.ones(5), 2, {}, ValueError, "2-D"),
    (np.array([[0.0, np.inf], [1.0, 1.0]]), 1, {}, ValueError, "NaN or inf"),
    ([[1, 2], [3]], 1, {}, TypeError, "could not be converted"),
    (None, 1, {}, TypeError, "X must be"),
    (np.ones((5, 2)), 2, {"n_init": 0}, ValueError, "n_init must be >= 1"),
    (np.ones((5, 2)), 2, {"n_iter": 0}, ValueError, "n_iter must be >= 1"),
    (np.ones((5, 2)), 2, {"tol": -1.0}, ValueError, "tol must be >= 0"),
    (np.ones((5, 2)), 2, {"seed": "a"}, TypeError, "seed must be"),
    (np.ones((5, 2)), 2, {"seed": 1.5}, TypeError, "seed must be"),
    (np.ones((5, 2)), 2, {"callback": 3}, TypeError, "callback must be callable"),
])
def test_kmeans_bad_input(X, k, kwargs, error, match):
    with pytest.raises(error, match=match):
        kmeans(X, k, **kwargs)


def test_assign_clusters_and_plusplus_bad_input():
    with pytest.raises(ValueError, match="centers have 3 features but X has 2"):
        assign_clusters(np.ones((4, 2)), np.ones((2, 3)))
    with pytest.raises(TypeError, match="all numpy arrays or all torch tensors"):
        assign_clusters(np.ones((4, 2)), torch.ones(2, 2))
    with pytest.raises(ValueError, match="n_clusters=5 is larger"):
        kmeans_plusplus(np.ones((4, 2)), 5)
