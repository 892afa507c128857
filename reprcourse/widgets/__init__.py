"""The chapters' widgets: live sliders in JupyterLab, precomputed frames on the site.

=================================  ==========================================================
module                             widgets
=================================  ==========================================================
:mod:`.core`                       the frame engine: :func:`interactive_figure`,
                                   :func:`static_frames`, :func:`widget_mode`; the page
                                   template ``static_widget.html``
:mod:`.ch02_sparse_coding`         :func:`sparsity_widget` (λ against sparsity and error)
:mod:`.ch03_recovery`              :func:`one_step_widget` (λ, noise), :func:`coherence_widget`
:mod:`.ch04_dictionary_learning`   :func:`dictionary_lambda_widget` (λ against the atoms)
:mod:`.ch05_autoencoders`          :func:`denoising_widget` (masking ν, Gaussian σ)
:mod:`.ch06_vae`                   :func:`latent_walk_widget` (h₁, h₂)
=================================  ==========================================================

Each widget computes everything up front; a control move only redraws a figure built once
(a ``*View`` of :mod:`reprcourse.figures`).
"""

from .ch02_sparse_coding import sparsity_widget
from .ch03_recovery import coherence_widget, one_step_widget
from .ch04_dictionary_learning import dictionary_lambda_widget
from .ch05_autoencoders import denoising_widget
from .ch06_vae import latent_walk_widget
from .core import interactive_figure, widget_mode

# The chapters' widgets, and the two pieces for building one: interactive_figure (live
# ipywidgets in a kernel, kernel-free frames on the site) and widget_mode. The machinery
# (frame grids, resolutions, the HTML template) stays in .core.
__all__ = ["widget_mode", "interactive_figure", "sparsity_widget", "one_step_widget",
           "coherence_widget", "dictionary_lambda_widget", "denoising_widget",
           "latent_walk_widget"]
