"""Tests of reprcourse.solvers.engine: the lecture's iteration, only faster, and exact."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from reprcourse.solvers.engine import solve_lasso
from reprcourse.sparse_coding import duality_gap, fista, ista, sparse_encode, sparse_objective


def problem(seed, n=12, d=10, k=16):
    g = torch.Generator().manual_seed(seed)
    D = torch.randn(d, k, generator=g, dtype=torch.float64)
    D /= D.norm(dim=0)
    X = torch.randn(n, d, generator=g, dtype=torch.float64)
    return X, D


def iterates(solver, n_iter, **kwargs):
    seen = []
    solver(callback=lambda k, H: seen.append(torch.as_tensor(H).clone()), n_iter=n_iter,
           **kwargs)
    return seen


# ------------------------------------------------------------------ same iterates as the textbook
@pytest.mark.parametrize("path, shape", [("gram", (12, 10, 16)), ("residual", (12, 10, 16)),
                                         ("auto", (8, 4, 30))])          # auto: k > 2d → residual
@pytest.mark.parametrize("momentum", [False, True])
def test_engine_iterates_equal_the_textbook(path, shape, momentum):
    """Plain settings (fixed step 1/L, no restart, no early stop): the same first 25 iterates."""
    X, D = problem(0, *shape)
    lam, k = 0.1, 25
    textbook = fista if momentum else ista
    ref = iterates(textbook, k, X=X, D=D, lam=lam, tol=0.0)
    got = iterates(solve_lasso, k, X=X, D=D, lam=lam, tol=0.0, momentum=momentum,
                   restart=False, adaptive=False, mixed_precision=False, path=path,
                   check_every=10 ** 9)
    assert len(got) == len(ref) == k
    for a, b in zip(got, ref):
        torch.testing.assert_close(a, b, rtol=0, atol=1e-12)


def test_engine_moves_the_codes():
    """Guard for the test above: the iterates are not all equal (e.g. all zero)."""
    X, D = problem(1)
    seen = iterates(fista, 5, X=X, D=D, lam=0.1, tol=0.0)
    assert (seen[-1] - seen[0]).abs().max() > 1e-3 and (seen[-1] != 0).any()


# ------------------------------------------------------------------ exactness
def relative_gap(X, D, H, lam):
    """The public duality gap (tested against scikit-learn's lasso in test_sparse_coding),
    relative to the objective, per row."""
    X, D, H = (torch.as_tensor(a, dtype=torch.float64) for a in (X, D, H))
    R = X - H @ D.T
    primal = 0.5 * (R * R).sum(1) + lam * H.abs().sum(1)
    return torch.from_numpy(duality_gap(X.numpy(), D.numpy(), H.numpy(), lam)) / primal


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 30), d=st.integers(1, 12), k=st.integers(1, 40),
       lam=st.floats(0.01, 2.0), tol=st.sampled_from([1e-3, 1e-5, 1e-8]),
       path=st.sampled_from(["gram", "residual"]), adaptive=st.booleans(),
       seed=st.integers(0, 1000))
def test_engine_certifies_its_gap(n, d, k, lam, tol, path, adaptive, seed):
    X, D = problem(seed, n, d, k)
    H = solve_lasso(X, D, lam, tol=tol, path=path, adaptive=adaptive)
    assert H.shape == (n, k) and H.dtype == torch.float64
    assert torch.all(relative_gap(X, D, H, lam) <= tol * (1 + 1e-6) + 1e-13)


def test_gram_and_residual_paths_agree():
    """Both forms of the gradient reach the same optimum (each path is run explicitly)."""
    X, D = problem(2, n=40, d=8, k=40)
    a = solve_lasso(X, D, 0.2, tol=1e-12, path="gram", mixed_precision=False)
    b = solve_lasso(X, D, 0.2, tol=1e-12, path="residual", mixed_precision=False)
    torch.testing.assert_close(a, b, rtol=0, atol=1e-6)
    assert (a != 0).any()


def test_adaptive_steps_keep_the_same_optimum_and_save_iterations():
    X, D = problem(3, n=30, d=16, k=64)
    counts = {}
    for adaptive in (False, True):
        calls = []
        H = solve_lasso(X, D, 0.1, tol=1e-10, adaptive=adaptive, mixed_precision=False,
                        callback=lambda k, H: calls.append(k))
        counts[adaptive] = (len(calls), H)
    torch.testing.assert_close(counts[True][1], counts[False][1], rtol=0, atol=1e-6)
    assert counts[True][0] <= counts[False][0]


def test_float32_then_float64_certifies_in_float64():
    X, D = problem(4, n=50, d=16, k=48)
    H = solve_lasso(X, D, 0.05, tol=1e-9)                          # float32 phase cannot reach it
    assert H.dtype == torch.float64
    assert torch.all(relative_gap(X, D, H, 0.05) <= 1e-9)


# ------------------------------------------------------------------ masks
def test_mask_equals_the_lasso_on_the_observed_coordinates():
    X, D = problem(5, n=10, d=12, k=20)
    M = (torch.rand(10, 12, generator=torch.Generator().manual_seed(0)) > 0.4).double()
    H = solve_lasso(X * M, D, 0.1, mask=M, tol=1e-12, mixed_precision=False, path="residual")
    for i in range(10):
        keep = M[i] > 0
        ref = sparse_encode(X[i:i + 1, keep], D[keep], 0.1, tol=1e-12)
        torch.testing.assert_close(H[i:i + 1], ref, rtol=0, atol=1e-6)


def test_full_mask_is_no_mask():
    X, D = problem(6)
    a = solve_lasso(X, D, 0.1, mask=torch.ones_like(X), tol=1e-10, path="residual")
    b = solve_lasso(X, D, 0.1, tol=1e-10, path="residual")
    torch.testing.assert_close(a, b, rtol=0, atol=1e-7)


def test_mask_refuses_the_gram_form():
    X, D = problem(7)
    with pytest.raises(ValueError, match="residual"):
        solve_lasso(X, D, 0.1, mask=torch.ones_like(X), path="gram")


# ------------------------------------------------------------------ linear in the samples
def test_rows_are_independent():
    """A row's code does not depend on the other rows of the batch."""
    X, D = problem(8, n=30)
    whole = solve_lasso(X, D, 0.2, tol=1e-10)
    for i in (0, 7, 29):
        part = solve_lasso(X[i:i + 1], D, 0.2, tol=1e-10)
        torch.testing.assert_close(part, whole[i:i + 1], rtol=0, atol=1e-6)
    assert sparse_objective(X, D, whole, 0.2) > 0
