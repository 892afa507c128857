"""The engine room: fast lasso solvers that only speed needs (below the teaching modules).

* :func:`~reprcourse.solvers.engine.solve_lasso` — batched proximal gradient (FISTA or ISTA)
  for all rows at once, per-row step sizes and stopping, certified by the duality gap; masks
  for inpainting; runs on a GPU.
* :func:`~reprcourse.solvers.homotopy.lasso_lars` — the LARS-lasso homotopy per row in
  compiled code (numba), the fastest exact solver on a CPU.

Chapters and users call :func:`reprcourse.sparse_encode`, which names the algorithm; the
textbook loops the chapters teach are :func:`reprcourse.sparse_coding.ista` and ``fista``.
"""

from .engine import gap_from_residual, soft_threshold_, solve_lasso, squared_spectral_norm
from .homotopy import lasso_lars

__all__ = ["solve_lasso", "lasso_lars", "soft_threshold_", "squared_spectral_norm",
           "gap_from_residual"]
