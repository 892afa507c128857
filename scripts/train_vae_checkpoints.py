"""Train the two MNIST VAEs that chapter 6 ships in ``reprcourse/assets``.

Chapter 6 analyses a VAE with a 2-D code in detail (its latent map, the share of each
digit's codes nearest its own digit's centre, the latent walk) and compares it with a
16-D one. Trained inside the notebook, those numbers were a property of one machine's
rounding: the 2-D VAE's training trajectory amplifies differences of 1e-10 (another CPU's
``exp`` or summation order) to changes in the second decimal of the table, even in float64.
So the models are trained once, here, and the notebook loads them with
:func:`reprcourse.models.pretrained`; every number it prints is then a property of these
weights (evaluated in float64).

    python scripts/train_vae_checkpoints.py          # both models, ≈ 2 min on one core

Settings (:data:`VAE_MNIST`): MNIST-5k ``mnist(5000, seed=0)`` binarised at 0.5, the first
4 500 digits for training (the notebook holds out the last 500), encoder 784–256–k,
Bernoulli decoder, Adam, float64, one CPU thread, seeded: a second run on the same machine
writes the same weights. The files hold float16 weights and the training history.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch

from reprcourse.data import mnist
from reprcourse.models import VAE, elbo, save, train

ASSETS = Path(__file__).resolve().parents[1] / "reprcourse" / "assets"

#: The chapter-6 MNIST VAEs: one per code size k.
VAE_MNIST = dict(hidden=[256], epochs=30, lr=1e-3, batch_size=100, n_train=4500,
                 n_latent=[2, 16])


def vae_name(k):
    return f"vae_mnist_k{k}"


def mnist_binary():
    X, _ = mnist(5000, seed=0)
    return (X > 0.5).astype(np.float64)


def train_vaes(out):
    X = mnist_binary()
    X_train, X_test = X[:VAE_MNIST["n_train"]], X[VAE_MNIST["n_train"]:]
    settings = {k: v for k, v in VAE_MNIST.items() if k != "n_latent"}
    for k in VAE_MNIST["n_latent"]:
        model = VAE(784, k, hidden=VAE_MNIST["hidden"], likelihood="bernoulli",
                    seed=0).double()
        history = train(model, X_train, epochs=VAE_MNIST["epochs"],
                        batch_size=VAE_MNIST["batch_size"], lr=VAE_MNIST["lr"], seed=0,
                        progress=False)
        held_out = float(elbo(model, X_test, n_samples=10, seed=0).mean())
        save(model.float(), out / f"{vae_name(k)}.pt", half=True,
             meta={"history": history, "held_out_elbo": held_out, **settings})
        yield vae_name(k), -held_out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ASSETS, help="output folder")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)                       # reproducible on one machine, and fair
    args.out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for name, final in train_vaes(args.out):
        size = (args.out / f"{name}.pt").stat().st_size / 1024
        print(f"{name:>14}: held-out −ELBO {final:.4g} nats, {size:.0f} kB, "
              f"{time.perf_counter() - start:.0f} s", flush=True)


if __name__ == "__main__":
    main()
