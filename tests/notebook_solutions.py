"""The exercise solutions exactly as the chapters show them, loaded for the tests.

Each chapter's solution cells (tag ``solution``) define ``solution_<name>`` functions. They are
run here in a namespace holding what the chapter itself imports (its cells made only of
imports and constant assignments, such as ``SEED = 0``), so the tests check the very text a
student reveals, not a copy of it. The cells' own ``check_*`` calls are left out.
"""

import ast
import json
from pathlib import Path
from types import SimpleNamespace

BOOK = Path(__file__).resolve().parents[1] / "book"
SOLUTION_TAG = "solution"


def _is_setup(node: ast.stmt) -> bool:
    """An import, or an assignment of a constant (``SEED = 0``)."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return True
    return (isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            and all(isinstance(t, ast.Name) for t in node.targets))


def chapter_solutions(path: Path) -> dict:
    """The names a chapter imports and the functions its solution cells define."""
    cells = [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
             if c["cell_type"] == "code"]
    namespace: dict = {}
    for cell in cells:
        source = "".join(line for line in cell["source"]            # no IPython magics
                         if not line.lstrip().startswith(("%", "!")))
        tree = ast.parse(source)
        if SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
            body = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
        else:
            body = [n for n in tree.body if _is_setup(n)]
        exec(compile(ast.Module(body, type_ignores=[]), f"{path.name}", "exec"), namespace)
    return namespace


def load() -> SimpleNamespace:
    """Every chapter's solutions (and imported names) in one namespace."""
    names: dict = {}
    for path in sorted(BOOK.glob("*.ipynb")):
        names.update(chapter_solutions(path))
    names.pop("__builtins__", None)
    return SimpleNamespace(**names)
