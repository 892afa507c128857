r"""LARS-lasso homotopy, one sample at a time in compiled code: the fast CPU lasso solver.

For every row ``x`` of ``X`` it solves the lasso of the course,

.. math::

    \min_h \; \tfrac12 \|x - D h\|_2^2 + \lambda \|h\|_1 ,

by following its solution path ``h(t)`` from ``t = ‖Dᵀx‖∞`` (where ``h = 0``) down to
``t = λ`` (Osborne, Presnell & Turlach 2000; Efron, Hastie, Johnstone & Tibshirani 2004, the
"lasso modification" of LARS; the algorithm of SPAMS's ``lasso``, Mairal et al.). With the
Gram matrix ``G = DᵀD`` and the correlations ``c = Dᵀ(x − D h)``, the path is piecewise linear:
on an active set ``A`` with signs ``s_A`` the optimality conditions ``c_A = t s_A``,
``|c_j| ≤ t`` off ``A`` hold along

.. math::

    h_A \leftarrow h_A + \gamma\, G_{AA}^{-1} s_A, \qquad
    c \leftarrow c - \gamma\, G_{:A} G_{AA}^{-1} s_A, \qquad t \leftarrow t - \gamma ,

until an inactive atom's correlation reaches ``±t`` (it joins ``A``), an active
coefficient reaches zero (it leaves ``A``), or ``t`` reaches ``λ`` (done). Each step costs
``O(k |A|)`` (one combination of ``|A|`` rows of ``G``) and an ``O(|A|²)`` update of
``G_AA⁻¹`` (bordering when an atom joins, a Schur complement when one leaves);
the codes of natural-image patches have a few dozen non-zeros, so a whole path costs less
than a few iterations of batched FISTA, which pays ``O(k²)`` per sample and iteration.

The kernel is compiled once with numba (``cache=True``: later processes load it from the
package's ``__pycache__``) and runs the samples in parallel, each on its own, so the result
does not depend on the number of threads. Every row's result is certified by its duality
gap, computed in the kernel from the support of the code (:func:`_certificate`); a row whose
path breaks down (``G_AA`` numerically singular, e.g. repeated atoms, or too many steps) or
whose gap is above the tolerance is finished by the FISTA engine from where its path stopped.
"""

from __future__ import annotations

import os

import numba
import numpy as np
import torch

from .._torch import as_tensor, common_dtype
from .._validation import check_nonnegative, check_problem, is_torch
from .engine import solve_lasso

__all__ = ["lasso_lars", "solve_homotopy"]

# numba's OpenMP threading layer leaves its worker threads spinning after a parallel region;
# on a 2-core laptop every torch/numpy call after a lasso_lars call then ran 10-25x slower
# (chapter 2: 754 s instead of 31 s). The work-queue layer does not spin and is as fast here.
# Only numba's own choice of layer for parallel regions is set, and only if the user has not
# chosen one (NUMBA_THREADING_LAYER).
if "NUMBA_THREADING_LAYER" not in os.environ:
    numba.config.THREADING_LAYER = "workqueue"

OK, SINGULAR, TOO_MANY_STEPS = 0, 1, 2          # status of one sample's path
FAST = True                 # vectorised sums and minima (inputs are finite; no ∞ is used)
NEVER = 1e300               # "no event" (finite, so that fastmath may assume no ∞)
TINY = 1e-200               # a floor for denominators whose event is discarded anyway
MAX_GRAM_ATOMS = 12_000     # above this, G = DᵀD (k² floats, > 1 GiB) is not formed


@numba.njit(cache=True, fastmath=FAST)
def _inverse_append(Ginv, m, G, act, j, b):
    """Grow ``Ginv = G_AA⁻¹`` (``|A| = m``) by atom ``j`` (bordering); False if singular.

    With ``g = G_Aj``, ``b = G_AA⁻¹ g`` and the Schur complement ``σ = G_jj − gᵀb``:
    ``[[G_AA, g], [gᵀ, G_jj]]⁻¹ = [[G_AA⁻¹ + b bᵀ/σ, −b/σ], [−bᵀ/σ, 1/σ]]``.
    """
    for r in range(m):
        b[r] = 0.0
    for q in range(m):                           # b = Ginv g, by rows of the symmetric Ginv
        gq = G[act[q], j]
        for r in range(m):
            b[r] += Ginv[q, r] * gq
    sigma = G[j, j]
    for q in range(m):
        sigma -= G[act[q], j] * b[q]
    if sigma <= 1e-10 * G[j, j]:
        return False
    for q in range(m):
        bq = b[q] / sigma
        for r in range(m):
            Ginv[q, r] += bq * b[r]
        Ginv[q, m] = Ginv[m, q] = -bq
    Ginv[m, m] = 1.0 / sigma
    return True


@numba.njit(cache=True, fastmath=FAST)
def _inverse_remove(Ginv, m, p):
    """Shrink ``Ginv = G_AA⁻¹`` (``|A| = m``) by the atom in slot ``p``; slot ``m−1`` moves there.

    Removing row and column ``p`` of ``G_AA`` leaves the Schur complement of ``Ginv``'s
    pivot: ``Ginv_rest − Ginv_{rest,p} Ginv_{p,rest} / Ginv_pp``.
    """
    piv = Ginv[p, p]
    for q in range(m):
        if q == p:
            continue
        f = Ginv[q, p] / piv
        for r in range(m):
            Ginv[q, r] -= f * Ginv[p, r]
    last = m - 1
    if p != last:
        for r in range(m):
            Ginv[p, r] = Ginv[last, r]
        for r in range(m):
            Ginv[r, p] = Ginv[r, last]


@numba.njit(cache=True, fastmath=FAST)
def _path(G, c, lam, max_steps, h, act, Ginv, d, a, sign, work):
    """Follow one sample's lasso path; fills ``h`` (k,), returns (status, steps).

    ``c`` (k,) holds ``Dᵀx`` on entry and is overwritten; ``act``, ``Ginv``, ``d`` (the
    active set, ``G_AA⁻¹``, the direction) and ``a``, ``sign``, ``work`` (k,) are work arrays.
    """
    k = c.shape[0]
    for q in range(k):
        h[q] = 0.0
        sign[q] = 0.0                            # sign of each active atom, 0 off A
    j = 0
    for q in range(1, k):
        if abs(c[q]) > abs(c[j]):
            j = q
    t = abs(c[j])                                # t = ‖Dᵀx‖∞: h = 0 down to here
    if t <= lam:                                 # (later steps stop at t = λ exactly)
        return OK, 0
    m = 0                                        # |A|
    dropped = -1
    for step in range(max_steps):
        if j >= 0:                               # atom j joins A
            if m == act.shape[0] or not _inverse_append(Ginv, m, G, act, j, d):
                return SINGULAR, step
            act[m] = j
            sign[j] = 1.0 if c[j] > 0 else -1.0
            m += 1
        for r in range(m):                       # d = G_AA⁻¹ s_A
            d[r] = 0.0
        for q in range(m):
            sq = sign[act[q]]
            for r in range(m):
                d[r] += Ginv[q, r] * sq
        for q in range(k):                       # a = G_:A d: how fast each c_q falls
            a[q] = 0.0
        for r in range(0, m - 3, 4):             # four rows of G per pass over a
            d0, d1, d2, d3 = d[r], d[r + 1], d[r + 2], d[r + 3]
            g0, g1, g2, g3 = G[act[r]], G[act[r + 1]], G[act[r + 2]], G[act[r + 3]]
            for q in range(k):
                a[q] += d0 * g0[q] + d1 * g1[q] + d2 * g2[q] + d3 * g3[q]
        for r in range(m - m % 4, m):
            dr, gr = d[r], G[act[r]]
            for q in range(k):
                a[q] += dr * gr[q]
        # the first event: t reaches λ, an atom joins (c_q = ±t), a coefficient crosses 0
        gamma = t - lam
        g = NEVER
        for q in range(k):                       # branch-free, so that it vectorises
            up = (t - c[q]) / max(1.0 - a[q], TINY)        # t − c_q ≥ 0 off A
            down = (t + c[q]) / max(1.0 + a[q], TINY)
            up = up if a[q] < 1.0 else NEVER
            down = down if a[q] > -1.0 else NEVER
            work[q] = min(up, down)
        for r in range(m):                       # atoms in A, and one that just left,
            work[act[r]] = NEVER                 # cannot join
        if dropped >= 0:
            work[dropped] = NEVER
        for q in range(k):
            g = min(g, work[q])
        j = -1
        if g < gamma:
            gamma = g
            for q in range(k):
                if work[q] == g:
                    j = q
                    break
        leave = -1
        for r in range(m):
            q = act[r]
            if h[q] * d[r] < 0.0 and -h[q] / d[r] < gamma:
                gamma, j, leave = -h[q] / d[r], -1, r
        gamma = max(gamma, 0.0)                  # rounding: never step backwards
        for r in range(m):
            h[act[r]] += gamma * d[r]
        for q in range(k):
            c[q] -= gamma * a[q]
        t -= gamma
        dropped = -1
        if leave >= 0:                           # act[leave] leaves A
            dropped = act[leave]
            h[dropped] = 0.0
            sign[dropped] = 0.0
            _inverse_remove(Ginv, m, leave)
            m -= 1
            act[leave] = act[m]
        elif j < 0:                              # t = λ: arrived
            return OK, step + 1
    return TOO_MANY_STEPS, max_steps


@numba.njit(cache=True, fastmath=FAST)
def _certificate(G, c0, xx, lam, h, a):
    """Primal value and duality gap of the code ``h`` of a sample with ``Dᵀx = c0``, ``‖x‖²=xx``.

    The dual point ``θ = s r`` of :func:`~reprcourse.sparse_coding.duality_gap`, written with the
    final correlations ``c = Dᵀr = c0 − G h`` (computed afresh from the support of ``h``):
    ``‖r‖² = ‖x‖² − 2 hᵀc0 + hᵀGh`` and ``P − D(θ) = ½(1 − s)²‖r‖² + λ‖h‖₁ − s hᵀc``.
    """
    k = h.shape[0]
    for q in range(k):
        a[q] = 0.0
    for r in range(k):                           # a = G h over the support
        if h[r] != 0.0:
            hr, gr = h[r], G[r]
            for q in range(k):
                a[q] += hr * gr[q]
    top, l1, hc0, hc = 0.0, 0.0, 0.0, 0.0
    for q in range(k):
        top = max(top, abs(c0[q] - a[q]))        # ‖Dᵀr‖∞
        l1 += abs(h[q])
        hc0 += h[q] * c0[q]
        hc += h[q] * (c0[q] - a[q])
    rr = max(xx - hc0 - hc, 0.0)                 # hᵀGh = hc0 − hc
    s = 1.0 if top <= lam else lam / top
    return 0.5 * rr + lam * l1, 0.5 * (1.0 - s) ** 2 * rr + lam * l1 - s * hc


@numba.njit(parallel=True, cache=True)
def _paths(G, C, xx, lam, max_active, max_steps, n_chunks):
    """:func:`_path` and :func:`_certificate` for every row of ``C`` (n, k), ``xx`` (n,).

    Returns the codes H (n, k) and, per row, status, steps, primal value and gap.
    """
    n, k = C.shape
    H = np.zeros((n, k))
    status = np.zeros(n, dtype=np.int8)
    steps = np.zeros(n, dtype=np.int64)
    primal, gap = np.zeros(n), np.zeros(n)
    for chunk in numba.prange(n_chunks):
        act = np.empty(max_active, dtype=np.int64)
        Ginv = np.empty((max_active, max_active))
        d = np.empty(max_active)
        a, sign, work, c = np.empty(k), np.empty(k), np.empty(k), np.empty(k)
        for i in range(chunk * n // n_chunks, (chunk + 1) * n // n_chunks):
            c[:] = C[i]
            status[i], steps[i] = _path(G, c, lam, max_steps, H[i], act, Ginv, d, a, sign,
                                        work)
            primal[i], gap[i] = _certificate(G, C[i], xx[i], lam, H[i], a)
    return H, status, steps, primal, gap


def solve_homotopy(X, D, lam, *, tol=1e-4, max_steps=None, stats=None):
    r"""The lasso codes of every row of ``X`` by homotopy, certified (the engine of lasso_lars).

    Arguments are trusted (validated by :func:`lasso_lars`).

    Parameters
    ----------
    X : tensor (n_samples, n_features), float64, on the CPU
    D : tensor (n_features, n_atoms), float64, on the CPU
    lam : float >= 0
    tol : float >= 0
        Relative duality gap every returned row must reach. Paths end at the exact optimum
        (up to rounding); a row that does not (a path that broke down, or rounding on an
        ill-conditioned support) is finished by the FISTA engine from where its path stopped.
    max_steps : int, optional
        Path steps allowed per row; ``4 min(n_features, n_atoms) + 100`` by default.
    stats : dict, optional
        Receives, per row, ``"steps"``, ``"primal"`` and
        ``"gap"`` (n_samples,) of the paths, and ``"finished_by_fista"``, the number of rows
        handed to the FISTA engine.

    Returns
    -------
    H : tensor (n_samples, n_atoms), float64
    """
    n_features, n_atoms = D.shape
    if n_atoms > MAX_GRAM_ATOMS:                                   # G would not fit: FISTA
        if stats is not None:
            stats["finished_by_fista"] = X.shape[0]
        return solve_lasso(X, D, lam, tol=tol, mixed_precision=False)
    if max_steps is None:
        max_steps = 4 * min(n_features, n_atoms) + 100
    Dn = D.numpy()
    G = Dn.T @ Dn                                                  # (k, k) Gram matrix
    Xn = X.numpy()
    C = Xn @ Dn                                                    # (n, k) correlations Dᵀx
    xx = np.einsum("ij,ij->i", Xn, Xn)                             # (n,) ‖x‖²
    n_chunks = max(1, min(X.shape[0], 8 * numba.get_num_threads()))
    H, status, steps, primal, gap = _paths(G, C, xx, float(lam), min(n_features, n_atoms),
                                           int(max_steps), n_chunks)
    H = torch.from_numpy(H)
    redo = torch.from_numpy((status != OK) | (gap > tol * primal))
    if redo.any():
        rows = redo.nonzero()[:, 0]
        H[rows] = solve_lasso(X[rows], D, lam, H0=H[rows], tol=tol, mixed_precision=False)
    if stats is not None:
        stats.update(steps=steps, primal=primal, gap=gap,
                     finished_by_fista=int(redo.sum()))
    return H


def lasso_lars(X, D, lam, *, tol=1e-4):
    r"""Lasso codes by LARS-lasso homotopy: the fastest exact solver here on a CPU.

    Solves, for every row ``x`` of ``X``, the same problem as :func:`~reprcourse.sparse_encode`,

    .. math::

        \min_h \; \tfrac12 \|x - D h\|_2^2 + \lambda \|h\|_1 ,

    by following the solution path from ``h = 0`` at ``λ = ‖Dᵀx‖∞`` down to ``lam``, one
    event (an atom joins or leaves the support) per step (Efron et al. 2004; see
    :mod:`reprcourse.solvers.homotopy`). The cost grows with the number of non-zeros, so it is fastest
    for sparse codes; every row is certified by its duality gap. Computed in
    float64 on the CPU (tensors on another device are copied there and back).

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
    D : array of shape (n_features, n_atoms)
    lam : float >= 0
        Sparsity weight λ.
    tol : float >= 0
        Every row's lasso duality gap ends below ``tol`` times its objective (rows whose
        path breaks down, e.g. on repeated atoms, are finished by the FISTA engine, and so
        are all rows when ``n_atoms`` > 12 000, where ``DᵀD`` would take over 1 GiB).

    Returns
    -------
    H : array of shape (n_samples, n_atoms)
        Same kind as ``X``; float64 if ``X`` or ``D`` is float64, else float32.

    Raises
    ------
    ValueError
        If shapes disagree, values are not finite or ``lam < 0``.
    TypeError
        If an argument has the wrong type, or numpy arrays and tensors are mixed.
    """
    X, D, _ = check_problem(X, D)
    lam, tol = check_nonnegative(lam, "lam"), check_nonnegative(tol, "tol")
    dtype = common_dtype(X, D)
    H = solve_homotopy(as_tensor(X, dtype=torch.float64).detach().cpu(),
                       as_tensor(D, dtype=torch.float64).detach().cpu(), lam, tol=tol)
    H = H.to(dtype)                                                # (no copy for float64)
    return H.to(X.device) if is_torch(X) else H.numpy()
