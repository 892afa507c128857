"""Execute the chapter notebooks in place and store their outputs (`make outputs`).

Usage::

    .venv/bin/python scripts/execute_notebooks.py [NOTEBOOK ...]

Without arguments every notebook chapter listed in ``_toc.yml`` runs. Each notebook runs in a
fresh ``python3`` kernel with ``book/`` as working directory, ``MPLBACKEND=Agg``,
``OMP_NUM_THREADS=1`` and no ``REPRCOURSE_WIDGETS`` (widgets draw their kernel-free frames),
600 s per cell at most. Then, with the kernel still running, every ``{eval}`NAME``` role of
the Markdown cells is evaluated and its result stored in that cell's
``metadata.user_expressions``, in the shape jupyterlab-myst saves, so JupyterLab shows the
numbers in the prose before the student runs anything.

The files are normalised so that two runs give identical files except for outputs that
legitimately vary: execution timing metadata is dropped, execution counts run 1, 2, ...,
cell ids, tags and other metadata are kept. A cell that fails (unless tagged
``raises-exception``) or an ``{eval}`` name that does not evaluate leaves the notebook
untouched and makes the script exit with status 1.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from sphinx_external_toc.parsing import parse_toc_yaml

ROOT = Path(__file__).resolve().parents[1]
EVAL_ROLE = re.compile(r"\{eval\}`([^`]+)`")
TIMING_KEYS = ("execution", "ExecuteTime")
KERNEL_ENV = {"MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1"}
UNSET_ENV = ("REPRCOURSE_WIDGETS",)


def eval_expressions(source: str) -> list[str]:
    """The ``{eval}`` expressions of a Markdown source, unique, in order of appearance."""
    seen: dict[str, None] = {}
    for match in EVAL_ROLE.finditer(source):
        seen.setdefault(match.group(1).strip(), None)
    return list(seen)


def user_expressions_metadata(expressions: list[str], results: dict) -> list[dict]:
    """Cell metadata in jupyterlab-myst's shape from a kernel's ``user_expressions`` reply.

    ``results`` maps each expression to its reply entry (``{"status": "ok", "data": {...},
    "metadata": {...}}`` or an error entry).
    """
    out = []
    for expr in expressions:
        result = dict(results[expr])
        if result.get("status") == "ok":
            result = {"data": dict(result.get("data", {})),
                      "metadata": dict(result.get("metadata", {})), "status": "ok"}
        out.append({"expression": expr, "result": result})
    return out


def failed_expressions(entries: list[dict]) -> list[str]:
    """Messages for the entries of ``user_expressions`` metadata that did not evaluate."""
    return [f"{e['expression']}: {e['result'].get('ename', 'error')}: "
            f"{e['result'].get('evalue', '')}"
            for e in entries if e["result"].get("status") != "ok"]


def normalise(nb) -> None:
    """Drop run-dependent metadata in place: timing, stale expressions, odd execution counts."""
    count = 0
    for cell in nb.cells:
        for key in TIMING_KEYS:
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            if cell.get("execution_count") is not None or cell.outputs:
                count += 1
                cell.execution_count = count
                for output in cell.outputs:
                    if "execution_count" in output:
                        output["execution_count"] = count
        elif cell.cell_type == "markdown" and not eval_expressions(cell.source):
            cell.metadata.pop("user_expressions", None)


def toc_notebooks(root: Path = ROOT) -> list[Path]:
    """The chapters of ``_toc.yml`` that are notebooks, in order (parsed by
    sphinx_external_toc, the parser Jupyter Book itself uses)."""
    site_map = parse_toc_yaml(root / "_toc.yml")
    paths = [root / f"{docname}.ipynb" for docname in site_map]    # documents in toc order
    return [p for p in paths if p.exists()]


def kernel_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in UNSET_ENV}
    env.update(KERNEL_ENV)
    return env


def execute(path: Path, timeout: int = 600, kernel: str = "python3") -> list[str]:
    """Run one notebook, fill in its ``{eval}`` results and write it; return problems."""
    from jupyter_core.utils import run_sync
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel, record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    problems: list[str] = []
    with client.setup_kernel(env=kernel_env(), cwd=str(path.parent)):
        try:
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
        except CellExecutionError as exc:
            return [f"cell {index} ({cell.get('id')}) failed:\n{exc}"]
        md_cells = [(c, eval_expressions(c.source)) for c in nb.cells
                    if c.cell_type == "markdown"]
        wanted = sorted({e for _, exprs in md_cells for e in exprs})
        results: dict = {}
        if wanted:
            msg_id = client.kc.execute("", silent=True, store_history=False,
                                       user_expressions={e: e for e in wanted})
            deadline = time.monotonic() + timeout
            while True:
                reply = run_sync(client.kc.get_shell_msg)(timeout=timeout)
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
                if time.monotonic() > deadline:
                    return ["no reply to the user_expressions request"]
            results = reply["content"].get("user_expressions", {})
        for cell, exprs in md_cells:
            if exprs:
                entries = user_expressions_metadata(exprs, results)
                problems += [f"{{eval}} {m}" for m in failed_expressions(entries)]
                cell.metadata["user_expressions"] = entries
    if problems:
        return problems
    normalise(nb)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to run (default: every notebook chapter in _toc.yml)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    parser.add_argument("--kernel", default="python3")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or toc_notebooks()
    failed = 0
    for path in paths:
        start = time.perf_counter()
        problems = execute(path, timeout=args.timeout, kernel=args.kernel)
        status = "FAILED" if problems else "ok"
        print(f"{path.name}: {status} ({time.perf_counter() - start:.0f} s)", flush=True)
        for problem in problems:
            print("  " + problem.replace("\n", "\n  "))
        failed += bool(problems)
    print(f"{len(paths) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
