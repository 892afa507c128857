"""The course's figure style and the helpers every chapter's figures share.

One way of making a figure: :func:`new_figure` returns a :class:`matplotlib.figure.Figure`
that pyplot does not track (nothing global, nothing shown twice, nothing leaked by a widget);
a notebook shows it by making it the cell's last expression. Two kinds of public figure
function, named by what they return:

* ``*_figure(...) -> Figure``: a whole figure, e.g. :func:`image_rows_figure`;
* ``*_plot(..., ax=None) -> Axes``: one panel, drawn into ``ax`` (a new figure if omitted),
  e.g. :func:`line_plot`; compose several in one figure.

Widget frames are :class:`FigureView` subclasses: built once, redrawn in place. Images
(tiles, atoms, rows of digits) are in :mod:`.images`.

:data:`STYLE` keeps text sizes ≥ 10 px when a figure at most :data:`MAX_WIDTH` inches wide
is shown in the book's ≈ 690-px column. Importing this module changes no global setting: a
chapter applies the style with an explicit :func:`use_course_style` in its setup cell, a
script draws inside ``with course_style():``.
:data:`COLORS` gives the same colour to the same object in every chapter.
"""

from __future__ import annotations

import io
import textwrap

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from IPython import get_ipython
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FormatStrFormatter, LogLocator, NullFormatter
from matplotlib_inline.backend_inline import set_matplotlib_formats
from PIL import Image

from .._torch import to_numpy

__all__ = ["COLORS", "OKABE_ITO", "STYLE", "MAX_WIDTH", "DPI", "use_course_style", "course_style",
           "new_figure",
           "FigureView", "png_bytes", "ax_or_new", "color_for", "wrap", "legend_outside", "line_plot",
           "loss_curves_plot"]

#: The Okabe & Ito (2008) palette: eight colours that stay apart under the common colour-vision
#: deficiencies (tests/test_figure_colours.py simulates them). Colour is never the only cue:
#: figures add line styles, markers, hatches or direct labels.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
             "#000000")

#: The same colour for the same object in every chapter (from :data:`OKABE_ITO`; objects that
#: share a figure get colours that a colour-blind reader can tell apart).
COLORS = {
    "data": "#7f7f7f",        # samples, inputs
    "true": "#0072B2",        # ground truth (h*, planted dictionary, original image): blue
    "estimate": "#D55E00",    # what the method recovered or reconstructed: vermillion
    "ista": "#E69F00",        # orange
    "fista": "#009E73",       # bluish green
    "sklearn": "#000000",     # black: a reference, like the bounds
    "pca": "#56B4E9",         # sky blue
    "kmeans": "#CC79A7",      # reddish purple
    "autoencoder": "#0072B2",  # blue (never beside a ground truth)
    "vae": "#E69F00",         # orange (never beside ISTA)
    "bound": "#000000",       # theoretical bounds and regions, markers
}

#: Widest figure (inches) the book's column shows at about its natural size.
MAX_WIDTH = 7.2
#: Resolution figures are shown at (Jupyter's inline backend and the site).
DPI = 100

#: The course style: every text at least 10 pt, legends without frames.
STYLE = {
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "legend.title_fontsize": 10,
    "legend.frameon": False,
    "figure.titlesize": 12,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "image.interpolation": "nearest",
}


def use_course_style(*, retina=True) -> None:
    """Apply :data:`STYLE` to matplotlib's rcParams: call it once in a chapter's setup cell.

    Parameters
    ----------
    retina : bool
        In a notebook, also have the inline backend store figures at twice their resolution
        (same displayed size), so they stay sharp on HiDPI screens, phones and when zoomed.
    """
    mpl.rcParams.update(STYLE)
    if retina:
        if get_ipython() is not None:                              # only inside a notebook
            set_matplotlib_formats("retina")


def course_style():
    """The course style for one block: ``with course_style(): fig = some_figure(...)``.

    Returns
    -------
    context manager
        :func:`matplotlib.rc_context` with :data:`STYLE`; rcParams are restored on exit.
    """
    return mpl.rc_context(STYLE)


def new_figure(width=MAX_WIDTH, height=4.0, *, layout="constrained") -> Figure:
    """A new figure of ``width`` × ``height`` inches, not tracked by pyplot.

    Parameters
    ----------
    width, height : float
        Inches; ``width`` at most :data:`MAX_WIDTH` keeps text readable in the column.
    layout : {"constrained", None}
        ``None`` for a fixed layout (widget views, which redraw many times).

    Returns
    -------
    matplotlib.figure.Figure
    """
    return Figure(figsize=(width, height), dpi=DPI, layout=layout)


class FigureView:
    """A figure built once and redrawn in place, many times: the base of the widget views.

    A subclass builds ``self.fig`` (:func:`new_figure` with ``layout=None``: a fixed layout),
    registers the artists its ``update`` changes with :meth:`dynamic`, and keeps every axis
    limit fixed. :meth:`png` then renders the static part (axes, ticks, labels, legends)
    once and, for each frame, only the dynamic artists on top of it: text, the costly part
    of a frame, is not drawn again. ``self.fig`` stays an ordinary figure (a normal draw
    shows everything).
    """

    def __init__(self, fig):
        self.fig = fig
        self._dynamic = []
        self._background = None

    def dynamic(self, *artists):
        """Mark ``artists`` as redrawn on every frame; returns the first."""
        self._dynamic.extend(artists)
        self._background = None
        return artists[0] if artists else None

    def render(self, dpi=DPI):
        """The figure at ``dpi`` as an RGBA array of shape (height_px, width_px, 4)."""
        canvas = self.fig.canvas
        if not isinstance(canvas, FigureCanvasAgg):
            canvas = FigureCanvasAgg(self.fig)
        if self._background is None or self._background[0] != dpi:
            self.fig.set_dpi(dpi)
            for a in self._dynamic:                 # the background: everything else
                a.set_animated(True)
            canvas.draw()
            for a in self._dynamic:
                a.set_animated(False)
            self._background = (dpi, canvas.copy_from_bbox(self.fig.bbox))
        else:
            canvas.restore_region(self._background[1])
        renderer = canvas.get_renderer()
        for a in self._dynamic:
            a.draw(renderer)
        return np.asarray(canvas.buffer_rgba())

    def png(self, dpi=DPI) -> bytes:
        """The current frame as PNG bytes (:func:`png_bytes`)."""
        return png_bytes(self.render(dpi))


def png_bytes(rgba) -> bytes:
    """An RGBA image of shape (height, width, 4) as a 256-colour PNG.

    A palette of 256 colours is plenty for a figure on white, and the file is about three
    times smaller and several times faster to write than full RGBA: what matters for a
    widget's frames (each live update; every frame stored in the static page).
    """
    buf = io.BytesIO()
    image = Image.fromarray(np.asarray(rgba)).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(buf, format="png",
                                                                      compress_level=6)
    return buf.getvalue()


def ax_or_new(ax, width=6.4, height=3.6):
    """``ax``, or the axes of a new figure of ``width`` × ``height`` inches (``*_plot``)."""
    return new_figure(width, height).add_subplot() if ax is None else ax


#: Other first words that name an object of :data:`COLORS`.
_ALIASES = {"scikitlearn": "sklearn", "ae": "autoencoder", "dae": "autoencoder"}


def color_for(label, default=None):
    """The :data:`COLORS` entry named by the first word of ``label`` ("PCA, k = 8" → pca)."""
    words = str(label).lower().replace(",", " ").replace(":", " ").replace("-", "").split()
    if not words:
        return default
    return COLORS.get(_ALIASES.get(words[0], words[0]), default)


def wrap(text, width_in, size=11):
    """``text`` wrapped to fit ``width_in`` inches at ``size`` points (≈ 0.6 em a char)."""
    if not text:
        return ""
    chars = max(20, int(72 * width_in / (0.6 * size)))
    return "\n".join(textwrap.fill(line, chars) for line in str(text).split("\n"))


def legend_outside(ax, *, where="right", ncol=1, **kwargs):
    """A legend beside (``"right"``) or below (``"below"``) the axes, never over the data."""
    if where == "right":
        return ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0,
                         **kwargs)
    return ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=ncol,
                     borderaxespad=0, **kwargs)


def line_plot(x, curves, *, ax=None, xlabel="", ylabel="", title=None, logy=False,
              styles=None, colors=None, legend="right"):
    """Curves ``{label: y}`` against a shared ``x``, coloured by :func:`color_for`.

    Parameters
    ----------
    x : array of shape (n,), or None for ``1, ..., n``
    curves : dict of {label: array of shape (n,)}
    ax : matplotlib Axes, optional
    xlabel, ylabel, title : str
    logy : bool
    styles : dict of {label: str}, optional
        A matplotlib format string per label, e.g. ``"--o"``.
    colors : dict of {label: color}, optional
        Overrides the colour found from the label.
    legend : {"right", "below", None}
        Where the legend goes: always outside the data.

    Returns
    -------
    matplotlib Axes
    """
    ax = ax_or_new(ax)
    styles, colors = styles or {}, colors or {}
    palette = iter(plt.get_cmap("tab10").colors)
    for label, y in curves.items():
        y = to_numpy(y, np.float64).ravel()
        xs = np.arange(1, len(y) + 1) if x is None else to_numpy(x, np.float64).ravel()
        color = colors.get(label) or color_for(label) or next(palette)
        ax.plot(xs, y, styles.get(label, "-"), label=label, color=color, ms=4)
    ax.set(xlabel=xlabel, ylabel=ylabel, yscale="log" if logy else "linear")
    ys = np.concatenate([to_numpy(y, np.float64).ravel() for y in curves.values()] or [[1.0]])
    ys = ys[np.isfinite(ys) & (ys > 0)]
    if logy and ys.size and ys.max() < 1000 * ys.min():   # under 2 (3) decades: 1, 2, 5 (1, 3)
        subs = (1.0, 2.0, 5.0) if ys.max() < 100 * ys.min() else (1.0, 3.0)
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=subs))
        ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))
        ax.yaxis.set_minor_formatter(NullFormatter())
    if legend:
        legend_outside(ax, where=legend)
    if title:
        ax.set_title(title)
    return ax


def loss_curves_plot(curves, *, ax=None, xlabel="iteration", ylabel="objective",
                     logy=False, title=None, colors=None):
    """Curves ``{label: values}`` against ``1, ..., n`` (training curves): :func:`line_plot`."""
    return line_plot(None, curves, ax=ax, xlabel=xlabel, ylabel=ylabel, title=title, logy=logy,
                     colors=colors)


