"""Chapter 2's exercise checks reject the plausible wrong answers, one test per mistake.

tests/test_exercises.py runs every check on its solution, its stub and one wrong answer; here
each chapter-2 check meets the other mistakes students make (sign-blind, off-by-λ, wrong step,
transposed, greedy instead of exhaustive ...), and the solutions shown in the chapter are held
to the package's loops.
"""

import itertools
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))   # tests/notebook_solutions.py
import notebook_solutions  # noqa: E402
from reprcourse import lipschitz_constant, soft_threshold, sparse_objective  # noqa: E402
from reprcourse.exercises import ch02  # noqa: E402
from reprcourse.sparse_coding import ista  # noqa: E402

sol = notebook_solutions.load()


def _thr(z, tau):
    return np.sign(z) * np.maximum(np.abs(z) - tau, 0.0)


def _ista_wrong_step(X, D, lam, n_iter, *, step, thr):
    H, objectives = np.zeros((X.shape[0], D.shape[1])), []
    for _ in range(n_iter):
        H = _thr(H - step(D) * (H @ D.T - X) @ D, thr(D, lam))
        objectives.append(sparse_objective(X, D, H, lam))
    return H, objectives


def _greedy_omp(x, D, s):
    """Orthogonal matching pursuit: greedy, not the ℓ0 optimum."""
    S, r = [], x.copy()
    for _ in range(s):
        S.append(int(np.argmax(np.abs(r @ D))))
        coef = np.linalg.lstsq(D[:, S], x, rcond=None)[0]
        r = x - D[:, S] @ coef
    h = np.zeros(D.shape[1])
    h[S] = coef
    return h


def _exactly_s_no_refit(x, D, s):
    """Best support found, but the values are the correlations, not least squares."""
    best, err = None, np.inf
    for S in itertools.combinations(range(D.shape[1]), s):
        coef = np.linalg.lstsq(D[:, S], x, rcond=None)[0]
        e = ((x - D[:, S] @ coef) ** 2).sum()
        if e < err:
            best, err = S, e
    h = np.zeros(D.shape[1])
    h[list(best)] = (x @ D)[list(best)]
    return h


WRONG = {
    "lecture_update": {
        "no clamp": lambda h, g, a, lam: h - a * g - a * lam * np.sign(h - a * g),
        "clamp to ≥ 0 (no sign test)": lambda h, g, a, lam: np.maximum(
            h - a * g - a * lam * np.sign(h - a * g), 0.0),
        "hard clamp, no shrink": lambda h, g, a, lam: (lambda z: np.where(
            np.abs(z) <= a * lam, 0.0, z))(h - a * g),
        "off by λ (threshold λ, not αλ)": lambda h, g, a, lam: _thr(h - a * g, lam),
        "gradient step uphill": lambda h, g, a, lam: _thr(h + a * g, a * lam),
        "sign of h before the step": lambda h, g, a, lam: (lambda z: np.where(
            np.sign(z - a * lam * np.sign(h)) != np.sign(z), 0.0,
            z - a * lam * np.sign(h)))(h - a * g),
    },
    "my_ista": {
        "step 1/‖D‖_F²": lambda X, D, lam, n: _ista_wrong_step(
            X, D, lam, n, step=lambda D: 1 / (D ** 2).sum(),
            thr=lambda D, lam: lam / (D ** 2).sum()),
        "threshold λ, not λ/L": lambda X, D, lam, n: _ista_wrong_step(
            X, D, lam, n, step=lambda D: 1 / lipschitz_constant(D), thr=lambda D, lam: lam),
        "objectives before each step": lambda X, D, lam, n: (
            sol.solution_my_ista(X, D, lam, n)[0],
            [sparse_objective(X, D, np.zeros((len(X), D.shape[1])), lam)]
            + list(sol.solution_my_ista(X, D, lam, n)[1][:-1])),
    },
    "best_sparse_code": {
        "the s most correlated atoms, then least squares": ch02._thresholded_support_code,
        "orthogonal matching pursuit": _greedy_omp,
        "best support, correlations as values": _exactly_s_no_refit,
    },
    "loophole_terms": {
        "codes multiplied by c": lambda X, D, H, lam, c: (
            float(0.5 * ((X - (c * H) @ (c * D).T) ** 2).sum(1).mean()),
            float(lam * np.abs(c * H).sum(1).mean())),
        "penalty not rescaled": lambda X, D, H, lam, c: (
            float(0.5 * ((X - H @ D.T) ** 2).sum(1).mean()),
            float(lam * np.abs(H).sum(1).mean())),
        "sums, not means": lambda X, D, H, lam, c: (
            float(0.5 * ((X - H @ D.T) ** 2).sum()), float(lam * np.abs(H / c).sum())),
        "no ½": lambda X, D, H, lam, c: (
            float(((X - H @ D.T) ** 2).sum(1).mean()), float(lam * np.abs(H / c).sum(1).mean())),
    },
    "soft_thresh": {
        "hard threshold": lambda x, tau: x * (np.abs(x) > tau),
        "one-sided (ReLU)": lambda x, tau: np.maximum(x - tau, 0.0),
        "sign-blind": lambda x, tau: np.maximum(np.abs(x) - tau, 0.0),
    },
    "ista_step": {
        "threshold λ": lambda H, X, D, lam, a: _thr(H - a * (H @ D.T - X) @ D, lam),
        "gradient transposed": lambda H, X, D, lam, a: _thr(
            H - a * (X - H @ D.T) @ D, a * lam),
    },
    "lipschitz": {
        "Frobenius²": lambda D: float((D ** 2).sum()),
        "spectral norm, not squared": lambda D: float(np.linalg.norm(D, 2)),
    },
    "fista_momentum": {
        "(t' − 1)/t": lambda H, Hp, t: (lambda tn: (H + ((tn - 1) / t) * (H - Hp), tn))(
            (1 + np.sqrt(1 + 4 * t * t)) / 2),
        "t' = t + 1": lambda H, Hp, t: (H + ((t - 1) / (t + 1)) * (H - Hp), t + 1.0),
    },
    "zero_code_threshold": {
        "no |·|": lambda X, D: (X @ D).max(1),
        "ℓ2 norm of Dᵀx": lambda X, D: np.linalg.norm(X @ D, axis=1),
    },
    "one_step_lasso": {
        "no threshold": lambda X, Q, lam: X @ Q,
        "transposed basis": lambda X, Q, lam: soft_threshold(X @ Q.T, lam),
        "hard threshold": lambda X, Q, lam: (X @ Q) * (np.abs(X @ Q) > lam),
    },
    "lasso_objective": {
        "no ½": lambda X, D, H, lam: float(np.mean(((X - H @ D.T) ** 2).sum(1)
                                                    + lam * np.abs(H).sum(1))),
        "squared ℓ1": lambda X, D, H, lam: float(np.mean(0.5 * ((X - H @ D.T) ** 2).sum(1)
                                                          + lam * np.abs(H).sum(1) ** 2)),
    },
}

CASES = [(name, what) for name, wrongs in WRONG.items() for what in wrongs]


@pytest.mark.parametrize("name, what", CASES, ids=[f"{n}: {w}" for n, w in CASES])
def test_check_rejects_a_plausible_wrong_answer(name, what, capsys):
    check = getattr(ch02, f"check_{name}")
    assert bool(check(WRONG[name][what])) is False
    out = capsys.readouterr().out
    assert out.startswith(f"✗ {name}: case '"), out


@pytest.mark.parametrize("name", sorted(WRONG))
def test_solution_passes(name, capsys):
    assert bool(getattr(ch02, f"check_{name}")(getattr(sol, f"solution_{name}")))
    assert capsys.readouterr().out.startswith(f"✓ {name}: ")


def test_lecture_update_pass_says_the_argument_is_the_deliverable(capsys):
    """Calling soft_threshold passes; the check says that the equivalence is the point."""
    assert ch02.check_lecture_update(lambda h, g, a, lam: soft_threshold(h - a * g, a * lam))
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("✓ lecture_update: ")
    assert "deliverable" in out and "argument" in out


def test_my_ista_reference_is_the_package_loop_and_an_independent_one():
    """The check's reference (reprcourse's ista, tol=0) equals a plain numpy 1/L loop."""
    rng = np.random.default_rng(3)
    X, D = rng.normal(size=(20, 8)), rng.normal(size=(8, 16))
    D /= np.linalg.norm(D, axis=0)
    alpha, H = 1 / np.linalg.eigvalsh(D.T @ D)[-1], np.zeros((20, 16))
    for _ in range(50):
        H = _thr(H - alpha * (H @ D.T - X) @ D, alpha * 0.5)
    np.testing.assert_allclose(ista(X, D, 0.5, n_iter=50, tol=0.0), H, atol=1e-10)
    H_sol, objectives = sol.solution_my_ista(X, D, 0.5, 50)
    np.testing.assert_allclose(H_sol, H, atol=1e-10)
    assert np.all(np.diff(objectives) <= 1e-12)                   # never increases at 1/L


def test_best_sparse_code_beats_every_support():
    """The brute-force reference is no worse than any support of size ≤ s (checked directly)."""
    rng = np.random.default_rng(4)
    D = rng.normal(size=(5, 7))
    D /= np.linalg.norm(D, axis=0)
    x = rng.normal(size=5)
    h = sol.solution_best_sparse_code(x, D, 2)
    assert (h != 0).sum() <= 2
    err = ((x - D @ h) ** 2).sum()
    for S in itertools.combinations(range(7), 2):
        coef = np.linalg.lstsq(D[:, S], x, rcond=None)[0]
        assert err <= ((x - D[:, S] @ coef) ** 2).sum() + 1e-12


def test_loophole_terms_solution_shows_the_loophole():
    rng = np.random.default_rng(5)
    X, D, H = rng.normal(size=(10, 6)), rng.normal(size=(6, 9)), rng.normal(size=(10, 9))
    e1, p1 = sol.solution_loophole_terms(X, D, H, 0.5, 1.0)
    e10, p10 = sol.solution_loophole_terms(X, D, H, 0.5, 10.0)
    assert e10 == pytest.approx(e1) and p10 == pytest.approx(p1 / 10)
