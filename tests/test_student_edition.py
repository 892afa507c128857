"""scripts/make_student.py: solution cells go, everything else stays, outputs are cleared,
and the student edition of a chapter-like notebook runs with every check "not attempted"."""

import json
import subprocess
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "make_student.py"


def _notebook():
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    stub = nbformat.v4.new_code_cell(
        "def soft_thresh(x, tau):\n    raise NotImplementedError")
    stub.outputs = [nbformat.v4.new_output("stream", name="stdout", text="old output\n")]
    stub.execution_count = 3
    solution = nbformat.v4.new_code_cell(
        "def solution_soft_thresh(x, tau):\n"
        "    return np.sign(x) * np.maximum(np.abs(x) - tau, 0.0)\n\n\n"
        "check_soft_thresh(solution_soft_thresh)",
        metadata={"tags": ["solution", "hide-cell"], "jupyter": {"source_hidden": True}})
    nb.cells = [nbformat.v4.new_markdown_cell("# A chapter"),
                nbformat.v4.new_code_cell(
                    "import numpy as np\nfrom reprcourse.exercises.ch02 import check_soft_thresh"),
                nbformat.v4.new_markdown_cell("```{exercise} Soft thresholding\n```"),
                stub, nbformat.v4.new_code_cell("check_soft_thresh(soft_thresh)"), solution]
    return nb


def test_solution_cells_are_removed_and_outputs_cleared(tmp_path):
    path = tmp_path / "02_demo.ipynb"
    nbformat.write(_notebook(), path)
    out = tmp_path / "student"
    run = subprocess.run([sys.executable, str(SCRIPT), str(path), "--out", str(out)],
                         capture_output=True, text=True, check=True)
    assert "1 solution cell removed" in run.stdout
    student = json.loads((out / path.name).read_text(encoding="utf-8"))
    sources = ["".join(c["source"]) for c in student["cells"]]
    assert len(sources) == 5
    assert not any("solution_" in s for s in sources)
    assert not any("solution" in c.get("metadata", {}).get("tags", []) for c in student["cells"])
    code = [c for c in student["cells"] if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    nbformat.validate(nbformat.reads(json.dumps(student), as_version=4))


def test_student_edition_runs_untouched(tmp_path):
    path = tmp_path / "02_demo.ipynb"
    nbformat.write(_notebook(), path)
    subprocess.run([sys.executable, str(SCRIPT), str(path), "--out", str(tmp_path)],
                   check=True, capture_output=True)
    nb = nbformat.read(tmp_path / path.name, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                      for o in c.outputs)
    assert "○ soft_thresh: not attempted yet" in printed
