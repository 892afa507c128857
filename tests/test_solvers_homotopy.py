"""Tests of reprcourse.solvers.homotopy: the LARS-lasso path reaches the certified lasso optimum."""

import os

import numba
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import Lasso, lars_path

from reprcourse import duality_gap, fista, soft_threshold, sparse_encode, sparse_objective
from reprcourse.data import natural_patches
from reprcourse.solvers.homotopy import lasso_lars, solve_homotopy


def problem(seed, n=20, d=10, k=16, scale=1.0):
    rng = np.random.default_rng(seed)
    D = rng.standard_normal((d, k))
    D /= np.linalg.norm(D, axis=0)
    return scale * rng.standard_normal((n, d)), D


def relative_gaps(X, D, H, lam):
    X, D, H = (np.asarray(a, dtype=np.float64) for a in (X, D, H))
    primal = 0.5 * ((X - H @ D.T) ** 2).sum(1) + lam * np.abs(H).sum(1)
    return duality_gap(X, D, H, lam) / np.maximum(primal, 1e-300)


def sklearn_lasso(X, D, lam):
    """Per-sample lasso by scikit-learn; its alpha is λ/d for our objective."""
    model = Lasso(alpha=lam / D.shape[0], fit_intercept=False, tol=1e-12, max_iter=100_000)
    return np.stack([model.fit(D, x).coef_.copy() for x in X])


# ------------------------------------------------------------------ against references
@pytest.mark.parametrize("d, k", [(10, 16), (16, 8), (6, 40), (64, 256)])  # k>d, k<d, k≫d
def test_matches_sklearn_lasso(d, k):
    X, D = problem(0, n=25, d=d, k=k)
    lam = 0.2
    H = lasso_lars(X, D, lam, tol=1e-10)
    np.testing.assert_allclose(H, sklearn_lasso(X, D, lam), atol=1e-6)
    assert np.all(relative_gaps(X, D, H, lam) <= 1e-10)


def test_matches_sklearn_lars_path_at_each_knot():
    """At the knots of scikit-learn's lasso path (λ = n_features·alpha) the codes agree."""
    X, D = problem(1, n=1, d=12, k=20)
    alphas, _, coefs = lars_path(D, X[0], method="lasso")
    lams = alphas[1:-1] * D.shape[0]
    for lam, coef in zip(lams, coefs.T[1:-1]):
        np.testing.assert_allclose(lasso_lars(X, D, lam, tol=1e-12)[0], coef, atol=1e-8)


def test_orthonormal_dictionary_is_soft_thresholding():
    """With DᵀD = I the lasso decouples: h = thr_λ(Dᵀx)."""
    rng = np.random.default_rng(2)
    D, _ = np.linalg.qr(rng.standard_normal((12, 12)))
    X = rng.standard_normal((30, 12))
    np.testing.assert_allclose(lasso_lars(X, D, 0.4), soft_threshold(X @ D, 0.4), atol=1e-12)


def test_same_optimum_as_the_fista_engine_on_natural_patches():
    """The paths themselves arrive (no row needs the FISTA fallback) at FISTA's optimum."""
    X = natural_patches(300, size=8, seed=3)
    _, D = problem(3, d=64, k=256)
    for lam in (0.5, 0.05):
        stats = {}
        H = solve_homotopy(torch.from_numpy(X), torch.from_numpy(D), lam, stats=stats).numpy()
        ref = sparse_encode(X, D, lam, algorithm="fista", tol=1e-10)
        assert stats["finished_by_fista"] == 0 and np.any(stats["steps"] > (H != 0).sum(1))
        assert abs(sparse_objective(X, D, H, lam) / sparse_objective(X, D, ref, lam) - 1) < 1e-9
        assert np.all(relative_gaps(X, D, H, lam) <= 1e-4)


def test_in_kernel_certificate_matches_the_duality_gap():
    """The gap computed in the kernel from the support equals the one from the residual."""
    X, D = problem(4, n=200, d=16, k=48)
    stats = {}
    H = solve_homotopy(torch.from_numpy(X), torch.from_numpy(D), 0.1, stats=stats)
    H = H.numpy()
    primal = 0.5 * ((X - H @ D.T) ** 2).sum(1) + 0.1 * np.abs(H).sum(1)
    np.testing.assert_allclose(stats["primal"], primal, rtol=1e-10)
    np.testing.assert_allclose(stats["gap"], duality_gap(X, D, H, 0.1), atol=1e-10)
    assert stats["finished_by_fista"] == 0
    assert np.all(stats["steps"] >= (H != 0).sum(1))


# ------------------------------------------------------------------ invariants
@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 12), d=st.integers(1, 10), k=st.integers(1, 24),
       lam=st.floats(1e-3, 3.0), scale=st.floats(1e-3, 1e3), seed=st.integers(0, 10_000))
def test_optimality_conditions_hold(n, d, k, lam, scale, seed):
    """KKT: |Dᵀr| ≤ λ everywhere, = λ·sign(h) on the support; the gap is certified."""
    X, D = problem(seed, n=n, d=d, k=k, scale=scale)
    lam = lam * scale                                              # λ on the scale of the data
    H = lasso_lars(X, D, lam, tol=1e-8)
    assert H.shape == (n, k) and H.dtype == np.float64
    assert np.all(relative_gaps(X, D, H, lam) <= 1e-8)
    C = (X - H @ D.T) @ D
    assert np.all(np.abs(C) <= lam * (1 + 1e-5))
    on = H != 0
    np.testing.assert_allclose(C[on], lam * np.sign(H[on]), rtol=1e-5)


def test_large_lambda_and_zero_rows_give_zero_codes():
    X, D = problem(5, n=10, d=8, k=12)
    lam_max = np.abs(X @ D).max()
    assert not lasso_lars(X, D, lam_max).any()
    X[3] = 0.0
    assert not lasso_lars(X, D, 0.1)[3].any()


def test_degenerate_paths_are_finished_by_fista():
    """Repeated atoms (singular G_AA) and λ → 0 (as many non-zeros as features) still reach a
    certified optimum: such rows go to the FISTA engine."""
    X, D = problem(6, n=40, d=8, k=10)
    Dd = np.concatenate([D, D[:, :4]], axis=1)                     # atoms 0–3 twice
    stats = {}
    H = solve_homotopy(torch.from_numpy(X), torch.from_numpy(Dd), 0.05, tol=1e-8, stats=stats)
    assert stats["finished_by_fista"] > 0
    assert np.all(relative_gaps(X, Dd, H, 0.05) <= 1e-8)
    ref = sparse_encode(X, D, 0.05, algorithm="fista", tol=1e-12)  # same optimum value
    assert abs(sparse_objective(X, Dd, H.numpy(), 0.05) / sparse_objective(X, D, ref, 0.05)
               - 1) < 1e-7
    H0 = lasso_lars(X, D, 1e-9, tol=1e-6)                          # least squares, k > d
    np.testing.assert_allclose(H0 @ D.T, X, atol=1e-4)


def test_result_does_not_depend_on_the_number_of_threads():
    """Every row is solved on its own: the same bits with one thread or all of them."""
    X, D = problem(7, n=500, d=16, k=64)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = lasso_lars(X, D, 0.1)
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(one, lasso_lars(X, D, 0.1))


def test_kinds_and_dtypes():
    X, D = problem(8, n=15, d=6, k=9)
    H32 = lasso_lars(X.astype(np.float32), D.astype(np.float32), 0.1)
    assert H32.dtype == np.float32
    Ht = lasso_lars(torch.from_numpy(X), torch.from_numpy(D), 0.1)
    assert isinstance(Ht, torch.Tensor) and Ht.dtype == torch.float64
    np.testing.assert_allclose(Ht.numpy(), lasso_lars(X, D, 0.1))
    np.testing.assert_allclose(H32, Ht.numpy(), atol=1e-4)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_tensors_come_back_on_device():
    X, D = (torch.from_numpy(a).cuda() for a in problem(9, n=10, d=6, k=9))
    assert lasso_lars(X, D, 0.1).device == X.device


# ------------------------------------------------------------------ bad input
X0, D0 = problem(10, n=3, d=20, k=30)


@pytest.mark.parametrize("args, kwargs, error, match", [
    ((X0, D0[:-1], 0.1), {}, ValueError, "D has 19 rows but X has 20 features"),
    ((X0, D0, -0.1), {}, ValueError, "lam must be >= 0"),
    ((X0, D0, "0.1"), {}, TypeError, "lam must be a real number"),
    ((np.full((3, 20), np.nan), D0, 0.1), {}, ValueError, "X contains NaN or inf"),
    ((X0, np.full((20, 30), np.inf), 0.1), {}, ValueError, "D contains NaN or inf"),
    ((X0[:0], D0, 0.1), {}, ValueError, "X is empty"),
    (("X", D0, 0.1), {}, TypeError, "X must be a numpy array or torch tensor"),
    ((torch.tensor(X0), D0, 0.1), {}, TypeError, "all numpy arrays or all torch"),
    ((X0, np.zeros((20, 4)), 0.1), {}, ValueError, "zero column"),
    ((X0, D0, 0.1), {"tol": -1.0}, ValueError, "tol must be >= 0"),
])
def test_bad_input_is_rejected_clearly(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        lasso_lars(*args, **kwargs)


# ------------------------------------------------------------------ sparse_encode's default
def test_sparse_encode_default_is_the_homotopy_and_fista_is_always_fista():
    """``sparse_encode(X, D, lam)`` returns lasso_lars's codes; ``fista`` runs FISTA."""
    X, D = problem(11, n=40, d=10, k=24)
    np.testing.assert_array_equal(sparse_encode(X, D, 0.1), lasso_lars(X, D, 0.1))
    one = fista(X, D, 0.1, n_iter=1)                               # one FISTA step from 0
    assert sparse_objective(X, D, one, 0.1) > sparse_objective(X, D, lasso_lars(X, D, 0.1),
                                                               0.1) * (1 + 1e-3)
    seen = []
    fista(X, D, 0.1, n_iter=3, tol=0.0, callback=lambda k, H: seen.append(k))
    assert seen == [1, 2, 3]
    engine = sparse_encode(X, D, 0.1, algorithm="fista", tol=1e-10)
    np.testing.assert_allclose(engine, lasso_lars(X, D, 0.1), atol=1e-6)


def test_homotopy_leaves_no_spinning_threads_behind():
    """After lasso_lars, later torch work runs at its usual speed: numba's work-queue layer
    (not its OpenMP layer, whose threads spin after a parallel region and once slowed every
    later call 10-25x on 2 cores)."""
    X, D = problem(12, n=300, d=16, k=32)
    lasso_lars(X, D, 0.1)
    assert numba.threading_layer() in ("workqueue", os.environ.get("NUMBA_THREADING_LAYER"))
