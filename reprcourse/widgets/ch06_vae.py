"""Chapter 6 widget: a walk through the 2-D latent space of a VAE."""

from __future__ import annotations

import numpy as np

from .._torch import to_numpy
from .._validation import check_array
from ..figures.ch06_vae import LatentWalkView
from .core import interactive_figure

__all__ = ["latent_walk_widget", "MAX_GRID"]

#: Most values per slider (12 × 12 = 144 frames).
MAX_GRID = 12


def latent_walk_widget(model, codes, labels, *, grid=None, image_shape=None, mode=None):
    """Chapter 6 widget: sliders (h₁, h₂) move through the latent space of a 2-D VAE.

    Every grid point is decoded once, up front (one batch through the decoder); moving a
    slider then only swaps the image and moves the marker on the latent map.

    Parameters
    ----------
    model : reprcourse.models.VAE
        With ``n_latent == 2``.
    codes : array of shape (n, 2)
        Encoder means of some data (the background map).
    labels : array of shape (n,)
    grid : sequence of float, optional
        Values of each slider; ``-3, -2.25, …, 3`` (9 × 9 = 81 frames) by default.
    image_shape : (height, width), optional
        Shape of a decoded image; square by default.
    mode : {"live", "static"}, optional
        See :func:`reprcourse.widgets.widget_mode`.

    Returns
    -------
    ipywidgets.interactive or IPython.display.HTML

    Raises
    ------
    ValueError
        If the model's code is not 2-D, ``codes`` is not (n, 2) or the grid has more than 12
        values.
    """
    if getattr(model, "n_latent", None) != 2 or not hasattr(model, "decode"):
        raise ValueError(f"model must be a VAE with n_latent=2, got "
                         f"{getattr(model, 'n_latent', type(model).__name__)}")
    grid = [round(float(v), 4) for v in (np.linspace(-3.0, 3.0, 9) if grid is None else grid)]
    if not 1 <= len(grid) <= MAX_GRID:
        raise ValueError(f"grid must have 1 to {MAX_GRID} values (at most 144 frames), got "
                         f"{len(grid)}")
    codes = to_numpy(check_array(codes, "codes", shape_hint="(n, 2)"))
    if codes.shape[1] != 2:
        raise ValueError(f"codes must be (n, 2), got shape {codes.shape}")
    points = np.array([[a, b] for a in grid for b in grid])                 # (G², 2)
    images = to_numpy(model.decode(points))                                 # (G², d)
    where = {v: i for i, v in enumerate(grid)}
    side = int(round(np.sqrt(model.n_features)))
    lo = np.minimum(codes.min(0), min(grid))               # the map shows every code and
    hi = np.maximum(codes.max(0), max(grid))               # every grid point, plus a margin
    margin = 0.05 * (hi - lo) + 0.1
    view = LatentWalkView(codes, labels, lims=tuple(zip(lo - margin, hi + margin)),
                          image_shape=image_shape or (side, model.n_features // side))

    def draw(h1, h2):
        view.update(images[where[h1] * len(grid) + where[h2]], h1, h2)
        return view

    return interactive_figure(draw, {"h1": grid, "h2": grid},
                              labels={"h1": "latent h₁", "h2": "latent h₂"}, mode=mode)
