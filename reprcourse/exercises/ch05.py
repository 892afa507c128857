"""Checks for the exercises of chapter 5 and 5b (autoencoders), most of them in torch.

The references are a few lines of torch each, written out here with the formula they compute
(the same formulas as :mod:`reprcourse.models`); the package tests tie them to the models.
Loss exercises are checked on their value *and* on their gradient with respect to the weights,
so a loss computed outside autograd (numpy, ``.item()``, ``.detach()``) is caught. Each
``check_<name>(student_fn, *, seed=None)`` prints ✓/✗/○, returns a :class:`CheckResult` (truthy when passed), never raises.
"""

from __future__ import annotations

import numpy as np
import torch
from torch.nn import functional as F

from ..models import DeepAutoencoder, pretrain, train
from ..sparse_coding import one_step_encode, sparse_objective
from ._harness import Case, CheckResult, rng_for, run_check, value_and_grads

__all__ = ["check_tied_forward", "check_tied_loss", "check_corrupt_input", "check_soft_encode",
           "check_sparse_ae_loss", "check_psd_loss", "check_soft_error_formula",
           "check_best_linear_denoiser", "check_stack_and_compare"]

DTYPE = torch.float64


def _t(a):
    return torch.as_tensor(np.asarray(a), dtype=DTYPE)


def _tied_weights(rng, n, d, k):
    x = _t(rng.random((n, d)))                                           # pixels in [0, 1)
    return x, _t(rng.normal(scale=0.5, size=(d, k))), _t(rng.normal(size=k)), _t(rng.normal(size=d))


def _tied_forward(x, W, b, c):
    """z = σ(x W + b), x̂ = σ(z Wᵀ + c): one weight matrix for encoder and decoder."""
    z = torch.sigmoid(x @ W + b)                                         # (n, k)
    return z, torch.sigmoid(z @ W.T + c)                                 # (n, d)


def _bce(x_hat, x):
    """−Σ_j [x_j log x̂_j + (1 − x_j) log(1 − x̂_j)], averaged over the batch (Bernoulli NLL)."""
    return F.binary_cross_entropy(x_hat, x, reduction="sum") / x.shape[0]


def _value_and_grad(fn, *args, wrt=(1,)):
    """A scalar loss and its gradients in the weights (``args[1]`` by default)."""
    return value_and_grads(fn, *args, wrt=wrt, scalar=True)


def _reference_value_and_grad(fn, *args, wrt=(1,)):
    return tuple(v.detach() for v in _value_and_grad(fn, *args, wrt=wrt))


def check_tied_forward(tied_forward, *, seed=None) -> CheckResult:
    """``tied_forward(x, W, b, c)`` -> ``(z, x_hat)`` with ``z = σ(xW + b)`` (n, k) and
    ``x_hat = σ(zWᵀ + c)`` (n, d)."""
    rng = rng_for("tied_forward", seed)

    def cases():
        out = []
        for n, d, k in [(8, 12, 5), (1, 6, 9)]:
            args = _tied_weights(rng, n, d, k)
            out.append(Case(f"n = {n}, d = {d}, k = {k}", args, _tied_forward(*args)))
        x, W, b, c = _tied_weights(rng, 3, 4, 2)
        out.append(Case("zero input", (0 * x, W, b, c), _tied_forward(0 * x, W, b, c)))
        return out

    return run_check("tied_forward", tied_forward, cases)


def _tied_loss(x, W, b, c):
    return _bce(_tied_forward(x, W, b, c)[1], x)


def check_tied_loss(tied_loss, *, seed=None) -> CheckResult:
    """``tied_loss(x, W, b, c)`` -> scalar tensor: the cross-entropy of the tied autoencoder's
    reconstruction, summed over pixels and averaged over the batch; checked on its value and
    on its gradient with respect to ``W``."""
    rng = rng_for("tied_loss", seed)

    def cases():
        out = []
        for n, d, k in [(8, 12, 5), (1, 6, 9)]:
            args = _tied_weights(rng, n, d, k)
            out.append(Case(f"n = {n}, d = {d}, k = {k}: value and ∂/∂W", args,
                            _reference_value_and_grad(_tied_loss, *args), call=_value_and_grad))
        x, W, b, c = _tied_weights(rng, 4, 5, 3)
        x = (x > 0.5).to(DTYPE)
        out.append(Case("binary pixels", (x, W, b, c),
                        _reference_value_and_grad(_tied_loss, x, W, b, c), call=_value_and_grad))
        return out

    return run_check("tied_loss", tied_loss, cases)


def _corrupt(x, kind, level, noise):
    """Masking noise (Vincent et al. 2008): keep x where u ≥ ν, u ~ U(0, 1), no rescaling;
    Gaussian noise: x + σ ξ, ξ ~ N(0, I). ``noise`` holds u or ξ."""
    return x * (noise >= level) if kind == "dropout" else x + level * noise


def check_corrupt_input(corrupt_input, *, seed=None) -> CheckResult:
    """``corrupt_input(x, kind, level, noise)`` -> the corrupted input (same shape), with the
    random numbers given: uniform ``u`` for ``kind="dropout"``, standard normal ``ξ`` for
    ``kind="gaussian"``."""
    rng = rng_for("corrupt_input", seed)

    def cases():
        out = []
        for kind, level in [("dropout", 0.25), ("dropout", 0.5), ("gaussian", 0.3)]:
            x = _t(rng.random((5, 8)))
            u = _t(rng.random((5, 8)) if kind == "dropout" else rng.normal(size=(5, 8)))
            out.append(Case(f"{kind}, level {level}", (x, kind, level, u),
                            _corrupt(x, kind, level, u)))
        x, u = _t(rng.random((2, 6))), _t(rng.random((2, 6)))
        out.append(Case("dropout, level 0 (nothing masked)", (x, "dropout", 0.0, u), x.clone()))
        out.append(Case("zero input, Gaussian", (0 * x, "gaussian", 0.5, u), 0.5 * u))
        return out

    return run_check("corrupt_input", corrupt_input, cases)


def check_soft_encode(soft_encode, *, seed=None) -> CheckResult:
    """``soft_encode(x, W, lam)`` -> ``thr_λ(xW)`` in torch: the tied encoder with a soft
    threshold, which is one ISTA step from 0 (``one_step_encode``)."""
    rng = rng_for("soft_encode", seed)

    def cases():
        out = []
        for n, d, k, lam in [(6, 16, 8, 0.5), (1, 8, 8, 0.2)]:
            W = _t(np.linalg.qr(rng.standard_normal((d, k)))[0])
            x = _t(rng.normal(size=(n, d)))
            out.append(Case(f"n = {n}, orthonormal {d}×{k}, λ = {lam}", (x, W, lam),
                            one_step_encode(x, W, lam)))
        out.append(Case("λ = 0 (xW)", (x, W, 0.0), x @ W))
        out.append(Case("zero input", (0 * x, W, 0.3), 0 * (x @ W)))
        return out

    return run_check("soft_encode", soft_encode, cases)


def _sparse_ae_loss(x, W, b, D, lam):
    """z = ReLU(xW + b); mean_i ½‖x_i − D z_i‖² + λ‖z_i‖₁ — the lasso objective of the codes."""
    z = torch.relu(x @ W + b)                                            # (n, k)
    return (0.5 * (x - z @ D.T).pow(2).sum(1) + lam * z.abs().sum(1)).mean()


def check_sparse_ae_loss(sparse_ae_loss, *, seed=None) -> CheckResult:
    """``sparse_ae_loss(x, W, b, D, lam)`` -> scalar tensor ``mean_i ½‖x_i − D z_i‖² +
    λ‖z_i‖₁`` with ``z = ReLU(xW + b)``; value (= ``sparse_objective`` of the codes) and
    gradient with respect to ``W``."""
    rng = rng_for("sparse_ae_loss", seed)

    def cases():
        out = []
        for n, d, k, lam in [(10, 8, 12, 0.5), (1, 4, 6, 0.1), (5, 6, 6, 0.0)]:
            D = rng.standard_normal((d, k))
            D /= np.linalg.norm(D, axis=0)
            args = (_t(rng.normal(size=(n, d))), _t(rng.normal(scale=0.5, size=(d, k))),
                    _t(rng.normal(scale=0.1, size=k)), _t(D), lam)
            value, grad = _reference_value_and_grad(_sparse_ae_loss, *args)
            z = torch.relu(args[0] @ args[1] + args[2])
            value = torch.tensor(sparse_objective(args[0], args[3], z, lam), dtype=DTYPE)
            out.append(Case(f"n = {n}, {d}×{k}, λ = {lam}", args, (value, grad),
                            call=_value_and_grad))
        return out

    return run_check("sparse_ae_loss", sparse_ae_loss, cases)


def _psd_loss(x, W, b, g, z, D, lam, alpha):
    """PSD (Kavukcuoglu et al. 2008), per sample averaged over the batch:
    ½‖x − Dz‖² + λ‖z‖₁ + (α/2)‖z − g ⊙ tanh(xW + b)‖²."""
    prediction = g * torch.tanh(x @ W + b)                               # (n, k)
    return (0.5 * (x - z @ D.T).pow(2).sum(1) + lam * z.abs().sum(1)
            + 0.5 * alpha * (z - prediction).pow(2).sum(1)).mean()


def check_psd_loss(psd_loss, *, seed=None) -> CheckResult:
    """``psd_loss(x, W, b, g, z, D, lam, alpha)`` -> scalar tensor, the PSD loss averaged over
    the batch; value and gradient with respect to the predictor's ``W``."""
    rng = rng_for("psd_loss", seed)

    def cases():
        out = []
        for n, d, k, lam, alpha in [(10, 8, 12, 0.5, 1.0), (1, 4, 6, 0.1, 2.0),
                                    (3, 5, 5, 0.0, 0.5)]:
            D = rng.standard_normal((d, k))
            D /= np.linalg.norm(D, axis=0)
            z = rng.normal(size=(n, k)) * (rng.random((n, k)) < 0.4)
            args = (_t(rng.normal(size=(n, d))), _t(rng.normal(scale=0.5, size=(d, k))),
                    _t(rng.normal(scale=0.1, size=k)), _t(rng.uniform(0.5, 2.0, k)), _t(z),
                    _t(D), lam, alpha)
            out.append(Case(f"n = {n}, {d}×{k}, λ = {lam}, α = {alpha}", args,
                            _reference_value_and_grad(_psd_loss, *args), call=_value_and_grad))
        return out

    return run_check("psd_loss", psd_loss, cases)


def _soft_error_formula(W, Z, E, tau):
    """‖(I − P_S) ε‖² + |S| τ²/4 per sample, P_S the projection on the active atoms."""
    out = np.empty(len(Z))
    for i, (z, e) in enumerate(zip(Z, E)):
        W_S = W[:, z != 0]                                               # (d, |S|)
        r = e - W_S @ (W_S.T @ e)
        out[i] = r @ r + (z != 0).sum() * tau ** 2 / 4
    return out


def check_soft_error_formula(soft_error_formula, *, seed=None) -> CheckResult:
    """``soft_error_formula(W, Z, E, tau)`` -> per sample ``‖(I − P_S)ε‖² + |S|τ²/4``, (n,)."""
    rng = rng_for("soft_error_formula", seed)

    def cases():
        out = []
        for n, d, k, tau in [(20, 16, 8, 1.0), (3, 6, 6, 2.0)]:
            W = np.linalg.qr(rng.standard_normal((d, k)))[0]
            Z = tau * rng.choice([-1.0, 0.0, 1.0], size=(n, k), p=[0.2, 0.6, 0.2])
            E = rng.normal(scale=0.1, size=(n, d))
            out.append(Case(f"n = {n}, {d}×{k}, τ = {tau}", (W, Z, E, tau),
                            _soft_error_formula(W, Z, E, tau)))
        W = np.linalg.qr(rng.standard_normal((5, 3)))[0]
        Z, E = np.zeros((2, 3)), rng.normal(size=(2, 5))
        out.append(Case("no active atom (|S| = 0)", (W, Z, E, 1.0), (E ** 2).sum(1)))
        return out

    return run_check("soft_error_formula", soft_error_formula, cases)


def check_best_linear_denoiser(best_linear_denoiser, *, seed=None) -> CheckResult:
    """``best_linear_denoiser(Sigma, sigma)`` -> the Wiener filter ``Σ(Σ + σ²I)⁻¹``, (d, d)."""
    rng = rng_for("best_linear_denoiser", seed)

    def cases():
        out = []
        for d, sigma in [(6, 0.3), (3, 2.0)]:
            B = rng.normal(size=(d, d))
            S = B @ B.T / d + 0.1 * np.eye(d)
            out.append(Case(f"random {d}×{d} covariance, σ = {sigma}", (S, sigma),
                            S @ np.linalg.inv(S + sigma ** 2 * np.eye(d))))
        out.append(Case("Σ = I, σ = 1 (A = I/2)", (np.eye(4), 1.0), 0.5 * np.eye(4)))
        out.append(Case("σ = 0 (A = I)", (np.diag([1.0, 2.0]), 0.0), np.eye(2)))
        return out

    return run_check("best_linear_denoiser", best_linear_denoiser, cases)


def _stack_and_compare(X_train, X_test, epochs=20):
    errors = []
    for use_pretraining in (True, False):
        model = DeepAutoencoder([64, 32, 16, 8], seed=0).double()        # float64
        if use_pretraining:
            pretrain(model, X_train, loss="bce", epochs=epochs, lr=1e-2, batch_size=250, seed=0,
                     progress=False)
        train(model, X_train, loss="bce", epochs=epochs, lr=1e-2, batch_size=250, seed=0,
              progress=False)
        errors.append(float(((model.reconstruct(X_test) - X_test) ** 2).sum(1).mean()))
    return tuple(errors)


def check_stack_and_compare(stack_and_compare, *, seed=None) -> CheckResult:
    """``stack_and_compare(X_train, X_test, epochs=20)`` -> (test error pre-trained and
    fine-tuned, test error trained from random weights); checked on small random data with
    ``epochs=2`` against the same recipe."""
    rng = rng_for("stack_and_compare", seed)

    def cases():
        X = rng.random((48, 64))
        return [Case("48 random 64-pixel images, epochs = 2", (X[:40], X[40:]),
                     _stack_and_compare(X[:40], X[40:], 2), kwargs={"epochs": 2},
                     atol=1e-4, rtol=1e-4)]

    return run_check("stack_and_compare", stack_and_compare, cases)
