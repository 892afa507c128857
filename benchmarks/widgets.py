"""Median update time of the chapter widgets in live mode (target: ≤ 100 ms, DESIGN.md).

Each widget is built in live mode (an ``ipywidgets.interactive``) and its sliders are moved
the way a student would, one step at a time, round-robin over the sliders. Two numbers per
update, each as wall-clock and CPU time (CPU time is the fairer figure on a shared machine):

* ``callback``  — from setting the slider value until ``w.result`` holds the new figure;
* ``+ png``     — the callback plus rendering that figure the way Jupyter's inline backend
  does (``IPython.core.pylabtools.print_figure(fig, "png", bbox_inches="tight")``), i.e.
  what the student waits for before the new picture appears.

To add a chapter's widgets, append ``(name, builder)`` to :data:`WIDGETS`, where
``builder()`` returns the live widget (``mode="live"``).

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
from IPython.core.pylabtools import print_figure  # noqa: E402

from reprcourse import widgets  # noqa: E402

#: (name, builder) pairs; each builder returns a live widget.
WIDGETS = [
    ("ch3 one step (λ, ‖ε‖, direction)", lambda: widgets.one_step_widget(mode="live")),
    ("ch3 coherence (μ, λ, signs)", lambda: widgets.coherence_widget(mode="live")),
]

TARGET_MS = 100.0


def _clock():
    return time.perf_counter(), time.process_time()


def _since(start):
    wall, cpu = _clock()
    return 1000 * (wall - start[0]), 1000 * (cpu - start[1])


def time_updates(w, n_updates, n_warmup=3):
    """Move the sliders of widget ``w`` ``n_updates`` times; per-update times in ms.

    Returns
    -------
    callback, total : ndarrays of shape (n_updates, 2)
        (wall, cpu) of the callback alone, and of the callback plus the PNG rendering.
    """
    sliders = [s for s in w.kwargs_widgets if len(getattr(s, "options", ())) > 1]
    if not sliders:
        raise ValueError("the widget has no slider with more than one value")
    callback, total = [], []
    for k in range(n_warmup + n_updates):
        slider = sliders[k % len(sliders)]
        start = _clock()
        slider.index = (slider.index + 1) % len(slider.options)
        cb = _since(start)
        print_figure(w.result, "png", bbox_inches="tight")
        if k >= n_warmup:
            callback.append(cb)
            total.append(_since(start))
    return np.array(callback), np.array(total)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=30, help="timed updates per widget")
    parser.add_argument("--only", default="", help="run widgets whose name contains this")
    args = parser.parse_args(argv)
    rows = []
    for name, build in WIDGETS:
        if args.only not in name:
            continue
        with contextlib.redirect_stdout(io.StringIO()):   # display(fig) prints outside a kernel
            w = build()
            callback, total = time_updates(w, args.updates)
        cb, tot = np.median(callback, axis=0), np.median(total, axis=0)
        rows.append((name, len(callback), *cb, *tot, "yes" if tot[1] <= TARGET_MS else "NO"))
    header = ("widget", "updates", "callback wall", "callback cpu", "+png wall", "+png cpu",
              f"≤{TARGET_MS:.0f} ms (cpu)")
    widths = [max(len(header[0]), *(len(r[0]) for r in rows)), 7, 13, 12, 9, 8, 14]
    print("median update time in ms, live mode")
    print("  ".join(h.ljust(wd) for h, wd in zip(header, widths)))
    for r in rows:
        cells = [r[0], str(r[1])] + [f"{v:.1f}" for v in r[2:6]] + [r[6]]
        print("  ".join(c.ljust(wd) for c, wd in zip(cells, widths)))


if __name__ == "__main__":
    main()
