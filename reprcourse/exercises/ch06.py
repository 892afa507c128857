"""Checks for the exercises of chapter 6 (variational autoencoders), in torch.

References: :func:`reprcourse.models.vae.gaussian_kl` and :class:`~reprcourse.models.vae.VAE`
from the package, and a few lines of torch for the reparameterised ELBO loss and the IWAE
bound, each with the formula it computes (the same as in :mod:`reprcourse.models.vae`).
Each ``check_<name>(student_fn, *, seed=None)`` prints ✓/✗/○, returns a :class:`CheckResult` (truthy when passed), never raises.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch.nn import functional as F

from ..models.linear_gaussian import linear_gaussian_elbo, ppca_log_likelihood, ppca_posterior
from ..models.vae import LOG_2PI, VAE, gaussian_kl
from ._harness import Case, CheckResult, rng_for, run_check, value_and_grads

__all__ = ["check_kl_closed_form", "check_reparameterize", "check_elbo_loss",
           "check_log_density", "check_iwae_estimate", "check_kl_monte_carlo",
           "check_elbo_terms", "check_elbo_ppca"]

DTYPE = torch.float64


def _t(a):
    return torch.as_tensor(np.asarray(a), dtype=DTYPE)


def _gaussian(rng, n, k):
    return _t(rng.normal(size=(n, k))), _t(rng.normal(scale=0.7, size=(n, k)))


def check_kl_closed_form(kl_closed_form, *, seed=None) -> CheckResult:
    """``kl_closed_form(mu, logvar)`` -> ``KL(N(μ, diag σ²) ‖ N(0, I))`` per row, shape (n,)."""
    rng = rng_for("kl_closed_form", seed)

    def cases():
        out = []
        for n, k in [(5, 3), (1, 8)]:
            mu, logvar = _gaussian(rng, n, k)
            out.append(Case(f"n = {n}, k = {k}", (mu, logvar), gaussian_kl(mu, logvar)))
        z = torch.zeros(2, 4, dtype=DTYPE)
        out.append(Case("q = N(0, I): KL = 0", (z, z.clone()), torch.zeros(2, dtype=DTYPE)))
        mu = _t([[1.0, -2.0]])
        out.append(Case("σ = 1, μ = (1, −2): KL = ½‖μ‖² = 2.5", (mu, torch.zeros_like(mu)),
                        _t([2.5])))
        return out

    return run_check("kl_closed_form", kl_closed_form, cases)


def _value_and_grads(fn, *args, wrt=(0, 1)):
    """Values and their gradients in ``mu`` and ``logvar`` (``args[0]``, ``args[1]``)."""
    return value_and_grads(fn, *args, wrt=wrt)


def _reparameterize(mu, logvar, eps):
    """h = μ + σ ⊙ ε with σ = exp(½ logvar): ∂h/∂μ = 1, ∂h/∂logvar = ½ σ ε."""
    return mu + (0.5 * logvar).exp() * eps


def _reference(fn, *args, wrt=(0, 1)):
    return tuple(v.detach() for v in _value_and_grads(fn, *args, wrt=wrt))


def check_reparameterize(reparameterize, *, seed=None) -> CheckResult:
    """``reparameterize(mu, logvar, eps)`` -> ``h = μ + exp(½ logvar) ⊙ ε``, differentiable in
    ``mu`` and ``logvar``; checked on the value and on the gradients of ``h.sum()``."""
    rng = rng_for("reparameterize", seed)

    def cases():
        out = []
        for n, k in [(4, 3), (1, 2)]:
            mu, logvar = _gaussian(rng, n, k)
            eps = _t(rng.normal(size=(n, k)))
            out.append(Case(f"n = {n}, k = {k}: h, ∂/∂μ, ∂/∂logvar", (mu, logvar, eps),
                            _reference(_reparameterize, mu, logvar, eps), call=_value_and_grads))
        mu, logvar = _gaussian(rng, 2, 2)
        out.append(Case("ε = 0 (h = μ)", (mu, logvar, torch.zeros_like(mu)),
                        _reference(_reparameterize, mu, logvar, torch.zeros_like(mu)),
                        call=_value_and_grads))
        return out

    return run_check("reparameterize", reparameterize, cases)


def _elbo_loss(x, mu, logvar, eps, decoder):
    """Negative ELBO, one reparameterised sample, Bernoulli decoder with logits ``decoder(h)``:
    mean_i [BCE(x_i, s(decoder(h_i))) summed over pixels + KL(q_i ‖ N(0, I))]."""
    h = mu + (0.5 * logvar).exp() * eps                                  # (n, k)
    nll = F.binary_cross_entropy_with_logits(decoder(h), x, reduction="none").sum(-1)  # (n,)
    kl = 0.5 * (logvar.exp() + mu.pow(2) - 1.0 - logvar).sum(-1)         # (n,)
    return (nll + kl).mean()


def _decoder(rng, k, d):
    torch.manual_seed(0)
    layer = torch.nn.Linear(k, d).to(DTYPE)
    with torch.no_grad():
        layer.weight.copy_(_t(rng.normal(size=(d, k))))
        layer.bias.copy_(_t(rng.normal(scale=0.5, size=d)))
    return layer


def _elbo_call(fn, x, mu, logvar, eps, decoder):
    return _value_and_grads(lambda m, lv: fn(x, m, lv, eps, decoder), mu, logvar)


def check_elbo_loss(elbo_loss, *, seed=None) -> CheckResult:
    """``elbo_loss(x, mu, logvar, eps, decoder)`` -> scalar tensor, the negative ELBO averaged
    over the batch, with ``h = μ + σ ⊙ ε``, Bernoulli pixels of logits ``decoder(h)`` and the KL
    in closed form; checked on the value and on the gradients in ``mu`` and ``logvar``."""
    rng = rng_for("elbo_loss", seed)

    def cases():
        out = []
        for n, k, d in [(6, 2, 10), (1, 3, 5)]:
            x = _t((rng.random((n, d)) > 0.5).astype(float))
            mu, logvar = _gaussian(rng, n, k)
            eps, dec = _t(rng.normal(size=(n, k))), _decoder(rng, k, d)
            expected = _value_and_grads(lambda m, lv: _elbo_loss(x, m, lv, eps, dec), mu, logvar)
            out.append(Case(f"n = {n}, k = {k}, d = {d}", (x, mu, logvar, eps, dec),
                            tuple(v.detach() for v in expected), call=_elbo_call))
        return out

    return run_check("elbo_loss", elbo_loss, cases)


def _log_density(h, mu, logvar):
    """log N(h; μ, diag σ²) = −½ Σ_j [(h_j − μ_j)²/σ_j² + log σ_j² + log 2π]."""
    return -0.5 * ((h - mu).pow(2) / logvar.exp() + logvar + LOG_2PI).sum(-1)


def check_log_density(log_density, *, seed=None) -> CheckResult:
    """``log_density(h, mu, logvar)`` -> ``log N(h; μ, diag exp(logvar))`` summed over the last
    axis: (..., k) arrays give shape (...)."""
    rng = rng_for("log_density", seed)

    def cases():
        out = []
        for shape in [(5, 3), (4, 2, 3)]:
            h, mu, logvar = (_t(rng.normal(size=shape)) for _ in range(3))
            out.append(Case(f"shape {shape}", (h, mu, logvar), _log_density(h, mu, logvar)))
        z = torch.zeros(1, 2, dtype=DTYPE)
        out.append(Case("standard normal at 0: −log 2π", (z, z, z), _t([-LOG_2PI])))
        return out

    return run_check("log_density", log_density, cases)


def _iwae(log_w):
    """IWAE_K = log (1/K) Σ_s w_s, from log weights (K, n), with a stable log-sum-exp."""
    return torch.logsumexp(log_w, dim=0) - math.log(log_w.shape[0])


def check_iwae_estimate(iwae_estimate, *, seed=None) -> CheckResult:
    """``iwae_estimate(log_w)`` -> ``log (1/K) Σ_s exp(log_w[s])`` per column: log weights of
    shape (K, n) give (n,); must not overflow or underflow."""
    rng = rng_for("iwae_estimate", seed)

    def cases():
        out = []
        for K, n in [(10, 4), (100, 2)]:
            log_w = _t(rng.normal(loc=-80.0, scale=3.0, size=(K, n)))
            out.append(Case(f"K = {K}, n = {n}", (log_w,), _iwae(log_w)))
        log_w = _t(rng.normal(size=(1, 3)))
        out.append(Case("K = 1 (the ELBO estimate itself)", (log_w,), log_w[0].clone()))
        log_w = _t([[-1000.0, 900.0], [-1001.0, 901.0]])
        out.append(Case("very large and very small log weights", (log_w,), _iwae(log_w)))
        return out

    return run_check("iwae_estimate", iwae_estimate, cases)


def check_kl_monte_carlo(kl_monte_carlo, *, seed=None) -> CheckResult:
    """``kl_monte_carlo(mu, logvar, n_samples=100_000, seed=0)`` -> a Monte Carlo estimate of
    the KL per row (numpy), within sampling error (0.05 + 5%) of the closed form."""
    rng = rng_for("kl_monte_carlo", seed)

    def cases():
        out = []
        for n, k in [(3, 4), (1, 2)]:
            mu, logvar = rng.normal(size=(n, k)), rng.normal(scale=0.5, size=(n, k))
            out.append(Case(f"n = {n}, k = {k}", (mu, logvar), gaussian_kl(mu, logvar),
                            atol=0.05, rtol=0.05))
        z = np.zeros((1, 3))
        out.append(Case("q = N(0, I): KL = 0", (z, z.copy()), np.zeros(1), atol=0.05, rtol=0.0))
        return out

    return run_check("kl_monte_carlo", kl_monte_carlo, cases)


def _elbo_terms(model, x, seed=0):
    """(E_q[log p(x | h)] from one draw h = μ + σ ε, KL in closed form), the noise ε drawn as
    ``elbo(model, x, seed=seed)`` draws it."""
    x = torch.as_tensor(x, dtype=next(model.parameters()).dtype)      # the model's dtype
    with torch.no_grad():
        mu, logvar = model.encode(x)
        eps = torch.randn(mu.shape, generator=torch.Generator().manual_seed(seed),
                          dtype=mu.dtype)
        h = mu + (0.5 * logvar).exp() * eps
        return (model.log_likelihood(x, h).double().numpy(),
                gaussian_kl(mu, logvar).double().numpy())


def check_elbo_terms(elbo_terms, *, seed=None) -> CheckResult:
    """``elbo_terms(model, x, seed=0)`` -> ``(reconstruction, kl)``, two arrays of shape (n,)
    whose difference is ``elbo(model, x, seed=seed)``; checked on a small random VAE."""
    rng = rng_for("elbo_terms", seed)

    def cases():
        out = []
        for n, d, k in [(8, 12, 2), (1, 6, 3)]:
            model = VAE(d, k, hidden=(8,), likelihood="bernoulli", seed=int(rng.integers(1000)))
            x = (rng.random((n, d)) > 0.5).astype(np.float64)
            s = int(rng.integers(100))
            out.append(Case(f"a VAE {d}–8–{k}, n = {n}, seed = {s}", (model, x),
                            _elbo_terms(model, x, s), kwargs={"seed": s}, atol=1e-5, rtol=1e-5))
        return out

    return run_check("elbo_terms", elbo_terms, cases)


def _spd(rng, k):
    """A random symmetric positive definite (k, k) covariance."""
    A = rng.normal(scale=0.6, size=(k, k))
    return A @ A.T + 0.2 * np.eye(k)


def check_elbo_ppca(elbo_ppca, *, seed=None) -> CheckResult:
    """``elbo_ppca(X, W, b, sigma, m, S)`` -> the exact ELBO of q(h | x_i) = N(m_i, S) under
    probabilistic PCA, per row (numpy, shape (n,)); checked against
    :func:`~reprcourse.models.linear_gaussian_elbo` on random q's (all below log p(x)) and on
    the exact posterior, where it must equal :func:`~reprcourse.models.ppca_log_likelihood`.
    The inequality itself is the student's to verify; a check of the formula cannot see it."""
    rng = rng_for("elbo_ppca", seed)

    def cases():
        out = []
        for n, d, k in [(6, 5, 2), (3, 4, 3)]:
            W, b = rng.normal(size=(d, k)), rng.normal(size=d)
            sigma = float(rng.uniform(0.4, 1.0))
            X = rng.normal(size=(n, d)) * 2.0
            m, S = rng.normal(size=(n, k)), _spd(rng, k)
            out.append(Case(f"a random q, n = {n}, d = {d}, k = {k}", (X, W, b, sigma, m, S),
                            linear_gaussian_elbo(X, W, b, sigma, m, cov=S)))
        W, b, sigma = rng.normal(size=(5, 2)), rng.normal(size=5), 0.5
        X = rng.normal(size=(4, 5))
        mean, cov = ppca_posterior(X, W, b, sigma)
        out.append(Case("q = the exact posterior: ELBO = log p(x)", (X, W, b, sigma, mean, cov),
                        ppca_log_likelihood(X, W, b, sigma)))
        return out

    return run_check("elbo_ppca", elbo_ppca, cases)
