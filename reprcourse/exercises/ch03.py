"""Checks for the exercises of chapter 3 (ISTA and one-step recovery).

The three theorems come as "predict, then check" exercises: the student's function returns a
prediction (a bool or a number) worked out from the theorem or the lemma behind it, and the
check compares it with what the package *computes* — one step of ISTA run on instances made
by :mod:`reprcourse.instances`, judged by :mod:`reprcourse.recovery`. Each
``check_<name>(student_fn, *, seed=None)`` prints ✓/✗/○, returns a :class:`CheckResult`
(truthy when passed) and never raises.
"""

from __future__ import annotations

import numpy as np

from ..instances import (adversarial_noise, equicorrelated_dictionary, noise,
                         orthogonal_dictionary, sparse_codes, union_of_bases)
from ..recovery import recovery_conditions, recovery_interval, sign_recovered
from ..sparse_coding import mutual_coherence, one_step_encode
from ._harness import Case, CheckResult, compare, rng_for, run_check, short, unit_atoms

__all__ = ["check_one_step_code", "check_coherence", "check_predict_theorem1",
           "check_predict_theorem2", "check_theorem3_max_sparsity", "check_max_abs_delta",
           "check_largest_lambda", "check_recovers_at_mu"]


def check_one_step_code(one_step_code, *, seed=None) -> CheckResult:
    """``one_step_code(X, D, lam)`` -> ``thr_λ(X D)``: one ISTA step from 0, step 1, (n, k)."""
    rng = rng_for("one_step_code", seed)

    def cases():
        out = []
        for n, d, k, lam in [(10, 8, 16, 0.5), (3, 6, 6, 1.0)]:
            X, D = rng.normal(size=(n, d)), unit_atoms(rng, d, k)
            out.append(Case(f"n = {n}, {d}×{k}, λ = {lam}", (X, D, lam),
                            one_step_encode(X, D, lam)))
        X, D = rng.normal(size=(4, 5)), unit_atoms(rng, 5, 9)
        out.append(Case("λ = 0 (Dᵀx itself)", (X, D, 0.0), one_step_encode(X, D, 0.0)))
        out.append(Case("zero input", (np.zeros((2, 5)), D, 0.2), np.zeros((2, 9))))
        return out

    return run_check("one_step_code", one_step_code, cases)


def check_coherence(coherence, *, seed=None) -> CheckResult:
    """``coherence(D)`` -> ``μ = max_{i≠j} |⟨d_i, d_j⟩|`` after normalising the columns."""
    rng = rng_for("coherence", seed)

    def cases():
        out = []
        D = rng.normal(size=(8, 12)) * rng.uniform(0.5, 3.0, 12)       # columns not unit-norm
        out.append(Case("random 8×12, columns of various norms", (D,), mutual_coherence(D)))
        out.append(Case("identity ∪ Hadamard, d = 16 (μ = 1/4)", (union_of_bases(16),), 0.25))
        out.append(Case("orthogonal 5×5 (μ = 0)", (orthogonal_dictionary(5, seed=rng),), 0.0))
        out.append(Case("a single atom (μ = 0)", (rng.normal(size=(4, 1)),), 0.0))
        D = unit_atoms(rng, 6, 4)
        D[:, 3] = -2.0 * D[:, 1]
        out.append(Case("atom 3 = −2 × atom 1 (μ = 1)", (D,), 1.0))
        return out

    return run_check("coherence", coherence, cases)


def _one_step_recovers(D, h, lam, eps=None):
    """Whether one ISTA step from 0 on x = D h (+ eps) has exactly the signs of h."""
    x = (D @ h + (0.0 if eps is None else eps))[None]                     # (1, d)
    return bool(sign_recovered(one_step_encode(x, D, lam), h[None])[0])


def check_predict_theorem1(predict_theorem1, *, seed=None) -> CheckResult:
    """``predict_theorem1(h_star, lam)`` -> predicted bool: does one step recover the signs of
    ``h_star`` from ``x = D h_star`` for an orthogonal ``D`` (no noise)? Checked by running it."""
    rng = rng_for("predict_theorem1", seed)

    def cases():
        out = []
        d = 16
        D = orthogonal_dictionary(d, seed=rng)
        for s in (2, 5):
            h = sparse_codes(1, d, s, tau=1.0, M=3.0, seed=rng)[0]
            small, big = np.abs(h[h != 0]).min(), np.abs(h).max()
            for label, lam in [("0.5 × smallest", 0.5 * small), ("0.99 × smallest", 0.99 * small),
                               ("1.01 × smallest", 1.01 * small), ("between", (small + big) / 2),
                               ("above the largest", 1.2 * big)]:
                out.append(Case(f"{s} non-zeros, λ = {label} |h*ᵢ|", (h, float(lam)),
                                _one_step_recovers(D, h, lam)))
        out.append(Case("h* = 0, λ = 0.3", (np.zeros(d), 0.3),
                        _one_step_recovers(D, np.zeros(d), 0.3)))
        h = sparse_codes(1, d, d, tau=1.0, M=2.0, seed=rng)[0]
        out.append(Case("full support, λ = 0.9", (h, 0.9), _one_step_recovers(D, h, 0.9)))
        return out

    return run_check("predict_theorem1", predict_theorem1, cases)


def _worst_case_recovers(D, h, e, lam):
    """Recovery under both worst-case noise directions of norm ``e`` (orthogonal D)."""
    return all(_one_step_recovers(D, h, lam, adversarial_noise(D, h[None], e, target=t)[0])
               for t in ("support", "off_support"))


def check_predict_theorem2(predict_theorem2, *, seed=None) -> CheckResult:
    """``predict_theorem2(noise_norm, lam, tau)`` -> predicted bool: does one step recover the
    signs of *every* code with ``|h*ᵢ| ≥ τ`` from ``x = D h* + ε`` for *every* ``ε`` of that
    norm (orthogonal D)? Checked against worst-case noise on a code with all ``|h*ᵢ| = τ``."""
    rng = rng_for("predict_theorem2", seed)

    def cases():
        out = []
        d = 16
        D = orthogonal_dictionary(d, seed=rng)
        grid = [(0.0, 0.3, 1.0), (0.1, 0.5, 1.0), (0.4, 0.5, 1.0), (0.6, 0.5, 1.0),
                (0.3, 0.2, 1.0), (0.2, 0.7, 1.0), (0.35, 0.7, 1.0), (0.9, 1.0, 2.0)]
        while len(grid) < 12:
            e, lam = rng.uniform(0, 0.8), rng.uniform(0.05, 1.0)
            if min(abs(e - lam), abs(1.0 - e - lam)) > 0.02:
                grid.append((round(float(e), 3), round(float(lam), 3), 1.0))
        for e, lam, tau in grid:
            h = sparse_codes(1, d, 4, tau=tau, seed=rng)[0]
            out.append(Case(f"‖ε‖₂ = {e}, λ = {lam}, τ = {tau}", (e, lam, tau),
                            _worst_case_recovers(D, h, e, lam)))
        return out

    return run_check("predict_theorem2", predict_theorem2, cases)


def _theorem3_max_sparsity(mu, M, tau, noise_norm, n_atoms, rng):
    """The largest ‖h*‖₀ for which the package finds every hypothesis of theorem 3 true
    (bisection: only the hypothesis ‖h*‖₀ μ M ≤ τ/8 depends on the sparsity)."""
    D = equicorrelated_dictionary(n_atoms, mu, seed=rng)
    eps = noise(1, n_atoms, noise_norm, seed=rng)[0] if noise_norm > 0 else None

    def holds(s):
        h = sparse_codes(1, n_atoms, s, tau=tau, M=M, seed=rng)[0]
        return recovery_conditions(D, h, eps, tau / 2, tau, M=M).holds(3)

    if not holds(1):
        return 0
    lo, hi = 1, n_atoms + 1                                             # holds(lo), not hi
    if holds(n_atoms):
        return n_atoms
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if holds(mid) else (lo, mid)
    return lo


def check_theorem3_max_sparsity(theorem3_max_sparsity, *, seed=None) -> CheckResult:
    """``theorem3_max_sparsity(mu, M, tau, noise_norm, n_atoms)`` -> the largest sparsity
    ``‖h*‖₀`` (0 if none) for which theorem 3 guarantees one-step recovery; checked against the
    hypotheses the package evaluates on an equicorrelated dictionary of coherence ``mu``."""
    rng = rng_for("theorem3_max_sparsity", seed)

    def cases():
        grid = [(0.01, 2.0, 1.0, 0.05, 20), (0.003, 1.5, 1.0, 0.1, 32), (0.04, 1.0, 1.0, 0.0, 12),
                (0.02, 1.2, 1.0, 0.2, 16), (0.0, 2.0, 1.0, 0.1, 10), (0.3, 1.0, 1.0, 0.0, 8)]
        while len(grid) < 8:
            mu, M = float(rng.uniform(0.002, 0.03)), float(rng.uniform(1.0, 2.0))
            ratio = 1.0 / (8 * mu * M)
            if abs(ratio - round(ratio)) > 0.01:
                grid.append((round(mu, 4), round(M, 3), 1.0, 0.1, 24))
        for mu, M, tau, e, k in grid:
            yield Case(f"μ = {mu}, M = {M}, τ = {tau}, ‖ε‖₂ = {e}, {k} atoms",
                       (mu, M, tau, e, k), _theorem3_max_sparsity(mu, M, tau, e, k, rng))

    return run_check("theorem3_max_sparsity", theorem3_max_sparsity, cases)


def _instances(rng, n, d, s, e):
    D = orthogonal_dictionary(d, seed=rng)
    H = sparse_codes(n, d, s, tau=1.0, M=2.0, seed=rng)
    X = H @ D.T + (noise(n, d, e, seed=rng) if e > 0 else 0.0)
    return X, D, H


def check_max_abs_delta(max_abs_delta, *, seed=None) -> CheckResult:
    """``max_abs_delta(X, D, H)`` -> ``max_i |(Dᵀx)_i − h*_i|`` for every row, shape (n,)."""
    rng = rng_for("max_abs_delta", seed)

    def cases():
        out = []
        for n, d, s, e in [(50, 16, 3, 0.25), (5, 8, 8, 1.0), (1, 4, 1, 0.1)]:
            X, D, H = _instances(rng, n, d, s, e)
            out.append(Case(f"n = {n}, d = {d}, ‖h*‖₀ = {s}, ‖ε‖₂ = {e}", (X, D, H),
                            np.abs(one_step_encode(X, D, 0.0) - H).max(axis=1)))
        X, D, H = _instances(rng, 3, 6, 2, 0.0)
        out.append(Case("no noise (δ = 0)", (X, D, H), np.zeros(3), atol=1e-9))
        return out

    return run_check("max_abs_delta", max_abs_delta, cases)


def _none_or_number(expected, got, *, atol, rtol):
    """``compare`` for answers that are a number, or ``None`` when there is no such number."""
    if expected is None:
        return None if got is None else (f"expected None (no λ recovers every sign here), "
                                         f"got {short(got)}")
    if got is None:
        return f"expected {short(expected)}, got None (some λ does recover every sign)"
    return compare(expected, got, atol=atol, rtol=rtol)


def check_largest_lambda(largest_lambda, *, seed=None) -> CheckResult:
    """``largest_lambda(x, D, h_star)`` -> the supremum of the λ for which one step recovers
    the signs (to 1e-5), for one sample ``x`` of shape (1, d); ``None`` when no λ does.

    The instances include noise that flips the sign of a true non-zero in ``Dᵀx`` and noise
    that lifts a zero above a true non-zero: no λ works there, and the sign-blind answer
    ``min_S |(Dᵀx)_i|`` is rejected."""
    rng = rng_for("largest_lambda", seed)

    def expected(X, D, H):
        lo, hi = recovery_interval(X, D, H)
        return float(hi[0]) if lo[0] < hi[0] else None

    def cases():
        for d, s, e in [(32, 4, 0.25), (16, 2, 0.1), (8, 3, 0.0), (24, 5, 0.6)]:
            X, D, H = _instances(rng, 1, d, s, e)
            yield Case(f"d = {d}, ‖h*‖₀ = {s}, random noise ‖ε‖₂ = {e}", (X, D, H),
                       expected(X, D, H), atol=1e-5, rtol=0.0)
        for target, what in [("support", "flips the sign of the weakest non-zero"),
                             ("off_support", "lifts a zero above the weakest non-zero")]:
            X, D, H = _instances(rng, 1, 16, 3, 0.0)
            e = float(np.abs(H[H != 0]).min()) + 0.3
            X = X + adversarial_noise(D, H, e, target=target)
            yield Case(f"d = 16, noise along one atom that {what}", (X, D, H),
                       expected(X, D, H), atol=1e-5, rtol=0.0)

    return run_check("largest_lambda", largest_lambda, cases, compare_fn=_none_or_number)


#: The equicorrelated dictionaries of exercise ex-break-coherence have this many atoms.
N_ATOMS_BREAK = 40


def _aligned_recovers(mu, s, M, tau):
    """One step (λ = τ/2) on an equicorrelated D of coherence mu, code with s entries +M."""
    h = np.zeros(N_ATOMS_BREAK)
    h[:s] = M
    D = equicorrelated_dictionary(N_ATOMS_BREAK, mu, seed=0)
    return _one_step_recovers(D, h, tau / 2)


def check_recovers_at_mu(recovers_at_mu, *, seed=None) -> CheckResult:
    """``recovers_at_mu(mu, s, M, tau)`` -> whether one step (λ = τ/2, no noise) recovers the
    signs of a code with ``s`` entries ``+M`` on an equicorrelated dictionary of 40 atoms and
    coherence ``mu``: the numerical confirmation of the predicted breaking point μ*.

    Checked against one step run by the package on both sides of μ* = τ/(2sM), between the
    theorem's bound τ/(8sM) and μ*, and with a full support (no zero entry to lift, so
    nothing breaks: the formula alone answers that case wrongly)."""
    rng = rng_for("recovers_at_mu", seed)

    def cases():
        grid = [(5, 1.2, 1.0), (1, 1.0, 1.0), (8, 2.0, 1.0), (3, 1.5, 2.0)]
        grid.append((int(rng.integers(2, 10)), round(float(rng.uniform(1, 3)), 2), 1.0))
        for s, M, tau in grid:
            mu_star = tau / (2 * s * M)
            for factor in (0.5, 0.95, 1.05, 2.0):
                mu = factor * mu_star
                if mu < 1:
                    yield Case(f"s = {s}, M = {M}, τ = {tau}, μ = {factor} μ*",
                               (mu, s, M, tau), _aligned_recovers(mu, s, M, tau))
        for mu in (0.1, 0.3):
            yield Case(f"s = {N_ATOMS_BREAK} (every atom active), M = 1, τ = 1, μ = {mu}",
                       (mu, N_ATOMS_BREAK, 1.0, 1.0), _aligned_recovers(mu, N_ATOMS_BREAK,
                                                                       1.0, 1.0))

    return run_check("recovers_at_mu", recovers_at_mu, cases)
