"""The course's figures: a shared core and one module per chapter.

=================================  =====================================================
module                             figures
=================================  =====================================================
:mod:`.core`                       style, :data:`COLORS`, :func:`new_figure`,
                                   :class:`FigureView` (widget frames), line plots
:mod:`.images`                     image grids, atoms, rows of images, filter panels
:mod:`.ch01_structure`             chapters 0-1: clusters, explained variance, codes
:mod:`.ch02_sparse_coding`         ℓ1 vs ℓ0, soft thresholding, convergence
:mod:`.ch03_recovery`              one step on one instance, phase diagrams
:mod:`.ch04_dictionary_learning`   atoms vs PCA, λ and the atoms, inpainting, word senses
:mod:`.ch05_autoencoders`          threshold claim, bars, code scatter, denoising
:mod:`.ch06_vae`                   the bound check, the latent map and walk
=================================  =====================================================

Public figure functions are named by what they return: ``*_figure(...) -> Figure`` and
``*_plot(..., ax=None) -> Axes``; classes ``*View`` build a figure once and redraw it in
place for a widget. Every name is importable from this package.
"""

from .ch01_structure import (cluster_plot, clusters_and_digits_figure, code_stems_figure,
                             explained_variance_plot, kmeans_centres_figure)
from .ch02_sparse_coding import (SparsityView, compression_figure, dictionaries_figure,
                                 gap_curves_plot, penalty_figure, race_figure,
                                 soft_threshold_plot)
from .ch03_recovery import (OneStepView, coherence_phase_figure, coherence_phase_plot,
                            noise_phase_figure, noise_phase_plot, one_step_figure,
                            one_step_plot)
from .ch04_dictionary_learning import (DictionaryLambdaView, atom_frequency_figure,
                                       atoms_vs_pca_figure, few_atoms_figure,
                                       inpainting_figure, word_senses_figure)
from .ch05_autoencoders import (DenoisingView, code_scatter_plot, encoder_codes_figure,
                                grouped_bars_plot, subspace_angles_plot,
                                threshold_claim_figure, threshold_claim_plot)
from .ch06_vae import LatentWalkView, bound_check_figure, latent_map_figure, latent_map_plot
from .core import (COLORS, OKABE_ITO, STYLE, course_style, legend_outside, line_plot,
                   loss_curves_plot, use_course_style)
from .images import (atom_grid, filters_figure, image_grid, image_rows_figure, patch_pairs,
                     tile_images)

__all__ = [
    # style and shared plots (the helpers the figure functions share stay in .core/.images)
    "COLORS", "OKABE_ITO", "STYLE", "use_course_style", "course_style", "legend_outside",
    "line_plot", "loss_curves_plot",
    # images
    "tile_images", "image_grid", "atom_grid", "patch_pairs", "image_rows_figure",
    "filters_figure",
    # chapters 0-1
    "cluster_plot", "explained_variance_plot", "code_stems_figure", "kmeans_centres_figure",
    "clusters_and_digits_figure",
    # chapter 2
    "dictionaries_figure", "penalty_figure", "soft_threshold_plot", "gap_curves_plot",
    "race_figure", "compression_figure", "SparsityView",
    # chapter 3
    "OneStepView", "one_step_plot", "one_step_figure", "noise_phase_plot",
    "coherence_phase_plot", "noise_phase_figure", "coherence_phase_figure",
    # chapter 4
    "atoms_vs_pca_figure", "few_atoms_figure", "atom_frequency_figure", "DictionaryLambdaView",
    "inpainting_figure", "word_senses_figure",
    # chapter 5
    "threshold_claim_plot", "threshold_claim_figure", "grouped_bars_plot",
    "subspace_angles_plot", "code_scatter_plot", "encoder_codes_figure", "DenoisingView",
    # chapter 6
    "bound_check_figure", "latent_map_plot", "latent_map_figure", "LatentWalkView",
]
