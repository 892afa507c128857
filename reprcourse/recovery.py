r"""One-step recovery: when does one ISTA step from zero find the signs of a sparse code?

Chapter 3 studies the encoder ``h = thr_λ(Dᵀx)``
(:func:`~reprcourse.sparse_coding.one_step_encode`) on planted instances ``x = D h* + ε``.
Write ``Dᵀx = h* + δ``. Signs are recovered exactly (zeros included) if and only if, entry
by entry,

.. math::

    |\delta_i| \le \lambda \;\; (h^*_i = 0), \qquad
    \operatorname{sign}(h^*_i)(h^*_i + \delta_i) > \lambda \;\; (h^*_i \ne 0),

which holds whenever ``max|δ_i| ≤ λ < min|h*_i| − max|δ_i|``. The lecture's three theorems
(Risteski 2021, after Arora et al. 2015) bound ``δ``: ``δ = 0`` for an orthogonal ``D`` and no
noise; ``|δ_i| ≤ ‖ε‖₂`` for an orthogonal ``D``; ``|δ_i| ≤ ‖h*‖₀ μ M + ‖ε‖₂`` for unit-norm
atoms of mutual coherence ``μ`` (Donoho & Elad 2003).

This module checks the hypotheses of each theorem with their margins
(:func:`recovery_conditions`), says which entries go wrong and how (:func:`sign_errors`:
missed or wrong sign) and measures recovery on many instances at once
(:func:`recovery_interval`, the phase diagrams); the instances themselves (dictionaries,
codes, noise) come from :mod:`reprcourse.instances`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ._torch import as_tensor, like, to_numpy
from ._validation import (check_array, check_choice, check_code_width, check_dictionary,
                          check_generator, check_int, check_matching_features,
                          check_nonnegative, check_scalar, check_same_backend, is_torch)
from .instances import (adversarial_noise, equicorrelated_dictionary, noise,
                        orthogonal_dictionary, sparse_codes)
from .sparse_coding import mutual_coherence, one_step_encode

__all__ = ["sign_recovered", "recovery_interval", "Hypothesis", "RecoveryConditions",
           "recovery_conditions", "noise_phase_diagram", "coherence_phase_diagram", "THEOREMS",
           "theorem_title", "sign_errors"]

#: The lecture's three theorems, by number: the one list of their titles (reports, figures
#: and widgets all name a theorem through :func:`theorem_title`).
THEOREMS = {1: "orthogonal D, no noise", 2: "orthogonal D, small noise",
            3: "incoherent D, small noise"}


def theorem_title(k) -> str:
    """``"Theorem k (<its title>)"``, e.g. ``"Theorem 2 (orthogonal D, small noise)"``.

    Raises
    ------
    ValueError
        If ``k`` is not 1, 2 or 3.
    """
    if k not in THEOREMS:
        raise ValueError(f"k must be one of {sorted(THEOREMS)}, got {k!r}")
    return f"Theorem {k} ({THEOREMS[k]})"


# ---------------------------------------------------------------------------------------
# Recovery
# ---------------------------------------------------------------------------------------
def sign_recovered(H, H_star):
    """Whether ``sign(H) == sign(H_star)`` entrywise (support and signs), per row.

    Parameters
    ----------
    H, H_star : arrays of shape (n_samples, n_atoms) or (n_atoms,)
        Recovered and true codes, both numpy or both torch.

    Returns
    -------
    ndarray or tensor of bool of shape (n_samples,), or a bool for 1-D input.

    Raises
    ------
    ValueError
        If the shapes differ or values are not finite.
    """
    H, H_star = _check_codes(H, H_star)
    same = (H.sign() == H_star.sign()) if is_torch(H) else (np.sign(H) == np.sign(H_star))
    if H.ndim == 1:
        return bool(same.all())
    return same.all(1) if is_torch(H) else same.all(axis=1)


def _check_codes(H, H_star):
    """Validate a recovered code and the true one: same backend, same shape, finite."""
    H = check_array(H, "H", ndim=(1, 2), shape_hint="(n_samples, n_atoms)")
    H_star = check_array(H_star, "H_star", ndim=(1, 2), shape_hint="(n_samples, n_atoms)")
    check_same_backend(H=H, H_star=H_star)
    if tuple(H.shape) != tuple(H_star.shape):
        raise ValueError(f"H has shape {tuple(H.shape)} but H_star has {tuple(H_star.shape)}; "
                         f"they must match")
    return H, H_star


def sign_errors(H, H_star):
    """Where a recovered code's signs go wrong, in two kinds: missed and wrong.

    ``missed``: a true non-zero set to zero (``h*_i ≠ 0``, ``h_i = 0``), what a threshold
    above ``|h*_i|`` does. ``wrong``: a non-zero with the wrong sign — a false non-zero where
    ``h*_i = 0``, or a flipped sign. Every other entry has the right sign (zeros included), so
    ``sign_recovered(H, H_star)`` holds exactly where neither mask has a ``True``.

    Parameters
    ----------
    H, H_star : arrays of shape (n_samples, n_atoms) or (n_atoms,)
        Recovered and true codes, both numpy or both torch.

    Returns
    -------
    missed, wrong : boolean arrays of the same shape (numpy or torch, as the input)

    Raises
    ------
    ValueError
        If the shapes differ or values are not finite.
    """
    H, H_star = _check_codes(H, H_star)
    sign = (lambda a: a.sign()) if is_torch(H) else np.sign
    return (H_star != 0) & (H == 0), (H != 0) & (sign(H) != sign(H_star))


def recovery_interval(X, D, H_star):
    """The thresholds λ for which one step recovers the signs: ``lam_min <= λ < lam_max``.

    With ``Z = X D`` (one batched :func:`one_step_encode` call with ``λ = 0``),
    ``lam_min = max_{h*_i = 0} |z_i|`` and ``lam_max = min_{h*_i ≠ 0} sign(h*_i) z_i``;
    ``one_step_encode(x, D, λ)`` has the signs of ``h*`` exactly for λ in
    ``[lam_min, lam_max)``, an empty range when ``lam_max <= lam_min``.

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
    D : array of shape (n_features, n_atoms), unit-norm columns
    H_star : array of shape (n_samples, n_atoms)
        True codes.

    Returns
    -------
    lam_min, lam_max : arrays of shape (n_samples,)
        ``lam_min = 0`` for a full support, ``lam_max = inf`` for an empty one; numpy in
        gives numpy out, tensors give tensors on ``X``'s device, in the dtype of the codes.

    Raises
    ------
    ValueError
        If shapes disagree, values are not finite or atoms are not unit-norm.
    """
    Z = one_step_encode(X, D, 0.0)                                      # (n, k) = X D
    H_star = check_array(H_star, "H_star", shape_hint="(n_samples, n_atoms)")
    check_same_backend(X=X, H_star=H_star)
    if tuple(H_star.shape) != tuple(Z.shape):
        raise ValueError(f"H_star has shape {tuple(H_star.shape)} but X and D give codes of "
                         f"shape {tuple(Z.shape)}; H_star must be (n_samples, n_atoms)")
    Zt = as_tensor(Z)
    lam_min, lam_max = _interval(Zt, as_tensor(H_star, dtype=Zt.dtype, device=Zt.device))
    return like(lam_min, Z), like(lam_max, Z)


@dataclass(frozen=True)
class Hypothesis:
    """One hypothesis of a theorem, checked on an instance.

    ``margin`` says how far inside the hypothesis the instance is: ``bound − value`` for
    ``≤``/``<``, ``value − bound`` for ``≥``/``>`` and ``−|value − bound|`` for ``=``; a
    negative margin means the hypothesis is violated.
    """

    statement: str
    quantity: str
    value: float
    relation: str
    bound: float
    margin: float
    holds: bool

    def __repr__(self):
        mark = "✓" if self.holds else "✗"
        slack = (f"off by {_num(-self.margin)}" if self.relation == "=" else
                 f"margin {'+' if self.margin >= 0 else '−'}{_num(abs(self.margin))}")
        return f"{mark} {self.statement:<26} {self.quantity} = {_num(self.value)}  ({slack})"


def _num(v):
    """A number for reports: 4 significant digits, round-off (below 1e-12) shown as 0."""
    return "0" if abs(v) < 1e-12 else f"{v:.4g}"


def _hypothesis(statement, quantity, value, relation, bound, atol):
    margin = {"≤": bound - value, "<": bound - value, "≥": value - bound,
              ">": value - bound, "=": -abs(value - bound)}[relation]
    tol = atol * max(1.0, abs(bound))
    holds = margin > 0 if relation in "<>" else margin >= -tol
    return Hypothesis(statement, quantity, float(value), relation, float(bound), float(margin),
                      bool(holds))


@dataclass(frozen=True, repr=False)
class RecoveryConditions:
    """The hypotheses of the three theorems on one instance, and what one step does.

    Attributes
    ----------
    theorems : dict {1, 2, 3} -> tuple of Hypothesis
    sparsity, tau, M, lam, noise_norm, mu : the instance's ``‖h*‖₀``, τ, M, λ, ‖ε‖₂, μ
    delta_max : float
        ``max_i |δ_i|`` with ``δ = Dᵀx − h*``, the error the proofs bound.
    lam_range : (float, float)
        One step recovers the signs exactly for λ in ``[lam_range[0], lam_range[1])``.
    recovered : bool
        Whether ``one_step_encode(x, D, lam)`` has the signs of ``h*``.
    z, code : ndarrays of shape (n_atoms,)
        ``Dᵀx`` before thresholding, and the one-step code ``thr_λ(Dᵀx)``.
    h_star : ndarray of shape (n_atoms,)
        The true code the report is about.
    """

    theorems: dict
    sparsity: int
    tau: float
    M: float
    lam: float
    noise_norm: float
    mu: float
    delta_max: float
    lam_range: tuple
    recovered: bool
    z: np.ndarray
    code: np.ndarray
    h_star: np.ndarray

    def holds(self, theorem: int) -> bool:
        """Whether every hypothesis of theorem 1, 2 or 3 holds."""
        return all(h.holds for h in self.theorems[theorem])

    @property
    def satisfied(self) -> tuple:
        """The theorems whose hypotheses all hold."""
        return tuple(k for k in self.theorems if self.holds(k))

    def __repr__(self):
        lines = [f"RecoveryConditions: ‖h*‖₀ = {self.sparsity}, τ = {_num(self.tau)}, "
                 f"M = {_num(self.M)}, λ = {_num(self.lam)}, ‖ε‖₂ = {_num(self.noise_norm)}, "
                 f"μ = {_num(self.mu)}"]
        for k, hyps in self.theorems.items():
            verdict = "all hypotheses hold" if self.holds(k) else "not satisfied"
            lines.append(f"  {theorem_title(k)}: {verdict}")
            lines += [f"    {h!r}" for h in hyps]
        lo, hi = self.lam_range
        low = "round-off < λ" if 0 < lo < 1e-12 else f"{_num(lo)} ≤ λ"
        lines.append(f"  one step: max|δᵢ| = {_num(self.delta_max)}; "
                     f"signs recovered iff {low} < {_num(hi)}")
        lines.append(f"  at λ = {_num(self.lam)}: {'RECOVERED' if self.recovered else 'FAILED'}")
        return "\n".join(lines)


def recovery_conditions(D, h, eps, lam, tau, *, M=None, atol=1e-8):
    r"""Check the hypotheses of the three one-step recovery theorems on ``x = D h + eps``.

    Theorem 1: ``DᵀD = I``, ``ε = 0``, ``|h_i| ≥ τ`` on the support, ``0 < λ < τ``.
    Theorem 2: ``DᵀD = I``, ``|h_i| ≥ τ``, ``‖ε‖₂ ≤ τ/4``, ``λ = τ/2``.
    Theorem 3: unit columns, ``τ ≤ |h_i| ≤ M``, ``‖ε‖₂ ≤ τ/8``, ``‖h‖₀ μ M ≤ τ/8``,
    ``λ = τ/2`` with ``μ`` the mutual coherence of ``D``. Each theorem concludes that
    ``one_step_encode(x, D, λ)`` has exactly the signs of ``h`` (Risteski 2021). In exact
    arithmetic theorem 1 also allows ``λ = 0``; in floating point the round-off left in the
    zero entries of ``Dᵀx`` must be thresholded away, hence ``λ > 0``.

    Parameters
    ----------
    D : array of shape (n_features, n_atoms), unit-norm columns
    h : array of shape (n_atoms,)
        The true code ``h*``.
    eps : array of shape (n_features,), or None for no noise
    lam : float >= 0
        Threshold λ of the one step.
    tau : float > 0
        The claimed lower bound τ on ``|h_i|`` over the support.
    M : float, optional
        The claimed upper bound on ``|h_i|``; ``max |h_i|`` by default.
    atol : float >= 0
        Tolerance for the equalities (``DᵀD = I``, ``λ = τ/2``, …) and the closed bounds.

    Returns
    -------
    RecoveryConditions
        Its repr lists every hypothesis with ✓/✗ and its margin.

    Raises
    ------
    ValueError
        If shapes disagree, values are not finite, atoms are not unit-norm, ``lam < 0`` or
        ``tau <= 0``.
    """
    D = to_numpy(check_dictionary(D, "D", unit_norm=True), np.float64)
    h = to_numpy(check_array(h, "h", ndim=1, shape_hint="(n_atoms,)"), np.float64)
    eps = (np.zeros(D.shape[0]) if eps is None else
           to_numpy(check_array(eps, "eps", ndim=1, shape_hint="(n_features,)"), np.float64))
    check_code_width(h[None], D, "h")
    check_matching_features(eps[None], D, x_name="eps")
    lam = check_nonnegative(lam, "lam")
    tau = check_scalar(tau, "tau", low=0.0, low_open=True)
    atol = check_nonnegative(atol, "atol")
    mags = np.abs(h[h != 0])
    s = int(mags.size)
    M = (float(mags.max()) if s else tau) if M is None else check_nonnegative(M, "M")
    mu, e = mutual_coherence(D), float(np.linalg.norm(eps))
    ortho = float(np.abs(D.T @ D - np.eye(D.shape[1])).max())
    unit = float(np.abs(np.linalg.norm(D, axis=0) - 1.0).max())
    smallest = float(mags.min()) if s else np.inf

    def hyp(*args):
        return _hypothesis(*args, atol)

    orthogonal = hyp("DᵀD = I", "max|DᵀD − I|", ortho, "=", 0.0)
    magnitude = hyp("|h*ᵢ| ≥ τ on the support", "min|h*ᵢ|", smallest, "≥", tau)
    half = hyp("λ = τ/2", "λ", lam, "=", tau / 2)
    theorems = {
        1: (orthogonal, hyp("ε = 0", "‖ε‖₂", e, "=", 0.0), magnitude,
            hyp("λ > 0", "λ", lam, ">", 0.0), hyp("λ < τ", "λ", lam, "<", tau)),
        2: (orthogonal, magnitude, hyp("‖ε‖₂ ≤ τ/4", "‖ε‖₂", e, "≤", tau / 4), half),
        3: (hyp("unit-norm columns", "max|‖dᵢ‖ − 1|", unit, "=", 0.0), magnitude,
            hyp("|h*ᵢ| ≤ M", "max|h*ᵢ|", float(mags.max()) if s else 0.0, "≤", M),
            hyp("‖ε‖₂ ≤ τ/8", "‖ε‖₂", e, "≤", tau / 8),
            hyp("‖h*‖₀ μ M ≤ τ/8", "‖h*‖₀ μ M", s * mu * M, "≤", tau / 8), half),
    }
    x = (D @ h + eps)[None]                                              # (1, n_features)
    z, code = one_step_encode(x, D, 0.0), one_step_encode(x, D, lam)     # (1, n_atoms) each
    (lo,), (hi,) = recovery_interval(x, D, h[None])
    return RecoveryConditions(theorems, s, tau, float(M), lam, e, mu,
                              float(np.abs(z[0] - h).max()), (float(lo), float(hi)),
                              sign_recovered(code[0], h), z[0], code[0], h)


# ---------------------------------------------------------------------------------------
# Phase diagrams: recovery rates over a grid, many instances per cell, batched
# ---------------------------------------------------------------------------------------
def noise_phase_diagram(lam_ratios, noise_ratios, *, n_features=64, n_nonzero=4, tau=1.0,
                        M=None, noise_kind="random", n_trials=200, seed=None):
    """Recovery rate of one step on an orthogonal ``D`` over a grid of (λ/τ, ‖ε‖₂/τ).

    One orthogonal dictionary; for every noise level ``n_trials`` codes
    (:func:`sparse_codes`) and noise rows of that norm; all instances go through one
    :func:`recovery_interval` call, which gives the rate for every λ at once.

    Parameters
    ----------
    lam_ratios : array of shape (n_lam,)
        λ/τ values (>= 0).
    noise_ratios : array of shape (n_noise,)
        ‖ε‖₂/τ values (>= 0).
    n_features, n_nonzero, tau, M : see :func:`sparse_codes`
        ``M = tau`` by default: every non-zero at the smallest magnitude the theorems allow.
    noise_kind : {"random", "adversarial"}
        :func:`noise`, or both attacks of :func:`adversarial_noise` (an instance counts as
        recovered only if it survives both: for an orthogonal ``D`` the worst case).
    n_trials : int >= 1
        Instances per noise level.
    seed : int, numpy Generator or None

    Returns
    -------
    rates : ndarray of shape (n_noise, n_lam)
        Fraction of instances whose signs one step recovers.

    Raises
    ------
    ValueError
        If a ratio is negative or not finite, or another argument is invalid.
    """
    lam_ratios = _ratios(lam_ratios, "lam_ratios")
    noise_ratios = _ratios(noise_ratios, "noise_ratios")
    check_choice(noise_kind, "noise_kind", ("random", "adversarial"))
    n = check_int(n_trials, "n_trials", low=1)
    rng = check_generator(seed)
    D = orthogonal_dictionary(n_features, seed=rng)
    H = sparse_codes(n * len(noise_ratios), D.shape[1], n_nonzero, tau=tau, M=M, seed=rng)
    norms = np.repeat(noise_ratios * tau, n)[:, None]                    # (n_noise * n, 1)
    if noise_kind == "random":
        lo, hi = recovery_interval(H @ D.T + norms * noise(len(H), len(D), 1.0, seed=rng), D, H)
    else:                                              # both attacks in one batch, worst wins
        E = np.vstack([adversarial_noise(D, H, 1.0, target=t) for t in ("support", "off_support")])
        lo, hi = recovery_interval(np.vstack([H, H]) @ D.T + np.vstack([norms, norms]) * E,
                                   D, np.vstack([H, H]))
        lo, hi = np.maximum(*np.split(lo, 2)), np.minimum(*np.split(hi, 2))
    return _rates(lo, hi, lam_ratios * tau, n)


def coherence_phase_diagram(sparsities, mu_M_ratios, *, n_atoms=64, tau=1.0, M=2.0,
                            signs="random", noise_ratio=0.0, lam_ratio=0.5, n_trials=200,
                            seed=None):
    """Recovery rate of one step over a grid of (‖h*‖₀, μM/τ), at λ = ``lam_ratio`` τ.

    For each μ = (μM/τ)·τ/M an :func:`equicorrelated_dictionary` of coherence exactly μ; for
    each sparsity ``n_trials`` codes with magnitudes in ``[tau, M]`` plus random noise of norm
    ``noise_ratio * tau``; one batched :func:`recovery_interval` call per μ.

    Parameters
    ----------
    sparsities : sequence of int
        ‖h*‖₀ values, each in ``[0, n_atoms]``.
    mu_M_ratios : array of shape (n_mu,)
        μM/τ values; μ = ratio·τ/M must be < 1.
    n_atoms : int
        Atoms (= features) of the dictionaries.
    tau, M : float
        Magnitude range of the non-zeros.
    signs : {"random", "positive"}
        See :func:`sparse_codes`; "positive" is the worst case of the bound.
    noise_ratio, lam_ratio : float >= 0
        ‖ε‖₂/τ and λ/τ (the theorem: ≤ 1/8 and 1/2).
    n_trials : int >= 1
    seed : int, numpy Generator or None

    Returns
    -------
    rates : ndarray of shape (n_mu, n_sparsities)

    Raises
    ------
    ValueError
        If a ratio gives μ outside ``[0, 1)`` or another argument is invalid.
    """
    ratios = _ratios(mu_M_ratios, "mu_M_ratios")
    tau = check_scalar(tau, "tau", low=0.0, low_open=True)
    M = check_scalar(M, "M", low=tau)
    sparsities = [check_int(s, "sparsities", low=0, high=n_atoms) for s in sparsities]
    n = check_int(n_trials, "n_trials", low=1)
    noise_ratio, lam_ratio = (check_nonnegative(noise_ratio, "noise_ratio"),
                              check_nonnegative(lam_ratio, "lam_ratio"))
    rng = check_generator(seed)
    rates = np.empty((len(ratios), len(sparsities)))
    for i, r in enumerate(ratios):
        D = equicorrelated_dictionary(n_atoms, r * tau / M, seed=rng)
        H = np.vstack([sparse_codes(n, n_atoms, s, tau=tau, M=M, signs=signs, seed=rng)
                       for s in sparsities])
        X = H @ D.T + noise(len(H), n_atoms, noise_ratio * tau, seed=rng)
        lo, hi = recovery_interval(X, D, H)
        rates[i] = _rates(lo, hi, np.array([lam_ratio * tau]), n)[:, 0]
    return rates


def _interval(Z, H):
    """``max_{h_i = 0} |z_i|`` and ``min_{h_i ≠ 0} sign(h_i) z_i`` per row (tensors)."""
    on = H != 0
    zero, inf = Z.new_zeros(()), Z.new_full((), torch.inf)
    return (torch.where(on, zero, Z.abs()).amax(dim=1),
            torch.where(on, H.sign() * Z, inf).amin(dim=1))


def _rates(lo, hi, lams, n):
    """Fraction of each consecutive block of ``n`` instances recovered, for every λ."""
    ok = (lo[:, None] <= lams[None]) & (lams[None] < hi[:, None])       # (blocks * n, n_lam)
    return ok.reshape(-1, n, len(lams)).mean(axis=1)


def _ratios(values, name):
    values = to_numpy(check_array(values, name, ndim=1, shape_hint="(n_values,)"))
    if (values < 0).any():
        raise ValueError(f"{name} must be >= 0, got {values[values < 0][:3].tolist()}")
    return values.astype(np.float64)
