"""Tests of reprcourse.autoencoders, .sparse_autoencoders and .deep_autoencoders."""

import os

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from reprcourse import ista, one_step_encode, sparse_objective
from reprcourse.autoencoders import (Autoencoder, Corruption, corrupt, load,
                                     reconstruction_loss, save, train)
from reprcourse.deep_autoencoders import DeepAutoencoder, pretrain
from reprcourse.sparse_autoencoders import (PSD, SparseAutoencoder, ThresholdAutoencoder,
                                            hard_threshold, planted_ternary, ternary_threshold)

RNG = np.random.default_rng(0)
X_SMALL = RNG.random((60, 12))                                     # data in [0, 1)
CUDA = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


def orthonormal(d, k, seed):
    """A (d, k) matrix with orthonormal columns."""
    q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((d, k)))
    return q


# --- shapes, kinds, weight tying ------------------------------------------------------
@pytest.mark.parametrize("n_hidden", [3, 12, 30])                   # under, complete, over
@pytest.mark.parametrize("tied", [False, True])
def test_autoencoder_shapes_and_kinds(n_hidden, tied):
    model = Autoencoder(12, n_hidden, tied=tied, output="sigmoid")
    x = torch.from_numpy(X_SMALL).float()
    assert model.encode(x).shape == (60, n_hidden)
    assert model(x).shape == (60, 12)
    codes = model.transform(X_SMALL)
    assert isinstance(codes, np.ndarray) and codes.dtype == np.float64
    assert model.reconstruct(X_SMALL.astype(np.float32)).dtype == np.float32
    assert torch.is_tensor(model.reconstruct(x))
    np.testing.assert_allclose(model.reconstruct(X_SMALL), model(x).detach().numpy(), rtol=1e-6)


def test_tied_weights_are_one_parameter():
    tied, untied = Autoencoder(12, 5, tied=True), Autoencoder(12, 5, tied=False)
    assert tied.decoder_weight is tied.weight
    assert sum(p.numel() for p in tied.parameters()) == 12 * 5 + 5 + 12
    assert sum(p.numel() for p in untied.parameters()) == 2 * 12 * 5 + 5 + 12
    # the decoder's gradient lands in the shared weight: decoding alone moves `weight`
    z = torch.rand(4, 5)
    tied.decode(z).sum().backward()
    assert tied.weight.grad is not None and tied.weight.grad.abs().sum() > 0
    with torch.no_grad():
        tied.weight.mul_(2)
    assert torch.equal(tied.decoder_weight, tied.weight)


def test_same_seed_same_init_and_different_seed_differs():
    a, b, c = (Autoencoder(12, 5, seed=s) for s in (3, 3, 4))
    assert torch.equal(a.weight, b.weight) and not torch.equal(a.weight, c.weight)


# --- gradients of the custom pieces -----------------------------------------------------
def test_gradcheck_autoencoder_and_deep_autoencoder():
    x = torch.rand(3, 6, dtype=torch.float64, requires_grad=True)
    for model in (Autoencoder(6, 4, tied=True, output="sigmoid").double(),
                  DeepAutoencoder([6, 5, 2], activation="tanh").double()):
        assert torch.autograd.gradcheck(model, (x,))
        names, params = zip(*[(n, p.detach().clone().requires_grad_())
                              for n, p in model.named_parameters()])
        assert torch.autograd.gradcheck(
            lambda *ps, model=model, names=names: torch.func.functional_call(
                model, dict(zip(names, ps)), (x.detach(),)), params)


def test_gradcheck_thresholds_away_from_the_kink():
    v = torch.tensor([-2.0, -0.9, -0.2, 0.3, 0.8, 1.7], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: hard_threshold(t, 0.5), (v,))
    assert torch.autograd.gradcheck(lambda t: ternary_threshold(t, 1.0), (v,))
    model = ThresholdAutoencoder.from_dictionary(orthonormal(5, 3, 0), 1.0, threshold="hard")
    x = torch.tensor(planted_ternary(orthonormal(5, 3, 0), 2, 1.0, 0.1, seed=1)[0],
                     requires_grad=True)
    assert torch.autograd.gradcheck(model, (x,))


def test_gradcheck_sparse_losses_and_corrupt():
    x = torch.randn(4, 6, dtype=torch.float64)
    sae = SparseAutoencoder(6, 8, 0.1, activation="softplus").double()
    W = sae._encoder.detach().clone().requires_grad_()
    assert torch.autograd.gradcheck(
        lambda w: torch.func.functional_call(sae, {"_encoder": w}, (x,)).sum(), (W,))
    assert torch.autograd.gradcheck(
        lambda w: _call_method(sae, {"_encoder": w}, "training_loss", x), (W,))
    xg = x.clone().requires_grad_()
    assert torch.autograd.gradcheck(lambda t: corrupt(t, "dropout", 0.5, generator=7), (xg,))
    assert torch.autograd.gradcheck(lambda t: corrupt(t, "gaussian", 0.3, generator=7), (xg,))


def _call_method(model, params, method, x):
    """``model.<method>(x)`` with some parameters replaced by the given tensors."""
    saved = {n: getattr(model, n) for n in params}
    try:
        for n, v in params.items():
            delattr(model, n)
            setattr(model, n, v)
        return getattr(model, method)(x)
    finally:
        for n, v in saved.items():
            delattr(model, n)
            setattr(model, n, v)


def test_psd_gradient_is_the_gradient_of_the_inner_minimum():
    """Envelope theorem: with the codes solved exactly and held fixed, PSD's gradient with
    respect to the dictionary is the gradient of min_z of the objective."""
    torch.manual_seed(0)
    model = PSD(5, 4, 0.05, alpha=0.5, n_iter=20_000, tol=1e-13).double()
    x = torch.randn(3, 5, dtype=torch.float64)
    V = model.V.detach().clone().requires_grad_()
    assert torch.autograd.gradcheck(lambda v: _call_method(model, {"V": v}, "training_loss", x),
                                    (V,), eps=1e-6, atol=1e-5)


# --- weight tying as one thresholding step: the lecture's claim --------------------------
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


def test_planted_ternary_statistics():
    W = orthonormal(8, 8, 3)
    X, Z, E = planted_ternary(W, 4000, 1.5, 0.2, density=0.25, seed=0)
    assert set(np.unique(Z)) <= {-1.5, 0.0, 1.5}
    assert abs((Z != 0).mean() - 0.25) < 0.02
    np.testing.assert_allclose(np.linalg.norm(E, axis=1), 0.2)
    np.testing.assert_allclose(X, Z @ W.T + E)


# --- corruption ----------------------------------------------------------------------
def test_dropout_statistics():
    x = np.ones((400, 500))
    out = corrupt(x, "dropout", 0.3, generator=0)
    assert out.dtype == np.float64 and out.shape == x.shape
    assert set(np.unique(out)) == {0.0, 1.0}                       # kept entries unchanged
    assert abs((out == 0).mean() - 0.3) < 4 * np.sqrt(0.3 * 0.7 / x.size)


def test_gaussian_statistics_and_identity_at_zero():
    x = torch.zeros(400, 500)
    noise = corrupt(x, "gaussian", 0.5, generator=1)
    assert noise.dtype == torch.float32
    assert abs(float(noise.mean())) < 4 * 0.5 / np.sqrt(x.numel())
    assert abs(float(noise.std()) - 0.5) < 0.01
    for kind in ("dropout", "gaussian"):
        np.testing.assert_array_equal(corrupt(X_SMALL, kind, 0.0, generator=2), X_SMALL)


def test_corruption_is_reproducible_and_callable():
    a = corrupt(X_SMALL, "dropout", 0.5, generator=5)
    np.testing.assert_array_equal(a, corrupt(X_SMALL, "dropout", 0.5, generator=5))
    assert not np.array_equal(a, corrupt(X_SMALL, "dropout", 0.5, generator=6))
    c = Corruption("gaussian", 0.1)
    assert repr(c) == "Corruption(kind='gaussian', level=0.1)"
    g1, g2 = torch.Generator().manual_seed(0), torch.Generator().manual_seed(0)
    t = torch.from_numpy(X_SMALL)
    torch.testing.assert_close(c(t, g1), corrupt(t, "gaussian", 0.1, g2))


# --- training ----------------------------------------------------------------------
def _digits_like(n=200, d=16, seed=0):
    """Low-rank data in [0, 1]: a few prototypes mixed."""
    rng = np.random.default_rng(seed)
    protos = rng.random((3, d))
    return np.clip(rng.dirichlet(np.ones(3), n) @ protos, 0, 1)


@pytest.mark.parametrize("make, loss", [
    (lambda: Autoencoder(16, 4, output="sigmoid"), "bce"),
    (lambda: Autoencoder(16, 32, tied=True), "mse"),
    (lambda: SparseAutoencoder(16, 8, 0.05), "mse"),
    (lambda: PSD(16, 8, 0.05, n_iter=50), "mse"),
    (lambda: DeepAutoencoder([16, 8, 3]), "bce"),
])
def test_loss_decreases(make, loss):
    X = _digits_like()
    history = train(make(), X, loss=loss, epochs=8, batch_size=32, lr=1e-2, progress=False)
    t = torch.from_numpy(X).float()
    floor = float(reconstruction_loss(t, t, loss))                 # the loss of x̂ = x
    assert len(history) == 8 and history[-1] - floor < 0.8 * (history[0] - floor)


def test_training_is_deterministic_for_a_seed():
    X = _digits_like()
    runs = []
    for seed in (0, 0, 1):
        model = Autoencoder(16, 6, seed=11)
        h = train(model, X, epochs=3, batch_size=16, seed=seed, progress=False,
                  corruption=Corruption("dropout", 0.3))
        runs.append((h, model.weight.detach().clone()))
    assert runs[0][0] == runs[1][0] and torch.equal(runs[0][1], runs[1][1])
    assert runs[0][0] != runs[2][0]


def test_denoising_training_sees_corrupted_input_and_clean_target():
    seen = []

    def spy(x, generator):
        seen.append(x.clone())
        return corrupt(x, "dropout", 0.5, generator)
    train(Autoencoder(16, 4), _digits_like(40), epochs=1, batch_size=40, corruption=spy,
          progress=False)
    assert len(seen) == 1 and seen[0].min() > 0                    # the clean batch came in


def test_sparse_autoencoder_loss_is_the_lasso_objective():
    model = SparseAutoencoder(16, 10, 0.2)
    x = torch.from_numpy(_digits_like(30)).float()
    z = model.encode(x)
    D = model.dictionary.detach()
    torch.testing.assert_close(D.norm(dim=0), torch.ones(10))
    np.testing.assert_allclose(float(model.training_loss(x).detach()),
                               sparse_objective(x, D, z.detach(), 0.2), rtol=1e-5)


def test_psd_codes_solve_the_augmented_lasso():
    model = PSD(12, 6, 0.1, alpha=2.0, n_iter=5000, tol=1e-10).double()
    x = torch.randn(20, 12, dtype=torch.float64)
    f = model.encode(x).detach()
    z = model.optimal_codes(x)
    D = model.dictionary.detach()

    def objective(h):
        return (0.5 * (h @ D.T - x).pow(2).sum(1) + 0.1 * h.abs().sum(1)
                + 1.0 * (h - f).pow(2).sum(1))
    for _ in range(5):                                             # no perturbation improves
        assert torch.all(objective(z) <= objective(z + 1e-3 * torch.randn_like(z)) + 1e-12)


def test_pretrain_then_fine_tune():
    X = _digits_like(120)
    model = DeepAutoencoder([16, 8, 3], seed=0)
    histories = pretrain(model, X, loss="bce", epochs=6, batch_size=30, lr=1e-2, progress=False)
    assert len(histories) == 2 and all(h[-1] < h[0] for h in histories)
    before = reconstruction_loss(model.reconstruct(torch.from_numpy(X).float()),
                                 torch.from_numpy(X).float(), "bce")
    fine = train(model, X, loss="bce", epochs=6, batch_size=30, lr=1e-2, progress=False)
    assert fine[-1] < float(before)


# --- checkpoints ----------------------------------------------------------------------
@pytest.mark.parametrize("make", [
    lambda: Autoencoder(12, 5, tied=True, activation="relu"),
    lambda: ThresholdAutoencoder(12, 5, 0.7, threshold="ternary"),
    lambda: SparseAutoencoder(12, 5, 0.1, tied=True),
    lambda: PSD(12, 5, 0.1),
    lambda: DeepAutoencoder([12, 6, 2], activation="relu"),
])
def test_save_load_roundtrip(tmp_path, make):
    model = make()
    path = tmp_path / "m.pt"
    save(model, path, meta={"history": [1.0, 0.5], "note": "x"})
    loaded, meta = load(path, with_meta=True)
    assert type(loaded) is type(model) and meta == {"history": [1.0, 0.5], "note": "x"}
    torch.testing.assert_close(loaded(torch.from_numpy(X_SMALL).float()),
                               model(torch.from_numpy(X_SMALL).float()))
    assert os.listdir(tmp_path) == ["m.pt"]                        # no temporary file left


def test_save_half_and_failed_save_leaves_nothing(tmp_path):
    model = Autoencoder(12, 5)
    save(model, tmp_path / "h.pt", half=True)
    torch.testing.assert_close(load(tmp_path / "h.pt").weight, model.weight, atol=1e-3,
                               rtol=1e-3)
    with pytest.raises(Exception):
        save(model, tmp_path / "bad.pt", meta={"obj": object()})
    assert sorted(os.listdir(tmp_path)) == ["h.pt"]


def test_load_rejects_foreign_files(tmp_path):
    torch.save({"weights": torch.zeros(2)}, tmp_path / "other.pt")
    with pytest.raises(ValueError, match="not a reprcourse"):
        load(tmp_path / "other.pt")
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "missing.pt")
    with pytest.raises(TypeError, match="reprcourse autoencoder"):
        save(torch.nn.Linear(2, 2), tmp_path / "lin.pt")


# --- devices ---------------------------------------------------------------------------
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
    assert model(torch.empty(3, 12, device="meta")).shape == (3, 12)


@CUDA
def test_everything_runs_on_cuda(tmp_path):
    X = _digits_like()
    for model in (Autoencoder(16, 4, output="sigmoid", device="cuda"), PSD(16, 8, 0.05),
                  DeepAutoencoder([16, 8, 3])):
        h = train(model, X, loss="bce" if not isinstance(model, PSD) else "mse", epochs=2,
                  device="cuda", progress=False)
        assert next(model.parameters()).device.type == "cuda" and len(h) == 2
    out = corrupt(torch.ones(3, 4, device="cuda"), "dropout", 0.5, generator=0)
    assert out.device.type == "cuda"
    save(model, tmp_path / "c.pt")
    assert next(load(tmp_path / "c.pt", device="cuda").parameters()).device.type == "cuda"


# --- bad input --------------------------------------------------------------------------
@pytest.mark.parametrize("call, error, match", [
    (lambda: Autoencoder(0, 5), ValueError, "n_features"),
    (lambda: Autoencoder(12, 2.5), TypeError, "n_hidden"),
    (lambda: Autoencoder(12, 5, activation="swish"), ValueError, "activation"),
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
    (lambda: Corruption("dropout", -0.5), ValueError, "level"),
    (lambda: hard_threshold(X_SMALL, -1), ValueError, "t must be"),
    (lambda: ternary_threshold(X_SMALL, 0), ValueError, "tau"),
    (lambda: planted_ternary(np.eye(3), 5, 1.0, -0.1), ValueError, "noise"),
    (lambda: ThresholdAutoencoder.from_dictionary(np.ones(3), 1.0), ValueError, "W must be"),
    (lambda: train("model", X_SMALL), TypeError, "torch.nn.Module"),
    (lambda: train(Autoencoder(12, 3), X_SMALL, loss="l1"), ValueError, "loss"),
    (lambda: train(Autoencoder(12, 3), X_SMALL, epochs=0), ValueError, "epochs"),
    (lambda: train(Autoencoder(12, 3), X_SMALL[:, :5]), ValueError, "5 features"),
    (lambda: train(Autoencoder(12, 3), X_SMALL, corruption="dropout"), TypeError, "callable"),
    (lambda: train(SparseAutoencoder(12, 3, 0.1), X_SMALL, corruption=Corruption()),
     ValueError, "training_loss"),
    (lambda: pretrain(Autoencoder(12, 3), X_SMALL), TypeError, "DeepAutoencoder"),
    (lambda: pretrain(DeepAutoencoder([10, 3]), X_SMALL), ValueError, "12 features"),
    (lambda: Autoencoder(12, 3).transform(X_SMALL[:, :, None]), ValueError, "2-D"),
    (lambda: Autoencoder(12, 3).reconstruct(X_SMALL[:, :5]), ValueError, "n_features=12"),
])
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --- chapter 5 figures and widget ------------------------------------------------------
def test_chapter_figures_draw_what_they_are_given():
    from reprcourse.plotting import (code_scatter, denoising_panel, filter_panels,
                                     grouped_bars, image_rows, line_plot, threshold_claim)
    images = RNG.random((5, 16))
    fig = image_rows({"a": images, "b": images}, n=4, errors={"b": np.arange(5.0)})
    assert len(fig.axes) == 8 and fig.axes[4].texts[0].get_text() == "0"
    assert len(filter_panels({"x": RNG.standard_normal((16, 9)), "y": np.eye(16)}).axes) == 2
    ax = threshold_claim(np.linspace(0, 1, 5), {"hard": np.linspace(0, 1, 5) / 2})
    assert ax.get_xlabel().startswith("noise") and len(ax.lines) == 2
    ax = grouped_bars({"g1": {"autoencoder": 1.0, "PCA": 2.0}, "g2": {"autoencoder": 3.0}})
    assert len(ax.patches) == 4 and np.isnan(ax.patches[3].get_height())
    ax = line_plot([1, 2], {"PCA, x": [1, 2], "other": [2, 1]}, styles={"other": "--"},
                   colors={"other": "k"})
    assert ax.lines[1].get_linestyle() == "--" and ax.lines[1].get_color() == "k"
    assert len(code_scatter({"enc": RNG.random((4, 3))}, RNG.random((4, 3))).lines) == 2
    fig = denoising_panel(images[:3], images[:3], images[:3], RNG.standard_normal((16, 4)))
    again = denoising_panel(images[:2], images[:2], images[:2], RNG.standard_normal((16, 4)),
                            fig=fig, title="new")
    assert again is fig and all(len(ax.images) == 1 for ax in fig.axes)
    with pytest.raises(ValueError, match="2-D"):
        image_rows({"a": images[0]})


def _tiny_denoisers():
    base = Autoencoder(16, 4, tied=True, output="sigmoid")
    return {("dropout", 0.0): base, ("gaussian", 0.0): base,
            ("dropout", 0.5): Autoencoder(16, 4, tied=True, seed=1),
            ("gaussian", 0.5): Autoencoder(16, 4, tied=True, seed=2)}


def test_denoising_widget_live_and_static():
    from reprcourse.widgets import denoising_widget
    X = RNG.random((10, 16))
    w = denoising_widget(_tiny_denoisers(), X, n_images=3, n_filters=4, shape=(4, 4),
                         mode="live")
    kind, level = w.kwargs_widgets
    level.value = 0.0
    first = w.result._suptitle.get_text()
    kind.value, level.value = "gaussian", 0.5
    assert "Gaussian" in w.result._suptitle.get_text() and w.result._suptitle.get_text() != first
    html = denoising_widget(_tiny_denoisers(), X, n_images=3, n_filters=4, shape=(4, 4),
                            mode="static").data
    assert html.count("data:image/png;base64") == 4 + 1          # 4 frames + the first shown


def test_denoising_widget_needs_every_level_for_every_kind():
    from reprcourse.widgets import denoising_widget
    models = _tiny_denoisers()
    del models["gaussian", 0.5]
    with pytest.raises(ValueError, match="lack"):
        denoising_widget(models, RNG.random((10, 16)), shape=(4, 4))
