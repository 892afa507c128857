"""reprcourse — companion package of the course on the simplest representation learners.

Modules follow the chapters: :mod:`structure` (PCA, k-means), :mod:`sparse_coding` (ISTA,
FISTA), :mod:`recovery` (one-step recovery theorems), :mod:`dictionary_learning`,
:mod:`autoencoders`, :mod:`vae`; :mod:`data` loads the offline data sets, :mod:`plotting`
and :mod:`widgets` hold the figure and widget code of the notebooks.
"""

from .sparse_coding import (fista, ista, lipschitz_constant, mutual_coherence, one_step_encode,
                            soft_threshold, sparse_objective)

__version__ = "0.1.0"

__all__ = ["soft_threshold", "sparse_objective", "ista", "fista", "one_step_encode",
           "mutual_coherence", "lipschitz_constant"]
