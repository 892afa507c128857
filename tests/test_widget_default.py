"""A plain `jupyter-book build .` gives working kernel-free sliders (issue 12).

Jupyter Book runs the chapters with nbclient and no front end. There, with no environment
variable set, a chapter widget must come out as the static HTML control (frames swapped by the
browser), not as an ipywidgets view whose Python callbacks nobody will ever run.
"""

from __future__ import annotations

import os

from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

WIDGET_CELL = """\
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from reprcourse.widgets import interactive_figure, widget_mode

def draw(a):
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.plot([0, 1], [0, a])
    return fig

print(widget_mode())
interactive_figure(draw, {"a": [1.0, 2.0, 3.0]})
"""


def run(env_overrides):
    """Execute the cell in a fresh kernel whose environment is this process's, without the
    widget variables, plus ``env_overrides`` (given to the kernel; os.environ is untouched)."""
    nb = new_notebook(cells=[new_code_cell(WIDGET_CELL)])
    env = {k: v for k, v in os.environ.items()
           if k not in ("REPRCOURSE_WIDGETS", "JPY_SESSION_NAME")}
    env.update(env_overrides)
    NotebookClient(nb, timeout=120, kernel_name="python3").execute(env=env)
    return nb.cells[0].outputs


def test_executed_without_front_end_gives_static_frames():
    outputs = run({})
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert text.strip() == "static"
    html = [o.data["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert html and 'type="range"' in html[0] and html[0].count("data:image/png;base64") >= 3
    assert not any("application/vnd.jupyter.widget-view+json" in o.get("data", {})
                   for o in outputs)


def test_kernel_of_a_jupyter_server_gets_live_widgets():
    outputs = run({"JPY_SESSION_NAME": "book/02_sparse_coding.ipynb"})
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert text.strip() == "live"
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {})
               for o in outputs)
