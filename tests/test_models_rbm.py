"""Tests of the restricted Boltzmann machine (chapter 5), against brute-force enumeration.

Every reference below sums over all 2^d visible and 2^k hidden states of a tiny RBM with the
energy E(v, h) = −vᵀWh − bᵀv − cᵀh written out here, independently of the module.
"""

import itertools

import numpy as np
import pytest
import torch

from reprcourse.models import RBM, train

D, K = 6, 3
V_ALL = torch.tensor(list(itertools.product([0.0, 1.0], repeat=D)), dtype=torch.float64)
H_ALL = torch.tensor(list(itertools.product([0.0, 1.0], repeat=K)), dtype=torch.float64)
DATA = torch.tensor([[1, 1, 1, 0, 0, 0], [1, 1, 0, 0, 0, 0], [0, 0, 0, 1, 1, 1],
                     [0, 0, 1, 1, 1, 0]], dtype=torch.float64)


def tiny_rbm(scale=0.5, seed=0):
    rbm = RBM(D, K, seed=seed).double()
    g = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        rbm.weight.copy_(scale * torch.randn(D, K, generator=g, dtype=torch.float64))
        rbm.visible_bias.copy_(0.3 * torch.randn(D, generator=g, dtype=torch.float64))
        rbm.bias.copy_(0.3 * torch.randn(K, generator=g, dtype=torch.float64))
    return rbm


def energy(v, h, W, b, c):
    """E(v, h) for every pair: v (m, d), h (r, k) -> (m, r)."""
    return -(v @ W @ h.T) - (v @ b)[:, None] - (h @ c)[None, :]


def exact_log_likelihood(W, b, c, data=DATA):
    """Mean log p(v) over ``data`` by enumerating every (v, h)."""
    log_z = torch.logsumexp(-energy(V_ALL, H_ALL, W, b, c).ravel(), 0)
    return (torch.logsumexp(-energy(data, H_ALL, W, b, c), 1) - log_z).mean()


def test_free_energy_is_minus_log_sum_over_hidden_states():
    rbm = tiny_rbm()
    W, b, c = (p.detach() for p in (rbm.weight, rbm.visible_bias, rbm.bias))
    expected = -torch.logsumexp(-energy(V_ALL, H_ALL, W, b, c), 1)
    got = rbm.free_energy(V_ALL.numpy())
    assert isinstance(got, np.ndarray) and got.shape == (2 ** D,)
    np.testing.assert_allclose(got, expected.numpy(), rtol=1e-12)


def test_conditionals_are_the_tied_autoencoders_halves():
    rbm = tiny_rbm()
    W, b, c = (p.detach() for p in (rbm.weight, rbm.visible_bias, rbm.bias))
    # p(h_j = 1 | v) by enumeration: Σ_h h_j e^{−E(v,h)} / Σ_h e^{−E(v,h)}
    weights = torch.softmax(-energy(V_ALL, H_ALL, W, b, c), 1)          # (2^d, 2^k)
    np.testing.assert_allclose(rbm.transform(V_ALL.numpy()), (weights @ H_ALL).numpy(),
                               rtol=1e-12)
    expected = torch.sigmoid(torch.sigmoid(V_ALL @ W + c) @ W.T + b)
    np.testing.assert_allclose(rbm.reconstruct(V_ALL.numpy()), expected.numpy(), rtol=1e-12)


def exact_cd1_update(W, b, c, data=DATA):
    """The expected CD-1 update of W: E[v₀ p(h|v₀)ᵀ] − E[v₁ p(h|v₁)ᵀ], h₀ ~ p(h|v₀),
    v₁ ~ p(v|h₀), by enumerating h₀ and v₁."""
    def p_states(p, states):                      # P(states | probabilities p): (m, r)
        return torch.exp(states @ torch.log(p).T + (1 - states) @ torch.log1p(-p).T).T
    ph0 = torch.sigmoid(data @ W + c)                                    # (n, k)
    positive = data.T @ ph0 / len(data)
    P_h = p_states(ph0, H_ALL)                                           # (n, 2^k)
    P_v = p_states(torch.sigmoid(H_ALL @ W.T + b), V_ALL)                # (2^k, 2^d)
    P_v1 = P_h @ P_v                                                     # (n, 2^d)
    stats = V_ALL[:, :, None] * torch.sigmoid(V_ALL @ W + c)[:, None, :]  # (2^d, d, k)
    negative = torch.einsum("nv,vdk->dk", P_v1, stats) / len(data)
    return positive - negative


def test_cd1_gradient_matches_its_expectation_and_points_uphill():
    rbm = tiny_rbm()
    W = rbm.weight.detach().clone().requires_grad_(True)
    b, c = rbm.visible_bias.detach(), rbm.bias.detach()
    exact_ll_grad = torch.autograd.grad(exact_log_likelihood(W, b, c), W)[0]
    cd1 = exact_cd1_update(W.detach(), b, c)
    # the module's CD-1 surrogate, averaged over many Gibbs samples of every data row
    batch = DATA.repeat(20_000, 1)
    rbm.zero_grad()
    rbm.training_loss(batch, seed=0).backward()
    estimate = -rbm.weight.grad
    np.testing.assert_allclose(estimate.numpy(), cd1.numpy(), atol=0.01)
    # CD-1 is biased, but on this tiny case it points the way the likelihood rises
    cosine = (cd1 * exact_ll_grad).sum() / (cd1.norm() * exact_ll_grad.norm())
    assert cosine > 0.9
    large = exact_ll_grad.abs() > 0.1 * exact_ll_grad.abs().max()
    assert torch.equal(torch.sign(cd1[large]), torch.sign(exact_ll_grad[large]))
    # a wrong sign (gradient ascent on the surrogate) would point downhill
    assert (estimate * exact_ll_grad).sum() > 0


def test_training_with_cd1_raises_the_exact_likelihood():
    rbm = tiny_rbm(scale=0.01)
    params = lambda: tuple(p.detach() for p in (rbm.weight, rbm.visible_bias, rbm.bias))  # noqa: E731
    before = float(exact_log_likelihood(*params()))
    train(rbm, DATA.repeat(25, 1).numpy(), epochs=30, batch_size=20, lr=0.05, seed=0,
          progress=False)
    after = float(exact_log_likelihood(*params()))
    assert after > before + 1.0


def test_same_seed_same_rbm_and_float32_default():
    a, b = RBM(8, 4, seed=3), RBM(8, 4, seed=3)
    assert a.weight.dtype == torch.float32
    torch.testing.assert_close(a.weight, b.weight)
    assert float(a.weight.detach().std()) == pytest.approx(0.01, rel=0.5)


@pytest.mark.parametrize("X, match", [
    (np.full((2, 5), 0.5), "columns"),
    (np.array([[np.nan] * 6]), "finite|NaN"),
])
def test_bad_input_is_rejected(X, match):
    with pytest.raises(ValueError, match=match):
        tiny_rbm().free_energy(X)


@pytest.mark.parametrize("kwargs", [dict(n_features=0, n_hidden=2),
                                    dict(n_features=3, n_hidden=2, init_scale=0.0)])
def test_bad_settings_are_rejected(kwargs):
    with pytest.raises(ValueError):
        RBM(**kwargs)
