"""Figures of chapter 3 (ISTA and one-step recovery): one instance, and phase diagrams."""

from __future__ import annotations

import numpy as np
from matplotlib import patheffects
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgba
from matplotlib.ticker import MaxNLocator

from .._torch import to_numpy
from .._validation import check_array, check_int
from ..recovery import sign_errors
from .core import COLORS, MAX_WIDTH, FigureView, ax_or_new, new_figure, wrap

__all__ = ["OneStepView", "one_step_plot", "one_step_figure", "noise_phase_plot",
           "coherence_phase_plot", "noise_phase_figure", "coherence_phase_figure"]

#: The colour map of the phase diagrams: sequential and readable with every common colour
#: vision deficiency (cividis); the theorems' regions are drawn on top in black and white.
RATE_CMAP = "cividis"
#: How an atom whose sign one step gets wrong is marked: colour *and* hatch, with the label.
ERROR_STYLES = {
    "missed": dict(color=COLORS["true"], hatch="///", label="missed:\nh*ᵢ ≠ 0 set to 0"),
    "wrong": dict(color=COLORS["estimate"], hatch="xx",
                  label="wrong sign or\nfalse non-zero"),
}


class OneStepView(FigureView):
    """The one-step encoder on one instance, in a figure that redraws only its data.

    Shows ``Dᵀx`` (bars), the dead zone ``[−λ, λ]``, the true code ``h*`` (circles), the
    one-step code ``thr_λ(Dᵀx)`` (crosses), and marks the atoms whose sign is not recovered,
    in two kinds (:func:`reprcourse.recovery.sign_errors`, :data:`ERROR_STYLES`): a true
    non-zero *missed* (set to zero), and a *wrong* sign (a false non-zero or a flip). The axes
    are built once (fixed limits, so frames compare) and :meth:`update` moves artists, which
    keeps a widget redraw cheap.

    Parameters
    ----------
    n_atoms : int >= 1
    ylim : float
        The y axis spans ``[−ylim, ylim]``.
    ax : matplotlib Axes, optional
        A new figure (:data:`MAX_WIDTH` wide, fixed layout, legend on the right) by default.

    Raises
    ------
    ValueError
        If ``n_atoms < 1``, or :meth:`update` gets arrays that are not 1-D of length
        ``n_atoms`` or not finite.
    """

    def __init__(self, n_atoms, *, ylim, ax=None):
        n = check_int(n_atoms, "n_atoms", low=1)
        if ax is None:
            fig = new_figure(MAX_WIDTH, 3.8, layout=None)     # room for a 3-4 line title
            fig.subplots_adjust(left=0.10, right=0.76, top=0.72, bottom=0.13)
            ax = fig.add_subplot()
        super().__init__(ax.figure)
        self.ax, self._idx = ax, np.arange(n)
        width_pt = 72 * self.fig.get_figwidth() * ax.get_position().width / n   # one atom
        self._marks = {}
        for kind, style in ERROR_STYLES.items():
            self._marks[kind] = ax.add_collection(PolyCollection(
                [], facecolors=[to_rgba(style["color"], 0.10)],
                edgecolors=[to_rgba(style["color"], 0.55)], linewidths=0.0,
                hatch=style["hatch"], label=style["label"]))
        self._band = ax.axhspan(-1, 1, color=COLORS["bound"], alpha=0.08, lw=0)
        self._edges = [ax.axhline(y, color=COLORS["bound"], ls="--", lw=0.8) for y in (-1, 1)]
        self._edges[1].set_label("±λ")
        self._bars = ax.vlines(self._idx, 0, 0, lw=0.7 * width_pt, color=COLORS["data"],
                               alpha=0.5, label="Dᵀx")
        self._true, = ax.plot([], [], "o", mfc="none", mew=1.6, ms=8, color=COLORS["true"],
                              label="h* (true)")
        self._code, = ax.plot([], [], "x", mew=2, ms=7, color=COLORS["estimate"],
                              label="one step")
        ax.axhline(0, color="k", lw=0.5)
        ax.set(xlim=(-0.5, n - 0.5), ylim=(-ylim, ylim), xlabel="atom i", ylabel="coefficient")
        ax.yaxis.set_major_locator(MaxNLocator(5))
        ax.xaxis.set_major_locator(MaxNLocator(5, integer=True))
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0)
        self._title = ax.set_title("", loc="left")
        self.dynamic(*self._marks.values(), self._band, *self._edges, self._bars, self._true,
                     self._code, self._title)

    def update(self, h_star, z, code, lam, *, title=None):
        """Show a new instance: arrays of shape (n_atoms,), ``lam`` the threshold.

        Returns
        -------
        matplotlib Figure

        Raises
        ------
        ValueError
            If an array is not 1-D of length ``n_atoms`` or not finite.
        """
        idx = self._idx
        arrays = {}
        for a, name in ((h_star, "h_star"), (z, "z"), (code, "code")):
            a = to_numpy(check_array(a, name, ndim=1, shape_hint="(n_atoms,)"))
            if len(a) != len(idx):
                raise ValueError(f"{name} has {len(a)} entries but the view has {len(idx)} "
                                 f"atoms")
            arrays[name] = a
        h_star, z, code = arrays["h_star"], arrays["z"], arrays["code"]
        lo, hi = self.ax.get_ylim()
        masks = dict(zip(ERROR_STYLES, sign_errors(code, h_star)))
        for kind, marks in self._marks.items():
            marks.set_verts([[(i - 0.45, lo), (i + 0.45, lo), (i + 0.45, hi), (i - 0.45, hi)]
                             for i in idx[masks[kind]]])
        self._band.set_y(-lam)
        self._band.set_height(2 * lam)
        for line, y in zip(self._edges, (-lam, lam)):
            line.set_ydata([y, y])
        self._bars.set_segments([[(i, 0), (i, v)] for i, v in zip(idx, z)])
        self._true.set_data(idx[h_star != 0], h_star[h_star != 0])
        self._code.set_data(idx[code != 0], code[code != 0])
        self._title.set_text(title or "")
        return self.fig


def one_step_plot(h_star, z, code, lam, *, ax=None, title=None):
    """Draw the one-step encoder on one instance (see :class:`OneStepView`).

    Parameters
    ----------
    h_star, z, code : arrays of shape (n_atoms,)
        True code, ``Dᵀx`` and the one-step code ``thr_λ(Dᵀx)``.
    lam : float
        Threshold λ.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        As :meth:`OneStepView.update`.
    """
    z = to_numpy(check_array(z, "z", ndim=1, shape_hint="(n_atoms,)"))
    ylim = 1.1 * max(np.abs(z).max(), np.abs(to_numpy(h_star)).max(), lam)
    view = OneStepView(len(z), ylim=ylim, ax=ax)
    view.update(h_star, z, code, lam, title=title)
    return view.ax


def one_step_figure(h_star, panels, *, suptitle=None):
    """One instance under several thresholds: one :func:`one_step_plot` per row, one legend.

    Parameters
    ----------
    h_star : array of shape (n_atoms,)
        The true code.
    panels : sequence of (z, code, lam, title)
        For each row ``Dᵀx``, the one-step code at threshold ``lam`` (arrays of shape
        (n_atoms,)) and the row's title.
    suptitle : str, optional

    Returns
    -------
    matplotlib Figure

    Raises
    ------
    ValueError
        If ``panels`` is empty or an array has the wrong shape (as :meth:`OneStepView.update`).
    """
    panels = list(panels)
    if not panels:
        raise ValueError("panels must hold at least one (z, code, lam, title), got none")
    head = 0.25 * (wrap(suptitle, MAX_WIDTH, 12).count("\n") + 1) if suptitle else 0.0
    fig = new_figure(MAX_WIDTH, 2.5 * len(panels) + 0.8 + head)
    axes = fig.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    h = to_numpy(check_array(h_star, "h_star", ndim=1, shape_hint="(n_atoms,)"))
    ylim = 1.1 * max(max(np.abs(to_numpy(z)).max(), lam) for z, _, lam, _ in panels)
    ylim = max(ylim, 1.1 * np.abs(h).max())
    for ax, (z, code, lam, title) in zip(axes, panels):
        view = OneStepView(len(h), ylim=ylim, ax=ax)
        view.update(h, z, code, lam, title=title)
        ax.get_legend().remove()
    for ax in axes[:-1]:
        ax.set_xlabel("")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=3, handlelength=2.0,
               columnspacing=1.2)
    if suptitle:
        fig.suptitle(wrap(suptitle, MAX_WIDTH, 12))
    return fig


def _rate_map(rates, x, y, ax, xlabel, ylabel, title):
    """Recovery rates on a grid as an image (rows: y, columns: x); it is ``ax.images[0]``."""
    rates = to_numpy(check_array(rates, "rates", shape_hint="(n_y, n_x)"))
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if rates.shape != (len(y), len(x)):
        raise ValueError(f"rates has shape {rates.shape} but the grids give {(len(y), len(x))}; "
                         f"rates must be (len(y values), len(x values))")
    ax = ax_or_new(ax, 5.6, 4.2)

    def edges(v):
        step = np.diff(v).mean() if len(v) > 1 else 1.0
        return v[0] - step / 2, v[-1] + step / 2

    ax.imshow(rates, origin="lower", aspect="auto", cmap=RATE_CMAP, vmin=0, vmax=1,
              extent=(*edges(x), *edges(y)))
    ax.set(xlabel=xlabel, ylabel=ylabel)
    ax.xaxis.set_major_locator(MaxNLocator(4))
    if title:
        ax.set_title(title)
    return ax


def _bound_line(ax, x, y, label, ls="-", lw=2.5):
    ax.plot(x, y, ls=ls, lw=lw, color=COLORS["bound"], label=label, solid_capstyle="butt",
            path_effects=[patheffects.withStroke(linewidth=lw + 2.5, foreground="white")])


def noise_phase_plot(rates, lam_ratios, noise_ratios, *, worst_case=True, ax=None, title=None):
    """Recovery rate over (λ/τ, ‖ε‖₂/τ) for an orthogonal ``D``, with the theorems drawn on top.

    Theorem 1 holds on the segment ``ε = 0, 0 < λ < τ``; theorem 2 on ``λ = τ/2,
    ‖ε‖₂ ≤ τ/4``. With ``worst_case``, the exact boundary for the worst noise and
    ``|h*_i| = τ`` is drawn too: ``‖ε‖₂ < min(λ, τ − λ)``. No legend or colour bar: the
    figure (:func:`noise_phase_figure`) draws one of each, outside the panels.

    Parameters
    ----------
    rates : array of shape (n_noise, n_lam)
        From :func:`reprcourse.recovery.noise_phase_diagram`.
    lam_ratios, noise_ratios : arrays of shape (n_lam,), (n_noise,)
    worst_case : bool
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If ``rates`` is not ``(len(noise_ratios), len(lam_ratios))``.
    """
    ax = _rate_map(rates, lam_ratios, noise_ratios, ax, "threshold λ / τ", "noise ‖ε‖₂ / τ",
                   title)
    _bound_line(ax, [0, 1], [0, 0], "theorem 1 (ε = 0, λ < τ)", lw=4)
    _bound_line(ax, [0.5, 0.5], [0, 0.25], "theorem 2 (λ = τ/2, ‖ε‖₂ ≤ τ/4)")
    if worst_case:
        _bound_line(ax, [0, 0.5, 1], [0, 0.5, 0], "exact limit, worst-case noise", ls="--",
                    lw=1.5)
    ax.set_ylim(bottom=min(ax.get_ylim()[0], -0.02))
    return ax


def coherence_phase_plot(rates, sparsities, mu_M_ratios, *, aligned=True, ax=None,
                         title=None):
    """Recovery rate over (‖h*‖₀, μM/τ) at λ = τ/2, with theorem 3's region drawn on top.

    Theorem 3 holds below the curve ``‖h*‖₀ μ M/τ = 1/8``, a region drawn hatched in black
    with a white-edged black outline, so it shows on every colour of the map. With
    ``aligned``, the curve
    ``‖h*‖₀ μ M/τ = 1/2`` is drawn too: beyond it one step fails for equicorrelated atoms and
    a code with every entry ``+M`` and no noise.

    Parameters
    ----------
    rates : array of shape (n_mu, n_sparsities)
        From :func:`reprcourse.recovery.coherence_phase_diagram`.
    sparsities, mu_M_ratios : arrays of shape (n_sparsities,), (n_mu,)
    aligned : bool
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If ``rates`` is not ``(len(mu_M_ratios), len(sparsities))``.
    """
    ax = _rate_map(rates, sparsities, mu_M_ratios, ax, "sparsity ‖h*‖₀", "coherence μM / τ",
                   title)
    ax.xaxis.set_major_locator(MaxNLocator(5, integer=True))     # whole numbers only
    s = np.linspace(max(0.5, np.min(sparsities) - 0.5), np.max(sparsities) + 0.5, 200)
    top = ax.get_ylim()[1]
    bottom = ax.get_ylim()[0]
    ax.fill_between(s, bottom, np.minimum(1 / (8 * s), top), facecolor="none",
                    edgecolor=COLORS["bound"], hatch="///", lw=0,
                    label="where theorem 3 applies")
    _bound_line(ax, s, np.minimum(1 / (8 * s), top), "its edge: ‖h*‖₀ μ M = τ/8")
    if aligned:
        _bound_line(ax, s, np.minimum(1 / (2 * s), top), "exact limit, aligned codes: τ/2",
                    ls="--", lw=1.5)
    return ax


def _phase_panels(plot, panels, x, y, *, suptitle=None):
    """Phase diagrams side by side on one colour scale: one colour bar, one legend below."""
    head = 0.25 * (wrap(suptitle, MAX_WIDTH, 12).count("\n") + 1) if suptitle else 0.0
    fig = new_figure(MAX_WIDTH, 4.6 + head)
    axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
    for ax, (title, (rates, options)) in zip(axes, panels.items()):
        plot(rates, x, y, ax=ax, title=title, **options)
    for ax in axes[1:]:
        ax.set_ylabel("")
    fig.colorbar(axes[0].images[0], ax=axes, label="recovery rate", aspect=30)
    entries = {}                                       # label -> handle, first panel wins
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            entries.setdefault(label, handle)
    fig.legend(list(entries.values()), list(entries), loc="outside lower center", ncol=2,
               handlelength=2.5, columnspacing=1.5)
    if suptitle:
        fig.suptitle(wrap(suptitle, MAX_WIDTH, 12))
    return fig


def noise_phase_figure(rates_random, rates_worst, lam_ratios, noise_ratios, *,
                       suptitle=None):
    """Theorem 2's phase diagrams for random and worst-case noise, side by side.

    Each panel is :func:`noise_phase_plot`; the exact worst-case limit is drawn on the
    worst-case panel only. One colour bar and one legend (below the panels) serve both.

    Parameters
    ----------
    rates_random, rates_worst : arrays of shape (n_noise, n_lam)
        From :func:`reprcourse.recovery.noise_phase_diagram` with ``noise_kind="random"``
        and ``"adversarial"``.
    lam_ratios, noise_ratios : arrays of shape (n_lam,), (n_noise,)
    suptitle : str, optional

    Returns
    -------
    matplotlib Figure

    Raises
    ------
    ValueError
        If a ``rates`` array does not have shape ``(len(noise_ratios), len(lam_ratios))``.
    """
    panels = {"random noise direction": (rates_random, {"worst_case": False}),
              "worst-case direction": (rates_worst, {"worst_case": True})}
    return _phase_panels(noise_phase_plot, panels, lam_ratios, noise_ratios, suptitle=suptitle)


def coherence_phase_figure(rates_aligned, rates_random, sparsities, mu_M_ratios, *,
                           suptitle=None):
    """Theorem 3's phase diagrams for aligned and random-sign codes, side by side.

    Each panel is :func:`coherence_phase_plot` with both curves; one colour bar and one
    legend (below the panels) serve both.

    Parameters
    ----------
    rates_aligned, rates_random : arrays of shape (n_mu, n_sparsities)
        From :func:`reprcourse.recovery.coherence_phase_diagram` with ``signs="positive"``
        and ``"random"``.
    sparsities, mu_M_ratios : arrays of shape (n_sparsities,), (n_mu,)
    suptitle : str, optional

    Returns
    -------
    matplotlib Figure

    Raises
    ------
    ValueError
        If a ``rates`` array does not have shape ``(len(mu_M_ratios), len(sparsities))``.
    """
    panels = {"aligned signs (worst case)": (rates_aligned, {}),
              "random signs": (rates_random, {})}
    return _phase_panels(coherence_phase_plot, panels, sparsities, mu_M_ratios,
                         suptitle=suptitle)
