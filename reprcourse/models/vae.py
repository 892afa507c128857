"""The variational autoencoder (chapter 6): Gaussian layers, the ELBO and the IWAE bound.

A VAE is a latent-variable model trained with an amortised variational posterior
(Kingma & Welling 2014):

* prior (the "top" layer):            h ~ N(0, I_k)
* decoder / generator:                x | h ~ p_θ(x | h), Bernoulli or Gaussian with a
                                      network for its mean
* encoder / recognition network:      q_φ(h | x) = N(μ_φ(x), diag exp(logvar_φ(x)))

For every q the evidence lower bound holds,

    log p(x) ≥ ELBO(x) = E_q[log p(x | h)] − KL(q(h | x) ‖ p(h)),

with gap log p(x) − ELBO(x) = KL(q(h | x) ‖ p(h | x)). Training maximises the ELBO over θ and
φ jointly, with the expectation estimated by the reparameterisation h = μ + σ ⊙ ε, ε ~ N(0, I),
so that gradients flow through the sample. :func:`iwae_bound` is the tighter
importance-weighted bound of Burda et al. (2016). Exact values for the linear-Gaussian case,
against which these estimates are checked, live in :mod:`reprcourse.models.linear_gaussian`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from .._torch import as_tensor, like
from .._validation import check_array, check_choice, check_int, check_same_backend
from .autoencoders import AutoencoderBase
from .training import model_generator

__all__ = ["VAE", "gaussian_kl", "elbo", "iwae_bound"]

#: log 2π, the constant of every Gaussian log-density in the package (imported by
#: :mod:`~reprcourse.models.linear_gaussian` and the chapter-6 exercise checks).
LOG_2PI = math.log(2 * math.pi)


def _mlp(sizes: Sequence[int]) -> nn.Sequential:
    """Linear layers of the given widths with ReLU between them (none after the last)."""
    layers: list[nn.Module] = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        if i:
            layers.append(nn.ReLU())
        layers.append(nn.Linear(n_in, n_out))
    return nn.Sequential(*layers)


def _diag_gaussian_log_density(h, mu, logvar):
    """log N(h; μ, diag exp(logvar)), summed over the last axis (no checks)."""
    return -0.5 * ((h - mu).pow(2) / logvar.exp() + logvar + LOG_2PI).sum(-1)


def gaussian_kl(mu, logvar):
    """KL(N(μ, diag σ²) ‖ N(0, I)) in closed form, summed over latent dimensions.

    KL = ½ Σ_j (σ_j² + μ_j² − 1 − log σ_j²), with σ_j² = exp(logvar_j)
    (Kingma & Welling 2014, appendix B).

    Parameters
    ----------
    mu, logvar : arrays of shape (batch, n_latent)
        Mean and log-variance of the diagonal Gaussian q; both numpy or both torch.

    Returns
    -------
    kl : array of shape (batch,), >= 0
        Numpy in gives numpy out of ``mu``'s float dtype; torch in gives torch out
        (differentiable) on ``mu``'s device, of ``mu``'s dtype.

    Raises
    ------
    ValueError
        If the shapes differ, an array is not 2-D or empty, or holds NaN/inf.
    TypeError
        If numpy and torch are mixed.
    """
    mu = check_array(mu, "mu", shape_hint="(batch, n_latent)")
    logvar = check_array(logvar, "logvar", shape_hint="(batch, n_latent)")
    check_same_backend(mu=mu, logvar=logvar)
    if mu.shape != logvar.shape:
        raise ValueError(f"mu has shape {tuple(mu.shape)} but logvar has shape "
                         f"{tuple(logvar.shape)}; they must match (batch, n_latent)")
    m, lv = as_tensor(mu), as_tensor(logvar)                              # (batch, k) each
    return like(0.5 * (lv.exp() + m.pow(2) - 1.0 - lv).sum(-1), mu)


class VAE(nn.Module):
    """Variational autoencoder with a Gaussian encoder and a Bernoulli or Gaussian decoder.

    Encoder: x → MLP(hidden) → (μ, log σ²), each of shape (n, n_latent).
    Decoder: h → MLP(reversed hidden) → mean of p(x | h).

    * ``likelihood="bernoulli"`` (pixels in [0, 1]): the decoder outputs logits ℓ and
      log p(x | h) = Σ_j x_j log s(ℓ_j) + (1 − x_j) log(1 − s(ℓ_j)), s the sigmoid — minus the
      binary cross-entropy between x and the decoded probabilities. For binary x this is
      the exact log-probability of independent Bernoulli pixels; for grey levels it is the
      usual cross-entropy loss, no longer a normalised density.
    * ``likelihood="gaussian"``: x | h ~ N(m(h), σ² I) with one learned noise level σ
      (``log_sigma``) and all constants kept: log p(x | h) = −½ Σ_j [(x_j − m_j)²/σ² +
      log(2πσ²)], so ELBO values are true log-densities.

    With ``hidden=()`` and ``likelihood="gaussian"`` the decoder is x | h ~ N(W h + b, σ² I):
    probabilistic PCA (Tipping & Bishop 1999), whose log-likelihood and posterior are known
    exactly (:mod:`reprcourse.models.linear_gaussian`). The encoder is then linear too,
    q(h | x) = N(A x + c, diag exp(A' x + c')); it can equal the exact posterior
    N(M⁻¹Wᵀ(x − b), σ² M⁻¹), M = WᵀW + σ² I, only when that covariance is diagonal,
    i.e. when W has orthogonal columns.

    The methods that take data (:meth:`encode`, :meth:`decode`, ``model(x)``, and
    :func:`elbo`, :func:`iwae_bound`) validate it and follow the package contract through the
    autoencoders' one numpy ↔ torch adapter (``AutoencoderBase._on_data``): numpy in gives
    numpy out of the same float dtype (computed without gradients), torch in gives torch out
    on the input's device and of its dtype (differentiable). ``model.double()`` computes in
    float64. Save and load it with :func:`reprcourse.models.save` / ``load``.

    Parameters
    ----------
    n_features : int >= 1
        Dimension of x.
    n_latent : int >= 1
        Dimension k of the code h.
    hidden : int or sequence of int
        Widths of the encoder's hidden layers (the decoder mirrors them); ``()`` for linear.
    likelihood : {"bernoulli", "gaussian"}
    seed : None, int or torch.Generator (CPU)
        Seeds the initial weights (PyTorch's default initialisation), without touching the
        global random state.
    device : str or torch.device, optional
        Where the parameters live (CPU by default).

    Raises
    ------
    TypeError, ValueError
        On non-integer or non-positive sizes, an unknown likelihood or a bad seed.

    References
    ----------
    Kingma & Welling, "Auto-encoding variational Bayes", ICLR 2014.
    """

    #: The package's numpy ↔ torch adapter for methods that take data, shared with every
    #: autoencoder: validate, compute on a tensor in the model's dtype, return like the input.
    _on_data = AutoencoderBase._on_data

    def __init__(self, n_features, n_latent, hidden=(256,), likelihood="bernoulli", *,
                 seed=None, device=None):
        super().__init__()
        self.n_features = check_int(n_features, "n_features", low=1)
        self.n_latent = check_int(n_latent, "n_latent", low=1)
        hidden = (hidden,) if isinstance(hidden, (int, np.integer)) else tuple(hidden)
        self.hidden = tuple(check_int(w, "hidden width", low=1) for w in hidden)
        self.likelihood = check_choice(likelihood, "likelihood", ("bernoulli", "gaussian"))
        self.config = dict(n_features=self.n_features, n_latent=self.n_latent,
                           hidden=list(self.hidden), likelihood=self.likelihood)
        gen = model_generator(seed, "cpu")
        with torch.random.fork_rng(devices=[]):      # PyTorch's init draws from the global
            torch.random.set_rng_state(gen.get_state())       # generator: lend it ours
            self.encoder = _mlp((self.n_features, *self.hidden, 2 * self.n_latent))
            self.decoder = _mlp((self.n_latent, *self.hidden[::-1], self.n_features))
            gen.set_state(torch.random.get_rng_state())
        if self.likelihood == "gaussian":
            self.log_sigma = nn.Parameter(torch.zeros(()))              # log σ of p(x | h)
        self.to(device)

    def encode(self, x):
        """Parameters of q(h | x): ``(mu, logvar)``, each of shape (n, n_latent).

        ``x`` of shape (n, n_features), numpy or torch (see the class docstring).

        Raises
        ------
        TypeError, ValueError
            If ``x`` is not a finite 2-D array with ``n_features`` columns.
        """
        out = self._on_data(x, self.encoder, name="x")                  # (n, 2k)
        return out[:, :self.n_latent], out[:, self.n_latent:]

    def reparameterize(self, mu, logvar, *, seed=None):
        """A sample h = μ + exp(½ logvar) ⊙ ε, ε ~ N(0, I) drawn from ``seed``.

        The sample is a differentiable function of ``mu`` and ``logvar`` (tensors of any equal
        shape): ∂h/∂μ = 1 and ∂h/∂logvar = ½ σ ε — the reparameterisation trick. ``seed`` is
        None, an int or a torch.Generator on ``mu``'s device.
        """
        gen = model_generator(seed, mu.device)
        eps = torch.randn(mu.shape, generator=gen, device=mu.device, dtype=mu.dtype)
        return mu + (0.5 * logvar).exp() * eps

    def decode(self, h):
        """Mean of p(x | h), shape (n, n_features): Bernoulli probabilities or Gaussian means.

        ``h`` of shape (n, n_latent), numpy or torch (see the class docstring).

        Raises
        ------
        TypeError, ValueError
            If ``h`` is not a finite 2-D array with ``n_latent`` columns.
        """
        return self._on_data(h, self._mean, name="h", n_columns=self.n_latent)

    def _mean(self, h):
        """Mean of p(x | h) on a tensor h (n, k): (n, n_features)."""
        out = self.decoder(h)
        return torch.sigmoid(out) if self.likelihood == "bernoulli" else out

    def log_likelihood(self, x, h):
        """log p(x | h) summed over features, on tensors in the model's dtype: x (n, d) and
        h (..., n, k) give shape (..., n)."""
        out = self.decoder(h)                                       # (..., n, d)
        if self.likelihood == "bernoulli":
            x = x.expand_as(out)
            return -F.binary_cross_entropy_with_logits(out, x, reduction="none").sum(-1)
        log_var = 2 * self.log_sigma
        return -0.5 * ((x - out).pow(2) / log_var.exp() + log_var + LOG_2PI).sum(-1)

    def forward(self, x):
        """Deterministic reconstruction decode(μ(x)), shape (n, n_features)."""
        mu, _ = self.encode(x)
        return self.decode(mu)

    def _elbo(self, x, n_samples, generator):
        """Per-example ELBO (n,) with an S-sample reconstruction term and the KL in closed form;
        ``x`` a tensor in the model's dtype."""
        mu, logvar = self.encoder(x).chunk(2, dim=-1)                       # (n, k)
        h = self.reparameterize(mu.expand(n_samples, *mu.shape),
                                logvar.expand(n_samples, *logvar.shape),
                                seed=generator)                              # (S, n, k)
        return self.log_likelihood(x, h).mean(0) - gaussian_kl(mu, logvar)

    def training_loss(self, x, *, seed=None):
        """Mean negative ELBO over the batch ``x`` (n, n_features), a tensor, one
        reparameterised sample per example drawn from ``seed`` — the loss
        :func:`reprcourse.models.train` minimises."""
        p = next(self.parameters())
        return -self._elbo(x.to(dtype=p.dtype), 1, model_generator(seed, p.device)).mean()

    @torch.no_grad()
    def sample(self, n, *, seed=None):
        """``n`` draws of the decoder mean at h ~ N(0, I): a tensor (n, n_features) on the
        model's device, of its dtype.

        Raises
        ------
        TypeError, ValueError
            If ``n`` is not an integer >= 1, or on a bad ``seed``.
        """
        n = check_int(n, "n", low=1)
        p = next(self.parameters())
        gen = model_generator(seed, p.device)
        h = torch.randn((n, self.n_latent), generator=gen, device=p.device, dtype=p.dtype)
        return self.decode(h)


def _prepare(model, n_samples, seed):
    """Checks shared by :func:`elbo` and :func:`iwae_bound`: the model, the sample count and
    the noise generator (on the model's device)."""
    if not isinstance(model, VAE):
        raise TypeError(f"model must be a reprcourse VAE, got {type(model).__name__}")
    n_samples = check_int(n_samples, "n_samples", low=1)
    return n_samples, model_generator(seed, next(model.parameters()).device)


def _in_range(model, t):
    """``t`` itself, after checking that a Bernoulli model's data lie in [0, 1]."""
    if model.likelihood == "bernoulli" and (t.min() < 0 or t.max() > 1):
        raise ValueError(f"x must lie in [0, 1] for a Bernoulli likelihood, got values in "
                         f"[{float(t.min()):.3g}, {float(t.max()):.3g}]")
    return t


def elbo(model, x, n_samples=1, *, seed=None):
    """Per-example evidence lower bound of a :class:`VAE`.

    ELBO(x) = E_{q(h|x)}[log p(x | h)] − KL(q(h | x) ‖ N(0, I)) ≤ log p(x),

    with the expectation estimated from ``n_samples`` reparameterised draws and the KL in
    closed form (:func:`gaussian_kl`) — the "SGVB B" estimator of Kingma & Welling (2014).
    Unbiased for the ELBO; differentiable for torch input.

    Parameters
    ----------
    model : VAE
    x : array of shape (n, n_features)
        Numpy (result numpy of ``x``'s float dtype, computed in the model's precision) or
        torch (result on ``x``'s device, of its dtype).
    n_samples : int >= 1
        Monte Carlo samples of h per example.
    seed : None, int or torch.Generator
        Source of the noise ε.

    Returns
    -------
    array of shape (n,), in nats

    Raises
    ------
    TypeError
        If ``model`` is not a VAE.
    ValueError
        On bad ``x`` (shape, NaN/inf, outside [0, 1] for a Bernoulli model) or ``n_samples``.
    """
    n_samples, gen = _prepare(model, n_samples, seed)
    return model._on_data(x, lambda t: model._elbo(_in_range(model, t), n_samples, gen),
                          name="x")                                          # (n,)


def iwae_bound(model, x, n_samples=64, *, seed=None):
    """Importance-weighted estimate of log p(x) (Burda et al. 2016).

    IWAE_K(x) = log (1/K) Σ_{s=1..K} p(x | h_s) p(h_s) / q(h_s | x),   h_s ~ q(h | x),

    computed with a log-sum-exp. Its expectation satisfies ELBO ≤ E[IWAE_K] ≤ E[IWAE_{K+1}]
    ≤ log p(x) and tends to log p(x) as K grows; with K = 1 it is a one-sample ELBO estimate.
    If q is the exact posterior every weight equals p(x) and the estimate is exact.

    Parameters
    ----------
    model : VAE
    x : array of shape (n, n_features)
    n_samples : int >= 1
        Number K of importance samples per example.
    seed : None, int or torch.Generator

    Returns
    -------
    array of shape (n,), in nats (same kind and dtype as ``x``, as :func:`elbo`)

    Raises
    ------
    TypeError, ValueError
        As :func:`elbo`.
    """
    n_samples, gen = _prepare(model, n_samples, seed)

    def bound(t):                                                            # (n, d) -> (n,)
        mu, logvar = model.encoder(_in_range(model, t)).chunk(2, dim=-1)     # (n, k)
        mu_s, logvar_s = mu.expand(n_samples, *mu.shape), logvar.expand(n_samples, *mu.shape)
        h = model.reparameterize(mu_s, logvar_s, seed=gen)                   # (K, n, k)
        log_w = (model.log_likelihood(t, h)                                  # (K, n)
                 + _diag_gaussian_log_density(h, torch.zeros_like(h), torch.zeros_like(h))
                 - _diag_gaussian_log_density(h, mu_s, logvar_s))
        return torch.logsumexp(log_w, dim=0) - math.log(n_samples)

    return model._on_data(x, bound, name="x")
