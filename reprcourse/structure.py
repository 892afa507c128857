r"""Structure learning: PCA and k-means, the simplest representation learners.

Both fit a parametrised structure to the rows of ``X`` (lecture 18, "Structure learning"):

* **PCA** (Pearson 1901) fits a low-dimensional affine subspace, the directions of largest
  variance. The code of a sample is *dense*: ``z = (x - mean) @ components.T``.
* **k-means** (Lloyd 1982; k-means++ seeding, Arthur & Vassilvitskii 2007) fits ``k``
  points. The code of a sample is *1-sparse with coefficient 1*: one-hot on its nearest
  centre, ``x ≈ centers[label]``.

Sparse coding (chapter 2) sits between the two: a few non-zero coefficients of any size.

Arrays are rows, ``X`` of shape ``(n_samples, n_features)``. Numpy in gives numpy out
(float64 unless float32 was given); torch in gives torch out on the same device (the work
itself is done in float64 numpy on the CPU; these are small problems).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from ._torch import like, to_numpy
from ._validation import (check_array, check_generator, check_int, check_nonnegative,
                          check_same_backend)

__all__ = ["PCAResult", "pca", "kmeans", "kmeans_plusplus", "assign_clusters",
           "ClusterReport", "clusters_vs_classes"]


# ---------------------------------------------------------------------------------------
# PCA
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PCAResult:
    r"""A fitted PCA: an affine subspace ``mean + span(components)``.

    Attributes
    ----------
    components : array of shape (n_components, n_features)
        Principal directions as orthonormal **rows**, by decreasing variance. Each is
        signed so that its largest-magnitude entry is positive (scikit-learn's convention).
    explained_variance : array of shape (n_components,)
        Variance of the data along each direction, ``s_j² / (n_samples - 1)``.
    explained_variance_ratio : array of shape (n_components,)
        Fraction of the total variance along each direction (zeros for constant data).
    singular_values : array of shape (n_components,)
        Singular values ``s_j`` of the centred data.
    mean : array of shape (n_features,)
        The mean sample, removed before projecting.
    """

    components: object
    explained_variance: object
    explained_variance_ratio: object
    singular_values: object
    mean: object

    @property
    def n_components(self) -> int:
        return int(self.components.shape[0])

    def transform(self, X, n_components=None):
        r"""Codes ``Z = (X - mean) @ components[:k].T`` of shape (n_samples, k).

        Parameters
        ----------
        X : array of shape (n_samples, n_features)
            Same kind (numpy or torch) as the fitted arrays.
        n_components : int, optional
            Keep the first ``k`` directions; all of them by default.

        Raises
        ------
        ValueError
            If ``X`` has the wrong number of features or ``n_components`` is out of range.
        """
        X = self._check_X(X)
        k = self._check_k(n_components)
        return (X - self.mean) @ self.components[:k].T

    def inverse_transform(self, Z):
        r"""Reconstructions ``X̂ = Z @ components[:k] + mean`` from codes with ``k`` columns.

        Using fewer columns than fitted components (see ``transform(X, n_components=k)``)
        gives the best rank-``k`` affine reconstruction.

        Parameters
        ----------
        Z : array of shape (n_samples, k), ``k <= n_components``

        Returns
        -------
        array of shape (n_samples, n_features)

        Raises
        ------
        ValueError
            If ``Z`` has more columns than there are components.
        """
        Z = check_array(Z, "Z", shape_hint="(n_samples, n_codes)")
        check_same_backend(Z=Z, components=self.components)
        k = self._check_k(Z.shape[1], name="Z.shape[1]")
        return Z @ self.components[:k] + self.mean

    def _check_X(self, X):
        X = check_array(X, "X")
        check_same_backend(X=X, components=self.components)
        if X.shape[1] != self.components.shape[1]:
            raise ValueError(f"X has {X.shape[1]} features but the PCA was fitted on "
                             f"{self.components.shape[1]}")
        return X

    def _check_k(self, k, name="n_components"):
        return self.n_components if k is None else check_int(k, name, low=1,
                                                             high=self.n_components)


def pca(X, n_components=None) -> PCAResult:
    r"""Principal component analysis by the SVD of the centred data.

    With ``X_c = X - mean = U S Vᵀ`` (thin SVD, singular values decreasing), the principal
    directions are the rows of ``Vᵀ``: the first ``k`` span the ``k``-dimensional affine
    subspace that minimises the summed squared distance of the samples to it (Pearson 1901).

    Parameters
    ----------
    X : array of shape (n_samples, n_features), n_samples >= 2
    n_components : int, optional
        Number of directions to keep, ``1 <= n_components <= min(n_samples, n_features)``;
        all of them by default.

    Returns
    -------
    PCAResult
        Arrays of the same kind as ``X``; use ``.transform`` / ``.inverse_transform``.

    Raises
    ------
    TypeError
        If ``X`` is not a real array or ``n_components`` is not an integer.
    ValueError
        If ``X`` is not 2-D, has fewer than 2 samples or non-finite values, or
        ``n_components`` is out of range.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).normal(size=(100, 5)) * [5, 1, 1, 1, 1]
    >>> p = pca(X, n_components=2)
    >>> p.components.shape, bool(p.explained_variance_ratio[0] > 0.8)
    ((2, 5), True)
    """
    X = check_array(X, "X")
    n, d = X.shape
    if n < 2:
        raise ValueError(f"X needs at least 2 samples for PCA, got shape {tuple(X.shape)}")
    k_max = min(n, d)
    k = k_max if n_components is None else check_int(n_components, "n_components", low=1)
    if k > k_max:
        raise ValueError(f"n_components={k} is larger than min(n_samples, n_features) = "
                         f"{k_max} for X of shape {tuple(X.shape)}")
    Xn = to_numpy(X, np.float64)                                   # (n, d) float64
    mean = Xn.mean(axis=0)                                         # (d,)
    _, S, Vt = np.linalg.svd(Xn - mean, full_matrices=False)       # S (r,), Vt (r, d)
    rows = np.arange(Vt.shape[0])
    Vt = Vt * np.sign(Vt[rows, np.abs(Vt).argmax(axis=1)])[:, None]  # deterministic signs
    var = S ** 2 / (n - 1)                                         # (r,)
    total = var.sum()
    ratio = var / total if total > 0 else np.zeros_like(var)
    return PCAResult(components=like(Vt[:k], X), explained_variance=like(var[:k], X),
                     explained_variance_ratio=like(ratio[:k], X),
                     singular_values=like(S[:k], X), mean=like(mean, X))


# ---------------------------------------------------------------------------------------
# k-means
# ---------------------------------------------------------------------------------------
def _sq_distances(X, C, x_sq):
    """Squared distances ``‖x_i − c_j‖²``, shape (n, k), by the expansion, clipped at 0."""
    return np.maximum(x_sq[:, None] - 2.0 * (X @ C.T) + (C * C).sum(1)[None, :], 0.0)


def _inertia(X, C, labels) -> float:
    """``Σ_i ‖x_i − c_{label_i}‖²`` computed exactly (no expansion round-off)."""
    R = X - C[labels]
    return float((R * R).sum())


def _check_k(n_clusters, X):
    k = check_int(n_clusters, "n_clusters", low=1)
    if k > X.shape[0]:
        raise ValueError(f"n_clusters={k} is larger than the number of samples in X "
                         f"(shape {tuple(X.shape)})")
    return k


def _plusplus(X, k, rng):
    """k-means++ seeding on float64 numpy ``X`` (n, d) -> centres (k, d)."""
    n = X.shape[0]
    x_sq = (X * X).sum(1)
    idx = [int(rng.integers(n))]
    d2 = _sq_distances(X, X[idx], x_sq)[:, 0]                       # (n,) to nearest centre
    for _ in range(1, k):
        total = d2.sum()
        if total > 0:                                              # P(i) ∝ D(x_i)²
            i = int(np.searchsorted(np.cumsum(d2), rng.random() * total, side="right"))
            i = min(i, n - 1)
        else:                                                      # every point is a centre
            i = int(rng.integers(n))
        idx.append(i)
        d2 = np.minimum(d2, _sq_distances(X, X[i:i + 1], x_sq)[:, 0])
    return X[idx].copy()


def kmeans_plusplus(X, n_clusters, *, seed=None):
    r"""k-means++ seeding (Arthur & Vassilvitskii 2007).

    The first centre is a sample chosen uniformly; each next one is a sample chosen with
    probability proportional to ``D(x)²``, its squared distance to the nearest centre
    chosen so far. In expectation the seeding alone is ``O(log k)``-competitive with the
    optimal k-means cost.

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
    n_clusters : int, 1 <= n_clusters <= n_samples
    seed : int, numpy Generator or None

    Returns
    -------
    centers : array of shape (n_clusters, n_features)
        Rows of ``X``, same kind as ``X``.

    Raises
    ------
    TypeError
        If ``X`` is not a real array, ``n_clusters`` not an integer, or ``seed`` of a bad type.
    ValueError
        If ``X`` is not 2-D, empty or not finite, or ``n_clusters`` is out of range.
    """
    X = check_array(X, "X")
    k = _check_k(n_clusters, X)
    return like(_plusplus(to_numpy(X, np.float64), k, check_generator(seed)), X)


def assign_clusters(X, centers):
    r"""Nearest-centre labels and the k-means cost ``Σ_i min_j ‖x_i − c_j‖²``.

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
    centers : array of shape (n_clusters, n_features)

    Returns
    -------
    labels : array of shape (n_samples,), int64
        Index of the nearest centre (the lowest index on ties).
    inertia : float

    Raises
    ------
    ValueError
        If the arrays are not 2-D and finite, or their numbers of features differ.
    TypeError
        If numpy arrays and torch tensors are mixed.
    """
    X = check_array(X, "X")
    centers = check_array(centers, "centers", shape_hint="(n_clusters, n_features)")
    check_same_backend(X=X, centers=centers)
    if centers.shape[1] != X.shape[1]:
        raise ValueError(f"centers have {centers.shape[1]} features but X has {X.shape[1]}")
    Xn, C = to_numpy(X, np.float64), to_numpy(centers, np.float64)
    labels = _sq_distances(Xn, C, (Xn * Xn).sum(1)).argmin(1)
    return like(labels, X, integer=True), _inertia(Xn, C, labels)


def _lloyd(X, C, n_iter, tol, callback):
    """Lloyd iterations from centres ``C``; returns (centres, labels, inertia)."""
    n, k = X.shape[0], C.shape[0]
    x_sq = (X * X).sum(1)
    labels = None
    for it in range(1, n_iter + 1):
        D2 = _sq_distances(X, C, x_sq)                             # (n, k)
        new_labels = D2.argmin(1)                                  # assignment step
        if labels is not None and np.array_equal(new_labels, labels):
            break                                                  # a fixed point
        labels = new_labels
        counts = np.bincount(labels, minlength=k)                  # (k,)
        onehot = sparse.csr_matrix((np.ones(n), (labels, np.arange(n))), shape=(k, n))
        sums = onehot @ X                                          # (k, d) per-cluster sums
        C_new = C.copy()
        full = counts > 0
        C_new[full] = sums[full] / counts[full, None]              # update step: means
        empty = np.flatnonzero(~full)
        if len(empty):                                             # re-seed empty clusters at
            far = np.argsort(-D2[np.arange(n), labels], kind="stable")  # the worst-fit points
            C_new[empty] = X[far[:len(empty)]]
        shift = float(((C_new - C) ** 2).sum())
        C = C_new
        if callback is not None:
            callback(it, C.copy(), labels.copy(), _inertia(X, C, labels))
        if shift <= tol:
            break
    labels = _sq_distances(X, C, x_sq).argmin(1)                   # labels match the centres
    return C, labels, _inertia(X, C, labels)


def kmeans(X, n_clusters, *, n_init=10, n_iter=300, tol=1e-4, seed=None, callback=None):
    r"""k-means clustering: k-means++ seeding, then Lloyd iterations; best of ``n_init`` runs.

    Minimises the within-cluster sum of squares (the *inertia*)

    .. math:: J(c, \ell) = \sum_{i=1}^n \| x_i - c_{\ell_i} \|_2^2

    by alternating the two exact block minimisations (Lloyd 1982): assign each sample to its
    nearest centre, then move each centre to the mean of its samples. Neither step can
    increase ``J``. A centre that loses all its samples is moved onto the sample that is
    currently worst fitted (farthest from its centre), so ``k`` clusters stay in use.
    Seeding is k-means++ (Arthur & Vassilvitskii 2007), see :func:`kmeans_plusplus`.

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
    n_clusters : int, 1 <= n_clusters <= n_samples
        Number of clusters ``k``.
    n_init : int >= 1
        Independent seedings; the run with the lowest inertia is returned.
    n_iter : int >= 1
        Maximum Lloyd iterations per run.
    tol : float >= 0
        A run stops when the squared movement of all centres in one iteration is at most
        ``tol`` times the mean per-feature variance of ``X`` (or when labels stop changing).
    seed : int, numpy Generator or None
        The same seed gives the same result.
    callback : callable, optional
        Called as ``callback(it, centers, labels, inertia)`` after Lloyd iteration ``it``
        of every run (``it`` restarts at 1 for each run), with numpy copies; ``inertia`` is
        ``J`` of these labels and the updated centres, which never increases within a run.

    Returns
    -------
    centers : array of shape (n_clusters, n_features)
        Same kind and float dtype as ``X``.
    labels : array of shape (n_samples,), int64
        Nearest centre of each sample.
    inertia : float
        ``J(centers, labels)``.

    Raises
    ------
    TypeError
        If ``X`` is not a real array, an integer argument is not an integer, ``seed`` has a
        bad type, or ``callback`` is not callable.
    ValueError
        If ``X`` is not 2-D, empty or not finite, ``n_clusters > n_samples``, or an argument
        is out of range.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]])
    >>> centers, labels, inertia = kmeans(X, 2, seed=0)
    >>> sorted(centers[:, 0].tolist()), inertia
    ([0.0, 10.0], 1.0)
    """
    X = check_array(X, "X")
    k = _check_k(n_clusters, X)
    n_init = check_int(n_init, "n_init", low=1)
    n_iter = check_int(n_iter, "n_iter", low=1)
    tol = check_nonnegative(tol, "tol")
    rng = check_generator(seed)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable, got {type(callback).__name__}")
    Xn = to_numpy(X, np.float64)                                   # (n, d) float64
    tol_abs = tol * float(Xn.var(axis=0).mean())
    best = None
    for _ in range(n_init):
        run = _lloyd(Xn, _plusplus(Xn, k, rng), n_iter, tol_abs, callback)
        if best is None or run[2] < best[2]:
            best = run
    centers, labels, inertia = best
    return like(centers, X), like(labels, X, integer=True), inertia


# ---------------------------------------------------------------------------------------
# Judging clusters with labels put aside
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ClusterReport:
    """Clusters against classes: what the labels a clustering never saw say about it.

    Attributes
    ----------
    counts : array of shape (n_clusters, n_classes), int64
        ``counts[j, c]``: samples of class ``c`` in cluster ``j``.
    majority : array of shape (n_clusters,), int64
        The most common class of each cluster, its *name* (the lowest class on ties).
    sizes : array of shape (n_clusters,), int64
        Samples per cluster.
    share : array of shape (n_clusters,)
        Fraction of each cluster's samples in its majority class (NaN for an empty cluster).
    purity : float
        Fraction of all samples whose class is their cluster's name.
    doubled : list of int
        Classes that name more than one cluster.
    missing : list of int
        Classes that name no cluster.
    """

    counts: np.ndarray
    majority: np.ndarray
    sizes: np.ndarray
    share: np.ndarray
    purity: float
    doubled: list
    missing: list

    def largest_group(self, c):
        """``(j, fraction)``: the cluster ``j`` holding most samples of class ``c``, and the
        fraction of the class that sits there."""
        col = self.counts[:, c]
        j = int(col.argmax())
        return j, float(col[j] / max(col.sum(), 1))


def _check_labels(labels, name):
    a = np.asarray(to_numpy(labels))
    if a.ndim != 1 or a.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {a.shape}")
    if a.dtype.kind not in "iu" and not (a.dtype.kind == "f" and np.all(a == np.round(a))):
        raise TypeError(f"{name} must hold integers, got dtype {a.dtype}")
    if a.min() < 0:
        raise ValueError(f"{name} must be >= 0, got the value {a.min()}")
    return a.astype(np.int64)


def clusters_vs_classes(labels, classes, *, n_clusters=None, n_classes=None):
    r"""Name each cluster by its most common class and measure how far clusters are classes.

    The *purity* ``(1/n) Σ_j max_c |{i : ℓ_i = j, y_i = c}|`` is 1 exactly when every
    cluster holds a single class. Used with the labels an unsupervised method never saw.

    Parameters
    ----------
    labels : array of shape (n_samples,), integers >= 0
        Cluster of each sample (e.g. from :func:`kmeans`).
    classes : array of shape (n_samples,), integers >= 0
        True class of each sample.
    n_clusters, n_classes : int, optional
        Numbers of clusters and classes; one more than the largest value by default.

    Returns
    -------
    ClusterReport

    Raises
    ------
    TypeError
        If ``labels`` or ``classes`` do not hold integers.
    ValueError
        If they are not 1-D of the same length, hold negative values, or values not below
        ``n_clusters`` / ``n_classes``.
    """
    lab, y = _check_labels(labels, "labels"), _check_labels(classes, "classes")
    if lab.shape != y.shape:
        raise ValueError(f"labels has shape {lab.shape} but classes has shape {y.shape}")
    k = int(lab.max()) + 1 if n_clusters is None else check_int(n_clusters, "n_clusters",
                                                                  low=int(lab.max()) + 1)
    m = int(y.max()) + 1 if n_classes is None else check_int(n_classes, "n_classes",
                                                               low=int(y.max()) + 1)
    counts = np.zeros((k, m), dtype=np.int64)
    np.add.at(counts, (lab, y), 1)                                 # (k, m) contingency table
    majority = counts.argmax(1)
    sizes = counts.sum(1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = counts.max(1) / sizes
    named = np.bincount(majority[sizes > 0], minlength=m)          # clusters per class
    return ClusterReport(counts=counts, majority=majority, sizes=sizes, share=share,
                         purity=float(counts.max(1).sum() / len(lab)),
                         doubled=[int(c) for c in np.flatnonzero(named > 1)],
                         missing=[int(c) for c in np.flatnonzero(named == 0)])
