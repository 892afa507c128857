"""Figures of chapter 4 (dictionary learning): atoms, λ, inpainting, word senses."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .._torch import to_numpy
from .._validation import check_array, check_int
from .core import COLORS, MAX_WIDTH, FigureView, new_figure, wrap
from .images import atom_grid, signed_colorbar, tile_images

__all__ = ["atoms_vs_pca_figure", "DictionaryLambdaView", "inpainting_figure",
           "word_senses_figure", "MAX_TILES", "few_atoms_figure", "atom_frequencies",
           "atom_frequency_figure"]

#: Most tiles in one grid: 5 × 5 keeps an 8×8 atom at ≈ 60 px in the column.
MAX_TILES = 25


def atoms_vs_pca_figure(D, components, *, n_show=25, usage=None, title=None):
    """Learned atoms next to principal components, as two grids of signed images.

    Parameters
    ----------
    D : array of shape (n_features, n_atoms)
        Learned dictionary; the ``n_show`` most used atoms are shown if ``usage`` is given.
    components : array of shape (n_components, n_features)
        Principal directions as rows, largest variance first.
    n_show : int
        Tiles per grid, at most :data:`MAX_TILES` (larger values are reduced to it).
    usage : array of shape (n_atoms,), optional
        How often each atom is used (e.g. ``(H != 0).mean(0)``).
    title : str, optional
        The finding; a default states it.

    Returns
    -------
    matplotlib Figure

    Raises
    ------
    ValueError
        If ``D`` or ``components`` is not 2-D.
    """
    D = to_numpy(check_array(D, "D", shape_hint="(n_features, n_atoms)"))
    components = to_numpy(check_array(components, "components",
                                      shape_hint="(n_components, n_features)"))
    n_show = min(check_int(n_show, "n_show", low=1), MAX_TILES)
    order = np.argsort(-to_numpy(usage)) if usage is not None else np.arange(D.shape[1])
    fig = new_figure(MAX_WIDTH, 4.4)
    axes = fig.subplots(1, 2)
    atom_grid(D[:, order[:n_show]], ax=axes[0],
              title=f"{min(n_show, D.shape[1])} most used atoms")
    im = atom_grid(components[:n_show].T, ax=axes[1],
                   title=f"first {min(n_show, len(components))} PCA components")
    signed_colorbar(im, ax=list(axes), label="value")
    fig.suptitle(wrap(title or "Sparse coding finds localised, oriented edges; PCA finds "
                      "global Fourier-like waves", MAX_WIDTH, 12))
    return fig


class DictionaryLambdaView(FigureView):
    """Atoms learned at one λ beside the histogram of non-zeros per code, redrawn in place.

    Built once with axes fixed for every λ (so frames compare); :meth:`update` swaps the
    atom image and the bar heights.

    Parameters
    ----------
    n_features : int
        Pixels per atom (a square patch).
    nnz_max : int
        Largest number of non-zeros per code over every λ (the histogram's x range).
    count_max : int
        Largest histogram count over every λ (its y range).
    n_show : int
        Atoms shown (most used first), at most :data:`MAX_TILES`.

    Raises
    ------
    ValueError
        If a count is out of range.
    """

    def __init__(self, n_features, *, nnz_max, count_max, n_show=25):
        self._side = int(round(np.sqrt(check_int(n_features, "n_features", low=1))))
        self._n_show = min(check_int(n_show, "n_show", low=1), MAX_TILES)
        nnz_max = check_int(nnz_max, "nnz_max", low=0)
        super().__init__(new_figure(MAX_WIDTH, 3.6, layout=None))
        self.fig.subplots_adjust(left=0.02, right=0.97, bottom=0.15, top=0.76, wspace=0.3)
        grid = self.fig.add_gridspec(1, 2, width_ratios=(1, 1.25))
        ax_atoms, self._ax_hist = self.fig.add_subplot(grid[0]), self.fig.add_subplot(grid[1])
        self._im = atom_grid(np.zeros((self._side ** 2, self._n_show)), ax=ax_atoms)
        signed_colorbar(self._im, ax=ax_atoms, label="")
        self._atoms_title = ax_atoms.set_title("")
        self._bins = np.arange(nnz_max + 2)                       # one bar per count 0..max
        self._bars = self._ax_hist.bar(self._bins[:-1], np.zeros(nnz_max + 1), width=0.9,
                                       color=COLORS["estimate"])
        self._ax_hist.set(xlim=(-0.6, nnz_max + 0.6), ylim=(0, 1.05 * max(1, count_max)),
                          xlabel="non-zero coefficients per patch", ylabel="patches")
        self._hist_title = self._ax_hist.set_title("", loc="left")
        self._title = self.fig.suptitle("")
        self.dynamic(self._im, *self._bars, self._atoms_title, self._hist_title, self._title)

    def update(self, D, H, lam):
        """Show the dictionary ``D`` (n_features, n_atoms) and codes ``H`` (n, n_atoms) at λ.

        Returns
        -------
        matplotlib Figure
        """
        D, H = to_numpy(D), to_numpy(H)
        usage = (H != 0).mean(0)                                  # (n_atoms,)
        nnz = (H != 0).sum(1)                                     # (n,)
        shown = D[:, np.argsort(-usage)[:self._n_show]]
        self._im.set_data(tile_images(shown.T, symmetric=True))    # same tiling, new atoms
        self._atoms_title.set_text(f"{shown.shape[1]} most used atoms")
        counts = np.bincount(np.minimum(nnz, len(self._bars) - 1), minlength=len(self._bars))
        for bar, c in zip(self._bars, counts):
            bar.set_height(c)
        self._hist_title.set_text(f"mean {nnz.mean():.1f} non-zeros per patch;\n"
                                  f"{np.mean(nnz == 0):.0%} of patches use no atom")
        self._title.set_text(f"λ = {lam:g}: the least used atom is in {usage.min():.1%} of "
                             f"the codes")
        return self.fig


def inpainting_figure(original, mask, results, *, title=None):
    """Original, masked image and one or more fillings, with the error on missing pixels.

    Parameters
    ----------
    original : array of shape (height, width)
    mask : bool array of shape (height, width), True where observed
    results : dict of {label: array of shape (height, width)}
        Inpainted images; each title shows its RMSE on the missing pixels.
    title : str, optional

    Returns
    -------
    matplotlib Figure

    Raises
    ------
    ValueError
        If ``original`` is not 2-D or the shapes differ.
    """
    original = to_numpy(check_array(original, "original", shape_hint="(height, width)"))
    mask = np.asarray(to_numpy(mask), dtype=bool)
    if mask.shape != original.shape:
        raise ValueError(f"mask has shape {mask.shape} but original has {original.shape}")
    n = 2 + len(results)
    width = min(MAX_WIDTH, 1.8 * n)
    head = 0.3 * (wrap(title, width, 12).count("\n") + 1) if title else 0.0
    fig = new_figure(width, width / n + 0.7 + head)
    axes = fig.subplots(1, n)
    cmap = plt.get_cmap("gray").with_extremes(bad=COLORS["estimate"])
    lo, hi = original.min(), original.max()
    axes[0].imshow(original, cmap=cmap, vmin=lo, vmax=hi)
    axes[0].set_title("original\n", fontsize=10)
    axes[1].imshow(np.where(mask, original, np.nan), cmap=cmap, vmin=lo, vmax=hi)
    axes[1].set_title(f"observed\n({np.mean(~mask):.0%} missing, red)", fontsize=10)
    for ax, (label, img) in zip(axes[2:], results.items()):
        img = to_numpy(img)
        rmse = np.sqrt(np.mean((img - original)[~mask] ** 2))
        ax.imshow(img, cmap=cmap, vmin=lo, vmax=hi)
        ax.set_title(f"{wrap(label, width / n, 10)}\nRMSE {rmse:.3f}", fontsize=10)
    for ax in axes:
        ax.set_axis_off()
    if title:
        fig.suptitle(wrap(title, width, 12))
    return fig


def word_senses_figure(senses, *, n_words=4, title=None):
    """The lecture's polysemy table as bars: for each word, its atoms and their nearest words.

    One panel per word (stacked); one bar per atom, its length the atom's coefficient ``h``
    in the word's code, labelled with the atom's nearest words.

    Parameters
    ----------
    senses : dict of {word: list of (coefficient, atom index, nearest words)}
        As returned by :func:`reprcourse.polysemy.word_senses`.
    n_words : int
        Nearest words shown per atom.
    title : str, optional

    Returns
    -------
    matplotlib Figure

    Raises
    ------
    ValueError
        If ``senses`` is empty.
    """
    if not senses:
        raise ValueError("senses is empty; give at least one word")
    n_rows = max(len(v) for v in senses.values())
    h_max = max(s[0] for v in senses.values() for s in v)
    head = 0.3 * (wrap(title, MAX_WIDTH, 12).count("\n") + 1) if title else 0.6
    fig = new_figure(MAX_WIDTH, head + 0.3 + (0.3 * n_rows + 0.55) * len(senses))
    axes = fig.subplots(len(senses), 1, sharex=True, squeeze=False)[:, 0]
    for ax, (word, rows) in zip(axes, senses.items()):
        y = np.arange(len(rows))
        ax.barh(y, [r[0] for r in rows], height=0.6, color=COLORS["estimate"])
        ax.set_yticks(y, [f"{', '.join(near[:n_words])} (atom {idx})"
                          for _, idx, near in rows])
        ax.set_ylim(n_rows - 0.5, -0.5)                              # largest on top
        ax.set_title(f"“{word}”", loc="left", fontweight="bold")
    axes[-1].set_xlim(0, 1.08 * h_max)
    axes[-1].set_xlabel("coefficient h of the atom in the word's sparse code")
    fig.suptitle(wrap(title or "The largest atoms of each word's sparse code, labelled "
                      "with their nearest words", MAX_WIDTH, 12))
    return fig


def few_atoms_figure(patch, atoms, weights, *, title=None):
    """A patch, its approximation by a few atoms, and the weighted atoms themselves.

    Parameters
    ----------
    patch : array of shape (s * s,)
    atoms : array of shape (s * s, m)
        The atoms used (columns).
    weights : array of shape (m,)
        Their weights; the approximation is ``atoms @ weights``.
    title : str, optional

    Returns
    -------
    matplotlib Figure

    Raises
    ------
    ValueError
        If the shapes disagree or the pixels do not form a square patch.
    """
    patch = np.ravel(to_numpy(check_array(patch, "patch", ndim=(1, 2))))
    atoms = to_numpy(check_array(atoms, "atoms", shape_hint="(n_pixels, n_used)"))
    weights = np.ravel(np.asarray(weights, dtype=np.float64))
    side = int(round(np.sqrt(patch.size)))
    if side * side != patch.size or atoms.shape != (patch.size, weights.size):
        raise ValueError(f"patch has {patch.size} pixels, atoms shape {atoms.shape} and "
                         f"weights {weights.size} entries; expected a square patch, atoms "
                         f"(n_pixels, m) and m weights")
    panels = [("a new patch", patch), (f"sum of {weights.size}", atoms @ weights)]
    panels += [(f"{c:+.2f} ×", atoms[:, j]) for j, c in enumerate(weights)]
    fig = new_figure(MAX_WIDTH, 2.0)
    axes = fig.subplots(1, len(panels))
    for ax, (label, img) in zip(axes, panels):
        v = np.abs(img).max() or 1.0                               # red +, blue −, white 0
        ax.imshow(img.reshape(side, side), cmap="RdBu_r", vmin=-v, vmax=v)
        ax.set_title(label, fontsize=10)
        ax.set_axis_off()
    fig.suptitle(wrap(title or f"A new patch is close to a weighted sum of {weights.size} "
                      "learned atoms", MAX_WIDTH, 11))
    return fig


def atom_frequencies(D, *, pad=32):
    """Orientation, spatial frequency and spatial concentration of square atoms.

    Each atom (a column, an ``s``×``s`` patch) is zero-padded to ``pad``×``pad`` and its
    2-D Fourier power spectrum is taken; the peak (DC excluded) gives the dominant wave
    vector ``(f_x, f_y)`` in cycles per pixel. Its **orientation** is the direction of the
    stripes' normal, ``atan2(f_y, f_x)`` folded into [0°, 180°) (0°: vertical stripes,
    90°: horizontal stripes), its **frequency** ``‖f‖``. The **concentration** is the share
    of the atom's energy ``Σ d_i²`` inside its best ``s/2``×``s/2`` window (a quarter of the
    patch): about 0.25–0.4 for a wave spread over the whole patch, near 1 for a local edge.

    Parameters
    ----------
    D : array of shape (s * s, n_atoms)
    pad : int >= s
        FFT size (finer frequency grid).

    Returns
    -------
    orientation : ndarray (n_atoms,), degrees in [0, 180)
    frequency : ndarray (n_atoms,), cycles per pixel in (0, 0.71]
    concentration : ndarray (n_atoms,), in (0, 1]

    Raises
    ------
    ValueError
        If the rows of ``D`` are not the pixels of a square patch, or ``pad`` < ``s``.
    """
    D = to_numpy(check_array(D, "D", shape_hint="(n_pixels, n_atoms)"), np.float64)
    side = int(round(np.sqrt(D.shape[0])))
    if side * side != D.shape[0]:
        raise ValueError(f"D has {D.shape[0]} rows: not the pixels of a square patch")
    pad = check_int(pad, "pad", low=side)
    imgs = D.T.reshape(-1, side, side)                                  # (k, s, s)
    power = np.abs(np.fft.fft2(imgs, s=(pad, pad))) ** 2                # (k, pad, pad)
    power[:, 0, 0] = 0.0                                                # no DC
    f = np.fft.fftfreq(pad)                                             # cycles / pixel
    peak = power.reshape(len(imgs), -1).argmax(1)
    fy, fx = f[peak // pad], f[peak % pad]
    orientation = np.degrees(np.arctan2(fy, fx)) % 180.0
    frequency = np.hypot(fx, fy)
    w = max(1, side // 2)
    energy = imgs ** 2                                                  # (k, s, s)
    windows = np.lib.stride_tricks.sliding_window_view(energy, (w, w), axis=(1, 2))
    best = windows.sum((-1, -2)).reshape(len(imgs), -1).max(1)          # (k,)
    concentration = best / np.maximum(energy.reshape(len(imgs), -1).sum(1), 1e-300)
    return orientation, frequency, concentration


def atom_frequency_figure(D, components, *, title=None):
    """Learned atoms against PCA components: where they sit and which wave they carry.

    Left: the dominant frequency of every atom (filled circles) and component (crosses) as
    a point at angle = orientation, radius = spatial frequency (a polar plot). Right: the
    share of each one's energy inside its best quarter-patch window
    (:func:`atom_frequencies`), as two histograms (solid and hatched).

    Parameters
    ----------
    D : array of shape (s * s, n_atoms)
    components : array of shape (n_components, s * s)
        Principal directions as rows.
    title : str, optional

    Returns
    -------
    matplotlib Figure
    """
    D = to_numpy(check_array(D, "D", shape_hint="(n_pixels, n_atoms)"))
    components = to_numpy(check_array(components, "components",
                                      shape_hint="(n_components, n_pixels)"))
    ori_d, freq_d, ext_d = atom_frequencies(D)
    ori_p, freq_p, ext_p = atom_frequencies(components.T)
    fig = new_figure(MAX_WIDTH, 3.6)
    grid = fig.add_gridspec(1, 2, width_ratios=(1, 1.1))
    ax_p = fig.add_subplot(grid[0], projection="polar")
    ax_h = fig.add_subplot(grid[1])
    ax_p.scatter(np.radians(ori_d), freq_d, s=18, marker="o", color=COLORS["estimate"],
                 alpha=0.75, label="learned atoms")
    ax_p.scatter(np.radians(ori_p), freq_p, s=30, marker="x", color=COLORS["pca"],
                 label="PCA components")
    ax_p.set_thetamin(0)
    ax_p.set_thetamax(180)
    ax_p.set_rlim(0, 0.72)
    ax_p.set_rticks([0.2, 0.4, 0.6])
    ax_p.set_title("orientation (angle) and spatial\nfrequency (radius, cycles/pixel)",
                   fontsize=10)
    ax_p.legend(loc="upper center", bbox_to_anchor=(0.5, 0.02), ncol=2, fontsize=9,
                frameon=False)
    bins = np.linspace(0.2, 1, 17)
    ax_h.hist(ext_d, bins=bins, color=COLORS["estimate"], alpha=0.8, label="learned atoms")
    ax_h.hist(ext_p, bins=bins, facecolor="none", edgecolor=COLORS["pca"], hatch="///",
              linewidth=1.2, label="PCA components")
    ax_h.set(xlabel="share of the energy in the best window\nof a quarter of the patch",
             ylabel="atoms / components", xlim=(0.2, 1))
    ax_h.legend(fontsize=9, frameon=False)
    fig.suptitle(wrap(title or "Learned atoms are local, of every orientation, in one "
                      "band of frequencies; PCA's spread over the patch and every frequency",
                      MAX_WIDTH, 12))
    return fig
