"""The numpy ↔ torch boundary, in one place.

The package contract (DESIGN.md): numpy in gives numpy out of the same float dtype, torch in
gives torch out on the same device and dtype. Functions validate their arguments with
:mod:`reprcourse._validation`, compute in torch, and hand the result back with :func:`like`.
Every conversion between the two worlds goes through the helpers below; no other module
converts by hand.
"""

from __future__ import annotations

import numpy as np
import torch

from ._validation import is_torch

__all__ = ["as_tensor", "like", "to_numpy", "give_back", "common_dtype", "torch_dtype"]


def torch_dtype(a) -> torch.dtype:
    """The torch dtype of a numpy array or tensor (``float64`` for numpy ``float64`` …)."""
    return a.dtype if is_torch(a) else torch.from_numpy(np.empty(0, a.dtype)).dtype


def common_dtype(*arrays) -> torch.dtype:
    """``float64`` if any argument is float64, else ``float32``."""
    return torch.float64 if torch.float64 in map(torch_dtype, arrays) else torch.float32


def as_tensor(a, *, dtype=None, device=None) -> torch.Tensor:
    """A numpy array (zero-copy where possible) or tensor as a tensor of ``dtype``/``device``.

    With ``dtype`` and ``device`` left ``None`` a tensor passes through unchanged and a numpy
    array becomes a CPU tensor that shares its memory.
    """
    t = a if is_torch(a) else torch.from_numpy(np.ascontiguousarray(a))
    return t if dtype is None and device is None else t.to(dtype=dtype, device=device)


def like(t: torch.Tensor, template, *, integer: bool = False):
    """Return the tensor ``t`` as the kind, float dtype and device of ``template``.

    Numpy ``template`` → a numpy array; tensor ``template`` → a tensor on its device. Floating
    results take ``template``'s dtype; ``integer=True`` keeps integer results (labels, counts)
    as int64 instead.
    """
    if not is_torch(t):
        t = torch.as_tensor(np.ascontiguousarray(t))
    if integer:
        dtype = torch.int64
    else:
        dtype = torch_dtype(template) if t.is_floating_point() else t.dtype
    if is_torch(template):
        return t.to(dtype=dtype, device=template.device)
    return t.detach().to(dtype=dtype).cpu().numpy()


def to_numpy(a, dtype=None) -> np.ndarray:
    """A tensor or array-like as a numpy array (detached, on the CPU), optionally cast."""
    out = a.detach().cpu().numpy() if is_torch(a) else np.asarray(a)
    return out if dtype is None else out.astype(dtype, copy=False)


def give_back(t, X):
    """The tensor ``t`` as the kind of ``X`` (numpy or tensor), keeping ``t``'s dtype."""
    return t.clone() if is_torch(X) else to_numpy(t).copy()
