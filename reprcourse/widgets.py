"""Widgets for the chapters: live ipywidgets in a kernel, precomputed frames on the site.

Every chapter widget is built with :func:`interactive_figure` from a ``draw(**values)``
function that returns a matplotlib figure, and a small grid of values per slider.

* In JupyterLab (``mode="live"``) it is an :func:`ipywidgets.interactive` with one
  selection slider per parameter; moving a slider calls ``draw`` again.
* On the static site (``mode="static"``; ``make book`` sets ``REPRCOURSE_WIDGETS=static``)
  kernel callbacks cannot run, so every combination of the grid is drawn once at build time
  and shipped as PNG frames inside a self-contained HTML control whose ``<input
  type="range">`` sliders swap the frames in the browser — no kernel, no network.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json
import os
import warnings

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["interactive_figure", "static_frames", "widget_mode"]

MAX_FRAMES = 160
#: Resolution of live widget figures (Jupyter's inline backend draws at matplotlib's 100).
LIVE_DPI = 100


def widget_mode(mode=None) -> str:
    """``mode`` if given, else ``$REPRCOURSE_WIDGETS`` (``"live"`` when unset)."""
    mode = mode or os.environ.get("REPRCOURSE_WIDGETS", "live")
    if mode not in ("live", "static"):
        raise ValueError(f"mode must be 'live' or 'static', got {mode!r}")
    return mode


def _check_params(params, initial):
    if not isinstance(params, dict) or not params:
        raise TypeError(f"params must be a non-empty dict {{name: values}}, got {params!r}")
    grids = {}
    for name, values in params.items():
        values = list(values)
        if not values:
            raise ValueError(f"params[{name!r}] is empty; give at least one value")
        grids[name] = values
    initial = dict(initial or {})
    for name in initial:
        if name not in grids:
            raise ValueError(f"initial names {name!r}, which is not in params {list(grids)}")
        if initial[name] not in grids[name]:
            raise ValueError(f"initial[{name!r}]={initial[name]!r} is not one of "
                             f"params[{name!r}]={grids[name]}")
    start = {n: initial.get(n, v[len(v) // 2]) for n, v in grids.items()}
    return grids, start


def _is_numeric(values) -> bool:
    """Numbers get a slider; anything else (names, booleans) gets buttons / a menu."""
    return all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
               for v in values)


def _fmt(v) -> str:
    if isinstance(v, (float, np.floating)):
        return f"{v:.3g}"
    return str(v)


def _png(fig, dpi) -> bytes:
    """``fig`` as PNG bytes, drawn once (no ``bbox_inches="tight"``, which draws twice)."""
    if fig.get_layout_engine() is None:
        # The live widget shows figures cropped tight (the inline backend does); without a
        # layout, axis labels at the edge would be clipped in the static frames. A layout
        # (not bbox_inches="tight") keeps every frame the same size, so the page never jumps.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def static_frames(draw, params, *, initial=None, labels=None, dpi=72) -> str:
    """Render ``draw`` on every combination of ``params`` into a self-contained HTML control.

    Parameters
    ----------
    draw : callable
        ``draw(**values) -> matplotlib.figure.Figure``.
    params : dict of {name: sequence}
        The values each slider can take (a small grid; at most 160 frames in all).
    initial : dict, optional
        Starting value per parameter (the middle of its grid by default).
    labels : dict of {name: str}, optional
        Slider labels (``name`` by default), e.g. ``{"lam": "λ"}``.
    dpi : int

    Returns
    -------
    str
        HTML with the frames as base64 PNGs, a range input per numeric parameter (a menu
        per parameter of named choices) and a few lines of JavaScript that swap the image.
        Deterministic for deterministic ``draw``.
    """
    grids, start = _check_params(params, initial)
    names = list(grids)
    n_frames = int(np.prod([len(v) for v in grids.values()]))
    if n_frames > MAX_FRAMES:
        raise ValueError(f"params give {n_frames} frames; use at most {MAX_FRAMES} "
                         f"(fewer values per slider)")
    frames = [_data_uri(_png(draw(**dict(zip(names, combo))), dpi))
              for combo in itertools.product(*grids.values())]
    uid = "rc-" + hashlib.sha1("".join(frames).encode()).hexdigest()[:10]
    labels = {n: (labels or {}).get(n, n) for n in names}
    sizes = [len(grids[n]) for n in names]
    shown = [[_fmt(v) for v in grids[n]] for n in names]
    pos = [grids[n].index(start[n]) for n in names]
    index = 0
    for i in range(len(names)):
        index = index * sizes[i] + pos[i]
    # Accessible: each slider announces its value (not its index), the image's alt text
    # names the values it shows; colours follow the site theme (light and dark).
    alt = "Figure for " + ", ".join(f"{labels[n]} = {shown[i][pos[i]]}"
                                    for i, n in enumerate(names))
    rows = []
    for i, n in enumerate(names):
        value = html.escape(shown[i][pos[i]])
        if _is_numeric(grids[n]):                                  # a slider and its value
            control = (
                f'<input type="range" min="0" max="{sizes[i] - 1}" step="1" value="{pos[i]}" '
                f'data-rc-param="{i}" aria-valuetext="{value}" '
                f'style="flex:1;max-width:22em;accent-color:var(--pst-color-primary,#0a7d91)">'
                f'<output aria-live="polite" style="min-width:4em;font-family:monospace">'
                f'{value}</output>')
        else:                                                      # a menu of named choices
            options = "".join(
                f'<option value="{j}"{" selected" if j == pos[i] else ""}>{html.escape(v)}'
                f'</option>' for j, v in enumerate(shown[i]))
            control = (f'<select data-rc-param="{i}" style="font:inherit;padding:.1em .3em;'
                       f'color:inherit;background:var(--pst-color-surface,#fff);'
                       f'border:1px solid var(--pst-color-border,#ccc);border-radius:4px">'
                       f'{options}</select>')
        rows.append(
            f'<label style="display:flex;align-items:center;gap:.6em;margin:.2em 0">'
            f'<span style="min-width:7em">{html.escape(labels[n])}</span>{control}</label>')
    script = (
        f'(function(){{var root=document.getElementById("{uid}");var F={json.dumps(frames)};'
        f'var S={json.dumps(sizes)};var V={json.dumps(shown)};'
        f'var L={json.dumps([labels[n] for n in names])};var img=root.querySelector("img");'
        f'var inputs=root.querySelectorAll("[data-rc-param]");'
        f'function upd(){{var k=0,d=[];inputs.forEach(function(el,i){{var v=V[i][+el.value];'
        f'k=k*S[i]+(+el.value);if(el.type==="range"){{el.nextElementSibling.textContent=v;'
        f'el.setAttribute("aria-valuetext",v);}}d.push(L[i]+" = "+v);}});'
        f'img.src=F[k];img.alt="Figure for "+d.join(", ");}}'
        f'inputs.forEach(function(el){{el.addEventListener("input",upd);'
        f'el.addEventListener("change",upd);}});}})();')
    return (
        f'<div class="rc-widget" id="{uid}" role="group" aria-label="Interactive figure" '
        f'style="border:1px solid var(--pst-color-border,#ddd);border-radius:6px;'
        f'padding:.6em;margin:.6em 0">'
        f'{"".join(rows)}'
        f'<img alt="{html.escape(alt)}" src="{frames[index]}" '
        f'style="display:block;max-width:100%;height:auto;margin-top:.4em;background:#fff">'
        f'<div style="font-size:.8em;opacity:.7;margin-top:.3em">Frames precomputed for '
        f'these slider values; run the notebook for the live widget.</div>'
        f'<script>{script}</script></div>')


def interactive_figure(draw, params, *, initial=None, labels=None, mode=None, dpi=72):
    """A figure with one control per parameter, live in a kernel and static on the site.

    Numeric parameters get a slider; named choices (strings, booleans) get toggle buttons
    (live) or a menu (static).

    Parameters
    ----------
    draw : callable
        ``draw(**values) -> matplotlib.figure.Figure``.
    params : dict of {name: sequence}
        The values each slider can take.
    initial : dict, optional
        Starting value per parameter (the middle of its grid by default).
    labels : dict of {name: str}, optional
        Slider labels.
    mode : {"live", "static"}, optional
        Default from ``$REPRCOURSE_WIDGETS``, else ``"live"``.
    dpi : int
        Resolution of static frames.

    Returns
    -------
    ipywidgets.interactive (live; its ``.result`` is the last figure drawn) or
    IPython.display.HTML (static).
    """
    mode = widget_mode(mode)
    if mode == "static":
        from IPython.display import HTML
        return HTML(static_frames(draw, params, initial=initial, labels=labels, dpi=dpi))

    import ipywidgets as widgets
    from IPython.display import Image, display

    grids, start = _check_params(params, initial)
    labels = labels or {}

    def control(n):                          # numbers: a slider; named choices: buttons
        options = [(_fmt(v), v) for v in grids[n]]
        if _is_numeric(grids[n]):
            return widgets.SelectionSlider(options=options, value=start[n],
                                           description=labels.get(n, n),
                                           continuous_update=False,
                                           style={"description_width": "initial"},
                                           layout=widgets.Layout(width="32em"))
        return widgets.ToggleButtons(options=options, value=start[n],
                                     description=labels.get(n, n),
                                     style={"description_width": "initial",
                                            "button_width": "auto"})

    sliders = {n: control(n) for n in grids}

    def show(**values):                      # one draw per update: the ≤ 100 ms budget
        fig = draw(**values)
        display(Image(data=_png(fig, LIVE_DPI)))
        return fig

    return widgets.interactive(show, **sliders)


# --- chapter builders: each chapter adds its widget builders in its own section below ---

# --- chapter 2: sparse coding (owned by the foundation chapters) ---
def sparsity_path(X, D, lams, *, n_keep=0):
    r"""Chapter 2: lasso codes of ``X`` for every λ of a grid, summarised.

    For each λ (largest first, each solve warm-started from the previous codes) the codes
    ``H_λ = argmin_H mean_i ½‖x_i − D h_i‖² + λ‖h_i‖₁`` are computed with
    :func:`reprcourse.sparse_coding.fista`.

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
    D : array of shape (n_features, n_atoms), unit-norm columns
    lams : sequence of float > 0
        The λ grid, strictly increasing.
    n_keep : int >= 0
        Also keep the reconstructions of the first ``n_keep`` samples.

    Returns
    -------
    dict with arrays over the grid
        ``"lam"`` (m,), ``"nnz"`` (m,) mean number of non-zero coefficients per sample,
        ``"error"`` (m,) relative squared error ``‖X − H Dᵀ‖²_F / ‖X‖²_F``,
        ``"objective"`` (m,) :func:`sparse_objective`, and ``"recon"`` (m, n_keep, n_features).

    Raises
    ------
    ValueError
        If shapes disagree, atoms are not unit-norm, values are not finite, or ``lams`` is
        empty, not positive or not increasing.
    """
    from ._validation import (check_array, check_dictionary, check_int,
                              check_matching_features, check_scalar)
    from .sparse_coding import fista, sparse_objective

    X = np.asarray(check_array(X, "X"), dtype=np.float64)
    D = np.asarray(check_dictionary(D, "D", unit_norm=True), dtype=np.float64)
    check_matching_features(X, D)
    lams = np.array([check_scalar(v, "lams", low=0.0, low_open=True) for v in lams])
    if lams.size == 0:
        raise ValueError("lams is empty; give at least one λ")
    if np.any(np.diff(lams) <= 0):
        raise ValueError(f"lams must be strictly increasing, got {lams.tolist()}")
    n_keep = check_int(n_keep, "n_keep", low=0, high=X.shape[0])
    out = {"lam": lams, "nnz": np.empty(len(lams)), "error": np.empty(len(lams)),
           "objective": np.empty(len(lams)), "recon": np.empty((len(lams), n_keep, X.shape[1]))}
    H = None
    for i in range(len(lams) - 1, -1, -1):                        # large λ first: warm starts
        H = fista(X, D, lams[i], H0=H)                             # (n, k)
        R = H @ D.T                                                # (n, d) reconstructions
        out["nnz"][i] = (H != 0).sum(1).mean()
        out["error"][i] = ((X - R) ** 2).sum() / (X ** 2).sum()
        out["objective"][i] = sparse_objective(X, D, H, lams[i])
        out["recon"][i] = R[:n_keep]
    return out


def sparsity_widget(X, D, lams, *, show=6, shape=None, mode=None):
    r"""Chapter 2 widget: λ against sparsity and reconstruction error of the lasso codes.

    Everything is computed once by :func:`sparsity_path` (one FISTA solve per λ and
    dictionary); a slider move only redraws. Each frame shows the mean number of non-zero
    coefficients and the relative squared error along the λ grid with the current λ
    marked, and a few samples above their reconstructions.

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
        E.g. centred natural-image patches.
    D : array of shape (n_features, n_atoms), or dict of {name: array}
        Unit-norm dictionaries; with several, a second slider picks one (names whose first
        word names an object of :data:`reprcourse.plotting.COLORS` take its colour).
    lams : sequence of float > 0
        The λ grid, strictly increasing (at most 40 values).
    show : int >= 1 or sequence of int
        The samples shown as images: the first ``show`` ones, or these row indices.
    shape : (height, width), optional
        Image shape of a sample; square by default.
    mode : {"live", "static"}, optional
        See :func:`interactive_figure`.

    Returns
    -------
    ipywidgets.interactive or IPython.display.HTML

    Raises
    ------
    ValueError
        As :func:`sparsity_path`, or if ``D`` is an empty dict, there are more than 40 λs
        or ``show`` is out of range.
    """
    from matplotlib.figure import Figure
    from matplotlib.ticker import FormatStrFormatter, NullLocator

    from ._validation import check_array, check_int
    from .plotting import COLORS, patch_pairs

    dicts = dict(D) if isinstance(D, dict) else {"dictionary": D}
    if not dicts:
        raise ValueError("D is an empty dict; give at least one dictionary")
    if len(tuple(lams)) > 40:
        raise ValueError(f"lams has {len(tuple(lams))} values; use at most 40")
    X = np.asarray(check_array(X, "X"), dtype=np.float64)
    if isinstance(show, (list, tuple, np.ndarray)):
        show = [check_int(i, "show", low=0, high=X.shape[0] - 1) for i in show]
    else:
        show = list(range(check_int(show, "show", low=1, high=X.shape[0])))
    X = np.concatenate([X[show], np.delete(X, show, axis=0)])     # shown samples first
    paths = {name: sparsity_path(X, Dn, lams, n_keep=len(show)) for name, Dn in dicts.items()}
    n_atoms = {name: np.shape(Dn)[1] for name, Dn in dicts.items()}
    fallback = iter([COLORS["data"], *plt.get_cmap("Dark2").colors])  # not in COLORS
    colors = {name: COLORS.get(name.lower().split()[0]) or next(fallback) for name in dicts}
    lam_grid = tuple(float(v) for v in paths[next(iter(dicts))]["lam"])

    first = next(iter(dicts))
    view = {}                                  # one figure, built once, updated in place

    def build():
        fig = Figure(figsize=(7.2, 5.0))                          # fits the book's column
        gs = fig.add_gridspec(2, 2, height_ratios=(1.25, 1), left=0.1, right=0.98,
                              bottom=0.02, top=0.9, hspace=0.32, wspace=0.32)
        a_nnz, a_err = fig.add_subplot(gs[0, 0]), fig.add_subplot(gs[0, 1])
        lines = {name: (a_nnz.plot(p["lam"], p["nnz"], color=colors[name], label=name)[0],
                        a_err.plot(p["lam"], p["error"], color=colors[name])[0])
                 for name, p in paths.items()}
        marks = (a_nnz.plot([], [], "o", ms=8)[0], a_err.plot([], [], "o", ms=8)[0])
        a_nnz.set(xscale="log", yscale="log", xlabel="λ", ylabel="mean non-zeros per sample")
        a_err.set(xscale="log", xlabel="λ", ylabel="relative squared error", ylim=(0, 1.02))
        for axis in (a_nnz.xaxis, a_nnz.yaxis, a_err.xaxis):     # plain "%g" labels and no
            axis.set_major_formatter(FormatStrFormatter("%g"))    # minor ticks: no mathtext,
            axis.set_minor_locator(NullLocator())                 # a much cheaper redraw
        a_nnz.legend(frameon=False, fontsize=9)
        return dict(fig=fig, lines=lines, marks=marks, images=fig.add_subplot(gs[1, :]),
                    title=fig.suptitle("", fontsize=11))

    def draw(lam, dictionary=first):
        if not view:
            view["v"] = build()
        v = view["v"]
        path, i = paths[dictionary], lam_grid.index(lam)
        for name, pair in v["lines"].items():
            for line in pair:
                line.set(lw=2.2 if name == dictionary else 1,
                         alpha=1 if name == dictionary else 0.45)
        for mark, key in zip(v["marks"], ("nnz", "error")):
            mark.set_data([lam], [path[key][i]])
            mark.set_color(colors[dictionary])
        v["images"].clear()
        patch_pairs(X[:len(show)], path["recon"][i], shape=shape, ax=v["images"],
                    labels=("patch", "H Dᵀ"))
        v["title"].set_text(f"{dictionary}, λ = {lam:.3g}: {path['nnz'][i]:.1f} of "
                            f"{n_atoms[dictionary]} coefficients non-zero, "
                            f"{path['error'][i]:.1%} of the energy lost")
        return v["fig"]

    params = {"lam": lam_grid}
    if len(dicts) > 1:
        params["dictionary"] = tuple(dicts)
    return interactive_figure(draw, params, labels={"lam": "λ", "dictionary": "dictionary"},
                              mode=mode, dpi=96)        # 96 dpi: text as large as the prose


# --- chapter 3: ISTA and recovery (owned by the recovery chapter) ---
def _verdict(report, theorems):
    """Two short title lines: did one step recover the signs; which hypotheses fail."""
    lo, hi = report.lam_range
    head = ("✓ signs recovered" if report.recovered else "✗ signs NOT recovered") + \
        (f" (they are for {lo:.2f} ≤ λ < {hi:.2f})" if lo < hi else " (for no λ)")
    parts = []
    for k in theorems:
        failed = [h.statement for h in report.theorems[k] if not h.holds]
        parts.append(f"thm {k} " + ("✓" if not failed else "✗ " + ", ".join(failed)))
    return head + "\n" + "  ·  ".join(parts)


def _grid(values, name, **bounds):
    """A slider grid of checked real numbers (``bounds`` as in ``check_scalar``)."""
    from ._validation import check_scalar

    values = tuple(values)
    if not values:
        raise ValueError(f"{name} is empty; give at least one value")
    return tuple(check_scalar(v, name, **bounds) for v in values)


def _choices(values, name, allowed):
    """A slider grid of options, each one of ``allowed``."""
    from ._validation import check_choice

    values = tuple(values)
    if not values:
        raise ValueError(f"{name} is empty; give at least one of {list(allowed)}")
    return tuple(check_choice(v, name, allowed) for v in values)


def _closest(values, target):
    """The grid value nearest to ``target``."""
    return min(values, key=lambda v: abs(v - target))


def one_step_widget(*, lam_ratios=None, noise_ratios=(0.0, 0.125, 0.25, 0.375, 0.5, 0.75),
                    directions=("random", "worst case"), n_features=32, n_nonzero=4, seed=0,
                    mode=None):
    """Chapter 3 widget: λ and the noise ‖ε‖₂ against one step on an orthogonal dictionary.

    One planted code ``h*`` (``τ = 1``, magnitudes in ``[1, 2]``, the smallest exactly 1) on a
    random orthogonal ``D``; the noise is a fixed random direction, or the worst direction
    for the current λ (:func:`reprcourse.recovery.adversarial_noise`: the weakest non-zero
    when ``λ ≥ τ/2``, a zero otherwise). Each frame shows ``Dᵀx``, ``±λ``, ``h*``, the
    one-step code, and which hypotheses of theorems 1 and 2 fail.

    Parameters
    ----------
    lam_ratios, noise_ratios : sequences of float
        Slider grids for λ/τ and ‖ε‖₂/τ (λ/τ = 0.1, 0.2, …, 1.2 by default).
    directions : sequence of {"random", "worst case"}
    n_features, n_nonzero : int
    seed : int
    mode : {"live", "static"}, optional
        See :func:`interactive_figure`.

    Returns
    -------
    ipywidgets.interactive or IPython.display.HTML
    """
    from .plotting import OneStepView
    from .recovery import (adversarial_noise, noise, orthogonal_dictionary,
                           recovery_conditions, sparse_codes)

    lam_ratios = _grid([round(0.1 * i, 1) for i in range(1, 13)] if lam_ratios is None
                       else lam_ratios, "lam_ratios", low=0.0)
    noise_ratios = _grid(noise_ratios, "noise_ratios", low=0.0)
    directions = _choices(directions, "directions", ("random", "worst case"))
    rng = np.random.default_rng(seed)
    D = orthogonal_dictionary(n_features, seed=rng)
    h = sparse_codes(1, n_features, n_nonzero, tau=1.0, M=2.0, seed=rng)[0]
    weakest = np.flatnonzero(h)[np.abs(h[h != 0]).argmin()]
    h[weakest] = np.sign(h[weakest])                                   # min |h*_i| = τ = 1
    attacks = {"random": noise(1, n_features, 1.0, seed=rng)[0],
               "support": adversarial_noise(D, h[None], 1.0, target="support")[0],
               "off_support": adversarial_noise(D, h[None], 1.0, target="off_support")[0]}
    view = OneStepView(n_features, ylim=2.0 + max(noise_ratios) + 0.3, fontsize=11)

    def draw(lam, noise_level, direction):
        target = ("random" if direction == "random" else
                  "support" if lam >= 0.5 else "off_support")
        report = recovery_conditions(D, h, noise_level * attacks[target], lam, 1.0)
        return view.update(h, report.z, report.code, lam,
                           title=_verdict(report, (1, 2)))

    return interactive_figure(draw, {"lam": lam_ratios, "noise_level": noise_ratios,
                                     "direction": directions},
                              initial={"lam": _closest(lam_ratios, 0.5),
                                       "noise_level": noise_ratios[0],
                                       "direction": directions[0]},
                              labels={"lam": "λ / τ", "noise_level": "‖ε‖₂ / τ",
                                      "direction": "noise direction"}, mode=mode)


def coherence_widget(*, mus=(0.0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.1, 0.12, 0.15),
                     lam_ratios=(0.25, 0.5, 0.75),
                     signs=("aligned", "random"), n_atoms=32, n_nonzero=4, M=1.5, seed=0,
                     mode=None):
    """Chapter 3 widget: the coherence μ and λ against one step, no noise.

    For every μ on the grid an equicorrelated dictionary (every ``⟨d_i, d_j⟩ = μ``) and the
    planted sample are made once, so a slider move only encodes and draws. The code has
    ``n_nonzero`` entries of magnitude in ``[τ, M]`` (``τ = 1``), all positive ("aligned",
    the worst case of theorem 3's bound) or with random signs.

    Parameters
    ----------
    mus : sequence of float in [0, 1)
        Slider grid for μ.
    lam_ratios : sequence of float
        Slider grid for λ/τ.
    signs : sequence of {"aligned", "random"}
    n_atoms, n_nonzero : int
    M : float >= 1
    seed : int
    mode : {"live", "static"}, optional

    Returns
    -------
    ipywidgets.interactive or IPython.display.HTML
    """
    from .plotting import OneStepView
    from .recovery import equicorrelated_dictionary, recovery_conditions, sparse_codes

    mus = _grid(mus, "mus", low=0.0, high=1.0, high_open=True)
    lam_ratios = _grid(lam_ratios, "lam_ratios", low=0.0)
    signs = _choices(signs, "signs", ("aligned", "random"))
    rng = np.random.default_rng(seed)
    h = sparse_codes(1, n_atoms, n_nonzero, tau=1.0, M=M, signs="positive", seed=rng)[0]
    codes = {"aligned": h, "random": h * rng.choice([-1.0, 1.0], n_atoms)}
    dictionaries = {mu: equicorrelated_dictionary(n_atoms, mu, seed=seed) for mu in mus}
    view = OneStepView(n_atoms, ylim=M * (1 + n_nonzero * max(mus)) + 0.3, fontsize=11)

    def draw(mu, lam, sign):
        report = recovery_conditions(dictionaries[mu], codes[sign], None, lam, 1.0, M=M)
        return view.update(codes[sign], report.z, report.code, lam,
                           title=f"‖h*‖₀ μ M = {n_nonzero * mu * M:.3g}τ:  "
                                 + _verdict(report, (3,)))

    return interactive_figure(draw, {"mu": mus, "lam": lam_ratios, "sign": signs},
                              initial={"mu": mus[0], "lam": _closest(lam_ratios, 0.5),
                                       "sign": signs[0]},
                              labels={"mu": "coherence μ", "lam": "λ / τ",
                                      "sign": "code signs"}, mode=mode)


# --- chapter 4: dictionary learning (owned by the dictionary-learning chapter) ---
def dictionary_lambda_widget(X, *, lams=(0.1, 0.25, 0.5, 1.0, 2.0), n_atoms=64, n_iter=4,
                             seed=0, mode=None):
    """Chapter 4 widget: λ against the learned atoms and the sparsity of the codes.

    One dictionary is learned per λ on the grid (:func:`learn_dictionary`, same seed), up
    front, so a slider move only redraws (:func:`reprcourse.plotting.lam_atoms_figure`).

    Parameters
    ----------
    X : array of shape (n_samples, 64)
        Centred 8×8 patches (keep it small: a few thousand).
    lams : sequence of float >= 0
        Slider grid for λ.
    n_atoms, n_iter, seed
        Passed to :func:`learn_dictionary`.
    mode : {"live", "static"}, optional

    Returns
    -------
    ipywidgets.interactive or IPython.display.HTML
    """
    from .dictionary_learning import learn_dictionary
    from .plotting import lam_atoms_figure

    lams = [float(v) for v in lams]
    if not lams or min(lams) < 0:
        raise ValueError(f"lams must be a non-empty sequence of numbers >= 0, got {lams!r}")
    learned = {lam: learn_dictionary(X, n_atoms, lam, n_iter=n_iter, seed=seed,
                                     progress=False) for lam in lams}

    def draw(lam):
        D, H = learned[lam]
        return lam_atoms_figure(D, H, lam)

    return interactive_figure(draw, {"lam": lams}, labels={"lam": "λ"}, mode=mode)



# --- chapter 5: autoencoders (owned by the autoencoders chapter) ---
def denoising_widget(models, X, *, n_images=6, n_filters=36, shape=(28, 28), seed=0,
                     mode=None):
    """Chapter 5 widget: the corruption a denoising autoencoder was trained with.

    For every (noise type, level) the model trained that way corrupts ``n_images`` test
    digits the same way and reconstructs them; the frame shows clean digits, corrupted
    inputs, reconstructions, the first ``n_filters`` filters and the mean squared error
    against the clean digits. Everything is computed once here, so moving a slider only
    redraws (well under 100 ms).

    Parameters
    ----------
    models : dict of {(kind, level): autoencoder}
        Trained models keyed by ``kind`` in {"dropout", "gaussian"} and the level ν or σ
        they were trained at; every kind needs the same levels (level 0 may be one model).
    X : array of shape (n_samples, n_features)
        Test data; the first ``n_images`` rows are shown, all rows enter the error.
    n_images, n_filters : int
    shape : (height, width)
    seed : int
        Seeds the corruption of the test digits.
    mode : {"live", "static"}, optional
        See :func:`interactive_figure`.

    Returns
    -------
    ipywidgets.interactive or IPython.display.HTML

    Raises
    ------
    ValueError
        If the kinds do not share one grid of levels.
    """
    from ._validation import check_array
    from .autoencoders import corrupt
    from .plotting import denoising_panel

    X = np.asarray(check_array(X, "X"), dtype=np.float64)
    kinds = tuple(dict.fromkeys(kind for kind, _ in models))
    levels = tuple(sorted({level for _, level in models}))
    missing = [(k, v) for k in kinds for v in levels if (k, v) not in models]
    if missing:
        raise ValueError(f"models lack {missing}; every kind needs every level {levels}")
    frames = {}
    for (kind, level), model in models.items():
        noisy = corrupt(X, kind, level, generator=seed)
        recon = model.reconstruct(noisy)
        frames[kind, level] = (noisy[:n_images], recon[:n_images],
                               model.weight.detach().cpu().numpy()[:, :n_filters],
                               float(((recon - X) ** 2).sum(1).mean()))
    view = {}

    def draw(kind, level):
        noisy, recon, filters, err = frames[kind, level]
        what = "masked with probability ν" if kind == "dropout" else "plus Gaussian noise of σ"
        view["fig"] = denoising_panel(
            X[:n_images], noisy, recon, filters, shape=shape, fig=view.get("fig"),
            title=f"trained and tested on inputs {what} = {level:g}: "
                  f"squared error vs clean digits {err:.1f} per image")
        return view["fig"]

    return interactive_figure(draw, {"kind": kinds, "level": levels},
                              initial={"kind": kinds[0], "level": levels[len(levels) // 2]},
                              labels={"kind": "noise type", "level": "level (ν or σ)"},
                              mode=mode)


# --- chapter 6: VAE (owned by the VAE chapter) ---
def latent_walk_widget(model, codes, labels, *, grid=None, image_shape=None, mode=None):
    """Chapter 6 widget: sliders (h₁, h₂) move through the latent space of a 2-D VAE.

    Every grid point is decoded once, up front (one batch through the decoder); moving a
    slider then only swaps the image and moves the marker on the latent map.

    Parameters
    ----------
    model : reprcourse.vae.VAE
        With ``n_latent == 2``.
    codes : array of shape (n, 2)
        Encoder means of some data (the background map); ``labels`` of shape (n,).
    labels : array of shape (n,)
    grid : sequence of float, optional
        Values of each slider; ``-3, -2.25, …, 3`` (9 × 9 = 81 frames) by default.
    image_shape : (height, width), optional
        Shape of a decoded image; square by default.
    mode : {"live", "static"}, optional
        See :func:`interactive_figure`.

    Returns
    -------
    ipywidgets.interactive or IPython.display.HTML

    Raises
    ------
    ValueError
        If the model's code is not 2-D, ``codes`` is not (n, 2) or the grid has more than 12
        values.
    """
    from .plotting import LatentWalkView
    from .vae import VAE

    if not isinstance(model, VAE) or model.n_latent != 2:
        raise ValueError(f"model must be a VAE with n_latent=2, got "
                         f"{getattr(model, 'n_latent', type(model).__name__)}")
    grid = [round(float(v), 4) for v in (np.linspace(-3.0, 3.0, 9) if grid is None else grid)]
    if not 1 <= len(grid) <= 12:
        raise ValueError(f"grid must have 1 to 12 values (at most 144 frames), got {len(grid)}")
    points = np.array([[a, b] for a in grid for b in grid])                 # (G², 2)
    images = model.decode(points)                                           # (G², d)
    where = {v: i for i, v in enumerate(grid)}
    side = int(round(np.sqrt(model.n_features)))
    from ._validation import check_array

    codes = check_array(codes, "codes", shape_hint="(n, 2)")
    codes = np.asarray(codes.detach().cpu() if hasattr(codes, "detach") else codes)
    if codes.shape[1] != 2:
        raise ValueError(f"codes must be (n, 2), got shape {codes.shape}")
    lo = np.minimum(codes.min(0), min(grid))               # the map shows every code and
    hi = np.maximum(codes.max(0), max(grid))               # every grid point, plus a margin
    margin = 0.05 * (hi - lo) + 0.1
    view = LatentWalkView(codes, labels, lims=tuple(zip(lo - margin, hi + margin)),
                          image_shape=image_shape or (side, model.n_features // side))

    def draw(h1, h2):
        return view.update(images[where[h1] * len(grid) + where[h2]], h1, h2)

    return interactive_figure(draw, {"h1": grid, "h2": grid},
                              labels={"h1": "h₁", "h2": "h₂"}, mode=mode, dpi=90)
