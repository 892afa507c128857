r"""Exact polishing of lasso codes on their support: the fast finish of ``fista``.

For every row ``x`` of ``X`` it finishes the lasso

.. math::

    \min_h \; \tfrac12 \|x - D h\|_2^2 + \lambda \|h\|_1

from approximate codes ``H`` (a few FISTA iterations). Once the support ``S`` of the
solution and its signs ``s_S`` are known the problem is a linear system: on the orthant of
``s_S`` the objective is the quadratic ``½ h_Sᵀ G_SS h_S − (c_S − λ s_S)ᵀ h_S`` with the
Gram matrix ``G = DᵀD`` and correlations ``c = Dᵀx``, so

.. math::

    h_S = G_{SS}^{-1} (c_S - \lambda s_S), \qquad h_{\bar S} = 0 ,

and ``h`` is optimal exactly when the signs agree and ``|c_j − G_j h| ≤ λ`` off ``S``
(the KKT conditions). This is the step that makes LARS/homotopy (Efron et al. 2004; SPAMS,
Mairal et al.) and feature-sign search (Lee, Battle, Raina & Ng 2007) fast on very sparse
codes: they pay per active atom, not per atom.

Here all rows are polished at once (the engine calls :func:`polish` every few FISTA
iterations on the rows still iterating):

1. the working set ``S`` of a row is the support of its iterate plus the atoms that violate
   ``|c_j − G_j h| ≤ λ``, with signs from ``h`` or from the violation (cf. the working sets
   of celer, Massias, Gramfort & Salmon 2018);
2. rows are sorted by ``|S|`` and cut into chunks; each chunk's ``G_SS`` are gathered into
   one padded batch (unused slots hold the identity) and solved by a batched Cholesky
   factorisation; atoms whose sign comes out wrong are dropped and the system solved again
   (``n_prune`` times);
3. a row is done when the duality gap of its new code (Fercoq, Gramfort & Salmon 2015) is
   below ``tol`` times its objective. Every other row keeps its FISTA state, so a failed
   polish costs time but never accuracy. Rows with ``|S| > n_features`` (singular
   ``G_SS``) or larger than ``max_width`` are not tried.
"""

from __future__ import annotations

import torch

__all__ = ["polish", "duality_gap"]


def _solve_on_support(G, C, idx, valid, sign, lam):
    """``h_S = G_SS⁻¹ (c_S − λ s_S)`` for a padded batch; unused slots hold the identity.

    ``idx``, ``valid``, ``sign`` are (m, s) and ``C`` is (m, k); returns ``h_S`` (m, s) and a
    bool (m,) that is False where ``G_SS`` is numerically singular (Cholesky failed).
    """
    n_atoms = G.shape[0]
    keep = valid.to(G.dtype)                                       # (m, s) 1 on used slots
    GS = G.take(idx.unsqueeze(2) * n_atoms + idx.unsqueeze(1))     # (m, s, s) G_SS
    GS.mul_(keep.unsqueeze(2) * keep.unsqueeze(1))
    GS.diagonal(dim1=1, dim2=2).add_(1.0 - keep)                   # identity in unused slots
    rhs = torch.where(valid, C.gather(1, idx) - lam * sign, 0.0)   # (m, s)
    chol, info = torch.linalg.cholesky_ex(GS)
    h = torch.cholesky_solve(rhs.unsqueeze(2), chol)[:, :, 0]      # (m, s)
    return torch.where(valid, h, 0.0), info == 0


def polish(X, D, lam, H, *, tol, out_dtype, G=None, C=None, n_prune=1, chunk=256,
           max_width=32, stats=None):
    r"""Solve every row on its working set; the codes and which rows are now certified.

    Parameters
    ----------
    X : tensor (m, n_features), float64
    D : tensor (n_features, n_atoms), float64
    lam : float > 0
        Sparsity weight λ.
    H : tensor (m, n_atoms)
        Current codes (a FISTA iterate); their support should be nearly right.
    tol : float >= 0
        A row is certified when its duality gap is at most ``tol`` times its objective.
    out_dtype : torch.dtype
        The precision of the returned codes; the certificate is computed (in float64) on the
        codes rounded to it.
    G : tensor (n_atoms, n_atoms), float64, optional
        ``DᵀD`` (computed if not given).
    C : tensor (m, n_atoms), float64, optional
        ``X D`` (computed if not given).
    n_prune : int
        Re-solves after dropping the atoms whose sign came out wrong.
    max_width : int
        Rows with larger working sets are left alone (their factorisation costs ``s³``).
    chunk : int
        Rows per padded batch (rows are sorted by working-set size, so padding stays small).
    stats : dict, optional
        ``"flops_polish"`` is increased by the flops of the products and factorisations.

    Returns
    -------
    H : tensor (m, n_atoms) of ``out_dtype``
        The polished codes (meaningful where ``done``).
    done : bool tensor (m,)
    """
    m, n_atoms = H.shape
    n_features = D.shape[0]
    flops = 4.0 * m * D.numel()
    Hd = H.double()
    if G is None:
        G = D.T @ D                                                # (k, k)
        flops += 2.0 * n_atoms * D.numel()
    if C is None:
        C = X @ D                                                  # (m, k) c = Dᵀx
        flops += 2.0 * m * D.numel()
    corr = C - (Hd @ D.T) @ D                                      # (m, k) c − G h
    support = (Hd != 0) | (corr.abs() > lam)                       # (m, k) working sets
    size = support.sum(1)
    tried = size <= min(n_features, max_width)                     # else G_SS is singular
    order = torch.argsort(size)                                    # or too dear to factor
    order = order[(size[order] > 0) & tried[order]]
    out = torch.zeros(m, n_atoms, dtype=out_dtype, device=H.device)
    for start in range(0, order.numel(), chunk):
        rows = order[start:start + chunk]                          # (r,)
        width = int(size[rows[-1]])
        idx = support[rows].to(D.dtype).topk(width, dim=1).indices  # (r, s) S first
        valid = support[rows].gather(1, idx)                       # (r, s)
        h = Hd[rows].gather(1, idx)
        sign = torch.where(h != 0, h.sign(), corr[rows].gather(1, idx).sign()) * valid
        for _ in range(n_prune + 1):
            hs, ok = _solve_on_support(G, C[rows], idx, valid, sign, lam)
            flops += rows.numel() * (width ** 3 / 3 + 2 * width ** 2)
            wrong = valid & (hs * sign <= 0)                       # sign came out wrong
            if not bool(wrong.any()):
                break
            valid &= ~wrong
            sign = sign * valid
        hs = torch.where(ok[:, None], hs, 0.0).to(out_dtype)
        out[rows] = torch.zeros_like(out[rows]).scatter_(1, idx, hs)
    check = tried.nonzero()[:, 0]                                  # (t,) rows with a new code
    primal, gap = duality_gap(X[check], D, out[check].double(), lam)
    flops += 4.0 * check.numel() * D.numel()
    done = torch.zeros(m, dtype=torch.bool, device=H.device)
    done[check] = gap <= tol * primal
    if stats is not None:
        stats["flops_polish"] = stats.get("flops_polish", 0.0) + flops
    return out, done


def duality_gap(X, D, H, lam):
    r"""Per-row primal value ``P(h)`` and duality gap ``P(h) − D(θ)`` (m,) each.

    ``θ = s r`` with the residual ``r = x − D h`` and ``s = min(1, λ/‖Dᵀ r‖∞)`` is dual
    feasible (Fercoq, Gramfort & Salmon 2015), ``D(θ) = θᵀx − ½‖θ‖²``.
    """
    R = X - H @ D.T                                                # (m, d)
    top = (R @ D).abs().amax(1)                                    # ‖Dᵀr‖∞
    rr = (R * R).sum(1)
    primal = 0.5 * rr + lam * H.abs().sum(1)
    s = torch.where(top > lam, lam / top.clamp(min=torch.finfo(top.dtype).tiny), 1.0)
    return primal, primal - (s * (R * X).sum(1) - 0.5 * s * s * rr)
