"""reprcourse — companion package of the course on the simplest representation learners.

The modules follow the lecture (the README's module map gives slide → module → chapter):

* :mod:`~reprcourse.structure` — PCA and k-means (chapter 1);
* :mod:`~reprcourse.sparse_coding` — soft thresholding, the lasso objective and its duality
  gap, ISTA/FISTA as the lecture writes them, ``sparse_encode`` ("give me the codes", the
  algorithm named) and the lasso path (chapter 2); the fast solvers it runs (the batched
  FISTA engine, the LARS-lasso homotopy) are the engine room :mod:`~reprcourse.solvers`;
* :mod:`~reprcourse.instances` and :mod:`~reprcourse.recovery` — planted instances and the
  one-step recovery theorems (chapter 3);
* :mod:`~reprcourse.dictionary_learning`, :mod:`~reprcourse.inpainting`,
  :mod:`~reprcourse.polysemy` — dictionary learning and two applications (chapter 4);
* :mod:`~reprcourse.models` — the neural models: autoencoders, sparse/PSD, deep, the VAE, the
  linear-Gaussian model, training and checkpoints (chapters 5, 5b, 6);
* :mod:`~reprcourse.data` — the offline data sets; :mod:`~reprcourse.figures` and
  :mod:`~reprcourse.widgets` — each chapter's figures and widgets;
  :mod:`~reprcourse.exercises` — one check per exercise.

The most used functions are also importable from here.
"""

from .dictionary_learning import DictionaryLearner, learn_dictionary
from .models import (VAE, Autoencoder, ThresholdAutoencoder, corrupt, elbo, gaussian_kl,
                     iwae_bound, train)
from .recovery import recovery_conditions, sign_recovered
from .sparse_coding import (duality_gap, fista, ista, lipschitz_constant, mutual_coherence,
                            one_step_encode, soft_threshold, sparse_encode, sparse_objective)
from .structure import kmeans, pca

__version__ = "0.2.0"

__all__ = ["soft_threshold", "sparse_objective", "duality_gap", "ista", "fista",
           "sparse_encode",
           "one_step_encode", "mutual_coherence", "lipschitz_constant", "pca", "kmeans",
           "recovery_conditions", "sign_recovered", "learn_dictionary", "DictionaryLearner",
           "Autoencoder", "ThresholdAutoencoder", "corrupt", "train", "VAE", "gaussian_kl",
           "elbo", "iwae_bound"]
