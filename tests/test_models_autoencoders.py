"""Tests of reprcourse.models: autoencoders, sparse and PSD models, deep autoencoders and the
training loop (the VAE and checkpoints have their own files)."""

import inspect

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from reprcourse.models import (PSD, VAE, Autoencoder, Corruption, DeepAutoencoder,
                               SparseAutoencoder, ThresholdAutoencoder, corrupt, elbo,
                               hard_threshold, iwae_bound, planted_ternary, pretrain,
                               reconstruction_loss, ternary_threshold, train)
from reprcourse.sparse_coding import ista, one_step_encode, sparse_objective

pytestmark = pytest.mark.usefixtures("one_torch_thread")
RNG = np.random.default_rng(0)
X_SMALL = RNG.random((60, 12))                                     # data in [0, 1)
CUDA = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


def orthonormal(d, k, seed):
    """A (d, k) matrix with orthonormal columns."""
    q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((d, k)))
    return q


# --- shapes, kinds, dtypes, weight tying ---------------------------------------------------
@pytest.mark.parametrize("n_hidden", [3, 12, 30])                   # under, complete, over
@pytest.mark.parametrize("tied", [False, True])
def test_autoencoder_shapes_and_the_array_contract(n_hidden, tied):
    model = Autoencoder(12, n_hidden, tied=tied, output="sigmoid", seed=0)
    x = torch.from_numpy(X_SMALL).float()
    assert model.encode(x).shape == (60, n_hidden) and model(x).shape == (60, 12)
    assert model.encode(x).requires_grad and model(x).requires_grad     # torch: differentiable
    assert not model.transform(x).requires_grad and not model.reconstruct(x).requires_grad
    np.testing.assert_array_equal(model.decode(model.transform(X_SMALL)),
                                  model.reconstruct(X_SMALL))
    np.testing.assert_array_equal(model(X_SMALL), model.reconstruct(X_SMALL))
    np.testing.assert_array_equal(model.encode(X_SMALL), model.transform(X_SMALL))
    for dtype in (np.float64, np.float32):                     # numpy in: numpy, same dtype
        codes = model.transform(X_SMALL.astype(dtype))
        assert isinstance(codes, np.ndarray) and codes.dtype == dtype
        assert codes.shape == (60, n_hidden)
        assert model.reconstruct(X_SMALL.astype(dtype)).dtype == dtype
        assert model(X_SMALL.astype(dtype)).dtype == dtype
        assert model.decode(codes).dtype == dtype
    for dtype in (torch.float32, torch.float64):               # torch in: torch, same dtype
        out = model.reconstruct(x.to(dtype))
        assert torch.is_tensor(out) and out.dtype == dtype and not out.requires_grad
    np.testing.assert_allclose(model.reconstruct(X_SMALL), model(x).detach().numpy(), rtol=1e-6)


@pytest.mark.parametrize("model", [
    Autoencoder(12, 5, seed=0), ThresholdAutoencoder(12, 5, 1.0, threshold="soft", seed=0),
    SparseAutoencoder(12, 5, 0.1, seed=0), PSD(12, 5, 0.1, seed=0),
    DeepAutoencoder([12, 6, 3], seed=0)], ids=lambda m: type(m).__name__)
def test_every_model_keeps_kind_dtype_and_values(model):
    ref = model.reconstruct(X_SMALL)
    for X in (X_SMALL.astype(np.float32), torch.from_numpy(X_SMALL),
              torch.from_numpy(X_SMALL).float()):
        for method in (model.transform, model.reconstruct, model.encode, model):
            out = method(X)
            assert type(out) is type(X) and out.dtype == X.dtype
        np.testing.assert_allclose(np.asarray(model.reconstruct(X), dtype=np.float64), ref,
                                   rtol=1e-5, atol=1e-6)


def test_one_seed_policy():
    """Everything random takes ``seed`` with the same default, None."""
    for f in (Autoencoder, ThresholdAutoencoder, SparseAutoencoder, PSD, DeepAutoencoder, VAE,
              train, pretrain, corrupt, planted_ternary, elbo, iwae_bound, VAE.sample,
              VAE.reparameterize, VAE.training_loss, SparseAutoencoder.training_loss):
        assert inspect.signature(f).parameters["seed"].default is None, f


def test_tied_weights_are_one_parameter():
    tied, untied = Autoencoder(12, 5, tied=True), Autoencoder(12, 5, tied=False)
    assert tied.decoder_weight is tied.weight
    assert sum(p.numel() for p in tied.parameters()) == 12 * 5 + 5 + 12
    assert sum(p.numel() for p in untied.parameters()) == 2 * 12 * 5 + 5 + 12


def test_tied_gradient_is_the_sum_of_the_encoder_and_decoder_gradients():
    """With W_d = W_e = W, the chain rule gives dL/dW = ∂L/∂W_e + ∂L/∂W_d: the tied model's
    gradient equals the sum of an untied model's two gradients at W_e = W_d = W."""
    x = torch.from_numpy(X_SMALL)
    tied = Autoencoder(12, 5, tied=True, activation="tanh", seed=0).double()
    untied = Autoencoder(12, 5, tied=False, activation="tanh", seed=1).double()
    with torch.no_grad():
        untied._decoder.copy_(tied.weight)
        untied.weight.copy_(tied.weight)
    for model in (tied, untied):
        reconstruction_loss(model(x), x).backward()
    torch.testing.assert_close(tied.weight.grad, untied.weight.grad + untied._decoder.grad)


def test_seeds_int_generator_and_none():
    a, b, c = (Autoencoder(12, 5, seed=s) for s in (3, 3, 4))
    assert torch.equal(a.weight, b.weight) and not torch.equal(a.weight, c.weight)
    g = Autoencoder(12, 5, seed=torch.Generator().manual_seed(3))
    assert torch.equal(g.weight, a.weight)
    assert not torch.equal(Autoencoder(12, 5).weight, Autoencoder(12, 5).weight)


# --- thresholds: weight tying as one thresholding step ----------------------------------------
def test_hard_threshold_is_the_prox_of_the_l0_penalty():
    """hard_threshold(x, t) minimises ½(z − x)² + (t²/2)·1[z ≠ 0] (ties at |x| = t aside)."""
    x = np.linspace(-3, 3, 601)
    x = x[np.abs(np.abs(x) - 1.0) > 1e-9]
    z = hard_threshold(x, 1.0)

    def cost(v):
        return 0.5 * (v - x) ** 2 + 0.5 * (v != 0)
    for candidate in (np.zeros_like(x), x, x + 0.1, x - 0.1, 0.5 * x):
        assert np.all(cost(z) <= cost(candidate) + 1e-12)


@pytest.mark.parametrize("f, arg", [(hard_threshold, 0.5), (ternary_threshold, 1.0)])
def test_thresholds_keep_kind_dtype_and_device(f, arg):
    for x in (X_SMALL.astype(np.float32), X_SMALL, torch.from_numpy(X_SMALL).float()):
        out = f(x, arg)
        assert type(out) is type(x) and out.dtype == x.dtype and out.shape == x.shape


@settings(max_examples=25, deadline=None)
@given(d=st.integers(2, 24), frac=st.floats(0.2, 1.0), tau=st.floats(0.1, 10.0),
       noise=st.floats(0.0, 0.25), density=st.floats(0.0, 1.0), seed=st.integers(0, 2**16))
def test_threshold_autoencoder_claim(d, frac, tau, noise, density, seed):
    """x = Wz + ε, W orthonormal, z in {0, ±τ}ⁿ, ‖ε‖ ≤ τ/4: hard and ternary thresholds
    reconstruct within ‖ε‖ (ternary: exactly ‖ε‖); soft thresholding misses by the bias τ/2
    on every active code: err_soft² = err_hard² + |S| τ²/4."""
    k = max(1, int(frac * d))
    W = orthonormal(d, k, seed)
    X, Z, E = planted_ternary(W, 20, tau, noise * tau, density=density, seed=seed)
    eps = np.linalg.norm(E, axis=1)
    err = {kind: np.linalg.norm(
        ThresholdAutoencoder.from_dictionary(W, tau, threshold=kind).reconstruct(X) - X, axis=1)
        for kind in ("hard", "ternary", "soft")}
    assert np.all(err["hard"] <= eps + 1e-9 * tau)
    np.testing.assert_allclose(err["ternary"], eps, atol=1e-9 * tau)
    support = (Z != 0).sum(1)
    np.testing.assert_allclose(err["soft"] ** 2, err["hard"] ** 2 + support * tau ** 2 / 4,
                               rtol=1e-9, atol=1e-12 * tau ** 2)
    assert np.all(err["soft"][support > 0] > eps[support > 0])


def test_threshold_encoders_are_one_step_of_their_algorithm():
    W = orthonormal(10, 6, 1)
    X, Z, _ = planted_ternary(W, 50, 2.0, 0.3, seed=2)
    soft = ThresholdAutoencoder.from_dictionary(W, 2.0, threshold="soft").transform(X)
    np.testing.assert_allclose(soft, one_step_encode(X, W, 1.0), atol=1e-12)
    np.testing.assert_allclose(soft, ista(X, W, 1.0, n_iter=1, step=1.0, tol=0.0), atol=1e-12)
    hard = ThresholdAutoencoder.from_dictionary(W, 2.0, threshold="hard").transform(X)
    np.testing.assert_allclose(hard, hard_threshold(X @ W, 1.0), atol=1e-12)
    ternary = ThresholdAutoencoder.from_dictionary(W, 2.0, threshold="ternary").transform(X)
    levels = np.array([-2.0, 0.0, 2.0])                            # nearest of {−τ, 0, τ}
    nearest = levels[np.abs((X @ W)[..., None] - levels).argmin(-1)]
    np.testing.assert_array_equal(ternary, nearest)
    np.testing.assert_array_equal(ternary, Z)                      # noise 0.3 < τ/4 = 0.5


def test_planted_ternary_statistics_and_kinds():
    W = orthonormal(8, 8, 3)
    X, Z, E = planted_ternary(W, 4000, 1.5, 0.2, density=0.25, seed=0)
    assert set(np.unique(Z)) <= {-1.5, 0.0, 1.5}
    assert abs((Z != 0).mean() - 0.25) < 0.02
    np.testing.assert_allclose(np.linalg.norm(E, axis=1), 0.2)
    np.testing.assert_allclose(X, Z @ W.T + E)
    X5, _, _ = planted_ternary(W, 5, 1.5, 0.2, seed=0)
    X32, _, _ = planted_ternary(W.astype(np.float32), 5, 1.5, 0.2, seed=0)
    Xt, _, _ = planted_ternary(torch.from_numpy(W), 5, 1.5, 0.2, seed=0)
    assert X32.dtype == np.float32 and torch.is_tensor(Xt) and Xt.dtype == torch.float64
    np.testing.assert_array_equal(Xt.numpy(), X5)


# --- corruption ----------------------------------------------------------------------------
def test_dropout_statistics():
    x = np.ones((400, 500))
    out = corrupt(x, "dropout", 0.3, seed=0)
    assert out.dtype == np.float64 and out.shape == x.shape
    assert set(np.unique(out)) == {0.0, 1.0}                       # kept entries unchanged
    assert abs((out == 0).mean() - 0.3) < 4 * np.sqrt(0.3 * 0.7 / x.size)
    assert corrupt(x.astype(np.float32), "dropout", 0.3, seed=0).dtype == np.float32


def test_gaussian_statistics_and_identity_at_zero():
    x = torch.zeros(400, 500)
    noise = corrupt(x, "gaussian", 0.5, seed=1)
    assert noise.dtype == torch.float32
    assert abs(float(noise.mean())) < 4 * 0.5 / np.sqrt(x.numel())
    assert abs(float(noise.std()) - 0.5) < 0.01
    for kind in ("dropout", "gaussian"):
        np.testing.assert_array_equal(corrupt(X_SMALL, kind, 0.0, seed=2), X_SMALL)


def test_corruption_is_reproducible_and_callable():
    a = corrupt(X_SMALL, "dropout", 0.5, seed=5)
    np.testing.assert_array_equal(a, corrupt(X_SMALL, "dropout", 0.5, seed=5))
    assert not np.array_equal(a, corrupt(X_SMALL, "dropout", 0.5, seed=6))
    c = Corruption("gaussian", 0.1)
    assert repr(c) == "Corruption(kind='gaussian', level=0.1)"
    g1, g2 = torch.Generator().manual_seed(0), torch.Generator().manual_seed(0)
    t = torch.from_numpy(X_SMALL)
    torch.testing.assert_close(c(t, g1), corrupt(t, "gaussian", 0.1, seed=g2))


# --- training --------------------------------------------------------------------------------
def _digits_like(n=200, d=16, seed=0):
    """Low-rank data in [0, 1]: a few prototypes mixed."""
    rng = np.random.default_rng(seed)
    protos = rng.random((3, d))
    return np.clip(rng.dirichlet(np.ones(3), n) @ protos, 0, 1)


@pytest.mark.parametrize("make, loss", [
    (lambda: Autoencoder(16, 4, output="sigmoid", seed=0), "bce"),
    (lambda: Autoencoder(16, 32, tied=True, seed=0), "mse"),
    (lambda: SparseAutoencoder(16, 8, 0.05, seed=0), "mse"),
    (lambda: PSD(16, 8, 0.05, n_iter=50, seed=0), "mse"),
    (lambda: DeepAutoencoder([16, 8, 3], seed=0), "bce"),
])
def test_loss_decreases(make, loss):
    X = _digits_like()
    history = train(make(), X, loss=loss, epochs=8, batch_size=32, lr=1e-2, seed=0,
                    progress=False)
    t = torch.from_numpy(X).float()
    floor = float(reconstruction_loss(t, t, loss))                 # the loss of x̂ = x
    assert len(history) == 8 and history[-1] - floor < 0.8 * (history[0] - floor)


def test_linear_autoencoder_finds_the_pca_subspace():
    """A tied linear autoencoder trained on the squared loss spans the top-k principal
    subspace (Baldi & Hornik 1989): its principal angles to numpy's SVD vanish."""
    rng = np.random.default_rng(0)
    d, k = 8, 2
    basis = orthonormal(d, d, 1)
    X = (rng.standard_normal((400, d)) * [4.0, 3.0, 1.0, 0.8, 0.6, 0.4, 0.3, 0.2]) @ basis.T
    model = Autoencoder(d, k, tied=True, activation="linear", output="linear", seed=0).double()
    train(model, X, loss="mse", epochs=400, batch_size=400, lr=3e-2, seed=0, progress=False)
    _, _, Vt = np.linalg.svd(X - X.mean(0), full_matrices=False)
    Q = np.linalg.qr(model.weight.detach().numpy())[0]             # (d, k) orthonormal
    cosines = np.linalg.svd(Vt[:k] @ Q, compute_uv=False)          # cos of principal angles
    assert cosines.min() > 0.9999
    # a subspace with a wrong direction is far: the check is not vacuous
    assert np.linalg.svd(Vt[[0, 2]] @ Q, compute_uv=False).min() < 0.1


def test_float64_model_trains_in_float64():
    X = _digits_like()
    model = Autoencoder(16, 4, output="sigmoid", seed=0).double()
    history = train(model, X, loss="bce", epochs=5, batch_size=50, lr=1e-2, seed=0,
                    progress=False)
    assert history[-1] < history[0]
    assert all(p.dtype == torch.float64 for p in model.parameters())
    W, b = model.weight.detach().numpy(), model.bias.detach().numpy()
    codes = model.transform(X)                                    # computed in float64
    np.testing.assert_allclose(codes, 1 / (1 + np.exp(-(X @ W + b))), rtol=1e-12)
    deep = DeepAutoencoder([16, 8, 3], seed=0).double()
    assert len(pretrain(deep, X, loss="bce", epochs=2, batch_size=50, seed=0,
                        progress=False)) == 2


def test_training_is_deterministic_for_a_seed():
    X = _digits_like()
    runs = []
    for seed in (0, 0, 1, torch.Generator().manual_seed(0)):
        model = Autoencoder(16, 6, seed=11)
        h = train(model, X, epochs=3, batch_size=16, seed=seed, progress=False,
                  corruption=Corruption("dropout", 0.3))
        runs.append((h, model.weight.detach().clone()))
    assert runs[0][0] == runs[1][0] and torch.equal(runs[0][1], runs[1][1])
    assert runs[0][0] != runs[2][0]
    assert runs[0][0] == runs[3][0]


def test_denoising_training_sees_corrupted_input_and_clean_target():
    seen = []

    def spy(x, generator):
        seen.append(x.clone())
        return corrupt(x, "dropout", 0.5, seed=generator)
    train(Autoencoder(16, 4), _digits_like(40), epochs=1, batch_size=40, corruption=spy,
          progress=False)
    assert len(seen) == 1 and seen[0].min() > 0                    # the clean batch came in


def test_sparse_autoencoder_loss_is_the_lasso_objective():
    model = SparseAutoencoder(16, 10, 0.2, seed=0)
    x = torch.from_numpy(_digits_like(30)).float()
    z = model.encode(x)
    D = model.dictionary.detach()
    torch.testing.assert_close(D.norm(dim=0), torch.ones(10))
    np.testing.assert_allclose(float(model.training_loss(x).detach()),
                               sparse_objective(x, D, z.detach(), 0.2), rtol=1e-5)


def test_psd_codes_solve_the_augmented_lasso():
    model = PSD(12, 6, 0.1, alpha=2.0, n_iter=5000, tol=1e-10, seed=0).double()
    x = torch.randn(20, 12, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    f = model.encode(x).detach()
    z = model.optimal_codes(x)
    D = model.dictionary.detach()

    def objective(h):
        return (0.5 * (h @ D.T - x).pow(2).sum(1) + 0.1 * h.abs().sum(1)
                + 1.0 * (h - f).pow(2).sum(1))
    gen = torch.Generator().manual_seed(1)
    for _ in range(5):                                             # no perturbation improves
        step = 1e-3 * torch.randn(z.shape, generator=gen, dtype=z.dtype)
        assert torch.all(objective(z) <= objective(z + step) + 1e-12)


def test_psd_gradient_is_the_gradient_of_the_inner_minimum():
    """Envelope theorem: with the codes solved exactly and held fixed, PSD's gradient with
    respect to the dictionary is the gradient of min_z of the objective (finite differences
    of the full objective, inner minimum included)."""
    model = PSD(5, 4, 0.05, alpha=0.5, n_iter=20_000, tol=1e-13, seed=0).double()
    x = torch.randn(3, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    model.training_loss(x).backward()
    direction = torch.randn(model.V.shape, dtype=torch.float64,
                            generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        base = model.V.clone()
        values = []
        for h in (1e-5, -1e-5):
            model.V.copy_(base + h * direction)
            values.append(float(model.training_loss(x)))
        model.V.copy_(base)
    numeric = (values[0] - values[1]) / 2e-5
    np.testing.assert_allclose(float((model.V.grad * direction).sum()), numeric, rtol=1e-4)


def test_pretrain_then_fine_tune():
    X = _digits_like(120)
    model = DeepAutoencoder([16, 8, 3], seed=0)
    histories = pretrain(model, X, loss="bce", epochs=6, batch_size=30, lr=1e-2, seed=0,
                         progress=False)
    assert len(histories) == 2 and all(h[-1] < h[0] for h in histories)
    t = torch.from_numpy(X).float()
    before = float(reconstruction_loss(model.reconstruct(t), t, "bce"))
    fine = train(model, X, loss="bce", epochs=6, batch_size=30, lr=1e-2, seed=0,
                 progress=False)
    assert fine[-1] < before


# --- devices ---------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [
    lambda d: Autoencoder(12, 5, tied=True, device=d),
    lambda d: ThresholdAutoencoder(12, 5, 1.0, device=d),
    lambda d: SparseAutoencoder(12, 5, 0.1, device=d),
    lambda d: DeepAutoencoder([12, 6, 2], device=d),
])
def test_models_follow_their_device(make):
    """On the meta device nothing is computed: any tensor made on the CPU would fail."""
    model = make("meta")
    assert all(p.device.type == "meta" for p in model.parameters())
    assert model.decoder(model.encoder(torch.empty(3, 12, device="meta"))).shape == (3, 12)


@CUDA
def test_everything_runs_on_cuda():
    X = _digits_like()
    for model in (Autoencoder(16, 4, output="sigmoid", device="cuda"), PSD(16, 8, 0.05),
                  DeepAutoencoder([16, 8, 3])):
        h = train(model, X, loss="bce" if not isinstance(model, PSD) else "mse", epochs=2,
                  device="cuda", progress=False)
        assert next(model.parameters()).device.type == "cuda" and len(h) == 2
        out = model.reconstruct(torch.from_numpy(X).double().cuda())
        assert out.device.type == "cuda" and out.dtype == torch.float64
        assert isinstance(model.transform(X), np.ndarray)
    out = corrupt(torch.ones(3, 4, device="cuda"), "dropout", 0.5, seed=0)
    assert out.device.type == "cuda"
    with pytest.raises(ValueError, match="generator on cpu"):
        corrupt(torch.ones(3, 4, device="cuda"), seed=torch.Generator())
    with pytest.raises(ValueError, match="generator on cuda"):          # weights start on cpu
        Autoencoder(4, 2, seed=torch.Generator(device="cuda"))


# --- bad input ---------------------------------------------------------------------------------
@pytest.mark.parametrize("call, error, match", [
    (lambda: Autoencoder(0, 5), ValueError, "n_features"),
    (lambda: Autoencoder(12, 2.5), TypeError, "n_hidden"),
    (lambda: Autoencoder(12, 5, activation="swish"), ValueError, "activation"),
    (lambda: Autoencoder(12, 5, seed=-1), ValueError, "seed"),
    (lambda: Autoencoder(12, 5, seed=1.5), TypeError, "seed"),
    (lambda: ThresholdAutoencoder(12, 5, 0.0), ValueError, "tau"),
    (lambda: ThresholdAutoencoder(12, 5, 1.0, threshold="firm"), ValueError, "threshold"),
    (lambda: SparseAutoencoder(12, 5, -0.1), ValueError, "lam"),
    (lambda: PSD(12, 5, 0.1, alpha=-1), ValueError, "alpha"),
    (lambda: DeepAutoencoder([12]), ValueError, "sizes"),
    (lambda: DeepAutoencoder([12, 0]), ValueError, r"sizes\[1\]"),
    (lambda: corrupt(X_SMALL, "salt", 0.1), ValueError, "kind"),
    (lambda: corrupt(X_SMALL, "dropout", 1.0), ValueError, "level"),
    (lambda: corrupt(X_SMALL, "gaussian", -0.1), ValueError, "level"),
    (lambda: corrupt(X_SMALL[0], "gaussian", 0.1), ValueError, "2-D"),
    (lambda: corrupt(np.full((2, 2), np.nan), "dropout", 0.1), ValueError, "NaN"),
    (lambda: corrupt(X_SMALL, seed="a"), TypeError, "seed"),
    (lambda: Corruption("dropout", -0.5), ValueError, "level"),
    (lambda: hard_threshold(X_SMALL, -1), ValueError, "t must be"),
    (lambda: ternary_threshold(X_SMALL, 0), ValueError, "tau"),
    (lambda: planted_ternary(np.eye(3), 5, 1.0, -0.1), ValueError, "noise"),
    (lambda: ThresholdAutoencoder.from_dictionary(np.ones(3), 1.0), ValueError, "W must be"),
    (lambda: train("model", X_SMALL), TypeError, "torch.nn.Module"),
    (lambda: train(Autoencoder(12, 3), X_SMALL, loss="l1"), ValueError, "loss"),
    (lambda: train(Autoencoder(12, 3), X_SMALL, epochs=0), ValueError, "epochs"),
    (lambda: train(Autoencoder(12, 3), X_SMALL[:, :5]), ValueError, "5 features"),
    (lambda: train(Autoencoder(12, 3), torch.full((4, 12), np.nan)), ValueError,
     "data contains NaN"),
    (lambda: train(Autoencoder(12, 3), X_SMALL, corruption="dropout"), TypeError, "callable"),
    (lambda: train(SparseAutoencoder(12, 3, 0.1), X_SMALL, corruption=Corruption()),
     ValueError, "training_loss"),
    (lambda: pretrain(Autoencoder(12, 3), X_SMALL), TypeError, "DeepAutoencoder"),
    (lambda: pretrain(DeepAutoencoder([10, 3]), X_SMALL), ValueError, "data has 12 columns"),
    (lambda: Autoencoder(12, 3).transform(X_SMALL[:, :, None]), ValueError, "X must be 2-D"),
    (lambda: Autoencoder(12, 3).reconstruct(X_SMALL[:, :5]), ValueError,
     "X has 5 columns but Autoencoder expects 12"),
    (lambda: Autoencoder(12, 3).transform(torch.ones(2, 5)), ValueError, "X has 5 columns"),
    (lambda: Autoencoder(12, 3).transform(torch.full((2, 12), np.inf)), ValueError,
     "X contains NaN or inf"),
    (lambda: Autoencoder(12, 3).reconstruct(torch.ones(12)), ValueError, "X must be 2-D"),
    (lambda: Autoencoder(12, 3)(torch.ones(2, 5)), ValueError, "X has 5 columns"),
    (lambda: Autoencoder(12, 3).encode(np.ones((2, 5))), ValueError, "X has 5 columns"),
    (lambda: Autoencoder(12, 3).decode(np.ones((2, 5))), ValueError,
     "Z has 5 columns but Autoencoder expects 3"),
    (lambda: DeepAutoencoder([12, 6, 2]).decode(torch.ones(2, 6)), ValueError, "Z has 6"),
    (lambda: SparseAutoencoder(12, 7, 0.1).decode(torch.ones(2, 6)), ValueError, "expects 7"),
])
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()
