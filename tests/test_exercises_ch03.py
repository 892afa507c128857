"""Chapter 3's exercise checks reject the plausible wrong answers, one mistake at a time.

Each check must pass the chapter's own solution (tests/test_exercises.py) and fail every
answer below: each is what a student who missed the point of the exercise would write.
"""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))   # tests/notebook_solutions.py
import notebook_solutions  # noqa: E402
from reprcourse.exercises import ch03  # noqa: E402
from reprcourse.instances import equicorrelated_dictionary  # noqa: E402
from reprcourse.recovery import sign_recovered  # noqa: E402
from reprcourse.sparse_coding import one_step_encode  # noqa: E402

sol = notebook_solutions.chapter_solutions(
    Path(__file__).resolve().parents[1] / "book" / "03_ista_recovery.ipynb")


def _bisect_from(start):
    """The chapter's bisection, started at a given λ (as a student might)."""
    def largest_lambda(x, D, h_star, tol=1e-6):
        def works(lam):
            return bool(sign_recovered(one_step_encode(x, D, lam), h_star)[0])
        lo = start(x, D, h_star)
        if not works(lo):
            return None
        hi = float(np.abs(x @ D).max()) + 1.0
        while hi - lo > tol:
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if works(mid) else (lo, mid)
        return lo
    return largest_lambda


def _support_only(mu, s, M, tau):
    """Runs one step but compares the signs on the support only: misses false non-zeros."""
    D = equicorrelated_dictionary(40, mu, seed=0)
    h = np.zeros((1, 40))
    h[0, :s] = M
    code = one_step_encode(h @ D.T, D, tau / 2)
    return bool((np.sign(code[0, :s]) == 1).all())


WRONG = {
    "largest_lambda": {
        "sign-blind min_S |z_i|": lambda x, D, h: float(np.abs((x @ D)[h != 0]).min()),
        "min_S sign(h_i) z_i, even when no λ works":
            lambda x, D, h: float((np.sign(h) * (x @ D))[h != 0].min()),
        "min_S |h*_i| (ignores the noise)": lambda x, D, h: float(np.abs(h[h != 0]).min()),
        "bisection from λ = 0": _bisect_from(lambda x, D, h: 0.0),
        "off by λ₀: the width of the interval":
            lambda x, D, h: (lambda z: float((np.sign(h) * z)[h != 0].min()
                                             - np.abs(z[h == 0]).max()))(x @ D),
    },
    "recovers_at_mu": {
        "the theorem's bound s μ M ≤ τ/8": lambda mu, s, M, tau: s * mu * M <= tau / 8,
        "the formula s μ M ≤ τ/2, not a run": lambda mu, s, M, tau: s * mu * M <= tau / 2,
        "signs compared on the support only": _support_only,
        "hard-coded confirmation": lambda mu, s, M, tau: True,
    },
    "one_step_code": {
        "hard threshold": lambda X, D, lam: (X @ D) * (np.abs(X @ D) > lam),
        "one-sided (ReLU)": lambda X, D, lam: np.maximum(X @ D - lam, 0.0),
        "no threshold (Dᵀx itself)": lambda X, D, lam: X @ D,
    },
    "predict_theorem1": {
        "λ below the largest entry": lambda h, lam: bool(lam < np.abs(h).max()),
        "always recovered": lambda h, lam: True,
    },
    "predict_theorem2": {
        "the theorem's bound ‖ε‖ ≤ τ/4": lambda e, lam, tau: bool(e <= tau / 4),
        "zeros only": lambda e, lam, tau: bool(e <= lam),
    },
    "theorem3_max_sparsity": {
        "the aligned limit τ/2": lambda mu, M, tau, e, k: (
            k if mu == 0 else int(min(k, np.floor(tau / (2 * mu * M))))),
        "noise hypothesis ignored": lambda mu, M, tau, e, k: (
            k if mu == 0 else int(min(k, np.floor(tau / (8 * mu * M))))),
    },
    "coherence": {
        "no normalisation": lambda D: float(np.abs(D.T @ D - np.diag(np.diag(D.T @ D))).max()),
        "signed maximum": lambda D: float((lambda G: (G - np.diag(np.diag(G))).max())(
            (D / np.linalg.norm(D, axis=0)).T @ (D / np.linalg.norm(D, axis=0)))),
    },
    "max_abs_delta": {
        "‖δ‖₂ instead of max|δ_i|": lambda X, D, H: np.linalg.norm(X @ D - H, axis=1),
        "Dx instead of Dᵀx": lambda X, D, H: np.abs(X @ D.T - H).max(axis=1),
    },
}


@pytest.mark.parametrize("name, label", [(n, w) for n in WRONG for w in WRONG[n]])
def test_check_rejects_a_plausible_wrong_answer(name, label, capsys):
    check = getattr(ch03, f"check_{name}")
    assert bool(check(WRONG[name][label])) is False, label
    out = capsys.readouterr().out
    assert out.startswith(f"✗ {name}: case '"), out


@pytest.mark.parametrize("name", sorted(WRONG))
def test_check_passes_the_chapter_solution(name, capsys):
    assert bool(getattr(ch03, f"check_{name}")(sol[f"solution_{name}"])) is True
    assert capsys.readouterr().out.startswith(f"✓ {name}: ")


def test_largest_lambda_cases_include_a_flipped_sign_and_an_empty_interval(capsys):
    """The sign-blind answer is rejected on a case where noise flips a sign."""
    ch03.check_largest_lambda(WRONG["largest_lambda"]["sign-blind min_S |z_i|"])
    out = capsys.readouterr().out
    assert "flips the sign" in out and "expected None" in out


def test_largest_lambda_answer_is_none_exactly_when_no_lambda_works():
    rng = np.random.default_rng(0)
    for _ in range(20):
        D = np.linalg.qr(rng.standard_normal((8, 8)))[0]
        h = np.zeros((1, 8))
        h[0, :3] = rng.choice([-1, 1], 3) * rng.uniform(1, 2, 3)
        x = h @ D.T + rng.normal(scale=0.6, size=(1, 8))
        got = sol["solution_largest_lambda"](x, D, h)
        lams = np.linspace(0, 4, 4001)
        works = [bool(sign_recovered(one_step_encode(x, D, lam), h)[0]) for lam in lams]
        if not any(works):
            assert got is None
        else:
            assert got == pytest.approx(lams[np.flatnonzero(works)].max(), abs=2e-3)


def test_recovers_at_mu_full_support_never_breaks():
    """With every atom active no zero can be lifted: the run says True where the formula
    s μ M ≤ τ/2 says False (the check's case that tells a run from a formula)."""
    for mu in (0.05, 0.3, 0.6):
        assert sol["solution_recovers_at_mu"](mu, 40, 1.0, 1.0) is True
        assert not 40 * mu * 1.0 <= 0.5
