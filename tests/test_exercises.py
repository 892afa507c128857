"""The exercise checks: each passes its solution, fails a plausible wrong answer, reports an
untouched stub as not attempted, and never raises — whatever the student's function does."""

import sys
from pathlib import Path

import numpy as np
import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))   # tests/notebook_solutions.py
import notebook_solutions  # noqa: E402
from reprcourse import lipschitz_constant, soft_threshold
from reprcourse.exercises import ch00, ch01, ch02, ch03, ch04, ch05, ch06
from reprcourse.exercises._harness import Case, run_check, short
from reprcourse.instances import equicorrelated_dictionary
from reprcourse.models import Autoencoder, SparseAutoencoder, VAE, corrupt
from reprcourse.inpainting import masked_sparse_code
from reprcourse.recovery import recovery_conditions
from reprcourse.sparse_coding import ista, sparse_objective

sol = notebook_solutions.load()       # the solution cells of the chapters, as students see them

MODULES = (ch00, ch01, ch02, ch03, ch04, ch05, ch06)


def _hard(x, tau):
    return x * (np.abs(x) > tau)


def _bce_mean_over_pixels(x, W, b, c):
    x_hat = torch.sigmoid(torch.sigmoid(x @ W + b) @ W.T + c)
    return torch.nn.functional.binary_cross_entropy(x_hat, x)          # mean over n·d entries


# One plausible wrong answer per exercise: the mistakes students make.
WRONG = {
    # farthest class mean instead of the nearest
    "centre_digits": lambda X, y, C: (lambda M: (M, ((C[:, None] - M[None]) ** 2).sum(-1)
                                                 .argmax(1)))(
        np.stack([X[y == c].mean(0) for c in range(10)])),
    "pca_directions": lambda X, k: np.linalg.svd(X, full_matrices=False)[2][:k],  # no centring
    "assign_labels": lambda X, C: ((X[:, None] - C[None]) ** 2).sum(-1).argmax(1),
    "update_centres": lambda X, lab, k: np.stack([X[lab == j].sum(0) for j in range(k)]),
    "seeding_probabilities": lambda X, C: (lambda d: d / d.sum())(
        np.sqrt(((X[:, None] - C[None]) ** 2).sum(-1)).min(1)),          # D, not D²
    "covariance_spectrum": lambda X: np.linalg.eigh(np.cov(X.T, bias=True).reshape(
        X.shape[1], X.shape[1]))[0][::-1],                               # 1/n, not 1/(n − 1)
    "onehot_check": lambda X, C, lab: (float(np.sqrt(((X - C[lab]) ** 2).sum())), C),
    "lloyd_step": lambda X, C0: C0,
    "soft_thresh": _hard,
    "lasso_objective": lambda X, D, H, lam: float(np.mean(((X - H @ D.T) ** 2).sum(1)
                                                          + lam * np.abs(H).sum(1))),  # no ½
    "ista_step": lambda H, X, D, lam, a: soft_threshold(H - a * (H @ D.T - X) @ D, lam),
    "lipschitz": lambda D: float((D ** 2).sum()),                         # Frobenius²
    "fista_momentum": lambda H, Hp, t: (lambda tn: (H + ((tn - 1) / t) * (H - Hp), tn))(
        (1 + np.sqrt(1 + 4 * t * t)) / 2),
    "zero_code_threshold": lambda X, D: (X @ D).max(1),                   # no |·|
    "lecture_update": lambda h, g, a, lam: h - a * g - a * lam * np.sign(h - a * g),  # no clamp
    "my_ista": lambda X, D, lam, n: sol.solution_my_ista(X, D, lam, n + 1),   # off by one
    "one_step_lasso": lambda X, Q, lam: X @ Q,
    "best_sparse_code": lambda x, D, s: ch02._thresholded_support_code(x, D, s),  # greedy
    "loophole_terms": lambda X, D, H, lam, c: (
        float(0.5 * ((X - H @ D.T) ** 2).sum(1).mean()),
        float(lam * np.abs(H).sum(1).mean())),                           # penalty not / c
    "one_step_code": lambda X, D, lam: _hard(X @ D, lam),
    "coherence": lambda D: float(np.abs(D.T @ D - np.diag(np.diag(D.T @ D))).max()),  # no norm.
    "predict_theorem1": lambda h, lam: bool(lam < np.abs(h).max()),
    "predict_theorem2": lambda e, lam, tau: bool(e <= tau / 4),           # the theorem's bound
    "theorem3_max_sparsity": lambda mu, M, tau, e, k: (
        k if mu == 0 else int(min(k, np.floor(tau / (2 * mu * M))))),     # the aligned limit
    "max_abs_delta": lambda X, D, H: np.linalg.norm(X @ D - H, axis=1),
    "largest_lambda": lambda x, D, h: float(np.abs((x @ D)[h != 0]).min()),   # sign-blind
    "recovers_at_mu": lambda mu, s, M, tau: s * mu * M <= tau / 8,        # the theorem's bound
    "sufficient_statistics": lambda X, H: (H.T @ H, H.T @ X),
    "update_atom": lambda D, A, B, j: (lambda c: c / np.linalg.norm(c))(B[:, j] - D @ A[:, j]),
    "normalize_atoms": lambda D: D / np.linalg.norm(D, axis=0),           # NaN for zero columns
    "masked_objective": lambda X, M, D, H, lam: sparse_objective(X, D, H, lam),   # no mask
    "gradient_step": lambda X, H, D, a: D + a * (X - H @ D.T).T @ H / len(X),     # no renorm
    "inpainting_errors": lambda t, D, fr: {f: v[::-1] for f, v in
                                           sol.solution_inpainting_errors(t, D, fr).items()},
    "transform_codes": lambda C, X, lam: sol.fista(X, C.T, lam, n_iter=3, tol=0.0),
    "alternating_step": lambda X, D, lam: (D, sol.sparse_encode(X, D, lam, tol=1e-10)),  # no atoms
    "sign_recovery_rate": lambda X, Dg, Hs, lam: float(np.mean(np.all(
        (np.abs(X @ Dg) > lam) == (Hs != 0), axis=1))),                    # sign-blind
    "tied_forward": lambda x, W, b, c: (torch.sigmoid(x @ W + b),
                                        torch.sigmoid(torch.sigmoid(x @ W + b) @ W.T)),  # no c
    "tied_loss": _bce_mean_over_pixels,
    "corrupt_input": lambda x, kind, level, u: (x * (u >= level) / (1 - level) if kind ==
                                                "dropout" else x + level * u),   # rescaled
    "soft_encode": lambda x, W, lam: torch.relu(x @ W - lam),             # one-sided
    "sparse_ae_loss": lambda x, W, b, D, lam: (lambda z: (((x - z @ D.T) ** 2).sum(1)
                                                          + lam * z.abs().sum(1)).mean())(
        torch.relu(x @ W + b)),                                           # no ½
    "psd_loss": lambda x, W, b, g, z, D, lam, a: (0.5 * ((x - z @ D.T) ** 2).sum(1)
                                                  + lam * z.abs().sum(1) + a * (
        z - g * torch.tanh(x @ W + b)).pow(2).sum(1)).mean(),             # α, not α/2
    "soft_error_formula": lambda W, Z, E, tau: (E ** 2).sum(1),
    "best_linear_denoiser": lambda S, s: np.linalg.inv(S + s ** 2 * np.eye(len(S))) * 0 + np.eye(
        len(S)),                                                          # the identity
    "stack_and_compare": lambda Xtr, Xte, epochs=20: sol.solution_stack_and_compare(
        Xtr, Xte, epochs)[::-1],
    "kl_closed_form": lambda mu, lv: 0.5 * (lv.exp() + mu ** 2 - lv).sum(-1),  # missing −1
    "reparameterize": lambda mu, lv, eps: mu + lv.exp() * eps,           # variance, not std
    "elbo_loss": lambda x, mu, lv, eps, dec: (torch.nn.functional.binary_cross_entropy_with_logits(
        dec(mu + (0.5 * lv).exp() * eps), x, reduction="none").sum(-1)
        - 0.5 * (lv.exp() + mu ** 2 - 1 - lv).sum(-1)).mean(),            # KL sign
    "log_density": lambda h, mu, lv: -0.5 * ((h - mu) ** 2 / lv.exp()).sum(-1),
    "iwae_estimate": lambda log_w: log_w.exp().mean(0).log(),            # overflows
    "kl_monte_carlo": lambda mu, lv, n_samples=100_000, seed=0: 0.5 * (
        np.exp(lv) + mu ** 2 - lv).sum(-1),
    "elbo_terms": lambda model, x, seed=0: tuple(v[::-1].copy() for v in
                                                 sol.solution_elbo_terms(model, x, seed)),
    "elbo_ppca": lambda X, W, b, sigma, m, S: sol.solution_elbo_ppca(   # no tr(WᵀWS)/σ²
        X, W, b, sigma, m, S) + 0.5 * np.trace(W.T @ W @ S) / sigma ** 2,
}

CHECKS = {name[len("check_"):]: getattr(m, name) for m in MODULES for name in m.__all__}


def test_every_check_has_a_solution_and_a_wrong_answer():
    assert len(CHECKS) >= 30
    assert set(CHECKS) == set(WRONG)
    assert all(hasattr(sol, f"solution_{name}") for name in CHECKS)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_solution_passes(name, capsys):
    assert bool(CHECKS[name](getattr(sol, f"solution_{name}"))) is True
    assert capsys.readouterr().out.startswith(f"✓ {name}: ")


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_wrong_answer_fails(name, capsys):
    assert bool(CHECKS[name](WRONG[name])) is False
    out = capsys.readouterr().out
    assert out.startswith(f"✗ {name}: case '"), out
    assert "expected" in out or "raised" in out


def _stub(*args, **kwargs):
    raise NotImplementedError


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_stub_is_not_attempted(name, capsys):
    assert bool(CHECKS[name](_stub)) is False
    assert capsys.readouterr().out == (f"○ {name}: not attempted yet "
                                       "(the stub raises NotImplementedError)\n")


BAD = {"raises": lambda *a, **k: 1 / 0,
       "wrong shape": lambda *a, **k: np.zeros((3, 1, 7)),
       "None": lambda *a, **k: None,
       "a string": lambda *a, **k: "a string",
       "NaN and an object": lambda *a, **k: (np.full(4, np.nan), object()),
       "a tensor": lambda *a, **k: torch.ones(2, requires_grad=True)}


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_never_raises(name, capsys):
    for what, bad in BAD.items():
        assert bool(CHECKS[name](bad)) is False, what
        out = capsys.readouterr().out
        assert out.startswith(f"✗ {name}: ") and out.count("\n") == 1, (what, out)


def test_not_a_function(capsys):
    assert bool(ch02.check_soft_thresh(3.0)) is False
    assert "expected a function" in capsys.readouterr().out


def test_checks_are_reproducible_and_seedable(capsys):
    wrong = WRONG["lecture_update"]
    ch02.check_lecture_update(wrong)
    ch02.check_lecture_update(wrong)
    first, second = capsys.readouterr().out.splitlines()
    assert first == second
    assert ch02.check_soft_thresh(sol.solution_soft_thresh, seed=123)


def test_inputs_are_copied(capsys):
    """A student function that modifies its input cannot spoil the comparison."""
    def in_place(x, tau):
        out = sol.solution_soft_thresh(x, tau)
        x[...] = 0.0
        return out

    assert ch02.check_soft_thresh(in_place)


def test_harness_messages(capsys):
    cases = [Case("pair", (1.0,), (np.arange(3.0), True))]
    assert not run_check("demo", lambda v: (np.arange(3.0) + [0, 0, 1], True), cases)
    out = capsys.readouterr().out
    assert out.startswith("✗ demo: case 'pair': value 1 of 2: at index 2: expected 2, got 3")
    assert not run_check("demo", lambda v: [np.arange(3.0)], cases)
    assert "expected 2 values, got 1" in capsys.readouterr().out
    assert run_check("demo", lambda v: (np.arange(3.0).tolist(), np.bool_(True)), cases)
    assert capsys.readouterr().out == "✓ demo: the 1 case passes\n"
    assert not run_check("demo", lambda v: 0, lambda: [][0])              # bad case builder
    assert "the check could not compare" in capsys.readouterr().out
    assert len(short(np.arange(1000.0))) < 100


def test_a_check_ending_a_cell_shows_only_its_line(capsys):
    """In a notebook the printed ✓ line is all a check cell shows: its value adds nothing
    (IPython's formatter gives it no representation, so the kernel sends no result)."""
    from IPython.core.interactiveshell import InteractiveShell
    result = run_check("demo", abs, [Case("one", (-2.0,), 2.0)])
    assert result and capsys.readouterr().out == "✓ demo: the 1 case passes\n"
    assert InteractiveShell.instance().display_formatter.format(result) == ({}, {})
    assert capsys.readouterr().out == ""
    result = run_check("demo", abs, [Case("one", (-2.0,), 3.0)])
    assert not result and repr(result).startswith("✗ demo: case 'one'")


# --- the references agree with the package's models and solvers -------------------------
def test_ista_step_reference_is_the_package_ista():
    rng = np.random.default_rng(0)
    X, D = rng.normal(size=(6, 5)), rng.normal(size=(5, 8))
    D /= np.linalg.norm(D, axis=0)
    H, objectives = sol.solution_my_ista(X, D, 0.3, 10)
    textbook = ista(X, D, 0.3, n_iter=10, tol=0.0)
    np.testing.assert_allclose(H, textbook, atol=1e-8)
    assert np.all(np.diff(objectives) <= 1e-12)
    step = sol.solution_ista_step(np.zeros((6, 8)), X, D, 0.3, 1 / lipschitz_constant(D))
    one = ista(X, D, 0.3, n_iter=1, tol=0.0)
    np.testing.assert_allclose(step, one, atol=1e-10)


def test_update_atom_is_the_exact_minimiser_on_the_sphere():
    rng = np.random.default_rng(1)
    X, H = rng.normal(size=(40, 6)), rng.normal(size=(40, 9)) * (rng.random((40, 9)) < 0.4)
    D = rng.normal(size=(6, 9))
    D /= np.linalg.norm(D, axis=0)
    A, B = sol.solution_sufficient_statistics(X, H)
    new = D.copy()
    new[:, 3] = sol.solution_update_atom(D, A, B, 3)
    best = sparse_objective(X, new, H, 0.0)
    for _ in range(50):
        other = D.copy()
        v = new[:, 3] + 0.3 * rng.normal(size=6)
        other[:, 3] = v / np.linalg.norm(v)
        assert best <= sparse_objective(X, other, H, 0.0) + 1e-12


def test_masked_references_match_the_inpainting_solver():
    rng = np.random.default_rng(2)
    X, D = rng.normal(size=(5, 16)), rng.normal(size=(16, 20))
    D /= np.linalg.norm(D, axis=0)
    M = (rng.random((5, 16)) > 0.5).astype(float)
    alpha = 1 / lipschitz_constant(D)
    first = soft_threshold(alpha * (X * M) @ D, alpha * 0.1)           # one step from 0
    np.testing.assert_allclose(masked_sparse_code(X, M, D, 0.1, n_iter=1), first, atol=1e-5)
    H = rng.normal(size=(5, 20))
    assert sol.solution_masked_objective(X, np.ones_like(X), D, H, 0.1) == pytest.approx(
        sparse_objective(X, D, H, 0.1))


def test_recovers_at_mu_confirms_the_breaking_point():
    h = np.zeros(40)
    h[:5] = 1.2
    mu_star = 1.0 / (2 * 5 * 1.2)
    for factor, expected in [(0.95, True), (1.05, False)]:
        D = equicorrelated_dictionary(40, factor * mu_star, seed=4)
        assert recovery_conditions(D, h, None, lam=0.5, tau=1.0).recovered == expected
        assert sol.solution_recovers_at_mu(factor * mu_star, 5, 1.2, 1.0) == expected


def test_torch_references_match_the_models():
    g = torch.Generator().manual_seed(0)
    x = (torch.rand(6, 10, generator=g) > 0.5).float()
    ae = Autoencoder(10, 4, tied=True, activation="sigmoid", output="sigmoid", seed=0)
    z, x_hat = sol.solution_tied_forward(x, ae.weight, ae.bias, ae.decoder_bias)
    torch.testing.assert_close(x_hat, ae(x))
    sae = SparseAutoencoder(10, 4, 0.3, tied=True, seed=0)
    W = sae.dictionary.detach()
    loss = sol.solution_sparse_ae_loss(x, W, sae.bias.detach(), W, 0.3)
    torch.testing.assert_close(loss, sae.training_loss(x).detach(), rtol=1e-5, atol=1e-6)
    vae = VAE(10, 2, hidden=(8,), likelihood="bernoulli", seed=0)
    mu, logvar = vae.encode(x)
    eps = torch.randn(mu.shape, generator=torch.Generator().manual_seed(3))
    loss = sol.solution_elbo_loss(x, mu, logvar, eps, vae.decoder)
    torch.testing.assert_close(loss, vae.training_loss(x, seed=3), rtol=1e-5, atol=1e-5)
    u = torch.rand(x.shape, generator=torch.Generator().manual_seed(5))
    torch.testing.assert_close(sol.solution_corrupt_input(x, "dropout", 0.25, u),
                               corrupt(x, "dropout", 0.25, seed=5))
