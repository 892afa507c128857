"""Every figure a chapter shows is described in words (issue 25, WCAG 1.1.1).

A code cell whose stored outputs hold an image (PNG or SVG) needs cell metadata
``{"mystnb": {"image": {"alt": "..."}}}``: myst-nb writes it as the image's alt text on the site
(otherwise the alt is the file name, ``../_images/<hash>.png``). The description says what
the figure shows and what to take from it, in at least eight words. The kernel-free widgets'
frames (an ``<img>`` in an HTML output) carry their own alt text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from sphinx_external_toc.parsing import parse_toc_yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = [ROOT / f"{doc}.ipynb" for doc in parse_toc_yaml(ROOT / "_toc.yml")
            if (ROOT / f"{doc}.ipynb").is_file()]
IMAGE_TYPES = ("image/png", "image/svg+xml")
MIN_WORDS = 8


def is_file_name(text: str) -> bool:
    text = text.strip()
    return bool(re.fullmatch(r"[\w./-]*\.(png|jpe?g|gif|svg|webp)", text, re.I)
                or "_images/" in text or text.lower().endswith(".png"))


def description_problem(alt) -> str | None:
    """Why ``alt`` is not a description, or None when it is one."""
    if not isinstance(alt, str) or not alt.strip():
        return "no mystnb.image.alt"
    if is_file_name(alt):
        return f"a file name, not a description: {alt!r}"
    if len(alt.split()) < MIN_WORDS:
        return f"fewer than {MIN_WORDS} words: {alt!r}"
    return None


class _ImgAlts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.alts: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.alts.append(dict(attrs).get("alt"))


def html_img_alts(html: str) -> list[str | None]:
    parser = _ImgAlts()
    parser.feed(html)
    return parser.alts


def test_the_rules_themselves():
    assert description_problem(None) == "no mystnb.image.alt"
    assert description_problem("../_images/3fa2.png").startswith("a file name")
    assert description_problem("fig_02.png").startswith("a file name")
    assert description_problem("Convergence of ISTA").startswith("fewer than")
    assert description_problem("Objective gap against iteration on a log scale: FISTA "
                               "reaches 1e-6 in 80 steps, ISTA needs 600.") is None
    assert html_img_alts('<div><img alt="Figure for λ = 0.1" src="data:..."><img src=x></div>'
                         ) == ["Figure for λ = 0.1", None]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_figure_cell_has_a_description(path):
    nb = nbformat.read(path, as_version=4)
    missing = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        outputs = cell.get("outputs", [])
        if any(t in out.get("data", {}) for out in outputs for t in IMAGE_TYPES):
            alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt")
            problem = description_problem(alt)
            if problem:
                first = next((ln for ln in cell.source.splitlines() if ln.strip()), "")
                missing.append(f"cell {i} ({first[:50]!r}): {problem}")
        for out in outputs:
            html = out.get("data", {}).get("text/html", "")
            html = "".join(html) if isinstance(html, list) else html
            for alt in html_img_alts(html):
                if not (alt or "").strip() or is_file_name(alt):
                    missing.append(f"cell {i}: an HTML <img> with alt {alt!r}")
    assert missing == [], (f"{path.name}: {len(missing)} figure(s) without a description "
                           "(cell metadata mystnb.image.alt, ≥ 8 words):\n" + "\n".join(missing))
