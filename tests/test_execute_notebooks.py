"""The pure parts of scripts/execute_notebooks.py (no kernel is started here)."""
import importlib.util
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("execute_notebooks",
                                               ROOT / "scripts" / "execute_notebooks.py")
ex = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ex)


def test_eval_expressions_unique_in_order():
    src = "a {eval}`b` then {eval}`a_1` and {eval}` b ` again; `code` and {glue:text}`k`"
    assert ex.eval_expressions(src) == ["b", "a_1"]
    assert ex.eval_expressions("no roles here") == []


def test_user_expressions_metadata_has_jupyterlab_myst_shape():
    results = {"x": {"status": "ok", "data": {"text/plain": "'6.28'"}, "metadata": {}},
               "y": {"status": "error", "ename": "NameError", "evalue": "name 'y' is not "
                     "defined", "traceback": []}}
    entries = ex.user_expressions_metadata(["x", "y"], results)
    assert entries[0] == {"expression": "x", "result": {"data": {"text/plain": "'6.28'"},
                                                        "metadata": {}, "status": "ok"}}
    assert entries[1]["result"]["status"] == "error"
    assert ex.failed_expressions(entries) == ["y: NameError: name 'y' is not defined"]
    assert ex.failed_expressions(entries[:1]) == []


def _notebook():
    nb = nbformat.v4.new_notebook()
    md = nbformat.v4.new_markdown_cell("value {eval}`x`")
    stale = nbformat.v4.new_markdown_cell("no roles")
    stale.metadata["user_expressions"] = [{"expression": "old", "result": {}}]
    code = nbformat.v4.new_code_cell("x = '6.28'", metadata={"tags": ["hide-input"]})
    code.metadata["execution"] = {"iopub.execute_input": "2026-01-01T00:00:00"}
    code.metadata["ExecuteTime"] = {"end_time": "2026"}
    code.execution_count = 7
    code.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "1"},
                                           execution_count=7)]
    empty = nbformat.v4.new_code_cell("")
    nb.cells = [md, stale, code, empty]
    return nb


def test_normalise_drops_timing_keeps_tags_and_renumbers():
    nb = _notebook()
    ex.normalise(nb)
    md, stale, code, empty = nb.cells
    assert "execution" not in code.metadata and "ExecuteTime" not in code.metadata
    assert code.metadata["tags"] == ["hide-input"]
    assert code.execution_count == 1 and code.outputs[0]["execution_count"] == 1
    assert empty.execution_count is None
    assert "user_expressions" not in stale.metadata
    first = nbformat.writes(nb)
    ex.normalise(nb)
    assert nbformat.writes(nb) == first


def test_kernel_env(monkeypatch):
    monkeypatch.setenv("REPRCOURSE_WIDGETS", "live")
    monkeypatch.setenv("MPLBACKEND", "TkAgg")
    env = ex.kernel_env()
    assert "REPRCOURSE_WIDGETS" not in env
    assert env["MPLBACKEND"] == "Agg" and env["OMP_NUM_THREADS"] == "1"


def test_toc_notebooks_are_the_chapters():
    paths = ex.toc_notebooks()
    assert paths, "no notebook chapter found in _toc.yml"
    assert all(p.suffix == ".ipynb" and p.exists() for p in paths)
    assert paths[0].name == "00_introduction.ipynb"


@pytest.mark.parametrize("src", ["{eval}`a`{eval}`b`", "{eval}`a` {eval}`b` {eval}`a`"])
def test_eval_expressions_adjacent(src):
    assert ex.eval_expressions(src) == ["a", "b"]
