"""Train the small checkpoints that chapter 5 ships in ``reprcourse/assets``.

The chapter notebooks must run in a minute on a laptop CPU, which is too short to train
some of their models well. This script trains those models once and saves them (float16
weights, a few hundred kB each) with their training histories in the checkpoint's ``meta``;
the notebooks load them with :func:`reprcourse.models.pretrained`.

    python scripts/train_checkpoints.py              # all of them (5-10 min on one core)
    python scripts/train_checkpoints.py --only deep  # one group: denoising, deep, patches, width

Everything is seeded and runs on one CPU thread, so a second run on the same machine writes
the same weights. The data splits are the ones the notebooks use: MNIST-5k ``mnist(seed=0)``
split 4000 / 1000, and ``natural_patches(12_000, seed=0)`` split 10 000 / 2 000.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch

from reprcourse.data import digits, mnist, natural_patches
from reprcourse.models import (PSD, Autoencoder, Corruption, DeepAutoencoder, SparseAutoencoder,
                               pretrain, save, train)

ASSETS = Path(__file__).resolve().parents[1] / "reprcourse" / "assets"

#: Denoising autoencoders of chapter 5: tied, sigmoid, cross-entropy (Vincent et al. 2008).
DAE = dict(n_hidden=200, epochs=40, lr=3e-3, batch_size=128)
DAE_SETTINGS = [("dropout", 0.0), ("dropout", 0.25), ("dropout", 0.5), ("gaussian", 0.25),
                ("gaussian", 0.5)]
#: Deep autoencoder of chapter 5b (Hinton & Salakhutdinov 2006, scaled to MNIST-5k).
DEEP = dict(sizes=[784, 256, 64, 30], pretrain_epochs=5, epochs=50, batch_size=128)
DEEP_LR = {"relu": 1e-3, "sigmoid": 1e-2}
#: Sparse autoencoder and PSD on natural-image patches (chapter 5b).
SPARSE = dict(n_atoms=128, lam=0.5, epochs=40, lr=3e-3, batch_size=256)
#: Under- and over-complete autoencoders on the 8×8 digits (chapter 5, section 5): sigmoid
#: hidden units, linear output, squared error, full-batch Adam until the loss levels off.
WIDTH = dict(steps=5000, lr=2e-2)
WIDTH_SETTINGS = [("width_k16", 16, None), ("width_k128", 128, None),
                  ("width_k128_masked", 128, ("dropout", 0.5))]
#: Over-complete, tied denoising autoencoder on natural-image patches (chapter 5b).
PATCH_DAE = dict(n_hidden=256, sigma=1.0, epochs=40, lr=3e-3, batch_size=250)


def mnist_split():
    X, _ = mnist(5000, seed=0)
    return X[:4000], X[4000:]


def patches_split():
    P = natural_patches(12_000, seed=0)
    return P[:10_000], P[10_000:]


def digits_split():
    """Chapter 5's split of the 1 797 digits: 1 500 for training (its first draw of
    ``np.random.default_rng(0)``)."""
    X, _ = digits()
    order = np.random.default_rng(0).permutation(len(X))
    return X[order[:1500]], X[order[1500:]]


def dae_name(kind, level):
    return "dae_clean" if level == 0 else f"dae_{kind}_{int(round(100 * level))}"


def train_denoising(out):
    X_train, _ = mnist_split()
    for kind, level in DAE_SETTINGS:
        model = Autoencoder(784, DAE["n_hidden"], tied=True, activation="sigmoid",
                            output="sigmoid", seed=0)
        history = train(model, X_train, loss="bce", epochs=DAE["epochs"], lr=DAE["lr"],
                        batch_size=DAE["batch_size"], seed=0, progress=False,
                        corruption=Corruption(kind, level) if level > 0 else None)
        save(model, out / f"{dae_name(kind, level)}.pt", half=True,
             meta={"kind": kind, "level": level, "history": history, **DAE})
        yield dae_name(kind, level), history[-1]


def _deep_run(activation, X_train, X_test, pretrained):
    """Train one deep autoencoder; return it, its test error per epoch and its histories."""
    model = DeepAutoencoder(DEEP["sizes"], activation=activation, seed=0)
    lr, test = DEEP_LR[activation], torch.from_numpy(X_test).float()

    def test_error():                              # mean squared error per image
        return float((model(test) - test).pow(2).sum(1).mean())
    layers = (pretrain(model, X_train, loss="bce", epochs=DEEP["pretrain_epochs"], lr=lr,
                       batch_size=DEEP["batch_size"], seed=0, progress=False)
              if pretrained else [])
    with torch.no_grad():
        errors = [test_error()]
    history = train(model, X_train, loss="bce", epochs=DEEP["epochs"], lr=lr,
                    batch_size=DEEP["batch_size"], seed=0, progress=False,
                    callback=lambda epoch, loss: errors.append(test_error()))
    return model, errors, {"pretrain": layers, "fine_tune": history}


def train_deep(out):
    X_train, X_test = mnist_split()
    mean = X_train.mean(0)
    _, _, Vt = np.linalg.svd(X_train - mean, full_matrices=False)
    pca = (X_test - mean) @ Vt[:30].T @ Vt[:30] + mean
    curves, keep = {}, None
    for activation in ("relu", "sigmoid"):
        for pretrained in (True, False):
            model, errors, histories = _deep_run(activation, X_train, X_test, pretrained)
            label = f"{activation}, {'pre-trained' if pretrained else 'random init'}"
            curves[label] = errors
            if activation == "sigmoid" and pretrained:     # Hinton & Salakhutdinov's recipe
                keep = (model, histories)
    model, histories = keep
    save(model, out / "deep_mnist.pt", half=True,
         meta={"test_error": curves, "pca_test_error": float(((pca - X_test) ** 2).sum(1).mean()),
               "histories": histories, **{k: v for k, v in DEEP.items() if k != "sizes"},
               "lr": DEEP_LR["sigmoid"]})
    yield "deep_mnist", curves["sigmoid, pre-trained"][-1]


def train_width(out):
    X_train, _ = digits_split()
    for name, k, corruption in WIDTH_SETTINGS:
        model = Autoencoder(64, k, activation="sigmoid", output="linear", seed=0)
        history = train(model, X_train, loss="mse", epochs=WIDTH["steps"], lr=WIDTH["lr"],
                        batch_size=len(X_train), seed=0, progress=False,
                        corruption=Corruption(*corruption) if corruption else None)
        save(model, out / f"{name}.pt", half=True,
             meta={"history": history, "corruption": corruption, **WIDTH})
        yield name, history[-1]


def train_patches(out):
    P_train, _ = patches_split()
    for name, model in (("sparse_ae_patches", SparseAutoencoder(64, SPARSE["n_atoms"],
                                                                SPARSE["lam"], seed=0)),
                        ("psd_patches", PSD(64, SPARSE["n_atoms"], SPARSE["lam"], n_iter=50,
                                            seed=0))):
        history = train(model, P_train, epochs=SPARSE["epochs"], lr=SPARSE["lr"],
                        batch_size=SPARSE["batch_size"], seed=0, progress=False)
        save(model, out / f"{name}.pt", half=True, meta={"history": history, **SPARSE})
        yield name, history[-1]
    model = Autoencoder(64, PATCH_DAE["n_hidden"], tied=True, activation="relu", output="linear",
                        seed=0)
    history = train(model, P_train, loss="mse", epochs=PATCH_DAE["epochs"], lr=PATCH_DAE["lr"],
                    batch_size=PATCH_DAE["batch_size"], seed=0, progress=False,
                    corruption=Corruption("gaussian", PATCH_DAE["sigma"]))
    save(model, out / "dae_patches.pt", half=True, meta={"history": history, **PATCH_DAE})
    yield "dae_patches", history[-1]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="train only groups whose name contains this")
    parser.add_argument("--out", type=Path, default=ASSETS, help="output folder")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)                       # reproducible on any machine, and fair
    args.out.mkdir(parents=True, exist_ok=True)
    groups = {"denoising": train_denoising, "deep": train_deep, "patches": train_patches,
              "width": train_width}
    for group, make in groups.items():
        if args.only not in group:
            continue
        start = time.perf_counter()
        for name, final in make(args.out):
            size = (args.out / f"{name}.pt").stat().st_size / 1024
            print(f"{name:>22}: final {final:.4g}, {size:.0f} kB, "
                  f"{time.perf_counter() - start:.0f} s", flush=True)


if __name__ == "__main__":
    main()
