r"""Dictionary learning (lecture 18, "Dictionary learning").

Given data ``X`` (n_samples, n_features), find unit-norm atoms ``D`` (n_features, n_atoms)
and sparse codes ``H`` (n_samples, n_atoms) that minimise the sparse-coding objective

.. math::

    F(D, H) = \frac1n \sum_{i=1}^n \tfrac12 \|x_i - D h_i\|_2^2 + \lambda \|h_i\|_1 ,
    \qquad \|d_j\|_2 = 1 .

As in EM, alternate two easy problems: with ``D`` fixed, the codes are lasso solutions
(FISTA in the engine of :func:`~reprcourse.sparse_coding.sparse_encode` with
``algorithm="fista"``, warm-started from each sample's previous code);
with ``H`` fixed, ``F`` is a quadratic in ``D`` that depends on the data only through the
*sufficient statistics* ``A = Σ h hᵀ`` (k, k) and ``B = Σ x hᵀ`` (d, k). The dictionary step
is the lecture's gradient step followed by renormalisation, or a block-coordinate sweep over
the atoms (Mairal, Bach, Ponce & Sapiro 2010), ``d_j ∝ b_j − D a_j + A_jj d_j``, the exact
minimiser over one atom on the unit sphere.

The data are visited in mini-batches and ``D`` is updated after each one. Two ways to keep
``A`` and ``B``:

* **online** (``rho`` a number, the default; Mairal, Bach, Ponce & Sapiro 2009, 2010):
  after mini-batch ``t``,
  ``A ← β_t A + H_bᵀH_b`` and ``B ← β_t B + X_bᵀH_b`` with ``β_t = (1 − 1/t)^ρ``. Codes
  computed with an early, poor dictionary are forgotten, so ``D`` improves fast.
* **exact** (``rho=None``): ``A`` and ``B`` are sums over *all* samples with their latest
  codes (a batch's old codes are swapped for the new ones). With ``update="bcd"`` no step
  then increases ``F``: textbook alternating minimisation, slower.
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data
from tqdm.auto import tqdm

from ._torch import as_tensor, like, to_numpy
from ._validation import (check_array, check_choice, check_dictionary, check_generator,
                          check_int, check_matching_features, check_nonnegative, is_torch)
from .solvers.engine import solve_lasso
from .sparse_coding import ALGORITHMS, sparse_encode

__all__ = ["learn_dictionary", "DictionaryLearner", "to_sklearn", "from_sklearn"]


def learn_dictionary(X, n_atoms, lam, *, n_iter=3, batch_size=512, seed=None, D0=None,
                     update="bcd", rho=20.0, code_iter=30, tol=1e-2, n_threads=None,
                     progress=False, callback=None):
    r"""Learn a dictionary by alternating sparse coding and dictionary steps.

    Minimises ``F(D, H) = mean_i ½‖x_i − D h_i‖² + λ‖h_i‖₁`` over unit-norm atoms ``D`` and
    codes ``H``. Each pass over the data (an *epoch*) visits shuffled mini-batches; for each
    batch it (1) recomputes the batch's codes with FISTA (the engine of
    :func:`~reprcourse.sparse_coding.sparse_encode` with ``algorithm="fista"``),
    warm-started from their previous value, keeping a new code only if it lowers that
    sample's objective; (2) updates the statistics ``A``, ``B`` (online with forgetting
    ``rho``, or exact; see the module docstring); (3) takes one dictionary step:

    * ``update="bcd"``: for each atom ``j``, ``d_j ← c_j / ‖c_j‖`` with
      ``c_j = b_j − D a_j + A_jj d_j`` (Mairal et al. 2010);
    * ``update="gradient"``: the lecture's step ``D ← D + α (B − D A)``, ``α = 1/‖A‖₂``, then
      ``d_j ← d_j / ‖d_j‖``.

    Atoms that no recent code uses are replaced by random samples of the batch (Mairal et al.
    2010, §3.4). The work is done on the data's device in the data's precision: float64
    data are learned in float64 throughout (no float32 phase, so a result does not depend on
    the machine's float32 rounding, which the non-convex loop would amplify), float32 data
    in float32 (faster; pass float32 when speed matters more than reproducibility across
    CPUs).

    Parameters
    ----------
    X : array or tensor of shape (n_samples, n_features)
    n_atoms : int >= 1
        Number of atoms (columns of ``D``); may exceed ``n_features`` (overcomplete).
    lam : float >= 0
        Sparsity weight λ.
    n_iter : int >= 1
        Number of passes over the data.
    batch_size : int >= 1
        Samples per dictionary step (capped at ``n_samples``).
    seed : int, Generator or None
        Drives the initialisation (random unit-normalised data samples), the shuffling and
        the replacement of unused atoms.
    D0 : array of shape (n_features, n_atoms), optional
        Initial dictionary instead of random samples; its columns are normalised.
    update : {"bcd", "gradient"}
        Dictionary step, see above.
    rho : float >= 0 or None
        Forgetting exponent ρ of the online statistics, ``β_t = (1 − 1/t)^ρ`` (``rho=1``
        weighs all batches equally, larger values forget faster); ``None`` keeps exact sums
        over all samples, with which ``F`` never increases (``update="bcd"``).
    code_iter : int >= 1
        At most this many FISTA iterations per batch and visit.
    tol : float >= 0
        FISTA stops a sample once its relative duality gap is below ``tol``. Warm starts make
        later visits cheap, so loose codes (1 %) suffice.
    n_threads : int >= 1 or None
        torch CPU threads while learning (restored afterwards); None keeps torch's setting.
    progress : bool
        Show a tqdm progress bar over the passes.
    callback : callable, optional
        Called as ``callback(epoch, D, objective)`` after every pass, with the current
        dictionary (same kind and dtype as ``X``) and ``F(D, H)`` for the stored codes.

    Returns
    -------
    D : array of shape (n_features, n_atoms), unit-norm columns
    H : array of shape (n_samples, n_atoms)
        The codes of ``X`` for the final ``D`` (one more warm-started FISTA call).
        Both of the same kind and dtype as ``X`` (float64 unless float32 was given).

    Raises
    ------
    ValueError
        If ``X`` is not a finite 2-D array, a number is out of range, ``D0`` has the wrong
        shape, zero or non-finite columns, or ``update`` is unknown.
    TypeError
        If an argument has the wrong type.
    """
    X = check_array(X, "X")
    n_atoms = check_int(n_atoms, "n_atoms", low=1)
    lam = check_nonnegative(lam, "lam")
    n_iter = check_int(n_iter, "n_iter", low=1)
    batch_size = min(check_int(batch_size, "batch_size", low=1), X.shape[0])
    update = check_choice(update, "update", {"bcd", "gradient"})
    rho = None if rho is None else check_nonnegative(rho, "rho")
    code_iter = check_int(code_iter, "code_iter", low=1)
    tol = check_nonnegative(tol, "tol")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable, got {type(callback).__name__}")
    rng = check_generator(seed)
    Xt = as_tensor(X)                                 # (n, d) working copy, X's precision
    if Xt.dtype not in (torch.float32, torch.float64):
        Xt = Xt.to(torch.float32)                                  # half precision in
    D = _initial_atoms(Xt, n_atoms, D0, rng)
    def report(epoch, D, objective):                  # hand the user a copy of X's kind
        callback(epoch, like(D.clone(), X), objective)
    threads = torch.get_num_threads()
    if n_threads is not None:
        torch.set_num_threads(check_int(n_threads, "n_threads", low=1))
    try:
        D, H = _alternate(Xt, D, lam, n_iter, batch_size, rng, update, rho, code_iter, tol,
                          progress, None if callback is None else report)
    finally:
        torch.set_num_threads(threads)
    return like(D, X), like(H, X)


def _alternate(X, D, lam, n_iter, batch_size, rng, update, rho, code_iter, tol, progress,
               callback):
    """The loop of :func:`learn_dictionary` on validated float32 or float64 tensors."""
    (n, d), k = X.shape, D.shape[1]
    H = X.new_zeros(n, k)                                          # (n, k) stored codes
    A, B = X.new_zeros(k, k), X.new_zeros(d, k)                    # statistics
    used = X.new_zeros(k)                                          # (k,) recent non-zeros
    step = _bcd_step if update == "bcd" else _gradient_step
    t = 0                                                          # mini-batches seen
    for epoch in tqdm(range(1, n_iter + 1), desc="dictionary learning", disable=not progress,
                      leave=False):
        if rho is None:                                            # exact sums, recomputed
            A, B, used = H.T @ H, X.T @ H, (H != 0).sum(0).to(X)
        for idx in torch.from_numpy(rng.permutation(n)).to(X.device).split(batch_size):
            Xb, Hb = X[idx], H[idx]                                # (b, d), (b, k)
            Hn = _improve(Xb, D, Hb, lam, code_iter, tol)
            if rho is None:                                        # swap old codes for new
                A += Hn.T @ Hn - Hb.T @ Hb
                B += Xb.T @ (Hn - Hb)
                used += (Hn != 0).sum(0) - (Hb != 0).sum(0)
            else:                                                  # forget, then add
                t += 1
                beta = (1.0 - 1.0 / t) ** rho
                A.mul_(beta).add_(Hn.T @ Hn)
                B.mul_(beta).add_(Xb.T @ Hn)
                used.mul_(beta).add_((Hn != 0).sum(0))
            H[idx] = Hn
            D = step(D, A, B)
            _replace_unused(D, A, B, used, Xb, rng)
        if callback is not None:
            callback(epoch, D, float(_per_sample(X, D, H, lam).double().mean()))
    return D, _improve(X, D, H, lam, code_iter, tol)


def _improve(X, D, H, lam, code_iter, tol):
    """Warm-started FISTA codes, kept per sample only where they lower the objective.

    The engine of ``sparse_encode(X, D, lam, algorithm="fista", H0=H)`` (per-sample steps,
    restart), called directly on the validated tensors and in their precision only: for
    float64 it skips ``sparse_encode``'s float32 first phase, whose rounding would make the
    learned dictionary depend on the CPU's float32 arithmetic.
    """
    Hn = solve_lasso(X, D, lam, H0=H, n_iter=code_iter, tol=tol, momentum=True,
                     restart=True, mixed_precision=False)
    better = _per_sample(X, D, Hn, lam) < _per_sample(X, D, H, lam)
    return torch.where(better[:, None], Hn, H)


def _per_sample(X, D, H, lam):
    """Per-sample objective ``½‖x − D h‖² + λ‖h‖₁``, shape (n,)."""
    R = X - H @ D.T                                                # (n, d)
    return 0.5 * (R * R).sum(1) + lam * H.abs().sum(1)


def _initial_atoms(X, n_atoms, D0, rng):
    """``D0`` normalised, or random distinct non-zero samples of ``X``, as columns (d, k)."""
    if D0 is not None:
        D0 = check_dictionary(D0, "D0")
        check_matching_features(X, D0, d_name="D0")
        if D0.shape[1] != n_atoms:
            raise ValueError(f"D0 has {D0.shape[1]} atoms (columns) but n_atoms={n_atoms}")
        D = as_tensor(D0).to(X)
        return D / D.norm(dim=0)
    return _random_atoms(X, n_atoms, rng)


def _random_atoms(X, n_atoms, rng):
    """``n_atoms`` distinct non-zero samples of ``X`` as unit-norm columns, (d, k)."""
    norms = X.norm(dim=1)
    candidates = np.flatnonzero(to_numpy(norms > 1e-6 * norms.max()))
    if len(candidates) == 0:
        raise ValueError("X has no non-zero sample to initialise atoms from")
    pick = rng.choice(candidates, n_atoms, replace=n_atoms > len(candidates))
    D = X[torch.from_numpy(pick).to(X.device)].T.clone()          # (d, k)
    if n_atoms > len(candidates):                                  # break ties between copies
        noise = torch.from_numpy(rng.standard_normal(tuple(D.shape))).to(D)
        D += 1e-2 * noise * D.norm(dim=0)
    return D / D.norm(dim=0)


def _bcd_step(D, A, B):
    """One sweep of block-coordinate descent on the atoms (exact on the unit sphere).

    Done in numpy on the CPU, atoms as rows: the sweep is sequential (each atom sees the
    ones already updated), and numpy's per-call overhead is the smaller for short vectors.
    """
    Dr = to_numpy(D.T).copy()                                      # (k, d) atoms as rows
    An, Br = to_numpy(A), to_numpy(B.T)                            # (k, k), (k, d)
    diag = np.diag(An)
    for j in np.flatnonzero(diag > 0):
        c = Br[j] - An[j] @ Dr + diag[j] * Dr[j]                  # (d,)
        norm = np.sqrt(c @ c)
        if norm > 0:
            Dr[j] = c / norm
    return as_tensor(Dr.T, device=D.device)


def _gradient_step(D, A, B):
    """The lecture's step ``D + α(B − DA)`` with ``α = 1/‖A‖₂``, then unit-norm atoms."""
    L = float(torch.linalg.matrix_norm(A, ord=2))
    if L == 0.0:
        return D
    G = D + (B - D @ A) / L                                        # (d, k)
    norms = G.norm(dim=0)
    return torch.where(norms > 0, G / norms.clamp_min(1e-30), D)


def _replace_unused(D, A, B, used, Xb, rng):
    """Replace atoms without recent use by random samples of the batch, in place.

    Their statistics are reset, so the replacement does not change the modelled ``F``."""
    unused = torch.nonzero(used < 1e-3)[:, 0]
    if len(unused):
        D[:, unused] = _random_atoms(Xb, len(unused), rng)
        A[unused, :], A[:, unused], B[:, unused], used[unused] = 0.0, 0.0, 0.0, 0.0


# ---------------------------------------------------------------------------------------
# scikit-learn interoperability
# ---------------------------------------------------------------------------------------
def to_sklearn(D):
    """Atoms as columns ``(n_features, n_atoms)`` -> scikit-learn's rows ``(n_atoms, n_features)``.

    scikit-learn's ``components_`` (and ``dict_init``) hold one atom per row; ``X ≈ H @ D.T``
    here reads ``X ≈ code @ components_`` there. Numpy in, numpy out; torch in, torch out.

    Raises
    ------
    ValueError
        If ``D`` is not a finite 2-D array with non-zero columns.
    """
    D = check_dictionary(D, "D")
    return D.T.clone() if is_torch(D) else D.T.copy()


def from_sklearn(components):
    """scikit-learn's ``components_`` ``(n_atoms, n_features)`` -> ``D`` ``(n_features, n_atoms)``.

    The inverse of :func:`to_sklearn`; atoms are not renormalised.

    Raises
    ------
    ValueError
        If ``components`` is not a finite 2-D array with non-zero rows.
    """
    C = check_array(components, "components", shape_hint="(n_atoms, n_features)")
    return check_dictionary(C.T.clone() if is_torch(C) else C.T.copy(), "components.T")


class DictionaryLearner(TransformerMixin, BaseEstimator):
    """scikit-learn estimator around :func:`learn_dictionary`.

    ``fit`` learns the atoms; ``transform`` returns accurate lasso codes
    (:func:`~reprcourse.sparse_coding.sparse_encode` to ``transform_tol``) for the atoms, so
    ``fit_transform(X)`` equals ``fit(X).transform(X)``. Numpy in, numpy out; a torch tensor
    in gives a tensor out on its device (the fitted attributes are numpy either way, so a
    model fitted on tensors transforms arrays and back).

    Parameters
    ----------
    n_components : int >= 1 or None
        Number of atoms; ``None`` means ``n_features``.
    alpha : float >= 0
        Sparsity weight λ while learning.
    max_iter : int >= 1
        Passes over the data (``n_iter`` of :func:`learn_dictionary`).
    batch_size, update, rho, code_iter, n_threads
        As in :func:`learn_dictionary`.
    code_tol : float >= 0
        ``tol`` of :func:`learn_dictionary` (accuracy of the codes while learning).
    transform_alpha : float >= 0 or None
        λ used by ``transform``; ``None`` means ``alpha``.
    transform_algorithm : {"lasso_lars", "fista", "ista"}
        ``algorithm`` of :func:`~reprcourse.sparse_coding.sparse_encode` in ``transform``.
    transform_max_iter : int >= 1
        ``n_iter`` of ``"fista"``/``"ista"`` in ``transform`` (the homotopy needs none).
    transform_tol : float >= 0
        ``tol`` of ``transform``: the relative duality gap every code reaches.
    random_state : int, numpy Generator, RandomState or None
        Seed of :func:`learn_dictionary`; a fixed value gives the same atoms every time.
    verbose : bool
        Show a progress bar while fitting.

    Attributes
    ----------
    components_ : ndarray of shape (n_components, n_features)
        The atoms as unit-norm rows (scikit-learn's layout: ``X ≈ codes @ components_``).
    dictionary_ : ndarray of shape (n_features, n_components)
        The same atoms as columns (this course's layout: ``X ≈ H @ D.T``).
    history_ : list of float
        Training objective ``F(D, H)`` after each pass.
    n_iter_ : int
        Passes over the data made.
    n_features_in_ : int
        Number of features seen by ``fit``.

    Raises
    ------
    ValueError, TypeError
        From ``fit``/``transform``: on sparse, complex, non-finite, empty or 1-D input, a
        feature count other than the one seen in ``fit``, or out-of-range parameters.
    """

    def __init__(self, n_components=None, *, alpha=1.0, max_iter=3, batch_size=512,
                 update="bcd", rho=20.0, code_iter=30, code_tol=1e-2, transform_alpha=None,
                 transform_algorithm="lasso_lars", transform_max_iter=10_000, transform_tol=1e-4,
                 n_threads=None, random_state=None,
                 verbose=False):
        self.n_components = n_components
        self.alpha = alpha
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.update = update
        self.rho = rho
        self.code_iter = code_iter
        self.code_tol = code_tol
        self.transform_alpha = transform_alpha
        self.transform_algorithm = transform_algorithm
        self.transform_max_iter = transform_max_iter
        self.transform_tol = transform_tol
        self.n_threads = n_threads
        self.random_state = random_state
        self.verbose = verbose

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    def _validate(self, X, reset):
        """``X`` as a numpy array checked by scikit-learn (tensors by ours, then moved)."""
        if is_torch(X):
            X = to_numpy(check_array(X, "X"))
        X = validate_data(self, X, reset=reset, dtype=[np.float64, np.float32])
        return X if X.flags.writeable else X.copy()                # torch needs writable

    def fit(self, X, y=None):
        """Learn the atoms from ``X`` of shape (n_samples, n_features); returns ``self``."""
        X = self._validate(X, reset=True)
        k = X.shape[1] if self.n_components is None else self.n_components
        k = check_int(k, "n_components", low=1)
        alpha = check_nonnegative(self.alpha, "alpha")
        n_iter = check_int(self.max_iter, "max_iter", low=1)
        seed = self.random_state
        if isinstance(seed, np.random.RandomState):                # scikit-learn's kind
            seed = np.random.default_rng(seed.randint(np.iinfo(np.int32).max))
        history = []
        D, _ = learn_dictionary(X, k, alpha, n_iter=n_iter, batch_size=self.batch_size,
                                seed=seed, update=self.update, rho=self.rho,
                                code_iter=self.code_iter, tol=self.code_tol,
                                n_threads=self.n_threads, progress=bool(self.verbose),
                                callback=lambda epoch, D, f: history.append(f))
        self.dictionary_ = D
        self.components_ = np.ascontiguousarray(D.T)
        self.history_ = history
        self.n_iter_ = n_iter
        return self

    def transform(self, X):
        """Lasso codes of ``X`` (n_samples, n_features) for the atoms: (n_samples, n_components).

        Solves ``min_h ½‖x − D h‖² + λ‖h‖₁`` per sample with :func:`sparse_encode`
        (``transform_algorithm``) to relative
        accuracy ``transform_tol``, λ = ``transform_alpha`` (or ``alpha``).

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If called before ``fit``.
        ValueError
            If ``X`` has another number of features than in ``fit`` or is not finite.
        """
        check_is_fitted(self)
        Xn = self._validate(X, reset=False)
        lam = self.alpha if self.transform_alpha is None else self.transform_alpha
        lam = check_nonnegative(lam, "transform_alpha")
        algorithm = check_choice(self.transform_algorithm, "transform_algorithm",
                                 set(ALGORITHMS))
        n_iter = check_int(self.transform_max_iter, "transform_max_iter", low=1)
        H = sparse_encode(Xn, self.dictionary_.astype(Xn.dtype, copy=False), lam,
                          algorithm=algorithm,
                          tol=check_nonnegative(self.transform_tol, "transform_tol"),
                          n_iter=None if algorithm == "lasso_lars" else n_iter)
        return like(as_tensor(H), X) if is_torch(X) else H

    def fit_transform(self, X, y=None):
        """``fit(X).transform(X)``: the atoms are learned first, then ``X`` is coded."""
        return self.fit(X, y).transform(X)

    @classmethod
    def from_sklearn(cls, estimator):
        """A fitted learner with the atoms of a fitted scikit-learn dictionary model.

        Works for ``DictionaryLearning``, ``MiniBatchDictionaryLearning`` and
        ``SparseCoder``; λ is taken from ``alpha`` (or ``transform_alpha``) and the atoms are
        renormalised to unit norm.

        Raises
        ------
        TypeError
            If ``estimator`` has neither ``components_`` nor ``dictionary``.
        """
        components = getattr(estimator, "components_", None)
        if components is None:
            components = getattr(estimator, "dictionary", None)
        if components is None:
            raise TypeError(f"estimator must be a fitted scikit-learn dictionary model, got "
                            f"{type(estimator).__name__} without components_")
        D = np.asarray(from_sklearn(components), dtype=np.float64)
        lam = getattr(estimator, "alpha", None) or getattr(estimator, "transform_alpha", None)
        model = cls(n_components=D.shape[1], alpha=float(lam if lam is not None else 1.0))
        model.dictionary_ = D / np.linalg.norm(D, axis=0)
        model.components_ = np.ascontiguousarray(model.dictionary_.T)
        model.n_features_in_ = D.shape[0]
        model.history_ = []
        return model
