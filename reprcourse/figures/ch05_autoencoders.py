"""Figures of chapter 5 (autoencoders, deep autoencoders): claims, comparisons, denoising."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .._torch import to_numpy
from .._validation import check_array
from .ch02_sparse_coding import _check_figsize, _freeze_layout
from .core import (COLORS, MAX_WIDTH, OKABE_ITO, FigureView, ax_or_new, color_for,
                   legend_outside, new_figure, wrap)
from .images import tile_images

__all__ = ["threshold_claim_plot", "threshold_claim_figure", "grouped_bars_plot",
           "subspace_angles_plot", "code_scatter_plot", "encoder_codes_figure", "DenoisingView"]


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


#: Hatch patterns: the second cue besides colour, one per bar label.
HATCHES = ("", "//", "..", "xx", "\\\\", "--", "oo")


def grouped_bars_plot(values, *, ax=None, ylabel="", title=None, logy=False, annotate=None):
    """Bars grouped by condition: ``values = {group: {label: value}}``, legend on the right.

    Labels whose first word names an object of :data:`COLORS` take its colour, the others a
    colour-blind-safe one (:data:`OKABE_ITO`); every label also has its own hatch pattern, so
    colour never carries the label alone.

    Parameters
    ----------
    values : dict of {group: dict of {label: float}}
    ax : matplotlib Axes, optional
    ylabel, title : str
    logy : bool
        Logarithmic y axis (for values of very different sizes).
    annotate : str, optional
        A format string, e.g. ``"{:.2f}"``: each bar's value is written above it.

    Returns
    -------
    matplotlib Axes
    """
    ax = ax_or_new(ax, MAX_WIDTH, 3.6)
    groups = list(values)
    labels = list(dict.fromkeys(lab for g in groups for lab in values[g]))
    width = 0.8 / len(labels)
    for j, label in enumerate(labels):
        heights = [values[g].get(label, np.nan) for g in groups]
        bars = ax.bar(np.arange(len(groups)) + (j - (len(labels) - 1) / 2) * width, heights,
                      width, label=label, color=color_for(label, OKABE_ITO[j % len(OKABE_ITO)]),
                      hatch=HATCHES[j % len(HATCHES)], edgecolor="0.15", linewidth=0.6)
        if annotate:
            ax.bar_label(bars, labels=["" if np.isnan(h) else annotate.format(h)
                                       for h in heights], padding=2, fontsize=9)
    ax.set_xticks(np.arange(len(groups)), groups)
    ax.set_ylabel(ylabel)
    if logy:
        ax.set_yscale("log")
    if annotate:
        ax.margins(y=0.12)
    legend_outside(ax)
    if title:
        ax.set_title(title)
    return ax


def subspace_angles_plot(angles, *, ax=None, title=None):
    """Principal angles (degrees) between subspaces and a reference subspace.

    Parameters
    ----------
    angles : dict of {label: array of shape (k,)}
        Principal angles in degrees, e.g. from :func:`scipy.linalg.subspace_angles`; drawn
        in increasing order against their index, one marker and line style per label.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = ax_or_new(ax, MAX_WIDTH, 3.2)
    for j, (label, a) in enumerate(angles.items()):
        a = np.sort(to_numpy(a, np.float64).ravel())
        ax.plot(np.arange(1, len(a) + 1), a, ("-o", "--s", ":^", "-.D")[j % 4], ms=5,
                color=color_for(label, OKABE_ITO[j % len(OKABE_ITO)]), label=label)
    n = max(len(np.ravel(a)) for a in angles.values())
    ax.set(xlabel="principal angle number (sorted)", ylabel="angle (degrees)", ylim=(0, 92),
           yticks=[0, 15, 30, 45, 60, 75, 90],
           xticks=[1] + list(range(4, n + 1, 4)) if n >= 4 else range(1, n + 1))
    legend_outside(ax)
    if title:                                   # the legend takes part of the width
        ax.set_title(wrap(title, 0.6 * MAX_WIDTH, 11))
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
    ax.set(xlabel="exact sparse code", ylabel="encoder's code", xlim=(-lim, lim))
    legend_outside(ax, where="below", ncol=2, markerscale=4)
    if title:
        ax.set_title(title)
    return ax


def encoder_codes_figure(scatter, gaps, *, title=None, max_points=20_000):
    """Learned encoders against exact sparse codes (top), and FISTA's warm start (bottom).

    Parameters
    ----------
    scatter : dict of {model name: (encoder codes, exact codes)}
        Two arrays of shape (n_samples, n_atoms) per model; one panel each, with the
        diagonal of perfect agreement, zoomed on the bulk (99.5 % of the non-zero codes).
    gaps : dict of {label: array of shape (n_iter,)}
        Objective minus optimum after each FISTA iteration, one curve per start; drawn on a
        log scale with a different line style and marker per start.
    title : str, optional
    max_points : int
        Code entries drawn per panel.

    Returns
    -------
    matplotlib Figure
    """
    fig = new_figure(MAX_WIDTH, 7.0)
    top, bottom = fig.subfigures(2, 1, height_ratios=(1.15, 1))
    nonzero = np.concatenate([np.abs(H[np.abs(H) > 1e-3])
                              for pair in scatter.values() for H in map(to_numpy, pair)])
    lim = 1.1 * np.quantile(nonzero, 0.995)
    panels = np.atleast_1d(top.subplots(1, len(scatter), sharex=True, sharey=True))
    for ax, (name, (encoder, exact)) in zip(panels, scatter.items()):
        code_scatter_plot({"encoder": encoder}, exact, ax=ax, title=name,
                          max_points=max_points)
        ax.get_legend().remove()                 # one legend for all panels, beside them
        ax.set(xlim=(-lim, lim), ylim=(-lim, lim), aspect="equal")
    for ax in panels[1:]:
        ax.set_ylabel("")
    top.legend(*panels[0].get_legend_handles_labels(), loc="outside right center",
               markerscale=4)
    ax = bottom.subplots()
    for j, (label, gap) in enumerate(gaps.items()):
        gap = to_numpy(gap, np.float64).ravel()
        ax.plot(np.arange(1, len(gap) + 1), gap, ("-o", "--s", ":^")[j % 3], ms=3.5,
                color=OKABE_ITO[j % len(OKABE_ITO)], label=label)
    ax.set(xlabel="FISTA iteration", ylabel="objective − optimum", yscale="log",
           title="FISTA from zero and from PSD's prediction")
    legend_outside(ax)
    if title:
        fig.suptitle(wrap(title, MAX_WIDTH, 11), fontsize=11)
    return fig


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
    figsize : (width, height), optional
        Inches. By default the book's frame (:data:`MAX_WIDTH` × 4.6, fixed margins); with a
        size, the panels are laid out once for it by matplotlib's constrained layout and then
        frozen, so every frame keeps one layout and nothing is cut off at any size (e.g. a
        small figure shown large on a slide).

    Raises
    ------
    ValueError
        If ``clean`` is not 2-D or its images are not square and no shape is given, or
        ``figsize`` is not two numbers > 0.
    """

    def __init__(self, clean, *, n_filters=16, shape=None, title="", figsize=None):
        clean = to_numpy(check_array(clean, "clean", shape_hint="(n_images, n_pixels)"))
        self._shape, self._n, self._k = shape, min(len(clean), 8), min(n_filters, 25)
        slide = figsize is not None
        size = _check_figsize(figsize) if slide else (MAX_WIDTH, 4.6)
        super().__init__(new_figure(*size, layout="constrained" if slide else None))
        if slide:
            grid = self.fig.add_gridspec(5, 2, width_ratios=(2.0, 1))
        else:
            grid = self.fig.add_gridspec(5, 2, width_ratios=(2.0, 1), left=0.01, right=0.84,
                                         bottom=0.02, top=0.83, wspace=0.1, hspace=0.55)
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
        if slide:
            cb = self.fig.colorbar(self._filters[0], ax=filt, shrink=0.6, aspect=15)
        else:
            cb = self.fig.colorbar(self._filters[0],
                                   cax=self.fig.add_axes((0.865, 0.25, 0.015, 0.45)))
        cb.set_ticks([-1, 0, 1], labels=["−max", "0", "+max"])
        cb.set_label("filter weight")
        self.fig.suptitle(wrap(title, size[0], 12) if slide else title)
        if slide:
            _freeze_layout(self.fig, *self._texts, lines=1)
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

