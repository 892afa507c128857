"""Tests of the chapter-3 widgets: live sliders redraw the right verdict; static frames work."""

import contextlib
import io

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from reprcourse.widgets import coherence_widget, one_step_widget  # noqa: E402


@pytest.fixture(autouse=True)
def quiet():
    """Outside a kernel, ``display(image)`` prints its repr; keep the log clean."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


def set_values(w, **values):
    by_name = {s._kwarg: s for s in w.kwargs_widgets}
    for name, value in values.items():
        by_name[name].value = value
    return w.result


def title(fig):
    return fig.axes[0].get_title(loc="left").replace("\n", " ")


def crosses(fig):
    """(atom index, value) of the drawn one-step code."""
    line = next(ln for ln in fig.axes[0].lines if ln.get_label() == "one step")
    return dict(zip(np.asarray(line.get_xdata()).tolist(), np.asarray(line.get_ydata()).tolist()))


def test_one_step_widget_live_sliders():
    w = one_step_widget(mode="live")
    assert [s.description for s in w.kwargs_widgets] == ["threshold λ / τ", "noise ‖ε‖₂ / τ",
                                                         "noise direction"]
    fig = w.result                                              # λ = τ/2, no noise
    assert "At λ = 0.50 one step recovers every sign" in title(fig)
    assert "For this x, every sign comes back for 0 < λ < 1.00" in title(fig)
    assert "Theorem 1 (orthogonal D, no noise) applies" in title(fig)
    assert "Theorem 2 (orthogonal D, small noise) applies" in title(fig)
    assert len(crosses(fig)) == 4                               # exactly the support survives

    fig = set_values(w, lam=1.1)                                # λ ≥ τ loses the entry at τ
    assert "At λ = 1.10 one step fails: 1 missed (set to 0)" in title(fig)
    assert "wrong sign" not in title(fig)                       # zeroed is not a wrong sign
    assert "For this x, every sign comes back for 0 < λ < 1.00" in title(fig)
    assert "Theorem 1 (orthogonal D, no noise) does not apply: it needs λ < τ" in title(fig)
    assert len(crosses(fig)) == 3

    fig = set_values(w, lam=0.3, noise_level=0.375, direction="worst case")
    assert "fails: 1 wrong sign or false non-zero" in title(fig)    # a zero lifted above λ
    assert "missed" not in title(fig)
    assert "For this x, every sign comes back for 0.38 ≤ λ < 1.00" in title(fig)   # for this noise
    assert len(crosses(fig)) == 5

    fig = set_values(w, lam=0.5, noise_level=0.375, direction="worst case")
    assert "recovers every sign" in title(fig)                  # outside theorem 2, still works
    assert "Theorem 2 (orthogonal D, small noise) does not apply: it needs ‖ε‖₂ ≤ τ/4" \
        in title(fig)


def test_coherence_widget_live_sliders():
    w = coherence_widget(mode="live")
    assert [s.description for s in w.kwargs_widgets] == ["coherence μ", "threshold λ / τ",
                                                         "signs of h*"]
    assert "Theorem 3 (incoherent D, small noise) applies" in title(w.result)    # μ = 0
    fig = set_values(w, mu=0.02)                                # 4 · 0.02 · 1.5 = 0.12 ≤ 1/8
    assert "Theorem 3 (incoherent D, small noise) applies" in title(fig)
    assert "recovers every sign" in title(fig)
    fig = set_values(w, mu=0.05)                                # theorem silent, one step fine
    assert "it needs ‖h*‖₀ μ M ≤ τ/8" in title(fig) and "recovers every sign" in title(fig)
    fig = set_values(w, mu=0.15)                                # off-support = μ Σ h* > τ/2
    assert "wrong sign or false non-zero" in title(fig) and len(crosses(fig)) > 4
    assert "missed" not in title(fig)
    fig = set_values(w, sign="random")                          # cancellations rescue it
    assert "recovers every sign" in title(fig)


def marked(fig, kind):
    """Atom indices hatched as ``kind`` ("missed" or "wrong") in a one-step frame."""
    from reprcourse.figures.ch03_recovery import ERROR_STYLES
    label = ERROR_STYLES[kind]["label"]
    marks = next(c for c in fig.axes[0].collections if c.get_label() == label)
    return sorted(round(float(np.mean([p[0] for p in path.vertices]))) for path in
                  marks.get_paths())


def test_frames_mark_missed_and_wrong_atoms_apart():
    """A zeroed true entry is 'missed', a lifted zero or a flip is 'wrong': never mixed."""
    w = one_step_widget(mode="live")
    fig = set_values(w, lam=1.1)
    assert len(marked(fig, "missed")) == 1 and marked(fig, "wrong") == []
    fig = set_values(w, lam=0.3, noise_level=0.375, direction="worst case")
    assert marked(fig, "missed") == [] and len(marked(fig, "wrong")) == 1
    fig = set_values(w, lam=0.5, noise_level=0.0)
    assert marked(fig, "missed") == [] == marked(fig, "wrong")


def test_widgets_reuse_one_figure_with_fixed_axes():
    w = one_step_widget(mode="live")
    first = w.result
    limits = (first.axes[0].get_xlim(), first.axes[0].get_ylim())
    fig = set_values(w, lam=0.2, noise_level=0.75, direction="worst case")
    assert fig is first and (fig.axes[0].get_xlim(), fig.axes[0].get_ylim()) == limits


@pytest.mark.parametrize("build, grids", [
    (one_step_widget, dict(lam_ratios=(0.5, 1.1), noise_ratios=(0.0,), directions=("random",))),
    (coherence_widget, dict(mus=(0.0, 0.15), lam_ratios=(0.5,), signs=("aligned", "random"))),
])
def test_static_mode_has_one_frame_per_combination_and_is_deterministic(build, grids):
    html = build(mode="static", **grids).data
    n_frames = np.prod([len(v) for v in grids.values()])
    assert html.count("data:image/png;base64,") == n_frames + 1   # + the frame shown first
    assert html == build(mode="static", **grids).data
    assert "http" not in html


@pytest.mark.parametrize("call, err, match", [
    (lambda: one_step_widget(lam_ratios=(-0.1,), mode="live"), ValueError, "lam_ratios"),
    (lambda: one_step_widget(noise_ratios=(), mode="live"), ValueError, "noise_ratios"),
    (lambda: coherence_widget(mus=(1.0,), mode="live"), ValueError, "mus"),
    (lambda: coherence_widget(lam_ratios=("a",), mode="live"), TypeError, "lam_ratios"),
    (lambda: one_step_widget(n_nonzero=40, mode="live"), ValueError, "n_nonzero"),
    (lambda: one_step_widget(mode="paper"), ValueError, "mode"),
    (lambda: one_step_widget(directions=("sideways",), mode="live"), ValueError, "directions"),
    (lambda: coherence_widget(signs=(), mode="live"), ValueError, "signs"),
])
def test_bad_arguments(call, err, match):
    with pytest.raises(err, match=match):
        call()
