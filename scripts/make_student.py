"""Write the student edition of the chapters: solutions removed, outputs cleared.

nbconvert does the work: ``TagRemovePreprocessor`` drops every cell tagged ``solution``,
``ClearOutputPreprocessor`` clears outputs, execution counts and execution-time metadata.
The stubs
and their ``check_*`` cells stay, so an untouched student notebook runs top to bottom and every
check reports "not attempted yet".

Usage::

    python scripts/make_student.py [NOTEBOOK ...] [--out _build/student]

With no notebook given, every ``book/*.ipynb`` is converted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from nbconvert.exporters import NotebookExporter
from traitlets.config import Config

SOLUTION_TAG = "solution"
ROOT = Path(__file__).resolve().parents[1]


def exporter() -> NotebookExporter:
    """nbconvert's notebook exporter with the student edition's preprocessors switched on."""
    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {SOLUTION_TAG}
    config.ClearOutputPreprocessor.enabled = True
    config.ClearOutputPreprocessor.remove_metadata_fields = {"execution", "collapsed",
                                                             "scrolled"}
    return NotebookExporter(config=config)


def student_edition(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``notebook`` without solution cells and with all outputs cleared."""
    text, _ = exporter().from_notebook_node(notebook)
    return nbformat.reads(text, as_version=4)


def convert(path: Path, out_dir: Path) -> tuple[Path, int]:
    """Write the student edition of ``path`` into ``out_dir``; return (path, cells removed)."""
    notebook = nbformat.read(path, as_version=4)
    student = student_edition(notebook)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / path.name
    nbformat.write(student, target)
    return target, len(notebook.cells) - len(student.cells)


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
