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
from ..instances import orthogonal_dictionary, sparse_codes
from ._harness import Case, CheckResult, rng_for, run_check

__all__ = ["check_sufficient_statistics", "check_update_atom", "check_normalize_atoms",
           "check_masked_objective", "check_gradient_step", "check_inpainting_errors",
           "check_transform_codes", "check_alternating_step", "check_sign_recovery_rate"]
# perturbed_dictionary (the bridge exercise's instances) is public too, but __all__ lists
# only the checks: the test suite reads every name in it as a check.


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
    which must be within 1e-6 + 1e-6·F* of the optimum F* (absolute plus relative; F* is
    about 1 here). A solver stopped at a relative duality gap of 1e-4 can miss that: ask for
    ``tol=1e-8``."""
    rng = rng_for("transform_codes", seed)

    def cases():
        for n, d, k, lam in [(10, 8, 12, 0.3), (1, 5, 3, 0.1)]:
            X, D, _ = _problem(rng, n, d, k)
            best = sparse_objective(X, D, sparse_encode(X, D, lam, tol=1e-10), lam)
            yield Case(f"n = {n}, {k} atoms of {d} features, λ = {lam}", (D.T.copy(), X, lam),
                       best, call=_objective_of_codes, atol=1e-6, rtol=1e-6)

    return run_check("transform_codes", transform_codes, cases)


def _one_bcd_sweep(D, A, B):
    """Every atom in turn, ``d_j ← c_j / ‖c_j‖`` (each sees the atoms already updated)."""
    D = D.copy()
    for j in range(D.shape[1]):
        D[:, j] = _update_atom(D, A, B, j)
    return D


def _alternating_step(X, D, lam):
    """One alternating iteration: the lasso codes for ``D``, then one exact atom sweep."""
    H = sparse_encode(X, D, lam, tol=1e-10)                             # (n, k) codes step
    return _one_bcd_sweep(D, H.T @ H, X.T @ H), H                       # atoms step


def _judge_alternating_step(student_fn, X, D, lam):
    """What the check asks of ``(D_new, H) = alternating_step(X, D, lam)``, as named bools."""
    D_new, H = student_fn(X, D, lam)
    D_new, H = (np.asarray(a, dtype=np.float64) for a in (D_new, H))
    if D_new.shape != D.shape or H.shape != (X.shape[0], D.shape[1]):
        return {"shapes": f"D_new {D_new.shape}, H {H.shape}"}
    best = sparse_objective(X, D, sparse_encode(X, D, lam, tol=1e-10), lam)
    before, after = sparse_objective(X, D, H, lam), sparse_objective(X, D_new, H, lam)
    return {
        "H are the lasso codes for the old D (F within 1e-6 of its minimum)":
            bool(before <= best + 1e-6 * max(1.0, best)),
        "the atoms of D_new have unit norm (within 1e-8)":
            bool(np.all(np.abs(np.linalg.norm(D_new, axis=0) - 1) <= 1e-8)),
        "F(D_new, H) < F(D, H): the atom step lowered F":
            bool(after < before - 1e-6 * before),
    }


def check_alternating_step(alternating_step, *, seed=None) -> CheckResult:
    """``alternating_step(X, D, lam)`` -> ``(D_new, H)``: the lasso codes ``H`` for ``D``
    (F within 1e-6 of its minimum over ``H``), then an atom step whose unit-norm atoms
    (within 1e-8) lower ``F(·, H)`` (by more than 1e-6 relative). Any exact sweep or
    ``1/L`` projected-gradient step passes; the check tests F, not one formula."""
    rng = rng_for("alternating_step", seed)
    expected = dict.fromkeys(["H are the lasso codes for the old D (F within 1e-6 of its "
                              "minimum)", "the atoms of D_new have unit norm (within 1e-8)",
                              "F(D_new, H) < F(D, H): the atom step lowered F"], True)

    def cases():
        for n, d, k, lam in [(60, 8, 12, 0.2), (30, 6, 4, 0.5), (40, 10, 20, 0.05)]:
            X, D, _ = _problem(rng, n, d, k)
            yield Case(f"n = {n}, {k} atoms of {d} features, λ = {lam}", (X, D, lam),
                       expected, call=_judge_alternating_step)

    return run_check("alternating_step", alternating_step, cases)


def _sign_recovery_rate(X, D_guess, H_star, lam):
    """Share of rows whose one-step code ``soft(X D', λ)`` has the signs of ``h*``."""
    H = np.sign(X @ D_guess) * np.maximum(np.abs(X @ D_guess) - lam, 0.0)
    return float(np.mean(np.all(np.sign(H) == np.sign(H_star), axis=1)))


def perturbed_dictionary(D, cosine, *, seed=None):
    """Unit-norm atoms at exactly the given cosine to those of ``D`` (random directions).

    ``d'_j = cosine · d_j + sqrt(1 − cosine²) · u_j`` with ``u_j`` a random unit vector
    orthogonal to ``d_j``. Used by the bridge exercise from chapter 3 to chapter 4.

    Raises
    ------
    ValueError
        If ``cosine`` is outside [0, 1].
    """
    if not 0.0 <= float(cosine) <= 1.0:
        raise ValueError(f"cosine must be in [0, 1], got {cosine!r}")
    rng = np.random.default_rng(seed)
    U = rng.standard_normal(D.shape)
    U -= D * np.sum(U * D, axis=0)                                      # ⟂ to every d_j
    U /= np.linalg.norm(U, axis=0)
    return cosine * D + np.sqrt(1.0 - cosine ** 2) * U


def check_sign_recovery_rate(sign_recovery_rate, *, seed=None) -> CheckResult:
    """``sign_recovery_rate(X, D_guess, H_star, lam)`` -> the share of samples (rows) whose
    one-step code ``soft_threshold(X @ D_guess, lam)`` has exactly the signs of ``H_star``
    (zeros included), a float in [0, 1]."""
    rng = rng_for("sign_recovery_rate", seed)

    def cases():
        d, s = 32, 3
        D = orthogonal_dictionary(d, seed=rng)
        H_star = sparse_codes(200, d, s, tau=1.0, M=2.0, seed=rng)
        X = H_star @ D.T
        for cosine in (1.0, 0.95, 0.7):
            D_guess = perturbed_dictionary(D, cosine, seed=rng)
            yield Case(f"orthogonal D*, 32 atoms, 3 non-zeros, atoms at cosine {cosine}, "
                       "λ = 0.5", (X, D_guess, H_star, 0.5),
                       _sign_recovery_rate(X, D_guess, H_star, 0.5), atol=1e-12)
        D_flip = D * np.where(np.arange(d) % 2, -1.0, 1.0)                # learned up to sign
        yield Case("the right atoms, every other one with its sign flipped, λ = 0.5",
                   (X, D_flip, H_star, 0.5), _sign_recovery_rate(X, D_flip, H_star, 0.5),
                   atol=1e-12)

    return run_check("sign_recovery_rate", sign_recovery_rate, cases)
