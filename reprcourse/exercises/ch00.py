"""Checks for the exercise of chapter 0 (learning without labels).

``check_<name>(student_fn, *, seed=None)`` runs the student's function on random instances,
compares with a reference, prints ✓/✗/○ and returns a truthy-when-passed
:class:`CheckResult`; it never raises.
"""

from __future__ import annotations

import numpy as np

from ._harness import Case, CheckResult, run_check, rng_for

__all__ = ["check_centre_digits"]

N_DIGITS = 10


def _centre_digits(X, y, centers):
    """(class means (10, d), index of the class mean nearest to each centre (k,))."""
    means = np.stack([X[y == c].mean(axis=0) for c in range(N_DIGITS)])      # (10, d)
    d2 = ((centers[:, None, :] - means[None, :, :]) ** 2).sum(-1)           # (k, 10)
    return means, d2.argmin(axis=1)


def _instance(rng, n, d, k):
    """``n`` samples of ``d`` features in ten classes (each used), ``k`` centres near
    randomly chosen class means (so "nearest" is not a coin toss)."""
    y = rng.permutation(np.arange(n) % N_DIGITS)
    prototypes = rng.random((N_DIGITS, d))
    X = np.clip(prototypes[y] + 0.15 * rng.standard_normal((n, d)), 0.0, 1.0)
    picks = rng.integers(N_DIGITS, size=k)
    centers = np.clip(prototypes[picks] + 0.2 * rng.standard_normal((k, d)), 0.0, 1.0)
    return X, y, centers


def check_centre_digits(centre_digits, *, seed=None) -> CheckResult:
    """``centre_digits(X, y, centers)`` -> (``class_means`` (10, d), the digit
    whose mean is nearest to each centre (k,) ints).

    Cases: ten k-means-sized problems with 10 and with a different number of centres (so a
    function that looks the other way, the nearest centre of each digit, cannot pass by
    shape), and one centre placed exactly on a class mean.
    """
    rng = rng_for("centre_digits", seed)

    def cases():
        out = []
        for n, d, k in [(60, 6, 10), (80, 9, 4), (50, 5, 13)]:
            X, y, C = _instance(rng, n, d, k)
            out.append(Case(f"{n} images of {d} pixels, {k} centres", (X, y, C),
                            _centre_digits(X, y, C)))
        X, y, _ = _instance(rng, 30, 4, 1)
        means = _centre_digits(X, y, X[:1])[0]
        out.append(Case("one centre equal to the mean of the 7s", (X, y, means[7:8]),
                        (means, np.array([7]))))
        return out

    return run_check("centre_digits", centre_digits, cases)
