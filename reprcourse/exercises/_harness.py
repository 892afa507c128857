"""The exercise harness: run a student's function on cases, compare, report, never raise.

Every ``check_*`` function of the chapter modules builds a list of :class:`Case` objects from
the package's reference implementation and hands them to :func:`run_check`, which prints one
line:

* ``✓ <exercise>: all N cases pass``
* ``✗ <exercise>: case '<name>': expected …, got …`` (the first failing case), also when the
  student's code raises (the exception's type and message are shown) or returns the wrong
  shape or type;
* ``○ <exercise>: not attempted yet (the stub raises NotImplementedError)``

and returns a :class:`CheckResult`, true only when every case passes. Nothing the student's code does can make a
check raise, so "Run All" always reaches the end of the notebook.
"""

from __future__ import annotations

import copy
import warnings
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import torch

__all__ = ["Case", "CheckResult", "run_check", "compare", "rng_for", "short", "unit_atoms", "value_and_grads"]

NOT_ATTEMPTED = "not attempted yet (the stub raises NotImplementedError)"


@dataclass
class Case:
    """One test case of an exercise.

    Attributes
    ----------
    name : str
        Shown when the case fails, e.g. ``"random 5×4, τ = 0.7"``.
    args : tuple
        Positional arguments for the student's function (deep-copied before each call, so a
        function that modifies its inputs cannot spoil the comparison).
    expected : object
        The reference answer: a number, bool, array, tensor, or a tuple of those.
    kwargs : dict
        Keyword arguments for the student's function.
    call : callable, optional
        ``call(student_fn, *args, **kwargs) -> result`` replaces the plain call, e.g. to
        differentiate the student's loss and compare gradients.
    atol, rtol : float
        Tolerances for floating-point comparisons.
    """

    name: str
    args: tuple
    expected: Any
    kwargs: dict = field(default_factory=dict)
    call: Callable | None = None
    atol: float = 1e-6
    rtol: float = 1e-6


@dataclass(frozen=True)
class CheckResult:
    """The outcome of a check: truthy exactly when every case passed.

    The check has already printed ``message``, so a notebook shows nothing more for a check
    call that ends a cell (no stray ``True`` under the ✓ line).
    """

    passed: bool
    message: str

    def __bool__(self):
        return self.passed

    def __repr__(self):
        return self.message

    def _ipython_display_(self):
        """Display nothing: the line was printed when the check ran."""


def rng_for(exercise: str, seed=None) -> np.random.Generator:
    """The generator of a check run: ``seed`` if given, else one derived from the name, so a
    check draws the same instances every time it runs (reproducible notebook outputs)."""
    if seed is None:
        seed = zlib.crc32(exercise.encode())
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------------------
def _as_numpy(x):
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return x


def short(x) -> str:
    """A short, rounded text for a value: arrays show their shape and a few entries."""
    x = _as_numpy(x)
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    if isinstance(x, (float, np.floating)):
        return f"{float(x):.4g}"
    if isinstance(x, np.ndarray):
        if x.ndim == 0:
            return short(x[()])
        with np.printoptions(precision=4, threshold=8, edgeitems=2, suppress=True,
                             linewidth=80):
            text = np.array2string(np.round(x, 4) if x.dtype.kind == "f" else x,
                                   separator=", ")
        text = " ".join(text.split())
        if len(text) > 64:
            text = text[:60].rstrip(", ") + " …"
        return f"{text} (shape {x.shape})" if x.size > 1 else text
    if isinstance(x, (tuple, list)):
        inner = ", ".join(short(v) for v in x[:4]) + (", …" if len(x) > 4 else "")
        return f"({inner})" if isinstance(x, tuple) else f"[{inner}]"
    text = repr(x)
    return text if len(text) <= 60 else text[:57] + "..."


def _kind(x) -> str:
    return type(x).__name__


# ---------------------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------------------
def compare(expected, got, *, atol=1e-6, rtol=1e-6) -> str | None:
    """``None`` if ``got`` matches ``expected``, else a short explanation.

    Numbers and arrays (numpy or torch, lists accepted) are compared with
    ``|got - expected| <= atol + rtol |expected|``; bools and integers exactly; tuples entry by
    entry, after checking the number of entries.
    """
    if isinstance(expected, tuple):
        if not isinstance(got, (tuple, list)):
            return f"expected a tuple of {len(expected)} values, got {_kind(got)} {short(got)}"
        if len(got) != len(expected):
            return f"expected {len(expected)} values, got {len(got)}"
        for i, (e, g) in enumerate(zip(expected, got)):
            problem = compare(e, g, atol=atol, rtol=rtol)
            if problem:
                return f"value {i + 1} of {len(expected)}: {problem}"
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return f"expected a dict with keys {sorted(expected)}, got {_kind(got)} {short(got)}"
        if set(got) != set(expected):
            return f"expected the keys {sorted(expected)}, got {sorted(got, key=str)}"
        for key in expected:
            problem = compare(expected[key], got[key], atol=atol, rtol=rtol)
            if problem:
                return f"key {key!r}: {problem}"
        return None
    if isinstance(expected, (bool, np.bool_)):
        g = _as_numpy(got)
        if isinstance(g, np.ndarray) and g.size == 1:
            g = g.reshape(())[()]
        if not isinstance(g, (bool, np.bool_)):
            return f"expected True or False, got {_kind(got)} {short(got)}"
        return None if bool(g) == bool(expected) else f"expected {expected}, got {bool(g)}"
    if isinstance(expected, (int, np.integer)):
        g = _as_numpy(got)
        if isinstance(g, np.ndarray) and g.size == 1:
            g = g.reshape(())[()]
        if isinstance(g, (bool, np.bool_)) or not isinstance(g, (int, np.integer, float,
                                                                   np.floating)):
            return f"expected the integer {int(expected)}, got {_kind(got)} {short(got)}"
        if g != int(expected):
            return f"expected {int(expected)}, got {short(g)}"
        return None
    return _compare_arrays(expected, got, atol, rtol)


def _compare_arrays(expected, got, atol, rtol):
    e = np.asarray(_as_numpy(expected), dtype=np.float64)
    if isinstance(got, torch.Tensor):
        g = got.detach().cpu().double().numpy()
    else:
        try:
            g = np.asarray(got, dtype=np.float64)
        except (TypeError, ValueError):
            return f"expected {short(expected)}, got {_kind(got)} {short(got)}"
    if e.ndim == 0 and g.size == 1:
        g = g.reshape(())
    if g.shape != e.shape:
        what = "a number" if e.ndim == 0 else f"shape {e.shape}"
        return f"expected {what}, got shape {g.shape}"
    if not np.all(np.isfinite(g)) and np.all(np.isfinite(e)):
        return f"expected {short(e)}, got non-finite values: {short(g)}"
    bad = ~(np.abs(g - e) <= atol + rtol * np.abs(e))
    if not bad.any():
        return None
    if e.ndim == 0:
        return f"expected {short(e)}, got {short(g)}"
    where = tuple(int(i) for i in np.argwhere(bad)[0])
    return (f"at index {where[0] if len(where) == 1 else where}: expected {short(e[where])}, "
            f"got {short(g[where])}; expected {short(e)}, got {short(g)}")


# ---------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------
def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = text if len(text) <= 120 else text[:117] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def run_check(name: str, student_fn, cases, *, compare_fn=compare) -> CheckResult:
    """Run ``student_fn`` on every case, print one line of feedback, return whether all pass.

    Parameters
    ----------
    name : str
        The exercise, as shown to the student.
    student_fn : callable
        The student's function.
    cases : iterable of Case, or a callable returning one
        A callable is called inside the harness, so an error while building the cases is
        reported instead of raised; a generator builds each case only when it is needed.
    compare_fn : callable, optional
        ``compare_fn(expected, got, atol=, rtol=) -> str | None``; :func:`compare` by default.

    Returns
    -------
    CheckResult
        True when every case passes; never raises (except KeyboardInterrupt).
    """
    try:
        return _report(name, True, _run_cases(student_fn, cases, compare_fn))
    except _Failed as failure:
        return _report(name, False, str(failure))
    except KeyboardInterrupt:
        raise
    except BaseException as exc:                                  # noqa: BLE001
        return _report(name, False, f"the check could not compare your answer ({_describe(exc)})")


class _Failed(Exception):
    """A case failed or the stub is untouched; the text says which, for the student."""


def _report(name, passed, text):
    mark = "✓" if passed else ("○" if text == NOT_ATTEMPTED else "✗")
    print(f"{mark} {name}: {text}")
    return CheckResult(passed, f"{mark} {name}: {text}")


def _run_cases(student_fn, cases, compare_fn) -> str:
    """The text of a pass; raises :class:`_Failed` with the text of the first failure."""
    if not callable(student_fn):
        raise _Failed(f"expected a function, got {_kind(student_fn)} {short(student_fn)}")
    n_cases = 0
    for case in (cases() if callable(cases) else cases):              # lazily: stop early
        n_cases += 1
        args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                if case.call is None:
                    got = student_fn(*args, **kwargs)
                else:
                    got = case.call(student_fn, *args, **kwargs)
        except NotImplementedError:
            raise _Failed(NOT_ATTEMPTED) from None
        except KeyboardInterrupt:
            raise
        except BaseException as exc:                              # noqa: BLE001 (never raise)
            raise _Failed(f"case '{case.name}': your function raised {_describe(exc)}") from None
        problem = compare_fn(case.expected, got, atol=case.atol, rtol=case.rtol)
        if problem:
            raise _Failed(f"case '{case.name}': {problem}")
    return f"all {n_cases} cases pass" if n_cases > 1 else "the 1 case passes"


# ---------------------------------------------------------------------------------------
# Helpers the chapter checks share
# ---------------------------------------------------------------------------------------
def unit_atoms(rng, d, k) -> np.ndarray:
    """A random dictionary of shape (d, k) with unit-norm columns."""
    D = rng.standard_normal((d, k))
    return D / np.linalg.norm(D, axis=0)


def value_and_grads(fn, *args, wrt=(0,), scalar=False):
    """Call ``fn`` with ``args[i]`` (i in ``wrt``) requiring grad; return ``(value, *grads)``,
    the gradients of ``value.sum()``.

    Raises ``TypeError``/``ValueError`` (which :func:`run_check` reports as ✗) if the result is
    not a tensor, is not a scalar when ``scalar`` is set, or does not depend on those arguments
    through autograd (a loss computed in numpy, say).
    """
    args = list(args)
    for i in wrt:
        args[i] = args[i].clone().requires_grad_(True)
    value = fn(*args)
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"return a torch tensor (so that gradients flow), got "
                        f"{type(value).__name__}")
    if scalar and value.numel() != 1:
        raise ValueError(f"return a scalar loss, got a tensor of shape {tuple(value.shape)}")
    grads = torch.autograd.grad(value.sum(), [args[i] for i in wrt], allow_unused=True)
    if any(g is None for g in grads):
        raise ValueError("the result does not depend on its inputs through autograd")
    value = value.detach()
    return (value.reshape(()) if scalar else value,) + tuple(grads)
