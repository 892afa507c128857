"""Figure code for the chapters, kept out of the notebooks.

One colour per object across the whole book (:data:`COLORS`), labelled axes, titles that
state the finding. Every function draws into a given ``ax`` (or makes its own figure) and
returns the matplotlib object it drew, so notebooks stay short.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ._validation import check_array, check_int

__all__ = ["COLORS", "atom_grid", "image_grid", "loss_curves"]

#: The same colour for the same object in every chapter.
COLORS = {
    "data": "#7f7f7f",        # samples, inputs
    "true": "#1f77b4",        # ground truth (h*, planted dictionary, original image)
    "estimate": "#d62728",    # what the method recovered or reconstructed
    "ista": "#ff7f0e",
    "fista": "#2ca02c",
    "sklearn": "#9467bd",
    "pca": "#8c564b",
    "kmeans": "#e377c2",
    "autoencoder": "#17becf",
    "vae": "#bcbd22",
    "bound": "#000000",       # theoretical bounds and regions
}


def image_grid(images, *, shape=None, n_cols=None, ax=None, cmap="gray", symmetric=False,
               title=None, pad=1):
    """Tile flattened images into one picture.

    Parameters
    ----------
    images : array of shape (n_images, height * width)
        One image per row.
    shape : (height, width), optional
        Image shape; square by default.
    n_cols : int, optional
        Images per row of the grid; about ``sqrt(n_images)`` by default.
    ax : matplotlib Axes, optional
    cmap : str
    symmetric : bool
        Scale each image to ``[-max|v|, max|v|]`` (for atoms and filters, which have a
        sign) instead of ``[min, max]``.
    title : str, optional
    pad : int
        Pixels of blank space between images.

    Returns
    -------
    matplotlib.image.AxesImage
    """
    images = np.asarray(check_array(images, "images", shape_hint="(n_images, n_pixels)"),
                        dtype=np.float64)
    n, p = images.shape
    if shape is None:
        side = int(round(np.sqrt(p)))
        if side * side != p:
            raise ValueError(f"images have {p} pixels, not a square; pass shape=(height, width)")
        shape = (side, side)
    h, w = shape
    if h * w != p:
        raise ValueError(f"shape={shape} has {h * w} pixels but images have {p}")
    n_cols = check_int(n_cols, "n_cols", low=1) if n_cols is not None else int(np.ceil(np.sqrt(n)))
    n_rows = int(np.ceil(n / n_cols))
    canvas = np.full((n_rows * (h + pad) + pad, n_cols * (w + pad) + pad), np.nan)
    for i, img in enumerate(images.reshape(n, h, w)):
        if symmetric:
            m = np.abs(img).max()
            img = img / m if m > 0 else img
        else:
            lo, hi = img.min(), img.max()
            img = (img - lo) / (hi - lo) if hi > lo else np.zeros_like(img)
        r, c = divmod(i, n_cols)
        canvas[pad + r * (h + pad): pad + r * (h + pad) + h,
               pad + c * (w + pad): pad + c * (w + pad) + w] = img
    if ax is None:
        _, ax = plt.subplots(figsize=(min(8, 0.5 + 0.1 * canvas.shape[1]),) * 2)
    vmin, vmax = (-1, 1) if symmetric else (0, 1)
    cm = plt.get_cmap(cmap).with_extremes(bad="white")
    im = ax.imshow(canvas, cmap=cm, vmin=vmin, vmax=vmax, interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return im


def atom_grid(D, *, shape=None, n_cols=None, ax=None, title=None):
    """Show the atoms (columns) of a dictionary ``D`` of shape (n_features, n_atoms) as images."""
    D = check_array(D, "D", shape_hint="(n_features, n_atoms)")
    return image_grid(np.asarray(D).T, shape=shape, n_cols=n_cols, ax=ax, cmap="RdBu_r",
                      symmetric=True, title=title)


def loss_curves(curves, *, ax=None, xlabel="iteration", ylabel="objective", logy=False,
                title=None):
    """Plot several curves ``{label: values}``, coloured by :data:`COLORS` where the label
    (lower-cased, first word) names a known object."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    for label, values in curves.items():
        values = np.asarray(values, dtype=float)
        color = COLORS.get(label.lower().split()[0])
        ax.plot(np.arange(1, len(values) + 1), values, label=label, color=color)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False)
    if title:
        ax.set_title(title)
    return ax


# --- chapter 1-2: structure learning, sparse coding (owned by the foundation chapters) ---
def cluster_scatter(Z, labels, *, centers=None, center_labels=None, ax=None, xlabel="PC 1",
                    ylabel="PC 2", legend_title="cluster", title=None, s=4, legend=True):
    """Chapters 0-1: 2-D codes (e.g. PCA projections) coloured by a label, with centres.

    Parameters
    ----------
    Z : array of shape (n, 2)
        Points, e.g. ``pca(X, 2).transform(X)``.
    labels : array of shape (n,), non-negative integers
        Colour index of each point (cluster or class), ``tab10`` colours.
    centers : array of shape (k, 2), optional
        Drawn as black-edged stars (e.g. projected k-means centres).
    center_labels : array of shape (k,), optional
        Colour index of each centre; ``0, ..., k-1`` by default.
    ax : matplotlib Axes, optional
    xlabel, ylabel, legend_title, title : str
    s : float
        Marker size.
    legend : bool
        Draw the legend to the right of the axes; with ``False`` the points still carry
        their labels, so one legend can serve several panels (``fig.legend``).

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If ``Z`` is not (n, 2) or ``labels`` is not (n,).
    """
    Z = np.asarray(check_array(Z, "Z", shape_hint="(n, 2)"))
    labels = np.asarray(labels)
    if Z.shape[1] != 2 or labels.shape != (Z.shape[0],):
        raise ValueError(f"Z must be (n, 2) and labels (n,), got {Z.shape} and {labels.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(5.4, 4.4), layout="constrained")
    cmap = plt.get_cmap("tab10")
    for c in np.unique(labels):
        pts = Z[labels == c]
        ax.scatter(pts[:, 0], pts[:, 1], s=s, color=cmap(int(c) % 10), label=str(c),
                   alpha=0.6, rasterized=True)
    if centers is not None:
        C = np.asarray(check_array(centers, "centers", shape_hint="(k, 2)"))
        idx = np.arange(len(C)) if center_labels is None else np.asarray(center_labels)
        ax.scatter(C[:, 0], C[:, 1], marker="*", s=220, c=[cmap(int(j) % 10) for j in idx],
                   edgecolors="black", linewidths=1.2, zorder=3)
    ax.set(xlabel=xlabel, ylabel=ylabel)
    if legend:
        ax.legend(title=legend_title, markerscale=3, frameon=False, fontsize=9,
                  loc="upper left", bbox_to_anchor=(1.0, 1.0))
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def explained_variance_curve(ratio, *, marks=(0.5, 0.9), ax=None, title=None):
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
    """
    ratio = np.asarray(check_array(ratio, "ratio", ndim=1, shape_hint="(n_components,)"))
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.4), layout="constrained")
    k = np.arange(1, len(ratio) + 1)
    cum = np.cumsum(ratio)
    ax.plot(k, cum, color=COLORS["pca"], label="PCA, first k directions")
    for level in marks:
        kk = int(np.searchsorted(cum, level - 1e-12) + 1)
        if kk <= len(ratio):
            ax.plot([kk, kk, 0], [0, cum[kk - 1], cum[kk - 1]], ls=":", color=COLORS["bound"],
                    lw=0.8)
            ax.annotate(f"{level:.0%} at k = {kk}", (kk, 0), xytext=(-3, 4),  # along the
                        textcoords="offset points", fontsize=9, rotation=90,  # dotted line,
                        ha="right", va="bottom")                              # under the curve
    ax.set(xscale="log", xlabel="number of components k",
           ylabel="fraction of variance explained", ylim=(0, 1.02), xlim=(1, len(ratio)))
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def code_stems(codes, *, title=None):
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
    """
    fig, axes = plt.subplots(len(codes), 1, figsize=(7, 1.35 * len(codes) + 0.4),
                             layout="constrained", squeeze=False)
    for ax, (label, h) in zip(axes[:, 0], codes.items()):
        h = np.asarray(check_array(h, f"codes[{label!r}]", ndim=1,
                                   shape_hint="(n_coefficients,)"))
        key = label.lower().split()[0].rstrip(":").replace("-", "")    # "k-means" -> "kmeans"
        color = COLORS.get(key, COLORS["estimate"])
        idx = np.arange(len(h))
        ax.vlines(idx, 0, h, color=color, lw=1.5)
        nz = h != 0
        ax.plot(idx[nz], h[nz], "o", ms=3, color=color)
        ax.axhline(0, color="k", lw=0.5)
        ax.set_ylabel("value", fontsize=9)
        ax.set_title(f"{label}: {int(nz.sum())} of {len(h)} coefficients non-zero",
                     fontsize=10, loc="left")
    axes[-1, 0].set_xlabel("coefficient index")
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


def penalty_figure(*, title=None):
    r"""Chapter 2: why l1 stands in for l0.

    Left: ``‖h‖₀`` and ``|h|`` in one dimension; on the box ``[-1, 1]`` the l1 norm is the
    largest convex function below l0 (its convex envelope). Right: the line of solutions of
    ``h₁ + 2.5 h₂ = 2``; the smallest l1 ball touches it at a vertex, a 1-sparse point on the
    l0 "ball" ``{‖h‖₀ ≤ 1}`` (the axes), while the smallest l2 ball touches a dense point.

    Returns
    -------
    matplotlib Figure
    """
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(7.2, 4.3), layout="constrained")
    h = np.linspace(-1.6, 1.6, 401)
    a1.axvspan(-1, 1, color=COLORS["bound"], alpha=0.06, lw=0, label="box |h| ≤ 1")
    a1.plot(h[h < 0], np.ones((h < 0).sum()), color=COLORS["true"], lw=2.5,
            label="ℓ0: $\\|h\\|_0$")
    a1.plot(h[h > 0], np.ones((h > 0).sum()), color=COLORS["true"], lw=2.5)
    a1.plot([0], [0], "o", color=COLORS["true"], ms=6)
    a1.plot([0], [1], "o", mfc="white", color=COLORS["true"], ms=6)
    a1.plot(h, np.abs(h), color=COLORS["estimate"], lw=2, label="ℓ1: $|h|$")
    a1.set(xlabel="h", ylabel="penalty", ylim=(-0.05, 1.65), xlim=(-1.6, 1.6),
           title="1-D: ℓ1 is the convex\nenvelope of ℓ0 on the box")
    a1.legend(frameon=False, fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.16),
              ncol=2)

    a, b = np.array([1.0, 2.5]), 2.0                              # the line a·h = b
    h_l1 = np.array([0.0, b / a[1]])                              # vertex of the l1 ball
    h_l2 = a * b / (a @ a)                                        # least-norm point
    t = np.linspace(-1.5, 2.5, 2)
    a2.plot(t, (b - a[0] * t) / a[1], color=COLORS["data"], lw=1.5,
            label="solutions of $a^Th = b$")
    r1, r2 = h_l1[1], np.linalg.norm(h_l2)
    a2.fill([r1, 0, -r1, 0], [0, r1, 0, -r1], color=COLORS["estimate"], alpha=0.25,
            label="smallest ℓ1 ball")
    th = np.linspace(0, 2 * np.pi, 200)
    a2.plot(r2 * np.cos(th), r2 * np.sin(th), "--", color=COLORS["pca"],
            label="smallest ℓ2 ball")
    a2.axhline(0, color=COLORS["true"], lw=2.5, alpha=0.7,
               label="ℓ0 ball $\\|h\\|_0 \\leq 1$ (the axes)")
    a2.axvline(0, color=COLORS["true"], lw=2.5, alpha=0.7)
    a2.plot(*h_l1, "o", color=COLORS["estimate"], ms=7, label="ℓ1 solution: sparse")
    a2.plot(*h_l2, "o", color=COLORS["pca"], ms=7, label="ℓ2 solution: dense")
    a2.set(xlim=(-1.3, 1.8), ylim=(-1.1, 1.5), aspect="equal", xlabel="$h_1$", ylabel="$h_2$",
           title="2-D: the ℓ1 ball meets the\nline at a vertex")
    a2.legend(frameon=False, fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.16),
              ncol=2, columnspacing=1.0, handlelength=1.5)
    for ax in (a1, a2):
        ax.title.set_fontsize(10)
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


def soft_threshold_plot(tau, *, ax=None, title=None):
    r"""Chapter 2: the map ``z ↦ thr_τ(z) = sign(z) max(|z| − τ, 0)`` with its dead zone.

    Parameters
    ----------
    tau : float > 0
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    from ._validation import check_scalar
    tau = check_scalar(tau, "tau", low=0.0, low_open=True)
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.6), layout="constrained")
    z = np.linspace(-3 * tau, 3 * tau, 601)
    ax.axvspan(-tau, tau, color=COLORS["bound"], alpha=0.08, lw=0,
               label="|z| ≤ τ: sign would flip → 0")
    ax.plot(z, z, ":", color=COLORS["data"], label="z (no penalty)")
    ax.plot(z, np.sign(z) * np.maximum(np.abs(z) - tau, 0), color=COLORS["ista"], lw=2,
            label="$\\mathrm{thr}_\\tau(z)$")
    ax.axhline(0, color="k", lw=0.5)
    ax.set(xlabel="z (after the gradient step)", ylabel="new h", aspect="equal")
    ax.legend(frameon=False, fontsize=9, loc="lower right")      # that corner stays empty
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def gap_curves(curves, *, iterations=None, references=None, floor=1e-15, ax=None, title=None,
               legend=True):
    r"""Chapter 2: objective gaps ``F(H_k) − F*`` against the iteration, on log-log axes.

    Parameters
    ----------
    curves : dict of {label: array of shape (m,)}
        Gaps of each solver; values below ``floor`` (exact convergence) are drawn at
        ``floor``. Labels whose first word names an object of :data:`COLORS` (``ISTA``,
        ``FISTA``) take its colour.
    iterations : array of shape (m,), optional
        The iterations at which the gaps were recorded; ``1, ..., m`` by default.
    references : dict of {label: float}, optional
        Horizontal dashed lines, e.g. the gap of scikit-learn's solution.
    floor : float > 0
    ax : matplotlib Axes, optional
    title : str, optional
    legend : bool
        Draw a legend in the axes; with ``False`` the lines keep their labels, so one
        legend can serve several panels (``fig.legend``).

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.6), layout="constrained")
    for label, gap in curves.items():
        gap = np.maximum(np.asarray(gap, dtype=float), floor)
        it = np.arange(1, len(gap) + 1) if iterations is None else np.asarray(iterations)
        ax.plot(it, gap, label=label, color=COLORS.get(label.lower().split()[0]))
    for label, value in (references or {}).items():
        ax.axhline(max(value, floor), ls="--", lw=1.2,
                   color=COLORS.get(label.lower().split()[0], COLORS["bound"]), label=label)
    ax.set(xscale="log", yscale="log", xlabel="iteration k",
           ylabel="objective gap $F(H_k) - F^*$")
    if legend:
        ax.legend(frameon=False, fontsize=9)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def patch_pairs(originals, reconstructions, *, shape=None, ax=None,
                labels=("original", "reconstruction")):
    """Chapter 2: patches (top row) above their reconstructions (bottom row).

    Each column shares one grey scale, symmetric around 0 and set by the original, so a
    reconstruction that the l1 penalty has shrunk really looks fainter (unlike
    :func:`image_grid`, which scales every image on its own).

    Parameters
    ----------
    originals, reconstructions : arrays of shape (n_images, height * width)
    shape : (height, width), optional
        Square by default.
    ax : matplotlib Axes, optional
    labels : (str, str)
        Row labels.

    Returns
    -------
    matplotlib.image.AxesImage

    Raises
    ------
    ValueError
        If the two arrays differ in shape or the images are not square and no shape is given.
    """
    A = np.asarray(check_array(originals, "originals", shape_hint="(n_images, n_pixels)"))
    B = np.asarray(check_array(reconstructions, "reconstructions",
                               shape_hint="(n_images, n_pixels)"))
    if A.shape != B.shape:
        raise ValueError(f"originals {A.shape} and reconstructions {B.shape} differ in shape")
    n, p = A.shape
    h, w = shape if shape is not None else (int(round(np.sqrt(p))),) * 2
    if h * w != p:
        raise ValueError(f"images have {p} pixels; pass shape=(height, width)")
    scale = np.abs(A).max(axis=1, keepdims=True)                  # (n, 1) one scale per column
    scale[scale == 0] = 1.0
    tiles = np.concatenate([A / scale, np.clip(B / scale, -1, 1)]).reshape(2, n, h, w)
    canvas = np.full((2 * (h + 1) + 1, n * (w + 1) + 1), np.nan)
    for r in range(2):
        for c in range(n):
            canvas[1 + r * (h + 1): 1 + r * (h + 1) + h, 1 + c * (w + 1): 1 + c * (w + 1) + w] = \
                tiles[r, c]
    if ax is None:
        _, ax = plt.subplots(figsize=(1.0 * n + 1.5, 2.4), layout="constrained")
    cmap = plt.get_cmap("gray").with_extremes(bad="white")
    im = ax.imshow(canvas, cmap=cmap, vmin=-1, vmax=1, interpolation="nearest")
    ax.set_axis_off()
    for r, label in enumerate(labels):
        ax.text(-0.5, 1 + r * (h + 1) + h / 2, label, ha="right", va="center", fontsize=9)
    return im


# --- chapter 3: ISTA and recovery (owned by the recovery chapter) ---
class OneStepView:
    """A figure of the one-step encoder on one instance that redraws only its data.

    Shows ``Dᵀx`` (bars), the dead zone ``[−λ, λ]``, the true code ``h*`` (circles), the
    one-step code ``thr_λ(Dᵀx)`` (crosses), and shades atoms whose sign is wrong. Building the
    axes once and moving artists in :meth:`update` keeps a widget redraw cheap.

    Parameters
    ----------
    n_atoms : int
    ylim : float
        The y axis spans ``[−ylim, ylim]``.
    ax : matplotlib Axes, optional
        A new figure (outside pyplot, so it is never shown twice) by default, kept small
        and with short labels: rendering text dominates a widget update.
    fontsize : float, optional
        Size of the title and legend text, and (when given) of the tick and axis labels.

    Raises
    ------
    ValueError
        If ``n_atoms < 1``, or :meth:`update` gets arrays that are not 1-D of length
        ``n_atoms`` or not finite.
    """

    def __init__(self, n_atoms, *, ylim, ax=None, fontsize=None):
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator

        n = check_int(n_atoms, "n_atoms", low=1)
        if ax is None:
            ax = Figure(figsize=(8, 3), dpi=80).add_subplot()
            ax.figure.subplots_adjust(left=0.08, right=0.78, top=0.83, bottom=0.15)
        self._fontsize = 9 if fontsize is None else fontsize
        self.ax, self.fig, self._idx = ax, ax.figure, np.arange(n)
        width_pt = 72 * self.fig.get_figwidth() * ax.get_position().width / n   # one atom
        self._wrong = ax.vlines([], -ylim, ylim, lw=width_pt, color=COLORS["estimate"],
                                alpha=0.15)
        self._band = ax.axhspan(-1, 1, color=COLORS["bound"], alpha=0.08, lw=0)
        self._edges = [ax.axhline(y, color=COLORS["bound"], ls="--", lw=0.8) for y in (-1, 1)]
        self._edges[1].set_label("±λ")
        self._bars = ax.vlines(self._idx, 0, 0, lw=0.7 * width_pt, color=COLORS["data"],
                               alpha=0.5, label="Dᵀx")
        self._true, = ax.plot([], [], "o", mfc="none", mew=1.6, ms=8, color=COLORS["true"],
                              label="h* (true)")
        self._code, = ax.plot([], [], "x", mew=2, ms=7, color=COLORS["estimate"],
                              label="one step")
        ax.axhline(0, color="k", lw=0.5)
        ax.set(xlim=(-0.5, n - 0.5), ylim=(-ylim, ylim))
        labels = {} if fontsize is None else {"fontsize": fontsize}
        ax.set_xlabel("atom i", **labels)
        ax.set_ylabel("coefficient", **labels)
        if fontsize is not None:
            ax.tick_params(labelsize=fontsize)
        ax.yaxis.set_major_locator(MaxNLocator(5))
        ax.xaxis.set_major_locator(MaxNLocator(5, integer=True))
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False,
                  fontsize=self._fontsize)

    def update(self, h_star, z, code, lam, *, title=None):
        """Show a new instance; arrays of shape (n_atoms,), ``lam`` the threshold.

        Returns
        -------
        matplotlib Figure
        """
        idx = self._idx
        h_star, z, code = (np.asarray(check_array(a, name, ndim=1, shape_hint="(n_atoms,)"))
                           for a, name in ((h_star, "h_star"), (z, "z"), (code, "code")))
        for a, name in ((h_star, "h_star"), (z, "z"), (code, "code")):
            if len(a) != len(idx):
                raise ValueError(f"{name} has {len(a)} entries but the view has {len(idx)} "
                                 f"atoms")
        lo, hi = self.ax.get_ylim()
        wrong = idx[np.sign(code) != np.sign(h_star)]
        self._wrong.set_segments([[(i, lo), (i, hi)] for i in wrong])
        self._band.set_y(-lam)
        self._band.set_height(2 * lam)
        for line, y in zip(self._edges, (-lam, lam)):
            line.set_ydata([y, y])
        self._bars.set_segments([[(i, 0), (i, v)] for i, v in zip(idx, z)])
        self._true.set_data(idx[h_star != 0], h_star[h_star != 0])
        self._code.set_data(idx[code != 0], code[code != 0])
        self.ax.set_title(title or "", fontsize=self._fontsize)
        return self.fig


def plot_one_step(h_star, z, code, lam, *, ax=None, title=None, fontsize=11):
    """Draw the one-step encoder on one instance (see :class:`OneStepView`).

    Parameters
    ----------
    h_star, z, code : arrays of shape (n_atoms,)
        True code, ``Dᵀx`` and the one-step code ``thr_λ(Dᵀx)``.
    lam : float
        Threshold λ.
    ax : matplotlib Axes, optional
    title : str, optional
    fontsize : float
        Size of all text (11 pt stays readable when an 8-inch figure is shrunk to the
        book's column).

    Returns
    -------
    matplotlib Axes
    """
    z = np.asarray(check_array(z, "z", ndim=1, shape_hint="(n_atoms,)"))
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.3), layout="constrained")
    ylim = 1.1 * max(np.abs(z).max(), np.abs(np.asarray(h_star)).max(), lam)
    view = OneStepView(len(z), ylim=ylim, ax=ax, fontsize=fontsize)
    view.update(h_star, z, code, lam, title=title)
    return ax


def _rate_map(rates, x, y, ax, xlabel, ylabel, title, colorbar=True):
    """Recovery rates on a grid as an image (rows: y, columns: x), optionally with a colour
    bar; the image is ``ax.images[0]``."""
    rates = np.asarray(check_array(rates, "rates", shape_hint="(n_y, n_x)"))
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if rates.shape != (len(y), len(x)):
        raise ValueError(f"rates has shape {rates.shape} but the grids give {(len(y), len(x))}; "
                         f"rates must be (len(y values), len(x values))")
    if ax is None:
        _, ax = plt.subplots(figsize=(5.6, 4.2), layout="constrained")

    def edges(v):
        step = np.diff(v).mean() if len(v) > 1 else 1.0
        return v[0] - step / 2, v[-1] + step / 2

    im = ax.imshow(rates, origin="lower", aspect="auto", cmap="viridis", vmin=0, vmax=1,
                   extent=(*edges(x), *edges(y)), interpolation="nearest")
    if colorbar:
        ax.figure.colorbar(im, ax=ax, label="recovery rate")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return ax


def _bound_line(ax, x, y, label, ls="-", lw=2.5):
    from matplotlib import patheffects
    ax.plot(x, y, ls=ls, lw=lw, color=COLORS["bound"], label=label, solid_capstyle="butt",
            path_effects=[patheffects.withStroke(linewidth=lw + 2.5, foreground="white")])


def plot_noise_phase_diagram(rates, lam_ratios, noise_ratios, *, worst_case=True, ax=None,
                             title=None, colorbar=True, legend=True):
    """Recovery rate over (λ/τ, ‖ε‖₂/τ) for an orthogonal ``D``, with the theorems drawn on top.

    Theorem 1 holds on the segment ``ε = 0, 0 < λ < τ``; theorem 2 on ``λ = τ/2,
    ‖ε‖₂ ≤ τ/4``. With ``worst_case``, the exact boundary for the worst noise and
    ``|h*_i| = τ`` is drawn too: ``‖ε‖₂ < min(λ, τ − λ)``.

    Parameters
    ----------
    rates : array of shape (n_noise, n_lam)
        From :func:`reprcourse.recovery.noise_phase_diagram`.
    lam_ratios, noise_ratios : arrays of shape (n_lam,), (n_noise,)
    colorbar, legend : bool
        Draw a colour bar and a legend for this panel (:func:`noise_phase_figure` draws one
        of each for all its panels instead).

    Returns
    -------
    matplotlib Axes
    """
    ax = _rate_map(rates, lam_ratios, noise_ratios, ax, "threshold λ / τ", "noise ‖ε‖₂ / τ",
                   title, colorbar)
    _bound_line(ax, [0, 1], [0, 0], "theorem 1 (ε = 0, λ < τ)", lw=4)
    _bound_line(ax, [0.5, 0.5], [0, 0.25], "theorem 2 (λ = τ/2, ‖ε‖₂ ≤ τ/4)")
    if worst_case:
        _bound_line(ax, [0, 0.5, 1], [0, 0.5, 0], "exact limit, worst-case noise", ls="--",
                    lw=1.5)
    ax.set_ylim(bottom=min(ax.get_ylim()[0], -0.02))
    if legend:
        ax.legend(loc="upper right", fontsize=8, framealpha=0.85)
    return ax


def plot_coherence_phase_diagram(rates, sparsities, mu_M_ratios, *, aligned=True, ax=None,
                                 title=None, colorbar=True, legend=True):
    """Recovery rate over (‖h*‖₀, μM/τ) at λ = τ/2, with theorem 3's region drawn on top.

    Theorem 3 holds below the curve ``‖h*‖₀ μ M/τ = 1/8``. With ``aligned``, the curve
    ``‖h*‖₀ μ M/τ = 1/2`` is drawn too: beyond it one step fails for equicorrelated atoms and
    a code with every entry ``+M`` and no noise.

    Parameters
    ----------
    rates : array of shape (n_mu, n_sparsities)
        From :func:`reprcourse.recovery.coherence_phase_diagram`.
    sparsities, mu_M_ratios : arrays of shape (n_sparsities,), (n_mu,)
    colorbar, legend : bool
        Draw a colour bar and a legend for this panel (:func:`coherence_phase_figure` draws
        one of each for all its panels instead).

    Returns
    -------
    matplotlib Axes
    """
    ax = _rate_map(rates, sparsities, mu_M_ratios, ax, "sparsity ‖h*‖₀", "coherence μM / τ",
                   title, colorbar)
    s = np.linspace(max(0.5, np.min(sparsities) - 0.5), np.max(sparsities) + 0.5, 200)
    top = ax.get_ylim()[1]
    ax.fill_between(s, 0, np.minimum(1 / (8 * s), top), color="white", alpha=0.25, lw=0)
    _bound_line(ax, s, np.minimum(1 / (8 * s), top), "theorem 3: ‖h*‖₀ μ M = τ/8")
    if aligned:
        _bound_line(ax, s, np.minimum(1 / (2 * s), top), "exact limit, aligned codes: τ/2",
                    ls="--", lw=1.5)
    if legend:
        ax.legend(loc="upper right", fontsize=8, framealpha=0.85)
    return ax


#: Text sizes for the chapter-3 figures: an 8-inch figure is shrunk to about 0.86 of its
#: size in the book's column, and 11 pt text stays above 9 pt there.
_READABLE = {"font.size": 11, "axes.titlesize": 11, "axes.labelsize": 11,
             "legend.fontsize": 11, "figure.titlesize": 12}


def _phase_panels(plot, panels, x, y, *, suptitle=None, figsize=(8, 4.6)):
    """Phase diagrams side by side on one colour scale: one colour bar for all panels, one
    legend below them (so it covers no data), the y axis shared."""
    with plt.rc_context(_READABLE):
        fig, axes = plt.subplots(1, len(panels), figsize=figsize, sharey=True,
                                 layout="constrained", squeeze=False)
        axes = axes[0]
        for ax, (title, (rates, options)) in zip(axes, panels.items()):
            plot(rates, x, y, ax=ax, title=title, colorbar=False, legend=False, **options)
        for ax in axes[1:]:
            ax.set_ylabel("")
        fig.colorbar(axes[0].images[0], ax=axes, label="recovery rate", aspect=30)
        entries = {}                                       # label -> handle, first panel wins
        for ax in axes:
            for handle, label in zip(*ax.get_legend_handles_labels()):
                entries.setdefault(label, handle)
        fig.legend(list(entries.values()), list(entries), loc="outside lower center", ncol=2,
                   frameon=False, handlelength=2.5, columnspacing=1.5)
        if suptitle:
            fig.suptitle(suptitle)
    return fig


def noise_phase_figure(rates_random, rates_worst, lam_ratios, noise_ratios, *,
                       suptitle=None):
    """Theorem 2's phase diagrams for random and worst-case noise, side by side, 8 in wide.

    Each panel is :func:`plot_noise_phase_diagram`; the exact worst-case limit is drawn on
    the worst-case panel only. One colour bar and one legend (below the panels) serve both.

    Parameters
    ----------
    rates_random, rates_worst : arrays of shape (n_noise, n_lam)
        From :func:`reprcourse.recovery.noise_phase_diagram` with ``noise_kind="random"``
        and ``"adversarial"``.
    lam_ratios, noise_ratios : arrays of shape (n_lam,), (n_noise,)
    suptitle : str, optional

    Returns
    -------
    matplotlib Figure

    Raises
    ------
    ValueError
        If a ``rates`` array does not have shape ``(len(noise_ratios), len(lam_ratios))``.
    """
    panels = {"random noise direction": (rates_random, {"worst_case": False}),
              "worst-case direction (one atom)": (rates_worst, {"worst_case": True})}
    return _phase_panels(plot_noise_phase_diagram, panels, lam_ratios, noise_ratios,
                         suptitle=suptitle)


def coherence_phase_figure(rates_aligned, rates_random, sparsities, mu_M_ratios, *,
                           suptitle=None):
    """Theorem 3's phase diagrams for aligned and random-sign codes, side by side, 8 in wide.

    Each panel is :func:`plot_coherence_phase_diagram` with both curves; one colour bar and
    one legend (below the panels) serve both.

    Parameters
    ----------
    rates_aligned, rates_random : arrays of shape (n_mu, n_sparsities)
        From :func:`reprcourse.recovery.coherence_phase_diagram` with ``signs="positive"``
        and ``"random"``.
    sparsities, mu_M_ratios : arrays of shape (n_sparsities,), (n_mu,)
    suptitle : str, optional

    Returns
    -------
    matplotlib Figure

    Raises
    ------
    ValueError
        If a ``rates`` array does not have shape ``(len(mu_M_ratios), len(sparsities))``.
    """
    panels = {"aligned signs (worst case)": (rates_aligned, {}),
              "random signs": (rates_random, {})}
    return _phase_panels(plot_coherence_phase_diagram, panels, sparsities, mu_M_ratios,
                         suptitle=suptitle)


# --- chapter 4: dictionary learning (owned by the dictionary-learning chapter) ---
def atoms_vs_pca(D, components, *, n_show=64, usage=None, title=None):
    """Learned atoms next to principal components, as two grids of 8×8 images.

    Parameters
    ----------
    D : array of shape (n_features, n_atoms)
        Learned dictionary; the ``n_show`` most used atoms are shown if ``usage`` is given.
    components : array of shape (n_components, n_features)
        Principal directions as rows, largest variance first.
    usage : array of shape (n_atoms,), optional
        How often each atom is used (e.g. ``(H != 0).mean(0)``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    D = np.asarray(check_array(D, "D", shape_hint="(n_features, n_atoms)"))
    order = np.argsort(-np.asarray(usage)) if usage is not None else np.arange(D.shape[1])
    fig, axes = plt.subplots(1, 2, figsize=(7, 4.3), layout="constrained")
    atom_grid(D[:, order[:n_show]], ax=axes[0],
              title=f"dictionary atoms ({min(n_show, D.shape[1])} most used)")
    atom_grid(np.asarray(components)[:n_show].T, ax=axes[1],
              title=f"PCA components (first {min(n_show, len(components))})")
    fig.suptitle(title or "Sparse coding finds localised, oriented edges;\nPCA finds global "
                 "Fourier-like waves", fontsize=12)
    return fig


def lam_atoms_figure(D, H, lam, *, n_show=64):
    """Atoms learned at one λ and the distribution of non-zeros per code (widget frame).

    Left, the ``n_show`` most used atoms, most used first; right, the histogram of the number
    of non-zero coefficients per sample, titled with its mean, the share of samples whose code
    is empty (all-zero) and how often the least used atom is used.
    """
    H = np.asarray(H)
    nnz = (H != 0).sum(1)
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.8), gridspec_kw={"width_ratios": [1, 1.1]},
                             layout="constrained")
    usage = (H != 0).mean(0)
    atom_grid(np.asarray(D)[:, np.argsort(-usage)[:n_show]], ax=axes[0],
              title=f"atoms, λ = {lam:g} (most used first)")
    axes[1].hist(nnz, bins=np.arange(0, max(nnz.max(), 10) + 2) - 0.5, color=COLORS["estimate"])
    axes[1].set_xlabel("non-zero coefficients per patch")
    axes[1].set_ylabel("patches")
    axes[1].set_title(f"mean {nnz.mean():.1f} non-zeros; {np.mean(nnz == 0):.0%} of patches "
                      f"use no atom;\nthe least used atom is in {usage.min():.1%} of the codes",
                      fontsize=10)
    return fig


def inpainting_panel(original, mask, results, *, title=None):
    """Original, masked image and one or more fillings, with the error on missing pixels.

    Parameters
    ----------
    original : array of shape (height, width)
    mask : bool array of shape (height, width), True where observed
    results : dict of {label: array of shape (height, width)}
        Inpainted images; each title shows its RMSE on the missing pixels.

    Returns
    -------
    matplotlib.figure.Figure
    """
    original = np.asarray(original, dtype=float)
    mask = np.asarray(mask, dtype=bool)
    n = 2 + len(results)
    fig, axes = plt.subplots(1, n, figsize=(min(7.2, 1.8 * n), 2.9), layout="constrained")
    cmap = plt.get_cmap("gray").with_extremes(bad=COLORS["estimate"])
    lo, hi = original.min(), original.max()
    axes[0].imshow(original, cmap=cmap, vmin=lo, vmax=hi)
    axes[0].set_title("original\n", fontsize=10)
    axes[1].imshow(np.where(mask, original, np.nan), cmap=cmap, vmin=lo, vmax=hi)
    axes[1].set_title(f"observed\n({np.mean(~mask):.0%} missing, red)", fontsize=10)
    for ax, (label, img) in zip(axes[2:], results.items()):
        rmse = np.sqrt(np.mean((np.asarray(img) - original)[~mask] ** 2))
        ax.imshow(img, cmap=cmap, vmin=lo, vmax=hi)
        ax.set_title(f"{label}\nRMSE {rmse:.3f}", fontsize=10)
    for ax in axes:
        ax.set_axis_off()
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


def word_senses_figure(senses, *, n_words=5, title=None):
    """The lecture's polysemy table as bars: for each word, its atoms, coefficients and words.

    One panel per word (stacked, so the text stays legible at page width); one bar per
    atom, its length the atom's coefficient ``h`` in the word's code, labelled with the
    atom's nearest words.

    Parameters
    ----------
    senses : dict of {word: list of (coefficient, atom index, nearest words)}
        As returned by :func:`reprcourse.polysemy.word_senses`.
    n_words : int
        Nearest words shown per atom.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    n_rows = max(len(v) for v in senses.values())
    h_max = max(s[0] for v in senses.values() for s in v)
    fig, axes = plt.subplots(len(senses), 1, sharex=True, squeeze=False,
                             figsize=(8, 0.5 + (0.35 * n_rows + 0.45) * len(senses)))
    for ax, (word, rows) in zip(axes[:, 0], senses.items()):
        y = np.arange(len(rows))
        ax.barh(y, [r[0] for r in rows], height=0.6, color=COLORS["estimate"])
        ax.set_yticks(y, [f"atom {r[1]}" for r in rows], fontsize=9)
        ax.set_ylim(n_rows - 0.5, -0.5)                              # largest on top
        for yi, (coef, _, near) in zip(y, rows):
            ax.text(coef + 0.015 * h_max, yi, ", ".join(near[:n_words]), va="center",
                    fontsize=10)
        ax.set_title(f"“{word}”", loc="left", fontsize=12, fontweight="bold")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    axes[-1, 0].set_xlim(0, 2.8 * h_max)                             # room for the words
    axes[-1, 0].set_xlabel("coefficient h of the atom in the word's sparse code")
    fig.suptitle(title or "Each sense of a word is an atom of the dictionary "
                 "(labelled with its nearest words)")
    fig.tight_layout()
    return fig


# --- chapter 5: autoencoders (owned by the autoencoders chapter) ---
MAX_WIDTH = 7.2       # inches: the book's column shows about 7 in without shrinking the text


def _new_figure(figsize):
    """A figure outside pyplot (never shown twice, closed by garbage collection)."""
    from matplotlib.figure import Figure
    return Figure(figsize=figsize, layout="constrained")


def image_rows(rows, *, shape=None, n=8, errors=None, title=None, symmetric=False):
    """Rows of images, one row per label: originals, corrupted inputs, reconstructions….

    Parameters
    ----------
    rows : dict of {label: array of shape (n_images, height * width)}
        The first ``n`` images of every row are shown, the row label on the left.
    shape : (height, width), optional
        Square by default.
    n : int
        Images per row.
    errors : dict of {label: array of shape (n_images,)}, optional
        A number printed under each image of that row (e.g. its squared error).
    title : str, optional
    symmetric : bool
        Scale images symmetrically around 0 (signed data such as centred patches).

    Returns
    -------
    matplotlib Figure
    """
    import textwrap

    n = check_int(n, "n", low=1)
    errors = errors or {}
    width = min(1.05 * n + 1.2, MAX_WIDTH)                # the page shows ~7 in unscaled
    side = 0.9 * (width - 1.2) / n                          # inches per image
    fig = _new_figure((width, (side + 0.1 + 0.15 * bool(errors)) * len(rows) + 0.2
                       + 0.2 * bool(title) * (1 + len(title or "") // int(12 * width))))
    axes = fig.subplots(len(rows), n, squeeze=False)
    for r, (label, images) in enumerate(rows.items()):
        images = np.asarray(check_array(images, f"rows[{label!r}]",
                                        shape_hint="(n_images, n_pixels)"), dtype=float)
        for c, ax in enumerate(axes[r]):
            if c < len(images):
                image_grid(images[c:c + 1], shape=shape, ax=ax, symmetric=symmetric,
                           cmap="RdBu_r" if symmetric else "gray", pad=0)
                if label in errors:
                    ax.text(0.5, -0.04, f"{errors[label][c]:.3g}", transform=ax.transAxes,
                            ha="center", va="top", fontsize=9)
            ax.set_axis_off()
        axes[r, 0].text(-0.08, 0.5, label, transform=axes[r, 0].transAxes, ha="right",
                        va="center", fontsize=10)
    if title:
        fig.suptitle(textwrap.fill(title, int(12 * width)), fontsize=11)   # fits the figure
    return fig


def filter_panels(filters, *, shape=None, n=36, title=None):
    """Filters of several models side by side, one panel per model.

    Parameters
    ----------
    filters : dict of {label: array of shape (n_features, n_filters)}
        Filters (encoder weights, atoms) as columns; the first ``n`` of each are shown,
        each scaled symmetrically (red positive, blue negative).
    shape : (height, width), optional
    n : int
    title : str, optional

    Returns
    -------
    matplotlib Figure
    """
    import textwrap

    n = check_int(n, "n", low=1)
    panel = min(4.5, MAX_WIDTH / len(filters))              # inches per panel
    fig = _new_figure((panel * len(filters), panel + 0.6 + 0.35 * bool(title)))
    axes = np.atleast_1d(fig.subplots(1, len(filters)))
    for ax, (label, W) in zip(axes, filters.items()):
        W = np.asarray(check_array(W, f"filters[{label!r}]", shape_hint="(n_features, n)"))
        atom_grid(W[:, :n], shape=shape, ax=ax)
        ax.set_title(textwrap.fill(label, int(13 * panel)), fontsize=10)   # fits the panel
    if title:
        fig.suptitle(textwrap.fill(title, int(12 * panel * len(filters))), fontsize=11)
    return fig


def threshold_claim(noise, errors, *, ax=None, title=None):
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
    """
    noise = np.asarray(check_array(noise, "noise", ndim=1, shape_hint="(n_samples,)"))
    if ax is None:
        ax = _new_figure((MAX_WIDTH, 3.8)).add_subplot()
    colors = {"hard": COLORS["autoencoder"], "ternary": COLORS["estimate"], "soft": COLORS["ista"]}
    ax.axvspan(0, 0.25, color=COLORS["bound"], alpha=0.07, lw=0, label="‖ε‖ ≤ τ/4 (the claim)")
    top = max(noise.max(), max(np.max(e) for e in errors.values()))
    ax.plot([0, top], [0, top], color=COLORS["bound"], ls="--", lw=1, label="error = ‖ε‖")
    for kind, err in errors.items():
        ax.plot(noise, np.asarray(err), ".", ms=2.5, alpha=0.5,
                color=colors.get(kind, COLORS["data"]), label=f"{kind} threshold")
    ax.set(xlabel="noise ‖ε‖₂ / τ", ylabel="reconstruction error ‖x̂ − x‖₂ / τ",
           xlim=(0, noise.max()), ylim=(0, 1.02 * top))
    ax.legend(frameon=False, fontsize=9, markerscale=4, loc="upper left",
              bbox_to_anchor=(1.01, 1.0))                  # outside: it would hide points
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def grouped_bars(values, *, ax=None, ylabel="", title=None, logy=False):
    """Bars grouped by condition: ``values = {group: {label: value}}``.

    Labels whose first word names an object of :data:`COLORS` take its colour.

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        ax = _new_figure((6.4, 3.4)).add_subplot()
    groups = list(values)
    labels = list(dict.fromkeys(lab for g in groups for lab in values[g]))
    width = 0.8 / len(labels)
    palette = plt.get_cmap("tab10")
    for j, label in enumerate(labels):
        heights = [values[g].get(label, np.nan) for g in groups]
        ax.bar(np.arange(len(groups)) + (j - (len(labels) - 1) / 2) * width, heights, width,
               label=label,
               color=COLORS.get(label.lower().replace(",", " ").split()[0], palette(j % 10)))
    ax.set_xticks(np.arange(len(groups)), groups)
    ax.set_ylabel(ylabel)
    if logy:
        ax.set_yscale("log")
    ax.legend(frameon=False, fontsize=9)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def line_plot(x, curves, *, ax=None, xlabel="", ylabel="", title=None, logy=False,
              styles=None, colors=None):
    """Curves ``{label: y}`` against a shared ``x``, coloured by :data:`COLORS` where the
    label's first word names an object (e.g. "autoencoder, …", "PCA, …").

    Parameters
    ----------
    x : array of shape (n,)
    curves : dict of {label: array of shape (n,)}
    styles : dict of {label: str}, optional
        A matplotlib format string per label, e.g. ``"--o"``; a solid line by default.
    colors : dict of {label: color}, optional
        Overrides the colour found from the label.

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        ax = _new_figure((6.4, 3.4)).add_subplot()
    styles, colors = styles or {}, colors or {}
    for label, y in curves.items():
        color = colors.get(label, COLORS.get(label.lower().replace(",", " ").split()[0]))
        ax.plot(np.asarray(x), np.asarray(y), styles.get(label, "-"), label=label, color=color,
                ms=4)
    ax.set(xlabel=xlabel, ylabel=ylabel, yscale="log" if logy else "linear")
    ax.legend(frameon=False, fontsize=9)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def code_scatter(codes, reference, *, ax=None, max_points=4000, seed=0, title=None):
    """Entries of predicted codes against reference codes (e.g. an encoder against ISTA).

    Parameters
    ----------
    codes : dict of {label: array of shape (n_samples, n_atoms)}
    reference : array of shape (n_samples, n_atoms)
        Codes on the x axis (the exact sparse codes); the diagonal is perfect agreement.
    max_points : int
        Entries drawn per label (a random subset, for a light figure).

    Returns
    -------
    matplotlib Axes
    """
    reference = np.asarray(check_array(reference, "reference", shape_hint="(n, n_atoms)"))
    if ax is None:
        ax = _new_figure((4.6, 4.2)).add_subplot()
    rng = np.random.default_rng(seed)
    pick = rng.permutation(reference.size)[:max_points]
    lim = 1.05 * np.abs(reference).max()
    ax.plot([-lim, lim], [-lim, lim], color=COLORS["bound"], lw=0.8, ls="--", label="agreement")
    palette = plt.get_cmap("tab10")
    for j, (label, z) in enumerate(codes.items()):
        z = np.asarray(z).ravel()[pick]
        ax.plot(reference.ravel()[pick], z, ".", ms=2, alpha=0.5, label=label,
                color=COLORS.get(label.lower().split()[0], palette(j % 10)))
    ax.set(xlabel="exact sparse code (ISTA)", ylabel="encoder's code", xlim=(-lim, lim))
    ax.legend(frameon=False, fontsize=9, markerscale=4)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def denoising_panel(clean, corrupted, reconstruction, filters, *, shape=None, fig=None,
                    title=None):
    """A denoising autoencoder at one corruption setting: inputs, output and filters.

    Left, three rows: clean digits, their corrupted versions (what the model sees), the
    reconstructions; right, the model's filters. Redraws into ``fig`` when given, so a widget
    reuses one figure.

    Parameters
    ----------
    clean, corrupted, reconstruction : arrays of shape (n_images, height * width)
    filters : array of shape (height * width, n_filters)
    shape : (height, width), optional
    fig : matplotlib Figure, optional
        A figure made by a previous call (its axes are cleared and reused).
    title : str, optional

    Returns
    -------
    matplotlib Figure
    """
    if fig is None:
        from matplotlib.figure import Figure
        fig = Figure(figsize=(8.0, 3.6))          # fixed layout: redraws stay cheap
        grid = fig.add_gridspec(3, 2, width_ratios=(2.2, 1), left=0.01, right=0.99,
                                bottom=0.02, top=0.84, wspace=0.05, hspace=0.35)
        for r in range(3):
            fig.add_subplot(grid[r, 0])
        fig.add_subplot(grid[:, 1])
    axes = fig.axes
    for ax in axes:                     # drop the old images; ax.clear() would be 10x slower
        for im in list(ax.images):
            im.remove()
    rows = (("clean", clean), ("corrupted input", corrupted), ("reconstruction", reconstruction))
    for ax, (label, images) in zip(axes, rows):
        image_grid(images, shape=shape, n_cols=len(images), ax=ax)
        ax.set_title(label, fontsize=10, loc="left")
    atom_grid(filters, shape=shape, ax=axes[3], title="filters (encoder weights)")
    axes[3].title.set_fontsize(10)
    fig.suptitle(title or "", fontsize=10)
    return fig


# --- chapter 6: VAE (owned by the VAE chapter) ---
def plot_bound_check(epochs, elbo, log_lik, kl, correlation, *, ml_log_lik=None,
                     train_elbo=None, title=None):
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
        The minibatch Monte Carlo ELBO the optimiser saw (``-train(...)``), for comparison.
    title : str, optional
        Figure title (the finding).

    Returns
    -------
    matplotlib Figure
    """
    epochs, elbo, log_lik, kl, correlation = (
        np.asarray(check_array(a, name, ndim=1, shape_hint="(n_points,)"), dtype=float)
        for a, name in ((epochs, "epochs"), (elbo, "elbo"), (log_lik, "log_lik"), (kl, "kl"),
                        (correlation, "correlation")))
    from matplotlib.ticker import LogLocator, NullFormatter

    # Stacked panels sharing the epoch axis: the figure stays narrow enough for the page.
    fig, (ax1, ax2, ax3) = plt.subplots(3, 1, figsize=(6.8, 7.4), sharex=True,
                                        layout="constrained")
    if train_elbo is not None:
        ax1.plot(epochs, train_elbo, ".", ms=4, color=COLORS["vae"], alpha=0.6,
                 label="ELBO, minibatch estimate")
    ax1.plot(epochs, log_lik, color=COLORS["true"], lw=2, label="log p(x), exact")
    ax1.plot(epochs, elbo, color=COLORS["vae"], lw=2, label="ELBO, exact")
    if ml_log_lik is not None:
        ax1.axhline(ml_log_lik, color=COLORS["bound"], ls="--", lw=1,
                    label="max. likelihood (pPCA)")
        ax1.set_ylim(ml_log_lik - 6, ml_log_lik + 1)
    ax1.set(ylabel="nats per example", title="the ELBO stays below log p(x)")
    ax1.legend(frameon=False, fontsize=9, loc="lower right")
    gap = log_lik - elbo
    ax2.semilogy(epochs, gap, color=COLORS["estimate"], lw=2, label="log p(x) − ELBO")
    ax2.semilogy(epochs, kl, "o", mfc="none", ms=5, color=COLORS["bound"],
                 label="KL(q ‖ posterior), exact")
    positive = np.concatenate([gap[gap > 0], kl[kl > 0]])
    if positive.size:                        # whole decades, labelled at powers of ten only
        ax2.set_ylim(10.0 ** np.floor(np.log10(positive.min())),
                     10.0 ** np.ceil(np.log10(positive.max())))
    ax2.yaxis.set_major_locator(LogLocator(base=10))
    ax2.yaxis.set_minor_formatter(NullFormatter())
    ax2.set(ylabel="nats per example", title="the gap is KL(q ‖ p(h|x))")
    ax2.legend(frameon=False, fontsize=9, loc="upper right")
    ax3.plot(epochs, np.abs(correlation), color=COLORS["true"], lw=2)
    ax3.set(xlabel="epoch", ylabel="|correlation| of h₁, h₂", ylim=(0, 1),
            title="the posterior becomes diagonal")
    for ax in (ax1, ax2, ax3):
        ax.title.set_fontsize(10)
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


def plot_vae_rows(rows, *, shape=(28, 28), n_cols=10, title=None):
    """Chapter 6: rows of images, one labelled strip per entry of ``rows``.

    Parameters
    ----------
    rows : dict of {label: array of shape (n_images, height * width)}
        E.g. data, reconstructions, samples from the prior; the first ``n_cols`` are shown.
    shape : (height, width)
    n_cols : int
    title : str, optional
        Figure title (the finding).

    Returns
    -------
    matplotlib Figure
    """
    n_cols = check_int(n_cols, "n_cols", low=1)
    # At most ~7 in wide whatever n_cols, so the page shows it unscaled; the row labels
    # take the left ~1.7 in.
    width = min(6.8, 1.8 + 0.52 * n_cols)
    row_height = (width - 1.8) / n_cols * shape[0] / shape[1] + 0.1
    fig, axes = plt.subplots(len(rows), 1, figsize=(width, row_height * len(rows) + 0.45),
                             squeeze=False, layout="constrained")
    for ax, (label, images) in zip(axes[:, 0], rows.items()):
        images = check_array(images, f"rows[{label!r}]", shape_hint="(n_images, n_pixels)")
        images = images.detach().cpu().numpy() if hasattr(images, "detach") else images
        image_grid(images[:n_cols], shape=shape, n_cols=n_cols, ax=ax)
        ax.text(-0.02, 0.5, label, transform=ax.transAxes, ha="right", va="center",
                fontsize=10)
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


def plot_latent_map(codes, labels, *, ax=None, title=None, s=3, legend=True):
    """Chapter 6: 2-D codes (encoder means) as points coloured by class (``tab10``).

    Parameters
    ----------
    codes : array of shape (n, 2)
    labels : array of shape (n,), integers 0-9
    ax : matplotlib Axes, optional
    title : str, optional
    s : float
        Marker size.
    legend : bool
        Show which colour is which digit.

    Returns
    -------
    matplotlib Axes
    """
    codes = np.asarray(check_array(codes, "codes", shape_hint="(n, 2)"))
    labels = np.asarray(labels)
    if codes.shape[1] != 2 or labels.shape != (codes.shape[0],):
        raise ValueError(f"codes must be (n, 2) and labels (n,), got {codes.shape} and "
                         f"{labels.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(5.4, 4.6), layout="constrained")
    cmap = plt.get_cmap("tab10")
    for c in np.unique(labels):
        pts = codes[labels == c]
        ax.scatter(pts[:, 0], pts[:, 1], s=s, color=cmap(int(c) % 10), label=str(c),
                   rasterized=True)
    ax.set(xlabel="$h_1$ (encoder mean)", ylabel="$h_2$ (encoder mean)", aspect="equal")
    if legend:
        ax.legend(title="digit", markerscale=4, frameon=False, fontsize=9,
                  loc="upper left", bbox_to_anchor=(1.0, 1.0))
    if title:
        ax.set_title(title)
    return ax


class LatentWalkView:
    """Chapter 6: the latent map with a marker at (h₁, h₂) next to the image decoded there.

    Built once; :meth:`update` moves the marker and swaps the image, so a widget redraw costs
    one render, not a new figure.

    Parameters
    ----------
    codes : array of shape (n, 2)
        Encoder means of some data, drawn as the background map.
    labels : array of shape (n,)
    lims : ((h1_min, h1_max), (h2_min, h2_max)), optional
        The part of the plane the map shows; by default the range of ``codes`` plus a margin
        of 5 % (pass the range of the slider grid as well, so the marker stays in view).
    image_shape : (height, width)
    """

    def __init__(self, codes, labels, *, lims=None, image_shape=(28, 28)):
        from matplotlib.figure import Figure

        codes = np.asarray(check_array(codes, "codes", shape_hint="(n, 2)"))
        if lims is None:
            lo, hi = codes.min(0), codes.max(0)
            lims = tuple(zip(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)))
        self.fig = Figure(figsize=(6.8, 3.4))
        grid = self.fig.add_gridspec(1, 2, width_ratios=(1.3, 1), left=0.09, right=0.99,
                                     bottom=0.14, top=0.9, wspace=0.4)
        ax_map, self._ax_img = self.fig.add_subplot(grid[0]), self.fig.add_subplot(grid[1])
        plot_latent_map(codes, labels, ax=ax_map, s=2, legend=False, title="codes of data")
        ax_map.legend(title="digit", markerscale=4, frameon=False, fontsize=9, ncols=1,
                      title_fontsize=9, loc="upper left", bbox_to_anchor=(1.0, 1.02),
                      handletextpad=0.1, labelspacing=0.15, borderaxespad=0.2)
        ax_map.set(xlim=lims[0], ylim=lims[1])
        ax_map.title.set_fontsize(10)
        self._marker, = ax_map.plot([0], [0], "s", ms=11, mfc="none", mew=2.5,
                                    color=COLORS["estimate"])
        self._shape = image_shape
        self._image = self._ax_img.imshow(np.zeros(image_shape), cmap="gray", vmin=0, vmax=1)
        self._ax_img.set_axis_off()

    def update(self, image, h1, h2):
        """Show ``image`` (height * width values in [0, 1]) decoded at (h₁, h₂); returns the
        Figure."""
        self._marker.set_data([h1], [h2])
        self._image.set_data(np.asarray(image, dtype=float).reshape(self._shape))
        self._ax_img.set_title(f"decoded at h = ({h1:.2g}, {h2:.2g})", fontsize=10)
        return self.fig
