r"""Sparse coding: soft thresholding, the lasso objective, ISTA and FISTA.

Given a dictionary ``D`` of shape ``(n_features, n_atoms)`` with atoms as columns, the code
``h`` of a sample ``x`` solves the lasso problem (lecture 18, "Inference")

.. math::

    \min_h \; \tfrac12 \|x - D h\|_2^2 + \lambda \|h\|_1 .

ISTA (Daubechies, Defrise & De Mol 2004) alternates a gradient step on the squared error
with the proximal step of the l1 term, which is soft thresholding. FISTA (Beck & Teboulle
2009) adds Nesterov momentum; with adaptive restart (O'Donoghue & Candès 2015) it is the
default solver here.

Every function takes numpy arrays or torch tensors and returns the same kind.
:func:`textbook_ista` and :func:`textbook_fista` are the lecture's loops, written to be read;
:func:`ista` and :func:`fista` run the same iterations in the fast batched engine of
:mod:`reprcourse.lasso_engine` (per-sample steps and stopping, certified by the duality gap),
and take ``method="textbook"`` to run the loops instead. :func:`lasso_path` solves along a
grid of λ (chapter 2). The fastest exact solver on a CPU, LARS-lasso homotopy, is
:func:`reprcourse.homotopy.lasso_lars`; ``fista`` hands it the calls that only ask for codes.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from ._torch import as_tensor, common_dtype, give_back, like, to_numpy
from ._validation import (check_array, check_choice, check_dictionary, check_int,
                          check_matching_features, check_nonnegative, check_problem,
                          check_scalar, is_torch)
from .homotopy import lasso_lars
from .lasso_engine import solve_lasso

__all__ = ["soft_threshold", "sparse_objective", "lipschitz_constant", "mutual_coherence",
           "one_step_encode", "lasso_path", "textbook_ista", "textbook_fista", "ista", "fista"]


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
    t = as_tensor(x)
    return like(t - t.clamp(-tau, tau), x)


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
    X, D, H = check_problem(X, D, H=H)
    lam = check_nonnegative(lam, "lam")
    X, D, H = (as_tensor(a).double() for a in (X, D, H))
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
    return float(torch.linalg.matrix_norm(as_tensor(D).double(), ord=2) ** 2)


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
    D = as_tensor(check_dictionary(D, "D")).double()
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
    X, D, _ = check_problem(X, D, unit_norm=True)
    lam = check_nonnegative(lam, "lam")
    dtype = common_dtype(X, D)
    Xt, Dt = as_tensor(X, dtype=dtype), as_tensor(D, dtype=dtype)
    return give_back(_soft(Xt @ Dt, lam), X)


def _soft(t, tau):
    return t - t.clamp(-tau, tau)


def lasso_path(X, D, lams, *, n_keep=0):
    r"""Lasso codes of ``X`` along a grid of λ, summarised (chapter 2's sparsity widget).

    For each λ, largest first and each solve warm-started from the previous codes,
    ``H_λ = argmin_H mean_i ½‖x_i − D h_i‖² + λ‖h_i‖₁`` is computed with :func:`fista`.

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
    D : array of shape (n_features, n_atoms), unit-norm columns
    lams : sequence of float > 0
        The λ grid, strictly increasing.
    n_keep : int >= 0
        Also keep the reconstructions of the first ``n_keep`` samples.

    Returns
    -------
    dict of numpy float64 arrays over the grid of ``m`` values
        ``"lam"`` (m,); ``"nnz"`` (m,) mean number of non-zero coefficients per sample;
        ``"error"`` (m,) relative squared error ``‖X − H Dᵀ‖²_F / ‖X‖²_F``;
        ``"objective"`` (m,) :func:`sparse_objective`; ``"recon"`` (m, n_keep, n_features)
        the reconstructions ``H Dᵀ`` of the first ``n_keep`` samples.

    Raises
    ------
    ValueError
        If shapes disagree, atoms are not unit-norm, values are not finite, ``lams`` is empty,
        not positive or not increasing, or ``n_keep`` is out of range.
    TypeError
        If a λ is not a real number.
    """
    X = to_numpy(check_array(X, "X"), np.float64)
    D = to_numpy(check_dictionary(D, "D", unit_norm=True), np.float64)
    check_matching_features(X, D)
    lams = np.array([check_scalar(v, "lams", low=0.0, low_open=True) for v in lams])
    if lams.size == 0:
        raise ValueError("lams is empty; give at least one λ")
    if np.any(np.diff(lams) <= 0):
        raise ValueError(f"lams must be strictly increasing, got {lams.tolist()}")
    n_keep = check_int(n_keep, "n_keep", low=0, high=X.shape[0])
    m = len(lams)
    out = {"lam": lams, "nnz": np.empty(m), "error": np.empty(m), "objective": np.empty(m),
           "recon": np.empty((m, n_keep, X.shape[1]))}
    H = None
    for i in range(m - 1, -1, -1):                                 # large λ first: warm starts
        H = fista(X, D, lams[i], H0=H)                             # (n, k)
        R = H @ D.T                                                # (n, d) reconstructions
        out["nnz"][i] = (H != 0).sum(1).mean()
        out["error"][i] = ((X - R) ** 2).sum() / (X ** 2).sum()
        out["objective"][i] = sparse_objective(X, D, H, lams[i])
        out["recon"][i] = R[:n_keep]
    return out


# ---------------------------------------------------------------------------------------
# The textbook solvers: the lecture's update, nothing else
# ---------------------------------------------------------------------------------------
def textbook_ista(X, D, lam, *, n_iter=1000, tol=1e-6, H0=None, callback=None):
    r"""ISTA exactly as in the lecture (Daubechies, Defrise & De Mol 2004), all rows at once.

    .. math::

        H \leftarrow \operatorname{thr}_{\lambda/L}\!\Big(H - \tfrac1L\,(H D^\top D - X D)\Big),
        \qquad L = \|D\|_2^2 .

    ``H DᵀD − X D`` is the gradient of ``½‖X − H Dᵀ‖²`` (one row per sample); the step
    ``1/L`` guarantees that the objective never increases. This loop is for reading; the
    default :func:`ista` runs the same iteration in the fast engine
    (:mod:`reprcourse.lasso_engine`).

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
    D : array of shape (n_features, n_atoms)
    lam : float >= 0
    n_iter : int >= 1
        Number of iterations (at most).
    tol : float >= 0
        Stop when no code entry moved by more than ``tol`` times the largest entry.
    H0 : array of shape (n_samples, n_atoms), optional
        Starting codes; zeros by default.
    callback : callable, optional
        ``callback(k, H)`` after iteration ``k``.

    Returns
    -------
    H : array of shape (n_samples, n_atoms), same kind as ``X``

    Raises
    ------
    ValueError
        As :func:`ista`.
    """
    given = X                                                      # numpy in → numpy out
    X, D, H, lam, n_iter, tol = _check_solver_args(X, D, H0, lam, n_iter, tol, callback)
    L = torch.linalg.matrix_norm(D, ord=2) ** 2                    # ‖D‖₂², a scalar
    G = D.T @ D                                                    # (k, k) Gram matrix
    XD = X @ D                                                     # (n, k) correlations
    for k in range(1, n_iter + 1):
        gradient = H @ G - XD                                      # (n, k)
        H_new = _soft(H - gradient / L, lam / L)                   # (n, k) the lecture's update
        moved = (H_new - H).abs().max()
        H = H_new
        if callback is not None:
            callback(k, give_back(H, given))
        if moved <= tol * H.abs().max():
            break
    return give_back(H, given)


def textbook_fista(X, D, lam, *, n_iter=1000, tol=1e-6, H0=None, callback=None):
    r"""FISTA as in Beck & Teboulle (2009): the ISTA step taken from an extrapolated point.

    .. math::

        H_k &= \operatorname{thr}_{\lambda/L}\!\Big(Y_k - \tfrac1L (Y_k D^\top D - X D)\Big) \\
        t_{k+1} &= \tfrac12\big(1 + \sqrt{1 + 4 t_k^2}\big), \qquad
        Y_{k+1} = H_k + \tfrac{t_k - 1}{t_{k+1}}\,(H_k - H_{k-1}),

    with ``Y_1 = H_0`` and ``t_1 = 1``. The objective gap falls as ``O(1/k²)`` instead of
    ISTA's ``O(1/k)``. Parameters, returns and errors as :func:`textbook_ista`.
    """
    given = X                                                      # numpy in → numpy out
    X, D, H, lam, n_iter, tol = _check_solver_args(X, D, H0, lam, n_iter, tol, callback)
    L = torch.linalg.matrix_norm(D, ord=2) ** 2                    # ‖D‖₂²
    G = D.T @ D                                                    # (k, k)
    XD = X @ D                                                     # (n, k)
    Y, t = H, 1.0                                                  # (n, k) extrapolated point
    for k in range(1, n_iter + 1):
        H_new = _soft(Y - (Y @ G - XD) / L, lam / L)               # (n, k) ISTA step from Y
        t_new = 0.5 * (1.0 + math.sqrt(1.0 + 4.0 * t * t))
        Y = H_new + ((t - 1.0) / t_new) * (H_new - H)              # (n, k) momentum
        moved = (H_new - H).abs().max()
        H, t = H_new, t_new
        if callback is not None:
            callback(k, give_back(H, given))
        if moved <= tol * H.abs().max():
            break
    return give_back(H, given)


def _check_solver_args(X, D, H0, lam, n_iter, tol, callback):
    """Validate a solver's arguments; return tensors ``X, D, H`` in the common dtype."""
    X, D, H0 = check_problem(X, D, H=H0)
    lam = check_nonnegative(lam, "lam")
    n_iter = check_int(n_iter, "n_iter", low=1)
    tol = check_nonnegative(tol, "tol")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable, got {type(callback).__name__}")
    dtype = common_dtype(X, D)
    Xt, Dt = as_tensor(X, dtype=dtype), as_tensor(D, dtype=dtype)
    H = (torch.zeros(X.shape[0], D.shape[1], dtype=dtype, device=Xt.device) if H0 is None
         else as_tensor(H0, dtype=dtype).clone())
    return Xt, Dt, H, lam, n_iter, tol


# ---------------------------------------------------------------------------------------
# The public solvers: the fast engine by default
# ---------------------------------------------------------------------------------------
def ista(X, D, lam, *, n_iter=20_000, tol=1e-6, H0=None, step=None, callback=None,
         method="engine"):
    r"""ISTA: proximal gradient descent on the lasso, for all samples at once.

    Each iteration is the lecture's update (see :func:`textbook_ista`)

    .. math::

        h \leftarrow \operatorname{thr}_{\alpha\lambda}\!\big(h - \alpha D^\top (D h - x)\big),

    which never increases :func:`sparse_objective` when ``α ≤ 1/‖D‖₂²`` (Daubechies et al.
    2004). The default ``method="engine"`` runs it in :func:`reprcourse.lasso_engine.solve_lasso`:
    each sample takes the longest step its curvature allows (still never increasing the
    objective) and stops when its duality gap certifies it. Computed in the input's precision.

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
    D : array of shape (n_features, n_atoms)
    lam : float >= 0
        Sparsity weight λ.
    n_iter : int >= 1
        Maximum number of iterations.
    tol : float >= 0
        A sample stops once its lasso duality gap is below ``tol`` times its objective, which
        certifies that its objective is within ``tol`` (relative) of the optimum. (With
        ``method="textbook"``: when the codes stop moving, see :func:`textbook_ista`.)
    H0 : array of shape (n_samples, n_atoms), optional
        Warm start; zeros by default.
    step : float > 0, optional
        A fixed step size α for every sample (engine only). Larger than ``1/L`` may diverge.
    callback : callable, optional
        Called as ``callback(k, H)`` after iteration ``k`` with the current codes (a copy).
    method : {"engine", "textbook"}
        The fast engine, or the textbook loop :func:`textbook_ista`.

    Returns
    -------
    H : array of shape (n_samples, n_atoms)
        Same kind as ``X``; float64 if ``X`` or ``D`` is float64, else float32.

    Raises
    ------
    ValueError
        If shapes disagree, values are not finite, ``lam < 0``, ``n_iter < 1``, ``step <= 0``
        or ``method`` is unknown.
    TypeError
        If an argument has the wrong type, or numpy arrays and tensors are mixed.
    """
    method = check_choice(method, "method", {"engine", "textbook"})
    if method == "textbook":
        return textbook_ista(X, D, lam, n_iter=n_iter, tol=tol, H0=H0, callback=callback)
    if step is not None:
        step = check_scalar(step, "step", low=0.0, low_open=True)
    return _engine(X, D, lam, H0=H0, n_iter=n_iter, tol=tol, callback=callback, step=step,
                   momentum=False, restart=False, mixed_precision=False)


def fista(X, D, lam, *, n_iter=None, tol=1e-4, H0=None, restart=True, mixed_precision=True,
          callback=None, method="auto", active_set=False):
    r"""FISTA (Beck & Teboulle 2009): ISTA with Nesterov momentum, restarted adaptively.

    .. math::

        h_{k} &= \operatorname{thr}_{\lambda/L}\!\big(y_k - \tfrac1L D^\top(D y_k - x)\big) \\
        t_{k+1} &= \tfrac12\big(1 + \sqrt{1 + 4 t_k^2}\big), \qquad
        y_{k+1} = h_{k} + \tfrac{t_k - 1}{t_{k+1}} (h_{k} - h_{k-1})

    The objective gap falls as ``O(1/k²)`` instead of ISTA's ``O(1/k)``. The engine
    (:mod:`reprcourse.lasso_engine`) gives each sample its own momentum, step size and
    stopping time; with ``restart`` a sample's momentum is reset whenever it points against
    the last step (O'Donoghue & Candès 2015), which makes convergence linear once the support
    is found. ``method="textbook"`` runs :func:`textbook_fista`.

    With the default ``method="auto"``, a call that only asks for the codes (no ``n_iter``,
    ``H0``, ``callback`` or ``active_set``, ``restart`` and ``mixed_precision`` left on, data
    on the CPU) gets the same certified solution from the faster LARS-lasso homotopy,
    :func:`reprcourse.homotopy.lasso_lars`; every other call runs FISTA in the engine.

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
    D : array of shape (n_features, n_atoms)
    lam : float >= 0
        Sparsity weight λ.
    n_iter : int >= 1, optional
        Maximum number of iterations (per precision phase); 10 000 if not given.
    tol : float >= 0
        A sample stops once its lasso duality gap is below ``tol`` times its objective,
        which certifies that its objective is within ``tol`` (relative) of the optimum.
    H0 : array of shape (n_samples, n_atoms), optional
        Warm start; zeros by default.
    restart : bool
        Adaptive momentum restart (recommended; engine only).
    mixed_precision : bool
        For float64 input, solve in float32 first and finish in float64 from there; the
        result is a float64 solution at ``tol``. Ignored for float32 input (engine only).
    callback : callable, optional
        Called as ``callback(k, H)`` after iteration ``k`` with the current codes (a copy).
    method : {"auto", "engine", "textbook"}
        Homotopy where it gives the same answer faster (see above), the FISTA engine, or the
        textbook loop :func:`textbook_fista`.
    active_set : bool
        Engine only, without ``callback``: every few iterations try to finish each sample
        exactly on the support of its iterate (a batched Cholesky solve of
        ``G_SS h_S = c_S − λ s_S``, :mod:`reprcourse.active_set`); a sample leaves once its
        duality gap certifies the result. Same optimum; off by default because it is not
        yet faster on a 2-core CPU (``benchmarks/sparse_coding.py``).

    Returns
    -------
    H : array of shape (n_samples, n_atoms)
        Same kind as ``X``; float64 if ``X`` or ``D`` is float64, else float32.

    Raises
    ------
    ValueError
        If shapes disagree, values are not finite, ``lam < 0``, ``n_iter < 1`` or ``method``
        is unknown.
    TypeError
        If an argument has the wrong type, or numpy arrays and tensors are mixed.
    """
    method = check_choice(method, "method", {"auto", "engine", "textbook"})
    only_codes = (n_iter is None and H0 is None and callback is None and restart is True
                  and mixed_precision is True and active_set is False)
    if method == "auto" and only_codes and not (is_torch(X) and X.device.type != "cpu"):
        return lasso_lars(X, D, lam, tol=tol)
    n_iter = 10_000 if n_iter is None else n_iter
    if method == "textbook":
        return textbook_fista(X, D, lam, n_iter=n_iter, tol=tol, H0=H0, callback=callback)
    return _engine(X, D, lam, H0=H0, n_iter=n_iter, tol=tol, callback=callback, step=None,
                   momentum=True, restart=bool(restart), mixed_precision=bool(mixed_precision),
                   active_set=bool(active_set) and callback is None)


def _engine(X, D, lam, *, H0, n_iter, tol, callback, **options):
    """Validate, call :func:`~reprcourse.lasso_engine.solve_lasso`, give back the input's kind."""
    Xt, Dt, H, lam, n_iter, tol = _check_solver_args(X, D, H0, lam, n_iter, tol, callback)
    inner = None if callback is None else (lambda k, Hk: callback(k, give_back(Hk.to(H.dtype),
                                                                                X)))
    H = solve_lasso(Xt, Dt, lam, H0=None if H0 is None else H, n_iter=n_iter, tol=tol,
                    callback=inner, **options)
    return give_back(H, X)

