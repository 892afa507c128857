"""Images in the course's figures: tiles of images, atoms and filters, rows of images.

Signed images (atoms, filters, centred patches) use ``RdBu_r`` with zero at white, each
tile scaled to its largest ``|value|``; :func:`signed_colorbar` says so. Grids stay small
(at most 36 tiles) so that each tile is large enough to see in the book's column.
"""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np

from .._torch import to_numpy
from .._validation import check_array, check_int
from .core import DPI, MAX_WIDTH, ax_or_new, new_figure, wrap

#: Smallest tile width (pixels at 100 dpi) a grid of filters is given.
MIN_TILE_PX = 50

__all__ = ["MIN_TILE_PX", "tile_images", "image_grid", "atom_grid", "signed_colorbar",
           "patch_pairs_canvas", "patch_pairs", "image_rows_figure", "filters_figure"]


def _shape(n_pixels, shape):
    if shape is None:
        side = int(round(np.sqrt(n_pixels)))
        if side * side != n_pixels:
            raise ValueError(f"images have {n_pixels} pixels, not a square; pass "
                             f"shape=(height, width)")
        return side, side
    h, w = shape
    if h * w != n_pixels:
        raise ValueError(f"shape={tuple(shape)} has {h * w} pixels but images have {n_pixels}")
    return h, w


def _as_images(images, name="images"):
    images = check_array(images, name, shape_hint="(n_images, n_pixels)")
    return to_numpy(images, np.float64)


def tile_images(images, *, shape=None, n_cols=None, symmetric=False, pad=1, scale=True):
    """Flattened images as one canvas of tiles, each image scaled on its own.

    Parameters
    ----------
    images : array of shape (n_images, height * width)
    shape : (height, width), optional
        Square by default.
    n_cols : int, optional
        About ``sqrt(n_images)`` by default.
    symmetric : bool
        Scale each image to ``[-1, 1]`` by its largest ``|value|`` (signed images) instead
        of ``[min, max]`` to ``[0, 1]``.
    pad : int
        Blank pixels (NaN, drawn white) between images.
    scale : bool
        ``False``: tile the values as they are (already scaled by the caller).

    Returns
    -------
    array of shape (n_rows * (height + pad) + pad, n_cols * (width + pad) + pad)

    Raises
    ------
    ValueError
        If ``images`` is not 2-D or the shape does not match the number of pixels.
    """
    images = _as_images(images)
    n, p = images.shape
    h, w = _shape(p, shape)
    n_cols = int(np.ceil(np.sqrt(n))) if n_cols is None else check_int(n_cols, "n_cols", low=1)
    if scale and symmetric:
        top = np.abs(images).max(axis=1, keepdims=True)
        images = images / np.where(top > 0, top, 1.0)
    elif scale:
        lo, hi = images.min(axis=1, keepdims=True), images.max(axis=1, keepdims=True)
        images = np.where(hi > lo, (images - lo) / np.where(hi > lo, hi - lo, 1.0), 0.0)
    n_rows = int(np.ceil(n / n_cols))
    canvas = np.full((n_rows * (h + pad) + pad, n_cols * (w + pad) + pad), np.nan)
    for i, img in enumerate(images.reshape(n, h, w)):
        r, c = divmod(i, n_cols)
        canvas[pad + r * (h + pad): pad + r * (h + pad) + h,
               pad + c * (w + pad): pad + c * (w + pad) + w] = img
    return canvas


def image_grid(images, *, shape=None, n_cols=None, ax=None, cmap="gray", symmetric=False,
               title=None, pad=1):
    """Tile flattened images into one picture (:func:`tile_images`) and show it.

    Parameters
    ----------
    images : array of shape (n_images, height * width)
    shape : (height, width), optional
        Square by default.
    n_cols : int, optional
        About ``sqrt(n_images)`` by default.
    ax : matplotlib Axes, optional
    cmap : str
        ``"RdBu_r"`` shows signed images (``symmetric=True``) with zero at white.
    symmetric : bool
        Scale each image to ``[-max|v|, max|v|]`` (zero is white for ``RdBu_r``) instead of
        ``[min, max]``.
    title : str, optional
    pad : int
        Blank pixels between images.

    Returns
    -------
    matplotlib.image.AxesImage

    Raises
    ------
    ValueError
        If ``images`` is not 2-D or the shape does not match the number of pixels.
    """
    canvas = tile_images(images, shape=shape, n_cols=n_cols, symmetric=symmetric, pad=pad)
    ax = ax_or_new(ax, 4, 4)
    cm = plt.get_cmap(cmap).with_extremes(bad="white")
    im = ax.imshow(canvas, cmap=cm, vmin=-1 if symmetric else 0, vmax=1)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return im


def atom_grid(D, *, shape=None, n_cols=None, ax=None, title=None):
    """The atoms (columns) of ``D`` of shape (n_features, n_atoms) as signed images.

    Red is positive, blue negative, white zero (:func:`signed_colorbar` explains it).

    Returns
    -------
    matplotlib.image.AxesImage
    """
    D = to_numpy(check_array(D, "D", shape_hint="(n_features, n_atoms)"))
    return image_grid(D.T, shape=shape, n_cols=n_cols, ax=ax, cmap="RdBu_r", symmetric=True,
                      title=title)


def signed_colorbar(im, *, ax=None, label="weight (each tile scaled to its largest |value|)"):
    """A colour bar for signed tiles: ``−max`` blue, 0 white, ``+max`` red."""
    axes = ax if ax is not None else im.axes
    cb = im.axes.figure.colorbar(im, ax=axes, shrink=0.8, aspect=25, pad=0.02)
    cb.set_ticks([-1, 0, 1], labels=["−max", "0", "+max"])
    cb.set_label(label)
    return cb


def patch_pairs_canvas(originals, reconstructions, *, shape=None):
    """Originals (top row) above reconstructions (bottom row) as one canvas in ``[-1, 1]``.

    Each column is scaled symmetrically around 0 by its original, so a reconstruction the l1
    penalty has shrunk really looks fainter.

    Parameters
    ----------
    originals, reconstructions : arrays of shape (n_images, height * width)
    shape : (height, width), optional

    Returns
    -------
    array of shape (2 * (height + 1) + 1, n_images * (width + 1) + 1), NaN between tiles

    Raises
    ------
    ValueError
        If the arrays differ in shape or the images are not square and no shape is given.
    """
    A = _as_images(originals, "originals")
    B = _as_images(reconstructions, "reconstructions")
    if A.shape != B.shape:
        raise ValueError(f"originals {A.shape} and reconstructions {B.shape} differ in shape")
    scale = np.abs(A).max(axis=1, keepdims=True)                  # (n, 1): one per column
    scale[scale == 0] = 1.0
    return tile_images(np.concatenate([A / scale, np.clip(B / scale, -1, 1)]), shape=shape,
                       n_cols=len(A), scale=False)


def patch_pairs(originals, reconstructions, *, shape=None, ax=None,
                labels=("original", "reconstruction")):
    """Images (top row) above their reconstructions (bottom row): :func:`patch_pairs_canvas`.

    Parameters
    ----------
    originals, reconstructions : arrays of shape (n_images, height * width)
    shape : (height, width), optional
    ax : matplotlib Axes, optional
    labels : (str, str)
        Row labels, written left of the rows.

    Returns
    -------
    matplotlib.image.AxesImage

    Raises
    ------
    ValueError
        If the arrays differ in shape or the images are not square and no shape is given.
    """
    canvas = patch_pairs_canvas(originals, reconstructions, shape=shape)
    ax = ax_or_new(ax, MAX_WIDTH, 2.4)
    im = ax.imshow(canvas, cmap=plt.get_cmap("gray").with_extremes(bad="white"), vmin=-1,
                   vmax=1)
    ax.set_axis_off()
    h = (canvas.shape[0] - 3) // 2
    for r, label in enumerate(labels):
        ax.text(-0.5, 1 + r * (h + 1) + h / 2, label, ha="right", va="center")
    return im


def image_rows_figure(rows, *, shape=None, n=8, errors=None, title=None, symmetric=False):
    """Rows of images, one row per label: originals, corrupted inputs, reconstructions, samples.

    Parameters
    ----------
    rows : dict of {label: array of shape (n_images, height * width)}
        The first ``n`` images of every row are shown, the label above the row.
    shape : (height, width), optional
        Square by default.
    n : int
        Images per row (at most 12: tiles stay ≥ 50 px in the column).
    errors : dict of {label: array of shape (n_images,)}, optional
        A number printed under each image of that row (e.g. its squared error).
    title : str, optional
    symmetric : bool
        Signed images (centred patches): zero is white.

    Returns
    -------
    matplotlib Figure

    Raises
    ------
    ValueError
        If a row is not 2-D or ``n`` is out of range.
    """
    n = check_int(n, "n", low=1, high=12)
    errors = errors or {}
    side = min(0.9, (MAX_WIDTH - 0.2) / n)                  # inches per image
    width = min(MAX_WIDTH, side * n + 0.2)
    label_h = 0.3                                           # inches above a row
    row_h = [side + label_h + 0.22 * (label in errors) for label in rows]  # numbers below
    title = _fit_title(title, width, 12)
    head = 0.15 + 0.21 * (title.count("\n") + 1) if title else 0.05
    height = sum(row_h) + head + 0.05
    # a fixed layout: a row's label spans the row without widening the first column
    fig = new_figure(width, height, layout=None)
    gap = 0.06                                              # inches between images
    axes = np.empty((len(rows), n), dtype=object)
    for r in range(len(rows)):
        bottom = height - head - sum(row_h[:r]) - label_h - side
        for c in range(n):
            axes[r, c] = fig.add_axes(((0.1 + c * side + gap / 2) / width, bottom / height,
                                       (side - gap) / width, side / height))
    for r, (label, images) in enumerate(rows.items()):
        images = _as_images(images, f"rows[{label!r}]")
        shown = errors.get(label)
        texts = _error_texts(shown[:min(n, len(images))]) if shown is not None else None
        for c, ax in enumerate(axes[r]):
            ax.set_axis_off()
            if c < len(images):
                image_grid(images[c:c + 1], shape=shape, ax=ax, symmetric=symmetric, pad=0)
                if texts is not None:
                    ax.text(0.5, -0.04, texts[c], transform=ax.transAxes, ha="center",
                            va="top")
        axes[r, 0].set_title(label, loc="left", fontsize=10)
    if title:
        fig.suptitle(title, y=1 - 0.08 / height, va="top")
    return fig


def _error_texts(values):
    """Numbers of one row with the same number of decimals (whole numbers stay whole)."""
    values = np.asarray(to_numpy(values), dtype=float).ravel()
    if np.all(values == np.round(values)):
        return [f"{v:.0f}" for v in values]
    top = np.abs(values).max()
    decimals = 0 if top >= 100 else 1 if top >= 1 else 1 - int(np.floor(np.log10(top)))
    return [f"{v:.{decimals}f}" for v in values]


def _fit_title(title, width_in, size):
    """``title`` wrapped to ``width_in``; re-flowed as one paragraph when a line is too long
    (so a hand-broken title does not leave one word alone on a line)."""
    if not title:
        return ""
    wrapped = wrap(title, width_in, size)
    if wrapped.count("\n") == str(title).count("\n"):
        return wrapped
    return wrap(" ".join(str(title).split()), width_in, size)


def filters_figure(filters, *, shape=None, n=25, title=None):
    """Filters of several models side by side, one panel per model, with one colour bar.

    Parameters
    ----------
    filters : dict of {label: array of shape (n_features, n_filters)}
        Filters (encoder weights, atoms, components) as columns; the first ``n`` of each are
        shown, each scaled symmetrically (red positive, blue negative, white zero).
    shape : (height, width), optional
    n : int
        Filters per panel (at most 36), reduced so that every tile stays at least 50 px wide
        (16 per panel with three panels).
    title : str, optional

    Returns
    -------
    matplotlib Figure

    Raises
    ------
    ValueError
        If a filter array is not 2-D or ``n`` is out of range.
    """
    n = check_int(n, "n", low=1, high=36)
    k = len(filters)
    panel = min(3.4, (MAX_WIDTH - 0.9) / k)
    side = int(panel * DPI // MIN_TILE_PX)                  # tiles across one panel
    n = min(n, max(side, 2) ** 2)
    title = _fit_title(title, MAX_WIDTH, 12)
    head = 0.35 + 0.22 * title.count("\n") if title else 0.0
    labels = [_wrap_label(label, panel, 10) for label in filters]
    fig = new_figure(panel * k + 0.9, panel + 0.25 * max(lab.count("\n") + 1 for lab in labels)
                     + head)
    axes = np.atleast_1d(fig.subplots(1, k))
    for ax, label, W in zip(axes, labels, filters.values()):
        W = to_numpy(check_array(W, f"filters[{label!r}]", shape_hint="(n_features, n)"))
        im = atom_grid(W[:, :n], shape=shape, ax=ax)
        ax.set_title(label, fontsize=10)
    signed_colorbar(im, ax=list(axes), label="weight")
    if title:
        fig.suptitle(title)
    return fig


def _wrap_label(label, width_in, size):
    """A panel label wrapped to ``width_in`` without breaking "k = 16" or a short "(...)"."""
    keep = re.sub(r"\([^()]{1,18}\)| = ", lambda m: m.group(0).replace(" ", "\u00a0"),
                  str(label))
    return wrap(keep, width_in, size).replace("\u00a0", " ")
