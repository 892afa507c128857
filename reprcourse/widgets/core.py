"""The frame engine behind every chapter widget: live in JupyterLab, precomputed on the site.

Every chapter widget is :func:`interactive_figure` of a ``draw(**values) -> Figure`` function
and a small grid of values per control.

* ``mode="live"``: an :func:`ipywidgets.interactive` with one control per parameter (a
  slider for numbers, buttons for named choices); a move calls ``draw`` again.
* ``mode="static"``: every combination of the grid is drawn once and shipped as PNG frames
  inside a self-contained HTML control (:func:`static_frames`, page template
  ``static_widget.html``) whose ``<input type="range">`` sliders swap the frames in the
  browser: no kernel, no network.

:func:`widget_mode` picks the mode: live only in a kernel that a Jupyter server started for
a front end (JupyterLab, Notebook), static everywhere else (``jupyter-book build``,
nbclient, nbval, plain Python).
"""

from __future__ import annotations

import base64
import hashlib
import html
import itertools
import json
import os
import re
import string
from importlib import resources

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import HTML, Image, display
from matplotlib.backends.backend_agg import FigureCanvasAgg

from ..figures.core import FigureView, png_bytes

__all__ = ["MAX_FRAMES", "LIVE_DPI", "STATIC_DPI", "widget_mode", "static_frames",
           "interactive_figure", "check_grid", "check_choices", "closest"]

#: Most frames one static widget may hold (the page carries every frame).
MAX_FRAMES = 160
#: Resolution of live frames (Jupyter's inline backend draws at matplotlib's 100).
LIVE_DPI = 100
#: Resolution of static frames: a 7.2-inch figure is 648 px, shown unscaled in the column.
STATIC_DPI = 90
_MODES = ("live", "static")


def _template_parts() -> dict:
    """The sections of ``static_widget.html`` as :class:`string.Template` objects."""
    text = resources.files(__package__).joinpath("static_widget.html").read_text("utf-8")
    parts = re.split(r"^<!--@(\w+)[^>]*-->\n", text, flags=re.M)[1:]
    return {name: string.Template(body.strip()) for name, body in zip(parts[::2], parts[1::2])}


_TEMPLATE = _template_parts()


def widget_mode(mode=None) -> str:
    """``"live"`` or ``"static"``: how :func:`interactive_figure` shows a widget.

    The first that applies: the ``mode`` argument; the environment variable
    ``REPRCOURSE_WIDGETS``; ``"live"`` if this kernel was started by a Jupyter server for a
    front end (jupyter_server sets ``JPY_SESSION_NAME`` in the environment of the kernels it
    starts for a session); otherwise ``"static"`` (Jupyter Book, nbclient, nbval, plain
    Python: no one could move a live slider there).

    Parameters
    ----------
    mode : {"live", "static"}, optional

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If ``mode`` or ``$REPRCOURSE_WIDGETS`` is neither ``"live"`` nor ``"static"``.
    """
    if mode is None:
        mode = os.environ.get("REPRCOURSE_WIDGETS") or None
        if mode is not None and mode not in _MODES:
            raise ValueError(f"$REPRCOURSE_WIDGETS must be 'live' or 'static', got {mode!r}")
    if mode is None:
        mode = "live" if os.environ.get("JPY_SESSION_NAME") else "static"
    if mode not in _MODES:
        raise ValueError(f"mode must be 'live' or 'static', got {mode!r}")
    return mode


def check_grid(values, name, check):
    """A non-empty tuple of slider values, each passed through ``check(value, name)``.

    Raises
    ------
    ValueError
        If ``values`` is empty (and whatever ``check`` raises).
    """
    values = tuple(values)
    if not values:
        raise ValueError(f"{name} is empty; give at least one value")
    return tuple(check(v, name) for v in values)


def check_choices(values, name, allowed):
    """A non-empty tuple of options, each one of ``allowed``.

    Raises
    ------
    ValueError
        If ``values`` is empty or holds something not in ``allowed``.
    """
    values = tuple(values)
    if not values:
        raise ValueError(f"{name} is empty; give at least one of {list(allowed)}")
    for v in values:
        if v not in allowed:
            raise ValueError(f"{name} must hold values from {list(allowed)}, got {v!r}")
    return values


def closest(values, target):
    """The grid value nearest to ``target``."""
    return min(values, key=lambda v: abs(v - target))


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
    return f"{v:.3g}" if isinstance(v, (float, np.floating)) else str(v)


def _frame(drawn, dpi):
    """``(figure, PNG bytes)`` of what ``draw`` returned: a :class:`FigureView` (only its
    dynamic artists are drawn again) or a Figure, drawn once as it is: no
    ``bbox_inches="tight"``, which draws twice and would make frames differ in size."""
    if isinstance(drawn, FigureView):
        return drawn.fig, drawn.png(dpi)
    drawn.set_dpi(dpi)
    canvas = drawn.canvas if isinstance(drawn.canvas, FigureCanvasAgg) else \
        FigureCanvasAgg(drawn)
    canvas.draw()
    png = png_bytes(canvas.buffer_rgba())
    plt.close(drawn)                 # a pyplot figure would be shown again after the cell
    return drawn, png


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _control_html(i, label, values, shown, pos) -> str:
    value = html.escape(shown[pos])
    if _is_numeric(values):
        return _TEMPLATE["slider"].substitute(label=html.escape(label), max=len(values) - 1,
                                             pos=pos, index=i, value=value)
    options = "".join(_TEMPLATE["option"].substitute(index=j, text=html.escape(v),
                                                    selected=" selected" if j == pos else "")
                      for j, v in enumerate(shown))
    return _TEMPLATE["menu"].substitute(label=html.escape(label), index=i, options=options)


def static_frames(draw, params, *, initial=None, labels=None, dpi=STATIC_DPI) -> str:
    """Render ``draw`` on every combination of ``params`` into a self-contained HTML control.

    Parameters
    ----------
    draw : callable
        ``draw(**values)`` returning a matplotlib Figure, or a
        :class:`~reprcourse.figures.FigureView` (redrawn in place, faster).
    params : dict of {name: sequence}
        The values each control can take (a small grid; at most :data:`MAX_FRAMES` frames).
    initial : dict, optional
        Starting value per parameter (the middle of its grid by default).
    labels : dict of {name: str}, optional
        Control labels (``name`` by default), e.g. ``{"lam": "λ"}``.
    dpi : int

    Returns
    -------
    str
        HTML (``static_widget.html`` filled in) with the frames as base64 PNGs, a range
        input per numeric parameter, a menu per parameter of named choices, and a few lines
        of JavaScript that swap the image. Deterministic for deterministic ``draw``.

    Raises
    ------
    TypeError
        If ``params`` is not a non-empty dict.
    ValueError
        If a grid is empty, ``initial`` is not on the grid, or there are too many frames.
    """
    grids, start = _check_params(params, initial)
    names = list(grids)
    n_frames = int(np.prod([len(v) for v in grids.values()]))
    if n_frames > MAX_FRAMES:
        raise ValueError(f"params give {n_frames} frames; use at most {MAX_FRAMES} "
                         f"(fewer values per slider)")
    frames, width_px = [], 0
    for combo in itertools.product(*grids.values()):
        fig, png = _frame(draw(**dict(zip(names, combo))), dpi)
        width_px = max(width_px, int(fig.get_figwidth() * dpi))
        frames.append(_data_uri(png))
    uid = "rc-" + hashlib.sha1("".join(frames).encode()).hexdigest()[:10]
    labels = {n: (labels or {}).get(n, n) for n in names}
    sizes = [len(grids[n]) for n in names]
    shown = [[_fmt(v) for v in grids[n]] for n in names]
    pos = [grids[n].index(start[n]) for n in names]
    index = int(np.ravel_multi_index(pos, sizes))
    alt = "Figure for " + ", ".join(f"{labels[n]} = {shown[i][pos[i]]}"
                                    for i, n in enumerate(names))
    controls = "\n".join(_control_html(i, labels[n], grids[n], shown[i], pos[i])
                         for i, n in enumerate(names))
    return _TEMPLATE["widget"].substitute(
        uid=uid, controls=controls, alt=html.escape(alt), first=frames[index],
        max_width=f"{width_px + 20}px", frames=json.dumps(frames), sizes=json.dumps(sizes),
        values=json.dumps(shown), labels=json.dumps([labels[n] for n in names]))


def interactive_figure(draw, params, *, initial=None, labels=None, mode=None, dpi=STATIC_DPI):
    """A figure with one control per parameter, live in JupyterLab and static on the site.

    Parameters
    ----------
    draw : callable
        ``draw(**values)`` returning a Figure or a :class:`~reprcourse.figures.FigureView`.
    params : dict of {name: sequence}
        The values each control can take.
    initial : dict, optional
        Starting value per parameter (the middle of its grid by default).
    labels : dict of {name: str}, optional
        Control labels.
    mode : {"live", "static"}, optional
        See :func:`widget_mode`.
    dpi : int
        Resolution of static frames.

    Returns
    -------
    ipywidgets.interactive (live; its ``.result`` is the last figure drawn) or
    IPython.display.HTML (static).

    Raises
    ------
    TypeError, ValueError
        As :func:`static_frames` and :func:`widget_mode`.
    """
    if widget_mode(mode) == "static":
        return HTML(static_frames(draw, params, initial=initial, labels=labels, dpi=dpi))
    grids, start = _check_params(params, initial)
    labels = labels or {}

    def control(n):                          # numbers: a slider; named choices: buttons
        options = [(_fmt(v), v) for v in grids[n]]
        style = {"description_width": "initial"}
        if _is_numeric(grids[n]):
            return ipywidgets.SelectionSlider(options=options, value=start[n],
                                              description=labels.get(n, n),
                                              continuous_update=False, style=style,
                                              layout=ipywidgets.Layout(width="34em"))
        return ipywidgets.ToggleButtons(options=options, value=start[n],
                                        description=labels.get(n, n),
                                        style={**style, "button_width": "auto"})

    def show(**values):                      # one draw per update: the ≤ 100 ms budget
        fig, png = _frame(draw(**values), LIVE_DPI)
        display(Image(data=png))
        return fig

    return ipywidgets.interactive(show, **{n: control(n) for n in grids})
