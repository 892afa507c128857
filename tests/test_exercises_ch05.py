"""Chapter 5 and 5b exercise checks reject plausible wrong answers (beyond the one per check in
``tests/test_exercises.py``): a sign-blind or hard threshold, a mean where the text asks for a
sum, σ for σ², a missing gain, a decoder that does not share the encoder's matrix …"""

import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from torch.nn import functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))   # tests/notebook_solutions.py
import notebook_solutions  # noqa: E402
from reprcourse.exercises import ch05  # noqa: E402
from reprcourse.models import DeepAutoencoder, pretrain, train  # noqa: E402

sol = notebook_solutions.load()


def _tied_forward_untied_decoder(x, W, b, c):
    z = torch.sigmoid(x @ W + b)
    W2 = W.flip(0)                                     # some other (d, k) matrix
    return z, torch.sigmoid(z @ W2.T + c)


def _tied_forward_no_encoder_bias(x, W, b, c):
    z = torch.sigmoid(x @ W)
    return z, torch.sigmoid(z @ W.T + c)


def _tied_loss_mean_over_pixels(x, W, b, c):
    x_hat = torch.sigmoid(torch.sigmoid(x @ W + b) @ W.T + c)
    return F.binary_cross_entropy(x_hat, x)            # mean over pixels too


def _tied_loss_no_off_term(x, W, b, c):
    x_hat = torch.sigmoid(torch.sigmoid(x @ W + b) @ W.T + c)
    return -(x * torch.log(x_hat)).sum(1).mean()       # forgets (1 − x) log(1 − x̂)


def _tied_loss_detached(x, W, b, c):
    return torch.tensor(float(sol.solution_tied_loss(x, W, b, c)), dtype=x.dtype)


WRONG = {
    "tied_forward": [_tied_forward_untied_decoder, _tied_forward_no_encoder_bias],
    "tied_loss": [_tied_loss_mean_over_pixels, _tied_loss_no_off_term, _tied_loss_detached],
    "corrupt_input": [
        lambda x, kind, level, u: x * (u < level) if kind == "dropout" else x + level * u,
        lambda x, kind, level, u: x * (u >= level) if kind == "dropout" else x + level ** 2 * u,
    ],
    "soft_encode": [
        lambda x, W, lam: (lambda u: u * (u.abs() > lam))(x @ W),          # hard threshold
        lambda x, W, lam: torch.relu((x @ W).abs() - lam),                 # sign-blind
    ],
    "sparse_ae_loss": [
        lambda x, W, b, D, lam: (lambda z: (0.5 * ((x - z @ D.T) ** 2).sum(1)
                                            + lam * z.abs().sum(1)).sum())(torch.relu(x @ W + b)),
        lambda x, W, b, D, lam: (lambda z: (0.5 * ((x - z @ D.T) ** 2).sum(1)
                                            + lam * (z ** 2).sum(1)).mean())(torch.relu(x @ W + b)),
    ],
    "psd_loss": [
        lambda x, W, b, g, z, D, lam, a: (0.5 * ((x - z @ D.T) ** 2).sum(1) + lam * z.abs().sum(1)
                                          + 0.5 * a * (z - torch.tanh(x @ W + b)).pow(2).sum(1)
                                          ).mean(),                        # no gain g
        lambda x, W, b, g, z, D, lam, a: (0.5 * ((x - z @ D.T) ** 2).sum(1) + lam * z.abs().sum(1)
                                          + 0.5 * a * (z - g * torch.tanh(x @ W + b)).pow(2).sum(1)
                                          ).sum(),                         # sum over the batch
    ],
    "soft_error_formula": [
        lambda W, Z, E, tau: sol.solution_soft_error_formula(W, Z, E, tau)
        + (Z != 0).sum(1) * tau ** 2 / 4,                                  # |S| τ²/2
        lambda W, Z, E, tau: ((E - E @ W @ W.T) ** 2).sum(1)
        + (Z != 0).sum(1) * tau ** 2 / 4,                                  # P on all atoms
    ],
    "best_linear_denoiser": [
        lambda S, s: S @ np.linalg.inv(S + s * np.eye(len(S))),            # σ, not σ²
        lambda S, s: np.linalg.inv(S + s ** 2 * np.eye(len(S))),           # no Σ in front
    ],
    "stack_and_compare": [
        lambda Xtr, Xte, epochs=20: (sol.solution_stack_and_compare(Xtr, Xte, epochs)[1],) * 2,
    ],
}

CASES = [(name, i) for name, fns in WRONG.items() for i in range(len(fns))]


def test_every_chapter_5_check_is_covered():
    assert set(WRONG) == {name[len("check_"):] for name in ch05.__all__}
    assert all(hasattr(sol, f"solution_{name}") for name in WRONG)


@pytest.mark.parametrize("name, i", CASES)
def test_wrong_answer_is_rejected(name, i, capsys):
    result = getattr(ch05, f"check_{name}")(WRONG[name][i])
    out = capsys.readouterr().out
    assert bool(result) is False, out
    assert out.startswith(f"✗ {name}: case '"), out
    assert "expected" in out or "raised RuntimeError" in out, out   # not a crash of the test


def test_stack_and_compare_accepts_float32_and_float64_networks(capsys):
    """The exercise asks for float64; a float32 network gives the same numbers to the
    check's tolerance, so only the recipe is judged."""
    def in_float32(X_train, X_test, epochs=20):
        errors = []
        for use_pretraining in (True, False):
            model = DeepAutoencoder([64, 32, 16, 8], seed=0)
            if use_pretraining:
                pretrain(model, X_train, loss="bce", epochs=epochs, lr=1e-2, batch_size=250,
                         seed=0, progress=False)
            train(model, X_train, loss="bce", epochs=epochs, lr=1e-2, batch_size=250, seed=0,
                  progress=False)
            errors.append(float(((model.reconstruct(X_test) - X_test) ** 2).sum(1).mean()))
        return tuple(errors)
    assert bool(ch05.check_stack_and_compare(in_float32))
    assert bool(ch05.check_stack_and_compare(sol.solution_stack_and_compare))
