"""Chapter 3 widgets: λ, the noise and the coherence μ against one ISTA step from zero."""

from __future__ import annotations

import itertools

import numpy as np

from .._validation import check_scalar
from ..figures.ch02_sparse_coding import _check_figsize, _freeze_layout
from ..figures.ch03_recovery import OneStepView
from ..figures.core import new_figure, wrap
from ..instances import (adversarial_noise, equicorrelated_dictionary, noise,
                         orthogonal_dictionary, sparse_codes)
from ..recovery import recovery_conditions, sign_errors, theorem_title
from .core import STATIC_DPI, check_choices, check_grid, closest, interactive_figure

__all__ = ["one_step_widget", "coherence_widget", "verdict"]

#: Inches of title line in a one-step frame.
_TITLE_WIDTH = 7.6


def verdict(report, theorems, *, width=_TITLE_WIDTH):
    """A plain-language title: what one step did at this λ, which λ would work, which
    theorems apply.

    Parameters
    ----------
    report : reprcourse.recovery.RecoveryConditions
    theorems : sequence of {1, 2, 3}
    width : float
        Inches of a title line (the text is wrapped to it at 11 pt).

    Returns
    -------
    str
        Three or more lines, e.g. "At λ = 0.30 one step fails: 1 wrong sign or false
        non-zero", "For this x, every sign comes back for 0.38 ≤ λ < 1.00" and "Theorem 2
        (orthogonal D, small noise) does not apply: it needs ‖ε‖₂ ≤ τ/4".
    """
    missed, wrong = sign_errors(report.code, report.h_star)
    head = f"At λ = {report.lam:.2f} one step "
    errors = [f"{int(missed.sum())} missed (set to 0)"] if missed.any() else []
    errors += [f"{int(wrong.sum())} wrong sign or false non-zero"] if wrong.any() else []
    head += "recovers every sign" if report.recovered else f"fails: {', '.join(errors)}"
    lo, hi = report.lam_range
    # the interval shown lies inside the true one: its ends rounded inwards
    lo_shown = np.ceil(lo * 100 - 1e-6) / 100
    hi_shown = np.floor(hi * 100 + 1e-6) / 100
    low = "0 <" if lo < 1e-9 else f"{lo_shown:.2f} ≤"
    lines = [head, f"For this x, every sign comes back for {low} λ < {hi_shown:.2f}"
             if lo < hi else "For this x, no λ brings every sign back"]
    for k in theorems:
        failed = [h.statement for h in report.theorems[k] if not h.holds]
        lines.append(f"{theorem_title(k)} applies" if not failed else
                     f"{theorem_title(k)} does not apply: it needs {', '.join(failed)}")
    return wrap("\n".join(lines), width, 11)


def _view(n_atoms, ylim, figsize, report_title, grid):
    """The widget's :class:`OneStepView`: the book's frame, or a ``figsize`` figure laid out
    once (constrained layout) with room for the longest title on the grid, then frozen."""
    if figsize is None:
        return OneStepView(n_atoms, ylim=ylim)
    fig = new_figure(*_check_figsize(figsize))
    view = OneStepView(n_atoms, ylim=ylim, ax=fig.add_subplot())
    lines = max(report_title(*combo)[1].count("\n") + 1
                for combo in itertools.product(*grid.values()))
    _freeze_layout(fig, view.ax.title, lines=lines)
    return view


def _ratio(v, name):
    return check_scalar(v, name, low=0.0)


def one_step_widget(*, lam_ratios=None, noise_ratios=(0.0, 0.125, 0.25, 0.375, 0.5, 0.75),
                    directions=("random", "worst case"), n_features=32, n_nonzero=4, seed=0,
                    mode=None, figsize=None, dpi=STATIC_DPI):
    """Chapter 3 widget: λ and the noise ‖ε‖₂ against one step on an orthogonal dictionary.

    One planted code ``h*`` (``τ = 1``, magnitudes in ``[1, 2]``, the smallest exactly 1) on a
    random orthogonal ``D``; the noise is a fixed random direction, or the worst direction
    for the current λ (:func:`reprcourse.instances.adversarial_noise`: the weakest non-zero
    when ``λ ≥ τ/2``, a zero otherwise). Each frame shows ``Dᵀx``, ``±λ``, ``h*``, the
    one-step code, and in words whether the signs were recovered and theorems 1 and 2 apply.

    Parameters
    ----------
    lam_ratios, noise_ratios : sequences of float >= 0
        Slider grids for λ/τ and ‖ε‖₂/τ (λ/τ = 0.1, 0.2, …, 1.2 by default).
    directions : sequence of {"random", "worst case"}
    n_features, n_nonzero : int
    seed : int
    mode : {"live", "static"}, optional
        See :func:`reprcourse.widgets.widget_mode`.
    figsize : (width, height), optional
        Inches of the frames (the book's size by default), e.g. a small figure for a slide,
        where it is shown enlarged: laid out once for that size with room for the longest
        title of the grid, then frozen.
    dpi : int
        Resolution of static frames (:data:`reprcourse.widgets.core.STATIC_DPI`).

    Returns
    -------
    ipywidgets.interactive or IPython.display.HTML

    Raises
    ------
    ValueError
        If a grid is empty or out of range, or the instance sizes are invalid.
    """
    lam_ratios = check_grid([round(0.1 * i, 1) for i in range(1, 13)] if lam_ratios is None
                            else lam_ratios, "lam_ratios", _ratio)
    noise_ratios = check_grid(noise_ratios, "noise_ratios", _ratio)
    directions = check_choices(directions, "directions", ("random", "worst case"))
    rng = np.random.default_rng(seed)
    D = orthogonal_dictionary(n_features, seed=rng)
    h = sparse_codes(1, n_features, n_nonzero, tau=1.0, M=2.0, seed=rng)[0]
    weakest = np.flatnonzero(h)[np.abs(h[h != 0]).argmin()]
    h[weakest] = np.sign(h[weakest])                                   # min |h*_i| = τ = 1
    attacks = {"random": noise(1, n_features, 1.0, seed=rng)[0],
               "support": adversarial_noise(D, h[None], 1.0, target="support")[0],
               "off_support": adversarial_noise(D, h[None], 1.0, target="off_support")[0]}
    width = _TITLE_WIDTH if figsize is None else _check_figsize(figsize)[0]

    def report_title(lam, noise_level, direction):
        target = ("random" if direction == "random" else
                  "support" if lam >= 0.5 else "off_support")
        report = recovery_conditions(D, h, noise_level * attacks[target], lam, 1.0)
        return report, verdict(report, (1, 2), width=width)

    grid = {"lam": lam_ratios, "noise_level": noise_ratios, "direction": directions}
    view = _view(n_features, 2.0 + max(noise_ratios) + 0.3, figsize, report_title, grid)

    def draw(lam, noise_level, direction):
        report, title = report_title(lam, noise_level, direction)
        view.update(h, report.z, report.code, lam, title=title)
        return view

    return interactive_figure(draw, grid,
                              initial={"lam": closest(lam_ratios, 0.5),
                                       "noise_level": noise_ratios[0],
                                       "direction": directions[0]},
                              labels={"lam": "threshold λ / τ", "noise_level": "noise ‖ε‖₂ / τ",
                                      "direction": "noise direction"}, mode=mode, dpi=dpi)


def _mu(v, name):
    return check_scalar(v, name, low=0.0, high=1.0, high_open=True)


def coherence_widget(*, mus=(0.0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.1, 0.12, 0.15),
                     lam_ratios=(0.25, 0.5, 0.75), signs=("aligned", "random"), n_atoms=32,
                     n_nonzero=4, M=1.5, seed=0, mode=None, figsize=None, dpi=STATIC_DPI):
    """Chapter 3 widget: the coherence μ and λ against one step, no noise.

    For every μ on the grid an equicorrelated dictionary (every ``⟨d_i, d_j⟩ = μ``) and the
    planted sample are made once, so a slider move only encodes and draws. The code has
    ``n_nonzero`` entries of magnitude in ``[τ, M]`` (``τ = 1``), all positive ("aligned",
    the worst case of theorem 3's bound) or with random signs.

    Parameters
    ----------
    mus : sequence of float in [0, 1)
        Slider grid for μ.
    lam_ratios : sequence of float >= 0
        Slider grid for λ/τ.
    signs : sequence of {"aligned", "random"}
    n_atoms, n_nonzero : int
    M : float >= 1
    seed : int
    mode : {"live", "static"}, optional
    figsize : (width, height), optional
        Inches of the frames (the book's size by default), e.g. a small figure for a slide,
        where it is shown enlarged: laid out once for that size with room for the longest
        title of the grid, then frozen.
    dpi : int
        Resolution of static frames (:data:`reprcourse.widgets.core.STATIC_DPI`).

    Returns
    -------
    ipywidgets.interactive or IPython.display.HTML

    Raises
    ------
    ValueError
        If a grid is empty or out of range, or the instance sizes are invalid.
    """
    mus = check_grid(mus, "mus", _mu)
    lam_ratios = check_grid(lam_ratios, "lam_ratios", _ratio)
    signs = check_choices(signs, "signs", ("aligned", "random"))
    rng = np.random.default_rng(seed)
    h = sparse_codes(1, n_atoms, n_nonzero, tau=1.0, M=M, signs="positive", seed=rng)[0]
    codes = {"aligned": h, "random": h * rng.choice([-1.0, 1.0], n_atoms)}
    dictionaries = {mu: equicorrelated_dictionary(n_atoms, mu, seed=seed) for mu in mus}
    width = _TITLE_WIDTH if figsize is None else _check_figsize(figsize)[0]

    def report_title(mu, lam, sign):
        report = recovery_conditions(dictionaries[mu], codes[sign], None, lam, 1.0, M=M)
        return report, verdict(report, (3,), width=width)

    grid = {"mu": mus, "lam": lam_ratios, "sign": signs}
    view = _view(n_atoms, M * (1 + n_nonzero * max(mus)) + 0.3, figsize, report_title, grid)

    def draw(mu, lam, sign):
        report, title = report_title(mu, lam, sign)
        view.update(codes[sign], report.z, report.code, lam, title=title)
        return view

    return interactive_figure(draw, grid,
                              initial={"mu": mus[0], "lam": closest(lam_ratios, 0.5),
                                       "sign": signs[0]},
                              labels={"mu": "coherence μ", "lam": "threshold λ / τ",
                                      "sign": "signs of h*"}, mode=mode, dpi=dpi)
