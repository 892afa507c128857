"""Chapter 2 widget: λ against the sparsity and the error of the lasso codes."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .._validation import check_array, check_int
from ..figures.ch02_sparse_coding import SparsityView
from ..figures.core import COLORS, color_for
from ..sparse_coding import lasso_path
from .core import STATIC_DPI, interactive_figure

__all__ = ["sparsity_widget", "MAX_LAMS"]

#: Most λ values on the slider.
MAX_LAMS = 40


def sparsity_widget(X, D, lams, *, show=6, shape=None, mode=None, figsize=None,
                    dpi=STATIC_DPI):
    r"""Chapter 2 widget: λ against sparsity and reconstruction error of the lasso codes.

    Everything is computed once by :func:`reprcourse.sparse_coding.lasso_path` (one solve per
    λ and dictionary); a slider move only redraws. Each frame shows the mean number of
    non-zero coefficients and the relative squared error along the λ grid with the current
    λ marked, and a few samples above their reconstructions.

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
        E.g. centred natural-image patches.
    D : array of shape (n_features, n_atoms), or dict of {name: array}
        Unit-norm dictionaries; with several, a second control picks one (names whose first
        word names an object of :data:`reprcourse.figures.COLORS` take its colour).
    lams : sequence of float > 0
        The λ grid, strictly increasing (at most 40 values).
    show : int >= 1 or sequence of int
        The samples shown as images: the first ``show`` ones, or these row indices.
    shape : (height, width), optional
        Image shape of a sample; square by default.
    mode : {"live", "static"}, optional
        See :func:`reprcourse.widgets.widget_mode`.
    figsize : (width, height), optional
        Inches of the frames (:class:`~reprcourse.figures.SparsityView`; the book's size by
        default), e.g. a small figure for a slide, where it is shown enlarged.
    dpi : int
        Resolution of static frames (:data:`reprcourse.widgets.core.STATIC_DPI`).

    Returns
    -------
    ipywidgets.interactive or IPython.display.HTML

    Raises
    ------
    ValueError
        As :func:`~reprcourse.sparse_coding.lasso_path`, or if ``D`` is an empty dict, there
        are more than 40 λs, ``show`` is out of range or ``figsize`` is not two numbers > 0.
    """
    dicts = dict(D) if isinstance(D, dict) else {"dictionary": D}
    if not dicts:
        raise ValueError("D is an empty dict; give at least one dictionary")
    if len(tuple(lams)) > MAX_LAMS:
        raise ValueError(f"lams has {len(tuple(lams))} values; use at most {MAX_LAMS}")
    X = np.asarray(check_array(X, "X"), dtype=np.float64)
    if isinstance(show, (list, tuple, np.ndarray)):
        show = [check_int(i, "show", low=0, high=X.shape[0] - 1) for i in show]
    else:
        show = list(range(check_int(show, "show", low=1, high=X.shape[0])))
    X = np.concatenate([X[show], np.delete(X, show, axis=0)])     # shown samples first
    paths = {name: lasso_path(X, Dn, lams, n_keep=len(show)) for name, Dn in dicts.items()}
    fallback = iter([COLORS["data"], *plt.get_cmap("Dark2").colors])   # not in COLORS
    colors = {name: color_for(name) or next(fallback) for name in dicts}
    view = SparsityView(paths, X[:len(show)], colors=colors,
                        n_atoms={name: np.shape(Dn)[1] for name, Dn in dicts.items()},
                        shape=shape, figsize=figsize)
    lam_grid = tuple(float(v) for v in paths[next(iter(dicts))]["lam"])

    def draw(lam, dictionary=next(iter(dicts))):
        view.update(lam_grid.index(lam), dictionary)
        return view

    params = {"lam": lam_grid}
    if len(dicts) > 1:
        params["dictionary"] = tuple(dicts)
    return interactive_figure(draw, params, labels={"lam": "λ", "dictionary": "dictionary"},
                              mode=mode, dpi=dpi)
