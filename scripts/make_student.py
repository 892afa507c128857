"""Write the student edition of the chapters: solutions removed, outputs cleared.

Every cell tagged ``solution`` is dropped; every code cell loses its outputs and execution
count. The stubs and their ``check_*`` cells stay, so an untouched student notebook runs top to
bottom and every check reports "not attempted yet".

Usage::

    python scripts/make_student.py [NOTEBOOK ...] [--out _build/student]

With no notebook given, every ``book/*.ipynb`` is converted. Standard library only (the
notebook JSON is edited directly), so it runs without the course's virtual environment.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

SOLUTION_TAG = "solution"
ROOT = Path(__file__).resolve().parents[1]


def is_solution(cell: dict) -> bool:
    """Whether a cell is a solution cell (tag ``solution``)."""
    return SOLUTION_TAG in cell.get("metadata", {}).get("tags", [])


def student_edition(notebook: dict) -> dict:
    """A copy of ``notebook`` without solution cells and with all outputs cleared."""
    nb = json.loads(json.dumps(notebook))                          # deep copy
    cells = []
    for cell in nb["cells"]:
        if is_solution(cell):
            continue
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
            meta = cell.get("metadata", {})
            meta.pop("execution", None)
            jupyter = meta.get("jupyter")
            if isinstance(jupyter, dict):
                jupyter.pop("outputs_hidden", None)
                if not jupyter:
                    meta.pop("jupyter")
        cells.append(cell)
    nb["cells"] = cells
    return nb


def convert(path: Path, out_dir: Path) -> tuple[Path, int]:
    """Write the student edition of ``path`` into ``out_dir``; return (path, cells removed)."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    student = student_edition(notebook)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / path.name
    target.write_text(json.dumps(student, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return target, len(notebook["cells"]) - len(student["cells"])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to convert (default: book/*.ipynb)")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "student",
                        help="output folder (default: _build/student)")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "book").glob("*.ipynb"))
    if not paths:
        print("make_student: no notebooks found", file=sys.stderr)
        return 1
    for path in paths:
        target, removed = convert(path, args.out)
        print(f"{target}: {removed} solution cell{'s' * (removed != 1)} removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
