"""Figures of chapters 0 and 1 (structure learning): PCA and k-means as representations."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .._torch import to_numpy
from .._validation import check_array
from .core import COLORS, MAX_WIDTH, ax_or_new, color_for, new_figure, wrap

__all__ = ["cluster_plot", "explained_variance_plot", "code_stems_figure"]

_TAB10 = plt.get_cmap("tab10")


def _check_points(Z, labels, name="Z"):
    Z = to_numpy(check_array(Z, name, shape_hint="(n, 2)"))
    labels = np.asarray(to_numpy(labels))
    if Z.shape[1] != 2 or labels.shape != (Z.shape[0],):
        raise ValueError(f"{name} must be (n, 2) and labels (n,), got {Z.shape} and "
                         f"{labels.shape}")
    return Z, labels


def cluster_plot(Z, labels, *, centers=None, center_labels=None, ax=None, xlabel="PC 1",
                 ylabel="PC 2", legend_title="cluster", title=None, s=6, legend=True, seed=0):
    """Chapters 0-1: 2-D points (e.g. PCA projections) coloured by a label, with centres.

    The points are drawn in a random order (seeded), so no class hides under another.

    Parameters
    ----------
    Z : array of shape (n, 2)
    labels : array of shape (n,), non-negative integers
        Colour index of each point (``tab10`` colours).
    centers : array of shape (k, 2), optional
        Drawn as black-edged stars (e.g. projected k-means centres).
    center_labels : array of shape (k,), optional
        Colour index of each centre; ``0, ..., k-1`` by default.
    ax : matplotlib Axes, optional
    xlabel, ylabel, legend_title, title : str
    s : float
        Marker size.
    legend : bool
        A legend to the right of the axes; with ``False`` the axes still carry one labelled
        (empty) artist per class, so ``fig.legend(*ax.get_legend_handles_labels())`` makes
        one legend for several panels.
    seed : int
        Drawing order.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If ``Z`` is not (n, 2) or ``labels`` is not (n,).
    """
    Z, labels = _check_points(Z, labels)
    ax = ax_or_new(ax, 5.6, 4.4)
    order = np.random.default_rng(seed).permutation(len(Z))
    ax.scatter(Z[order, 0], Z[order, 1], s=s, c=[_TAB10(int(c) % 10) for c in labels[order]],
               alpha=0.6, lw=0, rasterized=True)
    for c in np.unique(labels):                 # empty, labelled: for a legend of any panel
        ax.scatter([], [], s=s, color=_TAB10(int(c) % 10), label=str(c))
    if centers is not None:
        C = to_numpy(check_array(centers, "centers", shape_hint="(k, 2)"))
        idx = np.arange(len(C)) if center_labels is None else np.asarray(center_labels)
        ax.scatter(C[:, 0], C[:, 1], marker="*", s=240, c=[_TAB10(int(j) % 10) for j in idx],
                   edgecolors="black", linewidths=1.2, zorder=3)
    ax.set(xlabel=xlabel, ylabel=ylabel)
    if legend:
        ax.legend(title=legend_title, markerscale=max(1.0, 40 / s) ** 0.5, loc="upper left",
                  bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    if title:
        ax.set_title(title)
    return ax


def explained_variance_plot(ratio, *, marks=(0.5, 0.9), ax=None, title=None):
    r"""Chapter 1: cumulative explained variance ``Σ_{j≤k} ratio_j`` against ``k``.

    Parameters
    ----------
    ratio : array of shape (n_components,)
        ``pca(X).explained_variance_ratio``.
    marks : sequence of float in (0, 1]
        Levels at which the smallest ``k`` reaching them is marked and annotated.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If ``ratio`` is not 1-D or not finite.
    """
    ratio = to_numpy(check_array(ratio, "ratio", ndim=1, shape_hint="(n_components,)"))
    ax = ax_or_new(ax)
    k = np.arange(1, len(ratio) + 1)
    cum = np.cumsum(ratio)
    ax.plot(k, cum, color=COLORS["pca"], lw=2, label="PCA, first k directions")
    for level in marks:
        kk = int(np.searchsorted(cum, level - 1e-12) + 1)
        if kk <= len(ratio):
            ax.plot([kk, kk, 1], [0, cum[kk - 1], cum[kk - 1]], ls=":", color=COLORS["bound"],
                    lw=0.9)
            ax.annotate(f"{level:.0%}: k = {kk}", (kk, cum[kk - 1]), xytext=(4, -4),
                        textcoords="offset points", ha="left", va="top")
    ax.set(xscale="log", xlabel="number of components k",
           ylabel="fraction of variance explained", ylim=(0, 1.02), xlim=(1, len(ratio)))
    if title:
        ax.set_title(wrap(title, 6.0))
    return ax


def code_stems_figure(codes, *, title=None):
    """Chapter 1: the code of one sample under several representations, one row each.

    Parameters
    ----------
    codes : dict of {label: array of shape (n_coefficients,)}
        E.g. ``{"PCA (dense)": z, "k-means (one-hot)": e_j, "sparse code": h}``; labels
        whose first word names an object of :data:`COLORS` take its colour.
    title : str, optional

    Returns
    -------
    matplotlib Figure

    Raises
    ------
    ValueError
        If a code is not 1-D or not finite.
    """
    head = 0.4 + 0.22 * wrap(title, MAX_WIDTH, 12).count("\n") if title else 0.0
    fig = new_figure(MAX_WIDTH, 1.5 * len(codes) + 0.3 + head)
    axes = fig.subplots(len(codes), 1, squeeze=False)[:, 0]
    for ax, (label, h) in zip(axes, codes.items()):
        h = to_numpy(check_array(h, f"codes[{label!r}]", ndim=1,
                                 shape_hint="(n_coefficients,)"))
        color = color_for(label, COLORS["estimate"])
        idx = np.arange(len(h))
        nz = h != 0
        ax.vlines(idx, 0, h, color=color, lw=1.5)
        ax.plot(idx[nz], h[nz], "o", ms=3.5, color=color)
        ax.axhline(0, color="k", lw=0.5)
        ax.set_ylabel("value")
        ax.set_title(f"{label}: {int(nz.sum())} of {len(h)} non-zero", loc="left",
                     fontsize=10)
    axes[-1].set_xlabel("coefficient index")
    if title:
        fig.suptitle(wrap(title, MAX_WIDTH, 12))
    return fig

