r"""The batched lasso engine behind ``sparse_encode(algorithm="fista" | "ista")`` and inpainting.

It solves, for every row ``x`` of ``X`` (and an optional 0/1 mask ``m`` of observed
coordinates, all ones by default),

.. math::

    \min_h \; \tfrac12 \|m \odot (x - D h)\|_2^2 + \lambda \|h\|_1 ,

by the same proximal-gradient iteration as the lecture's loops
:func:`~reprcourse.sparse_coding.ista` and :func:`~reprcourse.sparse_coding.fista`, made fast
in four ways:

* **one batch.** All samples iterate together, so each step is one or two matrix products;
  a sample leaves the batch as soon as its duality gap certifies it.
* **two forms of the gradient.** Through the Gram matrix, ``∇ = Y G − X D`` (cost ∝ k² per
  sample, used when ``n_atoms <= 2 n_features`` and there is no mask), or through the
  residual, ``∇ = (m ⊙ (Y Dᵀ) − m ⊙ X) D`` (cost ∝ 2dk). Either way the engine keeps the
  linear image ``A(z)`` of each iterate (the residual, or ``z G − X D``) and gets the
  momentum point's image for free, ``A(y) = A(z) + β (A(z) − A(h))``.
* **a step per sample.** The objective is quadratic, so the curvature along a step is known
  exactly, ``‖m ⊙ D(z − y)‖²``; a sample starts with ``L = ‖D‖₂²/4`` and doubles it (up to
  ``‖D‖₂²``, always safe) whenever a step turns out too long, which is then redone. Each
  accepted step satisfies the descent condition of Beck & Teboulle (2009), so ISTA stays
  monotone and FISTA keeps its guarantees.
* **float32, then a float64 certificate.** Float64 problems are solved in float32 first and
  finished (usually: only certified) in float64.

The result is exact: a sample stops only when its duality gap is below ``tol`` times its
objective (Fercoq, Gramfort & Salmon 2015 for the dual point; the formula of
:func:`reprcourse.sparse_coding.duality_gap`, here from the residual the iteration already
has), computed in the working precision of the final phase.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch


__all__ = ["solve_lasso", "soft_threshold_", "squared_spectral_norm", "gap_from_residual"]


@dataclass
class _Problem:
    """The data of one precision phase: ``X`` (n, d) masked, ``M`` (n, d) or None, ``D``."""

    X: torch.Tensor
    M: torch.Tensor | None
    D: torch.Tensor
    lam: float
    gram: bool
    L: float                     # ‖D‖₂², the global Lipschitz constant (masks only lower it)
    G: torch.Tensor | None = None   # (k, k) DᵀD, Gram form only
    C: torch.Tensor | None = None   # (n, k) X D, Gram form only
    cache: dict = field(default_factory=dict)   # row subsets of X, M, C (see ``take``)

    def take(self, T, rows):
        """``T[rows]``, remembered while the batch's ``rows`` tensor stays the same."""
        if T is None or rows.numel() == T.shape[0]:                # None, or all rows in order
            return T
        hit = self.cache.get(id(T))
        if hit is None or hit[0] is not rows:                      # ``rows`` kept alive in hit
            hit = self.cache[id(T)] = (rows, T[rows])
        return hit[1]

    def image(self, Z, rows):
        """The linear image ``A(Z)``: residual ``m ⊙ (Z Dᵀ) − m ⊙ x`` or ``Z G − X D``."""
        if self.gram:
            return Z @ self.G - self.take(self.C, rows)            # (m, k) = ∇
        R = Z @ self.D.T                                           # (m, d)
        if self.M is not None:
            R.mul_(self.take(self.M, rows))
        return R.sub_(self.take(self.X, rows))

    def gradient(self, A):
        """``∇ = Dᵀ(m ⊙ (D h − x))`` from the image ``A`` of ``h``, for every row."""
        if self.gram:
            return A
        return A @ self.D                                          # (m, k)

    def curvature(self, dZ, dA):
        """``‖m ⊙ D dz‖²`` per row, from a step ``dZ`` (m, k) and its image ``dA``."""
        return torch.linalg.vecdot(dZ if self.gram else dA, dA)     # (m,)

    def residual(self, H, rows):
        """``r = m ⊙ (x − D h)`` formed explicitly, (m, d)."""
        R = H @ self.D.T
        if self.M is not None:
            R.mul_(self.take(self.M, rows))
        return torch.sub(self.take(self.X, rows), R, out=R)


@dataclass
class _Batch:
    """The samples still iterating: their rows in the output and their per-sample state."""

    rows: torch.Tensor   # (m,) indices into the output
    H: torch.Tensor      # (m, k) current iterate h_k
    A_H: torch.Tensor    # image of H
    Y: torch.Tensor      # (m, k) momentum point y_k (H itself for ISTA)
    A_Y: torch.Tensor    # image of Y
    t: torch.Tensor      # (m, 1) FISTA's t_k
    L: torch.Tensor      # (m, 1) per-sample curvature bound, step = 1/L
    best: torch.Tensor   # (m,) best gap so far (stall detection)
    stale: torch.Tensor  # (m,) checks since the gap last improved

    def keep(self, mask):
        """Drop the rows where ``mask`` is False (Y/A_Y may alias H/A_H for ISTA)."""
        same = self.Y is self.H
        for name in ("rows", "H", "A_H", "t", "L", "best", "stale"):
            setattr(self, name, getattr(self, name)[mask])
        self.Y, self.A_Y = (self.H, self.A_H) if same else (self.Y[mask], self.A_Y[mask])


def soft_threshold_(Z, tau):
    """Soft thresholding in place, ``Z ← sign(Z) max(|Z| − τ, 0)``, the one implementation.

    ``tau`` is a float or a tensor that broadcasts to ``Z`` (a per-row threshold (m, 1)).
    """
    return Z.sub_(torch.clamp(Z, -tau, tau))


def squared_spectral_norm(D):
    """``L = ‖D‖₂² = λ_max(DᵀD)`` of a tensor, in float64, the one implementation: the
    Lipschitz constant of the gradient of ``½‖x − D h‖²``."""
    return float(torch.linalg.matrix_norm(D.double(), ord=2) ** 2)


def gap_from_residual(X, D, H, R, lam):
    r"""Per-row primal value ``P(h)`` and duality gap ``P(h) − D(θ) ≥ P(h) − P(h*) ≥ 0``,
    the one implementation (:func:`reprcourse.sparse_coding.duality_gap` and the engine).

    With the residual ``r = x − D h`` (rows of ``R``) and ``θ = s r``,
    ``s = min(1, λ/‖Dᵀ r‖∞)`` (dual feasible), ``D(θ) = θᵀx − ½‖θ‖²``. (For a masked row
    ``r = m ⊙ (x − D h)`` and ``Dᵀr`` equals ``(m ⊙ D)ᵀ r``.) Tensors, all rows at once.
    """
    rr, rx = torch.linalg.vecdot(R, R), torch.linalg.vecdot(R, X)  # ‖r‖², rᵀx
    primal = 0.5 * rr + lam * H.abs().sum(1)
    corr = (R @ D).abs().amax(1)                                   # ‖Dᵀr‖∞
    s = torch.where(corr > lam, lam / corr.clamp(min=torch.finfo(corr.dtype).tiny), 1.0)
    return primal, primal - (s * rx - 0.5 * s * s * rr)


def _duality_gap(prob, H, R, rows):
    """:func:`gap_from_residual` for the batch's ``rows`` of the problem."""
    return gap_from_residual(prob.take(prob.X, rows), prob.D, H, R, prob.lam)


def _prox_step(prob, batch, grad):
    """``z = thr_{λ/L}(y − ∇/L)`` for every row, with its image."""
    step = 1.0 / batch.L                                           # (m, 1)
    Z = soft_threshold_(torch.addcmul(batch.Y, grad, step, value=-1.0), prob.lam * step)  # (m, k)
    return Z, prob.image(Z, batch.rows)


def _fix_long_steps(prob, batch, grad, Z, A_Z):
    """Redo the rows whose step was longer than ``1/curvature`` (at most twice per call).

    A step is too long when ``‖m ⊙ D(z − y)‖² > L ‖z − y‖²``; such a row takes
    ``L ← min(‖D‖², max(2L, curvature))`` and steps again; ``L = ‖D‖²`` is always safe.
    """
    for attempt in range(2):
        dZ = Z - batch.Y
        curv, sq = prob.curvature(dZ, A_Z - batch.A_Y), torch.linalg.vecdot(dZ, dZ)
        bad = (curv > batch.L[:, 0] * sq * (1 + 1e-6)) & (batch.L[:, 0] < prob.L)
        if not bool(bad.any()):
            break
        idx = bad.nonzero()[:, 0]
        new_L = (torch.maximum(2 * batch.L[idx, 0], curv[idx] / sq[idx]) if attempt == 0
                 else torch.full_like(curv[idx], prob.L))
        batch.L[idx, 0] = new_L.clamp(max=prob.L)
        step = 1.0 / batch.L[idx]
        Z[idx] = soft_threshold_(torch.addcmul(batch.Y[idx], grad[idx], step, value=-1.0),
                        prob.lam * step)
        A_Z[idx] = prob.image(Z[idx], batch.rows[idx])
    return Z, A_Z


def _momentum(batch, Z, A_Z, restart):
    """FISTA: ``y = z + β (z − h)``, ``β = (t_k − 1)/t_{k+1}``; reset where it points back.

    The restart test is the gradient scheme of O'Donoghue & Candès (2015): momentum is
    dropped for a row when ``(y − z)·(z − h) > 0``.
    """
    step = Z - batch.H                                             # (m, k)
    t_next = 0.5 * (1.0 + torch.sqrt(1.0 + 4.0 * batch.t * batch.t))
    beta = (batch.t - 1.0) / t_next                                # (m, 1)
    if restart:
        back = (torch.linalg.vecdot(batch.Y, step)                 # (y − z)·(z − h) > 0
                > torch.linalg.vecdot(Z, step)).unsqueeze(1)       # (m, 1)
        t_next = torch.where(back, 1.0, t_next)
        beta = torch.where(back, 0.0, beta)
    batch.t = t_next
    batch.Y = torch.addcmul(Z, step, beta)                         # (m, k)
    batch.A_Y = torch.addcmul(A_Z, A_Z - batch.A_H, beta)


def _converged(prob, batch, Z_prev, tol, floor, hand_on, patience=10):
    """Which rows are done: relative duality gap ≤ tol (λ > 0), or codes stopped moving.

    In float32 a row also stops when its gap has not fallen below 0.9 of its best value for
    ``patience`` checks (rounding, not the iteration, then limits it): always when a float64
    phase follows (``hand_on``), else only once the gap is within 10 roundings.
    """
    if prob.lam == 0:
        moved = (batch.H - Z_prev).abs().amax(1)
        return moved <= max(tol, floor) * batch.H.abs().amax(1)
    R = -batch.A_H if not prob.gram else prob.residual(batch.H, batch.rows)
    primal, gap = _duality_gap(prob, batch.H, R, batch.rows)
    done = gap <= max(tol, floor) * primal
    if prob.X.dtype == torch.float32:                              # stalled in float32?
        better = gap < 0.9 * batch.best
        batch.best = torch.where(better, gap, batch.best)
        batch.stale = torch.where(better, 0, batch.stale + 1)
        # a float64 phase takes over any stalled row; without one, only rows that rounding
        # holds (gap within 10 roundings) may stop short of tol
        near_floor = True if hand_on else gap <= 10 * floor * primal
        done |= (batch.stale >= patience) & near_floor
    return done


def _run_phase(prob, H, *, momentum, restart, adaptive, n_iter, tol, step, callback, k0,
               hand_on, check_every):
    """Iterate one precision phase on all rows of ``H`` (n, k); return the codes and ``k``."""
    n = H.shape[0]
    out = H.clone()
    rows = torch.arange(n, device=H.device)
    A_H = prob.image(H, rows)
    if step is not None:                                           # fixed step 1/L0
        L0 = 1.0 / step
    else:                                                          # ‖D‖²/4, doubled if too long
        L0 = prob.L / 4 if adaptive else prob.L
    batch = _Batch(rows=rows, H=out.clone(), A_H=A_H, Y=None, A_Y=None,
                   t=torch.ones(n, 1, dtype=H.dtype, device=H.device),
                   L=torch.full((n, 1), L0, dtype=H.dtype, device=H.device),
                   best=torch.full((n,), torch.inf, dtype=H.dtype, device=H.device),
                   stale=torch.zeros(n, dtype=torch.long, device=H.device))
    batch.Y, batch.A_Y = (batch.H.clone(), A_H.clone()) if momentum else (batch.H, A_H)
    floor = 1e-6 if H.dtype == torch.float32 else 1e-14           # what rounding can certify
    if prob.lam > 0:                                               # already optimal (h = 0, H0)?
        _retire(out, batch, _converged(prob, batch, None, tol, floor, False))
    k = k0
    for k in range(k0 + 1, k0 + n_iter + 1):
        if batch.rows.numel() == 0:
            return out, k - 1
        grad = prob.gradient(batch.A_Y)                            # (m, k) ∇ at y
        Z, A_Z = _prox_step(prob, batch, grad)
        if adaptive and step is None:
            Z, A_Z = _fix_long_steps(prob, batch, grad, Z, A_Z)
        H_prev = batch.H
        if momentum:
            _momentum(batch, Z, A_Z, restart)
        batch.H, batch.A_H = Z, A_Z
        if not momentum:
            batch.Y, batch.A_Y = Z, A_Z
        if callback is not None:
            snapshot = out.clone()
            snapshot[batch.rows] = batch.H
            callback(k, snapshot)
        it = k - k0
        if it <= 2 or it % check_every == 0 or it == n_iter:
            done = _converged(prob, batch, H_prev, tol, floor, hand_on)
            if it == n_iter:
                done[:] = True
            _retire(out, batch, done)
    return out, k


def _retire(out, batch, done):
    """Write the finished rows' codes into ``out`` and drop them from the batch."""
    if bool(done.any()):
        out[batch.rows[done]] = batch.H[done]
        batch.keep(~done)


def _make_problem(X, D, M, lam, dtype, path):
    """The problem in working precision ``dtype``, with its gradient form chosen."""
    X, D = X.to(dtype), D.to(dtype)
    M = None if M is None else M.to(dtype)
    if M is not None:
        X = X * M
    n_features, n_atoms = D.shape
    auto = M is None and n_atoms <= 2 * n_features                 # the cheaper form
    gram = {"gram": True, "residual": False, "auto": auto}[path]
    if M is not None and gram:
        raise ValueError("a mask needs the residual form of the gradient (path='residual')")
    L = squared_spectral_norm(D)
    prob = _Problem(X=X, M=M, D=D, lam=float(lam), gram=gram, L=L)
    if gram:
        prob.G, prob.C = D.T @ D, X @ D                            # (k, k), (n, k)
    return prob


def solve_lasso(X, D, lam, *, H0=None, mask=None, momentum=True, restart=True,
                adaptive=True, n_iter=10_000, tol=1e-4, step=None, mixed_precision=True,
                callback=None, path="auto", check_every=10):
    r"""Batched (F)ISTA on torch tensors; the engine of ``sparse_encode`` and inpainting.

    Arguments are trusted (validated by the public callers); ``X``, ``D``, ``H0``, ``mask``
    are tensors on one device.

    Parameters
    ----------
    X : tensor (n_samples, n_features)
    D : tensor (n_features, n_atoms)
    lam : float >= 0
    H0 : tensor (n_samples, n_atoms), optional
        Warm start; zeros by default.
    mask : tensor (n_samples, n_features) of 0/1, optional
        Observed coordinates; forces the residual form.
    momentum, restart : bool
        FISTA (Beck & Teboulle 2009) and adaptive restart (O'Donoghue & Candès 2015);
        ``momentum=False`` is ISTA.
    adaptive : bool
        Per-sample step sizes (see the module docstring); ignored when ``step`` is given.
    n_iter : int >= 1
        Maximum iterations per precision phase.
    tol : float >= 0
        Relative duality gap at which a sample stops (for ``lam = 0``: relative move).
    step : float > 0, optional
        A fixed step size for every sample (``1/‖D‖₂²`` if neither this nor ``adaptive``).
    mixed_precision : bool
        For float64 input, a float32 phase first.
    callback : callable, optional
        ``callback(k, H)`` after every iteration with the full codes (a tensor copy).
    path : {"auto", "gram", "residual"}
        The form of the gradient.
    check_every : int
        Iterations between duality-gap checks (and at iterations 1, 2 and the last).

    Returns
    -------
    H : tensor (n_samples, n_atoms) in the common dtype of ``X`` and ``D``
    """
    dtype = torch.float64 if torch.float64 in (X.dtype, D.dtype) else torch.float32
    H = (torch.zeros(X.shape[0], D.shape[1], dtype=dtype, device=X.device) if H0 is None
         else H0.to(dtype, copy=True))                             # (n, k)
    phases = [torch.float32, dtype] if (mixed_precision and dtype == torch.float64) else [dtype]
    k = 0
    for i, work in enumerate(phases):                              # float32 first, then dtype
        prob = _make_problem(X, D, mask, lam, work, path)
        if prob.L == 0.0:                                          # D = 0: h = 0 is optimal
            return torch.zeros_like(H)
        Hw, k = _run_phase(prob, H.to(work), momentum=momentum, restart=restart,
                           adaptive=adaptive, n_iter=n_iter, tol=tol, step=step,
                           callback=callback, k0=k, hand_on=i + 1 < len(phases),
                           check_every=check_every)
        H = Hw.to(dtype)
    return H
