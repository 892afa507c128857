"""Chapter 4's exercise checks reject the plausible wrong answers (issue 24).

tests/test_exercises.py holds one wrong answer per check; here are the others that matter for
chapter 4: the transposed layout, a loose solver, a sweep without the A_jj d_j term or without
renormalisation, a sign-blind or per-entry recovery rate.
"""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))   # tests/notebook_solutions.py
import notebook_solutions  # noqa: E402
from reprcourse.exercises import ch04  # noqa: E402
from reprcourse.sparse_coding import fista, sparse_encode  # noqa: E402

sol = notebook_solutions.load()


def _sweep(X, D, lam, *, own_term=True, renormalise=True):
    H = sparse_encode(X, D, lam, tol=1e-10)
    A, B = H.T @ H, X.T @ H
    D = D.copy()
    for j in range(D.shape[1]):
        c = B[:, j] - D @ A[:, j] + (A[j, j] * D[:, j] if own_term else 0.0)
        D[:, j] = c / np.linalg.norm(c) if renormalise else c
    return D, H


def _projected_gradient(X, D, lam):
    H = sparse_encode(X, D, lam, tol=1e-10)
    A, B = H.T @ H, X.T @ H
    G = D + (B - D @ A) / np.linalg.norm(A, 2)
    return G / np.linalg.norm(G, axis=0), H


def _one_step(X, Dg, lam):
    return np.sign(X @ Dg) * np.maximum(np.abs(X @ Dg) - lam, 0.0)


WRONG = {
    "transform_codes": {
        "components not transposed": lambda C, X, lam: sparse_encode(X, C, lam),
        "atoms in reversed order": lambda C, X, lam: sparse_encode(
            X, C.T[:, ::-1].copy(), lam, tol=1e-8),
        "a few FISTA iterations": lambda C, X, lam: fista(X, C.T, lam, n_iter=3, tol=0.0),
    },
    "alternating_step": {
        "atoms step without A_jj d_j": lambda X, D, lam: _sweep(X, D, lam, own_term=False),
        "no renormalisation": lambda X, D, lam: _sweep(X, D, lam, renormalise=False),
        "codes from one ISTA step": lambda X, D, lam: (
            _sweep(X, D, lam)[0], _one_step(X, D, lam)),
        "atoms unchanged": lambda X, D, lam: (D, sparse_encode(X, D, lam, tol=1e-10)),
    },
    "sign_recovery_rate": {
        "sign-blind (supports only)": lambda X, Dg, Hs, lam: float(np.mean(np.all(
            (np.abs(X @ Dg) > lam) == (Hs != 0), axis=1))),
        "per entry instead of per sample": lambda X, Dg, Hs, lam: float(np.mean(
            np.sign(_one_step(X, Dg, lam)) == np.sign(Hs))),
        "hard threshold at 2λ": lambda X, Dg, Hs, lam: float(np.mean(np.all(
            np.sign(X @ Dg * (np.abs(X @ Dg) > 2 * lam)) == np.sign(Hs), axis=1))),
    },
}
CASES = [(name, label) for name, wrong in WRONG.items() for label in wrong]


@pytest.mark.parametrize("name, label", CASES)
def test_wrong_answer_is_rejected(name, label, capsys):
    check = getattr(ch04, f"check_{name}")
    assert bool(check(WRONG[name][label])) is False, label
    assert capsys.readouterr().out.startswith(f"✗ {name}: case '")


@pytest.mark.parametrize("name", ["transform_codes", "alternating_step", "sign_recovery_rate"])
def test_chapter_solution_passes(name, capsys):
    assert bool(getattr(ch04, f"check_{name}")(getattr(sol, f"solution_{name}"))) is True
    assert capsys.readouterr().out.startswith(f"✓ {name}: ")


def test_alternating_step_accepts_any_descent_step(capsys):
    """The check tests F, not one formula: a 1/L projected-gradient atom step passes too."""
    assert bool(ch04.check_alternating_step(_projected_gradient)) is True


def test_transform_codes_tolerance_is_the_stated_one():
    """The docstring states the tolerance the case compares with (atol = rtol = 1e-6)."""
    assert "1e-6 + 1e-6·F*" in ch04.check_transform_codes.__doc__


def test_perturbed_dictionary_has_the_asked_cosine():
    rng = np.random.default_rng(1)
    D = np.linalg.qr(rng.standard_normal((16, 16)))[0]
    for c in (0.0, 0.5, 0.9, 1.0):
        Dp = ch04.perturbed_dictionary(D, c, seed=2)
        np.testing.assert_allclose(np.linalg.norm(Dp, axis=0), 1.0, atol=1e-12)
        np.testing.assert_allclose(np.sum(Dp * D, axis=0), c, atol=1e-12)
    with pytest.raises(ValueError, match="cosine"):
        ch04.perturbed_dictionary(D, 1.5)
