"""Chapter 4 widget: λ against the learned atoms and the sparsity of the codes."""

from __future__ import annotations

import numpy as np

from .._validation import check_array, check_scalar
from ..dictionary_learning import learn_dictionary
from ..figures.ch04_dictionary_learning import DictionaryLambdaView
from .core import check_grid, interactive_figure

__all__ = ["dictionary_lambda_widget"]


def _lam(v, name):
    return check_scalar(v, name, low=0.0)


def dictionary_lambda_widget(X, *, lams=(0.1, 0.25, 0.5, 1.0, 2.0), n_atoms=64, n_iter=4,
                             n_show=25, seed=0, mode=None):
    """Chapter 4 widget: λ against the learned atoms and the sparsity of the codes.

    One dictionary is learned per λ on the grid (:func:`learn_dictionary`, same seed), up
    front, so a slider move only redraws (:class:`~reprcourse.figures.DictionaryLambdaView`,
    whose axes stay the same for every λ).

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
        Centred square patches, e.g. 8×8 (keep it small: a few thousand).
    lams : sequence of float >= 0
        Slider grid for λ.
    n_atoms, n_iter, seed
        Passed to :func:`learn_dictionary`.
    n_show : int
        Atoms shown, most used first (at most 25).
    mode : {"live", "static"}, optional
        See :func:`reprcourse.widgets.widget_mode`.

    Returns
    -------
    ipywidgets.interactive or IPython.display.HTML

    Raises
    ------
    ValueError
        If ``lams`` is empty or holds a negative value, or ``X`` is invalid.
    """
    lams = check_grid(lams, "lams", _lam)
    X = check_array(X, "X")
    learned = {lam: learn_dictionary(X, n_atoms, lam, n_iter=n_iter, seed=seed,
                                     progress=False) for lam in lams}
    nnz = {lam: (np.asarray(H) != 0).sum(1) for lam, (_, H) in learned.items()}
    nnz_max = max(int(v.max()) for v in nnz.values())
    count_max = max(int(np.bincount(v).max()) for v in nnz.values())
    view = DictionaryLambdaView(X.shape[1], nnz_max=max(nnz_max, 10), count_max=count_max,
                                n_show=min(n_show, n_atoms))

    def draw(lam):
        view.update(*learned[lam], lam)
        return view

    return interactive_figure(draw, {"lam": lams}, labels={"lam": "λ"}, mode=mode)
