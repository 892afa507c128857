"""Autoencoders in torch (chapter 5) and the training loop shared with the VAE (chapter 6).

The training loop :func:`train` is the contract every model of chapters 5 and 6 is trained
through:

* a model that defines ``training_loss(x, *, generator=None) -> scalar tensor`` (mean over
  the batch) is trained on that loss — the VAE's negative ELBO, a sparse autoencoder's
  reconstruction + λ‖z‖₁, PSD's objective;
* any other model is trained to reconstruct its input: ``model(x_in)`` is compared with the
  clean ``x`` by ``loss="mse"`` (½‖x − x̂‖² summed over features, a Gaussian
  log-likelihood up to constants) or ``loss="bce"`` (cross-entropy, the Bernoulli
  log-likelihood for inputs in [0, 1]), where ``x_in = corruption(x, generator)`` for a
  denoising autoencoder and ``x`` otherwise.

Here: :class:`Autoencoder` (one hidden layer, tied or untied, any width), :func:`corrupt`
for denoising autoencoders (Vincent et al. 2008), checkpoints (:func:`save`, :func:`load`).
The threshold, sparse and PSD models live in :mod:`reprcourse.sparse_autoencoders`, deep and
stacked ones in :mod:`reprcourse.deep_autoencoders`; both are importable from here too.
Models compute in float32 on the device of their parameters (CPU unless ``device=`` says
otherwise).
"""

from __future__ import annotations

import importlib
import io
import os
import tempfile

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F
from tqdm.auto import tqdm

from ._validation import (check_array, check_choice, check_int, check_nonnegative,
                          check_scalar, check_torch_generator, is_torch)

__all__ = ["train", "reconstruction_loss", "as_batch_tensor", "ACTIVATIONS", "AutoencoderBase",
           "Autoencoder", "corrupt", "Corruption", "save", "load", "pretrained"]

#: Models defined in the sibling modules, importable from here as well (PEP 562).
_ELSEWHERE = {"sparse_autoencoders": ("ThresholdAutoencoder", "SparseAutoencoder", "PSD",
                                      "hard_threshold", "ternary_threshold", "planted_ternary"),
              "deep_autoencoders": ("DeepAutoencoder", "pretrain")}


def __getattr__(name):
    for module, names in _ELSEWHERE.items():
        if name in names:
            return getattr(importlib.import_module(f".{module}", __package__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: Elementwise nonlinearities by name (names are stored in checkpoints).
ACTIVATIONS = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
               "softplus": F.softplus, "linear": lambda a: a}
_MODELS: dict[str, type] = {}          # class name -> class, filled by AutoencoderBase subclasses


def as_batch_tensor(data, name="data", *, device=None, dtype=torch.float32) -> torch.Tensor:
    """Validate ``data`` (n_samples, n_features); return it as a float tensor on ``device``."""
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
          corruption=None, weight_decay=0.0, progress=True, device=None,
          callback=None) -> list[float]:
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
        ``corruption(x, generator) -> x_tilde`` for a denoising autoencoder (e.g.
        :class:`Corruption`): the model sees ``x_tilde`` and is scored against the clean ``x``.
        Only for models without their own ``training_loss``.
    weight_decay : float >= 0
    progress : bool
        Show a tqdm progress bar over epochs.
    device : str or torch.device, optional
        Where to train; the model's current device by default. The model is moved there.
    callback : callable, optional
        Called as ``callback(epoch, loss)`` after every epoch (``epoch`` counts from 1), with
        the model in eval mode, e.g. to record a test error.

    Returns
    -------
    list of float
        Mean training loss of each epoch.

    Raises
    ------
    TypeError, ValueError
        On a non-module model, bad data, out-of-range settings, or a corruption given to a
        model that defines its own ``training_loss``.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    params = list(model.parameters())
    if not params:
        raise ValueError("model has no parameters to train")
    device = torch.device(device) if device is not None else params[0].device
    model.to(device)
    X = as_batch_tensor(data, "data", device=device)
    n_features = getattr(model, "n_features", None)
    if isinstance(n_features, int) and X.shape[1] != n_features:
        raise ValueError(f"data has {X.shape[1]} features but {type(model).__name__} expects "
                         f"n_features={n_features}; data must be (n_samples, {n_features})")
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
    gen = check_torch_generator(seed, device=device)

    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    history = []
    bar = tqdm(range(epochs), desc=type(model).__name__, disable=not progress, leave=False)
    for epoch in bar:
        model.train()
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
        if callback is not None:
            with torch.no_grad():
                callback(epoch + 1, history[-1])
    return history


# ---------------------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------------------
def _glorot(n_in, n_out, gen) -> nn.Parameter:
    """A (n_in, n_out) weight drawn uniformly in ±√(6 / (n_in + n_out)) (Glorot & Bengio)."""
    w = torch.empty(n_in, n_out)
    return nn.Parameter(nn.init.xavier_uniform_(w, generator=gen))


def _unit_columns(V) -> torch.Tensor:
    """``V`` with every column scaled to unit l2 norm (a dictionary D)."""
    return V / V.norm(dim=0, keepdim=True).clamp_min(1e-12)


class AutoencoderBase(nn.Module):
    """What every autoencoder of the package shares: ``encode``, ``decode``, ``forward``
    (their composition), numpy-friendly :meth:`transform` / :meth:`reconstruct`, and a
    ``config`` dict of constructor arguments that :func:`save` stores."""

    config: dict

    @property
    def n_features(self) -> int:
        """Input size d: ``config["n_features"]``, or ``config["sizes"][0]`` for deep models."""
        return self.config["n_features"] if "n_features" in self.config else self.config["sizes"][0]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _MODELS[cls.__name__] = cls

    def encode(self, x):                                       # (b, d) -> (b, k)
        raise NotImplementedError

    def decode(self, z):                                       # (b, k) -> (b, d)
        raise NotImplementedError

    def forward(self, x):
        return self.decode(self.encode(x))

    def _apply_to(self, X, fn):
        X = check_array(X, "X")                        # numpy float32/float64 or a tensor
        if X.shape[1] != self.n_features:
            raise ValueError(f"X has {X.shape[1]} features but {type(self).__name__} expects "
                             f"n_features={self.n_features}")
        p = next(self.parameters())
        with torch.no_grad():
            out = fn(as_batch_tensor(X, "X", device=p.device, dtype=p.dtype))
        if is_torch(X):
            return out.to(device=X.device, dtype=X.dtype)
        return out.cpu().numpy().astype(X.dtype)

    def transform(self, X):
        """Codes of ``X`` (n_samples, n_features): an array (n_samples, n_hidden) computed
        without gradients; numpy in gives numpy out (float64 unless float32 given), torch in
        gives torch out on ``X``'s device.

        Raises
        ------
        TypeError, ValueError
            If ``X`` is not a finite 2-D array with ``n_features`` columns.
        """
        return self._apply_to(X, self.encode)

    def reconstruct(self, X):
        """Reconstructions ``decode(encode(X))`` of ``X`` (n_samples, n_features), as
        :meth:`transform`."""
        return self._apply_to(X, self.forward)


class Autoencoder(AutoencoderBase):
    r"""One hidden layer: :math:`z = a(W_e^\top x + b)`, :math:`\hat x = o(W_d z + c)`.

    Parameters
    ----------
    n_features, n_hidden : int >= 1
        Input size d and code size k; under-complete (k < d) or over-complete (k > d).
    tied : bool
        Use one weight for both, :math:`W_d = W_e` (weight tying).
    activation : {"sigmoid", "tanh", "relu", "softplus", "linear"}
        Hidden nonlinearity a.
    output : {"linear", "sigmoid", ...}
        Output nonlinearity o: "linear" for real data and the squared loss, "sigmoid" for
        data in [0, 1] and the cross-entropy loss.
    seed : int or torch.Generator
        Initialisation (Glorot uniform weights, zero biases).
    device : str or torch.device, optional

    Attributes
    ----------
    weight : Parameter of shape (n_features, n_hidden)
        Encoder filters as columns; also the decoder when ``tied``.
    decoder_weight : Tensor of shape (n_features, n_hidden)
        ``weight`` itself when tied, a separate parameter otherwise.

    Raises
    ------
    TypeError, ValueError
        On non-integer sizes or unknown nonlinearities.
    """

    def __init__(self, n_features, n_hidden, *, tied=False, activation="sigmoid",
                 output="linear", seed=0, device=None):
        super().__init__()
        n_features = check_int(n_features, "n_features", low=1)
        n_hidden = check_int(n_hidden, "n_hidden", low=1)
        check_choice(activation, "activation", tuple(ACTIVATIONS))
        check_choice(output, "output", tuple(ACTIVATIONS))
        self.config = dict(n_features=n_features, n_hidden=n_hidden, tied=bool(tied),
                           activation=activation, output=output)
        gen = check_torch_generator(seed, device="cpu")
        self.weight = _glorot(n_features, n_hidden, gen)                  # (d, k)
        self._decoder = None if tied else _glorot(n_features, n_hidden, gen)
        self.bias = nn.Parameter(torch.zeros(n_hidden))                   # (k,)
        self.decoder_bias = nn.Parameter(torch.zeros(n_features))         # (d,)
        self.to(device)

    @property
    def decoder_weight(self):
        return self.weight if self._decoder is None else self._decoder

    def encode(self, x):
        return ACTIVATIONS[self.config["activation"]](x @ self.weight + self.bias)   # (b, k)

    def decode(self, z):
        out = z @ self.decoder_weight.T + self.decoder_bias                        # (b, d)
        return ACTIVATIONS[self.config["output"]](out)


# ---------------------------------------------------------------------------------------
# Corruption (denoising autoencoders)
# ---------------------------------------------------------------------------------------
def _check_level(kind, level) -> float:
    check_choice(kind, "kind", ("dropout", "gaussian"))
    if kind == "dropout":
        return check_scalar(level, "level", low=0.0, high=1.0, high_open=True)
    return check_nonnegative(level, "level")


def corrupt(x, kind="dropout", level=0.25, generator=None):
    r"""Corrupt ``x`` for a denoising autoencoder (Vincent et al. 2008).

    ``"dropout"``: every entry is set to 0 independently with probability ν = ``level`` (no
    rescaling of the kept entries). ``"gaussian"``: :math:`\tilde x = x + \sigma \xi`,
    :math:`\xi \sim \mathcal N(0, I)`, σ = ``level``.

    Parameters
    ----------
    x : array or tensor of shape (n_samples, n_features)
    kind : {"dropout", "gaussian"}
    level : float
        ν in [0, 1) for dropout, σ >= 0 for Gaussian noise.
    generator : int, torch.Generator or None
        Source of randomness (a torch.Generator on ``x``'s device).

    Returns
    -------
    Same kind, shape, dtype (and device) as ``x``.

    Raises
    ------
    TypeError, ValueError
        On bad ``x``, an unknown kind, an out-of-range level, or a generator on another
        device.
    """
    x = check_array(x, "x")
    level = _check_level(kind, level)
    t = x if is_torch(x) else torch.from_numpy(np.ascontiguousarray(x))
    if isinstance(generator, torch.Generator) and generator.device.type != t.device.type:
        raise ValueError(f"generator is on {generator.device} but x is on {t.device}")
    gen = check_torch_generator(generator, device=t.device)
    if kind == "dropout":
        out = t * (torch.rand(t.shape, generator=gen, device=t.device, dtype=t.dtype) >= level)
    else:
        out = t + level * torch.randn(t.shape, generator=gen, device=t.device, dtype=t.dtype)
    return out if is_torch(x) else out.numpy()


class Corruption:
    """``Corruption(kind, level)(x, generator)`` is :func:`corrupt`; pass it to
    :func:`train` as ``corruption=`` to train a denoising autoencoder."""

    def __init__(self, kind="dropout", level=0.25):
        self.level = _check_level(kind, level)
        self.kind = kind

    def __call__(self, x, generator=None):
        return corrupt(x, self.kind, self.level, generator)

    def __repr__(self):
        return f"Corruption(kind={self.kind!r}, level={self.level:g})"


# ---------------------------------------------------------------------------------------
# Checkpoints
# ---------------------------------------------------------------------------------------
_FORMAT = "reprcourse-autoencoder/1"


def save(model, path, *, meta=None, half=False):
    """Write ``model`` to ``path`` atomically (a temporary file, then :func:`os.replace`).

    The file holds the class name, the constructor ``config``, the ``state_dict`` (on the
    CPU; float16 if ``half``, to keep shipped checkpoints small) and ``meta`` (a dict of
    numbers, strings, lists and tensors, e.g. training histories). It is read back with
    ``torch.load(..., weights_only=True)`` before anything is written, so a checkpoint that
    :func:`load` could not read is never written. The same model and meta give the same
    bytes.

    Raises
    ------
    TypeError
        If ``model`` is not a package autoencoder or ``meta`` is not a dict.
    """
    if not isinstance(model, AutoencoderBase):
        raise TypeError(f"model must be a reprcourse autoencoder, got {type(model).__name__}")
    if meta is not None and not isinstance(meta, dict):
        raise TypeError(f"meta must be a dict, got {type(meta).__name__}")
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    if half:
        state = {k: v.half() if v.is_floating_point() else v for k, v in state.items()}
    payload = {"format": _FORMAT, "class": type(model).__name__, "config": dict(model.config),
               "state": state, "meta": dict(meta or {})}
    buffer = io.BytesIO()                  # a buffer, not a file name: torch.save would
    torch.save(payload, buffer)            # store the (random) temporary name in the archive
    blob = buffer.getvalue()
    torch.load(io.BytesIO(blob), map_location="cpu", weights_only=True)
    path = os.fspath(path)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".pt",
                               dir=os.path.dirname(os.path.abspath(path)))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(blob)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def load(path, *, device=None, with_meta=False):
    """Read a checkpoint written by :func:`save` (``torch.load(..., weights_only=True)``).

    Returns
    -------
    model : AutoencoderBase
        In eval mode, float32, on ``device`` (CPU by default).
    meta : dict
        Only if ``with_meta``.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the file is not a reprcourse checkpoint or names an unknown model class.
    """
    from . import deep_autoencoders, sparse_autoencoders  # noqa: F401  (register their classes)
    payload = torch.load(os.fspath(path), map_location="cpu", weights_only=True)
    if not isinstance(payload, dict) or payload.get("format") != _FORMAT:
        raise ValueError(f"{path} is not a reprcourse autoencoder checkpoint")
    cls = _MODELS.get(payload["class"])
    if cls is None:
        raise ValueError(f"{path} holds an unknown model class {payload['class']!r}; known: "
                         f"{sorted(_MODELS)}")
    model = cls(**payload["config"])
    model.load_state_dict(payload["state"])
    model.to(device).eval()
    return (model, payload["meta"]) if with_meta else model


def pretrained(name, *, device=None, with_meta=False):
    """Load a checkpoint shipped in ``reprcourse/assets`` (made by
    ``scripts/train_checkpoints.py``), e.g. ``pretrained("deep_mnist")``.

    Raises
    ------
    ValueError
        If no shipped checkpoint has that name (the message lists those that exist).
    """
    from importlib import resources
    folder = resources.files("reprcourse") / "assets"
    names = sorted(p.name[:-3] for p in folder.iterdir() if p.name.endswith(".pt"))
    if name not in names:
        raise ValueError(f"no shipped checkpoint named {name!r}; available: {names}")
    return load(folder / f"{name}.pt", device=device, with_meta=with_meta)
