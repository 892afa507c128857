"""Checks for the exercises of chapter 4 (dictionary learning and inpainting).

Each ``check_<name>(student_fn, *, seed=None)`` compares the student's function with the
package (:mod:`reprcourse.sparse_coding`, :mod:`reprcourse.inpainting`) or with the update
formulas of :mod:`reprcourse.dictionary_learning` written out below, prints ✓/✗/○, returns a
truthy :class:`CheckResult` and never raises.
"""

from __future__ import annotations

import numpy as np

from ..inpainting import inpaint, random_mask, smooth_fill
from ..sparse_coding import sparse_encode, sparse_objective
from ._harness import Case, CheckResult, rng_for, run_check

__all__ = ["check_sufficient_statistics", "check_update_atom", "check_normalize_atoms",
           "check_masked_objective", "check_gradient_step", "check_inpainting_errors",
           "check_transform_codes"]


def _problem(rng, n, d, k, density=0.3):
    D = rng.standard_normal((d, k))
    D /= np.linalg.norm(D, axis=0)
    H = rng.normal(size=(n, k)) * (rng.random((n, k)) < density)
    return rng.normal(size=(n, d)), D, H


def check_sufficient_statistics(sufficient_statistics, *, seed=None) -> CheckResult:
    """``sufficient_statistics(X, H)`` -> ``(A, B) = (HᵀH, XᵀH)``, shapes (k, k) and (d, k)."""
    rng = rng_for("sufficient_statistics", seed)

    def cases():
        out = []
        for n, d, k in [(30, 6, 10), (4, 3, 2)]:
            X, _, H = _problem(rng, n, d, k)
            out.append(Case(f"n = {n}, d = {d}, k = {k}", (X, H), (H.T @ H, X.T @ H)))
        X, _, H = _problem(rng, 1, 5, 3, density=1.0)
        out.append(Case("one sample", (X, H), (H.T @ H, X.T @ H)))
        return out

    return run_check("sufficient_statistics", sufficient_statistics, cases)


def _update_atom(D, A, B, j):
    """Exact minimiser of F over atom j on the unit sphere (Mairal et al. 2010):
    ``c = b_j − D a_j + A_jj d_j``, ``d_j = c / ‖c‖``; an unused atom (c = 0) is kept."""
    c = B[:, j] - D @ A[:, j] + A[j, j] * D[:, j]                       # (d,)
    norm = np.linalg.norm(c)
    return c / norm if norm > 0 else D[:, j].copy()


def check_update_atom(update_atom, *, seed=None) -> CheckResult:
    """``update_atom(D, A, B, j)`` -> the new unit-norm atom ``d_j``, shape (d,)."""
    rng = rng_for("update_atom", seed)

    def cases():
        out = []
        for n, d, k in [(50, 8, 12), (20, 5, 5)]:
            X, D, H = _problem(rng, n, d, k)
            A, B = H.T @ H, X.T @ H
            j = int(rng.integers(k))
            out.append(Case(f"n = {n}, {d}×{k}, atom j = {j}", (D, A, B, j),
                            _update_atom(D, A, B, j)))
        X, D, H = _problem(rng, 10, 4, 6)
        H[:, 2] = 0.0                                                   # atom 2 is never used
        A, B = H.T @ H, X.T @ H
        out.append(Case("an unused atom (A_jj = 0) is kept", (D, A, B, 2), D[:, 2].copy()))
        return out

    return run_check("update_atom", update_atom, cases)


def _normalize(D):
    norms = np.linalg.norm(D, axis=0)
    return np.where(norms > 0, D / np.where(norms > 0, norms, 1.0), D)


def check_normalize_atoms(normalize_atoms, *, seed=None) -> CheckResult:
    """``normalize_atoms(D)`` -> ``D`` with unit-norm columns; zero columns stay zero."""
    rng = rng_for("normalize_atoms", seed)

    def cases():
        out = []
        for d, k in [(8, 12), (3, 1)]:
            D = rng.normal(size=(d, k)) * rng.uniform(0.1, 5.0, k)
            out.append(Case(f"random {d}×{k}", (D,), _normalize(D)))
        D = rng.normal(size=(4, 3))
        D[:, 1] = 0.0
        out.append(Case("a zero column stays zero", (D,), _normalize(D)))
        D = np.linalg.qr(rng.standard_normal((5, 5)))[0]
        out.append(Case("already unit-norm", (D,), D.copy()))
        return out

    return run_check("normalize_atoms", normalize_atoms, cases)


def _masked_objective(X, M, D, H, lam):
    """mean_i ½‖m_i ⊙ (x_i − D h_i)‖² + λ‖h_i‖₁ (Peyré 2009's objective, per patch)."""
    R = M * (X - H @ D.T)                                               # (n, d)
    return float((0.5 * (R * R).sum(1) + lam * np.abs(H).sum(1)).mean())


def check_masked_objective(masked_objective, *, seed=None) -> CheckResult:
    """``masked_objective(X, M, D, H, lam)`` -> ``mean_i ½‖m_i ⊙ (x_i − D h_i)‖² + λ‖h_i‖₁``."""
    rng = rng_for("masked_objective", seed)

    def cases():
        out = []
        for n, d, k, lam in [(20, 16, 24, 0.1), (3, 4, 6, 1.0)]:
            X, D, H = _problem(rng, n, d, k)
            M = (rng.random((n, d)) > 0.4).astype(float)
            out.append(Case(f"n = {n}, {d}×{k}, 40% missing, λ = {lam}", (X, M, D, H, lam),
                            _masked_objective(X, M, D, H, lam)))
        X, D, H = _problem(rng, 6, 5, 8)
        ones = np.ones_like(X)
        out.append(Case("nothing missing (the lasso objective)", (X, ones, D, H, 0.3),
                        sparse_objective(X, D, H, 0.3)))
        out.append(Case("everything missing, λ = 0.3", (X, 0 * ones, D, H, 0.3),
                        _masked_objective(X, 0 * ones, D, H, 0.3)))
        out.append(Case("λ = 0", (X, ones, D, H, 0.0), sparse_objective(X, D, H, 0.0)))
        return out

    return run_check("masked_objective", masked_objective, cases)


def _gradient_step(X, H, D, alpha):
    """The lecture's step D + α (X − H Dᵀ)ᵀ H / n, then unit-norm columns."""
    D_new = D + alpha * (X - H @ D.T).T @ H / len(X)
    return D_new / np.linalg.norm(D_new, axis=0)


def check_gradient_step(gradient_step, *, seed=None) -> CheckResult:
    """``gradient_step(X, H, D, alpha)`` -> ``normalise(D + α (X − H Dᵀ)ᵀ H / n)``, (d, k)."""
    rng = rng_for("gradient_step", seed)

    def cases():
        out = []
        for n, d, k, alpha in [(40, 8, 12, 0.1), (10, 4, 4, 1.0)]:
            X, D, H = _problem(rng, n, d, k, density=0.6)
            out.append(Case(f"n = {n}, {d}×{k}, α = {alpha}", (X, H, D, alpha),
                            _gradient_step(X, H, D, alpha)))
        X, D, H = _problem(rng, 5, 4, 6, density=0.6)
        out.append(Case("α = 0 (D unchanged)", (X, H, D, 0.0), D.copy()))
        return out

    return run_check("gradient_step", gradient_step, cases)


def _inpainting_errors(target, D, fractions):
    errors = {}
    for fraction in fractions:
        m = random_mask(target.shape, fraction, seed=0)
        missing = ~m

        def rmse(img):
            return float(np.sqrt(np.mean((img - target)[missing] ** 2)))

        errors[fraction] = (rmse(inpaint(target, m, D, 0.02, stride=2, n_iter=100)),
                            rmse(smooth_fill(target, m, sigma=1.5)))
    return errors


def check_inpainting_errors(inpainting_errors, *, seed=None) -> CheckResult:
    """``inpainting_errors(target, D, fractions)`` -> ``{fraction: (rmse_dictionary,
    rmse_smooth)}``, RMSE on the missing pixels only, masks ``random_mask(..., seed=0)``."""
    rng = rng_for("inpainting_errors", seed)

    def cases():
        u = np.linspace(0, 3 * np.pi, 16)
        target = np.sin(u)[:, None] * np.cos(1.3 * u)[None, :] + 0.1 * rng.normal(size=(16, 16))
        D = rng.standard_normal((64, 32))
        D /= np.linalg.norm(D, axis=0)
        return [Case("a 16×16 image, 32 random atoms", (target, D, [0.3, 0.6]),
                     _inpainting_errors(target, D, [0.3, 0.6]), atol=1e-5, rtol=1e-4)]

    return run_check("inpainting_errors", inpainting_errors, cases)


def _objective_of_codes(student_fn, components, X, lam):
    """Call the student's function and score its codes by the lasso objective."""
    H = student_fn(components, X, lam)
    return sparse_objective(X, components.T, np.asarray(H, dtype=np.float64), lam)


def check_transform_codes(transform_codes, *, seed=None) -> CheckResult:
    """``transform_codes(components, X, lam)`` -> lasso codes (n, k) for a dictionary given in
    scikit-learn's layout (atoms as *rows*, shape (k, d)); scored by the objective they reach,
    which must be within 1e-6 of the optimum."""
    rng = rng_for("transform_codes", seed)

    def cases():
        for n, d, k, lam in [(10, 8, 12, 0.3), (1, 5, 3, 0.1)]:
            X, D, _ = _problem(rng, n, d, k)
            best = sparse_objective(X, D, sparse_encode(X, D, lam, tol=1e-10), lam)
            yield Case(f"n = {n}, {k} atoms of {d} features, λ = {lam}", (D.T.copy(), X, lam),
                       best, call=_objective_of_codes, atol=1e-6, rtol=1e-6)

    return run_check("transform_codes", transform_codes, cases)
