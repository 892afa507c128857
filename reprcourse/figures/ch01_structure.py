"""Figures of chapters 0 and 1 (structure learning): PCA and k-means as representations."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .._torch import to_numpy
from .._validation import check_array
from .core import COLORS, MAX_WIDTH, ax_or_new, color_for, new_figure, wrap

__all__ = ["cluster_plot", "explained_variance_plot", "code_stems_figure",
           "clusters_and_digits_figure", "kmeans_centres_figure"]

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



def _groups_block(fig, Z, groups, titles, *, color, centers=None, images=None,
                  image_shape=None, s=3, xlabel="PC 1", ylabel="PC 2", heading=None):
    """Small multiples in ``fig`` (a figure or subfigure): one panel per group, the group's
    points in ``color`` over all points in light grey; optional star and image inset."""
    n_cols = min(5, len(groups))
    n_rows = int(np.ceil(len(groups) / n_cols))
    axes = fig.subplots(n_rows, n_cols, sharex=True, sharey=True, squeeze=False)
    for ax in axes.flat[len(groups):]:
        ax.set_axis_off()
    for p, (ax, mask, text) in enumerate(zip(axes.flat, groups, titles)):
        ax.scatter(Z[:, 0], Z[:, 1], s=s, color="0.85", lw=0, rasterized=True)
        ax.scatter(Z[mask, 0], Z[mask, 1], s=s, color=color, alpha=0.8, lw=0,
                   rasterized=True)
        if centers is not None:
            ax.plot(*centers[p], marker="*", ms=13, color="white", mec="black", mew=1.2)
        if images is not None:
            inset = ax.inset_axes((0.64, 0.6, 0.38, 0.42))
            inset.imshow(images[p].reshape(image_shape), cmap="gray", vmin=0, vmax=1)
            inset.set(xticks=[], yticks=[])
            for side in inset.spines.values():
                side.set_edgecolor("black")
        ax.set_title(text, fontsize=10)
        ax.set(xticks=[], yticks=[])
    for ax in axes[-1]:
        ax.set_xlabel(xlabel)
    for ax in axes[:, 0]:
        ax.set_ylabel(ylabel)
    if heading:
        fig.suptitle(heading, fontsize=11)
    return axes


def clusters_and_digits_figure(Z, labels, classes, *, centers=None, center_images=None,
                               image_shape=(28, 28), title=None, s=3):
    """Chapter 0: k-means clusters beside the true classes, as small multiples in a 2-D plane.

    Top block: one panel per cluster (sorted by the class that names it, then by size), its
    samples in colour over all samples in grey, its centre as a star and, optionally, the
    centre as an image in the corner; the title names the cluster by its majority class and
    that class's share. Bottom block: one panel per true class, the same way. No colour
    carries meaning: each panel's title says what it shows (readable under any colour-vision
    deficiency, unlike ten overlapping colours).

    Parameters
    ----------
    Z : array of shape (n, 2)
        The plane, e.g. the first two PCA coordinates.
    labels : array of shape (n,), integers 0..k-1
        Cluster of each sample.
    classes : array of shape (n,), integers 0..m-1
        True class of each sample (never seen by the clustering).
    centers : array of shape (k, 2), optional
        The centres in the same plane.
    center_images : array of shape (k, h·w), optional
        The centres as images, drawn in the panel corner (values in [0, 1]).
    image_shape : (h, w)
    title : str, optional
    s : float
        Marker size.

    Returns
    -------
    matplotlib Figure

    Raises
    ------
    ValueError
        If ``Z`` is not (n, 2), ``labels``/``classes`` not (n,), or ``centers`` /
        ``center_images`` do not have one row per cluster.
    """
    from ..structure import clusters_vs_classes

    Z, labels = _check_points(Z, labels)
    _, classes = _check_points(Z, classes)
    report = clusters_vs_classes(labels, classes)
    k, m = report.counts.shape
    for name, arr in (("centers", centers), ("center_images", center_images)):
        if arr is not None and len(arr) != k:
            raise ValueError(f"{name} must have one row per cluster ({k}), got {len(arr)}")
    order = np.lexsort((-report.sizes, report.majority))            # by name, then size
    n_rows = int(np.ceil(k / 5)) + int(np.ceil(m / 5))
    head = 0.3 + 0.22 * wrap(title, MAX_WIDTH, 12).count("\n") if title else 0.0
    fig = new_figure(MAX_WIDTH, 1.45 * n_rows + 0.7 + head)
    top, bottom = fig.subfigures(2, 1, height_ratios=(np.ceil(k / 5), np.ceil(m / 5)))
    _groups_block(
        top, Z, [labels == j for j in order],
        [f"named {report.majority[j]}: {report.share[j]:.0%}" for j in order],
        color=COLORS["kmeans"], s=s,
        centers=None if centers is None else to_numpy(centers)[order],
        images=None if center_images is None else to_numpy(center_images)[order],
        image_shape=image_shape,
        heading="k-means clusters (star and corner image: the centre; title: the "
                "majority digit and its share)")
    _groups_block(bottom, Z, [classes == c for c in range(m)],
                  [f"digit {c}" for c in range(m)], color=COLORS["true"], s=s,
                  heading="the true digits (never shown to k-means or PCA)")
    if title:
        fig.suptitle(wrap(title, MAX_WIDTH, 12))
    return fig


def kmeans_centres_figure(centers, labels, classes, *, image_shape=(8, 8), n_cols=5,
                          title=None):
    """Chapter 1: k-means centres as large image tiles, each labelled with what it holds.

    Tiles are sorted by cluster size (largest first); under each: the cluster's majority
    class with its share, and the number of samples.

    Parameters
    ----------
    centers : array of shape (k, h·w), values in [0, 1]
    labels : array of shape (n,), integers 0..k-1
        Cluster of each sample.
    classes : array of shape (n,), integers
        True class of each sample (never seen by k-means).
    image_shape : (h, w)
    n_cols : int
    title : str, optional

    Returns
    -------
    matplotlib Figure

    Raises
    ------
    ValueError
        If ``centers`` is not 2-D with ``h·w`` columns, or ``labels``/``classes`` disagree.
    """
    from ..structure import clusters_vs_classes

    C = to_numpy(check_array(centers, "centers", shape_hint="(k, h*w)"), np.float64)
    h, w = image_shape
    if C.shape[1] != h * w:
        raise ValueError(f"centers have {C.shape[1]} columns but image_shape {image_shape} "
                         f"needs {h * w}")
    report = clusters_vs_classes(labels, classes, n_clusters=len(C))
    order = np.argsort(-report.sizes, kind="stable")
    n_rows = int(np.ceil(len(C) / n_cols))
    head = 0.3 + 0.22 * wrap(title, MAX_WIDTH, 12).count("\n") if title else 0.0
    fig = new_figure(min(MAX_WIDTH, 1.44 * n_cols), 1.9 * n_rows + head)
    axes = fig.subplots(n_rows, n_cols, squeeze=False)
    for ax in axes.flat[len(C):]:
        ax.set_axis_off()
    for ax, j in zip(axes.flat, order):
        ax.imshow(C[j].reshape(h, w), cmap="gray", vmin=0, vmax=1,
                  interpolation="bicubic")             # smooth: reads as a digit
        ax.set(xticks=[], yticks=[])
        ax.set_xlabel(f"{report.share[j]:.0%} are {report.majority[j]}s\n"
                      f"{report.sizes[j]} images", fontsize=10, linespacing=1.2)
    if title:
        fig.suptitle(wrap(title, MAX_WIDTH, 12))
    return fig
