"""Reference solutions of the chapter exercises, one ``solution_<name>`` per exercise.

They are tested against the checks of :mod:`reprcourse.exercises` (tests/test_exercises.py),
and they are the text of the notebooks' solution cells (tag ``solution``): each uses only
names the chapter notebook imports (numpy as ``np``, torch, and the package functions of that
chapter). Docstrings state the task; the notebook stub repeats them.
"""

import numpy as np
import torch

from reprcourse import (fista, lipschitz_constant, one_step_encode, soft_threshold,
                        sparse_objective)
from reprcourse.inpainting import inpaint, random_mask, smooth_fill
from reprcourse.models import DeepAutoencoder, pretrain, train
from reprcourse.models.vae import gaussian_kl
from reprcourse.recovery import sign_recovered

SEED = 0


# --------------------------------------------------------------------------- chapter 1
def solution_pca_directions(X, k):
    """The first k principal directions of X (n, d) as orthonormal rows, shape (k, d)."""
    Xc = X - X.mean(axis=0)                                      # (n, d) centred
    _, _, Vt = np.linalg.svd(Xc, full_matrices=False)           # rows of Vt: directions
    return Vt[:k]


def solution_assign_labels(X, C):
    """Index of the nearest centre (rows of C, shape (k, d)) of every sample of X (n, d): (n,)."""
    d2 = ((X[:, None, :] - C[None, :, :]) ** 2).sum(-1)          # (n, k) squared distances
    return d2.argmin(axis=1)


def solution_update_centres(X, labels, k):
    """The mean of the samples of each cluster 0..k-1 (every cluster non-empty): (k, d)."""
    return np.stack([X[labels == j].mean(axis=0) for j in range(k)])


def solution_seeding_probabilities(X, C):
    """k-means++: probability that each sample of X (n, d) is the next centre, given the
    centres chosen so far (rows of C): proportional to D(x)², shape (n,)."""
    d2 = ((X[:, None, :] - C[None, :, :]) ** 2).sum(-1).min(axis=1)   # (n,) D(x)²
    return d2 / d2.sum()


def solution_covariance_spectrum(X):
    """Eigenvalues of the sample covariance of X (n, d), largest first: shape (d,)."""
    Xc = X - X.mean(axis=0)                                      # (n, d)
    cov = Xc.T @ Xc / (len(X) - 1)                               # (d, d)
    # Forming XcᵀXc squares the condition number: small variances lose about half of their
    # significant digits, which the SVD of Xc itself avoids.
    return np.linalg.eigh(cov)[0][::-1]                          # eigh sorts ascending


def solution_onehot_check(X, C, labels):
    """For X (n, d), centres C (k, d) and labels (n,): (‖X − HC‖²_F with H the (n, k) one-hot
    codes of the labels, the least-squares decoder given H, shape (k, d))."""
    H = np.eye(len(C))[labels]                                   # (n, k) one-hot codes
    err = ((X - H @ C) ** 2).sum()
    C_ls = np.linalg.lstsq(H, X, rcond=None)[0]                  # (k, d): the cluster means
    return err, C_ls


def solution_lloyd_step(X, C0):
    """The centres (k, d) after one assignment step and one update step from C0 (k, d)."""
    d2 = ((X[:, None, :] - C0[None, :, :]) ** 2).sum(-1)         # (n, k) squared distances
    labels = d2.argmin(axis=1)                                   # assignment step
    return np.stack([X[labels == j].mean(axis=0) for j in range(len(C0))])  # update step


# --------------------------------------------------------------------------- chapter 2
def solution_soft_thresh(x, tau):
    """Soft thresholding sign(x) max(|x| − τ, 0), entrywise; same shape as x."""
    return np.sign(x) * np.maximum(np.abs(x) - tau, 0.0)


def solution_lasso_objective(X, D, H, lam):
    """mean_i ½‖x_i − D h_i‖² + λ‖h_i‖₁ for X (n, d), D (d, k), H (n, k): a float."""
    R = X - H @ D.T                                              # (n, d) residuals
    return float(np.mean(0.5 * (R ** 2).sum(axis=1) + lam * np.abs(H).sum(axis=1)))


def solution_ista_step(H, X, D, lam, alpha):
    """One ISTA step with step size α for all samples: thr_{αλ}(H − α (H Dᵀ − X) D), (n, k)."""
    G = (H @ D.T - X) @ D                                        # (n, k) gradient of ½‖x − Dh‖²
    return soft_threshold(H - alpha * G, alpha * lam)           # the threshold is αλ, not λ


def solution_lipschitz(D):
    """The Lipschitz constant of h ↦ Dᵀ(Dh − x): L = ‖D‖₂² = largest eigenvalue of DᵀD."""
    return float(np.linalg.eigvalsh(D.T @ D)[-1])               # = np.linalg.norm(D, 2) ** 2


def solution_fista_momentum(H, H_prev, t):
    """FISTA's extrapolation from the codes H, H_prev (n, k) and the scalar t:
    t' = (1 + √(1 + 4t²))/2, Y = H + ((t − 1)/t') (H − H_prev). Returns (Y, t')."""
    t_next = (1 + np.sqrt(1 + 4 * t * t)) / 2
    return H + ((t - 1) / t_next) * (H - H_prev), t_next


def solution_zero_code_threshold(X, D):
    """For every sample, the smallest λ at which its lasso code is exactly 0:
    max_j |d_jᵀ x_i|, shape (n,)."""
    # h = 0 is optimal iff 0 is in the subdifferential at 0: ‖Dᵀx‖_∞ ≤ λ.
    return np.abs(X @ D).max(axis=1)


def solution_lecture_update(h, g, alpha, lam):
    """The lecture's rule for codes h and gradients g (arrays of one shape, returned): the
    gradient step h − α g, then move by αλ towards 0, and set to 0 where that would flip the
    sign."""
    h = h - alpha * g                                            # reconstruction step
    shrunk = h - alpha * lam * np.sign(h)                        # sparsity step
    # A coefficient at exactly 0 has sign 0 and is not moved: it stays 0, as thr_τ(0) = 0.
    return np.where(np.sign(h) != np.sign(shrunk), 0.0, shrunk)  # clamp where the sign flips


def solution_my_ista(X, D, lam, n_iter):
    """ISTA from H = 0 with step 1/L for X (n, d), D (d, k): (H (n, k) after n_iter steps,
    the list of the n_iter objectives after each step)."""
    alpha = 1.0 / lipschitz_constant(D)
    H = np.zeros((X.shape[0], D.shape[1]))                       # (n, k)
    objectives = []
    for _ in range(n_iter):
        H = soft_threshold(H - alpha * (H @ D.T - X) @ D, alpha * lam)
        objectives.append(sparse_objective(X, D, H, lam))
    return H, objectives


def solution_one_step_lasso(X, Q, lam):
    """The lasso codes (n, d) for an orthonormal dictionary Q (d, d), in closed form."""
    # ½‖x − Qh‖² = ½‖Qᵀx − h‖²: one scalar problem per coefficient, solved by thr_λ.
    return soft_threshold(X @ Q, lam)


# --------------------------------------------------------------------------- chapter 3
def solution_one_step_code(X, D, lam):
    """One ISTA step from h = 0 with step 1: thr_λ(Dᵀx) for every row of X (n, d): (n, k)."""
    Z = X @ D                                                    # (n, k) = rows of Dᵀx
    return np.sign(Z) * np.maximum(np.abs(Z) - lam, 0.0)


def solution_coherence(D):
    """Mutual coherence max_{i≠j} |⟨d_i, d_j⟩| of the columns of D after normalising them."""
    Dn = D / np.linalg.norm(D, axis=0)                           # unit-norm columns
    G = np.abs(Dn.T @ Dn)                                        # (k, k)
    np.fill_diagonal(G, 0.0)                                     # i ≠ j
    return float(G.max())


def solution_predict_theorem1(h_star, lam):
    """Predict (True/False) whether one step recovers the signs of h_star (shape (k,)) from
    x = D h_star, D orthogonal (k, k), no noise, threshold lam > 0."""
    # Dᵀx = h* exactly (δ = 0): zeros stay in the dead zone, and a non-zero survives iff
    # |h*_i| > λ. So recovery ⇔ λ < the smallest non-zero magnitude.
    support = h_star != 0
    return bool(not support.any() or lam < np.abs(h_star[support]).min())


def solution_predict_theorem2(noise_norm, lam, tau):
    """Predict whether one step recovers the signs of every code with |h*_i| ≥ τ on its
    support from x = D h* + ε, for every noise ε with ‖ε‖₂ = noise_norm (D orthogonal)."""
    # δ = Dᵀε has |δ_i| ≤ ‖ε‖₂, with equality when ε points along one atom. Zeros stay in the
    # dead zone iff ‖ε‖₂ ≤ λ; the weakest non-zero keeps its sign iff τ − ‖ε‖₂ > λ.
    return bool(noise_norm <= lam and tau - noise_norm > lam)


def solution_theorem3_max_sparsity(mu, M, tau, noise_norm, n_atoms):
    """The largest ‖h*‖₀ (at most n_atoms; 0 if none) for which theorem 3 applies with
    coherence mu, magnitudes in [tau, M] and noise of norm noise_norm (λ = τ/2)."""
    if noise_norm > tau / 8:                                     # the noise hypothesis fails
        return 0
    if mu == 0:
        return n_atoms
    return int(min(n_atoms, np.floor(tau / (8 * mu * M))))       # ‖h*‖₀ μ M ≤ τ/8


def solution_max_abs_delta(X, D, H):
    """max_i |(Dᵀx)_i − h*_i| for every row of X (n, d), with D (d, d) orthogonal and the
    true codes H (n, d): shape (n,)."""
    # Dᵀx = h* + Dᵀε, so δ_i = ⟨d_i, ε⟩ and |δ_i| ≤ ‖d_i‖₂ ‖ε‖₂ = ‖ε‖₂ (Cauchy–Schwarz).
    # Dᵀ is orthogonal too, so ‖δ‖₂ = ‖ε‖₂: the noise keeps its length and is only rotated.
    return np.abs(one_step_encode(X, D, 0.0) - H).max(axis=1)   # thr_0 is the identity


def solution_largest_lambda(x, D, h_star, tol=1e-6):
    """The supremum of the λ for which one step recovers the signs of h_star (shape (1, k))
    from the sample x (shape (1, d)), by bisection."""
    # Raising λ only turns entries into zeros, so the good λ form an interval; bisect on its
    # upper end, starting from λ = 0.5, where theorem 2 holds for this exercise's instances.
    def works(lam):
        return bool(sign_recovered(one_step_encode(x, D, lam), h_star)[0])

    lo = 0.5
    if not works(lo):
        raise ValueError("one step does not recover the signs at λ = 0.5")
    hi = lo + 1.0
    while works(hi):                                             # grow until λ is too large
        hi *= 2
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if works(mid) else (lo, mid)
    return lo


def solution_breaking_mu(s, M, tau):
    """The coherence μ* above which one step fails (λ = τ/2, s non-zeros all +M, no noise)."""
    # With DᵀD = (1 − μ)I + μ11ᵀ a zero entry of Dᵀx equals μ Σ_j h*_j = sμM, and a non-zero
    # equals M + (s − 1)μM > λ. The zeros stay in the dead zone while sμM ≤ τ/2, so
    # μ* = τ/(2sM). Theorem 3 allows only μ ≤ τ/(8sM) = μ*/4.
    return tau / (2 * s * M)


# --------------------------------------------------------------------------- chapter 4
def solution_sufficient_statistics(X, H):
    """A = HᵀH (k, k) and B = XᵀH (d, k), for X (n, d) and H (n, k)."""
    return H.T @ H, X.T @ H


def solution_update_atom(D, A, B, j):
    """The exact block-coordinate update of atom j: c = b_j − D a_j + A_jj d_j, d_j = c/‖c‖
    (keep d_j if c = 0). Returns the new atom, shape (d,)."""
    c = B[:, j] - D @ A[:, j] + A[j, j] * D[:, j]                 # (d,)
    norm = np.linalg.norm(c)
    return c / norm if norm > 0 else D[:, j].copy()


def solution_normalize_atoms(D):
    """D (d, k) with every non-zero column scaled to unit l2 norm; zero columns stay zero."""
    norms = np.linalg.norm(D, axis=0)                            # (k,)
    return D / np.where(norms > 0, norms, 1.0)


def solution_masked_objective(X, M, D, H, lam):
    """mean_i ½‖m_i ⊙ (x_i − D h_i)‖² + λ‖h_i‖₁ with the 0/1 masks M (n, d): a float."""
    R = M * (X - H @ D.T)                                        # (n, d): observed residuals
    return float(np.mean(0.5 * (R ** 2).sum(axis=1) + lam * np.abs(H).sum(axis=1)))


def solution_gradient_step(X, H, D, alpha):
    """The lecture's dictionary step: D + α (X − H Dᵀ)ᵀ H / n, then unit-norm columns."""
    R = X - H @ D.T                                              # (n, d) residuals
    D_new = D + alpha * R.T @ H / len(X)                         # (d, k) = D + α (B − D A) / n
    return D_new / np.linalg.norm(D_new, axis=0)


def solution_inpainting_errors(target, D, fractions):
    """{fraction: (RMSE of inpaint, RMSE of smooth_fill)} on the missing pixels of the image
    target (h, w), with the dictionary D (64, k) of 8×8 patches."""
    errors = {}
    for fraction in fractions:
        mask = random_mask(target.shape, fraction, seed=0)      # True = observed
        missing = ~mask

        def rmse(img):
            return float(np.sqrt(np.mean((img - target)[missing] ** 2)))

        errors[fraction] = (rmse(inpaint(target, mask, D, 0.02, stride=2, n_iter=100)),
                            rmse(smooth_fill(target, mask, sigma=1.5)))
    return errors


def solution_transform_codes(components, X, lam):
    """Lasso codes (n, k) of X (n, d) for a dictionary in scikit-learn's layout: components
    of shape (k, d), atoms as rows."""
    return fista(X, components.T, lam, tol=1e-10)               # this course: atoms as columns


# --------------------------------------------------------------------------- chapter 5
def solution_tied_forward(x, W, b, c):
    """A tied autoencoder: z = σ(xW + b) (n, k) and x̂ = σ(zWᵀ + c) (n, d). Returns (z, x̂)."""
    z = torch.sigmoid(x @ W + b)                                 # (n, k) encoder
    x_hat = torch.sigmoid(z @ W.T + c)                           # (n, d) decoder, same W
    return z, x_hat


def solution_tied_loss(x, W, b, c):
    """Cross-entropy of the tied autoencoder's reconstruction of x (n, d), with W (d, k),
    b (k,), c (d,); summed over pixels and averaged over the batch: a scalar tensor."""
    z = torch.sigmoid(x @ W + b)                                 # (n, k)
    x_hat = torch.sigmoid(z @ W.T + c)                           # (n, d)
    ce = -(x * torch.log(x_hat) + (1 - x) * torch.log(1 - x_hat))   # Bernoulli NLL per pixel
    return ce.sum(dim=1).mean()


def solution_corrupt_input(x, kind, level, noise):
    """Corrupt x (n, d) with the random numbers noise (n, d): "dropout" zeroes the entries
    where the uniform noise is below level (no rescaling); "gaussian" adds level * noise."""
    if kind == "dropout":
        return x * (noise >= level)
    return x + level * noise


def solution_soft_encode(x, W, lam):
    """The tied encoder with a soft threshold, thr_λ(xW), for x (n, d), W (d, k): (n, k)."""
    u = x @ W                                                    # (n, k)
    return torch.sign(u) * torch.relu(u.abs() - lam)


def solution_sparse_ae_loss(x, W, b, D, lam):
    """Sparse autoencoder loss for x (n, d), W (d, k), b (k,), D (d, k): z = ReLU(xW + b),
    mean_i ½‖x_i − D z_i‖² + λ‖z_i‖₁, a scalar tensor."""
    z = torch.relu(x @ W + b)                                    # (n, k) codes
    x_hat = z @ D.T                                              # (n, d)
    return (0.5 * (x - x_hat).pow(2).sum(dim=1) + lam * z.abs().sum(dim=1)).mean()


def solution_psd_loss(x, W, b, g, z, D, lam, alpha):
    """PSD loss averaged over the batch, x (n, d), W (d, k), b and g (k,), z (n, k), D (d, k):
    ½‖x − Dz‖² + λ‖z‖₁ + (α/2)‖z − g ⊙ tanh(xW + b)‖², a scalar tensor."""
    prediction = g * torch.tanh(x @ W + b)                       # (n, k) the fast encoder F(x)
    return (0.5 * (x - z @ D.T).pow(2).sum(dim=1) + lam * z.abs().sum(dim=1)
            + 0.5 * alpha * (z - prediction).pow(2).sum(dim=1)).mean()


def solution_soft_error_formula(W, Z, E, tau):
    """‖(I − P_S)ε‖² + |S|τ²/4 for every sample, W (d, k) orthonormal columns, codes Z (n, k),
    noise E (n, d): shape (n,)."""
    out = np.empty(len(Z))
    for i, (z, e) in enumerate(zip(Z, E)):
        W_S = W[:, z != 0]                                       # active atoms, orthonormal
        residual = e - W_S @ (W_S.T @ e)                         # (I − P_S) ε
        out[i] = residual @ residual + (z != 0).sum() * tau ** 2 / 4
    return out


def solution_best_linear_denoiser(Sigma, sigma):
    """The linear map A (d, d) minimising E‖x − A(x + σξ)‖² for data of covariance Sigma
    (d, d): Σ(Σ + σ²I)⁻¹."""
    # gradient: −2 (I − A) Σ + 2 σ² A = 0  ⇒  A = Σ (Σ + σ² I)⁻¹, the Wiener filter
    return Sigma @ np.linalg.inv(Sigma + sigma ** 2 * np.eye(len(Sigma)))


def solution_stack_and_compare(X_train, X_test, epochs=20):
    """(test error pre-trained + fine-tuned, test error trained from random weights), each the
    squared error per image of a DeepAutoencoder([64, 32, 16, 8]); X_train, X_test (n, 64)."""
    errors = []
    for use_pretraining in (True, False):
        model = DeepAutoencoder([64, 32, 16, 8], seed=SEED)
        if use_pretraining:
            pretrain(model, X_train, loss="bce", epochs=epochs, lr=1e-2, batch_size=250,
                     seed=SEED, progress=False)
        train(model, X_train, loss="bce", epochs=epochs, lr=1e-2, batch_size=250, seed=SEED,
              progress=False)
        errors.append(float(((model.reconstruct(X_test) - X_test) ** 2).sum(1).mean()))
    return tuple(errors)


# --------------------------------------------------------------------------- chapter 6
def solution_kl_closed_form(mu, logvar):
    """KL(N(μ, diag σ²) ‖ N(0, I)) = ½ Σ_j (σ_j² + μ_j² − 1 − log σ_j²) per row: (n,)."""
    return 0.5 * (logvar.exp() + mu.pow(2) - 1 - logvar).sum(dim=-1)


def solution_reparameterize(mu, logvar, eps):
    """h = μ + σ ⊙ ε with σ = exp(½ logvar), all (n, k): a sample autograd differentiates."""
    return mu + torch.exp(0.5 * logvar) * eps


def solution_elbo_loss(x, mu, logvar, eps, decoder):
    """Negative ELBO averaged over the batch for x (n, d) and mu, logvar, eps (n, k): one sample
    h = μ + σ ⊙ ε, Bernoulli pixels with logits decoder(h) (n, d), KL in closed form."""
    h = mu + torch.exp(0.5 * logvar) * eps                       # (n, k) reparameterised
    logits = decoder(h)                                          # (n, d)
    nll = torch.nn.functional.binary_cross_entropy_with_logits(
        logits, x, reduction="none").sum(dim=-1)                 # −log p(x | h), (n,)
    kl = 0.5 * (logvar.exp() + mu.pow(2) - 1 - logvar).sum(dim=-1)   # (n,)
    return (nll + kl).mean()                                     # −ELBO = NLL + KL


def solution_log_density(h, mu, logvar):
    """log N(h; μ, diag exp(logvar)) summed over the last axis."""
    return -0.5 * ((h - mu).pow(2) / logvar.exp() + logvar + np.log(2 * np.pi)).sum(dim=-1)


def solution_iwae_estimate(log_w):
    """log (1/K) Σ_s exp(log_w[s]) for log weights of shape (K, n): the IWAE bound, (n,)."""
    return torch.logsumexp(log_w, dim=0) - np.log(log_w.shape[0])   # stable log-mean-exp


def solution_kl_monte_carlo(mu, logvar, n_samples=100_000, seed=0):
    """A Monte Carlo estimate of KL(q ‖ N(0, I)) per row of mu, logvar (numpy, (n, k))."""
    # log q(h) = −½[log 2πσ² + (h − μ)²/σ²] and log p(h) = −½[log 2π + h²]; under q,
    # E[(h − μ)²/σ²] = 1 and E[h²] = μ² + σ², which gives the closed form. Here: average
    # log q(h) − log p(h) over draws h = μ + σε, an unbiased estimate (error ~ 1/√n_samples).
    eps = np.random.default_rng(seed).standard_normal((n_samples, *mu.shape))  # (S, n, k)
    h = mu + np.exp(logvar / 2) * eps
    log_q = -0.5 * (logvar + eps ** 2 + np.log(2 * np.pi))
    log_p = -0.5 * (h ** 2 + np.log(2 * np.pi))
    return (log_q - log_p).sum(-1).mean(0)


def solution_elbo_terms(model, x, seed=0):
    """(reconstruction, kl) for x (n, d): two arrays of shape (n,), one reparameterised draw
    with the noise elbo(model, x, seed=seed) uses; reconstruction − kl = ELBO."""
    x = torch.as_tensor(x, dtype=torch.float32)
    with torch.no_grad():
        mu, logvar = model.encode(x)                             # (n, k) each
        eps = torch.randn(mu.shape, generator=torch.Generator().manual_seed(seed))
        h = mu + torch.exp(0.5 * logvar) * eps                   # the same ε as elbo(...)
        reconstruction = model.log_likelihood(x, h)              # log p(x | h), (n,)
        kl = gaussian_kl(mu, logvar)
    return reconstruction.double().numpy(), kl.double().numpy()
