"""One place for input checks, one error style.

Every public function of :mod:`reprcourse` validates its arguments here, so that bad input
fails early with a message that names the argument, quotes what was received and says what
was expected, e.g. ``D has 64 rows but X has 63 features; D must be (n_features, n_atoms)``.

Arrays may be numpy arrays (or lists, converted with :func:`numpy.asarray`) or torch
tensors. Integer input is promoted to floating point; floating dtypes are kept.
"""

from __future__ import annotations

import numbers

import numpy as np
import torch

__all__ = [
    "check_array",
    "check_dictionary",
    "check_generator",
    "check_int",
    "check_matching_features",
    "check_nonnegative",
    "check_problem",
    "check_choice",
    "check_code_width",
    "check_same_backend",
    "check_scalar",
    "check_torch_generator",
    "is_torch",
]


def is_torch(x) -> bool:
    """True if ``x`` is a torch tensor."""
    return isinstance(x, torch.Tensor)


def _describe(x) -> str:
    if is_torch(x) or isinstance(x, np.ndarray):
        return f"{type(x).__name__} of shape {tuple(x.shape)} and dtype {x.dtype}"
    return f"{type(x).__name__}"


def check_array(x, name: str, *, ndim: int | tuple[int, ...] = 2, allow_empty: bool = False,
                shape_hint: str = "(n_samples, n_features)"):
    """Validate an array argument and return it as a floating numpy array or torch tensor.

    Parameters
    ----------
    x : array-like or torch.Tensor
    name : str
        The argument's name, used in error messages.
    ndim : int or tuple of int
        Allowed numbers of dimensions.
    allow_empty : bool
        Whether arrays with a zero-length axis are allowed.
    shape_hint : str
        The expected shape, quoted in error messages.

    Returns
    -------
    numpy.ndarray or torch.Tensor
        Same kind as given; integer input becomes float64 (numpy) or float32 (torch).

    Raises
    ------
    TypeError
        If ``x`` is not array-like or has a non-numeric, boolean or complex dtype.
    ValueError
        If ``x`` has the wrong number of dimensions, is empty, or holds NaN or inf.
    """
    ndims = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    if is_torch(x):
        if x.dtype == torch.bool or x.is_complex():
            raise TypeError(f"{name} must hold real numbers, got a tensor of dtype {x.dtype}")
        if not x.is_floating_point():
            x = x.to(torch.get_default_dtype())
    else:
        if x is None or isinstance(x, (str, bytes, dict, set, numbers.Number)):
            raise TypeError(f"{name} must be a numpy array or torch tensor, got {_describe(x)}")
        try:
            x = np.asarray(x)
        except (ValueError, TypeError) as err:  # ragged lists and the like
            raise TypeError(f"{name} could not be converted to an array: {err}") from None
        if x.dtype == bool or x.dtype.kind not in "fiu":
            raise TypeError(f"{name} must hold real numbers, got an array of dtype {x.dtype}")
        if x.dtype.kind != "f":
            x = x.astype(np.float64)
        elif x.dtype == np.float16:
            x = x.astype(np.float32)
    if x.ndim not in ndims:
        want = " or ".join(f"{d}-D" for d in ndims)
        raise ValueError(f"{name} must be {want} {shape_hint}, got shape {tuple(x.shape)}")
    if not allow_empty and any(s == 0 for s in x.shape):
        raise ValueError(f"{name} is empty: got shape {tuple(x.shape)}")
    finite = torch.isfinite(x).all().item() if is_torch(x) else np.isfinite(x).all()
    if not finite:
        n_bad = int((~torch.isfinite(x)).sum()) if is_torch(x) else int((~np.isfinite(x)).sum())
        raise ValueError(f"{name} contains NaN or inf ({n_bad} non-finite values)")
    return x


def check_scalar(value, name: str, *, low=None, high=None, low_open: bool = False,
                 high_open: bool = False) -> float:
    """Validate a real scalar in ``[low, high]`` (ends open if asked) and return a float.

    Raises
    ------
    TypeError
        If ``value`` is not a real number (booleans are rejected).
    ValueError
        If ``value`` is NaN, inf or outside the allowed range.
    """
    if is_torch(value) or isinstance(value, np.ndarray):
        if value.ndim != 0 and tuple(value.shape) != (1,):
            raise TypeError(f"{name} must be a real number, got {_describe(value)}")
        value = value.item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if low is not None and (value < low or (low_open and value == low)):
        bound = ">" if low_open else ">="
        raise ValueError(f"{name} must be {bound} {low}, got {value}")
    if high is not None and (value > high or (high_open and value == high)):
        bound = "<" if high_open else "<="
        raise ValueError(f"{name} must be {bound} {high}, got {value}")
    return value


def check_nonnegative(value, name: str) -> float:
    """A finite real number >= 0 (λ, τ, noise levels)."""
    return check_scalar(value, name, low=0.0)


def check_int(value, name: str, *, low: int | None = None, high: int | None = None) -> int:
    """Validate an integer in ``[low, high]`` and return it as ``int``.

    Raises
    ------
    TypeError
        If ``value`` is not an integer (booleans and floats are rejected).
    ValueError
        If ``value`` is outside the allowed range.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    value = int(value)
    if low is not None and value < low:
        raise ValueError(f"{name} must be >= {low}, got {value}")
    if high is not None and value > high:
        raise ValueError(f"{name} must be <= {high}, got {value}")
    return value


def check_choice(value, name: str, choices) -> str:
    """Validate that ``value`` is one of ``choices``."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {sorted(choices)}, got {value!r}")
    return value


def check_same_backend(**arrays) -> None:
    """Require all arrays to be numpy, or all to be torch tensors on one device.

    Raises
    ------
    TypeError
        If numpy arrays and torch tensors are mixed, or tensors live on different devices.
    """
    items = list(arrays.items())
    kinds = {name: is_torch(a) for name, a in items}
    if len(set(kinds.values())) > 1:
        desc = ", ".join(f"{n} is {'a torch tensor' if t else 'a numpy array'}"
                         for n, t in kinds.items())
        raise TypeError(f"arguments must be all numpy arrays or all torch tensors: {desc}")
    if all(kinds.values()):
        devices = {str(a.device) for _, a in items}
        if len(devices) > 1:
            desc = ", ".join(f"{n} on {a.device}" for n, a in items)
            raise TypeError(f"tensors must be on one device: {desc}")


def check_matching_features(X, D, *, x_name: str = "X", d_name: str = "D") -> None:
    """Require ``D.shape[0] == X.shape[1]`` (atoms are columns of ``D``)."""
    if D.shape[0] != X.shape[1]:
        raise ValueError(
            f"{d_name} has {D.shape[0]} rows but {x_name} has {X.shape[1]} features; "
            f"{d_name} must be (n_features, n_atoms)")


def check_code_width(H, D, name: str = "H") -> None:
    """Require one code entry per atom: ``H.shape[1] == D.shape[1]``."""
    if H.shape[1] != D.shape[1]:
        raise ValueError(f"{name} has {H.shape[1]} entries per code but D has {D.shape[1]} "
                         f"atoms; {name} must be (n_samples, n_atoms) with n_atoms = {D.shape[1]}")


def check_dictionary(D, name: str = "D", *, unit_norm: bool = False, atol: float = 1e-3):
    """Validate a dictionary of shape ``(n_features, n_atoms)``, atoms as columns.

    Parameters
    ----------
    D : array of shape (n_features, n_atoms)
    unit_norm : bool
        If True, every column must have l2 norm 1 (within ``atol``).

    Raises
    ------
    ValueError
        If ``D`` is not 2-D, is empty, is not finite, has a zero column, or (with
        ``unit_norm``) has a column whose norm is not 1.
    """
    D = check_array(D, name, shape_hint="(n_features, n_atoms)")
    norms = D.norm(dim=0) if is_torch(D) else np.linalg.norm(D, axis=0)
    zero = (norms == 0).nonzero()[0] if not is_torch(D) else torch.nonzero(norms == 0)[:, 0]
    if len(zero):
        raise ValueError(f"{name} has {len(zero)} zero column(s) (atoms), e.g. column "
                         f"{int(zero[0])}; atoms must be non-zero")
    if unit_norm:
        dev = (norms - 1).abs() if is_torch(D) else np.abs(norms - 1)
        worst = int(dev.argmax())
        if float(dev[worst]) > atol:
            raise ValueError(
                f"{name} must have unit-norm columns (atoms); column {worst} has norm "
                f"{float(norms[worst]):.6g}. Normalise with D / np.linalg.norm(D, axis=0)")
    return D


def check_generator(seed) -> np.random.Generator:
    """Turn ``seed`` (None, int or Generator) into a :class:`numpy.random.Generator`.

    Raises
    ------
    TypeError
        If ``seed`` is of another type.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be None, an int or a numpy Generator, got "
                        f"{type(seed).__name__} {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    return np.random.default_rng(int(seed))


def check_torch_generator(seed, device="cpu") -> torch.Generator:
    """Turn ``seed`` (None, int or torch.Generator) into a :class:`torch.Generator`."""
    if isinstance(seed, torch.Generator):
        return seed
    gen = torch.Generator(device=device)
    if seed is None:
        gen.seed()
        return gen
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be None, an int or a torch.Generator, got "
                        f"{type(seed).__name__} {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    gen.manual_seed(int(seed))
    return gen


def check_problem(X, D, *, H=None, unit_norm=False):
    """Check a lasso problem: data ``X`` (n, d), dictionary ``D`` (d, k), codes ``H`` (n, k)."""
    X = check_array(X, "X")
    D = check_dictionary(D, "D", unit_norm=unit_norm)
    check_matching_features(X, D)
    arrays = {"X": X, "D": D}
    if H is not None:
        H = check_array(H, "H", shape_hint="(n_samples, n_atoms)")
        if tuple(H.shape) != (X.shape[0], D.shape[1]):
            raise ValueError(f"H has shape {tuple(H.shape)} but X has {X.shape[0]} samples and "
                             f"D has {D.shape[1]} atoms; H must be (n_samples, n_atoms) = "
                             f"{(X.shape[0], D.shape[1])}")
        arrays["H"] = H
    check_same_backend(**arrays)
    return X, D, H
