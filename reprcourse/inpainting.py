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

from ._validation import (check_array, check_dictionary, check_generator, check_int,
                          check_matching_features, check_nonnegative, check_scalar)

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


def masked_sparse_code(X, M, D, lam, *, n_iter=200):
    r"""Lasso codes from the observed coordinates only, by FISTA (Beck & Teboulle 2009).

    Solves, for every row, ``min_h ½‖m ⊙ (x − D h)‖² + λ‖h‖₁`` with step ``1/‖D‖₂²`` (valid
    for every mask, since masking cannot increase the Lipschitz constant).

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
        Values at missing coordinates are ignored.
    M : bool or 0/1 array of shape (n_samples, n_features)
        1 where the coordinate is observed.
    D : array of shape (n_features, n_atoms)
    lam : float >= 0
    n_iter : int >= 1

    Returns
    -------
    H : array of shape (n_samples, n_atoms), float64

    Raises
    ------
    ValueError
        If shapes disagree, values are not finite or ``lam < 0``.
    """
    X = np.asarray(check_array(X, "X"), dtype=np.float32)
    M = np.asarray(check_array(np.asarray(M, dtype=np.float32), "M"))
    if M.shape != X.shape:
        raise ValueError(f"M has shape {M.shape} but X has shape {X.shape}; they must match")
    D = check_dictionary(D, "D")
    check_matching_features(X, D)
    lam = check_nonnegative(lam, "lam")
    n_iter = check_int(n_iter, "n_iter", low=1)
    Xt, Mt = torch.from_numpy(X * M), torch.from_numpy(M)         # (n, d) each
    Dt = torch.from_numpy(np.asarray(D, dtype=np.float32))         # (d, k)
    alpha = 1.0 / float(torch.linalg.matrix_norm(Dt, ord=2) ** 2)
    H = torch.zeros(X.shape[0], Dt.shape[1])                       # (n, k)
    Y, t = H.clone(), 1.0
    for _ in range(n_iter):
        G = ((Y @ Dt.T) * Mt - Xt) @ Dt                            # (n, k) gradient
        Z = Y - alpha * G
        H_new = Z - Z.clamp(-alpha * lam, alpha * lam)             # soft threshold
        t_new = 0.5 * (1 + (1 + 4 * t * t) ** 0.5)
        Y = H_new + ((t - 1) / t_new) * (H_new - H)
        H, t = H_new, t_new
    return H.double().numpy()


def _check_image_and_mask(image, mask):
    """A finite 2-D float64 image and a boolean mask of the same shape."""
    image = np.asarray(check_array(image, "image", shape_hint="(height, width)"), np.float64)
    mask = np.asarray(mask, dtype=bool)
    if mask.shape != image.shape:
        raise ValueError(f"mask has shape {mask.shape} but image has shape {image.shape}")
    return image, mask


def _patch_grid(n, size, stride):
    """Top-left corners along one axis, covering the whole axis."""
    starts = list(range(0, n - size + 1, stride))
    if starts[-1] != n - size:
        starts.append(n - size)
    return np.array(starts)


def inpaint(image, mask, D, lam, *, stride=2, n_iter=200):
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
        FISTA iterations.

    Returns
    -------
    array of shape (height, width), float64

    Raises
    ------
    ValueError
        If shapes disagree, ``D`` does not hold square patches, or values are not finite.
    """
    image, mask = _check_image_and_mask(image, mask)
    D = check_dictionary(D, "D")
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
    pred = (mean + H @ np.asarray(D, np.float64).T).reshape(-1, size, size)  # (n, s, s)
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
        If shapes disagree or ``sigma <= 0``.
    """
    image, mask = _check_image_and_mask(image, mask)
    sigma = check_scalar(sigma, "sigma", low=0.0, low_open=True)
    num = ndimage.gaussian_filter(np.where(mask, image, 0.0), sigma)
    den = ndimage.gaussian_filter(mask.astype(np.float64), sigma)
    fill = np.where(den > 1e-12, num / np.maximum(den, 1e-12), image[mask].mean())
    return np.where(mask, image, fill)
