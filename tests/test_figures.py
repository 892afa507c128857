"""Every public figure function renders, readable at the width the book shows it (issue 17).

A figure is shown at most at its natural size (100 dpi) and scaled down to fit the site's
column (≈ 690 px at its narrowest), so a text of ``s`` points is
``s · 100/72 · min(1, 690 / width_px)`` pixels high on the page. Every text must be ≥ 10 px
there, inside the figure, and no legend may cover plotted data.
"""

from __future__ import annotations

from unittest import mock

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from reprcourse import figures as F  # noqa: E402
from reprcourse.figures import ch02_sparse_coding as C2  # noqa: E402
from reprcourse.figures import ch05_autoencoders as C5  # noqa: E402
from reprcourse.figures import core  # noqa: E402

COLUMN_PX = 690
MIN_PX = 10.0
RNG = np.random.default_rng(0)


@pytest.fixture(autouse=True)
def _course_style():
    """Figures are drawn as a chapter draws them: after ``use_course_style()`` (here as a
    context, so that the tests change no global setting)."""
    with core.course_style():
        yield


def effective_px(fontsize_pt, fig, dpi=core.DPI):
    """Height in page pixels of a ``fontsize_pt`` text of ``fig`` shown in the column."""
    width_px = fig.get_figwidth() * dpi
    return fontsize_pt * dpi / 72 * min(1.0, COLUMN_PX / width_px)


def rendered(fig):
    """Draw ``fig`` with Agg; return the renderer and every text actually drawn."""
    drawn, draw = [], Text.draw

    def record(self, renderer):
        if self.get_visible() and self.get_text().strip():
            drawn.append(self)
        return draw(self, renderer)

    canvas = FigureCanvasAgg(fig)
    with mock.patch.object(Text, "draw", record):
        canvas.draw()
    return canvas.get_renderer(), drawn


def check_readable(fig, dpi=core.DPI):
    """Fail on a text below 10 px at display width, or outside the figure."""
    renderer, drawn = rendered(fig)
    box = fig.bbox
    for t in drawn:
        px = effective_px(t.get_fontsize(), fig, dpi)
        assert px >= MIN_PX, f"text {t.get_text()!r} is {px:.1f} px at display width"
        ext = t.get_window_extent(renderer)
        assert (ext.x0 >= box.x0 - 2 and ext.x1 <= box.x1 + 2 and ext.y0 >= box.y0 - 2
                and ext.y1 <= box.y1 + 2), f"text {t.get_text()!r} is cut off: {ext} vs {box}"
    boxes = [(t.get_text(), t.get_window_extent(renderer).shrunk(0.9, 0.8)) for t in drawn]
    for i, (a, ba) in enumerate(boxes):
        for b, bb in boxes[i + 1:]:
            assert not ba.overlaps(bb), f"texts {a!r} and {b!r} overlap"
    return renderer


def data_points(ax):
    """Display coordinates of every plotted point of ``ax`` inside its view."""
    pts = []
    for line in ax.lines:
        xy = np.asarray(line.get_xydata(), dtype=float)
        if len(xy):
            pts.append(ax.transData.transform(xy[np.isfinite(xy).all(1)]))
    for coll in ax.collections:
        offsets = np.asarray(coll.get_offsets(), dtype=float)
        if len(offsets) > 1:
            pts.append(coll.get_offset_transform().transform(offsets))
    if not pts:
        return np.zeros((0, 2))
    pts = np.concatenate(pts)
    b = ax.bbox
    inside = (pts[:, 0] >= b.x0) & (pts[:, 0] <= b.x1) & (pts[:, 1] >= b.y0) & (pts[:, 1] <= b.y1)
    return pts[inside]


def check_legends_clear(fig, renderer):
    """Fail when a legend (of an axes or of the figure) covers a plotted point."""
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend()]
    for legend in legends:
        box = legend.get_window_extent(renderer)
        for ax in fig.axes:
            pts = data_points(ax)
            hit = ((pts[:, 0] > box.x0) & (pts[:, 0] < box.x1) & (pts[:, 1] > box.y0)
                   & (pts[:, 1] < box.y1))
            assert not hit.any(), (f"legend {[t.get_text() for t in legend.get_texts()]} "
                                   f"covers {int(hit.sum())} points of {ax.get_title()!r}")


def check(result):
    fig = result.figure if isinstance(result, Axes) else result
    fig = fig.axes.figure if hasattr(fig, "axes") and not isinstance(fig, Figure) else fig
    assert isinstance(fig, Figure)
    assert fig.get_figwidth() <= core.MAX_WIDTH + 1e-9, "wider than the column shows unscaled"
    check_legends_clear(fig, check_readable(fig))
    return fig


# ------------------------------------------------------------------ small inputs
IMGS = RNG.random((12, 16))
ATOMS = RNG.standard_normal((64, 40))
LAMS, NOISES = np.linspace(0.1, 1.2, 6), np.linspace(0, 1, 5)
SENSES = {"tie": [(0.4, 3, ["match", "game", "draw", "score", "win"]),
                  (0.2, 9, ["necktie", "shirt", "suit", "collar", "jacket"])],
          "bank": [(0.5, 1, ["river", "shore", "water", "lake", "creek"])]}
E = np.arange(1.0, 11.0)
SPARSITY_PATHS = {"random": {"lam": LAMS, "nnz": np.linspace(20, 1, 6),
                             "error": np.linspace(0.01, 0.9, 6),
                             "recon": RNG.standard_normal((6, 4, 64))},
                  "PCA basis": {"lam": LAMS, "nnz": np.linspace(10, 0.5, 6),
                                "error": np.linspace(0.02, 0.95, 6),
                                "recon": RNG.standard_normal((6, 4, 64))}}


def _with_ax(plot, *args, **kwargs):
    """An ``*_plot`` drawn into a panel of a caller's figure, as notebooks compose them."""
    fig = core.new_figure(core.MAX_WIDTH, 4.0)
    return plot(*args, ax=fig.add_subplot(), **kwargs)


FIGURES = {
    "image_grid": lambda: F.image_grid(IMGS, n_cols=4, title="twelve images").axes,
    "atom_grid": lambda: F.atom_grid(ATOMS[:, :25], title="atoms").axes,
    "patch_pairs": lambda: F.patch_pairs(IMGS[:4], IMGS[:4] / 2).axes,
    "line_plot": lambda: F.line_plot([1, 2, 3], {"PCA, k = 2": [3, 2, 1.5], "autoencoder": [
        3, 1.5, 1.2]}, logy=True, xlabel="k", ylabel="error", title="line plot"),
    "loss_curves_plot": lambda: F.loss_curves_plot({"ISTA": [3, 2, 1], "FISTA": [3, 1, 0.5]}),
    "image_rows_figure": lambda: F.image_rows_figure({"a": IMGS, "b": IMGS}, n=10,
                                                     errors={"b": np.arange(12.0)},
                                                     title="rows of images " * 8),
    "filters_figure": lambda: F.filters_figure({"PCA: first 36 components": ATOMS,
                                                "linear autoencoder (k = 16)": ATOMS,
                                                "denoising AE (256 ReLU, tied)": ATOMS},
                                               shape=(8, 8), n=36, title="three panels"),
    "cluster_plot": lambda: F.cluster_plot(RNG.standard_normal((300, 2)), np.arange(300) % 10,
                                           centers=RNG.standard_normal((10, 2)), title="k"),
    "explained_variance_plot": lambda: F.explained_variance_plot(
        np.sort(RNG.random(64))[::-1] / 32, marks=(0.5, 0.9, 0.99), title="PCA " * 10),
    "code_stems_figure": lambda: F.code_stems_figure(
        {"PCA code": RNG.standard_normal(32), "k-means code": np.eye(10)[3],
         "sparse code": np.where(RNG.random(32) > 0.8, 1.0, 0.0)}, title="codes " * 12),
    "kmeans_centres_figure": lambda: F.kmeans_centres_figure(
        RNG.random((10, 64)), np.arange(300) % 10, np.arange(300) % 7),
    "clusters_and_digits_figure": lambda: F.clusters_and_digits_figure(
        RNG.standard_normal((300, 2)), np.arange(300) % 10, np.arange(300) % 7,
        center_images=RNG.random((10, 64)), image_shape=(8, 8)),
    "penalty_figure": lambda: F.penalty_figure(title="ℓ1 is the convex stand-in for ℓ0"),
    "soft_threshold_plot": lambda: F.soft_threshold_plot(0.5, title="soft thresholding"),
    "gap_curves_plot": lambda: F.gap_curves_plot(
        {"ISTA": np.logspace(0, -4, 20), "FISTA (restarted)": np.logspace(0, -12, 20)},
        references={"scikit-learn lasso_cd": 1e-6}, title="gaps"),
    "dictionaries_figure": lambda: C2.dictionaries_figure(
        RNG.standard_normal((40, 64)), RNG.standard_normal((64, 120)),
        RNG.standard_normal((64, 128)), title="patches and two dictionaries " * 3),
    "race_figure": lambda: C2.race_figure(
        {(n, s): np.logspace(0, -e, 20) for n in ("random", "DCT")
         for s, e in (("ISTA", 3), ("FISTA", 9))}, np.arange(1, 21),
        {"random": {"scikit-learn lasso_cd": 1e-8}}, lam=0.5, title="the race " * 8),
    "compression_figure": lambda: C2.compression_figure(
        np.arange(1, 33), {"pixels": np.linspace(0.9, 0.1, 32),
                           "DCT": np.logspace(-0.2, -1.7, 32),
                           "PCA": np.logspace(-0.2, -1.69, 32)},
        {"exact": np.arange(1, 33) * 2.0, "bound": np.arange(1, 33) * 6.0}, title="top-s"),
    "one_step_plot": lambda: F.one_step_plot(np.r_[1.0, 0, 0, -1.5], np.r_[0.9, 0.2, 0, -1.2],
                                             np.r_[0.4, 0, 0, -0.7], 0.5, title="one step"),
    "one_step_plot in a caller's axes": lambda: _with_ax(
        F.one_step_plot, np.r_[1.0, 0, 0, -1.5], np.r_[0.9, 0.2, 0, -1.2],
        np.r_[0.4, 0, 0, -0.7], 0.5, title="λ = 0.5: signs recovered"),
    "one_step_figure": lambda: F.ch03_recovery.one_step_figure(
        np.r_[1.0, 0, 0, -1.5], [(np.r_[0.9, 0.2, 0, -1.2], np.r_[0.4, 0, 0, -0.7], 0.5,
                                  "λ = 0.5: signs recovered"),
                                 (np.r_[0.9, 0.2, 0, -1.2], np.r_[0, 0, 0, -0.2], 1.0,
                                  "λ = 1: one entry missed")],
        suptitle="Theorem 1: Dᵀx = h* exactly"),
    "noise_phase_figure": lambda: F.noise_phase_figure(
        RNG.random((5, 6)), RNG.random((5, 6)), LAMS, NOISES, suptitle="theorem 2 " * 10),
    "noise_phase_plot": lambda: F.noise_phase_plot(RNG.random((5, 6)), LAMS, NOISES, title="t"),
    "coherence_phase_plot": lambda: F.coherence_phase_plot(RNG.random((5, 8)), np.arange(1, 9),
                                                           NOISES / 2, title="t"),
    "coherence_phase_figure": lambda: F.coherence_phase_figure(
        RNG.random((5, 8)), RNG.random((5, 8)), np.arange(1, 9), NOISES / 2,
        suptitle="theorem 3"),
    "atoms_vs_pca_figure": lambda: F.atoms_vs_pca_figure(ATOMS, ATOMS.T, n_show=64,
                                                         usage=RNG.random(40)),
    "few_atoms_figure": lambda: F.few_atoms_figure(
        ATOMS[:, 0], ATOMS[:, :3], np.array([0.5, -0.3, 0.2])),
    "atom_frequency_figure": lambda: F.atom_frequency_figure(ATOMS, ATOMS.T),
    "inpainting_figure": lambda: F.inpainting_figure(
        RNG.random((16, 16)), RNG.random((16, 16)) > 0.5,
        {"learned dictionary": RNG.random((16, 16)), "smoothing baseline": RNG.random((16, 16))},
        title="Learned texture atoms restore the mortar lines that smoothing blurs"),
    "word_senses_figure": lambda: F.word_senses_figure(SENSES),
    "threshold_claim_plot": lambda: F.threshold_claim_plot(
        np.linspace(0, 1, 200), {"hard": np.linspace(0, 1, 200) / 2,
                                 "soft": np.linspace(0, 1, 200) + 0.3}, title="claim"),
    "threshold_claim_figure": lambda: F.threshold_claim_figure(
        np.linspace(0, 1, 200), {"hard": np.linspace(0, 1, 200) / 2,
                                 "ternary": np.linspace(0, 1, 200) / 2,
                                 "soft": np.linspace(0, 1, 200) + 0.3},
        title="Hard and ternary thresholds keep the error below ‖ε‖; soft does not"),
    "grouped_bars_plot": lambda: F.grouped_bars_plot(
        {"test digits": {"under-complete, k = 16": 5.0, "over-complete, k = 128": 2.0},
         "noise images": {"under-complete, k = 16": 9.0, "over-complete, k = 128": 1.0}},
        ylabel="squared error", title="bars"),
    "subspace_angles_plot": lambda: C5.subspace_angles_plot(
        {"decoder (the dictionary)": RNG.random(16) * 2, "encoder": RNG.random(16) * 45,
         "encoder, constant patch removed": RNG.random(16),
         "random 16-dim subspace": np.linspace(38, 90, 16)},
        title="The linear autoencoder's dictionary spans PCA's subspace: all 16 angles are small"),
    "encoder_codes_figure": lambda: C5.encoder_codes_figure(
        {"sparse autoencoder": (RNG.standard_normal((30, 8)), RNG.standard_normal((30, 8))),
         "PSD": (RNG.standard_normal((30, 8)), RNG.standard_normal((30, 8)))},
        {"from zero": np.geomspace(5, 0.02, 40), "from PSD's prediction": np.geomspace(2, 0.02, 40)},
        title="Learned encoders approximate the sparse codes roughly;\nPSD's prediction gives "
              "FISTA a head start that is gone by iteration 8"),
    "code_scatter_plot": lambda: F.code_scatter_plot({"encoder": RNG.standard_normal((50, 8))},
                                                     RNG.standard_normal((50, 8)), title="s"),
    "bound_check_figure": lambda: F.bound_check_figure(
        E, -12 - 1 / E, -12 + 0 * E, 1 / E, 0.5 / E, ml_log_lik=-11.5, train_elbo=-12 - 2 / E,
        title="the gap closes " * 6),
    "latent_map_plot": lambda: F.latent_map_plot(RNG.standard_normal((300, 2)),
                                                 np.arange(300) % 10, title="latent map"),
    "latent_map_figure": lambda: F.latent_map_figure(
        RNG.standard_normal((300, 2)), np.arange(300) % 10,
        title="2-D VAE: some digits find their own regions of the plane"),
    "OneStepView": lambda: F.OneStepView(32, ylim=3.0).update(
        np.r_[1.0, -1.5, np.zeros(30)], RNG.normal(size=32), np.r_[0.5, -1.0, np.zeros(30)],
        0.5, title="One step recovers every sign (for 0.20 ≤ λ < 0.80)\n"
                   "Theorem 2 (orthogonal D, small noise) does not apply: it needs ‖ε‖₂ ≤ τ/4"),
    "SparsityView": lambda: F.SparsityView(
        SPARSITY_PATHS, RNG.standard_normal((4, 64)), colors={"random": "C0", "PCA basis": "C1"},
        n_atoms={"random": 128, "PCA basis": 64}).update(2, "random"),
    "DictionaryLambdaView": lambda: F.DictionaryLambdaView(64, nnz_max=20, count_max=300)
    .update(ATOMS, (RNG.random((500, 40)) > 0.9) * 1.0, 0.5),
    "DenoisingView": lambda: F.DenoisingView(RNG.random((6, 784)), n_filters=16,
                                             title="two models\nsecond line").update(
        *(RNG.random((6, 784)),) * 4, RNG.standard_normal((784, 16)),
        RNG.standard_normal((784, 16)), titles=["a title of a row of digits"] * 6),
    "LatentWalkView": lambda: F.LatentWalkView(RNG.standard_normal((300, 2)),
                                               np.arange(300) % 10).update(
        RNG.random(784), 0.5, -1.0),
}


def test_every_public_figure_function_is_tested():
    public = {n for n in F.__all__ if n.endswith(("_figure", "_plot", "View"))
              and n not in ("new_figure", "FigureView")}
    public |= {"image_grid", "atom_grid", "patch_pairs"}
    tested = {name.split()[0] for name in FIGURES}
    assert public <= tested, f"not rendered by this test: {sorted(public - tested)}"


@pytest.mark.parametrize("name", list(FIGURES))
def test_figure_is_readable_at_display_width(name):
    check(FIGURES[name]())


def test_the_check_catches_small_text_clipping_and_covered_data():
    fig = core.new_figure(7.2, 3)
    ax = fig.add_subplot()
    ax.plot(np.linspace(0, 1, 50), np.linspace(0, 1, 50), label="data")
    ax.legend(loc="center")                                       # on top of the line
    with pytest.raises(AssertionError, match="covers"):
        check(fig)
    ax.get_legend().remove()
    ax.set_title("tiny", fontsize=6)
    with pytest.raises(AssertionError, match="px at display width"):
        check(fig)
    ax.set_title("")
    label = fig.text(0.98, 0.5, "a long label running off the right edge")
    with pytest.raises(AssertionError, match="cut off"):
        check(fig)
    label.set_position((0.3, 0.5))
    fig.text(0.35, 0.5, "another label on top of it")
    with pytest.raises(AssertionError, match="overlap"):
        check(fig)


def test_effective_size_formula():
    fig = core.new_figure(13.8, 2)                     # 1380 px shown at 690: half size
    assert effective_px(14.4, fig) == pytest.approx(10.0)
    assert effective_px(7.2, core.new_figure(5, 2)) == pytest.approx(10.0)


def test_figures_are_not_tracked_by_pyplot_and_follow_the_style():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    F.penalty_figure()
    F.line_plot(None, {"a": [1, 2]})
    assert plt.get_fignums() == before                    # nothing shown twice in a notebook
    assert matplotlib.rcParams["font.size"] >= 10          # (the course style, see fixture)


@pytest.mark.parametrize("call, error, match", [
    (lambda: F.image_grid(np.ones((3, 15))), ValueError, "not a square"),
    (lambda: F.image_grid(np.ones(16)), ValueError, "2-D"),
    (lambda: F.patch_pairs(np.ones((2, 16)), np.ones((3, 16))), ValueError, "differ in shape"),
    (lambda: F.image_rows_figure({"a": IMGS}, n=13), ValueError, "n must be <= 12"),
    (lambda: F.filters_figure({"a": ATOMS}, n=40), ValueError, "n must be <= 36"),
    (lambda: F.cluster_plot(np.ones((5, 3)), np.ones(5)), ValueError, "must be \\(n, 2\\)"),
    (lambda: F.latent_map_plot(np.zeros((5, 3)), np.zeros(5)), ValueError, "\\(n, 2\\)"),
    (lambda: F.noise_phase_figure(np.ones((6, 5)), np.ones((5, 6)), LAMS, NOISES), ValueError,
     "rates has shape"),
    (lambda: F.soft_threshold_plot(0.0), ValueError, "tau must be > 0"),
    (lambda: F.OneStepView(4, ylim=2).update(np.ones(4), np.ones(3), np.ones(4), 0.5),
     ValueError, "z has 3 entries"),
    (lambda: F.inpainting_figure(np.ones((4, 4)), np.ones((3, 4)), {}), ValueError, "mask"),
    (lambda: F.word_senses_figure({}), ValueError, "senses is empty"),
])
def test_bad_input_is_rejected_clearly(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_figures_draw_what_they_are_given():
    fig = F.image_rows_figure({"a": IMGS[:5], "b": IMGS[:5]}, n=4, errors={"b": np.arange(5.)})
    assert len(fig.axes) == 8 and fig.axes[4].texts[0].get_text() == "0"
    ax = F.grouped_bars_plot({"g1": {"autoencoder": 1.0, "PCA": 2.0}, "g2": {"autoencoder": 3.}})
    assert len(ax.patches) == 4 and np.isnan(ax.patches[3].get_height())
    assert ax.patches[0].get_facecolor()[:3] == matplotlib.colors.to_rgb(F.COLORS["autoencoder"])
    ax = F.line_plot([1, 2], {"PCA, x": [1, 2], "other": [2, 1]}, styles={"other": "--"},
                     colors={"other": "k"})
    assert ax.lines[1].get_linestyle() == "--" and ax.lines[1].get_color() == "k"
    assert ax.lines[0].get_color() == F.COLORS["pca"]
    im = F.atom_grid(np.c_[np.ones(16), -np.ones(16)])
    canvas = im.get_array()
    assert np.nanmax(canvas) == 1 and np.nanmin(canvas) == -1 and im.get_cmap().name == "RdBu_r"
    fig = F.noise_phase_figure(RNG.random((5, 6)), RNG.random((5, 6)), LAMS, NOISES)
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert len(fig.axes) == 3 and any("theorem 2" in t for t in labels)
    ax = F.one_step_plot(np.r_[1.0, 0, 0, -1], np.r_[0.9, 0.1, 0, -1.2], np.r_[0.4, 0, 0, -0.7],
                         0.5, title="t")
    crosses = next(ln for ln in ax.lines if ln.get_label() == "one step")
    assert list(crosses.get_xdata()) == [0, 3] and ax.get_title(loc="left") == "t"
    fig = F.bound_check_figure(E, -12 - 1 / E, -12 + 0 * E, 1 / E, 0.5 / E, ml_log_lik=-11.5,
                               train_elbo=-12 - 2 / E)
    lo, hi = fig.axes[0].get_ylim()
    assert lo <= -14 and hi >= -11.5                      # every curve whole, its start too
    assert fig.axes[1].get_yscale() == "log"


def test_views_keep_their_axes_across_updates():
    view = F.DictionaryLambdaView(64, nnz_max=12, count_max=400)
    fig = view.update(ATOMS, (RNG.random((500, 40)) > 0.9) * 1.0, 0.1)
    limits = [(ax.get_xlim(), ax.get_ylim()) for ax in fig.axes]
    view.update(ATOMS, (RNG.random((500, 40)) > 0.99) * 1.0, 2.0)
    assert [(ax.get_xlim(), ax.get_ylim()) for ax in fig.axes] == limits
    assert "λ = 2" in fig._suptitle.get_text()


@pytest.mark.parametrize("name", ["OneStepView", "DenoisingView", "LatentWalkView"])
def test_a_view_frame_redrawn_in_place_looks_like_a_full_draw(name):
    """FigureView.png draws the static part once and only the dynamic artists per frame."""
    build = {"OneStepView": lambda: F.OneStepView(8, ylim=2.0),
             "DenoisingView": lambda: F.DenoisingView(RNG.random((4, 16)), n_filters=4),
             "LatentWalkView": lambda: F.LatentWalkView(RNG.standard_normal((50, 2)),
                                                        np.arange(50) % 10, image_shape=(4, 4))}
    frames = {"OneStepView": lambda v, k: v.update(np.r_[1.0, 0, 0, -1, 0, 0, 0, 0] * k,
                                                    RNG.normal(size=8), np.r_[k, 0, 0, 0, 0, 0,
                                                                              0, -k], 0.3 * k,
                                                    title=f"frame {k}"),
              "DenoisingView": lambda v, k: v.update(*(RNG.random((4, 16)),) * 4,
                                                     RNG.standard_normal((16, 4)),
                                                     RNG.standard_normal((16, 4)),
                                                     titles=[f"frame {k}"] * 6),
              "LatentWalkView": lambda v, k: v.update(RNG.random(16), 0.5 * k, -0.5 * k)}
    view = build[name]()
    for k in (1, 2, 3):
        frames[name](view, k)
        fast = view.render(core.DPI).copy()
        canvas = FigureCanvasAgg(view.fig)
        canvas.draw()
        full = np.asarray(canvas.buffer_rgba())
        differ = np.abs(fast.astype(int) - full.astype(int)).max(axis=2) > 40
        assert fast.shape == full.shape and differ.mean() < 0.01, f"frame {k}: {differ.mean()}"


def test_image_rows_share_decimals_and_keep_columns_even():
    fig = F.image_rows_figure({"a row label much wider than one image": IMGS[:3],
                               "b": IMGS[:3]}, n=3, errors={"b": np.r_[4.4, 7.97, 0.805]})
    assert [t.get_text() for ax in fig.axes[3:] for t in ax.texts] == ["4.4", "8.0", "0.8"]
    x0 = [ax.get_position().x0 for ax in fig.axes[:3]]
    assert np.allclose(np.diff(x0), x0[1] - x0[0])            # the label widens no column


def test_theorem_3_region_is_hatched_on_a_colour_blind_safe_map():
    """Chapter 3: the region the figure is about shows on every colour of the map."""
    ax = F.coherence_phase_plot(np.ones((5, 8)), np.arange(1, 9), NOISES / 2)
    assert ax.images[0].get_cmap().name == "cividis"
    assert any(c.get_hatch() and c.get_label() == "where theorem 3 applies"
               for c in ax.collections)


def _inside(fig, tol=0.02):
    FigureCanvasAgg(fig).draw() if not isinstance(fig.canvas, FigureCanvasAgg) else \
        fig.canvas.draw()
    bb, (w, h) = fig.get_tightbbox(), fig.get_size_inches()
    return bb.x0 >= -tol and bb.y0 >= -tol and bb.x1 <= w + tol and bb.y1 <= h + tol


def test_slide_sized_variants_keep_everything_inside():
    """The keywords the slides use: one legend for both panels of the penalty figure in a
    short, wide figure, direct labels on a small soft-threshold plot, and the chapter 3
    widget frames at a slide's figure size (laid out once, room for the longest title)."""
    from reprcourse.widgets import coherence_widget, one_step_widget
    with core.course_style():
        fig = F.penalty_figure(legend="figure", figsize=(6.9, 2.6))
        assert tuple(fig.get_size_inches()) == pytest.approx((6.9, 2.6))
        assert len(fig.legends) == 1 and not any(ax.get_legend() for ax in fig.axes)
        assert _inside(fig)
        ax = F.soft_threshold_plot(0.5, ax=core.new_figure(2.8, 2.0).add_subplot(),
                                   legend="direct")
        assert ax.get_legend() is None and len(ax.texts) == 3 and _inside(ax.figure)
        for make in (one_step_widget, coherence_widget):
            w = make(mode="live", figsize=(6.9, 2.7))
            fig = w.result
            boxes = [a.get_position().bounds for a in fig.axes]
            for slider in w.kwargs_widgets[:2]:
                slider.value = slider.options[-1][1]
                assert _inside(w.result)
                assert [a.get_position().bounds for a in w.result.axes] == boxes
    with pytest.raises(ValueError, match="legend"):
        F.penalty_figure(legend="below")
    with pytest.raises(ValueError, match="legend"):
        F.soft_threshold_plot(0.5, legend="none")
    with pytest.raises(ValueError, match="figsize"):
        F.penalty_figure(figsize=(0, 1))
