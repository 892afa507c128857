r"""Dictionary learning by alternating minimisation (lecture 18, "Dictionary learning").

Given data ``X`` (n_samples, n_features), find unit-norm atoms ``D`` (n_features, n_atoms)
and sparse codes ``H`` (n_samples, n_atoms) that minimise the sparse-coding objective

.. math::

    F(D, H) = \frac1n \sum_{i=1}^n \tfrac12 \|x_i - D h_i\|_2^2 + \lambda \|h_i\|_1 ,
    \qquad \|d_j\|_2 = 1 .

As in EM, alternate two easy problems: with ``D`` fixed, the codes are lasso solutions
(FISTA, warm-started from the previous codes); with ``H`` fixed, ``F`` is a quadratic in
``D`` that only depends on the sufficient statistics ``A = HᵀH`` and ``B = XᵀH``. The
dictionary step is either the lecture's gradient step followed by renormalisation, or a
block-coordinate sweep over the atoms (Mairal, Bach, Ponce & Sapiro 2010), whose update of
one atom, ``d_j ∝ b_j − D a_j + A_jj d_j``, is the exact minimiser of ``F`` over that atom
on the unit sphere.

Speed comes from three things: the data are visited in mini-batches and the dictionary is
updated after each one (so one pass gives many dictionary steps, as in Mairal et al.'s
online method), every sample keeps its code between passes (a warm start that makes later
FISTA calls cheap; Arora, Ge, Ma & Moitra 2015 analyse alternating minimisation from such
warm starts), and ``A``, ``B`` stay sums over *all* samples (recomputed at each pass, then
updated by swapping a batch's old codes for its new ones). Both steps never increase ``F``.
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.base import BaseEstimator, TransformerMixin
from tqdm.auto import tqdm

from ._validation import (check_array, check_choice, check_dictionary, check_generator,
                          check_int, check_matching_features, check_nonnegative, is_torch)
from .sparse_coding import _as_tensor, _like, fista

__all__ = ["learn_dictionary", "DictionaryLearner", "to_sklearn", "from_sklearn"]


def learn_dictionary(X, n_atoms, lam, *, n_iter=6, batch_size=512, seed=None, D0=None,
                     update="bcd", tol=0.0, code_iter=20, n_threads=1, progress=True,
                     callback=None):
    r"""Learn a dictionary by alternating sparse coding and dictionary steps.

    Minimises ``F(D, H) = mean_i ½‖x_i − D h_i‖² + λ‖h_i‖₁`` over unit-norm atoms ``D`` and
    codes ``H``. Each pass over the data (an *epoch*) visits shuffled mini-batches; for each
    batch it (1) recomputes the batch's codes with :func:`~reprcourse.sparse_coding.fista`,
    warm-started from their previous value, keeping a new code only if it lowers that
    sample's objective; (2) swaps the batch's old codes for the new ones in the sufficient
    statistics ``A = HᵀH``, ``B = XᵀH`` of all samples (recomputed at each pass); (3)
    takes one dictionary step and renormalises the atoms:

    * ``update="bcd"``: for each atom ``j``, ``d_j ← c_j / ‖c_j‖`` with
      ``c_j = b_j − D a_j + A_jj d_j`` (Mairal et al. 2010), the exact minimiser over
      ``d_j`` on the unit sphere;
    * ``update="gradient"``: the lecture's step ``D ← D + α (B − D A)``, ``α = 1/‖A‖₂``, then
      ``d_j ← d_j / ‖d_j‖``.

    Atoms that no sample uses (a zero column of ``H``) are replaced by random data samples.
    The work is done in float32 on the data's device.

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
    tol, code_iter : float >= 0, int >= 1
        Passed to :func:`fista` for each batch: a sample stops once its code moves by less
        than ``tol`` relative to its largest entry, or after ``code_iter`` iterations. The
        defaults (a fixed 20 warm-started iterations) leave the codes inexact but improve
        them at every pass; that is cheaper than solving each lasso exactly.
    n_threads : int >= 1 or None
        torch CPU threads while learning (restored afterwards); None keeps torch's setting.
        One thread is the default: a mini-batch step is many small kernels, whose thread
        synchronisation costs more than it saves, and collapses on a busy machine.
    progress : bool
        Show a tqdm progress bar over the passes.
    callback : callable, optional
        Called as ``callback(epoch, D, objective)`` after every pass, with the current
        dictionary (same kind and dtype as ``X``) and ``F(D, H)`` on the training data.

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
    tol = check_nonnegative(tol, "tol")
    code_iter = check_int(code_iter, "code_iter", low=1)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable, got {type(callback).__name__}")
    rng = check_generator(seed)
    threads = torch.get_num_threads()
    torch.set_num_threads(threads if n_threads is None else check_int(n_threads, "n_threads",
                                                                      low=1))
    try:
        D, H = _alternate(X, n_atoms, lam, n_iter, batch_size, rng, D0, update, tol, code_iter,
                          progress, callback)
    finally:
        torch.set_num_threads(threads)
    return _like(D.to(_dtype_of(X)), X), _like(H.to(_dtype_of(X)), X)


def _alternate(X, n_atoms, lam, n_iter, batch_size, rng, D0, update, tol, code_iter, progress,
               callback):
    """The loop of :func:`learn_dictionary` on validated input; returns float32 tensors."""
    Xt = _as_tensor(X).to(torch.float32)                           # (n, d) working copy
    n, d = Xt.shape
    if D0 is None:
        D = _random_atoms(Xt, n_atoms, rng)
    else:
        D0 = check_dictionary(D0, "D0")
        check_matching_features(X, D0, d_name="D0")
        if D0.shape[1] != n_atoms:
            raise ValueError(f"D0 has {D0.shape[1]} atoms (columns) but n_atoms={n_atoms}")
        D = _as_tensor(D0).to(Xt)
        D = D / D.norm(dim=0)
    H = torch.zeros(n, n_atoms, dtype=Xt.dtype, device=Xt.device)  # (n, k) codes
    step = _bcd_step if update == "bcd" else _gradient_step
    for epoch in tqdm(range(1, n_iter + 1), desc="dictionary learning", disable=not progress,
                      leave=False):
        A, B = H.T @ H, Xt.T @ H                                   # (k, k), (d, k), exact
        used = (H != 0).sum(0)                                     # (k,) non-zeros per atom
        for idx in torch.from_numpy(rng.permutation(n)).to(Xt.device).split(batch_size):
            Xb, Hb = Xt[idx], H[idx]                               # (b, d), (b, k)
            Hn = fista(Xb, D, lam, H0=Hb, tol=tol, n_iter=code_iter)
            better = _per_sample(Xb, D, Hn, lam) < _per_sample(Xb, D, Hb, lam)
            Hn = torch.where(better[:, None], Hn, Hb)
            A += Hn.T @ Hn - Hb.T @ Hb
            B += Xb.T @ (Hn - Hb)
            used += (Hn != 0).sum(0) - (Hb != 0).sum(0)
            H[idx] = Hn
            D = step(D, A, B)
            _replace_unused(D, used, Xb, rng)
        objective = float(_per_sample(Xt, D, H, lam).double().mean())
        if callback is not None:
            callback(epoch, _like(D.to(_dtype_of(X)), X), objective)
    return D, fista(Xt, D, lam, H0=H, tol=tol, n_iter=code_iter)


def _dtype_of(X):
    return X.dtype if is_torch(X) else torch.from_numpy(np.empty(0, X.dtype)).dtype


def _per_sample(X, D, H, lam):
    """Per-sample objective ``½‖x − D h‖² + λ‖h‖₁``, shape (n,)."""
    R = X - H @ D.T                                                # (n, d)
    return 0.5 * (R * R).sum(1) + lam * H.abs().sum(1)


def _random_atoms(X, n_atoms, rng):
    """``n_atoms`` distinct non-zero samples of ``X`` as unit-norm columns, (d, k)."""
    norms = X.norm(dim=1)
    candidates = np.flatnonzero((norms > 1e-6 * norms.max()).cpu().numpy())
    if len(candidates) == 0:
        raise ValueError("X has no non-zero sample to initialise atoms from")
    pick = rng.choice(candidates, n_atoms, replace=n_atoms > len(candidates))
    D = X[torch.from_numpy(pick).to(X.device)].T.clone()          # (d, k)
    if n_atoms > len(candidates):                                  # break ties between copies
        D += 1e-3 * torch.from_numpy(rng.standard_normal(D.shape)).to(D) * D.norm(dim=0)
    return D / D.norm(dim=0)


def _bcd_step(D, A, B):
    """One sweep of block-coordinate descent on the atoms (exact on the unit sphere).

    Done in numpy on the CPU, atoms as rows: the sweep is sequential (each atom sees the
    ones already updated), and numpy's per-call overhead is the smaller for 64-long vectors.
    """
    Dr = D.T.cpu().numpy().copy()                                 # (k, d) atoms as rows
    An, Br = A.cpu().numpy(), B.T.cpu().numpy()                   # (k, k), (k, d)
    diag = np.diag(An)
    for j in np.flatnonzero(diag > 0):
        c = Br[j] - An[j] @ Dr + diag[j] * Dr[j]                  # (d,)
        norm = np.sqrt(c @ c)
        if norm > 0:
            Dr[j] = c / norm
    return torch.from_numpy(np.ascontiguousarray(Dr.T)).to(D.device)


def _gradient_step(D, A, B):
    """The lecture's step ``D + α(B − DA)`` with ``α = 1/‖A‖₂``, then unit-norm atoms."""
    L = float(torch.linalg.matrix_norm(A, ord=2))
    if L == 0.0:
        return D
    G = D + (B - D @ A) / L                                        # (d, k)
    norms = G.norm(dim=0)
    return torch.where(norms > 0, G / norms.clamp_min(1e-30), D)


def _replace_unused(D, used, Xb, rng):
    """Replace atoms no sample uses (``used == 0``) by random samples of the batch, in place.

    ``F`` is unchanged because those atoms have zero codes everywhere."""
    unused = torch.nonzero(used == 0)[:, 0]
    if len(unused):
        D[:, unused] = _random_atoms(Xb, len(unused), rng)


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
    """Estimator wrapper of :func:`learn_dictionary`, scikit-learn style.

    Parameters
    ----------
    n_atoms : int
    lam : float
        Sparsity weight λ.
    n_iter, batch_size, update, tol, code_iter, n_threads, progress, seed
        As in :func:`learn_dictionary`.

    Attributes
    ----------
    dictionary_ : ndarray of shape (n_features, n_atoms)
        The atoms as unit-norm columns (this package's convention).
    components_ : ndarray of shape (n_atoms, n_features)
        The same atoms as rows (scikit-learn's convention).
    history_ : list of float
        Training objective ``F(D, H)`` after each pass.
    """

    def __init__(self, n_atoms=100, lam=0.5, *, n_iter=6, batch_size=512, update="bcd",
                 tol=0.0, code_iter=20, n_threads=1, progress=True, seed=None):
        self.n_atoms = n_atoms
        self.lam = lam
        self.n_iter = n_iter
        self.batch_size = batch_size
        self.update = update
        self.tol = tol
        self.code_iter = code_iter
        self.n_threads = n_threads
        self.progress = progress
        self.seed = seed

    def fit(self, X, y=None):
        """Learn the dictionary from ``X`` of shape (n_samples, n_features); returns self."""
        self.fit_transform(X)
        return self

    def fit_transform(self, X, y=None):
        """Learn the dictionary and return the codes of ``X``, (n_samples, n_atoms)."""
        self.history_ = []
        params = {k: v for k, v in self.get_params().items() if k not in ("n_atoms", "lam")}
        D, H = learn_dictionary(X, self.n_atoms, self.lam, **params,
                                callback=lambda epoch, D, obj: self.history_.append(obj))
        self.dictionary_ = D
        self.n_features_in_ = D.shape[0]
        return H

    @property
    def components_(self):
        return to_sklearn(self.dictionary_)

    def transform(self, X, *, tol=1e-6, n_iter=2000):
        """Sparse codes of ``X`` (n_samples, n_features) for the learned dictionary.

        Solves the lasso with :func:`fista` to relative tolerance ``tol``.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If called before :meth:`fit`.
        ValueError
            If ``X`` has the wrong number of features or is not finite.
        """
        from sklearn.utils.validation import check_is_fitted
        check_is_fitted(self, "dictionary_")
        D = self.dictionary_
        if is_torch(X) and not is_torch(D):
            D = torch.from_numpy(D).to(X)
        return fista(X, D, self.lam, tol=tol, n_iter=n_iter)

    @classmethod
    def from_sklearn(cls, estimator):
        """A fitted learner holding the atoms of a fitted scikit-learn dictionary model
        (``DictionaryLearning``, ``MiniBatchDictionaryLearning``, ``SparseCoder``); λ is taken
        from its ``alpha`` (or ``transform_alpha``), atoms are renormalised to unit norm."""
        components = getattr(estimator, "components_", None)
        if components is None:
            components = getattr(estimator, "dictionary", None)
        if components is None:
            raise TypeError(f"estimator must be a fitted scikit-learn dictionary model, got "
                            f"{type(estimator).__name__} without components_")
        D = np.asarray(from_sklearn(components), dtype=np.float64)
        lam = getattr(estimator, "alpha", None) or getattr(estimator, "transform_alpha", None)
        model = cls(n_atoms=D.shape[1], lam=float(lam if lam is not None else 1.0))
        model.dictionary_ = D / np.linalg.norm(D, axis=0)
        model.n_features_in_ = D.shape[0]
        model.history_ = []
        return model
