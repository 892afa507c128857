"""nbval plugin: compare the numbers in stored outputs at the precision a reader sees.

nbval compares a cell's new output with the stored one as text, exactly. A float printed or
glued in full (``repr``) differs in its last digits between CPUs, BLAS kernels and thread
counts, and even a value rounded for display flips at a rounding boundary (``12.7528`` on one
machine, ``12.7529`` on another). So text is compared in two parts:

* the text with every number taken out (the *skeleton*) must be identical, and
* the numbers, pairwise, must agree within :func:`tolerance`: one unit in the last digit
  shown (a rounding-boundary flip), or 0.1 % of the value (``RTOL``; for numbers shown with
  many digits), whichever is larger, plus ``ATOL`` for values at round-off level. Integers
  (no decimal point) get no last-digit unit: a count must not change. A percentage is a
  rounded fraction, not a count: ``56%`` may read ``55%`` elsewhere (one unit of the last
  digit, as for any rounded number), and the ``%`` itself is part of the text.

A real change still fails: a sign flip, a number off by 1 %, a different count of numbers, a
changed word. Loaded by ``make test`` with ``-p tests.nbval_numbers``; the rule itself lives in
:func:`same_at_display_precision`, which ``tests/test_notebook_outputs.py`` checks on every
stored output of every chapter.
"""

from __future__ import annotations

import re

from nbval.plugin import IPyNbCell

RTOL = 1e-3
ATOL = 1e-9
#: A decimal number: optional sign, digits with an optional fraction, optional exponent, and
#: an optional percent sign right after it.
NUMBER = re.compile(r"(?<!\w)[-+−]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?!\w)%?")


def split_numbers(text: str) -> tuple[str, list[str]]:
    """``text`` with every number replaced by ``#`` (``#%`` for a percentage), and the numbers
    (as written, with their ``%``) in order."""
    skeleton = NUMBER.sub(lambda m: "#%" if m.group().endswith("%") else "#", text)
    return skeleton, [m.group() for m in NUMBER.finditer(text)]


def value(number: str) -> float:
    return float(number.removesuffix("%").replace("−", "-"))


def last_digit(number: str) -> float:
    """One unit in the last digit shown: ``12.7528`` → 1e-4, ``2.65e+08`` → 1e6, ``56%`` → 1,
    ``11`` → 0 (a count)."""
    percent = number.endswith("%")
    mantissa, _, exponent = number.removesuffix("%").lower().partition("e")
    if "." not in mantissa and not exponent:
        return 1.0 if percent else 0.0
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** (int(exponent or 0) - decimals)


def tolerance(a: str, b: str) -> float:
    """How far apart two displayed numbers may be and still read as the same value."""
    x, y = value(a), value(b)
    return max(last_digit(a), last_digit(b), RTOL * max(abs(x), abs(y))) + ATOL


def numbers_close(a: str, b: str) -> bool:
    return abs(value(a) - value(b)) <= tolerance(a, b)


def same_at_display_precision(reference: str, test: str) -> bool:
    """True if the two texts differ at most in the last digits of their numbers."""
    if reference == test:
        return True
    ref_skeleton, ref_numbers = split_numbers(reference)
    test_skeleton, test_numbers = split_numbers(test)
    return (ref_skeleton == test_skeleton and len(ref_numbers) == len(test_numbers)
            and all(map(numbers_close, ref_numbers, test_numbers)))


class NumericText(str):
    """A sanitised output whose ``==`` is :func:`same_at_display_precision`.

    nbval compares sanitised outputs with ``!=``; returning this type from ``sanitize`` is
    the one hook nbval 0.11 offers into that comparison. Failure reports still print the
    plain text.
    """

    __hash__ = str.__hash__

    def __eq__(self, other):
        return isinstance(other, str) and same_at_display_precision(str(self), str(other))

    def __ne__(self, other):
        return not self.__eq__(other)


_sanitize = IPyNbCell.sanitize


def _sanitize_numeric(self, s):
    s = _sanitize(self, s)
    return NumericText(s) if isinstance(s, str) else s


def pytest_configure(config):
    IPyNbCell.sanitize = _sanitize_numeric
