"""Tests of reprcourse.active_set: polishing on the support is exact and certified."""

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn.linear_model import Lasso

from reprcourse.active_set import duality_gap, polish
from reprcourse.lasso_engine import solve_lasso
from reprcourse.sparse_coding import fista, textbook_fista


def problem(seed, n=20, d=10, k=16, dtype=torch.float64):
    g = torch.Generator().manual_seed(seed)
    D = torch.randn(d, k, generator=g, dtype=torch.float64)
    D /= D.norm(dim=0)
    X = torch.randn(n, d, generator=g, dtype=torch.float64)
    return X.to(dtype), D.to(dtype)


def relative_gap(X, D, H, lam):
    X, D, H = (torch.as_tensor(a, dtype=torch.float64) for a in (X, D, H))
    primal, gap = duality_gap(X, D, H, lam)
    return gap / primal.clamp(min=1e-300)


def sklearn_lasso(X, D, lam):
    """Per-sample lasso by scikit-learn; its alpha is λ/d for our objective."""
    X, D = np.asarray(X, dtype=np.float64), np.asarray(D, dtype=np.float64)
    model = Lasso(alpha=lam / D.shape[0], fit_intercept=False, tol=1e-12, max_iter=100_000)
    return np.stack([model.fit(D, x).coef_.copy() for x in X])


# ------------------------------------------------------------------ polish itself
def test_polish_from_the_optimum_support_is_exact():
    """Given codes with the optimal support and signs, one solve reaches the optimum."""
    X, D = problem(0, n=30, d=24, k=32)
    lam = 0.5
    H = solve_lasso(X, D, lam, tol=1e-13, mixed_precision=False)
    rough = H * (1 + 1e-3 * torch.rand(H.shape, generator=torch.Generator().manual_seed(1)))
    Hp, done = polish(X, D, lam, rough, tol=1e-10, out_dtype=torch.float64)
    assert done.all()
    torch.testing.assert_close(Hp, H, rtol=0, atol=1e-6)
    assert torch.all(relative_gap(X, D, Hp, lam) <= 1e-10)


def test_polish_certifies_only_what_it_can():
    """From poor codes some rows may fail, but every row called done is certified."""
    X, D = problem(2, n=60, d=8, k=32)
    lam = 0.05
    H = solve_lasso(X, D, lam, n_iter=3, tol=0.0, mixed_precision=False)
    stats = {}
    Hp, done = polish(X, D, lam, H, tol=1e-8, out_dtype=torch.float64, stats=stats)
    assert torch.all(relative_gap(X[done], D, Hp[done], lam) <= 1e-8)
    assert stats["flops_polish"] > 0


def test_polish_refuses_singular_supports():
    """Duplicate atoms make G_SS singular: the row is not certified by a wrong solve."""
    X, D = problem(3, n=10, d=6, k=5)
    D = torch.cat([D, D[:, :1]], 1)                                # atom 0 twice
    H = torch.zeros(10, 6, dtype=torch.float64)
    H[:, 0] = H[:, 5] = 1.0
    Hp, done = polish(X, D, 0.1, H, tol=1e-8, out_dtype=torch.float64)
    assert torch.all(relative_gap(X[done], D, Hp[done], 0.1) <= 1e-8)


# ------------------------------------------------------------------ the engine with polishing
@pytest.mark.parametrize("d, k", [(10, 16), (16, 8), (6, 40)])          # k > d, k < d, k ≫ d
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_fista_with_polish_matches_textbook_and_sklearn(d, k, dtype):
    X, D = problem(4, n=25, d=d, k=k, dtype=dtype)
    lam = 0.2
    H = fista(X, D, lam, tol=1e-8, active_set=True)
    assert H.dtype == dtype
    ref = textbook_fista(X.double(), D.double(), lam, n_iter=20_000, tol=1e-13)
    sk = sklearn_lasso(X, D, lam)
    atol = 1e-3 if dtype == torch.float32 else 1e-5
    torch.testing.assert_close(H.double(), ref, rtol=0, atol=atol)
    np.testing.assert_allclose(H.double().numpy(), sk, rtol=0, atol=atol)


def test_lambda_above_lambda_max_gives_zero():
    X, D = problem(5)
    lam_max = float((X @ D).abs().max())
    H = fista(X, D, 1.01 * lam_max, active_set=True)
    assert torch.all(H == 0)


def test_lambda_zero_is_least_squares():
    """λ = 0 (no polishing then): the codes solve the normal equations (k < d)."""
    X, D = problem(6, n=10, d=12, k=6)
    H = fista(X, D, 0.0, tol=1e-12, n_iter=50_000, active_set=True)
    ls = torch.linalg.lstsq(D, X.T).solution.T
    torch.testing.assert_close(H, ls, rtol=0, atol=1e-6)


def test_duplicate_atoms_still_certified():
    X, D = problem(7, n=40, d=8, k=12)
    D = torch.cat([D, D[:, :4]], 1)                                # degenerate Gram
    H = fista(X, D, 0.1, tol=1e-6, active_set=True)
    assert torch.all(relative_gap(X, D, H, 0.1) <= 1e-6 * (1 + 1e-6) + 1e-13)


def test_callback_turns_polishing_off():
    """With a callback every iteration is reported, so no sample is finished by a solve."""
    X, D = problem(10, n=50, d=16, k=24)
    seen = []
    H = fista(X, D, 0.3, tol=1e-6, active_set=True, callback=lambda k, Hk: seen.append(k))
    assert seen == list(range(1, len(seen) + 1)) and len(seen) > 1
    assert torch.all(relative_gap(X, D, H, 0.3) <= 1e-6 * (1 + 1e-6) + 1e-13)


def test_polish_is_used_and_agrees_with_plain_fista():
    X, D = problem(8, n=200, d=16, k=48)
    stats = {}
    a = solve_lasso(X, D, 0.3, tol=1e-9, active_set=True, stats=stats)
    b = solve_lasso(X, D, 0.3, tol=1e-9)
    assert stats.get("flops_polish", 0) > 0
    torch.testing.assert_close(a, b, rtol=0, atol=1e-5)
    assert torch.all(relative_gap(X, D, a, 0.3) <= 1e-9 * (1 + 1e-6) + 1e-13)


def test_numpy_in_numpy_out_with_polish():
    X, D = problem(9)
    for dtype in (np.float32, np.float64):
        H = fista(X.numpy().astype(dtype), D.numpy().astype(dtype), 0.2, active_set=True)
        assert isinstance(H, np.ndarray) and H.dtype == dtype


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 30), d=st.integers(1, 12), k=st.integers(1, 40),
       lam=st.floats(0.01, 2.0), tol=st.sampled_from([1e-3, 1e-5, 1e-8]),
       dtype=st.sampled_from([torch.float32, torch.float64]), seed=st.integers(0, 1000))
def test_fista_certifies_its_gap(n, d, k, lam, tol, dtype, seed):
    X, D = problem(seed, n, d, k, dtype=dtype)
    H = fista(X, D, lam, tol=tol, active_set=True)
    assert H.shape == (n, k) and H.dtype == dtype
    if dtype == torch.float64:
        assert torch.all(relative_gap(X, D, H, lam) <= tol * (1 + 1e-6) + 1e-13)
    else:                                  # float32: certified up to float32 rounding,
        # on problems where float32 can hold a certified optimum at all (a nearly singular
        # dictionary can put even the rounded float64 optimum's gap above 1e-6)
        best = fista(X.double(), D.double(), lam, tol=1e-12).float()
        assume(bool(torch.all(relative_gap(X, D, best, lam) <= 1e-6)))
        assert torch.all(relative_gap(X, D, H, lam) <= max(tol, 1e-5) * 1.01 + 1e-6)
