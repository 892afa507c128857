"""Tests of reprcourse.instances and reprcourse.recovery: the generators, the three theorems,
and where they break."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from reprcourse.instances import (adversarial_noise, equicorrelated_dictionary,
                                  gaussian_dictionary, noise, orthogonal_dictionary, sparse_codes,
                                  union_of_bases, welch_bound)
from reprcourse.recovery import (THEOREMS, coherence_phase_diagram, noise_phase_diagram,
                                 recovery_conditions, recovery_interval, sign_errors,
                                 sign_recovered, theorem_title)
from reprcourse.sparse_coding import mutual_coherence, one_step_encode

FAST = settings(max_examples=25, deadline=None)
seeds = st.integers(0, 2**32 - 1)


def planted(D, H, E):
    """x = D h* + ε for every row."""
    return H @ D.T + E


# ------------------------------------------------------------------ generators
@FAST
@given(seeds, st.integers(1, 40))
def test_orthogonal_dictionary_is_orthogonal(seed, d):
    D = orthogonal_dictionary(d, seed=seed)
    np.testing.assert_allclose(D.T @ D, np.eye(d), atol=1e-12)
    np.testing.assert_allclose(D @ D.T, np.eye(d), atol=1e-12)


def test_generators_are_seeded():
    np.testing.assert_array_equal(orthogonal_dictionary(8, seed=3),
                                  orthogonal_dictionary(8, seed=3))
    assert not np.allclose(gaussian_dictionary(8, 16, seed=3), gaussian_dictionary(8, 16, seed=4))
    np.testing.assert_array_equal(sparse_codes(5, 20, 3, seed=1), sparse_codes(5, 20, 3, seed=1))
    np.testing.assert_array_equal(noise(4, 6, 0.3, seed=2), noise(4, 6, 0.3, seed=2))


@FAST
@given(seeds, st.integers(2, 40), st.integers(1, 80))
def test_gaussian_dictionary_has_unit_atoms_above_welch(seed, d, k):
    D = gaussian_dictionary(d, k, seed=seed)
    assert D.shape == (d, k)
    np.testing.assert_allclose(np.linalg.norm(D, axis=0), 1.0, atol=1e-12)
    assert mutual_coherence(D) >= welch_bound(d, k) - 1e-12


@pytest.mark.parametrize("d", [4, 16, 64, 256])
def test_identity_union_hadamard_has_coherence_one_over_sqrt_d(d):
    D = union_of_bases(d, "hadamard")
    assert D.shape == (d, 2 * d)
    np.testing.assert_allclose(D[:, d:].T @ D[:, d:], np.eye(d), atol=1e-12)
    assert mutual_coherence(D) == pytest.approx(1 / np.sqrt(d), rel=1e-12)
    assert 1 / np.sqrt(d) <= np.sqrt(2) * welch_bound(d, 2 * d)   # near-optimal


@pytest.mark.parametrize("d, shrink", [(8, True), (64, True), (5, False), (60, False)])
def test_identity_union_dct(d, shrink):
    D = union_of_bases(d, "dct")
    np.testing.assert_allclose(D[:, d:].T @ D[:, d:], np.eye(d), atol=1e-12)
    expected = np.sqrt(2 / d) * (np.cos(np.pi / (2 * d)) if shrink else 1.0)
    assert mutual_coherence(D) == pytest.approx(expected, rel=1e-12)


@FAST
@given(seeds, st.integers(1, 30), st.floats(0, 0.95), st.integers(0, 5))
def test_equicorrelated_dictionary_has_exact_gram(seed, k, mu, extra):
    D = equicorrelated_dictionary(k, mu, n_features=k + extra, seed=seed)
    assert D.shape == (k + extra, k)
    np.testing.assert_allclose(D.T @ D, (1 - mu) * np.eye(k) + mu, atol=1e-12)
    if k > 1:
        assert mutual_coherence(D) == pytest.approx(mu, abs=1e-12)


@FAST
@given(seeds, st.integers(1, 50), st.integers(0, 50), st.floats(0.1, 3), st.floats(1, 3),
       st.sampled_from(["random", "positive"]))
def test_sparse_codes_support_and_magnitudes(seed, k, s, tau, ratio, signs):
    s = min(s, k)
    H = sparse_codes(7, k, s, tau=tau, M=ratio * tau, signs=signs, seed=seed)
    assert H.shape == (7, k)
    assert ((H != 0).sum(1) == s).all()
    mags = np.abs(H[H != 0])
    assert (mags >= tau).all() and (mags <= ratio * tau).all()
    if signs == "positive":
        assert (H >= 0).all()


@FAST
@given(seeds, st.integers(1, 30), st.floats(0, 5))
def test_noise_rows_have_the_given_norm(seed, d, norm):
    E = noise(6, d, norm, seed=seed)
    np.testing.assert_allclose(np.linalg.norm(E, axis=1), norm, rtol=1e-12, atol=1e-15)


@FAST
@given(seeds, st.floats(0, 2))
def test_adversarial_noise_pushes_the_weakest_entry_down_by_its_norm(seed, norm):
    D = orthogonal_dictionary(12, seed=seed)
    H = sparse_codes(5, 12, 3, tau=1.0, M=2.0, seed=seed)
    E = adversarial_noise(D, H, norm)
    np.testing.assert_allclose(np.linalg.norm(E, axis=1), norm, atol=1e-12)
    weakest = np.where(H != 0, np.abs(H), np.inf).argmin(1)
    rows = np.arange(5)
    delta = (E @ D)[rows, weakest] * np.sign(H[rows, weakest])
    np.testing.assert_allclose(delta, -norm, atol=1e-12)
    lifted = adversarial_noise(D, H, norm, target="off_support") @ D    # a zero lifted to norm
    np.testing.assert_allclose(np.where(H == 0, lifted, 0).max(1), norm, atol=1e-12)
    np.testing.assert_allclose(np.abs(lifted).max(1), norm, atol=1e-12)


# ------------------------------------------------------------------ sign_recovered, intervals
def test_sign_recovered_counts_zeros_and_signs():
    H_star = np.array([[1.0, 0.0, -2.0], [1.0, 0.0, -2.0], [1.0, 0.0, -2.0]])
    H = np.array([[0.3, 0.0, -0.1], [0.3, 1e-9, -0.1], [0.3, 0.0, 0.1]])
    np.testing.assert_array_equal(sign_recovered(H, H_star), [True, False, False])
    assert sign_recovered(H[0], H_star[0]) is True
    out = sign_recovered(torch.tensor(H), torch.tensor(H_star))
    assert isinstance(out, torch.Tensor) and out.tolist() == [True, False, False]


@settings(max_examples=15, deadline=None)
@given(seeds, st.integers(4, 20), st.integers(0, 6), st.floats(0, 0.8))
def test_recovery_interval_matches_one_step_at_every_lambda(seed, d, s, noise_norm):
    rng = np.random.default_rng(seed)
    D = gaussian_dictionary(d, 2 * d, seed=rng)
    H = sparse_codes(30, 2 * d, min(s, 2 * d), tau=1.0, M=2.0, seed=rng)
    X = planted(D, H, noise(30, d, noise_norm, seed=rng))
    lo, hi = recovery_interval(X, D, H)
    for lam in np.linspace(0, 3, 9):
        ok = sign_recovered(one_step_encode(X, D, lam), H)
        near = np.minimum(np.abs(lo - lam), np.abs(hi - lam)) < 1e-9   # ties: skip
        np.testing.assert_array_equal(ok[~near], ((lo <= lam) & (lam < hi))[~near])


def test_recovery_interval_torch_in_torch_out():
    D = orthogonal_dictionary(8, seed=0)
    H = sparse_codes(4, 8, 2, seed=1)
    lo, hi = recovery_interval(torch.tensor(planted(D, H, 0)), torch.tensor(D), torch.tensor(H))
    lo_np, hi_np = recovery_interval(planted(D, H, 0), D, H)
    assert isinstance(lo, torch.Tensor)
    np.testing.assert_allclose(lo.numpy(), lo_np)
    np.testing.assert_allclose(hi.numpy(), hi_np)


@pytest.mark.parametrize("kind", ["numpy", "torch"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_recovery_interval_keeps_the_kind_and_dtype_of_its_input(kind, dtype):
    """numpy in gives numpy out, tensors give tensors; float32 stays float32 (DESIGN.md)."""
    D = orthogonal_dictionary(8, seed=0)
    H = sparse_codes(4, 8, 2, seed=1)
    X = planted(D, H, noise(4, 8, 0.1, seed=2))
    args = [a.astype(dtype) for a in (X, D, H)]
    if kind == "torch":
        args = [torch.from_numpy(a) for a in args]
    lo, hi = recovery_interval(*args)
    ref_lo, ref_hi = recovery_interval(X, D, H)
    for got, ref in ((lo, ref_lo), (hi, ref_hi)):
        assert isinstance(got, torch.Tensor if kind == "torch" else np.ndarray)
        assert str(got.dtype).endswith(dtype)
        np.testing.assert_allclose(np.asarray(got), ref, rtol=1e-5)


def test_sign_errors_tell_missed_from_wrong():
    H_star = np.array([[1.0, 0.0, -2.0, 0.5], [1.0, 0.0, -2.0, 0.5]])
    H = np.array([[0.0, 0.0, -1.0, 0.1], [0.3, -0.2, 1.0, 0.0]])
    missed, wrong = sign_errors(H, H_star)
    np.testing.assert_array_equal(missed, [[True, False, False, False],
                                           [False, False, False, True]])
    np.testing.assert_array_equal(wrong, [[False, False, False, False],
                                          [False, True, True, False]])  # false + flip
    assert (sign_recovered(H, H_star) == ~(missed | wrong).any(1)).all()
    m_t, w_t = sign_errors(torch.tensor(H), torch.tensor(H_star))
    assert m_t.tolist() == missed.tolist() and w_t.tolist() == wrong.tolist()


def test_theorem_titles_come_from_one_list():
    assert [theorem_title(k) for k in THEOREMS] == [f"Theorem {k} ({THEOREMS[k]})"
                                                    for k in (1, 2, 3)]
    with pytest.raises(ValueError, match="k must be"):
        theorem_title(4)


def test_generators_default_to_a_fresh_seed():
    assert orthogonal_dictionary(4).shape == (4, 4)
    assert sparse_codes(2, 6, 2).shape == (2, 6) and noise(2, 3, 1.0).shape == (2, 3)
    assert noise_phase_diagram([0.5], [0.0], n_features=8, n_trials=3).shape == (1, 1)


# ------------------------------------------------------------------ the three theorems
UNION_256 = union_of_bases(256)                          # μ = 1/16


@FAST
@given(seeds, st.integers(2, 48), st.data(), st.floats(1, 3), st.floats(0.01, 0.99),
       st.floats(0.1, 10))
def test_theorem_1_orthogonal_noiseless(seed, d, data, ratio, lam_ratio, tau):
    s = data.draw(st.integers(0, d))
    rng = np.random.default_rng(seed)
    D = orthogonal_dictionary(d, seed=rng)
    H = sparse_codes(20, d, s, tau=tau, M=ratio * tau, seed=rng)
    lam = lam_ratio * tau
    assert sign_recovered(one_step_encode(planted(D, H, 0), D, lam), H).all()
    report = recovery_conditions(D, H[0], None, lam, tau)
    assert 1 in report.satisfied and report.recovered


@FAST
@given(seeds, st.integers(2, 48), st.data(), st.floats(1, 3), st.floats(0, 0.25),
       st.sampled_from(["random", "adversarial"]))
def test_theorem_2_orthogonal_noisy(seed, d, data, ratio, noise_ratio, kind):
    s = data.draw(st.integers(0, d))
    tau = 1.5
    rng = np.random.default_rng(seed)
    D = orthogonal_dictionary(d, seed=rng)
    H = sparse_codes(20, d, s, tau=tau, M=ratio * tau, seed=rng)
    E = (noise(20, d, noise_ratio * tau, seed=rng) if kind == "random"
         else adversarial_noise(D, H, noise_ratio * tau))
    X = planted(D, H, E)
    assert sign_recovered(one_step_encode(X, D, tau / 2), H).all()
    report = recovery_conditions(D, H[0], E[0], tau / 2, tau)
    assert 2 in report.satisfied and report.recovered
    assert report.delta_max <= tau / 4 + 1e-12          # the proof's |δ_i| ≤ τ/4


@FAST
@given(seeds, st.sampled_from(["union", "equicorrelated"]), st.integers(1, 6),
       st.floats(1, 2), st.floats(0, 1), st.floats(0, 0.125),
       st.sampled_from(["random", "positive"]))
def test_theorem_3_incoherent_noisy(seed, kind, s, ratio, fill, noise_ratio, signs):
    tau, M = 1.0, ratio
    rng = np.random.default_rng(seed)
    if kind == "union":                                  # μ = 1/√d: the largest s allowed
        d = 256
        D = UNION_256
        s = max(1, min(s, int(np.sqrt(d) / (8 * M))))
    else:                                                # any μ ≤ τ / (8 s M)
        D = equicorrelated_dictionary(48, fill * tau / (8 * s * M), seed=rng)
    d, k = D.shape
    H = sparse_codes(20, k, s, tau=tau, M=M, signs=signs, seed=rng)
    E = noise(20, d, noise_ratio * tau, seed=rng)
    X = planted(D, H, E)
    assert sign_recovered(one_step_encode(X, D, tau / 2), H).all()
    report = recovery_conditions(D, H[0], E[0], tau / 2, tau, M=M)
    assert 3 in report.satisfied and report.recovered, report
    # μ and ‖ε‖ are computed in floating point: compare at 1e-9, not at the last bit
    assert report.delta_max <= s * report.mu * M + report.noise_norm + 1e-9 <= tau / 4 + 2e-9


# ------------------------------------------------------------------ where the theorems break
@FAST
@given(seeds, st.integers(2, 32), st.integers(1, 8), st.floats(1 + 1e-6, 3))
def test_lambda_at_least_tau_loses_the_smallest_entries(seed, d, s, lam_ratio):
    """Theorem 1 is sharp: with |h*_i| = τ on the support, any λ > τ zeroes everything."""
    D = orthogonal_dictionary(d, seed=seed)
    H = sparse_codes(20, d, min(s, d), tau=1.0, seed=seed)          # every |h*_i| = τ
    H_hat = one_step_encode(planted(D, H, 0), D, lam_ratio)
    assert not sign_recovered(H_hat, H).any()
    report = recovery_conditions(D, H[0], None, lam_ratio, 1.0)
    assert 1 not in report.satisfied and not report.recovered


def test_noise_bound_is_sufficient_and_the_sharp_worst_case_is_tau_over_2():
    """Worst-case noise: recovery holds up to ‖ε‖ < τ/2 (not only τ/4) and fails beyond."""
    D = orthogonal_dictionary(32, seed=0)
    H = sparse_codes(200, 32, 5, tau=1.0, seed=1)                   # every |h*_i| = τ
    for norm, expected in [(0.2, True), (0.3, True), (0.49, True), (0.51, False), (1.0, False)]:
        for target in ("support", "off_support"):
            E = adversarial_noise(D, H, norm, target=target)
            ok = sign_recovered(one_step_encode(planted(D, H, E), D, 0.5), H)
            assert (ok == expected).all(), (norm, target)
        report = recovery_conditions(D, H[0], E[0], 0.5, 1.0)
        assert (2 in report.satisfied) == (norm <= 0.25)


def test_random_noise_well_above_the_bound_breaks_recovery():
    D = orthogonal_dictionary(64, seed=0)
    H = sparse_codes(400, 64, 4, tau=1.0, seed=1)
    rates = [sign_recovered(one_step_encode(planted(D, H, noise(400, 64, r, seed=2)), D, 0.5),
                            H).mean() for r in (0.25, 1.0, 2.0, 4.0)]
    assert rates[0] == 1.0
    assert rates[1] > rates[2] > rates[3]
    assert rates[3] < 0.05


@pytest.mark.parametrize("s", [1, 2, 4, 8])
def test_coherence_too_large_breaks_recovery_for_aligned_codes(s):
    """Equal inner products μ and equal codes M: off-support entries are exactly s μ M, so
    one step fails once s μ M > τ/2 — four times the theorem's τ/8, and no later."""
    tau, M = 1.0, 1.5
    H = sparse_codes(50, 40, s, tau=M, M=M, signs="positive", seed=s)   # all entries = M
    for smm, expected in [(0.125, True), (0.45, True), (0.55, False), (1.0, False)]:
        D = equicorrelated_dictionary(40, smm / (s * M), seed=0)
        ok = sign_recovered(one_step_encode(H @ D.T, D, tau / 2), H)
        assert (ok == expected).all(), smm
        assert (3 in recovery_conditions(D, H[0], None, tau / 2, tau).satisfied) == (smm <= 0.125)


def test_random_dictionaries_at_course_sizes_violate_incoherence():
    D = gaussian_dictionary(64, 128, seed=0)
    assert mutual_coherence(D) > 1 / 8                              # no s >= 1 qualifies
    H = sparse_codes(200, 128, 8, tau=1.0, M=2.0, seed=1)
    report = recovery_conditions(D, H[0], None, 0.5, 1.0)
    assert 3 not in report.satisfied
    assert sign_recovered(one_step_encode(H @ D.T, D, 0.5), H).mean() < 1.0


def test_the_coherence_condition_needs_an_absolute_value():
    """Two atoms with ⟨d1, d2⟩ = −0.9 satisfy (DᵀD)_12 ≤ 0 without the absolute value, yet
    the positive code (τ, τ) is lost: its entries shrink to 0.1 τ < λ."""
    c = -0.9
    D = np.array([[1.0, c], [0.0, np.sqrt(1 - c**2)]])
    h = np.array([1.0, 1.0])
    report = recovery_conditions(D, h, None, 0.5, 1.0)
    assert report.mu == pytest.approx(0.9) and 3 not in report.satisfied
    assert not report.recovered


# ------------------------------------------------------------------ the report
def test_report_is_consistent_with_one_step_and_readable():
    D = orthogonal_dictionary(16, seed=0)
    H = sparse_codes(1, 16, 4, tau=1.0, M=2.0, seed=0)
    E = noise(1, 16, 0.2, seed=1)
    for lam in (0.05, 0.5, 1.5):
        r = recovery_conditions(D, H[0], E[0], lam, 1.0)
        lo, hi = r.lam_range
        assert r.recovered == (lo <= lam < hi)
        assert r.recovered == sign_recovered(one_step_encode(planted(D, H, E), D, lam), H)[0]
        for hyps in r.theorems.values():
            for hyp in hyps:
                assert hyp.holds == (hyp.margin > 0 if hyp.relation in "<>"
                                     else hyp.margin >= -1e-8 * max(1, abs(hyp.bound)))
    text = repr(recovery_conditions(D, H[0], E[0], 0.5, 1.0))
    assert all(f"Theorem {k}" in text for k in THEOREMS)
    assert "‖ε‖₂ ≤ τ/4" in text and "✓" in text and "✗" in text and "RECOVERED" in text
    assert max(map(len, text.splitlines())) <= 80                 # fits a book page's output


def test_report_accepts_torch_and_float32():
    D = orthogonal_dictionary(8, seed=0)
    h = sparse_codes(1, 8, 3, tau=1.0, M=2.0, seed=1)[0]
    ref = recovery_conditions(D, h, None, 0.5, 1.0)
    for D_, h_ in [(torch.tensor(D), torch.tensor(h)), (D.astype(np.float32), h.astype(np.float32))]:
        r = recovery_conditions(D_, h_, None, 0.5, 1.0)
        assert r.recovered == ref.recovered and r.lam_range[1] == pytest.approx(ref.lam_range[1],
                                                                                 rel=1e-6)


# ------------------------------------------------------------------ phase diagrams
def test_noise_phase_diagram_matches_direct_computation():
    lams, noises = np.array([0.1, 0.5, 0.9]), np.array([0.0, 0.3, 0.7])
    rates = noise_phase_diagram(lams, noises, n_features=16, n_nonzero=3, M=2.0,
                                n_trials=40, seed=5)
    rng = np.random.default_rng(5)                                   # replay the generator
    D = orthogonal_dictionary(16, seed=rng)
    H = sparse_codes(120, 16, 3, tau=1.0, M=2.0, seed=rng)
    E = noise(120, 16, 1.0, seed=rng) * np.repeat(noises, 40)[:, None]
    for j, lam in enumerate(lams):
        ok = sign_recovered(one_step_encode(planted(D, H, E), D, lam), H)
        np.testing.assert_allclose(rates[:, j], ok.reshape(3, 40).mean(1))


def test_noise_phase_diagram_worst_case_region_is_the_triangle():
    lams, noises = np.linspace(0.05, 0.95, 10), np.linspace(0, 0.6, 7)
    rates = noise_phase_diagram(lams, noises, n_features=16, noise_kind="adversarial",
                                n_trials=20, seed=0)
    L, N = np.meshgrid(lams, noises)
    inside = N < np.minimum(L, 1 - L) - 1e-9
    outside = N > np.minimum(L, 1 - L) + 1e-9
    assert (rates[inside] == 1).all() and (rates[outside] == 0).all()


def test_coherence_phase_diagram_is_one_in_the_theorem_region():
    sparsities, ratios = [1, 2, 4, 8], np.array([0.0, 1 / 64, 1 / 32, 0.25, 0.5])
    rates = coherence_phase_diagram(sparsities, ratios, n_atoms=32, noise_ratio=0.125,
                                    signs="positive", n_trials=30, seed=0)
    assert rates.shape == (5, 4)
    region = np.array(sparsities)[None] * ratios[:, None] <= 1 / 8
    assert (rates[region] == 1).all()
    assert rates[-1, -1] == 0                                        # s μ M = 4 τ: lost


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize("call, err, match", [
    (lambda: orthogonal_dictionary(0, seed=0), ValueError, "n_features"),
    (lambda: orthogonal_dictionary(4, seed="a"), TypeError, "seed"),
    (lambda: union_of_bases(60, "hadamard"), ValueError, "power of two"),
    (lambda: union_of_bases(8, "fourier"), ValueError, "basis"),
    (lambda: equicorrelated_dictionary(5, 1.0, seed=0), ValueError, "mu"),
    (lambda: equicorrelated_dictionary(5, 0.1, n_features=4, seed=0), ValueError, "n_features"),
    (lambda: sparse_codes(3, 5, 6, seed=0), ValueError, "n_nonzero"),
    (lambda: sparse_codes(3, 5, 2, tau=1.0, M=0.5, seed=0), ValueError, "M"),
    (lambda: sparse_codes(3, 5, 2, tau=0.0, seed=0), ValueError, "tau"),
    (lambda: sparse_codes(3, 5, 2, signs="negative", seed=0), ValueError, "signs"),
    (lambda: noise(3, 5, -1.0, seed=0), ValueError, "norm"),
    (lambda: adversarial_noise(np.eye(4), np.ones((2, 5)), 1.0), ValueError, "H has 5"),
    (lambda: sign_recovered(np.ones((2, 3)), np.ones((2, 4))), ValueError, "H_star"),
    (lambda: sign_recovered(np.ones(3), torch.ones(3)), TypeError, "numpy"),
    (lambda: recovery_interval(np.ones((2, 4)), np.eye(4), np.ones((3, 4))), ValueError, "H_star"),
    (lambda: recovery_conditions(np.eye(4), np.ones(5), None, 0.5, 1.0), ValueError, "h has 5"),
    (lambda: recovery_conditions(np.eye(4), np.ones(4), np.ones(3), 0.5, 1.0), ValueError, "eps"),
    (lambda: recovery_conditions(2 * np.eye(4), np.ones(4), None, 0.5, 1.0), ValueError, "unit"),
    (lambda: recovery_conditions(np.eye(4), np.ones(4), None, -0.5, 1.0), ValueError, "lam"),
    (lambda: recovery_conditions(np.eye(4), np.ones(4), None, 0.5, 0.0), ValueError, "tau"),
    (lambda: recovery_conditions(np.eye(4), np.ones((1, 4)), None, 0.5, 1.0), ValueError, "h must"),
    (lambda: recovery_conditions(np.eye(4), [np.nan] * 4, None, 0.5, 1.0), ValueError, "NaN"),
    (lambda: noise_phase_diagram([-0.1], [0.0], seed=0), ValueError, "lam_ratios"),
    (lambda: noise_phase_diagram([0.1], [0.0], noise_kind="bad", seed=0), ValueError, "noise_kind"),
    (lambda: coherence_phase_diagram([1], [4.0], M=2.0, seed=0), ValueError, "mu"),
    (lambda: coherence_phase_diagram([99], [0.1], n_atoms=8, seed=0), ValueError, "sparsities"),
    (lambda: coherence_phase_diagram([1], [0.1], M=0.5, seed=0), ValueError, "M"),
])
def test_bad_input_is_rejected_with_a_clear_message(call, err, match):
    with pytest.raises(err, match=match):
        call()
