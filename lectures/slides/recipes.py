"""The slides' figures and sliders: the chapters' own figure and widget calls, on the chapters' data.

Each ``{figure} NAME`` block of a slide source calls ``FIGURES[NAME]()``, which returns a
matplotlib Figure drawn by :mod:`reprcourse.figures`; each ``{widget} NAME`` block calls
``WIDGETS[NAME](figsize=..., dpi=...)``, which returns a :mod:`reprcourse.widgets` widget in
static mode (kernel-free frames) drawn at the size the build asks for. The data and settings
are those of the chapter cell named in each docstring, without the figure titles: on a slide
the heading says what the figure shows. Nothing is trained here: the autoencoders and VAEs
are the package's shipped weights (``reprcourse.models.pretrained``), as in the chapters.
``scripts/build_slides.py`` sizes the figures (text at least 24 px on a 1280 × 720 slide)
and writes the PNGs.
"""

from __future__ import annotations

import functools

import numpy as np

from reprcourse import fista, ista, sparse_encode, sparse_objective
from reprcourse.data import digits, extract_patches, mnist, natural_patches, textures
from reprcourse.figures import (atoms_vs_pca_figure, code_stems_figure, coherence_phase_figure,
                                explained_variance_plot, filters_figure, image_rows_figure,
                                inpainting_figure, latent_map_figure,
                                noise_phase_figure, one_step_figure, penalty_figure,
                                race_figure, soft_threshold_plot, threshold_claim_figure)
from reprcourse.figures.core import new_figure
from reprcourse.structure import kmeans, pca

SEED = 0
FIGURES: dict = {}
WIDGETS: dict = {}


def figure(fn):
    FIGURES[fn.__name__] = fn
    return fn


def widget(fn):
    WIDGETS[fn.__name__] = fn
    return fn


@functools.cache
def _mnist():
    return mnist(5000, seed=SEED)


@functools.cache
def _patches():
    return natural_patches(10_000, size=8, seed=SEED)


# ---------------------------------------------------------------- part 1
@figure
def explained_variance(width=6.4, height=3.6):
    """Chapter 1, cell "How many directions do we need?"."""
    X, _ = _mnist()
    p = pca(X)
    ax = explained_variance_plot(p.explained_variance_ratio, marks=(0.5, 0.9, 0.99),
                                 ax=new_figure(width, height).add_subplot())
    return ax.figure


@figure
def code_stems():
    """Chapter 1, "Two codes, one template": three codes of one 8×8 digit (exact lasso codes
    over the 32 unit-norm k-means centres, ``sparse_encode``'s LARS homotopy)."""
    Xd, yd = digits()
    C, lab, _ = kmeans(Xd, 32, n_init=4, seed=SEED)
    D = C.T / np.linalg.norm(C.T, axis=0)
    H_sc = sparse_encode(Xd[:1], D, lam=0.2, algorithm="lasso_lars")
    pd = pca(Xd)
    return code_stems_figure({
        "PCA code (first 32 of 64 coefficients)": pd.transform(Xd[:1])[0, :32],
        "k-means code (one-hot on the nearest centre)": np.eye(32)[lab[0]],
        "sparse code over the same 32 atoms (λ = 0.2)": H_sc[0],
    })


# ---------------------------------------------------------------- part 2
@figure
def penalty():
    """Chapter 2, "Why not count the non-zeros?"."""
    return penalty_figure(legend="figure")


@figure
def soft_threshold(width=5.0, height=4.0):
    """Chapter 2, "Inference with ISTA": the shrink-or-clamp rule, τ = αλ = 0.5."""
    return soft_threshold_plot(0.5, ax=new_figure(width, height).add_subplot(),
                               legend="direct").figure


def _ch2_dictionaries():
    """Chapter 2, §1: a random dictionary (128 atoms) and the overcomplete DCT (120 atoms)."""
    rng = np.random.default_rng(SEED)
    D_rand = rng.normal(size=(64, 128))
    D_rand /= np.linalg.norm(D_rand, axis=0)
    t = np.arange(8)
    cosines = np.cos(np.pi * np.outer(t + 0.5, np.arange(11)) / 11)
    D_dct = np.kron(cosines, cosines)[:, 1:]
    D_dct -= D_dct.mean(axis=0)
    D_dct /= np.linalg.norm(D_dct, axis=0)
    return {"random": D_rand, "DCT": D_dct}


@figure
def race():
    """Chapter 2, §4: ISTA against FISTA with the same step 1/L, 1 000 patches, λ = 0.5
    (the optimum F* from ``sparse_encode``, LARS, to a relative gap of 1e-12)."""
    X = natural_patches(2000, seed=SEED)[:1000]
    lam = 0.5
    record = np.unique(np.round(np.logspace(0, np.log10(500), 40)).astype(int))
    gaps = {}
    for name, D in _ch2_dictionaries().items():
        F_star = sparse_objective(X, D, sparse_encode(X, D, lam, tol=1e-12), lam)
        for label, solver in (("ISTA", ista), ("FISTA", fista)):
            F = []
            solver(X, D, lam, n_iter=500, tol=0.0,
                   callback=lambda k, H, D=D, F=F: F.append(sparse_objective(X, D, H, lam)))
            gaps[name, label] = np.array(F)[record - 1] - F_star
    return race_figure(gaps, record, lam=lam)


@widget
def sparsity(**frames):
    """Chapter 2, §5 "λ: sparsity against reconstruction": the λ slider."""
    from reprcourse.widgets import sparsity_widget
    X = natural_patches(2000, seed=SEED)
    lams = (0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)
    Xw = X[:400]
    show = np.argsort(-np.abs(Xw).max(axis=1))[:6]
    return sparsity_widget(Xw, _ch2_dictionaries(), lams, show=show, mode="static", **frames)


# ---------------------------------------------------------------- part 3
@figure
def theorem1():
    """Chapter 3, §3 Theorem 1: one step on an orthogonal D, no noise, at a λ between the 2nd
    and 3rd smallest magnitudes of h* (two entries missed; the chapter also shows λ = 0.5)."""
    from reprcourse.instances import orthogonal_dictionary, sparse_codes
    from reprcourse.recovery import recovery_conditions
    rng = np.random.default_rng(SEED)
    D = orthogonal_dictionary(64, seed=rng)
    h = sparse_codes(1, 64, 6, tau=1.0, M=2.0, seed=rng)[0]
    mags = np.sort(np.abs(h[h != 0]))
    lam_big = round(float(mags[1] + mags[2]) / 2, 2)
    panels = []
    for lam in (lam_big,):
        r = recovery_conditions(D, h, None, lam, tau=1.0)
        lost = int(((r.code == 0) & (h != 0)).sum())
        verdict = ("signs recovered" if r.recovered
                   else f"the {lost} entries below λ are missed (set to 0)")
        panels.append((r.z, r.code, lam, f"λ = {lam}: {verdict}"))
    return one_step_figure(h, panels)


@figure
def noise_phase():
    """Chapter 3, theorem 2: the (λ, noise) phase diagrams (100 instances per cell)."""
    from reprcourse.recovery import noise_phase_diagram
    rng = np.random.default_rng(SEED)
    lam_ratios, noise_ratios = np.linspace(0, 1.2, 49), np.linspace(0, 2, 41)
    rates = {kind: noise_phase_diagram(lam_ratios, noise_ratios, n_features=64, n_nonzero=4,
                                       noise_kind=kind, n_trials=100, seed=rng)
             for kind in ("random", "adversarial")}
    return noise_phase_figure(rates["random"], rates["adversarial"], lam_ratios, noise_ratios)


@figure
def coherence_phase():
    """Chapter 3, "How conservative is ‖h*‖₀ μ M ≤ τ/8?"."""
    from reprcourse.recovery import coherence_phase_diagram
    rng = np.random.default_rng(SEED)
    sparsities, mu_M = np.arange(1, 17), np.linspace(0, 0.5, 26)
    rates = {signs: coherence_phase_diagram(sparsities, mu_M, n_atoms=64, M=2.0, signs=signs,
                                            n_trials=100, seed=rng)
             for signs in ("positive", "random")}
    return coherence_phase_figure(rates["positive"], rates["random"], sparsities, mu_M)


@widget
def one_step(**frames):
    """Chapter 3, "Try it: λ and the noise level"."""
    from reprcourse.widgets import one_step_widget
    return one_step_widget(mode="static", **frames)


@widget
def coherence(**frames):
    """Chapter 3, "Try it: the coherence μ"."""
    from reprcourse.widgets import coherence_widget
    return coherence_widget(mode="static", **frames)


# ---------------------------------------------------------------- part 4
@functools.cache
def _learned():
    from reprcourse.dictionary_learning import learn_dictionary
    X = _patches()
    D, H = learn_dictionary(X, 128, 0.5, n_iter=6, seed=SEED, update="bcd", rho=None,
                            progress=False)
    return X, D, H


@figure
def atoms_vs_pca():
    """Chapter 4, "What the atoms look like"."""
    X, D, H = _learned()
    fig = atoms_vs_pca_figure(D, pca(X, n_components=63).components, n_show=25,
                              usage=(H != 0).mean(axis=0))
    fig.suptitle("")                      # the slide's heading says it
    return fig


@figure
def inpainting():
    """Chapter 4, "Application 1: texture inpainting"."""
    from reprcourse.dictionary_learning import learn_dictionary
    from reprcourse.inpainting import inpaint, random_mask, smooth_fill
    brick = textures("brick")
    train, target = brick[:, :320], brick[96:224, 352:480]
    P = extract_patches(train, 10_000, size=8, seed=SEED)
    P -= P.mean(axis=1, keepdims=True)
    D_tex, _ = learn_dictionary(P, 128, 0.02, seed=SEED, progress=False)
    mask = random_mask(target.shape, 0.6, seed=SEED)
    filled = inpaint(target, mask, D_tex, 0.02, stride=2, n_iter=100)
    smooth = smooth_fill(target, mask, sigma=1.5)
    return inpainting_figure(target, mask, {"learned dictionary": filled,
                                            "smoothing baseline": smooth})


# ---------------------------------------------------------------- part 5
@figure
def threshold_claim():
    """Chapter 5, "Weight tying is one step of ISTA": error against ‖ε‖ per threshold."""
    from reprcourse.models import ThresholdAutoencoder, planted_ternary
    rng = np.random.default_rng(SEED)
    W = np.linalg.qr(rng.standard_normal((64, 32)))[0]
    tau = 1.0
    noise_norms = tau * rng.uniform(0.0, 1.0, 3000)
    noise_norms[:5] = 0.0
    X, _, _ = planted_ternary(W, 3000, tau, noise_norms, density=0.2, seed=SEED)
    errors = {}
    for kind in ("hard", "ternary", "soft"):
        model = ThresholdAutoencoder.from_dictionary(W, tau, threshold=kind)
        errors[kind] = np.linalg.norm(model.reconstruct(X) - X, axis=1) / tau
    return threshold_claim_figure(noise_norms / tau, errors)


@functools.cache
def _dae():
    from reprcourse.models import pretrained
    clean = pretrained("dae_clean")
    models = {("dropout", 0.0): clean, ("gaussian", 0.0): clean}
    for kind in ("dropout", "gaussian"):
        for level in (0.25, 0.5):
            models[kind, level] = pretrained(f"dae_{kind}_{int(100 * level)}")
    return models


@figure
def dae_filters():
    """Chapter 5, "Denoising autoencoders": filters at 0 %, 25 % and 50 % masking."""
    models = _dae()
    return filters_figure({f"masking ν = {v:.0%}": models["dropout", v].weight.detach().numpy()
                           for v in (0.0, 0.25, 0.5)}, n=16)


@widget
def denoising(**frames):
    """Chapter 5, §6: the corruption widget (masking ν, Gaussian σ)."""
    from reprcourse.widgets import denoising_widget
    X, _ = _mnist()
    return denoising_widget(_dae(), X[4000:], n_images=5, n_filters=9, seed=SEED,
                            mode="static", **frames)


@figure
def deep_vs_pca():
    """Chapter 5b, "A deep autoencoder against PCA": PCA's three worst digits, then others."""
    from reprcourse.models import pretrained
    X, _ = _mnist()
    train, test = X[:4000], X[4000:]
    deep = pretrained("deep_mnist")
    p = pca(train, n_components=30)
    pca30 = p.inverse_transform(p.transform(test))
    pca_err = ((pca30 - test) ** 2).sum(1)
    deep_recon = deep.reconstruct(test)
    deep_err = ((deep_recon - test) ** 2).sum(1)
    worst = np.argsort(pca_err)[::-1][:3].tolist()
    show = worst + [i for i in range(len(test)) if i not in worst][:5]
    return image_rows_figure({"test digit": test[show], "deep AE (30)": deep_recon[show],
                              "PCA (30)": np.clip(pca30[show], 0, 1)},
                             errors={"deep AE (30)": deep_err[show],
                                     "PCA (30)": pca_err[show]}, n=8)


# ---------------------------------------------------------------- part 6
@functools.cache
def _vaes():
    """Chapter 6, §7 "A VAE on MNIST": the shipped VAEs with 2- and 16-D codes (trained on
    4 500 binarised digits, float64), loaded as in the chapter: nothing is trained here."""
    from reprcourse.models import pretrained
    X, y = _mnist()
    X = (X > 0.5).astype(np.float64)
    models = {k: pretrained(f"vae_mnist_k{k}").double() for k in (2, 16)}
    return X, y, models


@figure
def vae_rows():
    """Chapter 6, §7: reconstructions and prior samples, k = 2 and 16."""
    X, _, models = _vaes()
    test = X[4500:4508]
    return image_rows_figure({
        "held-out digits": test,
        "reconstructed, k = 2": models[2](test),
        "reconstructed, k = 16": models[16](test),
        "prior samples, k = 2": models[2].sample(8, seed=1),
        "prior samples, k = 16": models[16].sample(8, seed=1)}, n=8)


@figure
def latent_map():
    """Chapter 6, "The latent map": the encoder means of the 2-D VAE."""
    X, y, models = _vaes()
    codes, _ = models[2].encode(X)
    return latent_map_figure(np.asarray(codes), y)
