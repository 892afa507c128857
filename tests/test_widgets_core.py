"""Tests of the widget core: one control per parameter, live and static, the default mode."""

import re

import matplotlib

matplotlib.use("Agg")
import ipywidgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from IPython.display import HTML, Image  # noqa: E402

from reprcourse.widgets import core, interactive_figure, widget_mode  # noqa: E402
from reprcourse.widgets.core import MAX_FRAMES, static_frames  # noqa: E402


def draw(lam, kind):
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.set_title(f"{kind} {lam}")
    return fig


PARAMS = {"lam": [0.1, 0.5, 1.0], "kind": ["random", "worst case"]}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_live_numbers_get_a_slider_and_names_get_buttons():
    w = interactive_figure(draw, PARAMS, labels={"lam": "λ"}, mode="live")
    lam, kind = w.kwargs_widgets
    assert isinstance(lam, ipywidgets.SelectionSlider) and lam.description == "λ"
    assert isinstance(kind, ipywidgets.ToggleButtons) and kind.description == "kind"
    assert (lam.value, kind.value) == (0.5, "worst case")          # middle of each grid
    lam.value, kind.value = 1.0, "random"
    assert w.result.axes[0].get_title() == "random 1.0"


def test_static_has_a_range_per_number_a_menu_per_choice_and_every_frame():
    html = static_frames(draw, PARAMS, initial={"kind": "random"})
    assert html.count('type="range"') == 1
    assert html.count("<select data-rc-param") == 1
    assert re.search(r'<option value="0" selected>random</option>', html)
    assert html.count("data:image/png;base64,") == 3 * 2 + 1        # frames + the shown one
    assert html == static_frames(draw, PARAMS, initial={"kind": "random"})  # deterministic
    assert "Figure for lam = 0.5, kind = random" in html
    assert "$" not in html.replace("$$", "")                      # the template is filled in
    assert 'max="2"' in html and 'value="1"' in html              # 3 values, the middle one


def test_static_shows_the_frame_of_the_initial_values():
    html = static_frames(draw, PARAMS, initial={"lam": 1.0, "kind": "random"})
    frames = re.search(r"var F = (\[.*?\]),", html).group(1)
    first = re.search(r'src="(data:image/png;base64,[^"]+)"', html).group(1)
    assert frames.split(", ").index(f'"{first}"') == 2 * 2 + 0   # row-major (lam, kind)


def test_booleans_are_choices_not_numbers():
    html = static_frames(lambda flag: draw(1, flag), {"flag": [False, True]})
    assert 'type="range"' not in html and "<select" in html


@pytest.mark.parametrize("params, initial, error, match", [
    ({}, None, TypeError, "params"),
    ([1, 2], None, TypeError, "params"),
    ({"lam": []}, None, ValueError, "lam"),
    ({"lam": [1.0]}, {"lam": 2.0}, ValueError, "initial"),
    ({"lam": [1.0]}, {"mu": 1.0}, ValueError, "mu"),
    ({"a": range(20), "b": range(20)}, None, ValueError, "400 frames"),
])
def test_bad_params_are_rejected_clearly(params, initial, error, match):
    with pytest.raises(error, match=match):
        static_frames(lambda **v: plt.figure(), params, initial=initial)
    assert MAX_FRAMES < 400


def test_live_update_displays_one_png(monkeypatch):
    shown = []
    monkeypatch.setattr(core, "display", shown.append)
    w = interactive_figure(draw, PARAMS, mode="live")
    shown.clear()
    w.kwargs_widgets[0].value = 0.1
    assert len(shown) == 1 and isinstance(shown[0], Image)
    assert shown[0].data.startswith(b"\x89PNG")


# ------------------------------------------------------------------ default mode (issue 12)
@pytest.fixture
def env(monkeypatch):
    monkeypatch.delenv("REPRCOURSE_WIDGETS", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    return monkeypatch


def test_without_a_front_end_widgets_are_static(env):
    assert widget_mode() == "static"                  # nbclient, nbval, jupyter-book, python
    assert isinstance(interactive_figure(lambda lam: draw(lam, "k"), {"lam": [1.0, 2.0]}), HTML)


def test_a_kernel_started_by_a_jupyter_server_is_live(env):
    env.setenv("JPY_SESSION_NAME", "/home/student/book/02_sparse_coding.ipynb")
    assert widget_mode() == "live"
    w = interactive_figure(lambda lam: draw(lam, "k"), {"lam": [1.0, 2.0]})
    assert isinstance(w, ipywidgets.interactive)


def test_the_environment_variable_beats_the_server_and_the_argument_beats_both(env):
    env.setenv("JPY_SESSION_NAME", "nb.ipynb")
    env.setenv("REPRCOURSE_WIDGETS", "static")
    assert widget_mode() == "static"
    assert widget_mode("live") == "live"
    env.delenv("JPY_SESSION_NAME")
    env.setenv("REPRCOURSE_WIDGETS", "live")
    assert widget_mode() == "live" and widget_mode("static") == "static"
    env.setenv("REPRCOURSE_WIDGETS", "")                   # empty counts as unset
    assert widget_mode() == "static"


def test_bad_modes_are_rejected(env):
    with pytest.raises(ValueError, match="mode must be 'live' or 'static', got 'browser'"):
        interactive_figure(draw, PARAMS, mode="browser")
    env.setenv("REPRCOURSE_WIDGETS", "on")
    with pytest.raises(ValueError, match=r"\$REPRCOURSE_WIDGETS must be"):
        widget_mode()


def test_the_jupyter_server_sets_the_variable_we_rely_on():
    """jupyter_server puts JPY_SESSION_NAME in the environment of the kernels it starts."""
    import inspect

    from jupyter_server.services.sessions.sessionmanager import SessionManager

    assert '"JPY_SESSION_NAME"' in inspect.getsource(SessionManager.get_kernel_env)
