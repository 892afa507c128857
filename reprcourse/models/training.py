"""Training the neural models of chapters 5 and 6: one loop, two reconstruction losses.

:func:`train` is the contract every model of chapters 5 and 6 is trained through:

* a model that defines ``training_loss(x, *, seed=None) -> scalar tensor`` (mean over the
  batch; ``seed`` is the loop's ``torch.Generator``) is trained on that loss — the VAE's
  negative ELBO, a sparse autoencoder's reconstruction + λ‖z‖₁, PSD's objective;
* any other model is trained to reconstruct its input: ``model(x_in)`` is compared with the
  clean ``x`` by :func:`reconstruction_loss`, where ``x_in = corruption(x, generator)`` for
  a denoising autoencoder and ``x`` otherwise.

The two helpers below it, :func:`model_input` and :func:`model_generator`, are how every model
method turns its array argument into a tensor and its ``seed`` into a generator, so that all
of them validate input and draw randomness the same way.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F
from tqdm.auto import tqdm

from .._torch import as_tensor
from .._validation import (check_array, check_choice, check_int, check_scalar,
                           check_torch_generator)

__all__ = ["train", "reconstruction_loss", "model_input", "model_generator"]


def model_input(X, model, *, name="X", n_columns=None):
    """Validate ``X`` for ``model``; return it (validated) and as a tensor in the model's
    dtype on the model's device.

    Parameters
    ----------
    X : array or tensor of shape (n_samples, n_columns)
    model : torch.nn.Module
        With at least one parameter; ``model.n_features`` is the default ``n_columns``.
    name : str
        The argument's name, quoted in error messages.
    n_columns : int, optional
        The expected number of columns (``n_latent`` for a code, say).

    Returns
    -------
    X : numpy array or tensor
        ``X`` as :func:`reprcourse._validation.check_array` returns it: the template for the
        output (:func:`reprcourse._torch.like`).
    t : tensor of shape (n_samples, n_columns)

    Raises
    ------
    TypeError, ValueError
        If ``X`` is not a finite, non-empty 2-D array with ``n_columns`` columns.
    """
    n_columns = model.n_features if n_columns is None else n_columns
    X = check_array(X, name, shape_hint=f"(n_samples, {n_columns})")
    if X.shape[1] != n_columns:
        raise ValueError(f"{name} has {X.shape[1]} columns but {type(model).__name__} expects "
                         f"{n_columns}; {name} must be (n_samples, {n_columns})")
    p = next(model.parameters())
    return X, as_tensor(X, dtype=p.dtype, device=p.device)


def model_generator(seed, device) -> torch.Generator:
    """A ``torch.Generator`` on ``device`` from ``seed`` (None, int >= 0 or a generator).

    Raises
    ------
    TypeError
        If ``seed`` is of another type.
    ValueError
        If ``seed`` is negative, or a generator on another kind of device than ``device``.
    """
    device = torch.device(device)
    if isinstance(seed, torch.Generator) and seed.device.type != device.type:
        raise ValueError(f"seed is a generator on {seed.device} but must draw on {device} "
                         f"(where the data or the new weights are)")
    return check_torch_generator(seed, device=device)


def reconstruction_loss(x_hat, x, loss="mse") -> torch.Tensor:
    """Per-batch mean of the per-sample reconstruction loss.

    ``"mse"``: ½‖x − x̂‖² summed over features — the negative log-likelihood of a Gaussian
    with unit variance, up to a constant. ``"bce"``: −Σ_k x_k log x̂_k + (1 − x_k) log(1 − x̂_k),
    the negative log-likelihood of independent Bernoulli pixels; needs x̂ in (0, 1).

    Parameters
    ----------
    x_hat, x : tensors of shape (batch, n_features)
    loss : {"mse", "bce"}

    Returns
    -------
    scalar tensor

    Raises
    ------
    ValueError
        If the shapes differ or ``loss`` is unknown.
    """
    check_choice(loss, "loss", ("mse", "bce"))
    if x_hat.shape != x.shape:
        raise ValueError(f"x_hat has shape {tuple(x_hat.shape)} but x has shape {tuple(x.shape)}")
    if loss == "mse":
        return 0.5 * (x_hat - x).pow(2).sum(1).mean()
    return F.binary_cross_entropy(x_hat.clamp(1e-7, 1 - 1e-7), x, reduction="sum") / x.shape[0]


def _check_settings(model, epochs, batch_size, lr, weight_decay, callback, corruption, loss):
    """Validate the settings of :func:`train`; return them and whether the model has its own
    loss."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not list(model.parameters()):
        raise ValueError("model has no parameters to train")
    epochs = check_int(epochs, "epochs", low=1)
    batch_size = check_int(batch_size, "batch_size", low=1)
    lr = check_scalar(lr, "lr", low=0.0, low_open=True)
    weight_decay = check_scalar(weight_decay, "weight_decay", low=0.0)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable, got {type(callback).__name__}")
    if corruption is not None and not callable(corruption):
        raise TypeError(f"corruption must be callable, got {type(corruption).__name__}")
    own_loss = callable(getattr(model, "training_loss", None))
    if own_loss and corruption is not None:
        raise ValueError(f"{type(model).__name__} defines its own training_loss, which ignores "
                         f"corruption={corruption!r}; corrupt inside training_loss instead")
    if not own_loss:
        check_choice(loss, "loss", ("mse", "bce"))
    return epochs, batch_size, lr, weight_decay, own_loss


def train(model: nn.Module, data, *, loss="mse", epochs=10, batch_size=128, lr=1e-3, seed=None,
          corruption=None, weight_decay=0.0, progress=True, device=None,
          callback=None) -> list[float]:
    """Train ``model`` with Adam on mini-batches of ``data``; return the loss per epoch.

    Parameters
    ----------
    model : torch.nn.Module
        An autoencoder (``model(x) -> x_hat`` of the same shape) or any model with a
        ``training_loss(x, *, seed=None)`` method (see the module docstring). It trains in
        its own dtype: ``model.double()`` trains in float64.
    data : array or tensor of shape (n_samples, n_features)
        Cast to the model's dtype and moved to ``device``.
    loss : {"mse", "bce"}
        Reconstruction loss, used when the model has no ``training_loss``.
    epochs, batch_size : int >= 1
    lr : float > 0
        Adam learning rate.
    seed : None, int or torch.Generator
        Seeds the shuffling, the corruption and the model's sampling; the same seed (and the
        same initial model) gives the same history on the same machine.
    corruption : callable, optional
        ``corruption(x, generator) -> x_tilde`` for a denoising autoencoder (e.g.
        :class:`~reprcourse.models.Corruption`): the model sees ``x_tilde`` and is scored
        against the clean ``x``. Only for models without their own ``training_loss``.
    weight_decay : float >= 0
    progress : bool
        Show a tqdm progress bar over epochs.
    device : str or torch.device, optional
        Where to train; the model's current device by default. The model is moved there.
    callback : callable, optional
        Called as ``callback(epoch, loss)`` after every epoch (``epoch`` counts from 1), with
        the model in eval mode and gradients off, e.g. to record a test error.

    Returns
    -------
    list of float
        Mean training loss of each epoch.

    Raises
    ------
    TypeError, ValueError
        On a non-module model, bad data (shape, NaN/inf, a feature count other than the
        model's ``n_features``), out-of-range settings, or a corruption given to a model that
        defines its own ``training_loss``.
    """
    epochs, batch_size, lr, weight_decay, own_loss = _check_settings(
        model, epochs, batch_size, lr, weight_decay, callback, corruption, loss)
    param = next(model.parameters())
    device = torch.device(device) if device is not None else param.device
    model.to(device)
    data = check_array(data, "data")
    n_features = getattr(model, "n_features", None)
    if isinstance(n_features, int) and data.shape[1] != n_features:
        raise ValueError(f"data has {data.shape[1]} features but {type(model).__name__} expects "
                         f"n_features={n_features}; data must be (n_samples, {n_features})")
    X = as_tensor(data, dtype=param.dtype, device=device)                   # (n, d)
    gen = model_generator(seed, device)

    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    history = []
    bar = tqdm(range(epochs), desc=type(model).__name__, disable=not progress, leave=False)
    for epoch in bar:
        model.train()
        order = torch.randperm(X.shape[0], generator=gen, device=device)
        total = 0.0
        for start in range(0, X.shape[0], batch_size):
            x = X[order[start:start + batch_size]]                          # (b, d)
            if own_loss:
                batch_loss = model.training_loss(x, seed=gen)
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
        if callback is not None:
            with torch.no_grad():
                callback(epoch + 1, history[-1])
    return history
