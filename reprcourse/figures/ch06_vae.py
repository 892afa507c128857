"""Figures of chapter 6 (variational autoencoders): the bound check and the latent space."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import patheffects
from matplotlib.ticker import LogLocator, NullFormatter

from .._torch import to_numpy
from .._validation import check_array
from .ch01_structure import cluster_plot
from .core import COLORS, MAX_WIDTH, FigureView, ax_or_new, legend_outside, new_figure, wrap

__all__ = ["bound_check_figure", "latent_map_plot", "latent_map_figure", "label_classes",
           "LatentWalkView"]


def bound_check_figure(epochs, elbo, log_lik, kl, correlation, *, ml_log_lik=None,
                       train_elbo=None, kl_floor=None, title=None):
    """Chapter 6: a VAE's ELBO against the exact log-likelihood of a linear-Gaussian model.

    Three panels against training epochs: (1) the exact ELBO of the current encoder and the
    exact log p(x) of the current decoder (means over the data), with the maximum-likelihood
    value as a dashed line; (2) the gap log p − ELBO and KL(q ‖ p(h | x)), which coincide;
    (3) the correlation between the two latent coordinates under the exact posterior, the
    part a diagonal-covariance q cannot represent.

    Parameters
    ----------
    epochs, elbo, log_lik, kl, correlation : arrays of shape (n_points,)
    ml_log_lik : float, optional
        log-likelihood of the maximum-likelihood model.
    train_elbo : array of shape (n_points,), optional
        The minibatch Monte Carlo ELBO the optimiser saw, for comparison.
    kl_floor : array of shape (n_points,), optional
        The gap of the best diagonal-covariance q for the current decoder (what no diagonal
        encoder can close); drawn dashed in the middle panel, so the part of the gap above
        it reads as the encoder's slack.
    title : str, optional
        Figure title (the finding).

    Returns
    -------
    matplotlib Figure

    Raises
    ------
    ValueError
        If an array is not 1-D or not finite.
    """
    epochs, elbo, log_lik, kl, correlation = (
        to_numpy(check_array(a, name, ndim=1, shape_hint="(n_points,)"), np.float64)
        for a, name in ((epochs, "epochs"), (elbo, "elbo"), (log_lik, "log_lik"), (kl, "kl"),
                        (correlation, "correlation")))
    head = 0.3 * (wrap(title, MAX_WIDTH, 12).count("\n") + 1) if title else 0.0
    fig = new_figure(MAX_WIDTH, 7.6 + head)
    ax1, ax2, ax3 = fig.subplots(3, 1, sharex=True)
    curves = [log_lik, elbo]
    if train_elbo is not None:
        train_elbo = to_numpy(train_elbo, np.float64)
        curves.append(train_elbo)
        ax1.plot(epochs, train_elbo, ".", ms=5, color=COLORS["vae"], alpha=0.6,
                 label="ELBO, minibatch estimate")
    ax1.plot(epochs, log_lik, color=COLORS["true"], lw=2, label="log p(x), exact")
    ax1.plot(epochs, elbo, color=COLORS["vae"], lw=2, label="ELBO, exact")
    lo, hi = min(c.min() for c in curves), max(c.max() for c in curves)
    if ml_log_lik is not None:
        ax1.axhline(ml_log_lik, color=COLORS["bound"], ls="--", lw=1,
                    label="max. likelihood (pPCA)")
        hi = max(hi, ml_log_lik)
    pad = 0.05 * (hi - lo) + 1e-9
    ax1.set(ylabel="nats per example", title="the ELBO stays below log p(x)",
            ylim=(lo - pad, hi + pad))                     # every curve whole, start included
    legend_outside(ax1)
    gap = log_lik - elbo
    ax2.semilogy(epochs, gap, color=COLORS["estimate"], lw=2, label="log p(x) − ELBO")
    ax2.semilogy(epochs, kl, "o", mfc="none", ms=5, color=COLORS["bound"],
                 label="KL(q ‖ posterior), exact")
    parts = [gap, kl]
    if kl_floor is not None:
        kl_floor = to_numpy(check_array(kl_floor, "kl_floor", ndim=1), np.float64)
        ax2.semilogy(epochs, kl_floor, "--", color=COLORS["true"], lw=1.5,
                     label="best diagonal q (floor)")
        parts.append(kl_floor)
    positive = np.concatenate([p[p > 0] for p in parts])
    if positive.size:                        # whole decades, labelled at powers of ten only
        ax2.set_ylim(10.0 ** np.floor(np.log10(positive.min())),
                     10.0 ** np.ceil(np.log10(positive.max())))
    ax2.yaxis.set_major_locator(LogLocator(base=10))
    ax2.yaxis.set_minor_formatter(NullFormatter())
    ax2.set(ylabel="nats per example", title="the gap is KL(q ‖ p(h|x))")
    legend_outside(ax2)
    ax3.plot(epochs, np.abs(correlation), color=COLORS["true"], lw=2)
    ax3.set(xlabel="epoch", ylabel="|correlation| of h₁, h₂", ylim=(0, 1),
            title="the posterior becomes diagonal")
    if title:
        fig.suptitle(wrap(title, MAX_WIDTH, 12))
    return fig


def latent_map_plot(codes, labels, *, ax=None, title=None, s=5, legend=True, seed=0):
    """Chapter 6: 2-D codes (encoder means) as points coloured by class (``tab10``), each
    class also named at its median code (:func:`label_classes`).

    Points are drawn in a random order (seeded), so no digit hides under another.

    Parameters
    ----------
    codes : array of shape (n, 2)
    labels : array of shape (n,), integers 0-9
    ax : matplotlib Axes, optional
    title : str, optional
    s : float
        Marker size.
    legend : bool
        Which colour is which digit, right of the axes.
    seed : int
        Drawing order.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If ``codes`` is not (n, 2) or ``labels`` not (n,).
    """
    codes = to_numpy(check_array(codes, "codes", shape_hint="(n, 2)"))
    if codes.shape[1] != 2:
        raise ValueError(f"codes must be (n, 2), got shape {codes.shape}")
    ax = ax_or_new(ax, 6.0, 4.8)
    cluster_plot(codes, labels, ax=ax, s=s, legend=False, seed=seed,
                 xlabel="$h_1$ (encoder mean)", ylabel="$h_2$ (encoder mean)", title=title)
    ax.set_aspect("equal", adjustable="datalim")
    label_classes(ax, codes, labels)                   # colour is never the only cue
    if legend:
        ax.legend(title="digit", markerscale=3, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                  borderaxespad=0)
    return ax


def latent_map_figure(codes, labels, *, title=None, s=3):
    """Chapter 6: 2-D codes as small multiples, one panel per digit over all codes in grey.

    A single scatter of ten overlapping classes buries some digits under others; here every
    panel shows where one digit's codes lie (its ``tab10`` colour, as in
    :func:`latent_map_plot`) against the grey cloud of all codes, on shared axes.

    Parameters
    ----------
    codes : array of shape (n, 2)
    labels : array of shape (n,), integers 0-9
    title : str, optional
    s : float
        Marker size.

    Returns
    -------
    matplotlib Figure

    Raises
    ------
    ValueError
        If ``codes`` is not (n, 2) or ``labels`` not (n,).
    """
    codes = to_numpy(check_array(codes, "codes", shape_hint="(n, 2)"), np.float64)
    if codes.shape[1] != 2:
        raise ValueError(f"codes must be (n, 2), got shape {codes.shape}")
    labels = np.asarray(to_numpy(labels)).astype(int).ravel()
    if labels.shape != (len(codes),):
        raise ValueError(f"labels must be ({len(codes)},), got shape {labels.shape}")
    classes = np.unique(labels)
    n_cols = min(5, len(classes))
    n_rows = int(np.ceil(len(classes) / n_cols))
    fig = new_figure(MAX_WIDTH, 0.4 + 1.75 * n_rows + (0.45 if title else 0.0))
    axes = np.atleast_2d(fig.subplots(n_rows, n_cols, sharex=True, sharey=True,
                                      squeeze=False))
    tab10 = plt.get_cmap("tab10")
    for ax in axes.flat[len(classes):]:
        ax.set_axis_off()
    for ax, c in zip(axes.flat, classes):
        ax.scatter(codes[:, 0], codes[:, 1], s=s, color="0.85", lw=0, rasterized=True)
        mine = codes[labels == c]
        colour = tab10(int(c) % 10) if int(c) % 10 != 7 else "0.2"   # tab10's 7 is grey
        ax.scatter(mine[:, 0], mine[:, 1], s=s, color=colour, alpha=0.7, lw=0,
                   rasterized=True)
        ax.set_title(f"digit {c}", fontsize=10)
    for ax in axes[-1]:
        ax.set_xlabel("$h_1$")
    for ax in axes[:, 0]:
        ax.set_ylabel("$h_2$")
    if title:
        fig.suptitle(wrap(title, MAX_WIDTH, 12))
    return fig


def label_classes(ax, codes, labels):
    """Write each class's name (its integer) at the median of its points, in bold with a
    white outline: the map reads without the colours (colour-blind readers, print). A name
    whose place is taken by an earlier one moves down or up, within the data, to a free place."""
    codes = to_numpy(codes, np.float64)
    labels = np.asarray(to_numpy(labels)).astype(int).ravel()
    span = np.ptp(codes, axis=0) + 1e-12                       # (2,) the data's extent
    placed: list[np.ndarray] = []
    low, high = codes.min(0), codes.max(0)

    def free(x, y):
        return all(abs(x - p[0]) >= 0.05 * span[0] or abs(y - p[1]) >= 0.075 * span[1]
                   for p in placed)

    for c in np.unique(labels):
        x, y0 = np.median(codes[labels == c], axis=0)
        # two medians close together: the later name moves down or up, within the data
        tries = [y0 + 0.08 * span[1] * step for i in range(1, 12) for step in (-i, i)]
        candidates = [y0] + [y for y in tries if low[1] <= y <= high[1]]
        y = next((y for y in candidates if free(x, y)), y0)
        placed.append(np.array([x, y]))
        text = ax.text(x, y, str(c), ha="center", va="center", fontsize=12,
                       fontweight="bold", color="black", zorder=4)
        text.set_path_effects([patheffects.withStroke(linewidth=3, foreground="white")])


class LatentWalkView(FigureView):
    """Chapter 6: the latent map with a marker at (h₁, h₂) next to the image decoded there.

    Every digit's name is written at the median of its codes, so the map reads without
    its colours.

    Built once; :meth:`update` moves the marker and swaps the image, so a widget redraw
    costs one render, not a new figure. The map's limits stay fixed.

    Parameters
    ----------
    codes : array of shape (n, 2)
        Encoder means of some data, drawn as the background map.
    labels : array of shape (n,)
    lims : ((h1_min, h1_max), (h2_min, h2_max)), optional
        The part of the plane the map shows; by default the range of ``codes`` plus 5 %.
    image_shape : (height, width)

    Raises
    ------
    ValueError
        If ``codes`` is not (n, 2) or ``labels`` not (n,).
    """

    def __init__(self, codes, labels, *, lims=None, image_shape=(28, 28)):
        codes = to_numpy(check_array(codes, "codes", shape_hint="(n, 2)"))
        if lims is None:
            lo, hi = codes.min(0), codes.max(0)
            lims = tuple(zip(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)))
        super().__init__(new_figure(MAX_WIDTH, 3.6, layout=None))
        grid = self.fig.add_gridspec(1, 2, width_ratios=(1.25, 1), left=0.09, right=0.99,
                                     bottom=0.14, top=0.9, wspace=0.25)
        ax_map, self._ax_img = self.fig.add_subplot(grid[0]), self.fig.add_subplot(grid[1])
        cluster_plot(codes, labels, ax=ax_map, s=5, legend=False,
                     title="codes of data (digit at its median code)",
                     xlabel="$h_1$", ylabel="$h_2$")
        label_classes(ax_map, codes, labels)               # colour is never the only cue
        ax_map.set(xlim=lims[0], ylim=lims[1])
        self._marker, = ax_map.plot([0], [0], "s", ms=12, mfc="none", mew=3,
                                    color=COLORS["bound"], zorder=5)
        self._marker.set_path_effects([patheffects.withStroke(linewidth=5, foreground="white")])
        self._shape = image_shape
        self._image = self._ax_img.imshow(np.zeros(image_shape), cmap="gray", vmin=0, vmax=1)
        self._ax_img.set_axis_off()
        self._img_title = self._ax_img.set_title("")
        self.dynamic(self._marker, self._image, self._img_title)

    def update(self, image, h1, h2):
        """Show ``image`` (height * width values in [0, 1]) decoded at (h₁, h₂).

        Returns
        -------
        matplotlib Figure
        """
        self._marker.set_data([h1], [h2])
        self._image.set_data(to_numpy(image, np.float64).reshape(self._shape))
        self._img_title.set_text(f"image decoded at h = ({h1:.2g}, {h2:.2g})")
        return self.fig
