r"""Inpainting with a learned dictionary (chapter 4; Peyré 2009, "Sparse modeling of textures").

A texture is well described by a dictionary learned on its own patches: each patch is a
sparse combination of a few atoms. If some pixels are missing, a patch's code can still be
found from the pixels that remain, by solving the lasso on the observed coordinates only,

.. math::

    \min_h \; \tfrac12 \|m \odot (x - D h)\|_2^2 + \lambda \|h\|_1 ,

where ``m`` is the patch's 0/1 mask. The prediction ``D h`` then fills the missing pixels.
Overlapping patches give several guesses per pixel; they are averaged.
"""

from __future__ import annotations

import numpy as np
import torch
from scipy import ndimage

from ._torch import as_tensor, common_dtype, to_numpy
from ._validation import (check_array, check_dictionary, check_generator, check_int,
                          check_matching_features, check_nonnegative, check_same_backend,
                          check_scalar, is_torch)
from .solvers.engine import solve_lasso

__all__ = ["random_mask", "masked_sparse_code", "inpaint", "smooth_fill"]


def random_mask(shape, missing, *, block=1, seed=None):
    """A boolean mask, True where a pixel is observed, with a fraction ``missing`` removed.

    Parameters
    ----------
    shape : (height, width)
    missing : float in [0, 1)
        Fraction of the ``block``×``block`` cells that are removed.
    block : int >= 1
        Side of the removed squares (1: random pixels; larger: random holes).
    seed : int, Generator or None

    Returns
    -------
    mask : bool array of shape ``shape``

    Raises
    ------
    ValueError
        If ``missing`` is outside [0, 1) or ``block`` < 1.
    """
    h, w = (check_int(s, "shape", low=1) for s in shape)
    missing = check_scalar(missing, "missing", low=0.0, high=1.0, high_open=True)
    block = check_int(block, "block", low=1)
    rng = check_generator(seed)
    cells = rng.random((-(-h // block), -(-w // block))) >= missing      # True = kept
    return np.kron(cells, np.ones((block, block), dtype=bool))[:h, :w]


def masked_sparse_code(X, M, D, lam, *, n_iter=10_000, tol=1e-4):
    r"""Lasso codes from the observed coordinates only.

    Solves, for every row, ``min_h ½‖m ⊙ (x − D h)‖² + λ‖h‖₁`` with the fast engine
    (:func:`reprcourse.solvers.engine.solve_lasso`, FISTA with a mask): the same iteration as
    :func:`~reprcourse.sparse_coding.fista` with ``D`` replaced, row by row, by ``m ⊙ D``.
    Masking cannot increase the Lipschitz constant, so ``1/‖D‖₂²`` stays a safe step; it is
    the step of every row (``n_iter=1`` is one ISTA step from zero), computed in the input's
    precision.

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
        Values at missing coordinates are ignored.
    M : bool or 0/1 array of shape (n_samples, n_features)
        1 where the coordinate is observed.
    D : array of shape (n_features, n_atoms)
    lam : float >= 0
    n_iter : int >= 1
        Maximum number of FISTA iterations.
    tol : float >= 0
        A row stops once its duality gap is below ``tol`` times its objective.

    Returns
    -------
    H : array of shape (n_samples, n_atoms)
        Same kind as ``X``; float64 if ``X`` or ``D`` is float64, else float32.

    Raises
    ------
    ValueError
        If shapes disagree, values are not finite, ``M`` is not 0/1, or ``lam < 0``.
    TypeError
        If numpy arrays and tensors are mixed.
    """
    X = check_array(X, "X")
    if is_torch(M):
        M = M.to(torch.float32) if M.dtype == torch.bool else M
    elif not isinstance(M, (str, bytes)):
        M = np.asarray(M, dtype=np.float64)
    M = check_array(M, "M")
    if tuple(M.shape) != tuple(X.shape):
        raise ValueError(f"M has shape {tuple(M.shape)} but X has shape {tuple(X.shape)}; "
                         "they must match")
    if not bool(((M == 0) | (M == 1)).all()):
        raise ValueError("M must hold 0/1 (or booleans): 1 where a coordinate is observed")
    D = check_dictionary(D, "D")
    check_matching_features(X, D)
    check_same_backend(X=X, M=M, D=D)
    lam = check_nonnegative(lam, "lam")
    n_iter = check_int(n_iter, "n_iter", low=1)
    tol = check_nonnegative(tol, "tol")
    dtype = common_dtype(X, D)
    Xt, Mt, Dt = (as_tensor(a, dtype=dtype) for a in (X, M, D))   # (n, d), (n, d), (d, k)
    Xt = torch.where(Mt > 0, Xt, 0.0)                               # missing values ignored
    H = solve_lasso(Xt, Dt, lam, mask=Mt, n_iter=n_iter, tol=tol, path="residual",
                    adaptive=False, mixed_precision=False)   # plain FISTA, step 1/‖D‖₂²
    return H if is_torch(X) else to_numpy(H)


def _check_image_and_mask(image, mask):
    """A finite 2-D float64 image and a boolean mask of the same shape.

    A numeric mask must hold only 0/1 (NaN, inf or 0.5 would otherwise read as True)."""
    image = np.asarray(check_array(image, "image", shape_hint="(height, width)"), np.float64)
    if is_torch(mask):
        mask = to_numpy(mask)
    mask = np.asarray(mask)
    if mask.dtype != bool:
        if mask.dtype.kind not in "fiu":
            raise TypeError(f"mask must hold booleans or 0/1, got an array of dtype "
                            f"{mask.dtype}")
        if not np.isfinite(mask).all():
            bad = mask[~np.isfinite(mask)].flat[0]
            raise ValueError(f"mask must be finite (booleans or 0/1), got {float(bad)!r} among "
                             f"its values")
        if not np.isin(mask, (0, 1)).all():
            bad = mask[~np.isin(mask, (0, 1))].flat[0]
            raise ValueError(f"mask must hold 0/1 (or booleans): True where a pixel is "
                             f"observed, got the value {float(bad)!r}")
        mask = mask.astype(bool)
    if mask.shape != image.shape:
        raise ValueError(f"mask has shape {mask.shape} but image has shape {image.shape}")
    return image, mask


def _patch_grid(n, size, stride):
    """Top-left corners along one axis, covering the whole axis."""
    starts = list(range(0, n - size + 1, stride))
    if starts[-1] != n - size:
        starts.append(n - size)
    return np.array(starts)


def inpaint(image, mask, D, lam, *, stride=2, n_iter=10_000):
    """Fill the missing pixels of a grey image by sparse coding its observed pixels.

    Every ``s``×``s`` patch on a grid of step ``stride`` (``s² = n_features``) has its
    observed mean removed, is coded with :func:`masked_sparse_code` against the (centred)
    dictionary ``D``, and is predicted as mean + ``D h``. Each pixel gets the average of the
    predictions of the patches covering it; observed pixels keep their values.

    Parameters
    ----------
    image : array of shape (height, width)
    mask : bool array of shape (height, width)
        True where the pixel is observed.
    D : array of shape (s * s, n_atoms)
        A dictionary learned on centred ``s``×``s`` patches of similar images.
    lam : float >= 0
    stride : int >= 1
    n_iter : int >= 1
        Maximum FISTA iterations per patch (see :func:`masked_sparse_code`).

    Returns
    -------
    array of shape (height, width), float64

    Raises
    ------
    ValueError
        If shapes disagree, ``D`` does not hold square patches, values are not finite, or a
        numeric ``mask`` holds anything but 0/1 (NaN included).
    TypeError
        If ``mask`` is neither boolean nor numeric.
    """
    image, mask = _check_image_and_mask(image, mask)
    D = to_numpy(check_dictionary(D, "D"), np.float64)
    size = int(round(np.sqrt(D.shape[0])))
    if size * size != D.shape[0] or size > min(image.shape):
        raise ValueError(f"D has {D.shape[0]} rows: not the pixels of a square patch that fits "
                         f"an image of shape {image.shape}")
    stride = check_int(stride, "stride", low=1)
    rows, cols = _patch_grid(image.shape[0], size, stride), _patch_grid(image.shape[1], size,
                                                                         stride)
    win = np.lib.stride_tricks.sliding_window_view
    P = win(image, (size, size))[rows][:, cols].reshape(-1, size * size)     # (n, s²)
    Mp = win(mask, (size, size))[rows][:, cols].reshape(-1, size * size)     # (n, s²)
    counts = Mp.sum(1, keepdims=True)
    mean = (P * Mp).sum(1, keepdims=True) / np.maximum(counts, 1)            # observed mean
    mean[counts[:, 0] == 0] = image[mask].mean()
    H = masked_sparse_code(P - mean, Mp, D, lam, n_iter=n_iter)
    pred = (mean + H @ D.T).reshape(-1, size, size)  # (n, s, s)
    total, weight = np.zeros_like(image), np.zeros_like(image)
    for p, (r, c) in zip(pred, ((r, c) for r in rows for c in cols)):
        total[r:r + size, c:c + size] += p
        weight[r:r + size, c:c + size] += 1
    return np.where(mask, image, total / weight)


def smooth_fill(image, mask, sigma=1.5):
    """Baseline: fill missing pixels with a Gaussian-weighted mean of the observed ones.

    ``(G_σ * (m ⊙ x)) / (G_σ * m)`` (normalised convolution); observed pixels are kept.

    Parameters
    ----------
    image : array of shape (height, width)
    mask : bool array of shape (height, width), True where observed
    sigma : float > 0
        Width of the Gaussian in pixels.

    Returns
    -------
    array of shape (height, width), float64

    Raises
    ------
    ValueError
        If shapes disagree, ``sigma <= 0``, values are not finite, or a numeric ``mask``
        holds anything but 0/1 (NaN included).
    """
    image, mask = _check_image_and_mask(image, mask)
    sigma = check_scalar(sigma, "sigma", low=0.0, low_open=True)
    num = ndimage.gaussian_filter(np.where(mask, image, 0.0), sigma)
    den = ndimage.gaussian_filter(mask.astype(np.float64), sigma)
    fill = np.where(den > 1e-12, num / np.maximum(den, 1e-12), image[mask].mean())
    return np.where(mask, image, fill)
