"""Tests of the chapter-5 widget: one slider for masking ν, one for Gaussian noise σ."""

import contextlib
import io

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from reprcourse.models import Autoencoder, corrupt  # noqa: E402
from reprcourse.widgets import denoising_widget  # noqa: E402

RNG = np.random.default_rng(0)
X = RNG.random((10, 16))


def tiny_denoisers():
    base = Autoencoder(16, 4, tied=True, output="sigmoid")
    return {("dropout", 0.0): base, ("gaussian", 0.0): base,
            ("dropout", 0.5): Autoencoder(16, 4, tied=True, seed=1),
            ("gaussian", 0.5): Autoencoder(16, 4, tied=True, seed=2)}


def test_each_slider_controls_one_quantity():
    models = tiny_denoisers()
    with contextlib.redirect_stdout(io.StringIO()):
        w = denoising_widget(models, X, n_images=3, n_filters=4, shape=(4, 4), mode="live")
        nu, sigma = w.kwargs_widgets
        assert (nu.description, sigma.description) == ("masking probability ν",
                                                       "Gaussian noise σ")
        fig = w.result
        masked_row, noisy_row = fig.axes[2].images[0], fig.axes[4].images[0]   # reconstructions
        sigma_titles = fig.axes[3].get_title(loc="left"), fig.axes[4].get_title(loc="left")
        nu.value = 0.0                                         # only the masking rows change
        assert fig.axes[1].get_title(loc="left") == "masked, ν = 0%"
        assert (fig.axes[3].get_title(loc="left"), fig.axes[4].get_title(loc="left")) \
            == sigma_titles
        sigma.value = 0.5
    assert w.result is fig
    assert fig.axes[3].get_title(loc="left") == "Gaussian noise, σ = 0.5"
    assert fig.axes[1].get_title(loc="left") == "masked, ν = 0%"
    recon = models["gaussian", 0.5].reconstruct(corrupt(X, "gaussian", 0.5, seed=0))[:3]
    shown = noisy_row.get_array()[1:5, 1:5]                    # first digit of the row
    np.testing.assert_allclose(shown, (recon[0] - recon[0].min()).reshape(4, 4)
                               / np.ptp(recon[0]), atol=1e-6)
    assert masked_row is fig.axes[2].images[0]                 # images swapped, not redrawn


def test_static_widget_has_two_sliders_and_every_combination():
    html = denoising_widget(tiny_denoisers(), X, n_images=3, n_filters=4, shape=(4, 4),
                            mode="static").data
    assert html.count('type="range"') == 2
    assert html.count("data:image/png;base64") == 2 * 2 + 1    # 4 frames + the first shown


@pytest.mark.parametrize("change, match", [
    (lambda m: m.pop(("gaussian", 0.5)) and m.pop(("gaussian", 0.0)), "lack the kinds"),
    (lambda m: m.update({("salt", 0.1): m["dropout", 0.5]}), "unknown kinds"),
])
def test_bad_model_sets_are_rejected(change, match):
    models = tiny_denoisers()
    change(models)
    with pytest.raises(ValueError, match=match):
        denoising_widget(models, X, shape=(4, 4), mode="live")


def test_frames_at_another_size_fit_and_keep_one_layout():
    """figsize= (e.g. a small figure shown large on a slide): the view is laid out once for
    that size, every text stays inside the figure and at the book's size, for every frame."""
    from matplotlib.text import Text
    models = tiny_denoisers()
    with contextlib.redirect_stdout(io.StringIO()):
        w = denoising_widget(models, X, n_images=3, n_filters=4, shape=(4, 4), mode="live",
                             figsize=(6.9, 3.1))
    fig = w.result
    assert tuple(fig.get_size_inches()) == pytest.approx((6.9, 3.1))
    boxes = [ax.get_position().bounds for ax in fig.axes]
    for nu in (0.0, 0.5):
        w.kwargs_widgets[0].value = nu
        fig = w.result
        fig.canvas.draw()
        assert [ax.get_position().bounds for ax in fig.axes] == boxes
        bb = fig.get_tightbbox()
        assert bb.x0 >= -0.02 and bb.y0 >= -0.02 and bb.x1 <= 6.92 and bb.y1 <= 3.12
        assert min(t.get_fontsize() for t in fig.findobj(Text) if t.get_text()) >= 10
    with pytest.raises(ValueError, match="figsize"):
        denoising_widget(models, X, n_images=3, n_filters=4, shape=(4, 4), mode="static",
                         figsize=(-1, 2))
