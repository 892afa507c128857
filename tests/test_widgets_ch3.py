"""Tests of the chapter-3 widgets: live sliders redraw the right verdict; static frames work."""

import contextlib
import io

import numpy as np
import pytest

from reprcourse.widgets import coherence_widget, one_step_widget


@pytest.fixture(autouse=True)
def quiet():
    """Outside a kernel, ``display(fig)`` prints the figure's repr; keep the log clean."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


def set_values(w, **values):
    by_name = {s._kwarg: s for s in w.kwargs_widgets}
    for name, value in values.items():
        by_name[name].value = value
    return w.result


def title(fig):
    return fig.axes[0].get_title()


def crosses(fig):
    """(atom index, value) of the drawn one-step code."""
    line = next(ln for ln in fig.axes[0].lines if ln.get_label() == "one step")
    return dict(zip(np.asarray(line.get_xdata()).tolist(), np.asarray(line.get_ydata()).tolist()))


def test_one_step_widget_live_sliders():
    w = one_step_widget(mode="live")
    assert [s.description for s in w.kwargs_widgets] == ["λ / τ", "‖ε‖₂ / τ", "noise direction"]
    fig = w.result                                              # λ = τ/2, no noise
    assert "✓ signs recovered" in title(fig) and "thm 2 ✓" in title(fig)
    assert len(crosses(fig)) == 4                               # exactly the support survives

    fig = set_values(w, lam=1.1)                                # λ ≥ τ loses the entry at τ
    assert "NOT recovered" in title(fig) and "✗ λ < τ" in title(fig)
    assert len(crosses(fig)) == 3

    fig = set_values(w, lam=0.3, noise_level=0.375, direction="worst case")
    assert "NOT recovered" in title(fig)                        # a zero lifted above λ
    assert len(crosses(fig)) == 5

    fig = set_values(w, lam=0.5, noise_level=0.375, direction="worst case")
    assert "✓ signs recovered" in title(fig)                    # outside theorem 2, still works
    assert "✗ ‖ε‖₂ ≤ τ/4" in title(fig)


def test_coherence_widget_live_sliders():
    w = coherence_widget(mode="live")
    assert [s.description for s in w.kwargs_widgets] == ["coherence μ", "λ / τ", "code signs"]
    assert "thm 3 ✓" in title(w.result)    # μ = 0

    fig = set_values(w, mu=0.02)                                # 4 · 0.02 · 1.5 = 0.12 ≤ 1/8
    assert "thm 3 ✓" in title(fig) and "✓ signs recovered" in title(fig)
    fig = set_values(w, mu=0.05)                                # theorem silent, one step fine
    assert "✗ ‖h*‖₀ μ M ≤ τ/8" in title(fig) and "✓ signs recovered" in title(fig)
    fig = set_values(w, mu=0.15)                                # off-support = μ Σ h* > τ/2
    assert "NOT recovered" in title(fig) and len(crosses(fig)) > 4
    fig = set_values(w, sign="random")                          # cancellations rescue it
    assert "✓ signs recovered" in title(fig)


def test_widgets_reuse_one_figure():
    w = one_step_widget(mode="live")
    first = w.result
    assert set_values(w, lam=0.2) is first


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


def test_one_step_view_rejects_mismatched_arrays():
    from reprcourse.plotting import OneStepView

    view = OneStepView(4, ylim=2.0)
    with pytest.raises(ValueError, match="z has 3 entries"):
        view.update(np.ones(4), np.ones(3), np.ones(4), 0.5)
    fig = view.update(np.array([1.0, 0, 0, -1]), np.array([0.9, 0.1, 0, -1.2]),
                      np.array([0.4, 0, 0, -0.7]), 0.5, title="t")
    assert fig.axes[0].get_title() == "t"
