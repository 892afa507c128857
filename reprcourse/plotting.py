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
    cm = plt.get_cmap(cmap).copy()
    cm.set_bad("white")
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

# --- chapter 3: ISTA and recovery (owned by the recovery chapter) ---

# --- chapter 4: dictionary learning (owned by the dictionary-learning chapter) ---

# --- chapter 5: autoencoders (owned by the autoencoders chapter) ---

# --- chapter 6: VAE (owned by the VAE chapter) ---
