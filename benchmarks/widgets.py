"""Median update time of the chapter widgets in live mode (target: ≤ 100 ms, DESIGN.md).

Each widget is built in live mode (an ``ipywidgets.interactive``) as its chapter builds it
and its controls are moved the way a student would, one step at a time, round-robin. One
update is everything the kernel does before the new picture can appear: the callback
redraws the figure and encodes it as a PNG (``reprcourse.widgets`` draws each figure once,
without Jupyter's ``bbox_inches="tight"`` second pass). Every widget builds its figure once
(a ``FigureView`` of :mod:`reprcourse.figures`): its static part (axes, ticks, labels,
legends) is rendered once, and a move only redraws the artists that change. Wall-clock and
CPU time are shown; CPU time is the fairer figure on a shared machine.

The models behind the chapter 5 and 6 widgets are the shipped checkpoint and an untrained
VAE of the chapter's size: the drawing cost does not depend on the weights.

Usage: ``python benchmarks/widgets.py [--updates 30] [--only ch3]``
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import time

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402

from reprcourse import widgets  # noqa: E402
from reprcourse.data import mnist, natural_patches  # noqa: E402
from reprcourse.models import VAE, pretrained  # noqa: E402
from reprcourse.structure import pca  # noqa: E402


def _ch2():
    X = natural_patches(400, seed=0)
    D = np.random.default_rng(0).standard_normal((64, 128))
    D /= np.linalg.norm(D, axis=0)
    dictionaries = {"random": D, "PCA basis": pca(X).components.T}
    return widgets.sparsity_widget(X, dictionaries, (0.05, 0.1, 0.2, 0.5, 1.0, 2.0), mode="live")


def _ch4():
    return widgets.dictionary_lambda_widget(natural_patches(4000, seed=0),
                                            lams=(0.1, 0.25, 0.5, 1.0, 2.0), n_atoms=64,
                                            n_iter=4, seed=0, mode="live")


def _ch5():
    models = {(kind, level): pretrained(f"dae_{kind}_{int(100 * level)}")
              for kind in ("dropout", "gaussian") for level in (0.25, 0.5)}
    clean = pretrained("dae_clean")
    models.update({("dropout", 0.0): clean, ("gaussian", 0.0): clean})
    return widgets.denoising_widget(models, mnist(1000, seed=0)[0], seed=0, mode="live")


def _ch6():
    rng = np.random.default_rng(0)
    model = VAE(784, 2, hidden=(256,), likelihood="bernoulli", seed=0)
    return widgets.latent_walk_widget(model, rng.standard_normal((600, 2)),
                                      rng.integers(0, 10, 600), mode="live")


#: (name, builder) pairs; each builder returns a live widget.
WIDGETS = [
    ("ch2 sparsity (λ, dictionary)", _ch2),
    ("ch3 one step (λ, ‖ε‖, direction)", lambda: widgets.one_step_widget(mode="live")),
    ("ch3 coherence (μ, λ, signs)", lambda: widgets.coherence_widget(mode="live")),
    ("ch4 dictionary (λ)", _ch4),
    ("ch5 denoising (ν, σ)", _ch5),
    ("ch6 latent walk (h₁, h₂)", _ch6),
]
TARGET_MS = 100.0


def _clock():
    return time.perf_counter(), time.process_time()


def _since(start):
    wall, cpu = _clock()
    return 1000 * (wall - start[0]), 1000 * (cpu - start[1])


def time_updates(w, n_updates, n_warmup=3):
    """Move the controls of widget ``w`` ``n_updates`` times; per-update (wall, cpu) in ms.

    Returns
    -------
    ndarray of shape (n_updates, 2)
    """
    controls = [c for c in w.kwargs_widgets if len(getattr(c, "options", ())) > 1]
    if not controls:
        raise ValueError("the widget has no control with more than one value")
    times = []
    for k in range(n_warmup + n_updates):
        control = controls[k % len(controls)]
        start = _clock()
        control.index = (control.index + 1) % len(control.options)   # redraw + PNG
        if k >= n_warmup:
            times.append(_since(start))
    return np.array(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=30, help="timed updates per widget")
    parser.add_argument("--only", default="", help="run widgets whose name contains this")
    args = parser.parse_args(argv)
    rows = []
    for name, build in WIDGETS:
        if args.only not in name:
            continue
        with contextlib.redirect_stdout(io.StringIO()):   # display() prints outside a kernel
            times = time_updates(build(), args.updates)
        wall, cpu = np.median(times, axis=0)
        rows.append((name, len(times), wall, cpu, "yes" if cpu <= TARGET_MS else "NO"))
    header = ("widget", "updates", "wall", "cpu", f"≤{TARGET_MS:.0f} ms (cpu)")
    widths = [max(len(header[0]), *(len(r[0]) for r in rows)), 7, 7, 7, 14]
    print("median time of one live widget update (redraw + PNG), ms")
    print("  ".join(h.ljust(wd) for h, wd in zip(header, widths)))
    for r in rows:
        cells = [r[0], str(r[1]), f"{r[2]:.1f}", f"{r[3]:.1f}", r[4]]
        print("  ".join(c.ljust(wd) for c, wd in zip(cells, widths)))


if __name__ == "__main__":
    main()
