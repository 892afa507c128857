r"""Autoencoders (chapter 5): one hidden layer, tied or untied weights, and corruption for
denoising autoencoders.

An autoencoder is an encoder :math:`z = a(W_e^\top x + b)` and a decoder
:math:`\hat x = o(W_d z + c)` trained to reconstruct its input (:func:`reprcourse.models.train`).
Every model of chapter 5 is an :class:`AutoencoderBase`. It writes its mathematics in two
methods on tensors of its own dtype, ``encoder(x)`` and ``decoder(z)`` (the networks), and
inherits the methods that take data: ``encode``, ``decode``, ``model(x)`` (differentiable for
tensors) and ``transform``, ``reconstruct`` (never differentiable). These accept numpy arrays
or tensors, validate them, and return the same kind, float dtype and device. Denoising
autoencoders (Vincent et al. 2008) see a corrupted input (:func:`corrupt`) and are scored
against the clean one.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from .._torch import as_tensor, like
from .._validation import (check_array, check_choice, check_int, check_nonnegative,
                           check_scalar, is_torch)
from .training import model_generator, model_input

__all__ = ["ACTIVATIONS", "glorot_uniform", "unit_columns", "AutoencoderBase", "Autoencoder",
           "corrupt", "Corruption"]

#: Elementwise nonlinearities by name (names are stored in checkpoints).
ACTIVATIONS = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
               "softplus": F.softplus, "linear": lambda a: a}


def glorot_uniform(n_in, n_out, generator) -> nn.Parameter:
    """A (n_in, n_out) weight drawn uniformly in ±√(6 / (n_in + n_out)) (Glorot & Bengio 2010)
    from the CPU ``torch.Generator`` ``generator``."""
    w = torch.empty(n_in, n_out)
    return nn.Parameter(nn.init.xavier_uniform_(w, generator=generator))


def unit_columns(V) -> torch.Tensor:
    """``V`` (n_features, n_atoms) with every column scaled to unit l2 norm: a dictionary D."""
    return V / V.norm(dim=0, keepdim=True).clamp_min(1e-12)


class AutoencoderBase(nn.Module):
    """What every autoencoder of the package shares.

    A subclass sets ``config`` (its constructor arguments, which
    :func:`reprcourse.models.save` stores) and defines the two networks on tensors of the
    model's dtype: ``encoder(x)`` (b, n_features) → (b, n_hidden) and ``decoder(z)``
    (b, n_hidden) → (b, n_features). It inherits the methods that take data:

    * ``encode(X)``, ``decode(Z)``, ``model(X)`` (= decode(encode(X))): differentiable for a
      tensor (the training loop calls ``model(x)``), computed without gradients for numpy;
    * ``transform(X)`` (= encode) and ``reconstruct(X)`` (= model(X)), never differentiable.

    All validate their argument (2-D, finite, the right number of columns, numpy or torch),
    compute in the model's dtype on its device, and return numpy for numpy input (of the
    input's float dtype) and a tensor for tensor input (on the input's device, of its dtype).
    They raise ``TypeError``/``ValueError`` naming the argument on bad input.
    """

    config: dict

    @property
    def n_features(self) -> int:
        """Input size d: ``config["n_features"]``, or ``config["sizes"][0]`` for deep models."""
        return self.config["n_features"] if "n_features" in self.config else self.config["sizes"][0]

    @property
    def n_hidden(self) -> int:
        """Code size k: ``config["n_hidden"]``, ``config["n_atoms"]`` or ``config["sizes"][-1]``."""
        for key in ("n_hidden", "n_atoms"):
            if key in self.config:
                return self.config[key]
        return self.config["sizes"][-1]

    def encoder(self, x):                                      # (b, d) -> (b, k)
        raise NotImplementedError

    def decoder(self, z):                                      # (b, k) -> (b, d)
        raise NotImplementedError

    def _on_data(self, X, fn, *, name="X", n_columns=None, grad=True):
        """Validate ``X``, compute ``fn`` on it as a tensor, return it like ``X``."""
        X, t = model_input(X, self, name=name, n_columns=n_columns)
        with torch.set_grad_enabled(grad and is_torch(X) and torch.is_grad_enabled()):
            return like(fn(t), X)

    def _autoencode(self, t):
        return self.decoder(self.encoder(t))                   # (b, d) -> (b, d)

    def encode(self, X):
        """Codes of ``X`` (n_samples, n_features): array (n_samples, n_hidden), differentiable
        for a tensor. Raises as :meth:`transform`."""
        return self._on_data(X, self.encoder)

    def decode(self, Z):
        """Decoder output for codes ``Z`` (n_samples, n_hidden): array (n_samples, n_features),
        differentiable for a tensor. Raises as :meth:`transform` (``Z`` needs n_hidden columns)."""
        return self._on_data(Z, self.decoder, name="Z", n_columns=self.n_hidden)

    def forward(self, X):
        """Reconstructions decode(encode(X)) of ``X`` (n_samples, n_features), differentiable
        for a tensor (what :func:`reprcourse.models.train` calls). Raises as :meth:`transform`."""
        return self._on_data(X, self._autoencode)

    def transform(self, X):
        """Codes ``encode(X)`` of ``X``, computed without gradients in the model's dtype.

        Parameters
        ----------
        X : array or tensor of shape (n_samples, n_features)

        Returns
        -------
        array or tensor of shape (n_samples, n_hidden)
            Numpy in gives numpy out of ``X``'s float dtype; torch in gives torch out on
            ``X``'s device, of ``X``'s dtype.

        Raises
        ------
        TypeError, ValueError
            If ``X`` is not a finite 2-D array with ``n_features`` columns.
        """
        return self._on_data(X, self.encoder, grad=False)

    def reconstruct(self, X):
        """Reconstructions ``decode(encode(X))`` of ``X`` (n_samples, n_features), with the
        same contract as :meth:`transform`."""
        return self._on_data(X, self._autoencode, grad=False)


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
    seed : None, int or torch.Generator (CPU)
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
        On non-integer sizes, unknown nonlinearities or a bad seed.
    """

    def __init__(self, n_features, n_hidden, *, tied=False, activation="sigmoid",
                 output="linear", seed=None, device=None):
        super().__init__()
        n_features = check_int(n_features, "n_features", low=1)
        n_hidden = check_int(n_hidden, "n_hidden", low=1)
        check_choice(activation, "activation", tuple(ACTIVATIONS))
        check_choice(output, "output", tuple(ACTIVATIONS))
        self.config = dict(n_features=n_features, n_hidden=n_hidden, tied=bool(tied),
                           activation=activation, output=output)
        gen = model_generator(seed, "cpu")
        self.weight = glorot_uniform(n_features, n_hidden, gen)            # (d, k)
        self._decoder = None if tied else glorot_uniform(n_features, n_hidden, gen)
        self.bias = nn.Parameter(torch.zeros(n_hidden))                   # (k,)
        self.decoder_bias = nn.Parameter(torch.zeros(n_features))         # (d,)
        self.to(device)

    @property
    def decoder_weight(self):
        return self.weight if self._decoder is None else self._decoder

    def encoder(self, x):
        return ACTIVATIONS[self.config["activation"]](x @ self.weight + self.bias)   # (b, k)

    def decoder(self, z):
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


def corrupt(x, kind="dropout", level=0.25, *, seed=None):
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
    seed : None, int or torch.Generator
        Source of randomness (a generator must live on ``x``'s device).

    Returns
    -------
    array or tensor of shape (n_samples, n_features)
        Same kind, dtype (and device) as ``x``; differentiable in ``x`` for a tensor.

    Raises
    ------
    TypeError, ValueError
        On bad ``x``, an unknown kind, an out-of-range level, or a generator on another
        device.
    """
    x = check_array(x, "x")
    level = _check_level(kind, level)
    t = as_tensor(x)                                                   # (n, d)
    gen = model_generator(seed, t.device)
    if kind == "dropout":
        out = t * (torch.rand(t.shape, generator=gen, device=t.device, dtype=t.dtype) >= level)
    else:
        out = t + level * torch.randn(t.shape, generator=gen, device=t.device, dtype=t.dtype)
    return like(out, x)


class Corruption:
    """``Corruption(kind, level)(x, seed)`` is :func:`corrupt`; pass it to
    :func:`reprcourse.models.train` as ``corruption=`` to train a denoising autoencoder.

    Raises
    ------
    ValueError
        On an unknown kind or an out-of-range level.
    """

    def __init__(self, kind="dropout", level=0.25):
        self.level = _check_level(kind, level)
        self.kind = kind

    def __call__(self, x, seed=None):
        return corrupt(x, self.kind, self.level, seed=seed)

    def __repr__(self):
        return f"Corruption(kind={self.kind!r}, level={self.level:g})"
