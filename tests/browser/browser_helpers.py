"""What the browser tests share (tests/browser): the site's pages, localhost, code-block overflow,
the kernel-free widget check, and the pure classifiers of what JupyterLab shows (raw MyST,
errors, prompts). The pure parts are tested without a browser in tests/test_lab_check.py.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from sphinx_external_toc.parsing import parse_toc_yaml

ROOT = Path(__file__).resolve().parents[2]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def is_local(url: str) -> bool:
    """Whether a request stays on this machine (``data:``/``blob:`` URLs included)."""
    parsed = urlparse(url)
    if parsed.scheme in ("data", "blob", "about", "javascript"):
        return True
    return parsed.hostname in LOCAL_HOSTS


def record_offsite(target) -> list[str]:
    """Block every request of ``target`` (a Page or BrowserContext) that would leave this
    machine; returns the list their URLs are appended to, in order."""
    found: list[str] = []

    def guard(route):
        if is_local(route.request.url):
            route.fallback()
        else:
            found.append(route.request.url)
            route.abort()

    target.route("**/*", guard)
    return found


@dataclass
class Visit:
    """One page opened in its own browser context, with what it logged since."""

    page: object
    url: str
    name: str
    errors: list[str] = field(default_factory=list)     # console errors, exceptions, HTTP
    offsite: list[str] = field(default_factory=list)


def toc_documents(toc_path) -> list[str]:
    """Every document of a Jupyter Book ``_toc.yml`` in reading order (as sphinx_external_toc
    parses it: relative to the book's root, no suffix)."""
    return list(parse_toc_yaml(Path(toc_path)))


def looks_like_file_name(alt: str | None) -> bool:
    """An alt text that is only a file name or path (``../_images/3f2a.png``)."""
    alt = (alt or "").strip()
    return bool(re.fullmatch(r"[\w./-]*\.(png|jpe?g|gif|svg|webp)", alt, re.I)
                or alt.startswith(("../_images", "_images/")))


# Elements wider inside than their box: scrollWidth > clientWidth + 1 (hidden ones measure 0).
OVERFLOW_JS = r"""(selector) => {
  const found = [];
  for (const el of new Set(document.querySelectorAll(selector))) {
    const px = el.scrollWidth - el.clientWidth;
    if (el.clientWidth === 0 || px <= 1) continue;
    const lines = (el.innerText || el.textContent).split("\n");
    const first = lines.find(l => l.trim()) || "";
    const widest = lines.reduce((a, b) => (b.length > a.length ? b : a), "");
    found.push({first: first.trim().slice(0, 90), widest: widest.trim().slice(0, 90), px,
                overflow: getComputedStyle(el).overflowX});
  }
  return found;
}"""


def overflowing(page, selector: str, open_collapsed: bool = True) -> list[dict]:
    """Blocks matching ``selector`` whose content is wider than their box: dicts with the
    block's ``first`` line, its ``widest`` line, the overflow ``px`` and CSS ``overflow``-x.
    Collapsed ``<details>`` (hidden cells, answers) are opened first unless told not to."""
    if open_collapsed:
        page.evaluate("() => document.querySelectorAll('details')"
                      ".forEach(d => { d.open = true; })")
    return page.evaluate(OVERFLOW_JS, selector)


def describe_overflow(blocks: list[dict], most: int = 5) -> list[str]:
    """One line per overflowing block (at most ``most``, then a count of the rest)."""
    lines = [f"+{b['px']} px: {b['first']!r}"
             + (f" (widest line {b['widest']!r})" if b["widest"] != b["first"] else "")
             for b in blocks[:most]]
    if len(blocks) > most:
        lines.append(f"... and {len(blocks) - most} more")
    return lines


def static_widget_problems(page, root: str = "") -> tuple[int, list[str]]:
    """Move every control of every kernel-free widget (``.rc-widget`` under ``root``) with the
    keyboard (sliders) or by choosing another option (menus), as a reader would; returns
    ``(number of widgets, problems)``: a control that did not move or a frame that stayed."""
    problems = []
    widgets = page.locator(f"{root} .rc-widget".strip())
    for w in range(widgets.count()):
        widget = widgets.nth(w)
        img = widget.locator("img")
        sliders = widget.locator("input[type=range]")
        if img.count() != 1 or sliders.count() + widget.locator("select").count() == 0:
            problems.append(f"widget {w}: expected one <img> and at least one control")
            continue
        for s in range(sliders.count()):
            slider = sliders.nth(s)
            if slider.get_attribute("max") == "0":
                continue                      # a single value: nothing to move
            widget.scroll_into_view_if_needed()
            before_src, before_value = img.get_attribute("src"), slider.input_value()
            slider.focus()
            page.keyboard.press("ArrowLeft" if before_value == slider.get_attribute("max")
                                else "ArrowRight")
            if slider.input_value() == before_value:
                problems.append(f"widget {w} slider {s}: the keyboard did not move it")
            elif img.get_attribute("src") == before_src:
                problems.append(f"widget {w} slider {s}: moving it did not change the frame")
        menus = widget.locator("select[data-rc-param]")
        for s in range(menus.count()):
            menu = menus.nth(s)
            if menu.locator("option").count() < 2:
                continue
            widget.scroll_into_view_if_needed()
            before_src, before_value = img.get_attribute("src"), menu.input_value()
            menu.select_option(index=0 if before_value != "0" else 1)
            if img.get_attribute("src") == before_src:
                problems.append(f"widget {w} menu {s}: another option did not change the frame")
    return widgets.count(), problems


# --- what the page shows, classified here (pure functions; tests/test_lab_check.py) ----------

PROMPT_DONE = re.compile(r"^\[\d+\]:?$")
# An exception as IPython prints it; a warning's line starts with the file name, not the class.
ERROR_TEXT = re.compile(r"Traceback \(most recent call last\)|^\s*[\w.]*(Error|Exception)\b",
                        re.M)
# A role left raw: {name} or {domain:name}, not TeX (\mathbf{x}, x^{2}, a_{i}, }{) and not the
# name of a directive fence (counted as a directive).
ROLE = re.compile(r"(?<![\w\\^_}:`~])\{([a-z][\w-]*(?::[\w-]+)*)\}")
DIRECTIVE = re.compile(r"^\s*(?:```+|~~~+|:::+)\s*\{[a-z]", re.M)
OPTION = re.compile(r"^\s*:([a-z][\w-]*):(?=\s|$)", re.M)
GLUE_CALL = re.compile(r"""\bglue\(\s*["']([^"'{}]+)["']""")
GLUE_ROLE = re.compile(r"\{glue(?::\w+)?\}`([^`:]+)")
BIB_KEY = re.compile(r"^@\w+\s*\{\s*([^,\s]+)\s*,", re.M)


def prompt_counts(prompts: list[str]) -> tuple[int, int]:
    """``(ran, total)`` of code cells from their prompts (``[3]:`` ran; ``[ ]:``, ``[*]:`` not)."""
    return sum(bool(PROMPT_DONE.match(p.strip())) for p in prompts), len(prompts)


def is_error_output(text: str) -> bool:
    """Whether a stderr output shows an exception (a traceback), not a warning or progress."""
    return bool(ERROR_TEXT.search(text))


def glue_keys(notebook: dict) -> set[str]:
    """Glue names of a notebook: glued by a code cell (``glue("name", ...)``) or pasted by a
    Markdown cell (``{glue:text}`name:.2f```)."""
    keys = set()
    for cell in notebook.get("cells", []):
        pattern = GLUE_CALL if cell.get("cell_type") == "code" else GLUE_ROLE
        keys.update(k.strip() for k in pattern.findall("".join(cell.get("source", ""))))
    return keys


def bib_keys(bibtex: str) -> set[str]:
    """Citation keys of a BibTeX file."""
    return set(BIB_KEY.findall(bibtex))


def raw_myst(cell: dict, glue: set[str] = frozenset(), bib: set[str] = frozenset()) -> Counter:
    """Raw MyST in one rendered Markdown cell, counted by kind.

    ``cell`` is what the page shows: ``prose`` (the rendered text without math and code),
    ``fenced`` (the text of each code block whose language is a ``{directive}``: how plain
    Markdown shows a backtick directive) and ``unresolved`` (``[kind, text]`` for what the MyST
    renderer marks as a citation, ``cite?``, or reference, ``ref?``, it could not find).
    Kinds: ``{name}`` for each role, ``directive``, ``option``, ``cite?``, ``ref?``, ``glue key``
    and ``bib key``. Code blocks are not searched for roles: an f-string is not a role.
    """
    prose, fenced = cell.get("prose", ""), cell.get("fenced", [])
    found = Counter(f"{{{name}}}" for name in ROLE.findall(prose))
    found["directive"] = len(fenced) + len(DIRECTIVE.findall(prose))
    found["option"] = sum(len(OPTION.findall(text)) for text in [prose, *fenced])
    found.update(kind for kind, _ in cell.get("unresolved", []))
    for kind, keys in (("glue key", glue), ("bib key", bib)):
        found[kind] = sum(len(re.findall(rf"(?<![\w-]){re.escape(k)}(?![\w-])", prose))
                          for k in keys)
    return +found


def format_counts(counts: Counter) -> str:
    return ", ".join(f"{k}×{n}" for k, n in sorted(counts.items(), key=lambda kv: -kv[1])) or "0"

