"""reprcourse — companion package of the course on the simplest representation learners.

Modules follow the chapters: :mod:`~reprcourse.structure` (PCA, k-means),
:mod:`~reprcourse.sparse_coding` (soft thresholding, ISTA, FISTA), :mod:`~reprcourse.recovery`
(the one-step recovery theorems), :mod:`~reprcourse.dictionary_learning`,
:mod:`~reprcourse.autoencoders`, :mod:`~reprcourse.vae`; :mod:`~reprcourse.data` loads the
offline data sets; :mod:`~reprcourse.plotting` and :mod:`~reprcourse.widgets` hold the figure and
widget code of the notebooks. The most used functions are also importable from here.
"""

from .autoencoders import Autoencoder, ThresholdAutoencoder, corrupt, train
from .dictionary_learning import DictionaryLearner, learn_dictionary
from .recovery import recovery_conditions, sign_recovered
from .sparse_coding import (fista, ista, lipschitz_constant, mutual_coherence, one_step_encode,
                            soft_threshold, sparse_objective)
from .structure import kmeans, pca
from .vae import VAE, elbo, gaussian_kl, iwae_bound

__version__ = "0.1.0"

__all__ = ["soft_threshold", "sparse_objective", "ista", "fista", "one_step_encode",
           "mutual_coherence", "lipschitz_constant", "pca", "kmeans", "recovery_conditions",
           "sign_recovered", "learn_dictionary", "DictionaryLearner", "Autoencoder", "ThresholdAutoencoder", "corrupt", "train", "VAE", "gaussian_kl", "elbo", "iwae_bound"]
