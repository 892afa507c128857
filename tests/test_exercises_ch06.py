"""Chapter 6: every exercise check passes the chapter's own solution and rejects the plausible
wrong answers students write (variance for standard deviation, a missing constant, sum for
mean, the ELBO for the IWAE bound, fresh noise, a forgotten spread or entropy term ...)."""

import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from torch.nn import functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
import notebook_solutions  # noqa: E402

from reprcourse.exercises import ch06  # noqa: E402
from reprcourse.models import (ppca_log_likelihood, ppca_posterior,  # noqa: E402
                               linear_gaussian_elbo)

pytestmark = pytest.mark.usefixtures("one_torch_thread")

sol = notebook_solutions.chapter_solutions(
    Path(__file__).resolve().parents[1] / "book" / "06_vae.ipynb")
NAMES = ["kl_closed_form", "reparameterize", "elbo_loss", "log_density", "iwae_estimate",
         "kl_monte_carlo", "elbo_terms", "elbo_ppca"]


def _kl(mu, lv):
    return 0.5 * (lv.exp() + mu ** 2 - 1 - lv).sum(-1)


def _elbo_ppca(X, W, b, sigma, m, S, *, spread=True, entropy=True):
    d, k = W.shape
    resid = ((X - b - m @ W.T) ** 2).sum(1)
    extra = np.trace(W.T @ W @ S) if spread else 0.0
    recon = -0.5 * (d * np.log(2 * np.pi * sigma ** 2) + (resid + extra) / sigma ** 2)
    logdet = np.linalg.slogdet(S)[1] if entropy else 0.0
    return recon - 0.5 * (np.trace(S) + (m ** 2).sum(1) - k - logdet)


def _terms_fresh_noise(model, x, seed=0):
    rec, kl = sol["solution_elbo_terms"](model, x, seed + 1)       # another ε than elbo's
    return rec, kl


def _terms_no_noise(model, x, seed=0):
    x = torch.as_tensor(x, dtype=next(model.parameters()).dtype)
    with torch.no_grad():
        mu, lv = model.encode(x)
        return (model.log_likelihood(x, mu).double().numpy(),         # h = μ, no sample
                _kl(mu, lv).double().numpy())


WRONG = {
    "kl_closed_form": {
        "no ½": lambda mu, lv: (lv.exp() + mu ** 2 - 1 - lv).sum(-1),
        "logvar read as σ": lambda mu, lv: 0.5 * (lv ** 2 + mu ** 2 - 1 - 2 * lv.abs().log()
                                                  ).sum(-1),
        "summed over the batch": lambda mu, lv: _kl(mu, lv).sum(),
    },
    "reparameterize": {
        "σ² for σ": lambda mu, lv, eps: mu + lv.exp() * eps,
        "detached sample": lambda mu, lv, eps: (mu + (0.5 * lv).exp() * eps).detach(),
        "logvar as σ": lambda mu, lv, eps: mu + lv * eps,
    },
    "elbo_loss": {
        "sum over the batch": lambda x, mu, lv, eps, dec: sum(
            F.binary_cross_entropy_with_logits(dec(mu + (0.5 * lv).exp() * eps), x,
                                               reduction="none").sum(-1) + _kl(mu, lv)),
        "no KL": lambda x, mu, lv, eps, dec: F.binary_cross_entropy_with_logits(
            dec(mu + (0.5 * lv).exp() * eps), x, reduction="none").sum(-1).mean(),
        "mean over pixels": lambda x, mu, lv, eps, dec: (F.binary_cross_entropy_with_logits(
            dec(mu + (0.5 * lv).exp() * eps), x) + _kl(mu, lv)).mean(),
        "decoded at μ (no sample)": lambda x, mu, lv, eps, dec: (
            F.binary_cross_entropy_with_logits(dec(mu), x, reduction="none").sum(-1)
            + _kl(mu, lv)).mean(),
    },
    "log_density": {
        "no log 2π": lambda h, mu, lv: -0.5 * ((h - mu) ** 2 / lv.exp() + lv).sum(-1),
        "σ for σ²": lambda h, mu, lv: -0.5 * ((h - mu) ** 2 / (0.5 * lv).exp() + lv
                                              + np.log(2 * np.pi)).sum(-1),
    },
    "iwae_estimate": {
        "mean of the logs (the ELBO)": lambda log_w: log_w.mean(0),
        "no −log K": lambda log_w: torch.logsumexp(log_w, 0),
        "naive exp (underflows)": lambda log_w: log_w.exp().mean(0).log(),
        "transposed": lambda log_w: torch.logsumexp(log_w, 1) - np.log(log_w.shape[1]),
    },
    "kl_monte_carlo": {
        "closed form without −1": lambda mu, lv, n_samples=100_000, seed=0: 0.5 * (
            np.exp(lv) + mu ** 2 - lv).sum(-1),
        "E_q[log p − log q]": lambda mu, lv, n_samples=100_000, seed=0:
            -sol["solution_kl_monte_carlo"](mu, lv, n_samples, seed),
        "per coordinate, not summed": lambda mu, lv, n_samples=100_000, seed=0: 0.5 * (
            np.exp(lv) + mu ** 2 - 1 - lv),
    },
    "elbo_terms": {
        "swapped": lambda model, x, seed=0: tuple(
            v.copy() for v in sol["solution_elbo_terms"](model, x, seed)[::-1]),
        "fresh noise": _terms_fresh_noise,
        "no sample (h = μ)": _terms_no_noise,
    },
    "elbo_ppca": {
        "no spread term tr(WᵀWS)/σ²": lambda *a: _elbo_ppca(*a, spread=False),
        "no entropy (log det S)": lambda *a: _elbo_ppca(*a, entropy=False),
        "KL added, not subtracted": lambda X, W, b, sigma, m, S: _elbo_ppca(
            X, W, b, sigma, m, S) + (np.trace(S) + (m ** 2).sum(1) - W.shape[1]
                                     - np.linalg.slogdet(S)[1]),
    },
}
CASES = [(name, label) for name in NAMES for label in WRONG[name]]


@pytest.mark.parametrize("name", NAMES)
def test_the_chapters_solution_passes(name):
    assert bool(getattr(ch06, f"check_{name}")(sol[f"solution_{name}"])) is True


@pytest.mark.parametrize("name,label", CASES, ids=[f"{n}: {w}" for n, w in CASES])
def test_a_plausible_wrong_answer_is_rejected(name, label):
    assert bool(getattr(ch06, f"check_{name}")(WRONG[name][label])) is False


def test_every_exercise_of_the_module_is_covered():
    assert {n[len("check_"):] for n in ch06.__all__} == set(NAMES)


def test_elbo_ppca_solution_matches_the_package_and_touches_log_p_at_the_posterior():
    rng = np.random.default_rng(3)
    W, b, sigma = rng.normal(size=(6, 2)), rng.normal(size=6), 0.7
    X = rng.normal(size=(20, 6))
    A = rng.normal(size=(2, 2))
    S, m = A @ A.T + 0.1 * np.eye(2), rng.normal(size=(20, 2))
    ours = sol["solution_elbo_ppca"](X, W, b, sigma, m, S)
    np.testing.assert_allclose(ours, linear_gaussian_elbo(X, W, b, sigma, m, cov=S),
                               rtol=1e-10)
    assert (ours < ppca_log_likelihood(X, W, b, sigma)).all()
    mean, cov = ppca_posterior(X, W, b, sigma)
    np.testing.assert_allclose(sol["solution_elbo_ppca"](X, W, b, sigma, mean, cov),
                               ppca_log_likelihood(X, W, b, sigma), rtol=1e-10)
