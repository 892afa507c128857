"""Figures of chapter 5 (autoencoders, deep autoencoders): claims, comparisons, denoising."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .._torch import to_numpy
from .._validation import check_array
from .core import (COLORS, MAX_WIDTH, FigureView, ax_or_new, color_for, legend_outside,
                   new_figure, wrap)
from .images import tile_images

__all__ = ["threshold_claim_plot", "threshold_claim_figure", "grouped_bars_plot",
           "code_scatter_plot", "DenoisingView"]


def threshold_claim_plot(noise, errors, *, ax=None, title=None):
    """The tied threshold autoencoder's claim: reconstruction error against the noise.

    Parameters
    ----------
    noise : array of shape (n_samples,)
        ‖ε‖₂ / τ of every sample.
    errors : dict of {threshold kind: array of shape (n_samples,)}
        ‖x̂ − x‖₂ / τ of every sample. The claim is that the points lie on or below the
        diagonal (error ≤ ‖ε‖) while ‖ε‖₂ ≤ τ/4 (shaded).
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If ``noise`` is not 1-D or not finite.
    """
    noise = to_numpy(check_array(noise, "noise", ndim=1, shape_hint="(n_samples,)"))
    ax = ax_or_new(ax, MAX_WIDTH, 4.0)
    colors = {"hard": COLORS["autoencoder"], "ternary": COLORS["estimate"],
              "soft": COLORS["ista"]}
    errors = {kind: to_numpy(err) for kind, err in errors.items()}
    top = 1.05 * max(noise.max(), max(e.max() for e in errors.values()))
    ax.axvspan(0, 0.25, color=COLORS["bound"], alpha=0.07, lw=0, label="‖ε‖ ≤ τ/4 (the claim)")
    for kind, err in errors.items():
        ax.plot(noise, err, ".", ms=3, alpha=0.35, color=colors.get(kind, COLORS["data"]),
                label=f"{kind} threshold")
    ax.plot([0, top], [0, top], color=COLORS["bound"], ls="--", lw=1.5, zorder=5,
            label="error = ‖ε‖")                            # on top of the points
    ax.set(xlabel="noise ‖ε‖₂ / τ", ylabel="error ‖x̂ − x‖₂ / τ", xlim=(0, 1.02 * noise.max()),
           ylim=(0, top))
    legend_outside(ax, markerscale=4)
    if title:
        ax.set_title(title)
    return ax


def threshold_claim_figure(noise, errors, *, title=None):
    """The threshold autoencoder's claim as small multiples: one panel per threshold kind.

    The same quantities as :func:`threshold_claim_plot`, but kinds whose points coincide
    (hard and ternary, often) no longer hide each other: each panel shows one kind, the
    shaded claim region ``‖ε‖₂ ≤ τ/4`` and the diagonal ``error = ‖ε‖`` on shared axes.

    Parameters
    ----------
    noise : array of shape (n_samples,)
        ‖ε‖₂ / τ of every sample.
    errors : dict of {threshold kind: array of shape (n_samples,)}
        ‖x̂ − x‖₂ / τ of every sample.
    title : str, optional

    Returns
    -------
    matplotlib Figure

    Raises
    ------
    ValueError
        If ``noise`` is not 1-D or not finite.
    """
    noise = to_numpy(check_array(noise, "noise", ndim=1, shape_hint="(n_samples,)"))
    errors = {kind: to_numpy(err) for kind, err in errors.items()}
    colors = {"hard": COLORS["autoencoder"], "ternary": COLORS["estimate"],
              "soft": COLORS["ista"]}
    top = 1.05 * max(noise.max(), max(e.max() for e in errors.values()))
    fig = new_figure(MAX_WIDTH, 3.6 + (0.45 if title else 0.0))
    axes = np.atleast_1d(fig.subplots(1, len(errors), sharex=True, sharey=True))
    for ax, (kind, err) in zip(axes, errors.items()):
        ax.axvspan(0, 0.25, color=COLORS["bound"], alpha=0.07, lw=0,
                   label="‖ε‖ ≤ τ/4 (the claim)")
        ax.plot(noise, err, ".", ms=3, alpha=0.35, color=colors.get(kind, COLORS["data"]),
                rasterized=True)
        ax.plot([0, top], [0, top], color=COLORS["bound"], ls="--", lw=1.2, zorder=5,
                label="error = ‖ε‖")
        ax.set(xlim=(0, 1.02 * noise.max()), ylim=(0, top), xlabel="noise ‖ε‖₂ / τ")
        ax.set_title(f"{kind} threshold", fontsize=10)
    axes[0].set_ylabel("error ‖x̂ − x‖₂ / τ")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncol=2)
    if title:
        fig.suptitle(wrap(title, MAX_WIDTH, 12))
    return fig


def grouped_bars_plot(values, *, ax=None, ylabel="", title=None, logy=False):
    """Bars grouped by condition: ``values = {group: {label: value}}``, legend on the right.

    Labels whose first word names an object of :data:`COLORS` take its colour.

    Returns
    -------
    matplotlib Axes
    """
    ax = ax_or_new(ax, MAX_WIDTH, 3.6)
    groups = list(values)
    labels = list(dict.fromkeys(lab for g in groups for lab in values[g]))
    width = 0.8 / len(labels)
    palette = plt.get_cmap("tab10")
    for j, label in enumerate(labels):
        heights = [values[g].get(label, np.nan) for g in groups]
        ax.bar(np.arange(len(groups)) + (j - (len(labels) - 1) / 2) * width, heights, width,
               label=label, color=color_for(label, palette(j % 10)))
    ax.set_xticks(np.arange(len(groups)), groups)
    ax.set_ylabel(ylabel)
    if logy:
        ax.set_yscale("log")
    legend_outside(ax)
    if title:
        ax.set_title(title)
    return ax


def code_scatter_plot(codes, reference, *, ax=None, max_points=4000, seed=0, title=None):
    """Entries of predicted codes against reference codes (e.g. an encoder against ISTA).

    Parameters
    ----------
    codes : dict of {label: array of shape (n_samples, n_atoms)}
    reference : array of shape (n_samples, n_atoms)
        Codes on the x axis (the exact sparse codes); the diagonal is perfect agreement.
    max_points : int
        Entries drawn per label (a random subset, for a light figure).
    seed : int
        Picks the subset.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If ``reference`` is not 2-D or not finite.
    """
    reference = to_numpy(check_array(reference, "reference", shape_hint="(n, n_atoms)"))
    ax = ax_or_new(ax, 5.0, 4.2)
    pick = np.random.default_rng(seed).permutation(reference.size)[:max_points]
    lim = 1.05 * np.abs(reference).max()
    palette = plt.get_cmap("tab10")
    for j, (label, z) in enumerate(codes.items()):
        z = to_numpy(z).ravel()[pick]
        ax.plot(reference.ravel()[pick], z, ".", ms=2.5, alpha=0.3, label=label,
                color=color_for(label, palette(j % 10)))
    ax.plot([-lim, lim], [-lim, lim], color=COLORS["bound"], lw=1, ls="--", label="agreement",
            zorder=5)
    ax.set(xlabel="exact sparse code (ISTA)", ylabel="encoder's code", xlim=(-lim, lim))
    legend_outside(ax, where="below", ncol=2, markerscale=4)
    if title:
        ax.set_title(title)
    return ax


class DenoisingView(FigureView):
    """Two denoising autoencoders side by side, one per kind of corruption, redrawn in place.

    Rows: clean digits; the same digits masked (each pixel dropped with probability ν) and
    their reconstruction by the model trained at that ν; with Gaussian noise of standard
    deviation σ and their reconstruction by the model trained at that σ. Right: the filters
    of both models, with one colour bar. :meth:`update` swaps images and titles only.

    Parameters
    ----------
    clean : array of shape (n_images, height * width)
        The digits shown (at most 8).
    n_filters : int
        Filters shown per model (at most 25).
    shape : (height, width), optional
    title : str
        The figure's title, the same for every frame.

    Raises
    ------
    ValueError
        If ``clean`` is not 2-D or its images are not square and no shape is given.
    """

    def __init__(self, clean, *, n_filters=16, shape=None, title=""):
        clean = to_numpy(check_array(clean, "clean", shape_hint="(n_images, n_pixels)"))
        self._shape, self._n, self._k = shape, min(len(clean), 8), min(n_filters, 25)
        super().__init__(new_figure(MAX_WIDTH, 6.0, layout=None))
        grid = self.fig.add_gridspec(5, 2, width_ratios=(2.0, 1), left=0.01, right=0.84,
                                     bottom=0.025, top=0.86, wspace=0.1, hspace=0.5)
        rows = [self.fig.add_subplot(grid[r, 0]) for r in range(5)]
        filt = [self.fig.add_subplot(grid[0:2, 1]), self.fig.add_subplot(grid[3:5, 1])]
        gray = plt.get_cmap("gray").with_extremes(bad="white")
        self._rows, self._texts = [], []
        for r, ax in enumerate(rows):
            canvas = tile_images(clean[:self._n], shape=shape, n_cols=self._n)
            self._rows.append(ax.imshow(canvas, cmap=gray, vmin=0, vmax=1))
            ax.set_axis_off()
            text = ax.set_title("clean digits" if r == 0 else "", loc="left", fontsize=10)
            self._texts += [text] if r else []
        self._filters = []
        for ax in filt:
            canvas = tile_images(np.zeros((self._k, clean.shape[1])), shape=shape,
                                 symmetric=True)
            self._filters.append(ax.imshow(canvas, cmap=plt.get_cmap("RdBu_r").with_extremes(
                bad="white"), vmin=-1, vmax=1))
            ax.set_axis_off()
            self._texts.append(ax.set_title("", fontsize=10))
        cax = self.fig.add_axes((0.865, 0.25, 0.015, 0.45))
        cb = self.fig.colorbar(self._filters[0], cax=cax)
        cb.set_ticks([-1, 0, 1], labels=["−max", "0", "+max"])
        cb.set_label("filter weight")
        self.fig.suptitle(title)
        self.dynamic(*self._rows[1:], *self._filters, *self._texts)

    def update(self, masked, masked_recon, noisy, noisy_recon, masked_filters, noisy_filters,
               *, titles):
        """New images: four (n_images, n_pixels) rows, two (n_pixels, n_filters) filter sets.

        Parameters
        ----------
        masked, masked_recon, noisy, noisy_recon : arrays of shape (n_images, n_pixels)
        masked_filters, noisy_filters : arrays of shape (n_pixels, n_filters)
        titles : sequence of 6 str
            Titles of the four rows and the two filter panels (short: text is the costly
            part of a frame).

        Returns
        -------
        matplotlib Figure
        """
        rows = (masked, masked_recon, noisy, noisy_recon)
        for im, images in zip(self._rows[1:], rows):
            im.set_data(tile_images(to_numpy(images)[:self._n], shape=self._shape,
                                    n_cols=self._n))
        for im, W in zip(self._filters, (masked_filters, noisy_filters)):
            im.set_data(tile_images(to_numpy(W)[:, :self._k].T, shape=self._shape,
                                    symmetric=True))
        for text, title in zip(self._texts, titles):
            text.set_text(title)
        return self.fig

