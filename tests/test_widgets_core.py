"""Tests of the widget core: one control per parameter, live and static, clear errors."""

import re

import matplotlib

matplotlib.use("Agg")
import ipywidgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from reprcourse.widgets import MAX_FRAMES, interactive_figure, static_frames  # noqa: E402


def draw(lam, kind):
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.set_title(f"{kind} {lam}")
    return fig


PARAMS = {"lam": [0.1, 0.5, 1.0], "kind": ["random", "worst case"]}


def test_live_numbers_get_a_slider_and_names_get_buttons():
    w = interactive_figure(draw, PARAMS, labels={"lam": "λ"}, mode="live")
    lam, kind = w.kwargs_widgets
    assert isinstance(lam, ipywidgets.SelectionSlider) and lam.description == "λ"
    assert isinstance(kind, ipywidgets.ToggleButtons) and kind.description == "kind"
    assert (lam.value, kind.value) == (0.5, "worst case")          # middle of each grid
    lam.value, kind.value = 1.0, "random"
    assert w.result.axes[0].get_title() == "random 1.0"
    plt.close("all")


def test_static_has_a_range_per_number_a_menu_per_choice_and_every_frame():
    html = static_frames(draw, PARAMS, initial={"kind": "random"})
    assert html.count('type="range"') == 1
    assert html.count("<select data-rc-param") == 1
    assert re.search(r'<option value="0" selected>random</option>', html)
    assert html.count("data:image/png;base64,") == 3 * 2 + 1        # frames + the shown one
    assert html == static_frames(draw, PARAMS, initial={"kind": "random"})  # deterministic
    assert "Figure for lam = 0.5, kind = random" in html
    plt.close("all")


def test_booleans_are_choices_not_numbers():
    html = static_frames(lambda flag: draw(1, flag), {"flag": [False, True]})
    assert 'type="range"' not in html and "<select" in html
    plt.close("all")


@pytest.mark.parametrize("params, initial, error, match", [
    ({}, None, TypeError, "params"),
    ([1, 2], None, TypeError, "params"),
    ({"lam": []}, None, ValueError, "lam"),
    ({"lam": [1.0]}, {"lam": 2.0}, ValueError, "initial"),
    ({"lam": [1.0]}, {"mu": 1.0}, ValueError, "mu"),
    ({"a": range(20), "b": range(20)}, None, ValueError, "frames"),
])
def test_bad_params_are_rejected_clearly(params, initial, error, match):
    with pytest.raises(error, match=match):
        static_frames(lambda **v: plt.figure(), params, initial=initial)
    assert MAX_FRAMES < 400


def test_mode_is_checked():
    with pytest.raises(ValueError, match="mode"):
        interactive_figure(draw, PARAMS, mode="browser")


def test_live_update_displays_one_png(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    w = interactive_figure(draw, PARAMS, mode="live")
    shown.clear()
    w.kwargs_widgets[0].value = 0.1
    assert len(shown) == 1 and isinstance(shown[0], IPython.display.Image)
    assert shown[0].data.startswith(b"\x89PNG")
    plt.close("all")
