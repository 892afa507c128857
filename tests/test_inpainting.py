"""Tests of reprcourse.inpainting's masked lasso (the engine with a mask)."""

import numpy as np
import pytest
import torch

from reprcourse.inpainting import inpaint, masked_sparse_code, random_mask, smooth_fill
from reprcourse.sparse_coding import fista


def problem(seed, n=20, d=16, k=24):
    rng = np.random.default_rng(seed)
    D = rng.standard_normal((d, k))
    D /= np.linalg.norm(D, axis=0)
    return rng.standard_normal((n, d)), D, rng.random((n, d)) > 0.35


def test_masked_code_is_the_lasso_on_observed_pixels():
    X, D, M = problem(0)
    H = masked_sparse_code(X, M, D, 0.1, tol=1e-12)
    for i in range(len(X)):
        ref = fista(X[i:i + 1, M[i]], D[M[i]], 0.1, tol=1e-12, n_iter=100_000)
        np.testing.assert_allclose(H[i:i + 1], ref, atol=1e-6)


def test_masked_code_ignores_missing_values_and_keeps_kind():
    X, D, M = problem(1)
    a = masked_sparse_code(np.where(M, X, 1e3), M, D, 0.2)
    np.testing.assert_array_equal(a, masked_sparse_code(X, M, D, 0.2))
    assert a.dtype == np.float64
    t = masked_sparse_code(torch.tensor(X, dtype=torch.float32), torch.tensor(M),
                           torch.tensor(D, dtype=torch.float32), 0.2)
    assert isinstance(t, torch.Tensor) and t.dtype == torch.float32
    np.testing.assert_allclose(t.numpy(), a, atol=1e-3)


def test_inpaint_beats_the_mean_on_a_smooth_texture():
    image = np.add.outer(np.sin(np.arange(24) / 2.0), np.cos(np.arange(24) / 3.0))
    mask = random_mask(image.shape, 0.3, seed=0)
    rng = np.random.default_rng(2)
    D = rng.standard_normal((16, 32))
    D /= np.linalg.norm(D, axis=0)
    out = inpaint(image, mask, D, 0.01, stride=2)
    np.testing.assert_array_equal(out[mask], image[mask])
    err = np.sqrt(np.mean((out - image)[~mask] ** 2))
    assert err < 0.5 * np.sqrt(np.mean((image[mask].mean() - image)[~mask] ** 2))


@pytest.mark.parametrize("M, match", [(np.ones((3, 5)), "M has shape"),
                                      (np.full((3, 4), 0.5), "M must hold 0/1")])
def test_masked_code_bad_input(M, match):
    with pytest.raises(ValueError, match=match):
        masked_sparse_code(np.ones((3, 4)), M, np.eye(4), 0.1)


@pytest.mark.parametrize("fill", [inpaint, smooth_fill])
@pytest.mark.parametrize("bad, err, match", [
    (np.nan, ValueError, r"mask must be finite .*got nan"),
    (np.inf, ValueError, r"mask must be finite .*got inf"),
    (0.5, ValueError, r"mask must hold 0/1 .*got the value 0\.5"),
])
def test_image_mask_must_be_boolean_or_0_1(fill, bad, err, match):
    """A NaN in the mask is rejected like every other non-finite input (issue 22)."""
    image = np.add.outer(np.arange(12.0), np.arange(12.0)) / 24
    mask = np.ones((12, 12))
    mask[3, 4] = bad
    args = (np.eye(16), 0.1) if fill is inpaint else ()
    with pytest.raises(err, match=match):
        fill(image, mask, *args)


def test_image_mask_as_0_1_numbers_equals_booleans():
    image = np.add.outer(np.sin(np.arange(12.0)), np.cos(np.arange(12.0)))
    mask = random_mask(image.shape, 0.3, seed=1)
    np.testing.assert_array_equal(smooth_fill(image, mask.astype(float)),
                                  smooth_fill(image, mask))
    with pytest.raises(TypeError, match="mask must hold booleans or 0/1"):
        smooth_fill(image, np.full(image.shape, "x"))
