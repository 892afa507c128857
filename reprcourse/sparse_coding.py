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
:func:`ista` and :func:`fista` are the lecture's loops, exactly (fixed step ``1/L``), and
stop when the :func:`duality_gap` certifies the codes. "Give me the codes" is
:func:`sparse_encode`, which names its algorithm (``"lasso_lars"``, the fastest exact solver
on a CPU, by default) and runs it from the engine room :mod:`reprcourse.solvers`.
:func:`lasso_path` solves along a grid of λ (chapter 2).
"""

from __future__ import annotations

import numpy as np
import torch

from ._torch import as_tensor, common_dtype, give_back, like, to_numpy
from ._validation import (check_array, check_choice, check_dictionary, check_int,
                          check_matching_features, check_nonnegative, check_problem,
                          check_scalar)
from .solvers import (gap_from_residual, lasso_lars, soft_threshold_, solve_lasso,
                      squared_spectral_norm)

__all__ = ["soft_threshold", "sparse_objective", "duality_gap", "lipschitz_constant",
           "mutual_coherence", "one_step_encode", "lasso_path", "ista", "fista",
           "sparse_encode"]


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
    return like(soft_threshold_(as_tensor(x).clone(), tau), x)


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
    return float(_objective_rows(X, D, H, lam).mean())


def _objective_rows(X, D, H, lam):
    """Per-row ``½‖x − D h‖² + λ‖h‖₁`` of tensors, (n,)."""
    R = X - H @ D.T                                                # (n, d) residuals
    return 0.5 * (R * R).sum(1) + lam * H.abs().sum(1)             # (n,)


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
    return squared_spectral_norm(as_tensor(D))


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
    return give_back(soft_threshold_(Xt @ Dt, lam), X)


def lasso_path(X, D, lams, *, n_keep=0):
    r"""Lasso codes of ``X`` along a grid of λ, summarised (chapter 2's sparsity widget).

    For each λ, largest first and each solve warm-started from the previous codes,
    ``H_λ = argmin_H mean_i ½‖x_i − D h_i‖² + λ‖h_i‖₁`` is computed with
    :func:`sparse_encode` (``algorithm="fista"``, which takes the warm start).

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
        H = sparse_encode(X, D, lams[i], algorithm="fista", H0=H)  # (n, k)
        R = H @ D.T                                                # (n, d) reconstructions
        out["nnz"][i] = (H != 0).sum(1).mean()
        out["error"][i] = ((X - R) ** 2).sum() / (X ** 2).sum()
        out["objective"][i] = sparse_objective(X, D, H, lams[i])
        out["recon"][i] = R[:n_keep]
    return out


def duality_gap(X, D, H, lam):
    r"""The lasso duality gap of every row of ``H``: a certificate of its distance to the optimum.

    For a code ``h`` with residual ``r = x − D h``, the scaled residual
    ``θ = s r`` with ``s = min(1, λ / ‖Dᵀ r‖∞)`` is feasible for the dual problem
    ``max_θ ½‖x‖² − ½‖x − θ‖²`` s.t. ``‖Dᵀθ‖∞ ≤ λ``, so

    .. math::

        \operatorname{gap}(h) = \underbrace{\tfrac12\|r\|_2^2 + \lambda\|h\|_1}_{P(h)}
        - \big(\tfrac12\|x\|_2^2 - \tfrac12\|x - \theta\|_2^2\big) \;\ge\; P(h) - P(h^\star)
        \;\ge\; 0 ,

    and it is 0 exactly at the optimum (Fercoq, Gramfort & Salmon 2015 for this dual point).
    A solver whose rows satisfy ``gap <= tol * P(h)`` has certified them to relative accuracy
    ``tol``: this is what ``tol`` means for every lasso solver of the course.

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
    D : array of shape (n_features, n_atoms)
    H : array of shape (n_samples, n_atoms)
    lam : float >= 0

    Returns
    -------
    gap : numpy array of shape (n_samples,), float64, >= 0 up to rounding

    Raises
    ------
    ValueError
        If shapes disagree, values are not finite, or ``lam < 0``.
    """
    X, D, H = check_problem(X, D, H=H)
    lam = check_nonnegative(lam, "lam")
    X, D, H = (as_tensor(a).double() for a in (X, D, H))
    _, gap = gap_from_residual(X, D, H, X - H @ D.T, lam)          # (n,)
    return to_numpy(gap.clamp_min(0.0), np.float64)


def ista(X, D, lam, *, n_iter=1000, tol=1e-4, H0=None, step=None, callback=None):
    r"""ISTA (Daubechies, Defrise & De Mol 2004): the lecture's loop, all rows at once.

    .. math::

        H \leftarrow \operatorname{thr}_{\alpha\lambda}\!\Big(H - \alpha\,(H D^{\mathsf T} D
        - X D)\Big), \qquad \alpha = 1/L, \quad L = \|D\|_2^2 .

    ``H DᵀD − X D`` is the gradient of ``½‖X − H Dᵀ‖²`` (one row per sample) and
    :func:`soft_threshold` is the proximal step of the ℓ1 term. With ``α ≤ 1/L`` the objective
    never increases. Every iteration is exactly this update with one fixed step for all
    rows; for codes fast, use :func:`sparse_encode`.

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
    D : array of shape (n_features, n_atoms)
    lam : float >= 0
        Sparsity weight λ.
    n_iter : int >= 1
        Maximum number of iterations.
    tol : float >= 0
        Stop once every row's :func:`duality_gap` is at most ``tol`` times its objective
        (checked every 10 iterations); ``tol=0`` runs all ``n_iter`` iterations.
    H0 : array of shape (n_samples, n_atoms), optional
        Starting codes; zeros by default.
    step : float > 0, optional
        The step α; ``1/L`` by default. A step above ``2/L`` may diverge.
    callback : callable, optional
        ``callback(k, H)`` after iteration ``k`` with the current codes.

    Returns
    -------
    H : array of shape (n_samples, n_atoms)
        Same kind as ``X``; float64 if ``X`` or ``D`` is float64, else float32.

    Raises
    ------
    ValueError
        If shapes disagree, values are not finite, ``lam < 0``, ``n_iter < 1`` or
        ``step <= 0``.
    TypeError
        If an argument has the wrong type, or numpy arrays and tensors are mixed.
    """
    given = X                                                      # numpy in → numpy out
    X, D, H, lam, n_iter, tol, step = _check_loop_args(X, D, H0, lam, n_iter, tol, step,
                                                       callback)
    alpha = _one_over_L(D) if step is None else step               # the step α
    G = D.T @ D                                                    # (k, k) Gram matrix
    XD = X @ D                                                     # (n, k) correlations
    for k in range(1, n_iter + 1):
        gradient = H @ G - XD                                      # (n, k)
        H = soft_threshold_(H - alpha * gradient, alpha * lam)     # (n, k) the lecture's update
        if callback is not None:
            callback(k, give_back(H.clone(), given))
        if _certified(X, D, H, lam, tol, k):
            break
    return give_back(H, given)


def fista(X, D, lam, *, n_iter=1000, tol=1e-4, H0=None, restart=False, callback=None):
    r"""FISTA (Beck & Teboulle 2009): the ISTA step taken from an extrapolated point.

    .. math::

        H_k &= \operatorname{thr}_{\lambda/L}\!\Big(Y_k - \tfrac1L (Y_k D^{\mathsf T} D
        - X D)\Big) \\
        t_{k+1} &= \tfrac12\big(1 + \sqrt{1 + 4 t_k^2}\big), \qquad
        Y_{k+1} = H_k + \tfrac{t_k - 1}{t_{k+1}}\,(H_k - H_{k-1}),

    with ``Y_1 = H_0`` and ``t_1 = 1``. The objective gap falls as ``O(1/k²)`` instead of
    ISTA's ``O(1/k)``. With ``restart=True`` a row's momentum is reset (``t = 1``) whenever
    its objective goes up (O'Donoghue & Candès 2015); rows are independent problems, each
    with its own ``t``. Every iteration is exactly this update with the step ``1/L``; for
    codes fast, use :func:`sparse_encode`.

    Parameters
    ----------
    X, D, lam, n_iter, tol, H0, callback
        As :func:`ista` (``callback(k, H)`` receives the iterates ``H_k``).
    restart : bool
        Function-value restart of each row's momentum (O'Donoghue & Candès 2015).

    Returns
    -------
    H : array of shape (n_samples, n_atoms), as :func:`ista`

    Raises
    ------
    ValueError, TypeError
        As :func:`ista`; TypeError if ``restart`` is not True or False.
    """
    given = X                                                      # numpy in → numpy out
    X, D, H, lam, n_iter, tol, _ = _check_loop_args(X, D, H0, lam, n_iter, tol, None,
                                                    callback)
    alpha = _one_over_L(D)                                         # the step 1/L
    if not isinstance(restart, bool):
        raise TypeError(f"restart must be True or False, got {restart!r}")
    G = D.T @ D                                                    # (k, k)
    XD = X @ D                                                     # (n, k)
    Y = H                                                          # (n, k) extrapolated point
    t = torch.ones(X.shape[0], 1, dtype=H.dtype, device=H.device)  # (n, 1) one t per row
    F = _objective_rows(X, D, H, lam) if restart else None         # (n,) for the restart test
    for k in range(1, n_iter + 1):
        H_new = soft_threshold_(Y - alpha * (Y @ G - XD), alpha * lam)  # (n, k) step from Y
        t_new = 0.5 * (1.0 + torch.sqrt(1.0 + 4.0 * t * t))        # (n, 1)
        Y = H_new + ((t - 1.0) / t_new) * (H_new - H)              # (n, k) momentum
        if restart:
            F_new = _objective_rows(X, D, H_new, lam)              # (n,)
            up = F_new > F                                         # these rows drop momentum
            t_new[up], Y[up] = 1.0, H_new[up]
            F = F_new
        H, t = H_new, t_new
        if callback is not None:
            callback(k, give_back(H.clone(), given))
        if _certified(X, D, H, lam, tol, k):
            break
    return give_back(H, given)


def _certified(X, D, H, lam, tol, k, every=10):
    """Whether every row's relative duality gap is at most ``tol`` (checked every 10 steps)."""
    if tol <= 0 or k % every:
        return False
    primal, gap = gap_from_residual(X, D, H, X - H @ D.T, lam)     # (n,), (n,)
    return bool((gap <= tol * primal).all())


def _check_loop_args(X, D, H0, lam, n_iter, tol, step, callback):
    """Validate ista/fista's arguments; tensors ``X, D, H`` in the common dtype, and the step
    (``None`` if not given)."""
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
    if step is not None:
        step = check_scalar(step, "step", low=0.0, low_open=True)
    return Xt, Dt, H, lam, n_iter, tol, step


def _one_over_L(D):
    """The step ``1/L``, ``L = ‖D‖₂²`` (1 for ``D = 0``, where every step is safe)."""
    L = squared_spectral_norm(D)
    return 1.0 / L if L > 0 else 1.0


ALGORITHMS = ("lasso_lars", "fista", "ista")


def sparse_encode(X, D, lam, *, algorithm="lasso_lars", tol=1e-4, H0=None, n_iter=None):
    r"""The lasso codes of every row of ``X``, certified to relative accuracy ``tol``.

    .. math::

        H = \arg\min_H \frac1n \sum_i \tfrac12 \|x_i - D h_i\|_2^2 + \lambda \|h_i\|_1

    (the objective of :func:`sparse_objective`; scikit-learn's
    ``sparse_encode(X, D.T, alpha=lam)`` solves the same per-sample problem). The algorithm
    is named, as in scikit-learn; all of them stop only when every row's :func:`duality_gap`
    is at most ``tol`` times its objective, so they agree at the optimum:

    * ``"lasso_lars"`` (default, the fastest on a CPU): the LARS-lasso homotopy, one sample's
      path per thread in compiled code (:func:`reprcourse.solvers.lasso_lars`; Efron et al.
      2004, the algorithm of SPAMS's ``lasso``).
    * ``"fista"``: FISTA in the batched engine (:func:`reprcourse.solvers.solve_lasso`): each
      row gets its own step size (backtracking from ``L/4``), momentum restart and stopping
      time; float64 input is solved in float32 first. The only one that runs on a GPU, and the
      one to use with a warm start ``H0``.
    * ``"ista"``: ISTA in the same engine, with the fixed step ``1/L`` and no momentum (slow;
      for comparison).

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
    D : array of shape (n_features, n_atoms)
    lam : float >= 0
        Sparsity weight λ.
    algorithm : {"lasso_lars", "fista", "ista"}
    tol : float >= 0
        Relative duality gap every row reaches.
    H0 : array of shape (n_samples, n_atoms), optional
        Warm start for ``"fista"`` and ``"ista"`` (the homotopy always starts from 0 at
        λ = ‖Dᵀx‖∞ and does not take one).
    n_iter : int >= 1, optional
        Iteration budget of ``"fista"``/``"ista"`` (per precision phase); 10 000 by default.
        A row that runs out of iterations is returned uncertified.

    Returns
    -------
    H : array of shape (n_samples, n_atoms)
        Same kind as ``X`` (tensors on the same device); float64 if ``X`` or ``D`` is
        float64, else float32.

    Raises
    ------
    ValueError
        If shapes disagree, values are not finite, ``lam < 0``, ``n_iter < 1``, the
        algorithm is unknown, or ``H0``/``n_iter`` are given to ``"lasso_lars"``.
    TypeError
        If an argument has the wrong type, or numpy arrays and tensors are mixed.
    """
    algorithm = check_choice(algorithm, "algorithm", set(ALGORITHMS))
    if algorithm == "lasso_lars":
        if H0 is not None or n_iter is not None:
            raise ValueError("algorithm='lasso_lars' follows the path from h = 0 and takes "
                             "neither H0 nor n_iter; use algorithm='fista' for a warm start")
        return lasso_lars(X, D, lam, tol=tol)
    n_iter = 10_000 if n_iter is None else n_iter
    Xt, Dt, H, lam, n_iter, tol, _ = _check_loop_args(X, D, H0, lam, n_iter, tol, None, None)
    if algorithm == "fista":                                       # per-row steps, restarts
        options = dict(momentum=True, restart=True, mixed_precision=True, step=None)
    else:
        options = dict(momentum=False, restart=False, mixed_precision=False,
                       step=_one_over_L(Dt))
    H = solve_lasso(Xt, Dt, lam, H0=None if H0 is None else H, n_iter=n_iter, tol=tol,
                    **options)
    return give_back(H, X)
