"""Chapter 5 widget: the corruption a denoising autoencoder was trained and tested with."""

from __future__ import annotations

import numpy as np

from .._torch import to_numpy
from .._validation import check_array
from ..figures.ch05_autoencoders import DenoisingView
from ..models.autoencoders import corrupt
from .core import STATIC_DPI, interactive_figure

__all__ = ["denoising_widget"]

_KINDS = ("dropout", "gaussian")


def denoising_widget(models, X, *, n_images=6, n_filters=16, shape=None, seed=0, mode=None,
                     figsize=None, dpi=STATIC_DPI):
    """Chapter 5 widget: masking ν and Gaussian noise σ, each with its own slider.

    Every model corrupts the test digits the way it was trained and reconstructs them, once,
    here; moving a slider only swaps images. A frame shows the clean digits; the digits
    masked with probability ν and their reconstruction by the model trained at ν; the digits
    with Gaussian noise of standard deviation σ and their reconstruction by the model
    trained at σ; the filters of both models; and the mean squared error of each against the
    clean digits.

    Parameters
    ----------
    models : dict of {(kind, level): autoencoder}
        Trained models keyed by ``kind`` in {"dropout", "gaussian"} and the level (ν or σ)
        they were trained at; level 0 (no corruption) may be one model under both kinds.
    X : array of shape (n_samples, n_features)
        Test data; the first ``n_images`` rows are shown, all rows enter the error.
    n_images, n_filters : int
        Digits shown (at most 8) and filters per model (at most 25).
    shape : (height, width), optional
        Square by default.
    seed : int
        Seeds the corruption of the test digits.
    mode : {"live", "static"}, optional
        See :func:`reprcourse.widgets.widget_mode`.
    figsize : (width, height), optional
        Inches of the frames (:class:`~reprcourse.figures.DenoisingView`; the book's size by
        default), e.g. a small figure for a slide, where it is shown enlarged.
    dpi : int
        Resolution of static frames (:data:`reprcourse.widgets.core.STATIC_DPI`).

    Returns
    -------
    ipywidgets.interactive or IPython.display.HTML

    Raises
    ------
    ValueError
        If a kind is missing or unknown, or ``X`` is invalid.
    """
    X = to_numpy(check_array(X, "X"), np.float64)
    unknown = sorted({kind for kind, _ in models} - set(_KINDS))
    if unknown:
        raise ValueError(f"models have unknown kinds {unknown}; use {list(_KINDS)}")
    levels = {kind: tuple(sorted(level for k, level in models if k == kind)) for kind in _KINDS}
    missing = [kind for kind in _KINDS if not levels[kind]]
    if missing:
        raise ValueError(f"models lack the kinds {missing}; give models for {list(_KINDS)}")
    results = {}
    for (kind, level), model in models.items():
        noisy = corrupt(X, kind, level, seed=seed)                    # (n, d)
        recon = to_numpy(model.reconstruct(noisy), np.float64)        # (n, d)
        results[kind, level] = (noisy[:n_images], recon[:n_images],
                                to_numpy(model.weight)[:, :n_filters],
                                float(((recon - X) ** 2).sum(1).mean()))
    view = DenoisingView(X[:n_images], n_filters=n_filters, shape=shape,
                         title="Masking (ν) and Gaussian noise (σ): each model is trained and "
                               "tested\nwith its corruption; error = squared error against "
                               "the clean digit", figsize=figsize)

    def draw(nu, sigma):
        m_in, m_out, m_w, m_err = results["dropout", nu]
        g_in, g_out, g_w, g_err = results["gaussian", sigma]
        titles = (f"masked, ν = {nu:.0%}", f"its reconstruction: error {m_err:.1f}",
                  f"Gaussian noise, σ = {sigma:g}", f"its reconstruction: error {g_err:.1f}",
                  f"filters, ν = {nu:.0%}", f"filters, σ = {sigma:g}")
        view.update(m_in, m_out, g_in, g_out, m_w, g_w, titles=titles)
        return view

    return interactive_figure(draw, {"nu": levels["dropout"], "sigma": levels["gaussian"]},
                              initial={"nu": levels["dropout"][len(levels["dropout"]) // 2],
                                       "sigma": levels["gaussian"][0]},
                              labels={"nu": "masking probability ν",
                                      "sigma": "Gaussian noise σ"}, mode=mode, dpi=dpi)
