"""Figures of chapter 2 (sparse coding): the dictionaries, the l1 penalty, soft thresholding,
convergence of ISTA and FISTA, and compression in a fixed basis."""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import FormatStrFormatter, NullLocator

from .._torch import to_numpy
from .._validation import check_scalar
from .core import (COLORS, MAX_WIDTH, FigureView, ax_or_new, color_for, legend_outside,
                   new_figure, wrap)
from .images import image_grid, patch_pairs, patch_pairs_canvas

__all__ = ["dictionaries_figure", "penalty_figure", "soft_threshold_plot", "gap_curves_plot",
           "race_figure", "compression_figure", "SparsityView"]

#: Line style and marker per solver, so that the curves differ by more than their colour.
_SOLVER_STYLE = {"ista": ("-", "o"), "fista": ("--", "s"), "sklearn": (":", None)}


def dictionaries_figure(patches, D_dct, D_rand, *, n_freq=11, title=None):
    r"""Chapter 2: 36 patches, the smoothest DCT atoms and 36 random atoms, side by side.

    Parameters
    ----------
    patches : array of shape (n >= 36, 64)
        8×8 patches, one per row.
    D_dct : array of shape (64, n_freq² − 1)
        The overcomplete DCT: separable cosines at ``n_freq`` frequencies per direction in
        row-major order (vertical frequency, then horizontal), the constant atom dropped.
    D_rand : array of shape (64, k >= 36)
    n_freq : int
        Frequencies per direction of ``D_dct``.
    title : str, optional

    Returns
    -------
    matplotlib Figure
    """
    f_row, f_col = np.divmod(np.arange(1, n_freq * n_freq), n_freq)   # each atom's frequencies
    low = np.flatnonzero((f_row < 5) & (f_col < 5))                   # the 24 smoothest ...
    blank = np.zeros((D_dct.shape[0], 1))                             # ... and the dropped one
    fig = new_figure(MAX_WIDTH, 3.2)
    axes = fig.subplots(1, 3)
    atoms = {"cmap": "RdBu_r", "symmetric": True, "pad": 2}           # signed: red +, blue −
    image_grid(np.asarray(patches)[:36], n_cols=6, ax=axes[0], symmetric=True, pad=2,
               title="36 natural-image\npatches")
    image_grid(np.hstack([blank, D_dct[:, low]]).T, n_cols=5, ax=axes[1], **atoms,
               title=f"the 24 smoothest of\n{D_dct.shape[1]} DCT atoms")
    image_grid(D_rand[:, :36].T, n_cols=6, ax=axes[2], **atoms,
               title=f"36 of {D_rand.shape[1]}\nrandom atoms")
    for ax in axes:
        ax.title.set_fontsize(10)
    if title:
        fig.suptitle(wrap(title, MAX_WIDTH, 11), fontsize=11)
    return fig


def penalty_figure(*, title=None, legend="panels", figsize=None):
    r"""Chapter 2: why l1 stands in for l0.

    Left: ``‖h‖₀`` and ``|h|`` in one dimension; on the box ``[-1, 1]`` the l1 norm is the
    largest convex function below l0 (its convex envelope). Right: the line of solutions of
    ``h₁ + 2.5 h₂ = 2``; the smallest l1 ball touches it at a vertex, a 1-sparse point on the
    l0 "ball" ``{‖h‖₀ ≤ 1}`` (the axes), while the smallest l2 ball touches a dense point.

    Parameters
    ----------
    title : str, optional
    legend : {"panels", "figure"}
        A legend under each panel (the book), or one legend for both panels along the bottom
        of the figure, in three columns (a short, wide figure such as a slide).
    figsize : (width, height), optional
        Inches; :data:`MAX_WIDTH` × 5 by default.

    Returns
    -------
    matplotlib Figure

    Raises
    ------
    ValueError
        If ``legend`` is not one of the two choices or ``figsize`` is not two numbers > 0.
    """
    if legend not in ("panels", "figure"):
        raise ValueError(f"legend must be 'panels' or 'figure', got {legend!r}")
    fig = new_figure(*((MAX_WIDTH, 5.0) if figsize is None else _check_figsize(figsize)))
    a1, a2 = fig.subplots(1, 2)
    h = np.linspace(-1.6, 1.6, 401)
    a1.axvspan(-1, 1, color=COLORS["bound"], alpha=0.06, lw=0, label="box |h| ≤ 1")
    a1.plot(h[h < 0], np.ones((h < 0).sum()), color=COLORS["true"], lw=2.5,
            label="ℓ0: $\\|h\\|_0$")
    a1.plot(h[h > 0], np.ones((h > 0).sum()), color=COLORS["true"], lw=2.5)
    a1.plot([0], [0], "o", color=COLORS["true"], ms=6)
    a1.plot([0], [1], "o", mfc="white", color=COLORS["true"], ms=6)
    a1.plot(h, np.abs(h), "--", color=COLORS["estimate"], lw=2, label="ℓ1: $|h|$")
    a1.annotate("ℓ1", (1.35, 1.35), xytext=(-14, 0), textcoords="offset points",
                color=COLORS["estimate"], ha="right", va="center")
    a1.annotate("ℓ0", (-1.35, 1.0), xytext=(0, 6), textcoords="offset points",
                color=COLORS["true"], ha="center", va="bottom")
    a1.set(xlabel="h", ylabel="penalty", ylim=(-0.05, 1.65), xlim=(-1.6, 1.6),
           title="1-D: ℓ1 is the convex\nenvelope of ℓ0 on the box")
    if legend == "panels":
        legend_outside(a1, where="below", ncol=1)

    a, b = np.array([1.0, 2.5]), 2.0                              # the line a·h = b
    h_l1 = np.array([0.0, b / a[1]])                              # vertex of the l1 ball
    h_l2 = a * b / (a @ a)                                        # least-norm point
    t = np.linspace(-1.5, 2.5, 2)
    a2.plot(t, (b - a[0] * t) / a[1], color=COLORS["data"], lw=1.5,
            label="solutions of $a^{\\mathsf{T}}h = b$")
    r1, r2 = h_l1[1], np.linalg.norm(h_l2)
    a2.fill([r1, 0, -r1, 0], [0, r1, 0, -r1], color=COLORS["estimate"], alpha=0.25,
            label="smallest ℓ1 ball")
    th = np.linspace(0, 2 * np.pi, 200)
    a2.plot(r2 * np.cos(th), r2 * np.sin(th), "--", color=COLORS["pca"],
            label="smallest ℓ2 ball")
    a2.axhline(0, color=COLORS["true"], lw=2.5, alpha=0.7,
               label="ℓ0 ball $\\|h\\|_0 \\leq 1$ (the axes)")
    a2.axvline(0, color=COLORS["true"], lw=2.5, alpha=0.7)
    a2.plot(*h_l1, "D", color=COLORS["estimate"], ms=7, label="ℓ1 solution: sparse")
    a2.plot(*h_l2, "s", color=COLORS["pca"], ms=7, label="ℓ2 solution: dense")
    a2.annotate("ℓ1", h_l1, xytext=(-8, 4), textcoords="offset points", ha="right",
                color=COLORS["estimate"])
    a2.annotate("ℓ2", h_l2, xytext=(6, -10), textcoords="offset points", ha="left",
                color=COLORS["pca"])
    a2.set(xlim=(-1.3, 1.8), ylim=(-1.1, 1.5), aspect="equal", xlabel="$h_1$", ylabel="$h_2$",
           title="2-D: the ℓ1 ball meets the\nline at a vertex")
    if legend == "panels":
        legend_outside(a2, where="below", ncol=1, handlelength=1.5)
    else:
        handles, labels = [], []
        for ax in (a1, a2):
            for h_, l_ in zip(*ax.get_legend_handles_labels()):
                handles.append(h_)
                labels.append(l_)
        fig.legend(handles, labels, loc="outside lower center", ncol=3, handlelength=1.5,
                   columnspacing=1.0)
    if title:
        fig.suptitle(wrap(title, MAX_WIDTH, 12))
    return fig


def soft_threshold_plot(tau, *, ax=None, title=None, legend="right"):
    r"""Chapter 2: the map ``z ↦ thr_τ(z) = sign(z) max(|z| − τ, 0)`` with its dead zone.

    Parameters
    ----------
    tau : float > 0
    ax : matplotlib Axes, optional
    title : str, optional
    legend : {"right", "direct"}
        A legend beside the axes, or the three curves labelled inside the axes (a small
        figure, e.g. on a slide).

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If ``tau`` is not a finite number > 0, or ``legend`` is not one of the two choices.
    """
    if legend not in ("right", "direct"):
        raise ValueError(f"legend must be 'right' or 'direct', got {legend!r}")
    tau = check_scalar(tau, "tau", low=0.0, low_open=True)
    ax = ax_or_new(ax, 6.4, 3.6)
    z = np.linspace(-3 * tau, 3 * tau, 601)
    ax.axvspan(-tau, tau, color=COLORS["bound"], alpha=0.08, lw=0,
               label="|z| ≤ τ: set to 0")
    ax.plot(z, z, ":", color=COLORS["data"], label="z (no penalty)")
    ax.plot(z, np.sign(z) * np.maximum(np.abs(z) - tau, 0), color=COLORS["ista"], lw=2,
            label="$\\mathrm{thr}_\\tau(z)$")
    ax.axhline(0, color="k", lw=0.5)
    ax.set(xlabel="z (after the gradient step)", ylabel="new h", aspect="equal")
    if legend == "right":
        legend_outside(ax)
    else:
        ax.text(0, 2.9 * tau, "set\nto 0", ha="center", va="top", color=COLORS["bound"])
        ax.text(1.9 * tau, 2.9 * tau, "z", ha="right", va="top", color=COLORS["data"])
        ax.text(2.9 * tau, 1.3 * tau, "$\\mathrm{thr}_\\tau(z)$", ha="right", va="top",
                color=COLORS["ista"])
    if title:
        ax.set_title(wrap(title, 4.0))
    return ax


def gap_curves_plot(curves, *, iterations=None, references=None, floor=1e-15, ax=None,
                    title=None, legend=True, direct_labels=False):
    r"""Chapter 2: objective gaps ``F(H_k) − F*`` against the iteration, on log-log axes.

    Parameters
    ----------
    curves : dict of {label: array of shape (m,)}
        Gaps of each solver; values below ``floor`` (exact convergence) are drawn at
        ``floor``. Labels whose first word names an object of :data:`COLORS` take its colour.
    iterations : array of shape (m,), optional
        The iterations at which the gaps were recorded; ``1, ..., m`` by default.
    references : dict of {label: float}, optional
        Horizontal dotted lines, e.g. the gap of scikit-learn's solution.
    floor : float > 0
    ax : matplotlib Axes, optional
    title : str, optional
    legend : bool
        A legend right of the axes; with ``False`` the lines keep their labels, so one
        legend can serve several panels (``fig.legend``).
    direct_labels : bool
        Also write each curve's first word at its end, in its colour.

    Solvers differ by line style and marker as well as colour (ISTA solid with circles,
    FISTA dashed with squares, references dotted).

    Returns
    -------
    matplotlib Axes
    """
    ax = ax_or_new(ax)
    fallback = iter(("-.", "-", "--", ":") * 4)
    for label, gap in curves.items():
        gap = np.maximum(to_numpy(gap, np.float64), floor)
        it = np.arange(1, len(gap) + 1) if iterations is None else to_numpy(iterations)
        key = next((k for k in _SOLVER_STYLE if color_for(label) == COLORS.get(k)), None)
        ls, marker = _SOLVER_STYLE[key] if key else (next(fallback), None)
        ax.plot(it, gap, ls=ls, marker=marker, ms=4, markevery=max(1, len(gap) // 8),
                label=label, color=color_for(label))
        if direct_labels:
            ax.annotate(str(label).split()[0], (it[-1], gap[-1]), xytext=(4, 0),
                        textcoords="offset points", va="center", color=color_for(label))
    for label, value in (references or {}).items():
        ax.axhline(max(value, floor), ls=":", lw=1.5,
                   color=color_for(label, COLORS["bound"]), label=label)
    ax.set(xscale="log", yscale="log", xlabel="iteration k",
           ylabel="objective gap $F(H_k) - F^*$")
    if legend:
        legend_outside(ax)
    if title:
        ax.set_title(title)
    return ax


def race_figure(gaps, iterations, references=None, *, lam, title=None):
    r"""Chapter 2: ISTA against FISTA, one panel per dictionary, log-log objective gaps.

    Parameters
    ----------
    gaps : dict of {(dictionary, solver): array of shape (m,)}
        ``F(H_k) − F*`` at ``iterations``, e.g. ``{("random", "ISTA"): ...}``.
    iterations : array of shape (m,)
    references : dict of {dictionary: {label: float}}, optional
        Horizontal reference gaps per panel (e.g. scikit-learn's stopping point).
    lam : float
        λ, for the panel titles.
    title : str, optional

    Returns
    -------
    matplotlib Figure
    """
    names = list(dict.fromkeys(name for name, _ in gaps))
    fig = new_figure(MAX_WIDTH, 4.2)
    axes = fig.subplots(1, len(names), sharey=True, squeeze=False)[0]
    for ax, name in zip(axes, names):
        gap_curves_plot({solver: g for (n, solver), g in gaps.items() if n == name},
                        iterations=iterations, references=(references or {}).get(name),
                        ax=ax, legend=False, direct_labels=True,
                        title=f"{name} dictionary, λ = {lam:g}")
        ax.set_xlim(right=ax.get_xlim()[1] * 2.5)                  # room for the labels
    for ax in axes[1:]:
        ax.set_ylabel("")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center",
               ncol=3, frameon=False, fontsize=10)
    if title:
        fig.suptitle(wrap(title, MAX_WIDTH, 11), fontsize=11)
    return fig


def compression_figure(s, errors, bits=None, *, title=None):
    r"""Chapter 2: keeping the ``s`` largest coefficients in a fixed basis.

    Left: the relative squared error against ``s`` for each basis (markers, line styles and
    direct labels, not colour alone). Right (with ``bits``): the bits needed to say *which*
    ``s`` coefficients are kept, ``log₂ C(d, s)`` against its upper bound ``s log₂ d``.

    Parameters
    ----------
    s : array of shape (m,)
        Numbers of kept coefficients.
    errors : dict of {basis name: array of shape (m,)}
        Relative squared errors ``‖X − X_s‖²_F / ‖X‖²_F``.
    bits : dict of {label: array of shape (m,)}, optional
        Support bits, e.g. ``{"log₂ C(64, s)": ..., "s log₂ 64": ...}``.
    title : str, optional

    Returns
    -------
    matplotlib Figure
    """
    s = to_numpy(s, np.float64)
    fig = new_figure(MAX_WIDTH, 3.8)
    axes = fig.subplots(1, 2 if bits else 1, squeeze=False)[0]
    styles = iter([("-", "o"), ("--", "s"), ("-.", "^"), (":", "D")])
    palette = iter([COLORS["data"], COLORS["true"], COLORS["pca"], COLORS["estimate"]])
    ends = []                                                     # label heights so far
    for i, (name, err) in enumerate(errors.items()):
        (ls, marker), color = next(styles), color_for(name) or next(palette)
        err = to_numpy(err, np.float64)
        axes[0].plot(s, err, ls=ls, marker=marker, ms=4, color=color, label=name,
                     markevery=(i, 3))
        close = sum(abs(np.log10(err[-1] / e)) < 0.08 for e in ends)   # labels would touch
        axes[0].annotate(name, (s[-1], err[-1]), xytext=(4, 9 * close),
                         textcoords="offset points", va="center", color=color)
        ends.append(err[-1])
    axes[0].set(yscale="log", xlabel="coefficients kept per patch, s",
                ylabel="relative squared error", xlim=(0, s[-1] * 1.45),
                title="error of the s-term approximation")
    if bits:
        for (name, b), ls in zip(bits.items(), ("-", "--")):
            b = to_numpy(b, np.float64)
            axes[1].plot(s, b, ls=ls, color=COLORS["bound"], label=name)
        axes[1].set(xlabel="s", ylabel="bits for the support",
                    title="which s coefficients: bits")
        axes[1].legend(loc="upper left")
    if title:
        fig.suptitle(wrap(title, MAX_WIDTH, 11), fontsize=11)
    return fig


def _check_figsize(figsize):
    """``(width, height)`` in inches, both finite and > 0."""
    try:
        w, h = (float(v) for v in figsize)
    except (TypeError, ValueError):
        raise ValueError(f"figsize must be (width, height) in inches, got {figsize!r}") from None
    if not (np.isfinite(w) and np.isfinite(h) and w > 0 and h > 0):
        raise ValueError(f"figsize must be two numbers > 0, got {figsize!r}")
    return w, h


def _freeze_layout(fig, *titles, lines=2):
    """Lay ``fig`` out once by its constrained layout, with ``lines`` lines of room in every
    (still empty) title, then fix every axes where it is: a widget view's frames then keep
    one layout (see :class:`~reprcourse.figures.core.FigureView`)."""
    kept = [t.get_text() for t in titles]
    for t in titles:
        t.set_text("\n".join(["Xy"] * lines))
    fig.draw_without_rendering()
    for ax in fig.axes:
        ax.set_position(ax.get_position(original=False))
    fig.set_layout_engine("none")
    for t, text in zip(titles, kept):
        t.set_text(text)


class SparsityView(FigureView):
    """Chapter 2 widget frame: λ against sparsity and error, and a few patches, in place.

    Top: the mean number of non-zeros and the relative squared error along the λ grid, one
    line per dictionary (the current one bold) with the current λ marked; bottom: the shown
    samples above their reconstructions at that λ. Axes are fixed for every frame.

    Parameters
    ----------
    paths : dict of {name: dict}
        Per dictionary, arrays over the λ grid: ``"lam"`` (m,), ``"nnz"`` (m,), ``"error"``
        (m,) and ``"recon"`` (m, n_show, n_features).
    originals : array of shape (n_show, n_features)
        The samples whose reconstructions ``"recon"`` holds.
    colors : dict of {name: color}
    n_atoms : dict of {name: int}
    shape : (height, width), optional
        Image shape of a sample; square by default.
    figsize : (width, height), optional
        Inches. By default the book's frame (:data:`MAX_WIDTH` × 5.4, fixed margins); with a
        size, the panels are laid out once for it by matplotlib's constrained layout (room
        for a two-line title) and then frozen, so every frame keeps one layout and nothing
        is cut off at any size, e.g. a small figure shown large on a slide.

    Raises
    ------
    ValueError
        If ``figsize`` is not two numbers > 0.
    """

    def __init__(self, paths, originals, *, colors, n_atoms, shape=None, figsize=None):
        size = (MAX_WIDTH, 5.4) if figsize is None else _check_figsize(figsize)
        super().__init__(new_figure(*size, layout=None if figsize is None else "constrained"))
        self.paths, self.colors, self.n_atoms = paths, colors, n_atoms
        self.originals, self.shape = to_numpy(originals), shape
        if figsize is None:
            gs = self.fig.add_gridspec(2, 2, height_ratios=(1.3, 1), left=0.1, right=0.98,
                                       bottom=0.02, top=0.86, hspace=0.4, wspace=0.35)
        else:
            gs = self.fig.add_gridspec(2, 2, height_ratios=(1, 1))
        a_nnz, a_err = self.fig.add_subplot(gs[0, 0]), self.fig.add_subplot(gs[0, 1])
        styles = dict(zip(paths, [("-", "o"), ("--", "s"), ("-.", "^"), (":", "D")] * 4))
        self.lines = {name: tuple(ax.plot(p["lam"], p[key], color=colors[name],
                                          ls=styles[name][0], marker=styles[name][1], ms=3,
                                          label=name)[0]
                                  for ax, key in ((a_nnz, "nnz"), (a_err, "error")))
                      for name, p in paths.items()}
        self.marks = (a_nnz.plot([], [], "o", ms=8)[0], a_err.plot([], [], "o", ms=8)[0])
        a_nnz.set(xscale="log", yscale="log", xlabel="λ", ylabel="non-zeros per sample")
        a_err.set(xscale="log", xlabel="λ", ylabel="relative squared error", ylim=(0, 1.02))
        for axis in (a_nnz.xaxis, a_nnz.yaxis, a_err.xaxis):     # plain "%g" labels and no
            axis.set_major_formatter(FormatStrFormatter("%g"))    # minor ticks: no mathtext,
            axis.set_minor_locator(NullLocator())                 # a cheaper redraw
        if len(paths) > 1:
            a_nnz.legend(loc="lower left", bbox_to_anchor=(0.0, 1.02), ncol=len(paths),
                         borderaxespad=0)
        first = next(iter(paths))
        self.images = patch_pairs(self.originals, paths[first]["recon"][0], shape=shape,
                                  ax=self.fig.add_subplot(gs[1, :]),
                                  labels=("patch", "H Dᵀ"))
        self.title = self.fig.suptitle("")
        if figsize is not None:
            _freeze_layout(self.fig, self.title)
        self.dynamic(*(line for pair in self.lines.values() for line in pair), *self.marks,
                     self.images, self.title)

    def update(self, i, dictionary):
        """Show λ number ``i`` of the grid for the dictionary named ``dictionary``.

        Returns
        -------
        matplotlib Figure
        """
        path = self.paths[dictionary]
        for name, pair in self.lines.items():
            for line in pair:
                line.set(lw=2.5 if name == dictionary else 1,
                         alpha=1 if name == dictionary else 0.45)
        for mark, key in zip(self.marks, ("nnz", "error")):
            mark.set_data([path["lam"][i]], [path[key][i]])
            mark.set_color(self.colors[dictionary])
        self.images.set_data(patch_pairs_canvas(self.originals, path["recon"][i],
                                                shape=self.shape))
        self.title.set_text(wrap(f"{dictionary} dictionary, λ = {path['lam'][i]:.3g}: "
                                 f"{path['nnz'][i]:.1f} of {self.n_atoms[dictionary]} "
                                 f"coefficients non-zero, {path['error'][i]:.1%} of the "
                                 f"energy lost", self.fig.get_figwidth(), 12))
        return self.fig
