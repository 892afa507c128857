"""Exact answers for the linear-Gaussian latent-variable model (chapter 6).

Probabilistic PCA (Tipping & Bishop 1999) is the VAE whose decoder is linear:

    h ~ N(0, I_k),        x | h ~ N(W h + b, σ² I_d),        W of shape (d, k).

Everything a VAE can only estimate is here in closed form, so the bound can be checked:

* the evidence:   x ~ N(b, C),  C = W Wᵀ + σ² I_d            (:func:`ppca_log_likelihood`)
* the posterior:  h | x ~ N(M⁻¹ Wᵀ (x − b), σ² M⁻¹),  M = WᵀW + σ² I_k   (:func:`ppca_posterior`)
* the ELBO of any Gaussian q(h | x) = N(m, S)                  (:func:`linear_gaussian_elbo`):

      E_q log p(x | h) = −½ [d log(2πσ²) + (‖x − b − W m‖² + tr(W S Wᵀ)) / σ²]
      KL(q ‖ N(0, I))  = ½ [tr S + ‖m‖² − k − log det S]

* the gap:  log p(x) − ELBO(x) = KL(q(h | x) ‖ p(h | x)) ≥ 0    (:func:`posterior_kl`),

so ELBO = log p(x) exactly when q is the posterior. A linear encoder q(h | x) = N(A x + c, S)
with a full covariance S can always represent it. A diagonal S (the usual VAE encoder) can
only when σ² M⁻¹ is diagonal, i.e. when the columns of W are orthogonal; otherwise the best
diagonal q leaves a gap. Numpy input is computed in float64 and returned as numpy of the
input's float dtype; torch input is computed and returned in its own dtype, on its device.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from .._torch import as_tensor, common_dtype, like, to_numpy
from .._validation import (check_array, check_int, check_matching_features,
                           check_same_backend, check_scalar, is_torch)
from .vae import LOG_2PI, VAE

__all__ = ["ppca_log_likelihood", "ppca_posterior", "ppca_fit", "linear_gaussian_elbo",
           "posterior_kl", "best_diagonal_q", "linear_gaussian_params", "bound_report"]


def _compute_dtype(*arrays):
    """float64 for numpy input; the common float dtype of torch input."""
    return common_dtype(*arrays) if is_torch(arrays[0]) else torch.float64


def _model(X, W, b, sigma):
    """Validate (X, W, b, σ); return X as validated (the output template), torch versions
    of X, W, b in one dtype, and σ as a float."""
    X = check_array(X, "X")
    W = check_array(W, "W", shape_hint="(n_features, n_latent)")
    b = check_array(b, "b", ndim=1, shape_hint="(n_features,)")
    check_same_backend(X=X, W=W, b=b)
    check_matching_features(X, W, d_name="W")
    if b.shape[0] != X.shape[1]:
        raise ValueError(f"b has {b.shape[0]} entries but X has {X.shape[1]} features")
    sigma = check_scalar(sigma, "sigma", low=0.0, low_open=True)
    dtype = _compute_dtype(X, W, b)
    return (X, *(as_tensor(a, dtype=dtype) for a in (X, W, b)), sigma)


def _precision_factor(W, sigma):
    """Cholesky factor L of M = WᵀW + σ² I_k (k, k)."""
    k = W.shape[1]
    return torch.linalg.cholesky(W.T @ W + sigma ** 2 * torch.eye(k, dtype=W.dtype,
                                                                  device=W.device))


def _posterior(X, W, b, sigma):
    L = _precision_factor(W, sigma)                                  # (k, k)
    mean = torch.cholesky_solve((W.T @ (X - b).T), L).T              # (n, k)
    cov = sigma ** 2 * torch.cholesky_inverse(L)                     # (k, k)
    return mean, cov, L


def ppca_log_likelihood(X, W, b, sigma):
    """Exact log p(x) = log N(x; b, W Wᵀ + σ² I) of the probabilistic PCA model, per row.

    Uses det C = σ^{2(d−k)} det M and C⁻¹ = (I − W M⁻¹ Wᵀ)/σ², M = WᵀW + σ² I_k, so the cost
    is O(n d k) (Tipping & Bishop 1999).

    Parameters
    ----------
    X : array of shape (n, n_features)
    W : array of shape (n_features, n_latent)
    b : array of shape (n_features,)
    sigma : float > 0
        Noise standard deviation.

    Returns
    -------
    array of shape (n,), in nats

    Raises
    ------
    ValueError
        On mismatched shapes, NaN/inf, or ``sigma <= 0``.
    TypeError
        If numpy and torch are mixed.
    """
    like_X, X, W, b, sigma = _model(X, W, b, sigma)
    d, k = W.shape
    L = _precision_factor(W, sigma)
    r = X - b                                                         # (n, d)
    z = torch.linalg.solve_triangular(L, W.T @ r.T, upper=False)      # (k, n)
    quad = (r.pow(2).sum(1) - z.pow(2).sum(0)) / sigma ** 2           # (n,)
    logdet = (d - k) * math.log(sigma ** 2) + 2 * torch.log(torch.diagonal(L)).sum()
    return like(-0.5 * (d * LOG_2PI + logdet + quad), like_X)


def ppca_posterior(X, W, b, sigma):
    """Exact posterior p(h | x) = N(M⁻¹ Wᵀ (x − b), σ² M⁻¹), M = WᵀW + σ² I_k.

    Parameters
    ----------
    X, W, b, sigma
        As :func:`ppca_log_likelihood`.

    Returns
    -------
    mean : array of shape (n, n_latent)
    cov : array of shape (n_latent, n_latent)
        The same for every x; diagonal exactly when WᵀW is.

    Raises
    ------
    ValueError, TypeError
        As :func:`ppca_log_likelihood`.
    """
    like_X, X, W, b, sigma = _model(X, W, b, sigma)
    mean, cov, _ = _posterior(X, W, b, sigma)
    return like(mean, like_X), like(cov, like_X)


def ppca_fit(X, n_latent):
    """Maximum-likelihood probabilistic PCA in closed form (Tipping & Bishop 1999, eq. 7-8).

    b = mean of X; σ² = mean of the d − k smallest eigenvalues of the sample covariance;
    W = U_k (Λ_k − σ² I)^{1/2} with the top-k eigenpairs (U_k, Λ_k) (rotation R = I).

    Parameters
    ----------
    X : array of shape (n, n_features)
    n_latent : int in [1, n_features − 1]

    Returns
    -------
    W : array of shape (n_features, n_latent), orthogonal columns
    b : array of shape (n_features,)
    sigma : float

    Raises
    ------
    ValueError
        On bad ``X``, ``n_latent`` out of range, or data with no variance outside the top
        ``n_latent`` directions (σ = 0, the likelihood is unbounded).
    """
    X = check_array(X, "X")
    k = check_int(n_latent, "n_latent", low=1, high=X.shape[1] - 1)
    Xt = as_tensor(X, dtype=_compute_dtype(X))                              # (n, d)
    b = Xt.mean(0)
    evals, evecs = torch.linalg.eigh((Xt - b).T @ (Xt - b) / Xt.shape[0])   # ascending
    evals, evecs = evals.flip(0), evecs.flip(1)
    sigma2 = float(evals[k:].mean())
    if sigma2 <= 1e-12 * max(float(evals[0]), 1e-300):
        raise ValueError(f"X has no variance outside its top {k} principal directions; the "
                         f"noise level sigma would be 0 and the likelihood unbounded")
    W = evecs[:, :k] * (evals[:k] - sigma2).clamp_min(0).sqrt()
    return like(W, X), like(b, X), math.sqrt(sigma2)


def _q(mu, logvar, cov, n, k, X):
    """Validate the Gaussian q(h | x) = N(mu, S); return mu (n, k) and S (n, k, k) or (k, k)."""
    mu = check_array(mu, "mu", shape_hint="(n_samples, n_latent)")
    if (logvar is None) == (cov is None):
        raise ValueError("give exactly one of logvar (diagonal q) and cov (full-covariance q)")
    S = check_array(logvar if cov is None else cov, "logvar" if cov is None else "cov",
                    ndim=2 if cov is None else (2, 3),
                    shape_hint="(n_samples, n_latent)" if cov is None else
                    "(n_latent, n_latent) or (n_samples, n_latent, n_latent)")
    check_same_backend(X=X, mu=mu, **{"logvar" if cov is None else "cov": S})
    if tuple(mu.shape) != (n, k):
        raise ValueError(f"mu has shape {tuple(mu.shape)} but X and W give (n, n_latent) = "
                         f"{(n, k)}")
    want = [(n, k)] if cov is None else [(k, k), (n, k, k)]
    if tuple(S.shape) not in want:
        name = "logvar" if cov is None else "cov"
        raise ValueError(f"{name} has shape {tuple(S.shape)}; expected one of {want}")
    dtype = _compute_dtype(mu, S)
    mu, S = as_tensor(mu, dtype=dtype), as_tensor(S, dtype=dtype)
    if cov is None:
        return mu, torch.diag_embed(S.exp())
    if not torch.allclose(S, S.transpose(-1, -2), rtol=1e-6, atol=1e-10):
        raise ValueError("cov must be symmetric")
    if (torch.linalg.cholesky_ex(S).info != 0).any():
        raise ValueError("cov must be positive definite (a Cholesky factorisation failed)")
    return mu, S


def linear_gaussian_elbo(X, W, b, sigma, mu, *, logvar=None, cov=None):
    """Exact ELBO of a Gaussian q(h | x) = N(mu, S) under the probabilistic PCA model.

    ELBO(x) = −½ [d log(2πσ²) + (‖x − b − W m‖² + tr(WᵀW S)) / σ²]
              − ½ [tr S + ‖m‖² − k − log det S]   ≤ log p(x),

    with equality iff q is the exact posterior (:func:`ppca_posterior`). No sampling.

    Parameters
    ----------
    X, W, b, sigma
        As :func:`ppca_log_likelihood`.
    mu : array of shape (n, n_latent)
        Encoder means m(x), one row per row of X (any encoder, e.g. a VAE's ``encode``).
    logvar : array of shape (n, n_latent), keyword-only
        Diagonal q: S = diag exp(logvar).
    cov : array of shape (n_latent, n_latent) or (n, n_latent, n_latent), keyword-only
        Full-covariance q (symmetric positive definite). Give exactly one of the two.

    Returns
    -------
    array of shape (n,), in nats

    Raises
    ------
    ValueError
        On mismatched shapes, NaN/inf, both or neither of ``logvar``/``cov``, or a ``cov``
        that is not symmetric positive definite.
    TypeError
        If numpy and torch are mixed.
    """
    like_X, X, W, b, sigma = _model(X, W, b, sigma)
    (n, d), k = X.shape, W.shape[1]
    m, S = _q(mu, logvar, cov, n, k, like_X)
    m, S = m.to(X), S.to(X)
    resid = (X - b - m @ W.T).pow(2).sum(1)                           # (n,)
    trace_wsw = (S * (W.T @ W)).sum((-2, -1))                         # () or (n,)
    recon = -0.5 * (d * (LOG_2PI + math.log(sigma ** 2)) + (resid + trace_wsw) / sigma ** 2)
    kl = 0.5 * (torch.diagonal(S, dim1=-2, dim2=-1).sum(-1) + m.pow(2).sum(1) - k
                - torch.logdet(S))
    return like(recon - kl, like_X)


def posterior_kl(X, W, b, sigma, mu, *, logvar=None, cov=None):
    """KL(q(h | x) ‖ p(h | x)) between a Gaussian q = N(mu, S) and the exact pPCA posterior.

    With the posterior N(m_p, S_p), S_p⁻¹ = M / σ²:

    KL = ½ [tr(S_p⁻¹ S) + (m_p − m)ᵀ S_p⁻¹ (m_p − m) − k + log det S_p − log det S],

    which equals ``ppca_log_likelihood − linear_gaussian_elbo``: the gap of the bound.

    Parameters
    ----------
    X, W, b, sigma, mu, logvar, cov
        As :func:`linear_gaussian_elbo`.

    Returns
    -------
    array of shape (n,), >= 0

    Raises
    ------
    ValueError, TypeError
        As :func:`linear_gaussian_elbo`.
    """
    like_X, X, W, b, sigma = _model(X, W, b, sigma)
    n, k = X.shape[0], W.shape[1]
    m, S = _q(mu, logvar, cov, n, k, like_X)
    m, S = m.to(X), S.to(X)
    m_p, _, L = _posterior(X, W, b, sigma)
    prec = (L @ L.T) / sigma ** 2                                     # S_p⁻¹ (k, k)
    diff = m_p - m                                                    # (n, k)
    logdet_sp = k * math.log(sigma ** 2) - 2 * torch.log(torch.diagonal(L)).sum()
    kl = 0.5 * ((prec * S).sum((-2, -1)) + ((diff @ prec) * diff).sum(1) - k
                + logdet_sp - torch.logdet(S))
    return like(kl, like_X)


def best_diagonal_q(X, W, b, sigma):
    """The diagonal Gaussian q(h | x) closest to the exact pPCA posterior in KL(q ‖ p(h | x)).

    Minimising KL(N(m, diag s²) ‖ N(m_p, S_p)) over m and s gives m = m_p and
    s_j² = 1 / (S_p⁻¹)_jj = σ² / M_jj, M = WᵀW + σ² I_k: the posterior mean, and the
    variances of the posterior's conditionals (Bishop 2006, sec. 10.1.2). Its gap,

        KL = ½ [Σ_j log (S_p⁻¹)_jj − log det S_p⁻¹],

    the same for every x, is what *no* diagonal encoder can close; for k = 2 it is
    −½ log(1 − ρ²), ρ the posterior correlation of h₁ and h₂. A VAE's gap above it is the
    encoder's slack (amortisation and unfinished optimisation).

    Parameters
    ----------
    X, W, b, sigma
        As :func:`ppca_log_likelihood`.

    Returns
    -------
    mean : array of shape (n, n_latent)
    logvar : array of shape (n, n_latent)
        The log-variances log s², repeated on every row (pass them to
        :func:`posterior_kl` or :func:`linear_gaussian_elbo` as ``logvar``).

    Raises
    ------
    ValueError, TypeError
        As :func:`ppca_log_likelihood`.
    """
    like_X, X, W, b, sigma = _model(X, W, b, sigma)
    mean, _, L = _posterior(X, W, b, sigma)
    precision_diag = (L @ L.T).diagonal() / sigma ** 2                # (S_p⁻¹)_jj, (k,)
    logvar = (-torch.log(precision_diag)).expand_as(mean)             # (n, k)
    return like(mean, like_X), like(logvar.contiguous(), like_X)


def linear_gaussian_params(model):
    """The pPCA parameters (W, b, σ) of a linear Gaussian :class:`~reprcourse.models.VAE`.

    Parameters
    ----------
    model : VAE
        Built with ``hidden=()`` and ``likelihood="gaussian"``.

    Returns
    -------
    W : numpy array of shape (n_features, n_latent), float64
    b : numpy array of shape (n_features,), float64
    sigma : float

    Raises
    ------
    TypeError
        If ``model`` is not a VAE.
    ValueError
        If it is not linear with a Gaussian likelihood.
    """
    if not isinstance(model, VAE):
        raise TypeError(f"model must be a reprcourse VAE, got {type(model).__name__}")
    if model.hidden or model.likelihood != "gaussian":
        raise ValueError(f"model must be linear-Gaussian (hidden=(), likelihood='gaussian'), "
                         f"got hidden={model.hidden}, likelihood={model.likelihood!r}")
    layer = model.decoder[0]
    W, b = (to_numpy(p, np.float64) for p in (layer.weight, layer.bias))
    return W, b, float(model.log_sigma.detach().exp())


def bound_report(model, X):
    """Exact bound quantities of a linear Gaussian VAE on data ``X``, averaged over rows.

    Parameters
    ----------
    model : VAE
        Linear-Gaussian (see :func:`linear_gaussian_params`); its encoder gives q(h | x).
    X : array of shape (n, n_features)

    Returns
    -------
    dict of float
        ``"elbo"`` (exact, no sampling), ``"log_lik"`` (exact log p(x) of the decoder),
        ``"kl"`` (KL(q ‖ p(h | x)), equal to ``log_lik − elbo``), ``"kl_floor"`` (the gap of
        the best diagonal q, :func:`best_diagonal_q`: the part of ``"kl"`` no diagonal
        encoder can close) and ``"correlation"`` (the
        largest |correlation| between two latent coordinates under the exact posterior —
        what a diagonal q cannot represent; 0 when ``n_latent == 1``).

    Raises
    ------
    TypeError, ValueError
        As :func:`linear_gaussian_params` and :func:`ppca_log_likelihood`.
    """
    W, b, sigma = linear_gaussian_params(model)
    X = to_numpy(check_array(X, "X"), np.float64)
    mu, logvar = model.encode(X)
    _, cov = ppca_posterior(X, W, b, sigma)
    best_mean, best_logvar = best_diagonal_q(X, W, b, sigma)
    scale = np.sqrt(np.diag(cov))
    corr = np.abs(cov / np.outer(scale, scale) - np.eye(len(cov)))
    return {"elbo": float(linear_gaussian_elbo(X, W, b, sigma, mu, logvar=logvar).mean()),
            "log_lik": float(ppca_log_likelihood(X, W, b, sigma).mean()),
            "kl": float(posterior_kl(X, W, b, sigma, mu, logvar=logvar).mean()),
            "kl_floor": float(posterior_kl(X, W, b, sigma, best_mean,
                                           logvar=best_logvar).mean()),
            "correlation": float(corr.max())}
