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
import io
import itertools
import json
import os

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["interactive_figure", "static_frames", "widget_mode"]

MAX_FRAMES = 160


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


def _fmt(v) -> str:
    if isinstance(v, (float, np.floating)):
        return f"{v:.3g}"
    return str(v)


def _png(fig, dpi) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


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
        HTML with the frames as base64 PNGs, one range input per parameter and a few lines
        of JavaScript that swap the image. Deterministic for deterministic ``draw``.
    """
    grids, start = _check_params(params, initial)
    names = list(grids)
    n_frames = int(np.prod([len(v) for v in grids.values()]))
    if n_frames > MAX_FRAMES:
        raise ValueError(f"params give {n_frames} frames; use at most {MAX_FRAMES} "
                         f"(fewer values per slider)")
    frames = [_png(draw(**dict(zip(names, combo))), dpi)
              for combo in itertools.product(*grids.values())]
    uid = "rc-" + hashlib.sha1("".join(frames).encode()).hexdigest()[:10]
    labels = labels or {}
    sizes = [len(grids[n]) for n in names]
    rows = []
    for i, n in enumerate(names):
        pos = grids[n].index(start[n])
        shown = _fmt(start[n])
        rows.append(
            f'<label style="display:flex;align-items:center;gap:.6em;margin:.2em 0">'
            f'<span style="min-width:7em">{labels.get(n, n)}</span>'
            f'<input type="range" min="0" max="{sizes[i] - 1}" step="1" value="{pos}" '
            f'data-rc-param="{i}" style="flex:1;max-width:22em">'
            f'<output style="min-width:4em;font-family:monospace">{shown}</output></label>')
    index = 0
    for i, n in enumerate(names):
        index = index * sizes[i] + grids[n].index(start[n])
    values_js = json.dumps([[_fmt(v) for v in grids[n]] for n in names])
    return (
        f'<div class="rc-widget" id="{uid}" style="border:1px solid #ddd;border-radius:6px;'
        f'padding:.6em;margin:.6em 0">'
        f'{"".join(rows)}'
        f'<img alt="interactive figure" style="max-width:100%" src="{frames[index]}">'
        f'<script>(function(){{'
        f'var root=document.getElementById("{uid}");var F={json.dumps(frames)};'
        f'var S={json.dumps(sizes)};var V={values_js};'
        f'var inputs=root.querySelectorAll("input[data-rc-param]");'
        f'function upd(){{var k=0;inputs.forEach(function(el,i){{k=k*S[i]+(+el.value);'
        f'el.nextElementSibling.textContent=V[i][+el.value];}});'
        f'root.querySelector("img").src=F[k];}}'
        f'inputs.forEach(function(el){{el.addEventListener("input",upd);}});'
        f'}})();</script></div>')


def interactive_figure(draw, params, *, initial=None, labels=None, mode=None, dpi=72):
    """A figure with one slider per parameter, live in a kernel and static on the site.

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
    from IPython.display import display

    grids, start = _check_params(params, initial)
    labels = labels or {}
    sliders = {n: widgets.SelectionSlider(options=[(_fmt(v), v) for v in grids[n]],
                                          value=start[n], description=labels.get(n, n),
                                          continuous_update=False,
                                          style={"description_width": "initial"},
                                          layout=widgets.Layout(width="32em"))
               for n in grids}

    def show(**values):
        fig = draw(**values)
        display(fig)
        plt.close(fig)
        return fig

    return widgets.interactive(show, **sliders)


# --- chapter builders: each chapter adds its widget builders in its own section below ---

# --- chapter 2: sparse coding (owned by the foundation chapters) ---

# --- chapter 3: ISTA and recovery (owned by the recovery chapter) ---

# --- chapter 4: dictionary learning (owned by the dictionary-learning chapter) ---

# --- chapter 5: autoencoders (owned by the autoencoders chapter) ---

# --- chapter 6: VAE (owned by the VAE chapter) ---
