r"""Planted instances for the one-step recovery theorems (chapter 3).

Seeded dictionaries ``D`` of shape ``(n_features, n_atoms)`` with unit-norm columns —
orthogonal (μ = 0), Gaussian, unions of two orthonormal bases, equicorrelated with a chosen
coherence μ —, the Welch lower bound on μ, sparse codes ``h*`` whose non-zeros lie in
``[τ, M]``, and noise ``ε`` of a given norm, random or aimed at the weakest atom. Instances
are ``X = H* Dᵀ + E`` (rows are samples). :mod:`reprcourse.recovery` checks the theorems on
them.
"""

from __future__ import annotations

import numpy as np
import scipy.fft
import scipy.linalg

from ._torch import to_numpy
from ._validation import (check_array, check_choice, check_code_width, check_dictionary,
                          check_generator, check_int, check_nonnegative, check_scalar)

__all__ = ["orthogonal_dictionary", "gaussian_dictionary", "union_of_bases",
           "equicorrelated_dictionary", "welch_bound", "sparse_codes", "noise",
           "adversarial_noise"]


# ---------------------------------------------------------------------------------------
# Dictionaries (n_features, n_atoms), unit-norm columns
# ---------------------------------------------------------------------------------------
def orthogonal_dictionary(n_features, *, seed=None):
    """A random orthogonal ``D`` (Haar distributed): ``DᵀD = DDᵀ = I``, so ``μ = 0``.

    Parameters
    ----------
    n_features : int >= 1
    seed : int, numpy Generator or None

    Returns
    -------
    D : ndarray of shape (n_features, n_features), float64

    Raises
    ------
    TypeError, ValueError
        If ``n_features`` is not a positive integer or ``seed`` is invalid.
    """
    d = check_int(n_features, "n_features", low=1)
    Q, R = np.linalg.qr(check_generator(seed).standard_normal((d, d)))
    return Q * np.where(np.diag(R) < 0, -1.0, 1.0)        # sign fix makes Q Haar


def gaussian_dictionary(n_features, n_atoms, *, seed=None):
    """Random Gaussian atoms normalised to unit length; ``μ ≈ sqrt(4 log(n_atoms) / n_features)``.

    Parameters
    ----------
    n_features, n_atoms : int >= 1
    seed : int, numpy Generator or None

    Returns
    -------
    D : ndarray of shape (n_features, n_atoms), float64

    Raises
    ------
    TypeError, ValueError
        If a size is not a positive integer or ``seed`` is invalid.
    """
    d = check_int(n_features, "n_features", low=1)
    k = check_int(n_atoms, "n_atoms", low=1)
    D = check_generator(seed).standard_normal((d, k))
    return D / np.linalg.norm(D, axis=0)


def union_of_bases(n_features, basis="hadamard"):
    """The identity next to a second orthonormal basis: ``D = [I, B]``, two-times overcomplete.

    ``μ = max|B_ij|``: ``1/√d`` for the Hadamard basis (``d`` a power of two), the smallest
    possible for two orthonormal bases (Donoho & Elad 2003); ``√(2/d) cos(π/2d)`` for the
    DCT-II basis when ``d`` is a power of two, ``√(2/d)`` otherwise.

    Parameters
    ----------
    n_features : int >= 1
        ``d``; a power of two for ``basis="hadamard"``.
    basis : {"hadamard", "dct"}

    Returns
    -------
    D : ndarray of shape (n_features, 2 * n_features), float64

    Raises
    ------
    ValueError
        If ``basis`` is unknown or ``n_features`` is not a power of two for Hadamard.
    """
    d = check_int(n_features, "n_features", low=1)
    check_choice(basis, "basis", ("hadamard", "dct"))
    if basis == "hadamard":
        if d & (d - 1):
            raise ValueError(f"n_features must be a power of two for basis='hadamard', got {d}")
        B = scipy.linalg.hadamard(d).astype(np.float64) / np.sqrt(d)
    else:
        B = scipy.fft.dct(np.eye(d), norm="ortho", axis=0)
    return np.hstack([np.eye(d), B])


def equicorrelated_dictionary(n_atoms, mu, *, n_features=None, seed=None):
    r"""Atoms with every pairwise inner product exactly ``mu``: ``DᵀD = (1−μ)I + μ 11ᵀ``.

    The coherence is set exactly, which makes this family the knob for μ in chapter 3. With
    codes of one sign it is also the worst case of the incoherence bound: every cross term
    ``(DᵀD)_kj h*_j`` has the same sign. ``D = Q G^{1/2}`` with ``G`` the Gram matrix above
    and ``Q`` a random ``(n_features, n_atoms)`` matrix with orthonormal columns.

    Parameters
    ----------
    n_atoms : int >= 1
    mu : float in [0, 1)
    n_features : int >= n_atoms, optional
        Defaults to ``n_atoms``.
    seed : int, numpy Generator or None

    Returns
    -------
    D : ndarray of shape (n_features, n_atoms), float64

    Raises
    ------
    ValueError
        If ``mu`` is outside ``[0, 1)`` or ``n_features < n_atoms``.
    """
    k = check_int(n_atoms, "n_atoms", low=1)
    mu = check_scalar(mu, "mu", low=0.0, high=1.0, high_open=True)
    d = k if n_features is None else check_int(n_features, "n_features", low=k)
    a, b = np.sqrt(1.0 - mu), np.sqrt(1.0 - mu + k * mu)
    G_half = a * np.eye(k) + (b - a) / k * np.ones((k, k))  # symmetric square root of G
    Q = orthogonal_dictionary(d, seed=seed)[:, :k]
    return Q @ G_half


def welch_bound(n_features, n_atoms) -> float:
    r"""The smallest coherence any ``n_atoms`` unit vectors in ``R^n_features`` can have.

    .. math:: \mu \ge \sqrt{\frac{n - d}{d (n - 1)}} \quad (n = \text{n\_atoms} > d)

    and 0 when ``n_atoms <= n_features`` (Welch 1974).

    Raises
    ------
    TypeError, ValueError
        If a size is not a positive integer.
    """
    d = check_int(n_features, "n_features", low=1)
    k = check_int(n_atoms, "n_atoms", low=1)
    return 0.0 if k <= d else float(np.sqrt((k - d) / (d * (k - 1))))


# ---------------------------------------------------------------------------------------
# Codes and noise
# ---------------------------------------------------------------------------------------
def sparse_codes(n_samples, n_atoms, n_nonzero, *, tau=1.0, M=None, signs="random",
                 seed=None):
    """Codes with exactly ``n_nonzero`` non-zeros per row, magnitudes uniform in ``[tau, M]``.

    Parameters
    ----------
    n_samples, n_atoms : int >= 1
    n_nonzero : int in [0, n_atoms]
        ``‖h*‖₀``; the support of each row is uniform at random.
    tau : float > 0
        Smallest magnitude τ on the support.
    M : float >= tau, optional
        Largest magnitude; ``tau`` by default (every non-zero equals ``±tau``).
    signs : {"random", "positive"}
        Independent fair signs, or all positive (the worst case for coherent atoms).
    seed : int, numpy Generator or None

    Returns
    -------
    H : ndarray of shape (n_samples, n_atoms), float64

    Raises
    ------
    ValueError
        If ``n_nonzero > n_atoms``, ``tau <= 0`` or ``M < tau``.
    """
    n = check_int(n_samples, "n_samples", low=1)
    k = check_int(n_atoms, "n_atoms", low=1)
    s = check_int(n_nonzero, "n_nonzero", low=0, high=k)
    tau = check_scalar(tau, "tau", low=0.0, low_open=True)
    M = tau if M is None else check_scalar(M, "M", low=tau)
    check_choice(signs, "signs", ("random", "positive"))
    rng = check_generator(seed)
    support = rng.random((n, k)).argsort(axis=1)[:, :s]              # (n, s) atom indices
    values = rng.uniform(tau, M, (n, s))
    if signs == "random":
        values *= rng.choice([-1.0, 1.0], (n, s))
    H = np.zeros((n, k))
    np.put_along_axis(H, support, values, axis=1)
    return H


def noise(n_samples, n_features, norm, *, seed=None):
    """Noise rows in uniformly random directions, each of l2 norm exactly ``norm``.

    Parameters
    ----------
    n_samples, n_features : int >= 1
    norm : float >= 0
        ``‖ε‖₂`` of every row.
    seed : int, numpy Generator or None

    Returns
    -------
    E : ndarray of shape (n_samples, n_features), float64

    Raises
    ------
    ValueError
        If ``norm < 0`` or a size is not positive.
    """
    n = check_int(n_samples, "n_samples", low=1)
    d = check_int(n_features, "n_features", low=1)
    norm = check_nonnegative(norm, "norm")
    E = check_generator(seed).standard_normal((n, d))
    return norm * E / np.linalg.norm(E, axis=1, keepdims=True)


def adversarial_noise(D, H, norm, *, target="support"):
    """Noise of l2 norm ``norm`` along one atom, placed where it hurts one step the most.

    ``target="support"``: ``ε = −norm · sign(h*_k) d_k`` with ``k = argmin_{h*_k ≠ 0} |h*_k|``,
    which moves the weakest non-zero of ``Dᵀx`` toward zero by ``norm``.
    ``target="off_support"``: ``ε = norm · d_k`` for the first ``k`` with ``h*_k = 0``, which
    lifts a zero of ``Dᵀx`` to ``norm`` (a false detection once ``norm > λ``). A row without
    non-zeros (resp. zeros) gets the other attack. For an orthogonal ``D`` these two are the
    worst noise of that norm: any ``ε`` moves each entry of ``Dᵀx`` by at most ``‖ε‖₂``.

    Parameters
    ----------
    D : array of shape (n_features, n_atoms)
    H : array of shape (n_samples, n_atoms)
        The true codes ``h*``.
    norm : float >= 0
    target : {"support", "off_support"}

    Returns
    -------
    E : ndarray of shape (n_samples, n_features), float64

    Raises
    ------
    ValueError
        If shapes disagree, values are not finite, ``norm < 0`` or ``target`` is unknown.
    """
    D = to_numpy(check_dictionary(D, "D"))
    H = to_numpy(check_array(H, "H", shape_hint="(n_samples, n_atoms)"))
    check_code_width(H, D, "H")
    norm = check_nonnegative(norm, "norm")
    check_choice(target, "target", ("support", "off_support"))
    on, rows = H != 0, np.arange(len(H))
    weakest = np.where(on, np.abs(H), np.inf).argmin(axis=1)            # (n,) weakest non-zero
    zero = (~on).argmax(axis=1)                                          # (n,) first zero
    use_zero = ~on.all(axis=1) & ((target == "off_support") | ~on.any(axis=1))
    k = np.where(use_zero, zero, weakest)
    sign = np.where(use_zero, 1.0, -np.sign(H[rows, k]))
    return norm * sign[:, None] * (D[:, k] / np.linalg.norm(D[:, k], axis=0)).T
