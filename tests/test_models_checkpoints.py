"""Tests of reprcourse.models.checkpoints: round trips for every saveable class (the VAE
included), the explicit registry, and the shipped checkpoints reproducing the numbers that
chapters 5 and 5b print."""

import os
import pickle
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from reprcourse.data import mnist, natural_patches
from reprcourse.models import (MODEL_CLASSES, PSD, VAE, Autoencoder, DeepAutoencoder,
                               SparseAutoencoder, ThresholdAutoencoder, corrupt, elbo, load,
                               pretrained, save)
from reprcourse.sparse_coding import sparse_objective

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from train_checkpoints import digits_split  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_torch_thread")
CUDA = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
X_SMALL = np.random.default_rng(0).random((20, 12))


@pytest.mark.parametrize("make", [
    lambda: Autoencoder(12, 5, tied=True, activation="relu", seed=0),
    lambda: ThresholdAutoencoder(12, 5, 0.7, threshold="ternary", seed=0),
    lambda: SparseAutoencoder(12, 5, 0.1, tied=True, seed=0),
    lambda: PSD(12, 5, 0.1, seed=0),
    lambda: DeepAutoencoder([12, 6, 2], activation="relu", seed=0),
    lambda: VAE(12, 2, hidden=(8, 4), likelihood="gaussian", seed=0),
    lambda: VAE(12, 3, hidden=(), seed=0),
])
def test_save_load_roundtrip(tmp_path, make):
    model = make()
    path = tmp_path / "m.pt"
    save(model, path, meta={"history": [1.0, 0.5], "note": "x"})
    loaded, meta = load(path, with_meta=True)
    assert type(loaded) is type(model) and meta == {"history": [1.0, 0.5], "note": "x"}
    assert not loaded.training
    for (name, p), (_, q) in zip(model.state_dict().items(), loaded.state_dict().items()):
        torch.testing.assert_close(p, q, rtol=0, atol=0, msg=name)
    np.testing.assert_array_equal(loaded(X_SMALL) if isinstance(model, VAE)
                                  else loaded.reconstruct(X_SMALL),
                                  model(X_SMALL) if isinstance(model, VAE)
                                  else model.reconstruct(X_SMALL))
    assert os.listdir(tmp_path) == ["m.pt"]                        # no temporary file left


def test_vae_round_trip_keeps_its_bounds(tmp_path):
    model = VAE(12, 2, hidden=6, seed=0)
    save(model, tmp_path / "vae.pt")
    loaded = load(tmp_path / "vae.pt")
    assert (loaded.n_features, loaded.n_latent, loaded.hidden, loaded.likelihood) == \
        (12, 2, (6,), "bernoulli")
    np.testing.assert_array_equal(elbo(loaded, X_SMALL, 4, seed=3), elbo(model, X_SMALL, 4,
                                                                          seed=3))


@CUDA
def test_load_onto_cuda_and_save_from_cuda(tmp_path):
    model = VAE(12, 2, hidden=6, seed=0, device="cuda")
    save(model, tmp_path / "v.pt")
    loaded = load(tmp_path / "v.pt", device="cuda")
    assert next(loaded.parameters()).device.type == "cuda"
    assert pretrained("dae_clean", device="cuda").weight.device.type == "cuda"


def test_same_model_same_bytes(tmp_path):
    model = Autoencoder(12, 5, seed=0)
    save(model, tmp_path / "a.pt", meta={"h": [1.0]})
    save(model, tmp_path / "b.pt", meta={"h": [1.0]})
    assert (tmp_path / "a.pt").read_bytes() == (tmp_path / "b.pt").read_bytes()


def test_save_half_and_failed_save_leaves_nothing(tmp_path):
    model = Autoencoder(12, 5, seed=0)
    save(model, tmp_path / "h.pt", half=True)
    torch.testing.assert_close(load(tmp_path / "h.pt").weight, model.weight, atol=1e-3,
                               rtol=1e-3)
    with pytest.raises(pickle.UnpicklingError):
        save(model, tmp_path / "bad.pt", meta={"obj": object()})
    assert sorted(os.listdir(tmp_path)) == ["h.pt"]


def test_registry_is_explicit(tmp_path, monkeypatch):
    """A subclass is not saveable until it is listed in MODEL_CLASSES by hand."""
    class MyAutoencoder(Autoencoder):
        pass

    assert set(MODEL_CLASSES) == {"Autoencoder", "ThresholdAutoencoder", "SparseAutoencoder",
                                  "PSD", "DeepAutoencoder", "VAE"}
    model = MyAutoencoder(12, 3, seed=0)
    with pytest.raises(TypeError, match="MyAutoencoder"):
        save(model, tmp_path / "mine.pt")
    assert "MyAutoencoder" not in MODEL_CLASSES
    monkeypatch.setitem(MODEL_CLASSES, "MyAutoencoder", MyAutoencoder)
    save(model, tmp_path / "mine.pt")
    assert type(load(tmp_path / "mine.pt")) is MyAutoencoder
    monkeypatch.delitem(MODEL_CLASSES, "MyAutoencoder")
    with pytest.raises(ValueError, match="unknown model class 'MyAutoencoder'"):
        load(tmp_path / "mine.pt")


def test_load_rejects_foreign_files(tmp_path):
    torch.save({"weights": torch.zeros(2)}, tmp_path / "other.pt")
    with pytest.raises(ValueError, match="not a reprcourse"):
        load(tmp_path / "other.pt")
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "missing.pt")
    with pytest.raises(TypeError, match="saveable reprcourse models"):
        save(torch.nn.Linear(2, 2), tmp_path / "lin.pt")
    with pytest.raises(TypeError, match="meta must be a dict"):
        save(Autoencoder(2, 2, seed=0), tmp_path / "m.pt", meta=[1])
    with pytest.raises(ValueError, match="available: .*dae_clean"):
        pretrained("no_such_model")


# --- the shipped checkpoints reproduce what the chapters print ---------------------------------
def test_shipped_checkpoints_load():
    names = ["dae_clean", "dae_dropout_25", "dae_dropout_50", "dae_gaussian_25",
             "dae_gaussian_50", "dae_patches", "deep_mnist", "psd_patches", "sparse_ae_patches",
             "width_k16", "width_k128", "width_k128_masked"]
    for name in names:
        model, meta = pretrained(name, with_meta=True)
        assert isinstance(model, tuple(MODEL_CLASSES.values())) and isinstance(meta, dict)
        assert all(p.dtype == torch.float32 for p in model.parameters())
    clean, meta = pretrained("dae_clean", with_meta=True)          # chapter 5, "Loaded: ..."
    assert clean.config == dict(n_features=784, n_hidden=200, tied=True, activation="sigmoid",
                                output="sigmoid")
    assert len(meta["history"]) == 40


def test_chapter_5_width_models_are_trained_to_convergence():
    """Chapter 5 calls these converged: the last fifth of the steps brought < 5 % of the
    loss's decrease, and the over-complete model fits its training digits almost exactly."""
    X_train, _ = digits_split()
    for name, k in (("width_k16", 16), ("width_k128", 128), ("width_k128_masked", 128)):
        model, meta = pretrained(name, with_meta=True)
        loss = meta["history"]
        assert model.config["n_hidden"] == k and len(loss) == 5000
        assert (loss[-1001] - loss[-1]) / (loss[0] - loss[-1]) < 0.05
    fit = pretrained("width_k128").reconstruct(X_train)
    assert float(((fit - X_train) ** 2).sum(1).mean()) < 0.05


def test_chapter_5_filter_roughness():
    """Chapter 5 prints the mean roughness of the dropout-DAE filters: 1.077, 0.993, 0.866."""
    printed = {"dae_clean": 1.077, "dae_dropout_25": 0.993, "dae_dropout_50": 0.866}
    for name, value in printed.items():
        F = pretrained(name).weight.detach().numpy().T.reshape(-1, 28, 28)
        steps = (np.diff(F, axis=1) ** 2).sum((1, 2)) + (np.diff(F, axis=2) ** 2).sum((1, 2))
        assert round(float((steps / (F ** 2).sum((1, 2))).mean()), 3) == value


@pytest.fixture(scope="module")
def patches_test():
    return natural_patches(12_000, seed=0)[10_000:]


def test_chapter_5b_denoising_error(patches_test):
    """Chapter 5b prints 12.71: the patch DAE's squared error per noisy test patch (σ = 1)."""
    noisy = corrupt(patches_test, "gaussian", 1.0, seed=0)
    denoised = pretrained("dae_patches").reconstruct(noisy)
    assert denoised.dtype == np.float64
    assert round(float(((denoised - patches_test) ** 2).sum(1).mean()), 2) == 12.71


def test_chapter_5b_sparse_encoders(patches_test):
    """Chapter 5b's table: objective 7.75 (sparse AE) and 10.04 (PSD) of the encoder's codes,
    with 9.6 % and 97.3 % of them non-zero."""
    for name, objective, nonzero in (("sparse_ae_patches", 7.75, 0.096),
                                     ("psd_patches", 10.04, 0.973)):
        model = pretrained(name)
        D = model.dictionary.detach().double().numpy()
        H = model.transform(patches_test)
        assert round(sparse_objective(patches_test, D, H, 0.5), 2) == objective
        assert round(float((np.abs(H) > 1e-3).mean()), 3) == nonzero


def test_chapter_5b_deep_autoencoder_matches_its_recorded_test_error():
    """The saved deep autoencoder is the "sigmoid, pre-trained" run whose test-error curve the
    chapter plots: its error on the test split equals the curve's last point."""
    deep, meta = pretrained("deep_mnist", with_meta=True)
    X_test = mnist(5000, seed=0)[0][4000:]
    error = float(((deep.reconstruct(X_test) - X_test) ** 2).sum(1).mean())
    np.testing.assert_allclose(error, meta["test_error"]["sigmoid, pre-trained"][-1], rtol=1e-3)
    assert error < meta["pca_test_error"]
