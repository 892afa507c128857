"""Tests for dictionary learning (chapter 4), its estimator, inpainting and polysemy helpers."""

import numpy as np
import pytest
import scipy.sparse
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.decomposition import MiniBatchDictionaryLearning, sparse_encode
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks

from reprcourse.data import natural_patches, word_vectors
from reprcourse.dictionary_learning import (DictionaryLearner, from_sklearn, learn_dictionary,
                                            to_sklearn)
from reprcourse.inpainting import inpaint, masked_sparse_code, random_mask, smooth_fill
from reprcourse.polysemy import atom_neighbours, word_senses
from reprcourse.sparse_coding import fista, sparse_objective


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def planted(n=2000, d=20, k=30, s=3, seed=0):
    """Sparse data from a random unit-norm dictionary: X = H* D*ᵀ."""
    rng = np.random.default_rng(seed)
    D = rng.standard_normal((d, k))
    D /= np.linalg.norm(D, axis=0)
    H = np.zeros((n, k))
    for i in range(n):
        H[i, rng.choice(k, s, replace=False)] = rng.choice([-1, 1], s) * rng.uniform(1, 2, s)
    return H @ D.T, D


@pytest.fixture(scope="module")
def small():
    X, _ = planted(n=600, d=16, k=24, seed=1)
    return X


def exact_objective(X, D, lam):
    """Objective of ``D`` on ``X`` with accurate codes (the judge of a dictionary)."""
    return sparse_objective(X, D, fista(X, D, lam, tol=1e-6, n_iter=20_000), lam)


def test_exact_statistics_never_increase_the_objective(small):
    for update in ("bcd", "gradient"):
        history = []
        learn_dictionary(small, 24, 0.1, n_iter=6, batch_size=100, seed=0, rho=None,
                         update=update, callback=lambda e, D, obj: history.append(obj))
        assert len(history) == 6
        assert np.all(np.diff(history) <= 1e-6 * history[0]), (update, history)
        assert history[-1] < 0.95 * history[0]


@pytest.mark.parametrize("rho", [None, 1.0, 20.0])
def test_more_passes_give_a_better_dictionary(rho):
    X = natural_patches(2000, seed=0)
    X_test = natural_patches(1000, seed=1)
    one, many = (exact_objective(X_test, learn_dictionary(X, 32, 0.5, n_iter=n, seed=0,
                                                          rho=rho)[0], 0.5) for n in (1, 4))
    assert many < one


def test_no_worse_than_scikit_learn_at_small_scale():
    """Held-out objective against MiniBatchDictionaryLearning (same data, atoms, λ)."""
    X = natural_patches(2000, seed=0)
    X_test = natural_patches(1000, seed=1)
    sk = MiniBatchDictionaryLearning(32, alpha=0.5, batch_size=256, max_iter=5,
                                     random_state=0).fit(X)
    D_sk = from_sklearn(sk.components_)
    D_sk /= np.linalg.norm(D_sk, axis=0)
    D, _ = learn_dictionary(X, 32, 0.5, n_iter=5, batch_size=256, seed=0)   # same passes
    ours, theirs = exact_objective(X_test, D, 0.5), exact_objective(X_test, D_sk, 0.5)
    assert ours <= 1.005 * theirs, (ours, theirs)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000), update=st.sampled_from(["bcd", "gradient"]),
       n_atoms=st.integers(1, 40), rho=st.sampled_from([None, 0.0, 5.0]))
def test_atoms_stay_unit_norm(small, seed, update, n_atoms, rho):
    D, H = learn_dictionary(small[:200], n_atoms, 0.2, n_iter=2, batch_size=64, seed=seed,
                            update=update, rho=rho)
    assert D.shape == (16, n_atoms) and H.shape == (200, n_atoms)
    np.testing.assert_allclose(np.linalg.norm(D, axis=0), 1.0, atol=1e-5)


@pytest.mark.parametrize("seed", [0, 1])
def test_recovers_planted_dictionary(seed):
    X, D_true = planted(n=3000, d=24, k=32, s=3, seed=seed)
    D, _ = learn_dictionary(X, 32, 0.1, n_iter=20, batch_size=300, seed=seed)
    best = np.abs(D_true.T @ D).max(axis=1)                        # up to permutation and sign
    # from a random start most atoms are found; a few may stay stuck (chapter 4)
    assert np.median(best) > 0.999 and np.mean(best > 0.95) >= 0.8


def test_warm_start_recovers_every_atom():
    X, D_true = planted(n=3000, d=24, k=32, s=3, seed=1)
    rng = np.random.default_rng(0)
    D0 = D_true + 0.3 * rng.standard_normal(D_true.shape) / np.sqrt(24)   # ~0.95 cosine
    D, _ = learn_dictionary(X, 32, 0.1, n_iter=10, batch_size=300, D0=D0, seed=0,
                            progress=False)
    assert np.abs(np.sum(D * D_true, axis=0)).min() > 0.99     # Arora et al. 2015


def test_learning_beats_the_initial_dictionary(small):
    D_init = small[np.random.default_rng(0).choice(600, 24, replace=False)].T
    D_init = D_init / np.linalg.norm(D_init, axis=0)
    D_learned, _ = learn_dictionary(small, 24, 0.1, n_iter=8, batch_size=100, D0=D_init,
                                    seed=0)
    assert exact_objective(small, D_learned, 0.1) < 0.9 * exact_objective(small, D_init, 0.1)


def test_returned_codes_match_dictionary(small):
    D, H = learn_dictionary(small, 24, 0.1, n_iter=3, batch_size=200, seed=0)
    H_exact = fista(small, D, 0.1, tol=1e-8, n_iter=5000)
    assert sparse_objective(small, D, H, 0.1) <= 1.05 * sparse_objective(small, D, H_exact, 0.1)


def test_dtype_and_backend(small):
    D32, H32 = learn_dictionary(small.astype(np.float32), 8, 0.1, n_iter=1, seed=0,
                                progress=False)
    assert D32.dtype == np.float32 and H32.dtype == np.float32
    D64, H64 = learn_dictionary(small, 8, 0.1, n_iter=1, seed=0)
    assert D64.dtype == np.float64 and H64.dtype == np.float64
    Dt, Ht = learn_dictionary(torch.from_numpy(small), 8, 0.1, n_iter=1, seed=0)
    assert isinstance(Dt, torch.Tensor) and Dt.dtype == torch.float64
    np.testing.assert_allclose(Dt.numpy(), D64, atol=1e-6)


def test_float64_data_are_learned_in_float64(small):
    """Rounding at 1e-13 stays at the level of float64 (issue 22): no float32 phase inside.

    A float32 working copy (or float32 code phase) would move the atoms by ~1e-4 here."""
    noise = np.random.default_rng(5).standard_normal(small.shape)
    runs = [learn_dictionary(small * (1 + eps * noise), 12, 0.1, n_iter=3, batch_size=100,
                             seed=0) for eps in (0.0, 1e-13)]
    np.testing.assert_allclose(runs[0][0], runs[1][0], atol=1e-9)
    np.testing.assert_allclose(runs[0][1], runs[1][1], atol=1e-9)
    D32, _ = learn_dictionary(small.astype(np.float32), 12, 0.1, n_iter=3, batch_size=100,
                              seed=0)
    assert np.abs(D32 - runs[0][0]).max() > 1e-7                  # float32 is float32


def test_torch_threads_restored(small):
    before = torch.get_num_threads()
    learn_dictionary(small, 4, 0.1, n_iter=1, n_threads=2, seed=0)
    assert torch.get_num_threads() == before
    learn_dictionary(small, 4, 0.1, n_iter=1, seed=0)           # None: left alone
    assert torch.get_num_threads() == before
    with pytest.raises(ValueError):
        learn_dictionary(small, 4, -1.0, n_threads=2)
    assert torch.get_num_threads() == before


def test_same_seed_same_result(small):
    a = learn_dictionary(small, 8, 0.1, n_iter=2, seed=3)
    b = learn_dictionary(small, 8, 0.1, n_iter=2, seed=np.random.default_rng(3))
    c = learn_dictionary(small, 8, 0.1, n_iter=2, seed=4)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize("kwargs, err, match", [
    (dict(X=np.zeros((0, 4))), ValueError, "empty"),
    (dict(X=np.full((5, 4), np.nan)), ValueError, "NaN"),
    (dict(X=np.ones(4)), ValueError, "2-D"),
    (dict(n_atoms=0), ValueError, "n_atoms"),
    (dict(n_atoms=2.5), TypeError, "n_atoms"),
    (dict(lam=-1.0), ValueError, "lam"),
    (dict(n_iter=0), ValueError, "n_iter"),
    (dict(batch_size=0), ValueError, "batch_size"),
    (dict(update="newton"), ValueError, "update"),
    (dict(rho=-1.0), ValueError, "rho"),
    (dict(code_iter=0), ValueError, "code_iter"),
    (dict(tol=-1.0), ValueError, "tol"),
    (dict(X=np.ones((5, 4), complex)), TypeError, "complex"),
    (dict(seed="a"), TypeError, "seed"),
    (dict(callback=3), TypeError, "callback"),
    (dict(n_threads=0), ValueError, "n_threads"),
    (dict(D0=np.ones((5, 3))), ValueError, "D0 has 5 rows"),
    (dict(D0=np.ones((4, 2))), ValueError, "n_atoms=3"),
    (dict(D0=np.zeros((4, 3))), ValueError, "zero column"),
])
def test_bad_input(kwargs, err, match):
    args = dict(X=np.random.default_rng(0).standard_normal((20, 4)), n_atoms=3, lam=0.1)
    args.update(kwargs)
    with pytest.raises(err, match=match):
        learn_dictionary(args.pop("X"), args.pop("n_atoms"), args.pop("lam"), **args)


# --- estimator and scikit-learn interoperability ---------------------------------------
@parametrize_with_checks([DictionaryLearner(5, alpha=0.1, max_iter=2, batch_size=64)])
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


def test_estimator_fit_transform_is_fit_then_transform(small):
    model = DictionaryLearner(12, alpha=0.1, max_iter=3, random_state=0)
    assert clone(model).get_params() == model.get_params()
    H = model.fit_transform(small)
    H2 = DictionaryLearner(12, alpha=0.1, max_iter=3, random_state=0).fit(small).transform(small)
    np.testing.assert_array_equal(H, H2)                          # deterministic, same codes
    assert H.shape == (600, 12) and model.components_.shape == (12, 16)
    assert isinstance(model.components_, np.ndarray) and len(model.history_) == 3
    np.testing.assert_array_equal(model.components_, model.dictionary_.T)
    np.testing.assert_allclose(np.linalg.norm(model.components_, axis=1), 1.0, atol=1e-6)
    with pytest.raises(NotFittedError):
        DictionaryLearner().transform(small)


def test_estimator_transform_is_the_lasso(small):
    model = DictionaryLearner(10, alpha=0.2, max_iter=2, random_state=0).fit(small)
    ref = sparse_encode(small[:50], model.components_, algorithm="lasso_cd", alpha=0.2,
                        max_iter=5000)
    np.testing.assert_allclose(model.transform(small[:50]), ref, atol=1e-4)
    model.set_params(transform_alpha=0.5)
    ref = sparse_encode(small[:50], model.components_, algorithm="lasso_cd", alpha=0.5,
                        max_iter=5000)
    np.testing.assert_allclose(model.transform(small[:50]), ref, atol=1e-4)


def test_estimator_fit_on_torch_transform_numpy(small):
    model = DictionaryLearner(8, alpha=0.1, max_iter=2, random_state=0)
    model.fit(torch.from_numpy(small).float())
    assert isinstance(model.components_, np.ndarray) and model.n_features_in_ == 16
    H = model.transform(small)
    assert isinstance(H, np.ndarray) and H.dtype == np.float64
    Ht = model.transform(torch.from_numpy(small).float())
    assert isinstance(Ht, torch.Tensor) and Ht.dtype == torch.float32
    np.testing.assert_allclose(Ht.numpy(), H, atol=1e-3)


@pytest.mark.parametrize("X, err, match", [
    (scipy.sparse.random(20, 16, density=0.5, format="csr", random_state=0), TypeError,
     "[Ss]parse"),
    (np.ones((20, 16), complex), ValueError, "[Cc]omplex"),
    (np.ones(16), ValueError, "2D"),
    (np.ones((20, 5)), ValueError, "5 features"),
    (np.full((20, 16), np.nan), ValueError, "NaN"),
    (torch.ones(20, 16, dtype=torch.complex64), TypeError, "real numbers"),
    (torch.ones(16), ValueError, "2-D"),
])
def test_estimator_bad_input(small, X, err, match):
    model = DictionaryLearner(4, alpha=0.1, max_iter=1, random_state=0).fit(small)
    with pytest.raises(err, match=match):
        model.transform(X)
    if X.shape[-1] == 16:
        with pytest.raises(err, match=match):
            clone(model).fit(X)


@pytest.mark.parametrize("params, err, match", [
    (dict(n_components=0), ValueError, "n_components"),
    (dict(alpha=-1.0), ValueError, "alpha"),
    (dict(max_iter=0), ValueError, "max_iter"),
    (dict(rho=-1.0), ValueError, "rho"),
    (dict(update="x"), ValueError, "update"),
])
def test_estimator_bad_parameters(small, params, err, match):
    with pytest.raises(err, match=match):
        DictionaryLearner(**params).fit(small)


def test_layout_converters_round_trip():
    D = np.random.default_rng(0).standard_normal((6, 9))
    np.testing.assert_array_equal(from_sklearn(to_sklearn(D)), D)
    assert to_sklearn(D).shape == (9, 6)
    Dt = torch.from_numpy(D)
    assert torch.equal(from_sklearn(to_sklearn(Dt)), Dt)
    with pytest.raises(ValueError, match="components"):
        from_sklearn(np.ones(3))


def test_from_sklearn_matches_sklearn_codes(small):
    sk = MiniBatchDictionaryLearning(10, alpha=0.2, batch_size=64, max_iter=2,
                                     random_state=0).fit(small)
    model = DictionaryLearner.from_sklearn(sk)
    np.testing.assert_allclose(model.components_, sk.components_ /
                               np.linalg.norm(sk.components_, axis=1, keepdims=True))
    assert model.alpha == 0.2
    ours = model.set_params(transform_tol=1e-9, transform_max_iter=20000).transform(small[:50])
    ref = sparse_encode(small[:50], model.components_, algorithm="lasso_cd", alpha=0.2,
                        max_iter=5000)
    np.testing.assert_allclose(ours, ref, atol=1e-4)
    with pytest.raises(TypeError, match="components_"):
        DictionaryLearner.from_sklearn(object())


# --- inpainting --------------------------------------------------------------------------
def test_masked_code_with_full_mask_is_the_lasso(small):
    D = np.random.default_rng(0).standard_normal((16, 10))
    D /= np.linalg.norm(D, axis=0)
    H = masked_sparse_code(small[:30], np.ones((30, 16)), D, 0.2, n_iter=2000)
    np.testing.assert_allclose(H, fista(small[:30], D, 0.2, tol=1e-9, n_iter=5000), atol=1e-3)


def test_masked_code_ignores_missing_values(small):
    D = np.random.default_rng(1).standard_normal((16, 10))
    D /= np.linalg.norm(D, axis=0)
    M = np.random.default_rng(2).random((30, 16)) > 0.3
    garbage = np.where(M, small[:30], 1e3)
    np.testing.assert_allclose(masked_sparse_code(garbage, M, D, 0.2, n_iter=50),
                               masked_sparse_code(small[:30], M, D, 0.2, n_iter=50), atol=1e-5)


def test_inpaint_keeps_observed_pixels_and_is_finite():
    image = np.add.outer(np.sin(np.arange(32) / 2.0), np.cos(np.arange(32) / 3.0))
    mask = random_mask(image.shape, 0.5, seed=1)
    D = np.eye(16)                                                 # a trivial 4×4 dictionary
    out = inpaint(image, mask, D, 0.0, stride=1, n_iter=5)
    np.testing.assert_array_equal(out[mask], image[mask])
    assert np.isfinite(out).all() and out.shape == image.shape
    base = smooth_fill(image, mask)
    np.testing.assert_array_equal(base[mask], image[mask])
    assert np.sqrt(np.mean((base - image)[~mask] ** 2)) < image.std()


@settings(max_examples=15, deadline=None)
@given(missing=st.floats(0.0, 0.9), block=st.sampled_from([1, 2, 5, 10]),
       seed=st.integers(0, 100))
def test_random_mask_fraction(missing, block, seed):
    m = random_mask((60, 50), missing, block=block, seed=seed)
    assert m.shape == (60, 50) and m.dtype == bool
    cells = m[::block, ::block]                                    # one pixel per block
    np.testing.assert_array_equal(np.kron(cells, np.ones((block, block), bool)), m)
    sd = np.sqrt(missing * (1 - missing) / cells.size)             # binomial spread
    assert abs((1 - cells.mean()) - missing) <= 5 * sd + 1e-12


def test_inpainting_bad_input():
    with pytest.raises(ValueError, match="missing"):
        random_mask((4, 4), 1.0)
    with pytest.raises(ValueError, match="mask has shape"):
        inpaint(np.ones((8, 8)), np.ones((7, 8), bool), np.eye(16), 0.1)
    with pytest.raises(ValueError, match="square patch"):
        inpaint(np.ones((8, 8)), np.ones((8, 8), bool), np.eye(15), 0.1)
    with pytest.raises(ValueError, match="M has shape"):
        masked_sparse_code(np.ones((3, 4)), np.ones((3, 5)), np.eye(4), 0.1)
    with pytest.raises(ValueError, match="sigma"):
        smooth_fill(np.ones((8, 8)), np.ones((8, 8), bool), sigma=0)


# --- word vectors and senses -------------------------------------------------------------
def test_word_vectors_loader():
    words, V = word_vectors(500)
    assert len(words) == 500 and V.shape == (500, 50) and V.dtype == np.float64
    assert words[0] == "the" and "bank" in words
    _, U = word_vectors(10, normalize=True)
    np.testing.assert_allclose(np.linalg.norm(U, axis=1), 1.0)
    with pytest.raises(ValueError, match="n_words"):
        word_vectors(0)
    with pytest.raises(TypeError, match="normalize"):
        word_vectors(10, normalize="yes")


def test_atom_neighbours_and_word_senses():
    words, V = word_vectors(300, normalize=True)
    D = V[[words.index("house"), words.index("money")]].T           # two "atoms": words
    near = atom_neighbours(D, V, words, n_near=3)
    assert near[0][0] == "house" and near[1][0] == "money"
    H = np.zeros((300, 2))
    H[words.index("house"), :] = [0.7, 0.1]
    senses = word_senses("house", words, H, near, n_senses=5)
    assert [s[1] for s in senses] == [0, 1] and senses[0][2][0] == "house"
    with pytest.raises(KeyError, match="zzzz"):
        word_senses("zzzz", words, H, near)
    with pytest.raises(ValueError, match="words has"):
        atom_neighbours(D, V, words[:5])
