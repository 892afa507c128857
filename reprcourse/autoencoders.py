"""Autoencoders in torch (chapter 5) and the training loop shared with the VAE (chapter 6).

The models are added by the autoencoders chapter. The training loop :func:`train` is the
contract every model of chapters 5 and 6 is trained through:

* a model that defines ``training_loss(x, *, generator=None) -> scalar tensor`` (mean over
  the batch) is trained on that loss — the VAE's negative ELBO, a sparse autoencoder's
  reconstruction + λ‖z‖₁, PSD's objective;
* any other model is trained to reconstruct its input: ``model(x_in)`` is compared with the
  clean ``x`` by ``loss="mse"`` (½‖x − x̂‖² summed over features, a Gaussian
  log-likelihood up to constants) or ``loss="bce"`` (cross-entropy, the Bernoulli
  log-likelihood for inputs in [0, 1]), where ``x_in = corruption(x, generator)`` for a
  denoising autoencoder and ``x`` otherwise.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F
from tqdm.auto import tqdm

from ._validation import (check_array, check_choice, check_int, check_scalar,
                          check_torch_generator, is_torch)

__all__ = ["train", "reconstruction_loss", "as_batch_tensor"]


def as_batch_tensor(data, name="data", *, device=None, dtype=torch.float32) -> torch.Tensor:
    """Validate ``data`` of shape (n_samples, n_features) and return a float tensor on ``device``."""
    data = check_array(data, name)
    t = data if is_torch(data) else torch.from_numpy(np.ascontiguousarray(data))
    return t.to(device=device, dtype=dtype)


def reconstruction_loss(x_hat, x, loss="mse") -> torch.Tensor:
    """Per-batch mean of the per-sample reconstruction loss.

    ``"mse"``: ½‖x − x̂‖² summed over features — the negative log-likelihood of a Gaussian
    with unit variance, up to a constant. ``"bce"``: −Σ_k x_k log x̂_k + (1 − x_k) log(1 − x̂_k),
    the negative log-likelihood of independent Bernoulli pixels; needs x̂ in (0, 1).
    """
    check_choice(loss, "loss", ("mse", "bce"))
    if x_hat.shape != x.shape:
        raise ValueError(f"x_hat has shape {tuple(x_hat.shape)} but x has shape {tuple(x.shape)}")
    if loss == "mse":
        return 0.5 * (x_hat - x).pow(2).sum(1).mean()
    return F.binary_cross_entropy(x_hat.clamp(1e-7, 1 - 1e-7), x, reduction="sum") / x.shape[0]


def train(model: nn.Module, data, *, loss="mse", epochs=10, batch_size=128, lr=1e-3, seed=0,
          corruption=None, weight_decay=0.0, progress=True, device=None) -> list[float]:
    """Train ``model`` with Adam on mini-batches of ``data``; return the loss per epoch.

    Parameters
    ----------
    model : torch.nn.Module
        An autoencoder (``model(x) -> x_hat`` of the same shape) or any model with a
        ``training_loss(x, *, generator=None)`` method (see the module docstring).
    data : array or tensor of shape (n_samples, n_features)
    loss : {"mse", "bce"}
        Reconstruction loss, used when the model has no ``training_loss``.
    epochs, batch_size : int >= 1
    lr : float > 0
        Adam learning rate.
    seed : int or torch.Generator
        Seeds the shuffling, the corruption and the model's sampling; the same seed (and the
        same initial model) gives the same history on the same machine.
    corruption : callable, optional
        ``corruption(x, generator) -> x_tilde`` for a denoising autoencoder: the model sees
        ``x_tilde`` and is scored against the clean ``x``.
    weight_decay : float >= 0
    progress : bool
        Show a tqdm progress bar over epochs.
    device : str or torch.device, optional
        Where to train; the model's current device by default. The model is moved there.

    Returns
    -------
    list of float
        Mean training loss of each epoch.

    Raises
    ------
    TypeError, ValueError
        On a non-module model, bad data, or out-of-range settings.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    params = list(model.parameters())
    if not params:
        raise ValueError("model has no parameters to train")
    device = torch.device(device) if device is not None else params[0].device
    model.to(device)
    X = as_batch_tensor(data, "data", device=device)
    epochs = check_int(epochs, "epochs", low=1)
    batch_size = check_int(batch_size, "batch_size", low=1)
    lr = check_scalar(lr, "lr", low=0.0, low_open=True)
    weight_decay = check_scalar(weight_decay, "weight_decay", low=0.0)
    if corruption is not None and not callable(corruption):
        raise TypeError(f"corruption must be callable, got {type(corruption).__name__}")
    own_loss = callable(getattr(model, "training_loss", None))
    if not own_loss:
        check_choice(loss, "loss", ("mse", "bce"))
    gen = check_torch_generator(seed, device=device)

    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    history = []
    bar = tqdm(range(epochs), desc=type(model).__name__, disable=not progress, leave=False)
    model.train()
    for _ in bar:
        order = torch.randperm(X.shape[0], generator=gen, device=device)
        total = 0.0
        for start in range(0, X.shape[0], batch_size):
            x = X[order[start:start + batch_size]]                 # (b, d)
            if own_loss:
                batch_loss = model.training_loss(x, generator=gen)
            else:
                x_in = corruption(x, gen) if corruption is not None else x
                batch_loss = reconstruction_loss(model(x_in), x, loss)
            opt.zero_grad(set_to_none=True)
            batch_loss.backward()
            opt.step()
            total += float(batch_loss.detach()) * x.shape[0]
        history.append(total / X.shape[0])
        bar.set_postfix(loss=f"{history[-1]:.4g}")
    model.eval()
    return history
