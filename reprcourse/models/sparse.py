r"""Sparse autoencoders (chapter 5): weight tying as one thresholding step, an l1 penalty on
the codes, and predictive sparse decomposition.

* :class:`ThresholdAutoencoder` — the lecture's tied encoder
  :math:`\mathrm{thr}_{\tau/2}(W^\top x)` and decoder :math:`Wz`: one step of a thresholding
  algorithm from :math:`z = 0`;
* :class:`SparseAutoencoder` — any encoder, a unit-norm dictionary as decoder, trained on
  the lasso objective of :mod:`reprcourse.sparse_coding`;
* :class:`PSD` — a dictionary and a fast predictor of its sparse codes, trained together
  (Kavukcuoglu et al. 2008), with the codes found by :func:`reprcourse.sparse_encode` (``algorithm="fista"``).

All are :class:`~reprcourse.models.AutoencoderBase` models, trained by
:func:`reprcourse.models.train`.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .._torch import as_tensor, like, to_numpy
from .._validation import (check_array, check_choice, check_generator, check_int,
                           check_nonnegative, check_scalar)
from ..sparse_coding import soft_threshold, sparse_encode
from .autoencoders import ACTIVATIONS, AutoencoderBase, glorot_uniform, unit_columns
from .training import model_generator

__all__ = ["hard_threshold", "ternary_threshold", "ThresholdAutoencoder", "planted_ternary",
           "SparseAutoencoder", "PSD"]


# ---------------------------------------------------------------------------------------
# Weight tying as one thresholding step
# ---------------------------------------------------------------------------------------
def _hard(v, t):
    return v * (v.abs() > t)


def _ternary(v, tau):
    return tau * v.sign() * (v.abs() > tau / 2)


def hard_threshold(x, t):
    """``x · 1[|x| > t]``: keep entries larger than ``t`` in magnitude, zero the rest.

    The proximal map of ``(t²/2)‖·‖₀``; one step of it from zero is one step of iterative hard
    thresholding (Blumensath & Davies 2009).

    Parameters
    ----------
    x : array or tensor of any shape (up to 3-D)
    t : float >= 0

    Returns
    -------
    array or tensor of ``x``'s shape, kind, dtype and device

    Raises
    ------
    ValueError
        If ``t < 0`` or ``x`` is not finite.
    """
    x = check_array(x, "x", ndim=(0, 1, 2, 3), shape_hint="(any shape)")
    return like(_hard(as_tensor(x), check_nonnegative(t, "t")), x)


def ternary_threshold(x, tau):
    """Round every entry to the nearest of {−τ, 0, τ}: ``τ · sign(x) · 1[|x| > τ/2]``.

    The lecture's "sgn activation": the projection onto the code set {0, ±τ}ⁿ.

    Parameters
    ----------
    x : array or tensor of any shape (up to 3-D)
    tau : float > 0

    Returns
    -------
    array or tensor of ``x``'s shape, kind, dtype and device

    Raises
    ------
    ValueError
        If ``tau <= 0`` or ``x`` is not finite.
    """
    x = check_array(x, "x", ndim=(0, 1, 2, 3), shape_hint="(any shape)")
    return like(_ternary(as_tensor(x), check_scalar(tau, "tau", low=0.0, low_open=True)), x)


#: The encoder nonlinearity thr_{τ/2} of each kind, on tensors.
_THRESHOLDS = {"hard": lambda v, tau: _hard(v, tau / 2),
               "ternary": _ternary,
               "soft": lambda v, tau: soft_threshold(v, tau / 2)}


class ThresholdAutoencoder(AutoencoderBase):
    r"""The lecture's tied autoencoder: encoder thr_{τ/2}(Wᵀx), decoder Wz.

    With ``threshold="soft"`` the encoder is exactly one ISTA step from :math:`z = 0` with
    unit step and λ = τ/2 (:func:`reprcourse.one_step_encode`); with ``"hard"`` it is one step
    of iterative hard thresholding; with ``"ternary"`` it rounds to {0, ±τ}. If
    :math:`x = Wz + \varepsilon` with orthonormal columns W, :math:`z \in \{0, \pm\tau\}^n` and
    :math:`\|\varepsilon\|_2 \le \tau/4`, the hard and ternary encoders give a reconstruction
    error of at most :math:`\|\varepsilon\|_2` (ternary: exactly), while soft thresholding
    shrinks every active code by τ/2 and errs by
    :math:`\sqrt{\|(I - P_S)\varepsilon\|^2 + |S|\tau^2/4}` (S the support).

    Parameters
    ----------
    n_features, n_hidden : int >= 1
    tau : float > 0
        Code magnitude τ; the threshold is τ/2.
    threshold : {"hard", "ternary", "soft"}
    seed : None, int or torch.Generator (CPU)
        Initialisation: Glorot uniform columns scaled to unit norm.
    device : str or torch.device, optional

    Attributes
    ----------
    weight : Parameter of shape (n_features, n_hidden)
        Columns are the atoms, as in a dictionary D.

    Raises
    ------
    TypeError, ValueError
        On bad sizes, ``tau <= 0`` or an unknown threshold.
    """

    def __init__(self, n_features, n_hidden, tau, *, threshold="hard", seed=None, device=None):
        super().__init__()
        n_features = check_int(n_features, "n_features", low=1)
        n_hidden = check_int(n_hidden, "n_hidden", low=1)
        tau = check_scalar(tau, "tau", low=0.0, low_open=True)
        check_choice(threshold, "threshold", tuple(_THRESHOLDS))
        self.config = dict(n_features=n_features, n_hidden=n_hidden, tau=tau, threshold=threshold)
        gen = model_generator(seed, "cpu")
        self.weight = nn.Parameter(unit_columns(glorot_uniform(n_features, n_hidden, gen).data))
        self.to(device)

    @classmethod
    def from_dictionary(cls, W, tau, *, threshold="hard"):
        """A model whose ``weight`` is a copy of ``W`` of shape (n_features, n_hidden), with
        ``W``'s dtype (float64 for a float64 array) and device.

        Raises
        ------
        TypeError, ValueError
            If ``W`` is not a finite 2-D array, or on a bad ``tau`` or threshold.
        """
        W = as_tensor(check_array(W, "W", shape_hint="(n_features, n_hidden)")).detach()
        model = cls(W.shape[0], W.shape[1], tau, threshold=threshold, seed=0)
        model.to(W.device, W.dtype)
        with torch.no_grad():
            model.weight.copy_(W)
        return model

    def encoder(self, x):
        return _THRESHOLDS[self.config["threshold"]](x @ self.weight, self.config["tau"])

    def decoder(self, z):
        return z @ self.weight.T                                       # (b, d)


def planted_ternary(W, n_samples, tau, noise, *, density=0.2, seed=None):
    r"""Draw ``x = W z + ε`` with ``z ∈ {0, ±τ}ⁿ`` and ``‖ε‖₂ = noise`` exactly.

    Each code entry is ±τ with probability ``density`` (sign fair), 0 otherwise; ε has a
    uniformly random direction. Drawn in float64 with numpy's generator.

    Parameters
    ----------
    W : array or tensor of shape (n_features, n_hidden)
    n_samples : int >= 1
    tau : float > 0
    noise : float >= 0, or array of shape (n_samples,)
        Noise norm of each sample.
    density : float in [0, 1]
    seed : None, int or numpy.random.Generator

    Returns
    -------
    X : array of shape (n_samples, n_features)
    Z : array of shape (n_samples, n_hidden)
    E : array of shape (n_samples, n_features)
        Of ``W``'s kind, float dtype and device.

    Raises
    ------
    ValueError
        On bad shapes or out-of-range settings.
    """
    W_in = check_array(W, "W", shape_hint="(n_features, n_hidden)")
    W = to_numpy(W_in, np.float64)
    n_samples = check_int(n_samples, "n_samples", low=1)
    tau = check_scalar(tau, "tau", low=0.0, low_open=True)
    density = check_scalar(density, "density", low=0.0, high=1.0)
    noise = np.broadcast_to(to_numpy(noise, np.float64), (n_samples,))
    if not np.all(np.isfinite(noise)) or np.any(noise < 0):
        raise ValueError(f"noise must be finite and >= 0, got {noise.min()} .. {noise.max()}")
    rng = check_generator(seed)
    active = rng.random((n_samples, W.shape[1])) < density
    Z = tau * active * rng.choice([-1.0, 1.0], size=active.shape)       # (n, k)
    E = rng.standard_normal((n_samples, W.shape[0]))                     # (n, d)
    E *= (noise / np.maximum(np.linalg.norm(E, axis=1), 1e-300))[:, None]
    return like(Z @ W.T + E, W_in), like(Z, W_in), like(E, W_in)


# ---------------------------------------------------------------------------------------
# Sparse autoencoders: l1 on the codes, and predictive sparse decomposition
# ---------------------------------------------------------------------------------------
class SparseAutoencoder(AutoencoderBase):
    r"""Encoder :math:`z = a(W^\top x + b)`, decoder :math:`\hat x = D z`, trained on
    :math:`\tfrac12\|x - Dz\|^2 + \lambda\|z\|_1`.

    The atoms (columns of D) are kept at unit norm by construction (D is a column-normalised
    parameter), so the l1 penalty cannot be dodged by shrinking codes and growing atoms, and
    the training loss on a batch equals :func:`reprcourse.sparse_objective` of the codes: the
    lasso objective ISTA minimises per sample, here minimised by one amortised encoder.

    Parameters
    ----------
    n_features, n_atoms : int >= 1
    lam : float >= 0
        Sparsity weight λ.
    activation : {"relu", "softplus", "tanh", "sigmoid", "linear"}
    tied : bool
        Use the dictionary as the encoder weight, :math:`W = D`.
    seed : None, int or torch.Generator (CPU)
    device : str or torch.device, optional

    Raises
    ------
    TypeError, ValueError
        On bad sizes, ``lam < 0`` or an unknown activation.
    """

    def __init__(self, n_features, n_atoms, lam, *, activation="relu", tied=False, seed=None,
                 device=None):
        super().__init__()
        n_features = check_int(n_features, "n_features", low=1)
        n_atoms = check_int(n_atoms, "n_atoms", low=1)
        lam = check_nonnegative(lam, "lam")
        check_choice(activation, "activation", tuple(ACTIVATIONS))
        self.config = dict(n_features=n_features, n_atoms=n_atoms, lam=lam,
                           activation=activation, tied=bool(tied))
        gen = model_generator(seed, "cpu")
        self.V = glorot_uniform(n_features, n_atoms, gen)            # D = V / ‖V‖ per column
        self._encoder = None if tied else glorot_uniform(n_features, n_atoms, gen)
        self.bias = nn.Parameter(torch.zeros(n_atoms))
        self.to(device)

    @property
    def dictionary(self):
        """D of shape (n_features, n_atoms), unit-norm columns."""
        return unit_columns(self.V)

    def encoder(self, x):
        W = self.dictionary if self._encoder is None else self._encoder
        return ACTIVATIONS[self.config["activation"]](x @ W + self.bias)   # (b, k)

    def decoder(self, z):
        return z @ self.dictionary.T                                        # (b, d)

    def training_loss(self, x, *, seed=None):
        """mean_x ½‖x − D z(x)‖² + λ‖z(x)‖₁ over the batch ``x`` (b, n_features); ``seed`` is
        unused (the loss is deterministic)."""
        z = self.encoder(x)                                                 # (b, k)
        return (0.5 * (self.decoder(z) - x).pow(2).sum(1).mean()
                + self.config["lam"] * z.abs().sum(1).mean())


class PSD(AutoencoderBase):
    r"""Predictive sparse decomposition (Kavukcuoglu, Ranzato & LeCun 2008).

    A dictionary D (unit-norm columns) and a fast predictor
    :math:`F(x) = g \odot \tanh(W^\top x + b)` are trained together on

    .. math::

        \min_{D, W, b, g}\ \operatorname{mean}_x \min_z\ \tfrac12\|x - Dz\|^2 + \lambda\|z\|_1
        + \tfrac{\alpha}{2}\|z - F(x)\|^2 ,

    the lecture's objective with a ½ on the squares (so λ here is half the lecture's). For
    every batch the inner minimum is found by :func:`reprcourse.sparse_encode` (``algorithm="fista"``) on the equivalent lasso
    :math:`[x;\ \sqrt\alpha F(x)] \approx [D;\ \sqrt\alpha I]\, z`, warm-started at F(x); then
    one gradient step moves D toward the codes and F toward predicting them (the gain g is
    learned through log g, so it stays positive and finds the codes' scale quickly). At test time
    the encoder is the predictor F alone: one matrix product instead of an iterative solver.

    Parameters
    ----------
    n_features, n_atoms : int >= 1
    lam : float >= 0
    alpha : float >= 0
        Weight α of the prediction term.
    n_iter : int >= 1
        FISTA iterations per batch (at most).
    tol : float >= 0
        FISTA tolerance for the codes (see :func:`reprcourse.sparse_encode` (``algorithm="fista"``)).
    seed : None, int or torch.Generator (CPU)
    device : str or torch.device, optional

    Raises
    ------
    TypeError, ValueError
        On bad sizes or out-of-range weights.
    """

    def __init__(self, n_features, n_atoms, lam, *, alpha=1.0, n_iter=100, tol=1e-3, seed=None,
                 device=None):
        super().__init__()
        n_features = check_int(n_features, "n_features", low=1)
        n_atoms = check_int(n_atoms, "n_atoms", low=1)
        self.config = dict(n_features=n_features, n_atoms=n_atoms,
                           lam=check_nonnegative(lam, "lam"),
                           alpha=check_nonnegative(alpha, "alpha"),
                           n_iter=check_int(n_iter, "n_iter", low=1),
                           tol=check_nonnegative(tol, "tol"))
        gen = model_generator(seed, "cpu")
        self.V = glorot_uniform(n_features, n_atoms, gen)            # D = V / ‖V‖ per column
        self.weight = glorot_uniform(n_features, n_atoms, gen)
        self.bias = nn.Parameter(torch.zeros(n_atoms))
        self.log_gain = nn.Parameter(torch.zeros(n_atoms))         # g = exp(log_gain) > 0
        self.to(device)

    @property
    def dictionary(self):
        """D of shape (n_features, n_atoms), unit-norm columns."""
        return unit_columns(self.V)

    def encoder(self, x):
        gain = self.log_gain.exp()                                         # (k,)
        return gain * torch.tanh(x @ self.weight + self.bias)              # F(x): (b, k)

    def decoder(self, z):
        return z @ self.dictionary.T                                       # (b, d)

    def optimal_codes(self, x, f=None):
        """argmin_z ½‖x − Dz‖² + λ‖z‖₁ + (α/2)‖z − F(x)‖² for a batch ``x`` (b, n_features),
        a tensor (no gradients); ``f`` is F(x) if already computed."""
        with torch.no_grad():
            D = self.dictionary                                            # (d, k)
            f = self.encoder(x) if f is None else f.detach()               # (b, k)
            root = self.config["alpha"] ** 0.5
            eye = torch.eye(D.shape[1], dtype=D.dtype, device=D.device)
            return sparse_encode(torch.cat([x, root * f], 1), torch.cat([D, root * eye], 0),
                                 self.config["lam"], algorithm="fista", H0=f,
                                 n_iter=self.config["n_iter"], tol=self.config["tol"])

    def training_loss(self, x, *, seed=None):
        """PSD's objective on the batch ``x`` (b, n_features) at the optimal codes, held fixed
        (envelope theorem); ``seed`` is unused."""
        f = self.encoder(x)                                                # (b, k)
        z = self.optimal_codes(x, f)                                       # (b, k), fixed
        lam, alpha = self.config["lam"], self.config["alpha"]
        return (0.5 * (self.decoder(z) - x).pow(2).sum(1).mean() + lam * z.abs().sum(1).mean()
                + 0.5 * alpha * (z - f).pow(2).sum(1).mean())
