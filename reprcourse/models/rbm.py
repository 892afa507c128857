r"""A restricted Boltzmann machine trained by contrastive divergence (chapter 5).

The lecture sets the features of an autoencoder beside those of an RBM (Smolensky 1986;
Hinton 2002). A Bernoulli–Bernoulli RBM has binary visible units :math:`v \in \{0, 1\}^d`
and hidden units :math:`h \in \{0, 1\}^k`, the energy

.. math:: E(v, h) = -v^{\mathsf T} W h - b^{\mathsf T} v - c^{\mathsf T} h,

and :math:`p(v, h) \propto e^{-E(v, h)}`. Summing out :math:`h` gives the *free energy*
:math:`F(v) = -b^{\mathsf T} v - \sum_j \operatorname{softplus}(c_j + v^{\mathsf T} w_j)`,
with :math:`p(v) \propto e^{-F(v)}`. Its two conditionals are the two halves of a tied
sigmoid autoencoder: :math:`p(h_j = 1 \mid v) = \sigma(c_j + v^{\mathsf T} w_j)` and
:math:`p(v_i = 1 \mid h) = \sigma(b_i + W_{i,:} h)`. So :class:`RBM` is an
:class:`~reprcourse.models.AutoencoderBase` whose ``encoder``/``decoder`` are those
probabilities (``transform`` gives :math:`p(h = 1 \mid v)`, ``reconstruct`` the mean-field
up-and-down pass); only the training differs.

The log-likelihood gradient is :math:`-\nabla F(v_{\rm data}) + \mathbb E_{p}[\nabla F(v)]`;
contrastive divergence (CD-1, Hinton 2002) replaces the model expectation by the free-energy
gradient at :math:`v_1`, one Gibbs step from the data: :math:`h_0 \sim p(h \mid v_0)`,
:math:`v_1 \sim p(v \mid h_0)`. :meth:`RBM.training_loss` returns
:math:`\overline{F(v_0)} - \overline{F(v_1)}` with :math:`v_1` held fixed, whose gradient is
minus the CD-1 estimate, so :func:`reprcourse.models.train` trains an RBM like any other model
(``model.double()`` first for float64).
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from .._validation import check_int, check_torch_generator
from .autoencoders import AutoencoderBase
from .training import model_generator

__all__ = ["RBM"]


class RBM(AutoencoderBase):
    r"""Bernoulli–Bernoulli restricted Boltzmann machine, trained by CD-1.

    Parameters
    ----------
    n_features, n_hidden : int >= 1
        Visible units d and hidden units k.
    init_scale : float > 0
        Standard deviation of the initial weights (Hinton's guide: 0.01); biases start at 0.
    seed : None, int or torch.Generator (CPU)
        Initialisation.
    device : str or torch.device, optional

    Attributes
    ----------
    weight : Parameter of shape (n_features, n_hidden)
        :math:`W`; column j is hidden unit j's filter (as ``Autoencoder.weight``).
    visible_bias : Parameter of shape (n_features,)
        :math:`b`.
    bias : Parameter of shape (n_hidden,)
        :math:`c`, the hidden biases.

    Raises
    ------
    TypeError, ValueError
        On non-integer sizes, a non-positive ``init_scale`` or a bad seed.
    """

    def __init__(self, n_features, n_hidden, *, init_scale=0.01, seed=None, device=None):
        super().__init__()
        n_features = check_int(n_features, "n_features", low=1)
        n_hidden = check_int(n_hidden, "n_hidden", low=1)
        if not isinstance(init_scale, (int, float)) or not init_scale > 0:
            raise ValueError(f"init_scale must be a number > 0, got {init_scale!r}")
        self.config = dict(n_features=n_features, n_hidden=n_hidden,
                           init_scale=float(init_scale))
        gen = model_generator(seed, "cpu")
        self.weight = nn.Parameter(init_scale * torch.randn(n_features, n_hidden,
                                                            generator=gen))   # (d, k)
        self.visible_bias = nn.Parameter(torch.zeros(n_features))           # (d,)
        self.bias = nn.Parameter(torch.zeros(n_hidden))                      # (k,)
        self.to(device)

    # The two conditionals: the tied autoencoder's encoder and decoder.
    def encoder(self, v):
        """p(h = 1 | v) = σ(vW + c): (b, d) -> (b, k)."""
        return torch.sigmoid(v @ self.weight + self.bias)

    def decoder(self, h):
        """p(v = 1 | h) = σ(hWᵀ + b): (b, k) -> (b, d)."""
        return torch.sigmoid(h @ self.weight.T + self.visible_bias)

    def _free_energy(self, v):
        """F(v) = −bᵀv − Σ_j softplus(c_j + vᵀw_j): (b, d) -> (b,)."""
        return -(v @ self.visible_bias) - F.softplus(v @ self.weight + self.bias).sum(1)

    def free_energy(self, X):
        r"""Free energy :math:`F(v) = -\log \sum_h e^{-E(v, h)}` of every row of ``X``.

        Parameters
        ----------
        X : array or tensor of shape (n_samples, n_features)
            Visible vectors (binary, or grey levels in [0, 1] read as probabilities).

        Returns
        -------
        array or tensor of shape (n_samples,)
            Numpy in, numpy out; differentiable for a tensor.

        Raises
        ------
        TypeError, ValueError
            If ``X`` is not a finite 2-D array with ``n_features`` columns.
        """
        return self._on_data(X, self._free_energy)

    def gibbs_step(self, v, *, seed=None):
        """One step of block Gibbs sampling from ``v`` (tensor (b, d) in the model's dtype):
        :math:`h \\sim p(h \\mid v)`, :math:`v' \\sim p(v \\mid h)`; returns ``(h, v')``,
        both binary tensors, without gradients."""
        gen = check_torch_generator(seed, device=v.device)
        with torch.no_grad():
            p_h = self.encoder(v)                                            # (b, k)
            h = (torch.rand(p_h.shape, generator=gen, dtype=v.dtype, device=v.device)
                 < p_h).to(v.dtype)
            p_v = self.decoder(h)                                            # (b, d)
            v1 = (torch.rand(p_v.shape, generator=gen, dtype=v.dtype, device=v.device)
                  < p_v).to(v.dtype)
        return h, v1

    def training_loss(self, x, *, seed=None):
        """CD-1 surrogate: mean F(x) − mean F(v₁), v₁ one Gibbs step from ``x`` (fixed).

        Its gradient is minus the CD-1 estimate of the log-likelihood gradient (Hinton 2002),
        so gradient *descent* on it is CD-1 learning. Not a likelihood: its value says little.

        Parameters
        ----------
        x : tensor of shape (batch, n_features)
            In the model's dtype (what :func:`reprcourse.models.train` passes).
        seed : None, int or torch.Generator
            Source of the Gibbs samples.

        Returns
        -------
        scalar tensor
        """
        _, v1 = self.gibbs_step(x, seed=seed)
        return self._free_energy(x).mean() - self._free_energy(v1).mean()
