"""Every inline ``{eval}`name``` in a chapter's prose names a variable that a code cell *above*
it assigns. myst-nb evaluates the roles in order while it executes the notebook for the site
(``nb_execution_mode: inline``), so a name assigned only further down fails the site build,
although JupyterLab (which evaluates after Run All) would show it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "book").glob("*.ipynb"))
EVAL = re.compile(r"\{eval\}`([^`]+)`")


def assigned(source: str) -> set[str]:
    """Names a code cell binds (assignments, loop targets, imports, definitions)."""
    code = "\n".join(l for l in source.splitlines() if not l.lstrip().startswith(("%", "!")))
    names = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_eval_name_is_assigned_above(path):
    defined, late = set(), []
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type == "code":
            defined |= assigned(cell.source)
        elif cell.cell_type == "markdown":
            late += [f"cell {index}: {name}" for name in EVAL.findall(cell.source)
                     if name not in defined]
    assert not late, f"{path.name}: {{eval}} before its definition: {late}"


def test_the_rule_sees_a_late_name():
    assert "a" in assigned("a, b = 1, 2") and "k" in assigned("for k in range(3): pass")
    assert "x" not in assigned("print(x)")
