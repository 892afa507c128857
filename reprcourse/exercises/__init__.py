"""Exercise checks, one per exercise, grouped by chapter (``ch00`` … ``ch06``).

In a chapter notebook every exercise is a stub that raises ``NotImplementedError`` until the
student fills it in, followed by a cell ``check_<name>(<name>)``. The check runs the student's
function on fresh random instances (reproducible: seeded per check) and edge cases, compares
with the package's reference implementation and prints ✓, ✗ (naming the failing case, with the
expected and received values) or ○ (not attempted yet). A check never raises, so "Run All"
always reaches the end of the notebook. Solutions live in cells tagged ``solution`` that
define ``solution_<name>`` and never overwrite the student's function.

>>> from reprcourse.exercises.ch02 import check_soft_thresh
>>> def soft_thresh(x, tau):
...     raise NotImplementedError
>>> check_soft_thresh(soft_thresh)
○ soft_thresh: not attempted yet (the stub raises NotImplementedError)
False
"""

from ._harness import Case, run_check

__all__ = ["Case", "run_check"]
