"""Tests of reprcourse.sparse_coding: references, invariants, properties, bad input."""

import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.decomposition import sparse_encode as sklearn_sparse_encode
from sklearn.linear_model import Lasso

from reprcourse.sparse_coding import (ALGORITHMS, duality_gap, fista, ista, lasso_path,
                                      lipschitz_constant, mutual_coherence, one_step_encode,
                                      soft_threshold, sparse_encode, sparse_objective)


def random_problem(seed, n=30, d=20, k=40, scale=1.0):
    rng = np.random.default_rng(seed)
    D = rng.standard_normal((d, k))
    D /= np.linalg.norm(D, axis=0)
    X = scale * rng.standard_normal((n, d))
    return X, D


def sklearn_objective(X, D, lam):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        H = sklearn_sparse_encode(X, D.T, algorithm="lasso_cd", alpha=lam, max_iter=20_000)
    return sparse_objective(X, D, H, lam)


# ------------------------------------------------------------------ soft threshold
def lecture_ista_rule(h, lam):
    """The lecture's rule, entry by entry: move toward zero by lam, clamp to 0 on a sign flip."""
    out = np.empty_like(h)
    for i, v in enumerate(h.ravel()):
        moved = v - lam * np.sign(v)
        out.flat[i] = 0.0 if np.sign(moved) != np.sign(v) else moved
    return out


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-10, 10, allow_nan=False), min_size=1, max_size=30),
       st.floats(0, 5, allow_nan=False))
def test_soft_threshold_is_the_lecture_rule(values, tau):
    x = np.array(values)
    np.testing.assert_allclose(soft_threshold(x, tau), lecture_ista_rule(x, tau), atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-10, 10, allow_nan=False), min_size=1, max_size=30),
       st.floats(0, 5, allow_nan=False))
def test_soft_threshold_is_the_prox_of_l1(values, tau):
    """thr_tau(x) minimises ½(u − x)² + tau|u| — check against a fine grid."""
    x = np.array(values)
    grid = np.linspace(-15, 15, 30_001)
    best = grid[np.argmin(0.5 * (grid[None] - x[:, None]) ** 2 + tau * np.abs(grid[None]), 1)]
    np.testing.assert_allclose(soft_threshold(x, tau), best, atol=2e-3)


def test_soft_threshold_kinds_and_dtypes():
    x32 = np.array([-2.0, 0.5, 3.0], dtype=np.float32)
    assert soft_threshold(x32, 1.0).dtype == np.float32
    assert soft_threshold(x32.astype(np.float64), 1.0).dtype == np.float64
    t = torch.tensor([[-2.0, 0.5, 3.0]])
    out = soft_threshold(t, 1.0)
    assert isinstance(out, torch.Tensor) and out.shape == t.shape
    assert out.tolist() == [[-1.0, 0.0, 2.0]]
    assert soft_threshold(np.array([1, -3, 0]), 1).tolist() == [0.0, -2.0, 0.0]  # ints → float


# ------------------------------------------------------------------ objective and helpers
def test_sparse_objective_closed_form():
    X = np.array([[1.0, 2.0]])
    D = np.eye(2)
    H = np.array([[1.0, 0.0]])
    # ½‖(0, 2)‖² + 0.5·1 = 2.5
    assert sparse_objective(X, D, H, 0.5) == pytest.approx(2.5)


def test_sparse_objective_is_sklearn_lasso_per_sample():
    """sklearn's Lasso minimises (1/2d)‖x − Dh‖² + α‖h‖₁: with α = λ/d, our objective."""
    X, D = random_problem(0, n=6)
    lam = 0.3
    H_sk = np.stack([Lasso(alpha=lam / D.shape[0], fit_intercept=False, tol=1e-12,
                           max_iter=100_000).fit(D, x).coef_ for x in X])
    H = sparse_encode(X, D, lam, tol=1e-12)
    np.testing.assert_allclose(H, H_sk, atol=1e-5)
    assert sparse_objective(X, D, H, lam) == pytest.approx(sparse_objective(X, D, H_sk, lam),
                                                           rel=1e-9)
    per_sample = [0.5 * np.sum((x - D @ h) ** 2) + lam * np.abs(h).sum() for x, h in zip(X, H)]
    assert sparse_objective(X, D, H, lam) == pytest.approx(np.mean(per_sample))


def test_lipschitz_constant_is_largest_eigenvalue():
    _, D = random_problem(2)
    assert lipschitz_constant(D) == pytest.approx(np.linalg.eigvalsh(D.T @ D).max())


def test_mutual_coherence_known_values():
    assert mutual_coherence(np.eye(5)) == pytest.approx(0.0)
    d = 16
    hadamard = np.array([[1.0]])
    while hadamard.shape[0] < d:
        hadamard = np.block([[hadamard, hadamard], [hadamard, -hadamard]])
    D = np.hstack([np.eye(d), hadamard / np.sqrt(d)])
    assert mutual_coherence(D) == pytest.approx(1 / np.sqrt(d))
    # scaling columns does not change coherence; a repeated atom has coherence 1
    assert mutual_coherence(D * np.arange(1, 2 * d + 1)) == pytest.approx(1 / np.sqrt(d))
    assert mutual_coherence(np.array([[1.0, -2.0], [0.0, 0.0]])) == pytest.approx(1.0)
    assert mutual_coherence(np.array([[3.0], [4.0]])) == 0.0


def test_one_step_encode_recovers_orthogonal_codes():
    rng = np.random.default_rng(3)
    Q, _ = np.linalg.qr(rng.standard_normal((32, 32)))
    H_true = np.where(rng.random((50, 32)) < 0.2, rng.choice([-1.0, 1.0], (50, 32)), 0.0)
    H_true *= 1 + rng.random((50, 32))                              # |h*_i| >= 1 = τ
    H = one_step_encode(H_true @ Q.T, Q, 0.9)
    np.testing.assert_array_equal(np.sign(H), np.sign(H_true))
    # with an orthogonal D one step of size 1 equals the lasso solution itself
    np.testing.assert_allclose(H, ista(H_true @ Q.T, Q, 0.9), atol=1e-10)


# ------------------------------------------------------------------ sparse_encode vs sklearn
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("algorithm", ["lasso_lars", "fista", "ista"])
def test_sparse_encode_reaches_sklearn_objective(algorithm, seed):
    rng = np.random.default_rng(seed)
    X, D = random_problem(seed, n=int(rng.integers(1, 40)), d=int(rng.integers(2, 30)),
                          k=int(rng.integers(1, 60)), scale=rng.uniform(0.2, 4))
    lam = rng.uniform(0.05, 1.0)
    ref = sklearn_objective(X, D, lam)                             # really calls sparse_encode
    ours = sparse_objective(X, D, sparse_encode(X, D, lam, algorithm=algorithm), lam)
    assert ours <= ref * (1 + 1e-4) + 1e-12
    assert ref <= ours * (1 + 1e-4) + 1e-12                        # the same problem


@pytest.mark.parametrize("algorithm", ["lasso_lars", "fista", "ista"])
def test_sparse_encode_is_certified_by_the_duality_gap(algorithm):
    X, D = random_problem(20, n=50, d=16, k=40)
    H = sparse_encode(X, D, 0.3, algorithm=algorithm, tol=1e-6)
    R = X - H @ D.T
    primal = 0.5 * (R * R).sum(1) + 0.3 * np.abs(H).sum(1)
    assert np.all(duality_gap(X, D, H, 0.3) <= 1e-6 * primal + 1e-12)


def test_sparse_encode_algorithms_agree_at_the_optimum():
    X, D = random_problem(21, n=25, d=20, k=30)
    codes = [sparse_encode(X, D, 0.3, algorithm=a, tol=1e-12, n_iter=None if a == "lasso_lars"
                           else 200_000) for a in ("lasso_lars", "fista", "ista")]
    for H in codes[1:]:
        np.testing.assert_allclose(H, codes[0], atol=1e-5)


# ------------------------------------------------------------------ the duality gap
def test_duality_gap_is_zero_at_sklearns_optimum_and_bounds_the_suboptimality():
    X, D = random_problem(22, n=20, d=12, k=18)
    lam = 0.25
    H_star = Lasso(alpha=lam / X.shape[1], fit_intercept=False, tol=1e-14,
                   max_iter=100_000).fit(D, X.T).coef_                # (n, k): sklearn's lasso
    assert np.all(duality_gap(X, D, H_star, lam) < 1e-9)
    rng = np.random.default_rng(0)
    H = H_star + 0.1 * rng.standard_normal(H_star.shape)           # any other codes
    R, R_star = X - H @ D.T, X - H_star @ D.T
    excess = (0.5 * (R * R).sum(1) + lam * np.abs(H).sum(1)
              - 0.5 * (R_star * R_star).sum(1) - lam * np.abs(H_star).sum(1))
    assert np.all(duality_gap(X, D, H, lam) >= excess - 1e-12)     # gap ≥ P(h) − P(h*) ≥ 0
    assert np.all(excess >= -1e-12)


def test_duality_gap_closed_form_for_zero_codes():
    """h = 0, λ ≥ ‖Dᵀx‖∞: θ = x is dual feasible and the gap is exactly 0."""
    X, D = random_problem(23)
    lam = np.abs(X @ D).max() * 1.01
    np.testing.assert_allclose(duality_gap(X, D, np.zeros((30, 40)), lam), 0.0, atol=1e-12)


# ------------------------------------------------------------------ the lecture's loops
def test_ista_is_the_lecture_update_with_step_one_over_L():
    X, D = random_problem(24, n=6, d=10, k=15)
    lam, L = 0.2, np.linalg.norm(D, 2) ** 2
    H = np.zeros((6, 15))
    for _ in range(7):                                             # by hand, numpy
        Z = H - (H @ D.T @ D - X @ D) / L
        H = np.sign(Z) * np.maximum(np.abs(Z) - lam / L, 0.0)
    np.testing.assert_allclose(ista(X, D, lam, n_iter=7, tol=0.0), H, atol=1e-12)


def test_fista_is_beck_teboulle_with_step_one_over_L():
    X, D = random_problem(25, n=6, d=10, k=15)
    lam, L = 0.2, np.linalg.norm(D, 2) ** 2
    H = Y = np.zeros((6, 15))
    t = 1.0
    for _ in range(9):                                             # Beck & Teboulle (2009), 4.1
        Z = Y - (Y @ D.T @ D - X @ D) / L
        H_new = np.sign(Z) * np.maximum(np.abs(Z) - lam / L, 0.0)
        t_new = (1 + np.sqrt(1 + 4 * t * t)) / 2
        Y = H_new + (t - 1) / t_new * (H_new - H)
        H, t = H_new, t_new
    np.testing.assert_allclose(fista(X, D, lam, n_iter=9, tol=0.0), H, atol=1e-12)


def test_ista_objective_never_increases():
    X, D = random_problem(5, n=20, d=15, k=45)
    values = []
    ista(X, D, 0.2, n_iter=300, tol=0.0,
         callback=lambda k, H: values.append(sparse_objective(X, D, H, 0.2)))
    assert len(values) == 300 and values[-1] < values[0]
    assert np.all(np.diff(values) <= 1e-12 * values[0])


def test_restart_is_per_row():
    """Rows are independent problems: restarting one row's momentum leaves the others alone,
    so a row solved in a batch follows the same iterates as when solved alone."""
    X, D = random_problem(26, n=12, d=15, k=45)
    batch = fista(X, D, 0.2, n_iter=300, tol=0.0, restart=True)
    for i in (0, 5, 11):
        alone = fista(X[i:i + 1], D, 0.2, n_iter=300, tol=0.0, restart=True)
        np.testing.assert_allclose(batch[i:i + 1], alone, atol=1e-10)
    F_star = sklearn_objective(X, D, 0.2)
    gap = sparse_objective(X, D, batch, 0.2) - F_star
    gap_ista = sparse_objective(X, D, ista(X, D, 0.2, n_iter=300, tol=0.0), 0.2) - F_star
    assert gap < gap_ista / 10                                     # still FISTA, not ISTA


@pytest.mark.parametrize("restart", [False, True])
def test_ista_and_fista_reach_the_same_optimum(restart):
    X, D = random_problem(6, n=25, d=20, k=30)
    H_i = ista(X, D, 0.3, n_iter=100_000, tol=1e-12)
    H_f = fista(X, D, 0.3, n_iter=20_000, tol=1e-12, restart=restart)
    np.testing.assert_allclose(H_i, H_f, atol=1e-6)
    assert sparse_objective(X, D, H_i, 0.3) == pytest.approx(sparse_objective(X, D, H_f, 0.3),
                                                            rel=1e-10)


def test_fista_beats_ista_in_the_same_number_of_iterations():
    X, D = random_problem(27, n=40, d=20, k=60)
    F_star = sklearn_objective(X, D, 0.1)
    gap_i = sparse_objective(X, D, ista(X, D, 0.1, n_iter=200, tol=0.0), 0.1) - F_star
    gap_f = sparse_objective(X, D, fista(X, D, 0.1, n_iter=200, tol=0.0), 0.1) - F_star
    assert gap_f < gap_i


def test_fista_optimality_conditions():
    """At the lasso optimum: Dᵀ(x − Dh) = λ sign(h) on the support, |·| ≤ λ off it."""
    X, D = random_problem(8)
    lam = 0.3
    H = fista(X, D, lam, tol=1e-12, n_iter=50_000)
    G = (X - H @ D.T) @ D                                          # (n, k) correlations
    on = H != 0
    np.testing.assert_allclose(G[on], lam * np.sign(H[on]), atol=1e-5)
    assert np.all(np.abs(G[~on]) <= lam + 1e-5)


@pytest.mark.parametrize("solver", [ista, fista])
def test_warm_start_and_large_lambda(solver):
    X, D = random_problem(9)
    lam_max = np.abs(X @ D).max()
    assert np.all(solver(X, D, lam_max * 1.01) == 0)                # λ ≥ ‖Dᵀx‖∞ ⇒ h = 0
    H = sparse_encode(X, D, 0.3, tol=1e-12)
    calls = []
    solver(X, D, 0.3, H0=H, tol=1e-6, callback=lambda k, H_: calls.append(k))
    assert len(calls) == 10                                         # certified at first check


def test_lam_zero_is_least_squares():
    rng = np.random.default_rng(10)
    D = rng.standard_normal((20, 8))
    D /= np.linalg.norm(D, axis=0)
    X = rng.standard_normal((5, 20))
    H_ls = np.linalg.lstsq(D, X.T, rcond=None)[0].T
    np.testing.assert_allclose(fista(X, D, 0.0, tol=1e-14, n_iter=50_000), H_ls, atol=1e-6)
    np.testing.assert_allclose(sparse_encode(X, D, 0.0, tol=1e-12), H_ls, atol=1e-6)


# ------------------------------------------------------------------ kinds, dtypes, shapes
@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 12), d=st.integers(1, 10), k=st.integers(1, 14),
       dtype=st.sampled_from([np.float32, np.float64]), seed=st.integers(0, 10_000))
def test_shapes_and_dtypes(n, d, k, dtype, seed):
    rng = np.random.default_rng(seed)
    D = rng.standard_normal((d, k)).astype(dtype)
    D /= np.linalg.norm(D, axis=0)
    X = rng.standard_normal((n, d)).astype(dtype)
    calls = [lambda: ista(X, D, 0.1, n_iter=300), lambda: fista(X, D, 0.1, n_iter=300),
             lambda: one_step_encode(X, D, 0.1)]
    calls += [lambda a=a: sparse_encode(X, D, 0.1, algorithm=a) for a in ALGORITHMS]
    for call in calls:
        H = call()
        assert H.shape == (n, k) and H.dtype == dtype and isinstance(H, np.ndarray)
        assert np.isfinite(H).all()


def test_float64_wins_over_float32():
    X, D = random_problem(11)
    for f in (ista, fista, sparse_encode):
        assert f(X.astype(np.float32), D, 0.1).dtype == np.float64
        assert f(X, D.astype(np.float32), 0.1).dtype == np.float64
    assert one_step_encode(X.astype(np.float32), D, 0.1).dtype == np.float64


def test_torch_in_torch_out():
    X, D = random_problem(12)
    Xt, Dt = torch.tensor(X), torch.tensor(D)
    for f in (ista, fista, one_step_encode, sparse_encode):
        kwargs = {"n_iter": 300} if f in (ista, fista) else {}
        H = f(Xt, Dt, 0.2, **kwargs)
        assert isinstance(H, torch.Tensor) and H.dtype == torch.float64
        np.testing.assert_allclose(H.numpy(), f(X, D, 0.2, **kwargs), atol=1e-10)
    for a in ALGORITHMS:
        assert sparse_encode(Xt.float(), Dt.float(), 0.2, algorithm=a).dtype == torch.float32


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_tensors_stay_on_device():
    X, D = random_problem(13)
    for f in (fista, lambda *a: sparse_encode(*a, algorithm="fista"), sparse_encode):
        H = f(torch.tensor(X, device="cuda"), torch.tensor(D, device="cuda"), 0.2)
        assert H.device.type == "cuda"
        np.testing.assert_allclose(H.cpu().numpy(), sparse_encode(X, D, 0.2), atol=1e-4)


def test_wide_dictionary_matches_sklearn():
    """Wide dictionaries (k > 2d) take the residual form of the gradient in the FISTA engine
    (see test_solvers_engine for both forms run explicitly); the objective is sklearn's."""
    X, D = random_problem(14, n=40, d=8, k=40)
    H = sparse_encode(X, D, 0.2, algorithm="fista", tol=1e-10)
    assert sparse_objective(X, D, H, 0.2) == pytest.approx(sklearn_objective(X, D, 0.2),
                                                           rel=1e-7)


@pytest.mark.parametrize("solver", [ista, fista])
def test_callback_receives_numpy_full_codes(solver):
    X, D = random_problem(15)
    seen = []
    solver(X, D, 0.2, n_iter=5, callback=lambda k, H: seen.append((k, type(H), H.shape)))
    assert [k for k, _, _ in seen] == [1, 2, 3, 4, 5]
    assert seen[0][1:] == (np.ndarray, (X.shape[0], D.shape[1]))


# ------------------------------------------------------------------ lasso path
LAMS = (0.05, 0.2, 0.8)


def test_lasso_path_matches_sklearn_and_is_monotone():
    X, D = random_problem(19, n=40, d=16, k=24)
    path = lasso_path(X, D, LAMS, n_keep=3)
    assert path["recon"].shape == (3, 3, 16) and path["lam"].tolist() == list(LAMS)
    for i, lam in enumerate(LAMS):
        assert path["objective"][i] == pytest.approx(sklearn_objective(X, D, lam), rel=1e-4)
    assert np.all(np.diff(path["nnz"]) <= 0)                     # larger λ, sparser codes
    assert np.all(np.diff(path["error"]) >= 0)                   # ... and a larger error


def test_lasso_path_orthogonal_dictionary_is_soft_thresholding():
    rng = np.random.default_rng(20)
    X = rng.normal(size=(40, 16))
    Q, _ = np.linalg.qr(rng.normal(size=(16, 16)))
    path = lasso_path(X, Q, LAMS, n_keep=40)
    for i, lam in enumerate(LAMS):
        H = soft_threshold(X @ Q, lam)
        np.testing.assert_allclose(path["recon"][i], H @ Q.T, atol=1e-5)
        assert path["nnz"][i] == pytest.approx((H != 0).sum(1).mean())


@pytest.mark.parametrize("kwargs, error, match", [
    ({"lams": ()}, ValueError, "lams is empty"),
    ({"lams": (0.5, 0.1)}, ValueError, "strictly increasing"),
    ({"lams": (0.0, 0.1)}, ValueError, "lams must be > 0"),
    ({"lams": ("a",)}, TypeError, "lams must be a real number"),
    ({"D": np.ones((20, 3))}, ValueError, "unit-norm"),
    ({"D": np.eye(15)}, ValueError, "D has 15 rows but X has 20 features"),
    ({"X": np.full((4, 20), np.nan)}, ValueError, "NaN"),
    ({"n_keep": 31}, ValueError, "n_keep must be <= 30"),
])
def test_lasso_path_bad_input(kwargs, error, match):
    X, D = random_problem(0)
    args = {"X": X, "D": D, "lams": LAMS, "n_keep": 0, **kwargs}
    with pytest.raises(error, match=match):
        lasso_path(args["X"], args["D"], args["lams"], n_keep=args["n_keep"])


# ------------------------------------------------------------------ bad input
X0, D0 = random_problem(0)


@pytest.mark.parametrize("call, error, match", [
    (lambda: fista(X0, D0[:-1], 0.1), ValueError, "D has 19 rows but X has 20 features"),
    (lambda: fista(X0, D0, -0.1), ValueError, "lam must be >= 0"),
    (lambda: fista(X0, D0, float("nan")), ValueError, "lam must be finite"),
    (lambda: fista(X0, D0, "0.1"), TypeError, "lam must be a real number"),
    (lambda: fista(X0, D0, True), TypeError, "lam must be a real number"),
    (lambda: fista(np.full((3, 20), np.nan), D0, 0.1), ValueError, "X contains NaN or inf"),
    (lambda: fista(X0, np.where(D0 == D0[0, 0], np.inf, D0), 0.1), ValueError, "D contains NaN or inf"),
    (lambda: fista(X0[:0], D0, 0.1), ValueError, "X is empty"),
    (lambda: fista(X0[0], D0, 0.1), ValueError, r"X must be 2-D \(n_samples, n_features\), got shape \(20,\)"),
    (lambda: fista(X0.astype(bool), D0, 0.1), TypeError, "X must hold real numbers"),
    (lambda: fista("X", D0, 0.1), TypeError, "X must be a numpy array or torch tensor"),
    (lambda: fista(X0, D0, 0.1, n_iter=0), ValueError, "n_iter must be >= 1"),
    (lambda: fista(X0, D0, 0.1, n_iter=2.5), TypeError, "n_iter must be an integer"),
    (lambda: fista(X0, D0, 0.1, tol=-1), ValueError, "tol must be >= 0"),
    (lambda: fista(X0, D0, 0.1, H0=np.zeros((3, 3))), ValueError, "H has shape"),
    (lambda: fista(torch.tensor(X0), D0, 0.1), TypeError, "all numpy arrays or all torch"),
    (lambda: ista(X0, D0, 0.1, step=0), ValueError, "step must be > 0"),
    (lambda: ista(X0, D0, 0.1, callback=3), TypeError, "callback must be callable"),
    (lambda: fista(X0, np.zeros((20, 4)), 0.1), ValueError, "zero column"),
    (lambda: one_step_encode(X0, 2 * D0, 0.1), ValueError, "unit-norm columns"),
    (lambda: sparse_encode(X0, D0, 0.1, algorithm="lars"), ValueError,
     "algorithm must be one of"),
    (lambda: sparse_encode(X0, D0, 0.1, H0=np.zeros((30, 40))), ValueError, "takes neither H0"),
    (lambda: sparse_encode(X0, D0, 0.1, n_iter=5), ValueError, "takes neither H0"),
    (lambda: sparse_encode(X0, D0[:-1], 0.1), ValueError, "D has 19 rows but X has 20"),
    (lambda: sparse_encode(X0, D0, 0.1, algorithm="fista", n_iter=0), ValueError,
     "n_iter must be >= 1"),
    (lambda: ista(X0, D0[:-1], 0.1), ValueError, "D has 19 rows but X has 20"),
    (lambda: fista(X0, D0, 0.1, restart=1), TypeError, "restart must be True or False"),
    (lambda: duality_gap(X0, D0, np.zeros((30, 3)), 0.1), ValueError, "H has shape"),
    (lambda: duality_gap(X0, D0, np.zeros((30, 40)), -1.0), ValueError, "lam must be >= 0"),
    (lambda: soft_threshold(np.ones(3), -1.0), ValueError, "tau must be >= 0"),
    (lambda: soft_threshold(np.ones(0), 1.0), ValueError, "x is empty"),
    (lambda: sparse_objective(X0, D0, np.zeros((30, 3)), 0.1), ValueError, "H has shape"),
    (lambda: mutual_coherence(np.ones(4)), ValueError, "D must be 2-D"),
    (lambda: lipschitz_constant(np.array([[np.inf]])), ValueError, "D contains NaN or inf"),
])
def test_bad_input_is_rejected_clearly(call, error, match):
    with pytest.raises(error, match=match):
        call()
