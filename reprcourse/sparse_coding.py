r"""Sparse coding: soft thresholding, the lasso objective, ISTA and FISTA.

Given a dictionary ``D`` of shape ``(n_features, n_atoms)`` with atoms as columns, the code
``h`` of a sample ``x`` solves the lasso problem (lecture 18, "Inference")

.. math::

    \min_h \; \tfrac12 \|x - D h\|_2^2 + \lambda \|h\|_1 .

ISTA (Daubechies, Defrise & De Mol 2004) alternates a gradient step on the squared error
with the proximal step of the l1 term, which is soft thresholding. FISTA (Beck & Teboulle
2009) adds Nesterov momentum; with adaptive restart (O'Donoghue & Candès 2015) it is the
default solver here.

Every function takes numpy arrays or torch tensors and returns the same kind. The solvers run
on torch (CPU or the tensor's device) and treat all samples as one batch: each iteration is a
single matrix product with the Gram matrix, samples that have converged are dropped from the
batch, and float64 problems are solved in float32 first and finished in float64.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from ._validation import (check_array, check_dictionary, check_int, check_matching_features,
                          check_nonnegative, check_same_backend, check_scalar, is_torch)

__all__ = ["soft_threshold", "sparse_objective", "lipschitz_constant", "mutual_coherence",
           "one_step_encode", "ista", "fista"]


# ---------------------------------------------------------------------------------------
# numpy <-> torch
# ---------------------------------------------------------------------------------------
def _as_tensor(a):
    """Zero-copy view of a numpy array as a tensor (tensors pass through)."""
    return a if is_torch(a) else torch.from_numpy(np.ascontiguousarray(a))


def _like(t, template):
    """Return tensor ``t`` as the kind of ``template`` (numpy array or tensor)."""
    return t if is_torch(template) else t.cpu().numpy()


def _common_dtype(*arrays):
    """float64 if any input is float64, else float32 (torch dtype)."""
    dtypes = [a.dtype if is_torch(a) else torch.from_numpy(np.empty(0, a.dtype)).dtype
              for a in arrays]
    return torch.float64 if torch.float64 in dtypes else torch.float32


# ---------------------------------------------------------------------------------------
# Elementary pieces
# ---------------------------------------------------------------------------------------
def soft_threshold(x, tau):
    r"""Soft thresholding, the proximal operator of ``tau * |.|``.

    .. math:: \operatorname{thr}_\tau(x) = \operatorname{sign}(x)\,\max(|x| - \tau, 0)

    It is exactly the lecture's ISTA rule applied to the l1 term: move every entry toward
    zero by ``tau`` and clamp it to zero if it would change sign.

    Parameters
    ----------
    x : array or tensor of any shape
    tau : float >= 0
        Threshold τ.

    Returns
    -------
    array or tensor of the same shape and kind as ``x``

    Raises
    ------
    ValueError
        If ``tau`` is negative or not finite, or ``x`` holds NaN/inf or is empty.
    TypeError
        If ``x`` is not an array or ``tau`` is not a real number.
    """
    x = check_array(x, "x", ndim=tuple(range(0, 33)), shape_hint="(any shape)")
    tau = check_nonnegative(tau, "tau")
    t = _as_tensor(x)
    return _like(t - t.clamp(-tau, tau), x)


def sparse_objective(X, D, H, lam) -> float:
    r"""The sparse-coding objective, averaged over samples.

    .. math::

        F(H) = \frac1n \sum_{i=1}^n \tfrac12 \|x_i - D h_i\|_2^2 + \lambda \|h_i\|_1

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
    D : array of shape (n_features, n_atoms)
    H : array of shape (n_samples, n_atoms)
    lam : float >= 0
        Sparsity weight λ.

    Returns
    -------
    float
        Computed in float64.

    Raises
    ------
    ValueError
        If shapes disagree, values are not finite, or ``lam < 0``.
    """
    X, D, H = _check_problem(X, D, H=H)
    lam = check_nonnegative(lam, "lam")
    X, D, H = (_as_tensor(a).double() for a in (X, D, H))
    R = X - H @ D.T                                                # (n, d) residuals
    per_sample = 0.5 * (R * R).sum(1) + lam * H.abs().sum(1)       # (n,)
    return float(per_sample.mean())


def lipschitz_constant(D) -> float:
    r"""Lipschitz constant of the gradient of ``½‖x − D h‖²``: ``L = ‖D‖₂² = λ_max(DᵀD)``.

    ISTA with step ``1/L`` never increases the objective.

    Parameters
    ----------
    D : array of shape (n_features, n_atoms)

    Returns
    -------
    float
    """
    D = check_array(D, "D", shape_hint="(n_features, n_atoms)")
    return float(torch.linalg.matrix_norm(_as_tensor(D).double(), ord=2) ** 2)


def mutual_coherence(D) -> float:
    r"""Mutual coherence ``μ = max_{i≠j} |⟨d_i, d_j⟩|`` after normalising the columns.

    Parameters
    ----------
    D : array of shape (n_features, n_atoms), no zero columns

    Returns
    -------
    float in [0, 1]; 0 for a single atom.

    Raises
    ------
    ValueError
        If ``D`` is not 2-D, not finite, or has a zero column.
    """
    D = _as_tensor(check_dictionary(D, "D")).double()
    if D.shape[1] == 1:
        return 0.0
    Dn = D / D.norm(dim=0)
    G = (Dn.T @ Dn).abs()                                          # (k, k)
    G.fill_diagonal_(0.0)
    return float(G.max().clamp(max=1.0))


def one_step_encode(X, D, lam):
    """One ISTA step from zero with step size 1: ``soft_threshold(X @ D, lam)``.

    With unit-norm atoms this is the encoder of the one-step recovery theorems (chapter 3):
    for an orthogonal ``D`` and ``x = D h*`` it returns the exact signs of ``h*`` whenever
    ``lam < min |h*_i|`` over the support. It is also the encoder of a tied-weight
    autoencoder with a soft-threshold non-linearity.

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
    D : array of shape (n_features, n_atoms), unit-norm columns
    lam : float >= 0
        Threshold λ.

    Returns
    -------
    H : array of shape (n_samples, n_atoms)

    Raises
    ------
    ValueError
        If shapes disagree, values are not finite, atoms are not unit-norm, or ``lam < 0``.
    """
    X, D, _ = _check_problem(X, D, unit_norm=True)
    lam = check_nonnegative(lam, "lam")
    dtype = _common_dtype(X, D)
    Xt, Dt = _as_tensor(X).to(dtype), _as_tensor(D).to(dtype)
    return _like(_soft(Xt @ Dt, lam), X)


def _soft(t, tau):
    return t - t.clamp(-tau, tau)


def _check_problem(X, D, *, H=None, unit_norm=False):
    X = check_array(X, "X")
    D = check_dictionary(D, "D", unit_norm=unit_norm)
    check_matching_features(X, D)
    arrays = {"X": X, "D": D}
    if H is not None:
        H = check_array(H, "H", shape_hint="(n_samples, n_atoms)")
        if tuple(H.shape) != (X.shape[0], D.shape[1]):
            raise ValueError(f"H has shape {tuple(H.shape)} but X has {X.shape[0]} samples and "
                             f"D has {D.shape[1]} atoms; H must be (n_samples, n_atoms) = "
                             f"{(X.shape[0], D.shape[1])}")
        arrays["H"] = H
    check_same_backend(**arrays)
    return X, D, H


# ---------------------------------------------------------------------------------------
# Solvers
# ---------------------------------------------------------------------------------------
def ista(X, D, lam, *, n_iter=20_000, tol=1e-6, H0=None, step=None, callback=None):
    r"""ISTA: proximal gradient descent on the lasso, one step per iteration.

    Each iteration is the lecture's update, for all samples at once:

    .. math::

        h \leftarrow \operatorname{thr}_{\alpha\lambda}\!\big(h - \alpha D^\top (D h - x)\big),
        \qquad \alpha = 1/L,\; L = \|D\|_2^2 ,

    which never increases :func:`sparse_objective` (Daubechies et al. 2004). Computed in the
    input's precision.

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
    D : array of shape (n_features, n_atoms)
    lam : float >= 0
        Sparsity weight λ.
    n_iter : int >= 1
        Maximum number of iterations.
    tol : float >= 0
        A sample stops once its lasso duality gap is below ``tol`` times its objective,
        which certifies that its objective is within ``tol`` (relative) of the optimum.
    H0 : array of shape (n_samples, n_atoms), optional
        Warm start; zeros by default.
    step : float > 0, optional
        Step size α; ``1 / lipschitz_constant(D)`` by default. Larger than ``1/L`` may diverge.
    callback : callable, optional
        Called as ``callback(k, H)`` after iteration ``k`` with the current codes (a copy).

    Returns
    -------
    H : array of shape (n_samples, n_atoms)
        Same kind and dtype as ``X`` (float64 if ``X`` or ``D`` is float64).

    Raises
    ------
    ValueError
        If shapes disagree, values are not finite, ``lam < 0``, or ``n_iter < 1``.
    """
    return _solve(X, D, lam, momentum=False, restart=False, n_iter=n_iter, tol=tol, H0=H0,
                  step=step, callback=callback, mixed_precision=False)


def fista(X, D, lam, *, n_iter=10_000, tol=1e-4, H0=None, restart=True, mixed_precision=True,
          callback=None):
    r"""FISTA (Beck & Teboulle 2009): ISTA with Nesterov momentum, restarted adaptively.

    .. math::

        h_{k+1} &= \operatorname{thr}_{\lambda/L}\!\big(y_k - \tfrac1L D^\top(D y_k - x)\big) \\
        t_{k+1} &= \tfrac12\big(1 + \sqrt{1 + 4 t_k^2}\big), \qquad
        y_{k+1} = h_{k+1} + \tfrac{t_k - 1}{t_{k+1}} (h_{k+1} - h_k)

    The objective gap falls as ``O(1/k²)`` instead of ISTA's ``O(1/k)``. With ``restart``,
    a sample's momentum is reset whenever it points against the last step (the gradient
    scheme of O'Donoghue & Candès 2015), which makes convergence linear once the support is
    found. Each sample has its own momentum and stops on its own.

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
    D : array of shape (n_features, n_atoms)
    lam : float >= 0
        Sparsity weight λ.
    n_iter : int >= 1
        Maximum number of iterations (per precision phase).
    tol : float >= 0
        A sample stops once its lasso duality gap is below ``tol`` times its objective,
        which certifies that its objective is within ``tol`` (relative) of the optimum.
    H0 : array of shape (n_samples, n_atoms), optional
        Warm start; zeros by default.
    restart : bool
        Adaptive momentum restart (recommended).
    mixed_precision : bool
        For float64 input, solve in float32 first and finish in float64 from there; the
        result is a float64 solution at ``tol``. Ignored for float32 input.
    callback : callable, optional
        Called as ``callback(k, H)`` after iteration ``k`` with the current codes (a copy).

    Returns
    -------
    H : array of shape (n_samples, n_atoms)
        Same kind and dtype as ``X`` (float64 if ``X`` or ``D`` is float64).

    Raises
    ------
    ValueError
        If shapes disagree, values are not finite, ``lam < 0``, or ``n_iter < 1``.
    """
    return _solve(X, D, lam, momentum=True, restart=bool(restart), n_iter=n_iter, tol=tol,
                  H0=H0, step=None, callback=callback, mixed_precision=bool(mixed_precision))


def _solve(X, D, lam, *, momentum, restart, n_iter, tol, H0, step, callback, mixed_precision):
    X, D, H0 = _check_problem(X, D, H=H0)
    lam = check_nonnegative(lam, "lam")
    n_iter = check_int(n_iter, "n_iter", low=1)
    tol = check_nonnegative(tol, "tol")
    dtype = _common_dtype(X, D)
    if step is not None:
        step = check_scalar(step, "step", low=0.0, low_open=True)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable, got {type(callback).__name__}")
    user_callback = callback
    if callback is not None:                       # hand the user codes of the input's kind
        def callback(k, Ht):
            user_callback(k, _like(Ht.to(dtype), X))

    Xt, Dt = _as_tensor(X), _as_tensor(D)
    H = (torch.zeros(X.shape[0], D.shape[1], dtype=dtype, device=Xt.device) if H0 is None
         else _as_tensor(H0).to(dtype).clone())
    phases = [torch.float32, dtype] if (mixed_precision and dtype == torch.float64) else [dtype]
    k0 = 0
    for i, work in enumerate(phases):
        H, k0 = _proximal_gradient(Xt.to(work), Dt.to(work), H.to(work), lam, momentum=momentum,
                                   restart=restart, n_iter=n_iter, tol=tol, step=step,
                                   callback=callback, k0=k0, hand_on=i + 1 < len(phases))
    return _like(H.to(dtype), X)


def _duality_gap(H, X, lam, *, D, R, scratch):
    r"""Per-sample primal value and lasso duality gap at codes ``H`` (rows of the batch).

    With residual ``r = x − D h`` and the dual point ``θ = s r``, ``s = min(1, λ/‖Dᵀr‖∞)``
    (feasible: ``‖Dᵀθ‖∞ ≤ λ``), the gap is ``P(h) − (θᵀx − ½‖θ‖²) ≥ P(h) − P(h*) ≥ 0``,
    so a relative gap below ``tol`` certifies a relative objective error below ``tol``.
    The residual is formed explicitly, so rounding is relative to ``P``, not to ``‖x‖²``.
    """
    torch.matmul(H, D.T, out=R)                                    # (m, d) D h
    torch.sub(X, R, out=R)                                         # r = x − D h
    rr = (R * R).sum(1)                                            # ‖r‖²
    rx = (R * X).sum(1)                                            # rᵀx
    primal = 0.5 * rr + lam * H.abs().sum(1)
    torch.matmul(R, D, out=scratch)                                # (m, k) Dᵀr
    corr = torch.abs(scratch, out=scratch).amax(1)                 # ‖Dᵀr‖∞
    s = torch.where(corr > lam, lam / corr.clamp(min=torch.finfo(corr.dtype).tiny), 1.0)
    dual = s * rx - 0.5 * s * s * rr
    return primal, primal - dual


def _proximal_gradient(X, D, H, lam, *, momentum, restart, n_iter, tol, step, callback, k0,
                       hand_on=False, check_every=10, patience=10):
    """Batched (F)ISTA in torch, dropping converged samples from the batch.

    The gradient step of all samples is one or two matrix products. With the Gram matrix
    ``G = DᵀD`` it reads ``Y − α(Y G − X D) = Y M + α X D`` with ``M = I − αG`` (cost ∝ k²
    per sample); through the residual it reads ``Y − α (Y Dᵀ − X) D`` (cost ∝ 2dk). The
    cheaper one is used. All scratch memory is allocated once, outside the loop. A sample
    stops when its relative duality gap is below ``tol`` (for ``lam = 0``, when no entry of
    its code moves by more than ``tol`` times its largest entry). With ``hand_on`` (a float32
    phase that a float64 phase finishes) a sample also stops when its gap has not dropped
    below 0.9 of its best value for ``patience`` checks: rounding, not the iteration, then
    limits it, and iterating on would only burn ``n_iter``.
    """
    n_features, n_atoms = D.shape
    L = float(torch.linalg.matrix_norm(D.double(), ord=2) ** 2)   # ‖D‖₂² = λ_max(DᵀD)
    if L == 0.0:                                                   # D = 0: h = 0 is optimal
        return torch.zeros_like(H), k0
    alpha = (1.0 / L) if step is None else step
    thr = alpha * lam
    use_gram = n_atoms <= 2 * n_features
    # relative gaps below a few float32 roundings cannot be certified in float32 (mixed
    # precision goes on in float64 from there)
    floor = 1e-6 if H.dtype == torch.float32 else 1e-14
    if use_gram:
        M = torch.eye(n_atoms, dtype=D.dtype, device=D.device) - alpha * (D.T @ D)  # (k, k)
        C = alpha * (X @ D)                                        # (n, k)
    else:
        Dt, C = D.T.contiguous(), None                             # Dt (k, d)

    out = H                                                        # (n, k), final codes
    active = torch.arange(H.shape[0], device=H.device)             # rows still iterating
    H = H.clone()                                                  # (m, k) current iterate
    Y = H.clone() if momentum else H                               # (m, k) momentum point
    Z = torch.empty_like(H)                                        # (m, k) next iterate
    S = torch.empty_like(H)                                        # (m, k) step / scratch
    R = torch.empty(H.shape[0], n_features, dtype=H.dtype, device=H.device)  # (m, d) residual
    t = torch.ones(H.shape[0], 1, dtype=H.dtype, device=H.device)  # (m, 1) FISTA t_k
    best = torch.full((H.shape[0],), torch.inf, dtype=H.dtype, device=H.device)  # (m,) gaps
    stale = torch.zeros(H.shape[0], dtype=torch.long, device=H.device)  # (m,) checks since
    for k in range(k0 + 1, k0 + n_iter + 1):
        if use_gram:                                               # gradient step
            torch.matmul(Y, M, out=Z)
            Z.add_(C)
        else:
            torch.matmul(Y, Dt, out=R)
            R.sub_(X)                                              # R = Y Dᵀ − X
            torch.addmm(Y, R, D, alpha=-alpha, out=Z)              # Z = Y − α R D
        torch.clamp(Z, -thr, thr, out=S)                           # soft threshold:
        Z.sub_(S)                                                  # Z = thr(Z) = h_new
        torch.sub(Z, H, out=S)                                     # S = h_new − h_old
        if momentum:
            t_new = 0.5 * (1.0 + torch.sqrt(1.0 + 4.0 * t * t))
            beta = (t - 1.0) / t_new                               # (m, 1)
            if restart:                                            # momentum against the step?
                torch.sub(Y, Z, out=H).mul_(S)                     # reuse H: (y − h_new)·step
                bad = H.sum(1, keepdim=True) > 0
                t_new = torch.where(bad, 1.0, t_new)
                beta = torch.where(bad, 0.0, beta)
            t = t_new
            torch.addcmul(Z, S, beta, out=Y)                       # y = h_new + β step
        H, Z = Z, H                                                # H = h_new
        if not momentum:
            Y = H
        if callback is not None:
            snapshot = out.clone()
            snapshot[active] = H
            callback(k, snapshot)
        it, last = k - k0, k == k0 + n_iter
        if it <= 2 or it % check_every == 0 or last:
            if lam > 0:
                primal, gap = _duality_gap(H, X, lam, D=D, R=R, scratch=Z)
                done = gap <= max(tol, floor) * primal
                if hand_on:                                        # stalled in float32?
                    better = gap < 0.9 * best
                    best = torch.where(better, gap, best)
                    stale = torch.where(better, 0, stale + 1)
                    done |= stale >= patience
            else:
                moved = torch.abs(S, out=S).amax(1)                # (m,) largest move
                done = moved <= tol * torch.abs(Z.copy_(H)).amax(1)
            if last:
                done[:] = True
            if bool(done.any()):
                out[active[done]] = H[done]
                keep = ~done
                if not bool(keep.any()):
                    return out, k
                active, H, Z, S, R, t, X, best, stale = (
                    a[keep] for a in (active, H, Z, S, R, t, X, best, stale))
                C = C[keep] if use_gram else None
                Y = Y[keep] if momentum else H
    return out, k0 + n_iter
