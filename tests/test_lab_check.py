"""The pure parts of the browser tests (tests/browser/browser_helpers.py): no browser, no
JupyterLab."""

import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "browser"))

import browser_helpers as lab_check  # noqa: E402
import browser_helpers as browser  # noqa: E402


def test_prompt_counts():
    assert lab_check.prompt_counts(["[1]:", "[12]:", "[ ]:", "[*]:", ""]) == (2, 5)


def test_error_outputs_are_tracebacks_not_warnings_or_progress_bars():
    is_error = lab_check.is_error_output
    traceback = ("---------------------------------------------------------------------------\n"
                 "ValueError                                Traceback (most recent call last)\n"
                 "Cell In[4], line 1\n----> 1 raise ValueError('boom')\n\nValueError: boom")
    assert is_error(traceback)
    assert is_error("  Cell In[1], line 1\n    x = (\n        ^\nSyntaxError: incomplete input")
    assert not is_error("/tmp/ipykernel_1/2.py:2: UserWarning: careful, an Error word\n"
                        "  warnings.warn('careful, an Error word')\n")
    assert not is_error("100%|██████████| 3/3 [00:00<00:00, 135.56it/s]")


def test_glue_and_bib_keys():
    nb = {"cells": [
        {"cell_type": "code", "source": ['glue("ch2_supports", s, display=False)\n',
                                         "glue('ch2_lambda', lam)"]},
        {"cell_type": "code", "source": 'glue(f"ch2_L_{name}", L)'},
        {"cell_type": "markdown", "source": 'glue("not_code", 1) {glue:text}`ch2_L_DCT:.2f`'
                                            " and {glue}`ch2_plain`"}]}
    assert lab_check.glue_keys(nb) == {"ch2_supports", "ch2_lambda", "ch2_L_DCT", "ch2_plain"}
    bib = "@article{pearson1901,\n title={On lines},\n}\n@misc{ risteski2021lecture ,\n}"
    assert lab_check.bib_keys(bib) == {"pearson1901", "risteski2021lecture"}


def test_raw_myst_counts_each_kind():
    # How plain JupyterLab shows MyST: roles as text (their argument in <code>, left out of the
    # prose), a colon fence as a paragraph, a backtick fence as a code block whose language is
    # "{prf:theorem}" (its text in ``fenced``).
    cell = {"prose": "see {cite}\n and {glue:text}\n.\n"
                     ":::{admonition} Think!\n:class: tip\nText.\n:::",
            "fenced": [":label: thm-1\nBody.\n"], "unresolved": []}
    counts = lab_check.raw_myst(cell, glue={"ch2_x"}, bib={"olshausen1996"})
    assert counts == {"{cite}": 1, "{glue:text}": 1, "directive": 2, "option": 2}


def test_raw_myst_bare_keys_and_unresolved_marks():
    # How jupyterlab-myst shows what it cannot resolve: a glue key as plain text, a citation
    # and a reference in a span marked "Not Found" (left out of the prose by the page script).
    cell = {"prose": "sparsity ch2_supports, and ch2_supports:.0f again; pearson1901",
            "fenced": [], "unresolved": [["cite?", "olshausen1996"], ["ref?", "sec-x"]]}
    counts = lab_check.raw_myst(cell, glue={"ch2_supports"}, bib={"pearson1901"})
    assert counts == {"glue key": 2, "bib key": 1, "cite?": 1, "ref?": 1}


def test_raw_myst_ignores_tex_and_clean_prose():
    cell = {"prose": r"$\mathbf{x}_{i}$ and x^{2} and \frac{a}{b}; sets {1, 2}; a dict {}; "
                     "a clean sentence about pearson and supports_x", "fenced": [],
            "unresolved": []}
    assert not lab_check.raw_myst(cell, glue={"supports"}, bib={"pearson1901"})


def test_format_counts():
    from collections import Counter
    assert lab_check.format_counts(Counter({"{cite}": 2, "option": 5})) == "option×5, {cite}×2"
    assert lab_check.format_counts(Counter()) == "0"


def test_toc_documents_and_site_pages(tmp_path):
    toc = tmp_path / "_toc.yml"
    toc.write_text("format: jb-book\nroot: book/intro\nparts:\n  - caption: C\n    chapters:\n"
                   "      - file: book/00_a\n      - file: lectures/index\n        sections:\n"
                   "          - file: lectures/01_b\n")
    assert browser.toc_documents(toc) == ["book/intro", "book/00_a", "lectures/index",
                                          "lectures/01_b"]


def test_is_local():
    assert browser.is_local("http://127.0.0.1:8888/lab")
    assert browser.is_local("data:image/png;base64,AAAA")
    assert not browser.is_local("https://example.org/x.js")


def test_file_name_alt_texts():
    assert browser.looks_like_file_name("../_images/3f2a9c.png")
    assert browser.looks_like_file_name("figure_02.PNG")
    assert not browser.looks_like_file_name("Figure for λ = 0.1")
    assert not browser.looks_like_file_name("")


def test_describe_overflow_caps_the_list():
    blocks = [{"first": f"line {i}", "widest": f"line {i}", "px": 10 + i, "overflow": "auto"}
              for i in range(7)]
    lines = browser.describe_overflow(blocks, most=3)
    assert lines[0] == "+10 px: 'line 0'"
    assert lines[-1] == "... and 4 more" and len(lines) == 4


ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("path", sorted((ROOT / "book").glob("*.ipynb")), ids=lambda p: p.stem)
def test_chapters_use_only_roles_jupyterlab_resolves(path):
    """jupyterlab-myst resolves ``{eval}`` and ``{math}`` but has no bibliography and no glue:
    a ``{cite}`` or ``{glue}`` role left in a chapter shows as a red "not found" mark there."""
    cells = json.loads(path.read_text())["cells"]
    roles = {name for cell in cells if cell["cell_type"] == "markdown"
             for name in re.findall(r"\{(cite[\w:]*|glue[\w:]*)\}`", "".join(cell["source"]))}
    assert not roles, f"{path.name} uses {sorted(roles)}"
