"""Tests of the chapter-4 widget: one dictionary per λ, fixed axes, live and static."""

import contextlib
import io

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from reprcourse.widgets import dictionary_lambda_widget  # noqa: E402

LAMS = (0.05, 0.5)


@pytest.fixture(scope="module")
def X():
    rng = np.random.default_rng(0)
    X = rng.laplace(size=(300, 16)) * rng.random(16)
    return X - X.mean(1, keepdims=True)


@pytest.fixture(scope="module")
def live(X):
    with contextlib.redirect_stdout(io.StringIO()):
        return dictionary_lambda_widget(X, lams=LAMS, n_atoms=8, n_iter=1, mode="live")


def bar_heights(fig):
    return np.array([p.get_height() for p in fig.axes[1].patches])


def test_live_slider_redraws_the_same_figure_with_fixed_axes(live):
    with contextlib.redirect_stdout(io.StringIO()):
        live.kwargs_widgets[0].value = LAMS[0]
        fig = live.result
        small = bar_heights(fig)
        limits = [(ax.get_xlim(), ax.get_ylim()) for ax in fig.axes]
        assert "λ = 0.05" in fig._suptitle.get_text()
        live.kwargs_widgets[0].value = LAMS[1]
    assert live.result is fig and "λ = 0.5" in fig._suptitle.get_text()
    assert [(ax.get_xlim(), ax.get_ylim()) for ax in fig.axes] == limits
    counts = np.arange(len(small))
    large = bar_heights(fig)
    assert small.sum() == large.sum() == 300                   # every patch counted once
    assert (counts * large).sum() < (counts * small).sum()     # larger λ, fewer non-zeros


def test_static_widget_has_a_frame_per_lambda(X):
    html = dictionary_lambda_widget(X, lams=LAMS, n_atoms=8, n_iter=1, mode="static").data
    assert html.count("data:image/png;base64,") == len(LAMS) + 1
    assert 'type="range"' in html


@pytest.mark.parametrize("lams, error", [((-1.0,), ValueError), ((), ValueError),
                                         (("a",), TypeError)])
def test_bad_lambdas_are_rejected(X, lams, error):
    with pytest.raises(error, match="lams"):
        dictionary_lambda_widget(X, lams=lams, mode="live")
