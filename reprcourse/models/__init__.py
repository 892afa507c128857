"""The neural models of chapters 5 and 6, with their training loop and checkpoints.

* :mod:`~reprcourse.models.training` — :func:`train`, the one loop every model is trained
  with, and :func:`reconstruction_loss` (squared error or cross-entropy);
* :mod:`~reprcourse.models.autoencoders` — :class:`Autoencoder` (tied or untied weights),
  :func:`corrupt` / :class:`Corruption` for denoising autoencoders (chapter 5);
* :mod:`~reprcourse.models.sparse` — :class:`ThresholdAutoencoder` (weight tying as one
  thresholding step), :class:`SparseAutoencoder`, :class:`PSD` (chapters 5 and 5b);
* :mod:`~reprcourse.models.rbm` — :class:`RBM`, a restricted Boltzmann machine trained by
  contrastive divergence, for the RBM-vs-autoencoder features (chapter 5);
* :mod:`~reprcourse.models.deep` — :class:`DeepAutoencoder` and greedy :func:`pretrain`
  (chapter 5b);
* :mod:`~reprcourse.models.vae` — :class:`VAE`, :func:`gaussian_kl`, :func:`elbo`,
  :func:`iwae_bound` (chapter 6);
* :mod:`~reprcourse.models.linear_gaussian` — the exact probabilistic-PCA answers the bounds
  are checked against (chapter 6);
* :mod:`~reprcourse.models.checkpoints` — :func:`save`, :func:`load`, :func:`pretrained` and
  :data:`MODEL_CLASSES`, the explicit list of saveable classes.

Every method and function that takes data follows one contract: numpy in gives numpy out of
the same float dtype, torch in gives torch out on the same device and of the same dtype;
randomness comes from a ``seed`` keyword (None, an int or a ``torch.Generator``; None by
default). Imports run one way: ``training`` ← ``autoencoders`` ← ``sparse``, ``deep``;
``training`` ← ``vae`` ← ``linear_gaussian``; ``checkpoints`` imports the model modules.
"""

from .autoencoders import (ACTIVATIONS, Autoencoder, AutoencoderBase, Corruption, corrupt,
                           glorot_uniform, unit_columns)
from .checkpoints import MODEL_CLASSES, load, pretrained, save
from .deep import DeepAutoencoder, pretrain
from .linear_gaussian import (bound_report, linear_gaussian_elbo, linear_gaussian_params,
                              posterior_kl, ppca_fit, ppca_log_likelihood, ppca_posterior)
from .sparse import (PSD, SparseAutoencoder, ThresholdAutoencoder, hard_threshold,
                     planted_ternary, ternary_threshold)
from .rbm import RBM
from .training import model_generator, model_input, reconstruction_loss, train
from .vae import VAE, elbo, gaussian_kl, iwae_bound
from .linear_gaussian import best_diagonal_q

__all__ = ["train", "reconstruction_loss", "model_input", "model_generator",
           "ACTIVATIONS", "glorot_uniform", "unit_columns", "AutoencoderBase", "Autoencoder",
           "corrupt", "Corruption",
           "hard_threshold", "ternary_threshold", "ThresholdAutoencoder", "planted_ternary",
           "SparseAutoencoder", "PSD",
           "DeepAutoencoder", "pretrain",
           "RBM",
           "VAE", "gaussian_kl", "elbo", "iwae_bound",
           "ppca_log_likelihood", "ppca_posterior", "ppca_fit", "linear_gaussian_elbo",
           "posterior_kl", "linear_gaussian_params", "bound_report",
           "MODEL_CLASSES", "save", "load", "pretrained"]
__all__ += ["best_diagonal_q"]
