"""Tests of the chapter-6 widget: the latent walk shows the image decoded at (h₁, h₂)."""

import contextlib
import io
import re

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from reprcourse.models import VAE  # noqa: E402
from reprcourse.widgets import latent_walk_widget  # noqa: E402

MODEL = VAE(16, 2, hidden=8)
CODES = np.random.default_rng(0).normal(size=(200, 2))
LABELS = np.arange(200) % 10


def test_live_sliders_show_the_decoded_image_and_move_the_marker():
    with contextlib.redirect_stdout(io.StringIO()):
        w = latent_walk_widget(MODEL, CODES, LABELS, grid=[-1.0, 0.0, 1.0], mode="live")
        fig = w.result
        limits = fig.axes[0].get_xlim(), fig.axes[0].get_ylim()
        for v1, v2 in [(-1.0, 1.0), (1.0, 0.0), (0.0, -1.0)]:
            w.kwargs_widgets[0].value, w.kwargs_widgets[1].value = v1, v2
            image = w.result.axes[-1].images[0].get_array()
            np.testing.assert_allclose(image.ravel(), MODEL.decode(np.array([[v1, v2]]))[0],
                                       rtol=1e-6)
            marker = w.result.axes[0].lines[-1]
            assert (marker.get_xdata()[0], marker.get_ydata()[0]) == (v1, v2)
    assert w.result is fig and (fig.axes[0].get_xlim(), fig.axes[0].get_ylim()) == limits
    assert matplotlib.colors.to_hex(marker.get_color()) == "#000000"   # not a digit's colour


def test_static_widget_has_one_frame_per_grid_point():
    html = latent_walk_widget(MODEL, CODES, LABELS, grid=[-1.0, 1.0], mode="static").data
    assert len(set(re.findall(r"data:image/png;base64,[A-Za-z0-9+/=]+", html))) == 4


@pytest.mark.parametrize("call, match", [
    (lambda: latent_walk_widget(VAE(16, 3, hidden=8), CODES, LABELS), "n_latent=2"),
    (lambda: latent_walk_widget(MODEL, CODES, LABELS, grid=np.linspace(-2, 2, 13)),
     "at most 144 frames"),
    (lambda: latent_walk_widget(MODEL, np.zeros((5, 3)), LABELS[:5]), "codes must be"),
])
def test_bad_input_is_rejected(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_the_map_names_every_digit_so_colour_is_not_the_only_cue():
    with contextlib.redirect_stdout(io.StringIO()):
        fig = latent_walk_widget(MODEL, CODES, LABELS, grid=[0.0], mode="live").result
    names = sorted(t.get_text() for t in fig.axes[0].texts)
    assert names == [str(c) for c in range(10)]
    text = next(t for t in fig.axes[0].texts if t.get_text() == "0")   # the first: unmoved
    np.testing.assert_allclose(text.get_position(), np.median(CODES[LABELS == 0], 0))
