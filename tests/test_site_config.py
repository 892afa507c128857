"""Fast checks of the Jupyter Book configuration: offline, consistent, complete.

The slow, real check is ``make site-check`` (build, serve, open in headless Chromium); these
catch the usual ways an offline site silently breaks before anyone builds it.
"""

import re
from pathlib import Path

import nbformat
import pytest
import yaml
from jupyter_book.config import get_final_config
from sphinx.util.matching import Matcher
from sphinx_external_toc.parsing import parse_toc_yaml

ROOT = Path(__file__).resolve().parents[1]

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
STATIC = ROOT / "book" / "_static"
LECTURES = ["01_unsupervised_tasks", "02_sparse_coding", "03_ista_recovery",
            "04_dictionary_learning", "05_autoencoders", "06_vae"]


def toc_files():
    return list(parse_toc_yaml(ROOT / "_toc.yml"))


def resolve(doc):
    """The source file of a toc entry (``book/intro`` -> ``book/intro.md``), or None."""
    found = [p for p in (ROOT / f"{doc}.md", ROOT / f"{doc}.ipynb") if p.is_file()]
    return found[0] if len(found) == 1 else None


@pytest.fixture(scope="module")
def sphinx_config():
    """The Sphinx configuration Jupyter Book derives from _config.yml (what the build uses)."""
    config, _ = get_final_config(user_yaml=ROOT / "_config.yml",
                                 cli_config={"latex_individualpages": False}, sourcedir=ROOT)
    return config


def strings(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)
    elif node is not None:
        yield str(node)


@pytest.mark.parametrize("doc", toc_files())
def test_every_toc_entry_has_exactly_one_source_file(doc):
    assert resolve(doc) is not None, f"_toc.yml lists {doc!r}: need exactly one of .md/.ipynb"


def test_every_page_under_book_and_lectures_is_in_the_toc():
    # only_build_toc_files silently drops a page missing from the toc
    listed = {resolve(d) for d in toc_files()}
    pages = [p for folder in ("book", "lectures") for p in (ROOT / folder).glob("*")
             if p.suffix in (".md", ".ipynb")]
    assert [p.name for p in pages if p not in listed] == []


def test_lecture_pages_follow_the_lecture_and_link_into_the_chapters():
    lectures = [d for d in toc_files() if d.startswith("lectures/") and d != "lectures/slides"]
    assert lectures == ["lectures/index"] + [f"lectures/{name}" for name in LECTURES]
    for name in LECTURES:
        text = (ROOT / "lectures" / f"{name}.md").read_text()
        assert re.search(r"\.\./book/\d\w*", text), f"lectures/{name}.md links to no chapter"


def test_build_settings_make_failures_fail(sphinx_config):
    assert CONFIG["only_build_toc_files"] is True
    # "inline" re-runs every chapter, like "force", and evaluates the {eval} roles in the prose
    assert CONFIG["execute"]["execute_notebooks"] == "inline"
    assert CONFIG["execute"]["allow_errors"] is False
    assert sphinx_config["nb_execution_raise_on_error"] is True
    assert "-W" in (ROOT / "Makefile").read_text().split("\nbook:")[1].split("\n\n")[0]


def test_extensions_for_proofs_exercises_and_bibliography(sphinx_config):
    extensions = sphinx_config["extensions"]
    for ext in ("sphinx_proof", "sphinx_exercise", "sphinxcontrib.bibtex", "myst_nb",
                "sphinx_togglebutton", "sphinx_external_toc"):
        assert ext in extensions
    assert "sphinx_thebe" not in extensions
    assert [Path(b) for b in sphinx_config["bibtex_bibfiles"]] == [Path("references.bib")]
    assert "{bibliography}" in (ROOT / "book" / "references.md").read_text()


def test_no_network_address_in_the_configuration(sphinx_config):
    for value in strings(CONFIG):
        assert "://" not in value, f"_config.yml names a network address: {value!r}"
    # the settings whose defaults point at a CDN are overridden with local files
    assert "://" not in sphinx_config["mathjax_path"]
    for path, attrs in sphinx_config["nb_ipywidgets_js"].items():
        assert "://" not in path and all("://" not in str(v) for v in attrs.values())


def test_no_launch_buttons_to_online_services():
    launch = CONFIG["launch_buttons"]
    assert launch["thebe"] is False
    assert all(not launch.get(key) for key in ("binderhub_url", "jupyterhub_url", "colab_url",
                                               "deepnote_url"))
    assert not CONFIG["repository"]["url"]


def test_vendored_assets_exist_with_their_licences(sphinx_config):
    static = [ROOT / p for p in sphinx_config["html_static_path"]]
    assert static == [STATIC]
    assert not (ROOT / "_static").exists(), "a root _static/ is injected into every page"
    assert (STATIC / sphinx_config["mathjax_path"]).is_file()
    scripts = list(sphinx_config["nb_ipywidgets_js"])
    assert scripts[0] == "reprcourse-widgets-shim.js"      # before require.js and the embedder
    for script in scripts:
        assert (STATIC / script).is_file(), script
    # MathJax loads its fonts and TeX extensions (e.g. \boldsymbol) on demand
    assert list((STATIC / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))
    assert (STATIC / "mathjax" / "input" / "tex" / "extensions" / "boldsymbol.js").is_file()
    # the embedder's widget fonts, next to it
    assert list((STATIC / "html-manager").glob("*.woff2"))
    for folder in ("mathjax", "html-manager", "requirejs"):
        assert (STATIC / folder / "LICENSE").is_file(), folder
    assert (STATIC / "VENDORED.txt").is_file()


def test_exclude_patterns_do_not_drop_vendored_files(sphinx_config):
    # Sphinx applies exclude_patterns to static files too: a broad pattern drops assets and
    # the build still succeeds.
    matcher = Matcher(sphinx_config["exclude_patterns"])
    dropped = [p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*")
               if p.is_file() and matcher(p.relative_to(STATIC).as_posix())]
    assert dropped == []


def test_widget_shim_configures_local_assets_and_mathjax2_api():
    shim = (STATIC / "reprcourse-widgets-shim.js").read_text()
    assert "__jupyter_widgets_assets_path__" in shim
    assert '"@jupyter-widgets/html-manager/dist"' in shim
    assert "Hub" in shim and "typesetPromise" in shim
    assert "://" not in re.sub(r"/\*.*?\*/", "", shim, flags=re.S)


# A line inside $...$ (or inside a $$...$$ that continues a paragraph) that starts like a
# block — "+ x", "- x", "> x", "1. x" — is read by the site's Markdown parser as a list or a
# quote before the math is found, and the page shows raw TeX. JupyterLab extracts the math
# first, so the notebook looks fine there. A $$ block after a blank line is safe.
BLOCK_START = re.compile(r"\n {0,3}(?:[-+*>]|\d{1,9}[.)])(?:[ \t]|$)", re.M)
MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n](?:[^$]|\n)*?\$", re.S)
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*(\S*)")


def strip_code(text):
    """Blank out code blocks and inline code; keep the Markdown inside directives."""
    out, code_fence, directives = [], None, []
    for line in text.split("\n"):
        m = FENCE.match(line)
        if code_fence:
            if m and m.group(1).startswith(code_fence) and not m.group(2):
                code_fence = None
            out.append("")
        elif m and m.group(2).startswith("{"):
            directives.append(m.group(1))
            out.append("")
        elif m and not m.group(2) and directives and m.group(1).startswith(directives[-1]):
            directives.pop()
            out.append("")
        elif m:
            code_fence = m.group(1)
            out.append("")
        else:
            out.append(re.sub(r"`[^`]*`", "``", line))
    return "\n".join(out)


def broken_math(text):
    text = strip_code(text)
    found = []
    for m in MATH.finditer(text):
        before = text[:m.start()].split("\n")
        display_block = (m.group(0).startswith("$$") and not before[-1].strip()
                         and (len(before) == 1 or not before[-2].strip()))
        if not display_block and BLOCK_START.search(m.group(0)):
            found.append(m.group(0)[:60])
    return found


def markdown_sources():
    for folder in ("book", "lectures"):
        for path in sorted((ROOT / folder).glob("*.md")):
            yield path.relative_to(ROOT).as_posix(), path.read_text()
        for path in sorted((ROOT / folder).glob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            for i, cell in enumerate(nb.cells):
                if cell.cell_type == "markdown":
                    yield f"{path.relative_to(ROOT).as_posix()} cell {i}", cell.source


def test_math_lint_finds_the_known_failure_modes():
    assert broken_math("a $x\n+ y$ b")
    assert broken_math("a\n$$\nx\n> y\n$$\nb")              # $$ continuing a paragraph
    assert broken_math("```{prf:proof}\nso $a\n> b$\n```")     # inside a directive
    assert broken_math("$a\n1. b$")
    assert not broken_math("a\n\n$$\nx\n- y\n$$\nb")           # a $$ block is safe
    assert not broken_math("a $x + y$ b\n- item $z$")
    assert not broken_math("```python\n$ x\n- y $\n```")
    assert not broken_math("prices `$5` and `$6\n`")


def test_no_wrapped_math_line_starts_like_a_list_or_quote():
    found = [(where, bad) for where, text in markdown_sources() for bad in broken_math(text)]
    assert found == [], ("rewrap so that no line inside the math starts with +, -, *, > or "
                         f"'1.' (or leave blank lines around $$ blocks): {found}")


def test_accessibility_settings(sphinx_config):
    """Issue 25: formulas out of the tab order, the fixes script loaded, the search button's
    template override found, axe-core vendored for the browser tests with its licence."""
    settings = sphinx_config["mathjax3_config"]["options"]["menuOptions"]["settings"]
    assert settings["inTabOrder"] is False
    assert "reprcourse-a11y.js" in sphinx_config["html_js_files"]
    templates = [ROOT / p for p in sphinx_config["templates_path"]]
    assert (templates[0] / "search-button-field.html").is_file()
    axe = ROOT / "tests" / "browser" / "vendor" / "axe-core"
    assert (axe / "axe.min.js").read_text()[:20].startswith("/*! axe v4.14.1")
    assert (axe / "LICENSE").is_file()
