"""Tests of reprcourse.models.vae and .linear_gaussian: the KL, the ELBO and the IWAE bound
against closed forms, torch.distributions, scipy and scikit-learn; the bound checked exactly
on probabilistic PCA; reparameterisation gradients; training; the array contract; bad input."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import multivariate_normal
from sklearn.decomposition import PCA
from torch import distributions as td

from reprcourse.models import (VAE, best_diagonal_q, bound_report, elbo, gaussian_kl,
                               iwae_bound, linear_gaussian_elbo, linear_gaussian_params,
                               posterior_kl, ppca_fit, ppca_log_likelihood, ppca_posterior,
                               pretrained, train)

CUDA = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def ppca_problem(seed, d=5, k=2, n=40, orthogonal=False):
    """A pPCA model (W, b, σ) and data X drawn from it."""
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((d, k))
    if orthogonal:
        W = np.linalg.qr(W)[0] * rng.uniform(0.5, 2.0, k)
    b = rng.standard_normal(d)
    sigma = rng.uniform(0.3, 1.0)
    X = rng.standard_normal((n, k)) @ W.T + b + sigma * rng.standard_normal((n, d))
    return X, W, b, sigma


def linear_vae(W, b, sigma, *, A=None, c=None, logvar=None):
    """A float64 linear-Gaussian VAE with decoder (W, b, σ) and encoder mean A x + c,
    constant log-variance ``logvar``."""
    d, k = W.shape
    model = VAE(d, k, hidden=(), likelihood="gaussian", seed=0).double()
    enc, dec = model.encoder[0], model.decoder[0]
    with torch.no_grad():
        dec.weight.copy_(torch.as_tensor(W))
        dec.bias.copy_(torch.as_tensor(b))
        model.log_sigma.fill_(np.log(sigma))
        enc.weight.zero_()
        enc.bias.zero_()
        if A is not None:
            enc.weight[:k] = torch.as_tensor(A)
            enc.bias[:k] = torch.as_tensor(c)
        if logvar is not None:
            enc.bias[k:] = torch.as_tensor(logvar)
    return model


def exact_posterior_vae(W, b, sigma):
    """A linear VAE whose encoder is the exact posterior (W must have orthogonal columns)."""
    k = W.shape[1]
    M = W.T @ W + sigma ** 2 * np.eye(k)
    A = np.linalg.solve(M, W.T)                                        # mean = A (x − b)
    cov = sigma ** 2 * np.linalg.inv(M)
    assert np.allclose(cov, np.diag(np.diag(cov)))
    return linear_vae(W, b, sigma, A=A, c=-A @ b, logvar=np.log(np.diag(cov)))


# ------------------------------------------------------------------ gaussian_kl
@settings(max_examples=25, deadline=None)
@given(st.integers(1, 6), st.integers(1, 5), st.integers(0, 10_000))
def test_gaussian_kl_matches_torch_distributions(batch, k, seed):
    rng = np.random.default_rng(seed)
    mu, logvar = rng.normal(0, 2, (batch, k)), rng.normal(0, 1.5, (batch, k))
    ref = td.kl_divergence(td.Normal(torch.tensor(mu), torch.tensor(logvar).mul(0.5).exp()),
                           td.Normal(0.0, 1.0)).sum(-1).numpy()
    got = gaussian_kl(mu, logvar)
    assert isinstance(got, np.ndarray) and got.shape == (batch,) and got.dtype == np.float64
    np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-12)
    t = gaussian_kl(torch.tensor(mu, dtype=torch.float32), torch.tensor(logvar,
                                                                       dtype=torch.float32))
    assert isinstance(t, torch.Tensor) and t.dtype == torch.float32
    np.testing.assert_allclose(t.numpy(), ref, rtol=1e-4, atol=1e-5)
    f32 = gaussian_kl(mu.astype(np.float32), logvar.astype(np.float32))
    assert isinstance(f32, np.ndarray) and f32.dtype == np.float32


def test_gaussian_kl_is_zero_only_at_the_prior():
    assert np.all(gaussian_kl(np.zeros((3, 4)), np.zeros((3, 4))) == 0)
    assert np.all(gaussian_kl(np.full((3, 4), 0.1), np.zeros((3, 4))) > 0)
    assert np.all(gaussian_kl(np.zeros((3, 4)), np.full((3, 4), -0.1)) > 0)


@pytest.mark.parametrize("mu, logvar, match", [
    (np.zeros((3, 2)), np.zeros((3, 3)), "mu has shape \\(3, 2\\) but logvar has shape"),
    (np.zeros((3, 2)), np.zeros((2, 2)), "must match"),
    (np.array([[np.nan, 0.0]]), np.zeros((1, 2)), "mu contains NaN or inf"),
    (np.zeros((1, 2)), np.array([[np.inf, 0.0]]), "logvar contains NaN or inf"),
    (np.zeros(3), np.zeros(3), "mu must be 2-D"),
    (np.zeros((0, 2)), np.zeros((0, 2)), "mu is empty"),
])
def test_gaussian_kl_rejects_bad_input(mu, logvar, match):
    with pytest.raises(ValueError, match=match):
        gaussian_kl(mu, logvar)


def test_gaussian_kl_rejects_mixed_backends():
    with pytest.raises(TypeError, match="all numpy arrays or all torch tensors"):
        gaussian_kl(np.zeros((2, 2)), torch.zeros(2, 2))


# ------------------------------------------------------------------ the VAE
@pytest.mark.parametrize("likelihood", ["bernoulli", "gaussian"])
@pytest.mark.parametrize("hidden", [(), 16, (16, 8)])
def test_vae_shapes_and_kinds(likelihood, hidden):
    n, d, k = 7, 12, 3
    model = VAE(d, k, hidden=hidden, likelihood=likelihood, seed=0)
    x = torch.rand(n, d, generator=torch.Generator().manual_seed(0))
    mu, logvar = model.encode(x)
    assert mu.shape == logvar.shape == (n, k)
    h = model.reparameterize(mu, logvar, seed=torch.Generator().manual_seed(0))
    assert h.shape == (n, k) and model.decode(h).shape == (n, d) and model(x).shape == (n, d)
    assert model.log_likelihood(x, h.expand(4, n, k)).shape == (4, n)
    assert model.sample(5, seed=0).shape == (5, d)
    for f in (elbo, iwae_bound):
        out = f(model, x, 3, seed=0)
        assert isinstance(out, torch.Tensor) and out.shape == (n,)
        for dtype in (np.float64, np.float32):          # numpy in: numpy of the same dtype
            out = f(model, x.numpy().astype(dtype), 3, seed=0)
            assert isinstance(out, np.ndarray) and out.shape == (n,) and out.dtype == dtype
        out = f(model, x.double(), 3, seed=0)           # torch in: torch of the same dtype
        assert out.dtype == torch.float64
    for dtype in (np.float64, np.float32):
        mu_np, _ = model.encode(x.numpy().astype(dtype))
        assert isinstance(mu_np, np.ndarray) and mu_np.dtype == dtype
        np.testing.assert_allclose(mu_np, mu.detach().numpy(), rtol=1e-6)
        decoded = model.decode(mu_np)
        assert isinstance(decoded, np.ndarray) and decoded.dtype == dtype
        assert model(x.numpy().astype(dtype)).dtype == dtype
    assert model.encode(x.double())[0].dtype == torch.float64
    assert model.encode(x)[0].requires_grad and model(x).requires_grad
    if likelihood == "bernoulli":
        assert 0 <= model.decode(h).min() and model.decode(h).max() <= 1


def test_vae_init_is_seeded_and_leaves_global_rng_alone():
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    a, b = VAE(5, 2, hidden=4, seed=3), VAE(5, 2, hidden=4, seed=3)
    assert torch.rand(1) == before
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    c = VAE(5, 2, hidden=4, seed=4)
    assert not torch.equal(a.encoder[0].weight, c.encoder[0].weight)
    g = VAE(5, 2, hidden=4, seed=torch.Generator().manual_seed(3))   # a generator = its seed
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), g.parameters()))


def test_bernoulli_log_likelihood_is_minus_binary_cross_entropy():
    """log p(x | h) = Σ log Bernoulli(x_j; sigmoid(logit_j)) = −BCE(x, decode(h))."""
    model = VAE(10, 2, hidden=8, seed=0)
    h = torch.randn(6, 2)
    x = (torch.rand(6, 10) > 0.5).float()
    logits = model.decoder(h)
    ref = td.Bernoulli(logits=logits).log_prob(x).sum(-1)
    torch.testing.assert_close(model.log_likelihood(x, h), ref)
    bce = torch.nn.functional.binary_cross_entropy(model.decode(h), x, reduction="none").sum(-1)
    torch.testing.assert_close(model.log_likelihood(x, h), -bce, rtol=1e-5, atol=1e-4)


def test_gaussian_log_likelihood_keeps_its_constants():
    model = VAE(10, 2, hidden=8, likelihood="gaussian", seed=0)
    with torch.no_grad():
        model.log_sigma.fill_(-0.7)
    h, x = torch.randn(6, 2), torch.randn(6, 10)
    ref = td.Normal(model.decoder(h), np.exp(-0.7)).log_prob(x).sum(-1)
    torch.testing.assert_close(model.log_likelihood(x, h), ref)


def test_reparameterization_is_seeded_and_has_the_stated_gradients():
    """∂h/∂μ = 1 and ∂h/∂logvar = ½ σ ε, with ε = (h − μ)/σ the noise drawn from the seed."""
    model = VAE(4, 3, hidden=(), seed=0)
    gen = torch.Generator().manual_seed(1)
    mu = torch.randn(5, 3, dtype=torch.float64, generator=gen).requires_grad_()
    logvar = torch.randn(5, 3, dtype=torch.float64, generator=gen).requires_grad_()
    h = model.reparameterize(mu, logvar, seed=7)
    torch.testing.assert_close(h, model.reparameterize(mu, logvar, seed=7))
    h.sum().backward()
    sigma = (0.5 * logvar).exp().detach()
    eps = (h.detach() - mu.detach()) / sigma
    torch.testing.assert_close(mu.grad, torch.ones_like(mu))
    torch.testing.assert_close(logvar.grad, 0.5 * sigma * eps)


def test_reparameterization_gives_unbiased_gradients():
    """d/dμ E[h²] = 2μ and d/dlogvar E[h²] = σ² for h ~ N(μ, σ²), by Monte Carlo."""
    model = VAE(4, 1, hidden=(), seed=0)
    mu = torch.tensor([[0.7]], dtype=torch.float64, requires_grad=True)
    logvar = torch.tensor([[-0.4]], dtype=torch.float64, requires_grad=True)
    h = model.reparameterize(mu.expand(200_000, 1), logvar.expand(200_000, 1), seed=0)
    assert abs(h.mean().item() - 0.7) < 0.01 and abs(h.var().item() - np.exp(-0.4)) < 0.01
    h.pow(2).mean().backward()
    assert abs(mu.grad.item() - 1.4) < 0.01
    assert abs(logvar.grad.item() - np.exp(-0.4)) < 0.01


def test_elbo_is_seeded_and_averages_samples():
    model = VAE(6, 2, hidden=5, seed=0)
    x = np.random.default_rng(0).uniform(size=(4, 6))
    np.testing.assert_array_equal(elbo(model, x, 5, seed=1), elbo(model, x, 5, seed=1))
    assert not np.array_equal(elbo(model, x, 5, seed=1), elbo(model, x, 5, seed=2))
    gen = torch.Generator().manual_seed(0)
    assert not np.array_equal(elbo(model, x, seed=gen), elbo(model, x, seed=gen))


def test_training_loss_is_mean_negative_elbo():
    model = VAE(6, 2, hidden=5, seed=0)
    x = torch.rand(8, 6, generator=torch.Generator().manual_seed(0))
    loss = model.training_loss(x, seed=torch.Generator().manual_seed(3))
    ref = -elbo(model, x, 1, seed=torch.Generator().manual_seed(3)).mean()
    torch.testing.assert_close(loss, ref)


def test_train_is_deterministic_and_improves_the_elbo():
    rng = np.random.default_rng(0)
    X = (rng.uniform(size=(200, 2)) @ rng.uniform(size=(2, 20)) > 0.5).astype(float)
    histories = []
    for _ in range(2):
        model = VAE(20, 2, hidden=16, seed=0)
        histories.append(train(model, X, epochs=4, batch_size=50, lr=1e-2, seed=0,
                               progress=False))
    assert histories[0] == histories[1]
    assert histories[0][-1] < histories[0][0]
    start = elbo(VAE(20, 2, hidden=16, seed=0), X, 8, seed=0).mean()
    assert elbo(model, X, 8, seed=0).mean() > start


def test_train_accepts_a_float64_model():
    model = VAE(5, 2, hidden=(), likelihood="gaussian", seed=0).double()
    X = np.random.default_rng(0).normal(size=(30, 5))
    history = train(model, X, epochs=20, batch_size=10, lr=1e-2, seed=0, progress=False)
    assert len(history) == 20 and np.all(np.isfinite(history)) and history[-1] < history[0]
    assert all(p.dtype == torch.float64 for p in model.parameters())
    W, b, sigma = linear_gaussian_params(model)                   # float64 through and through
    mu, logvar = model.encode(X)
    np.testing.assert_allclose(elbo(model, X, 2000, seed=0).mean(),
                               linear_gaussian_elbo(X, W, b, sigma, mu, logvar=logvar).mean(),
                               rtol=2e-2)


@pytest.mark.parametrize("kwargs, err, match", [
    (dict(n_features=0, n_latent=2), ValueError, "n_features must be >= 1"),
    (dict(n_features=4, n_latent=2.5), TypeError, "n_latent must be an integer"),
    (dict(n_features=4, n_latent=2, hidden=(8, 0)), ValueError, "hidden width must be >= 1"),
    (dict(n_features=4, n_latent=2, likelihood="poisson"), ValueError, "likelihood must be"),
    (dict(n_features=4, n_latent=2, seed=-1), ValueError, "seed must be >= 0"),
])
def test_vae_rejects_bad_settings(kwargs, err, match):
    with pytest.raises(err, match=match):
        VAE(**kwargs)


@pytest.mark.parametrize("f", [elbo, iwae_bound])
def test_bounds_reject_bad_input(f):
    model = VAE(6, 2, hidden=4, seed=0)
    good = np.full((3, 6), 0.5)
    with pytest.raises(ValueError, match="x has 5 columns but VAE expects 6"):
        f(model, torch.full((3, 5), 0.5))
    with pytest.raises(ValueError, match="x contains NaN or inf"):
        f(model, torch.full((3, 6), np.nan))
    with pytest.raises(ValueError, match="x has 5 columns but VAE expects 6"):
        f(model, good[:, :5])
    with pytest.raises(ValueError, match="x contains NaN or inf"):
        f(model, np.where(np.eye(3, 6) > 0, np.nan, 0.5))
    with pytest.raises(ValueError, match="must lie in \\[0, 1\\] for a Bernoulli"):
        f(model, good + 1)
    with pytest.raises(ValueError, match="n_samples must be >= 1"):
        f(model, good, 0)
    with pytest.raises(ValueError, match="x must be 2-D"):
        f(model, good[0])
    with pytest.raises(TypeError, match="model must be a reprcourse VAE"):
        f(torch.nn.Linear(6, 6), good)
    with pytest.raises(TypeError, match="seed must be None, an int or a torch.Generator"):
        f(model, good, seed=1.5)
    with pytest.raises(ValueError, match="h has 3 columns but VAE expects 2"):
        model.decode(np.zeros((1, 3)))
    with pytest.raises(ValueError, match="h has 3 columns but VAE expects 2"):
        model.decode(torch.zeros(1, 3))
    with pytest.raises(ValueError, match="x has 5 columns but VAE expects 6"):
        model.encode(torch.zeros(1, 5))


# ------------------------------------------------------------------ linear-Gaussian exact
@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 7), st.integers(1, 3))
def test_ppca_log_likelihood_matches_scipy(seed, d, k):
    X, W, b, sigma = ppca_problem(seed, d=d, k=min(k, d - 1), n=6)
    ref = multivariate_normal(b, W @ W.T + sigma ** 2 * np.eye(d)).logpdf(X)
    np.testing.assert_allclose(ppca_log_likelihood(X, W, b, sigma), ref, rtol=1e-10)
    t = ppca_log_likelihood(*(torch.tensor(a) for a in (X, W, b)), sigma)
    assert isinstance(t, torch.Tensor)
    np.testing.assert_allclose(t.numpy(), ref, rtol=1e-10)


def test_ppca_posterior_is_gaussian_conditioning():
    """p(h | x) from the joint Gaussian of (h, x): mean Wᵀ C⁻¹ (x − b), cov I − Wᵀ C⁻¹ W."""
    X, W, b, sigma = ppca_problem(1, d=6, k=3)
    C = W @ W.T + sigma ** 2 * np.eye(6)
    mean, cov = ppca_posterior(X, W, b, sigma)
    np.testing.assert_allclose(mean, (X - b) @ np.linalg.solve(C, W), rtol=1e-9)
    np.testing.assert_allclose(cov, np.eye(3) - W.T @ np.linalg.solve(C, W), atol=1e-12)


def test_ppca_fit_matches_scikit_learn_pca_likelihood():
    """sklearn's PCA.score is the mean pPCA log-likelihood at the ML solution."""
    X, _, _, _ = ppca_problem(2, d=8, k=3, n=300)
    W, b, sigma = ppca_fit(X, 3)
    pca = PCA(n_components=3).fit(X)
    np.testing.assert_allclose(sigma ** 2, pca.noise_variance_ * 299 / 300, rtol=1e-9)
    assert np.allclose(W.T @ W, np.diag(np.diag(W.T @ W)))          # orthogonal columns
    ll = ppca_log_likelihood(X, W, b, sigma).mean()
    # sklearn divides covariances by n − 1; at its own (n−1)-scaled parameters the scores agree
    np.testing.assert_allclose(ppca_log_likelihood(X, pca.components_.T * np.sqrt(
        pca.explained_variance_ - pca.noise_variance_), pca.mean_,
        np.sqrt(pca.noise_variance_)).mean(), pca.score(X), rtol=1e-10)
    rng = np.random.default_rng(0)                                   # ML beats perturbations
    for _ in range(5):
        assert ll >= ppca_log_likelihood(X, W + 0.05 * rng.standard_normal(W.shape), b,
                                         sigma * rng.uniform(0.9, 1.1)).mean()


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_elbo_below_log_likelihood_with_gap_equal_to_posterior_kl(seed):
    """For ANY Gaussian q: ELBO ≤ log p(x), and log p(x) − ELBO = KL(q ‖ p(h | x))."""
    X, W, b, sigma = ppca_problem(seed, d=5, k=2, n=8)
    rng = np.random.default_rng(seed)
    mu = rng.normal(size=(8, 2))
    L = rng.normal(size=(8, 2, 2)) + 2 * np.eye(2)
    for q in (dict(logvar=rng.normal(size=(8, 2))), dict(cov=L @ L.transpose(0, 2, 1)),
              dict(cov=L[0] @ L[0].T)):
        bound = linear_gaussian_elbo(X, W, b, sigma, mu, **q)
        log_p = ppca_log_likelihood(X, W, b, sigma)
        assert np.all(bound <= log_p)
        np.testing.assert_allclose(log_p - bound, posterior_kl(X, W, b, sigma, mu, **q),
                                   rtol=1e-8, atol=1e-10)


def test_posterior_kl_matches_torch_distributions():
    X, W, b, sigma = ppca_problem(3, d=5, k=2, n=4)
    rng = np.random.default_rng(0)
    mu, L = rng.normal(size=(4, 2)), rng.normal(size=(2, 2)) + 2 * np.eye(2)
    cov = L @ L.T
    mean_p, cov_p = ppca_posterior(X, W, b, sigma)
    ref = td.kl_divergence(td.MultivariateNormal(torch.tensor(mu), torch.tensor(cov)),
                           td.MultivariateNormal(torch.tensor(mean_p), torch.tensor(cov_p)))
    np.testing.assert_allclose(posterior_kl(X, W, b, sigma, mu, cov=cov), ref.numpy(),
                               rtol=1e-9)


def test_full_covariance_posterior_closes_the_gap_for_any_W():
    X, W, b, sigma = ppca_problem(4, d=6, k=3)
    mean, cov = ppca_posterior(X, W, b, sigma)
    np.testing.assert_allclose(linear_gaussian_elbo(X, W, b, sigma, mean, cov=cov),
                               ppca_log_likelihood(X, W, b, sigma), rtol=1e-12)


def test_diagonal_q_is_tight_only_for_orthogonal_columns():
    """The best diagonal q (posterior mean, variances 1/diag(precision)) is exact iff the
    posterior covariance is diagonal."""
    for orthogonal in (True, False):
        X, W, b, sigma = ppca_problem(5, d=6, k=2, orthogonal=orthogonal)
        mean, cov = ppca_posterior(X, W, b, sigma)
        best_logvar = np.broadcast_to(-np.log(np.diag(np.linalg.inv(cov))), mean.shape)
        gap = posterior_kl(X, W, b, sigma, mean, logvar=best_logvar)
        corr = cov[0, 1] / np.sqrt(cov[0, 0] * cov[1, 1])
        if orthogonal:
            np.testing.assert_allclose(gap, 0, atol=1e-12)
        else:                                                  # −½ log(1 − ρ²) per example
            np.testing.assert_allclose(gap, -0.5 * np.log(1 - corr ** 2), rtol=1e-9)
            assert np.all(gap > 1e-3)


def test_monte_carlo_elbo_matches_the_closed_form():
    X, W, b, sigma = ppca_problem(6, d=5, k=2, n=30)
    mean_p, _ = ppca_posterior(X, W, b, sigma)                 # an encoder near the posterior
    A = np.linalg.lstsq(X - X.mean(0), mean_p - mean_p.mean(0), rcond=None)[0].T
    model = linear_vae(W, b, sigma, A=0.8 * A, c=np.zeros(2), logvar=np.array([-1.0, -0.5]))
    mu, logvar = model.encode(X)
    exact = linear_gaussian_elbo(X, W, b, sigma, mu, logvar=logvar)
    draws = np.stack([elbo(model, X, 1, seed=s) for s in range(400)])   # (400, n)
    stderr = draws.std(0) / np.sqrt(400)
    assert np.all(np.abs(draws.mean(0) - exact) < 5 * stderr + 1e-9)
    estimate = elbo(model, X, 400, seed=1000)
    assert np.all(np.abs(estimate - exact) < 5 * stderr + 1e-9)
    np.testing.assert_allclose(linear_gaussian_params(model)[0], W)


def test_elbo_below_iwae_below_exact_log_likelihood():
    """ELBO ≤ E[IWAE_K] ≤ log p(x) on the linear-Gaussian model, with an imperfect encoder."""
    X, W, b, sigma = ppca_problem(7, d=5, k=2, n=200)
    mean_p, cov_p = ppca_posterior(X, W, b, sigma)
    A = np.linalg.lstsq(X - X.mean(0), mean_p - mean_p.mean(0), rcond=None)[0].T
    model = linear_vae(W, b, sigma, A=0.6 * A, c=np.zeros(2),
                       logvar=np.log(np.diag(cov_p)) + 0.5)
    mu, logvar = model.encode(X)
    bound = linear_gaussian_elbo(X, W, b, sigma, mu, logvar=logvar).mean()
    log_p = ppca_log_likelihood(X, W, b, sigma).mean()
    one_sample = iwae_bound(model, X, 1, seed=0)             # K = 1 estimates the ELBO
    assert abs(one_sample.mean() - bound) < 4 * one_sample.std() / np.sqrt(len(X))
    iwae = [iwae_bound(model, X, K, seed=0).mean() for K in (1, 10, 100, 1000)]
    assert log_p - bound > 0.5                                # a real gap to close
    assert bound < iwae[1] < iwae[2] < iwae[3] < log_p
    assert log_p - iwae[3] < 0.2 * (log_p - bound)


def test_exact_posterior_makes_every_bound_exact():
    """With q = p(h | x) (representable: W with orthogonal columns) each importance weight is
    p(x), so IWAE is exact for every K, and the ELBO's closed form equals log p(x)."""
    X, W, b, sigma = ppca_problem(8, d=6, k=2, orthogonal=True)
    model = exact_posterior_vae(W, b, sigma)
    log_p = ppca_log_likelihood(X, W, b, sigma)
    for K in (1, 7):
        np.testing.assert_allclose(iwae_bound(model, X, K, seed=K), log_p, rtol=1e-10)
    mu, logvar = model.encode(X)
    np.testing.assert_allclose(linear_gaussian_elbo(X, W, b, sigma, mu, logvar=logvar), log_p,
                               rtol=1e-10)
    np.testing.assert_allclose(posterior_kl(X, W, b, sigma, mu, logvar=logvar), 0, atol=1e-10)


def test_bound_report_is_consistent():
    X, W, b, sigma = ppca_problem(11, d=5, k=2, n=30)
    model = linear_vae(W, b, sigma, A=np.zeros((2, 5)), c=np.zeros(2), logvar=np.zeros(2))
    report = bound_report(model, X)
    assert set(report) == {"elbo", "log_lik", "kl", "kl_floor", "correlation"}
    assert 0 <= report["kl_floor"] <= report["kl"]
    np.testing.assert_allclose(report["log_lik"] - report["elbo"], report["kl"], rtol=1e-9)
    np.testing.assert_allclose(report["log_lik"], ppca_log_likelihood(X, W, b, sigma).mean())
    _, cov = ppca_posterior(X, W, b, sigma)
    np.testing.assert_allclose(report["correlation"],
                               abs(cov[0, 1]) / np.sqrt(cov[0, 0] * cov[1, 1]), rtol=1e-9)
    assert bound_report(model, torch.tensor(X))["elbo"] == pytest.approx(report["elbo"])


def test_linear_gaussian_torch_in_torch_out():
    X, W, b, sigma = ppca_problem(9, d=5, k=2, n=4)
    Xt, Wt, bt = (torch.tensor(a) for a in (X, W, b))
    mean, cov = ppca_posterior(Xt, Wt, bt, sigma)
    assert isinstance(mean, torch.Tensor) and isinstance(cov, torch.Tensor)
    out = linear_gaussian_elbo(Xt, Wt, bt, sigma, mean, cov=cov)
    np.testing.assert_allclose(out.numpy(), ppca_log_likelihood(X, W, b, sigma), rtol=1e-10)
    Wf, bf, sf = ppca_fit(Xt, 2)
    assert isinstance(Wf, torch.Tensor) and isinstance(sf, float)
    X32, W32, b32 = (a.astype(np.float32) for a in (X, W, b))     # float32 in, float32 out
    assert ppca_log_likelihood(X32, W32, b32, sigma).dtype == np.float32
    mean32, cov32 = ppca_posterior(X32, W32, b32, sigma)
    assert mean32.dtype == cov32.dtype == np.float32
    np.testing.assert_allclose(mean32, ppca_posterior(X, W, b, sigma)[0], rtol=1e-4, atol=1e-5)
    assert ppca_fit(X32, 2)[0].dtype == np.float32


def test_linear_gaussian_rejects_bad_input():
    X, W, b, sigma = ppca_problem(10, d=5, k=2, n=4)
    mu = np.zeros((4, 2))
    with pytest.raises(ValueError, match="W has 4 rows but X has 5 features"):
        ppca_log_likelihood(X, W[:4], b, sigma)
    with pytest.raises(ValueError, match="b has 4 entries but X has 5 features"):
        ppca_posterior(X, W, b[:4], sigma)
    with pytest.raises(ValueError, match="sigma must be > 0"):
        ppca_log_likelihood(X, W, b, 0.0)
    with pytest.raises(ValueError, match="X contains NaN or inf"):
        ppca_log_likelihood(np.where(X > 0, np.inf, X), W, b, sigma)
    with pytest.raises(TypeError, match="all numpy arrays or all torch tensors"):
        ppca_log_likelihood(torch.tensor(X), W, b, sigma)
    with pytest.raises(ValueError, match="exactly one of logvar"):
        linear_gaussian_elbo(X, W, b, sigma, mu)
    with pytest.raises(ValueError, match="exactly one of logvar"):
        posterior_kl(X, W, b, sigma, mu, logvar=mu, cov=np.eye(2))
    with pytest.raises(ValueError, match="mu has shape \\(4, 3\\)"):
        linear_gaussian_elbo(X, W, b, sigma, np.zeros((4, 3)), logvar=np.zeros((4, 3)))
    with pytest.raises(ValueError, match="logvar has shape \\(4, 3\\)"):
        linear_gaussian_elbo(X, W, b, sigma, mu, logvar=np.zeros((4, 3)))
    with pytest.raises(ValueError, match="cov must be positive definite"):
        linear_gaussian_elbo(X, W, b, sigma, mu, cov=np.diag([1.0, -1.0]))
    with pytest.raises(ValueError, match="cov must be symmetric"):
        linear_gaussian_elbo(X, W, b, sigma, mu, cov=np.array([[1.0, 0.5], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="n_latent must be <= 4"):
        ppca_fit(X, 5)
    with pytest.raises(ValueError, match="no variance outside its top 1"):
        ppca_fit(np.outer(np.arange(6.0), np.ones(3)), 1)
    with pytest.raises(ValueError, match="must be linear-Gaussian"):
        linear_gaussian_params(VAE(5, 2, hidden=3, likelihood="gaussian"))
    with pytest.raises(TypeError, match="model must be a reprcourse VAE"):
        linear_gaussian_params(torch.nn.Linear(2, 2))


# ------------------------------------------------------------------ device
@CUDA
def test_vae_trains_and_evaluates_on_cuda():
    X = (np.random.default_rng(0).uniform(size=(64, 10)) > 0.5).astype(float)
    model = VAE(10, 2, hidden=8, device="cuda")
    history = train(model, X, epochs=2, batch_size=16, progress=False, device="cuda")
    assert len(history) == 2
    out = elbo(model, torch.tensor(X, device="cuda", dtype=torch.float32), 4, seed=0)
    assert out.device.type == "cuda" and out.shape == (64,)
    assert isinstance(iwae_bound(model, X, 4, seed=0), np.ndarray)
    assert model.sample(3, seed=0).device.type == "cuda"
    with pytest.raises(ValueError, match="generator on cpu but must draw on cuda"):
        elbo(model, X, seed=torch.Generator())


def test_best_diagonal_q_leaves_minus_half_log_one_minus_rho_squared():
    X, W, b, sigma = ppca_problem(21, d=5, k=2, n=12)
    mean, logvar = best_diagonal_q(X, W, b, sigma)
    post_mean, cov = ppca_posterior(X, W, b, sigma)
    np.testing.assert_allclose(mean, post_mean, rtol=1e-12)
    rho = cov[0, 1] / np.sqrt(cov[0, 0] * cov[1, 1])
    floor = posterior_kl(X, W, b, sigma, mean, logvar=logvar)
    np.testing.assert_allclose(floor, -0.5 * np.log(1 - rho ** 2), rtol=1e-9)
    # no other diagonal q does better (random means and variances around the optimum)
    rng = np.random.default_rng(0)
    for _ in range(50):
        other = posterior_kl(X, W, b, sigma, mean + 0.1 * rng.standard_normal(mean.shape),
                             logvar=logvar + 0.3 * rng.standard_normal(logvar.shape))
        assert (other >= floor - 1e-12).all()


def test_best_diagonal_q_is_exact_for_orthogonal_columns_and_keeps_the_backend():
    X, W, b, sigma = ppca_problem(22, d=6, k=3, n=5, orthogonal=True)
    mean, logvar = best_diagonal_q(X, W, b, sigma)
    np.testing.assert_allclose(posterior_kl(X, W, b, sigma, mean, logvar=logvar), 0,
                               atol=1e-10)
    mt, lt = best_diagonal_q(*(torch.tensor(a) for a in (X, W, b)), sigma)
    assert isinstance(mt, torch.Tensor) and lt.shape == (5, 3)
    with pytest.raises(ValueError, match="sigma"):
        best_diagonal_q(X, W, b, 0.0)


@pytest.mark.parametrize("k", [2, 16])
def test_shipped_mnist_vaes_load_and_evaluate_in_float64(k):
    model, meta = pretrained(f"vae_mnist_k{k}", with_meta=True)
    assert (model.n_latent, model.n_features, model.hidden) == (k, 784, (256,))
    assert meta["epochs"] == 30 and len(meta["history"]) == 30
    model = model.double()
    x = (np.random.default_rng(0).random((4, 784)) > 0.5).astype(np.float64)
    value = elbo(model, x, seed=0)
    assert value.dtype == np.float64 and np.isfinite(value).all()
    mu, logvar = model.encode(x)
    assert mu.shape == logvar.shape == (4, k) and mu.dtype == np.float64


def test_vae_methods_share_the_autoencoders_adapter():
    from reprcourse.models import AutoencoderBase
    assert VAE._on_data is AutoencoderBase._on_data
    model = VAE(6, 2, hidden=(4,), likelihood="gaussian", seed=0)
    x32 = np.random.default_rng(1).standard_normal((3, 6)).astype(np.float32)
    for out in (*model.encode(x32), model.decode(x32[:, :2]), model(x32),
                elbo(model, x32, seed=0), iwae_bound(model, x32, 4, seed=0)):
        assert isinstance(out, np.ndarray) and out.dtype == np.float32
    xt = torch.tensor(x32, dtype=torch.float64, requires_grad=True)
    iwae_bound(model, xt, 4, seed=0).sum().backward()
    assert xt.grad is not None and xt.grad.dtype == torch.float64
