"""Build the lecture slides: one offline reveal.js deck per part of the lecture.

Sources: ``lectures/slides/NN_*.md``, one per part. A source is Markdown (with ``$…$`` math)
split into slides by lines ``---``; a YAML block at the top gives the deck's ``title``. In a
slide, a line ``Note:`` starts the speaker notes (reveal.js's notes: press ``s``), and two
fenced blocks draw from the package::

    ```{figure} NAME          a figure: FIGURES[NAME]() of lectures/slides/recipes.py
    :alt: what it shows        (required)
    :height: 430               display box in px (default: the rest of the slide)
    :width: 1200
    ```

    ```{widget} NAME          a slider: WIDGETS[NAME]() (a reprcourse.widgets widget),
    :alt: what it shows        its frames redrawn here at slide size, kernel-free
    ```

Links ``site:PATH`` in a slide or note point into the built site (``_build/html``).
Figures and frames come from :mod:`reprcourse.figures` at slide size: the build enlarges the
text of each figure until every text is at least 24 px on the 1280 × 720 slide, renders PNGs
at twice the displayed resolution and records every figure's smallest text size in
``manifest.json``. reveal.js 4.6.1 (``lectures/slides/_static/reveal``) and the site's
MathJax (``book/_static/mathjax``) are copied next to the decks: nothing is fetched from the
network when a deck is shown.

Usage: ``python scripts/build_slides.py [--out _build/slides] [--site _build/html [--reuse]]
[--jobs 2] [--decks 03_ista_recovery ...]``. With ``--site DIR`` the decks are also written to
``DIR/slides/``, with their links into the site resolved there; with ``--reuse`` as well
(``make book``), decks that ``make slides`` already built from the same sources (the hash
:func:`sources_key` in ``manifest.json``) are copied there instead of being built again.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import string
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "lectures" / "slides"
SLIDE_W, SLIDE_H = 1280, 720
#: Smallest text on a slide, figures included (CSS px on the 1280 × 720 slide).
MIN_TEXT_PX = 24
#: The box a figure may fill when its block gives no size: the slide less margins and heading.
DEFAULT_BOX = (1200, 560)
#: Horizontal px a kernel-free widget adds around its frame (border and padding, slides.css).
WIDGET_PAD = 24
#: Rendered pixels per displayed pixel.
OVERSAMPLE = 2


# ------------------------------------------------------------------------- parsing
def parse(path: Path) -> tuple[dict, list[dict]]:
    """``(meta, slides)`` of a source; each slide ``{"attrs", "body", "notes"}`` (Markdown)."""
    import yaml
    text = path.read_text("utf-8")
    meta = {}
    m = re.match(r"---\n(.*?)\n---\n", text, re.S)
    if m:
        meta, text = yaml.safe_load(m.group(1)) or {}, text[m.end():]
    chunks, current, fence = [], [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fence = not fence
        if line.strip() == "---" and not fence:
            chunks.append(current)
            current = []
        else:
            current.append(line)
    chunks.append(current)
    slides = []
    for lines in chunks:
        body = "\n".join(lines).strip()
        if not body:
            continue
        attrs = ""
        m = re.match(r"<!--\s*\.slide:\s*(.*?)\s*-->\n?", body)
        if m:
            attrs, body = m.group(1), body[m.end():]
        body, *notes = re.split(r"^Note:[ \t]*$", body, maxsplit=1, flags=re.M)
        notes = notes[0] if notes else ""
        slides.append({"attrs": attrs, "body": body.strip(), "notes": notes.strip()})
    return meta, slides


def markdown():
    """A CommonMark renderer with tables and ``$…$`` / ``$$…$$`` math left for MathJax."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.use(dollarmath_plugin, double_inline=True)
    md.add_render_rule("math_inline",
                       lambda self, tokens, i, o, e: r"\(" + html.escape(tokens[i].content) + r"\)")
    md.add_render_rule("math_inline_double",
                       lambda self, tokens, i, o, e: r"\[" + html.escape(tokens[i].content) + r"\]")
    md.add_render_rule("math_block_label",
                       lambda self, tokens, i, o, e: r"<div class='math'>\[" +
                       html.escape(tokens[i].content) + r"\]</div>")
    md.add_render_rule("math_block",
                       lambda self, tokens, i, o, e: r"<div class='math'>\[" +
                       html.escape(tokens[i].content) + r"\]</div>")
    return md


def directive(info: str, content: str) -> tuple[str, str, dict] | None:
    """``(kind, name, options)`` of a ```` ```{figure} NAME ```` / ```` ```{widget} NAME ```` block."""
    m = re.match(r"\{(figure|widget)\}\s+(\w+)\s*$", info.strip())
    if not m:
        return None
    opts = {}
    for line in content.splitlines():
        o = re.match(r":(\w+):\s*(.*)$", line.strip())
        if o:
            opts[o.group(1)] = o.group(2).strip()
        elif line.strip():
            raise ValueError(f"{info}: unexpected line {line!r} (options are ':name: value')")
    return m.group(1), m.group(2), opts


# ------------------------------------------------------------------------- figures
def _texts(fig):
    """Every visible, non-empty text of a drawn figure."""
    from matplotlib.text import Text
    return [t for t in fig.findobj(Text)
            if t.get_visible() and t.get_text().strip()
            and (t.axes is None or t.axes.get_visible())]


def _draw(fig):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()


def _smallest_pt(fig) -> float:
    _draw(fig)
    texts = _texts(fig)
    return min(t.get_fontsize() for t in texts) if texts else float("inf")


def fit_figure(fig, box_w: float, box_h: float, min_px: float = MIN_TEXT_PX):
    """Size ``fig`` for the slide so that its smallest text is ``min_px`` or more.

    The text keeps its size in points and the figure is made smaller in inches instead
    (at most the box at the scale where the smallest text is ``min_px``), then laid out
    again by matplotlib's constrained layout: labels, legends and titles keep their
    proportions, and nothing is pushed out of the figure. A figure with a fixed layout is
    laid out once that way and frozen again. Returns ``(px_per_inch, smallest_text_px,
    overflow_px)``: the scale of the figure on the slide, its smallest text, and how far
    (px) anything drawn sticks out of the figure.
    """
    w, h = fig.get_size_inches()
    smallest = _smallest_pt(fig)
    scale = min(box_w / w, box_h / h)                  # CSS px per inch on the slide
    need = min_px * 72 / smallest                      # px per inch for min_px text
    if scale < need:
        scale = need
        fixed = fig.get_layout_engine() is None
        if fixed:
            fig.set_layout_engine("constrained")
        fig.set_size_inches(min(w, box_w / scale), min(h, box_h / scale))
        _draw(fig)
        if fixed:
            fig.set_layout_engine("none")
    _draw(fig)
    w, h = fig.get_size_inches()
    bb = fig.get_tightbbox()
    overflow = max(0.0, -bb.x0, -bb.y0, bb.x1 - w, bb.y1 - h) * scale
    return scale, _smallest_pt(fig) * scale / 72, overflow


def render_figure(fig, box, alt, name, out_dir: Path):
    """Write ``fig`` as a PNG (2×) into ``out_dir``; the ``<img>`` and its manifest entry."""
    import matplotlib.pyplot as plt
    scale, smallest, overflow = fit_figure(fig, *box)
    w, h = fig.get_size_inches()
    path = out_dir / f"{name}.png"
    fig.savefig(path, dpi=OVERSAMPLE * scale, facecolor="white")
    plt.close(fig)
    tag = (f'<img class="rc-figure" src="figures/{path.name}" alt="{html.escape(alt)}" '
           f'width="{round(w * scale)}" height="{round(h * scale)}">')
    return tag, {"name": name, "kind": "figure", "min_text_px": round(smallest, 1),
                 "overflow_px": round(overflow),
                 "width_px": round(w * scale), "height_px": round(h * scale)}


def render_widget(make, box, alt, name):
    """A kernel-free slider drawn for the slide: ``make(figsize=..., dpi=...)`` calls a
    :mod:`reprcourse.widgets` widget in static mode with frames of ``figsize`` inches,
    chosen so that the course style's smallest text (``STYLE``, 10 pt) is ``MIN_TEXT_PX`` on
    the slide when a frame fills ``box``. The views lay themselves out for that size and
    keep their text inside the figure (tests/test_widgets_ch*.py check both)."""
    from reprcourse.figures.core import STYLE
    smallest_pt = min(v for k, v in STYLE.items() if k.endswith("size") and
                      isinstance(v, (int, float)))
    scale = MIN_TEXT_PX * 72 / smallest_pt
    box = (box[0] - WIDGET_PAD, box[1])                 # the widget's border and padding
    figsize = (box[0] / scale, box[1] / scale)
    markup = make(figsize=figsize, dpi=round(OVERSAMPLE * scale)).data
    markup = markup.replace('aria-label="Interactive figure"',
                            f'aria-label="{html.escape(alt)}"', 1)
    w, h = round(box[0]), round(box[1])
    markup = markup.replace("<img ", f'<img width="{w}" height="{h}" ', 1)
    frames = len(re.findall(r"data:image/png;base64,", markup)) - 1   # the first shown twice
    return markup, {"name": name, "kind": "widget", "min_text_px": round(MIN_TEXT_PX, 1),
                    "overflow_px": 0, "width_px": w, "height_px": h, "frames": frames}


# ------------------------------------------------------------------------- decks
def build_deck(path: Path, out: Path) -> dict:
    """Render one source into ``out/<stem>.html`` (+ figures); its manifest entry."""
    import matplotlib
    matplotlib.use("Agg")
    sys.path.insert(0, str(SRC))
    import recipes
    from reprcourse.figures import course_style
    t0 = time.perf_counter()
    meta, slides = parse(path)
    md = markdown()
    default_fence = md.renderer.rules["fence"]
    fig_dir = out / "figures"
    fig_dir.mkdir(parents=True, exist_ok=True)
    entries, sections = [], []
    for k, slide in enumerate(slides):
        blocks = {}

        def fence(self, tokens, i, options, env, _blocks=blocks):
            tok = tokens[i]
            found = directive(tok.info, tok.content)
            if found is None:
                return default_fence(tokens, i, options, env)
            kind, name, opts = found
            if not opts.get("alt"):
                raise ValueError(f"{path.name}, slide {k + 1}: {kind} {name} has no :alt:")
            box = (float(opts.get("width", DEFAULT_BOX[0])),
                   float(opts.get("height", DEFAULT_BOX[1])))
            stem = f"{path.stem}--{name}"
            kwargs = {key[4:]: float(v) for key, v in opts.items() if key.startswith("fig_")}
            with course_style():                      # the chapters' figure style
                if kind == "figure":
                    markup, entry = render_figure(recipes.FIGURES[name](**kwargs), box,
                                                  opts["alt"], stem, fig_dir)
                else:
                    markup, entry = render_widget(recipes.WIDGETS[name], box, opts["alt"],
                                                  stem)
            entry["slide"] = k + 1
            entries.append(entry)
            key = f"@@BLOCK{len(_blocks)}@@"
            _blocks[key] = f'<div class="rc-{kind}-box">{markup}</div>'
            return key

        md.add_render_rule("fence", fence)
        body = md.render(slide["body"])
        for key, markup in blocks.items():
            body = body.replace(f"<p>{key}</p>", markup).replace(key, markup)
        notes = md.render(slide["notes"]) if slide["notes"] else ""
        aside = f'\n<aside class="notes">\n{notes}</aside>' if notes else ""
        attrs = f" {slide['attrs']}" if slide["attrs"] else ""
        sections.append(f"<section{attrs}>\n{body}{aside}\n</section>")
    template = string.Template((SRC / "_templates" / "deck.html").read_text("utf-8"))
    page = template.substitute(title=html.escape(meta.get("title", path.stem)),
                               slides="\n\n".join(sections))
    (out / f"{path.stem}.html.in").write_text(page, "utf-8")
    return {"deck": path.stem, "title": meta.get("title", path.stem),
            "minutes": meta.get("minutes"), "slides": len(sections), "figures": entries,
            "seconds": round(time.perf_counter() - t0, 1)}


def _worker(args):
    path, out = args
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    return build_deck(Path(path), Path(out))


def heading_anchors(page: str) -> set[str]:
    """The anchors Jupyter Book gives the headings (levels 1-3) of ``book/<page>.ipynb``
    (myst's slugs of the heading text without its math), plus ``""`` for the page itself."""
    import json as _json
    path = ROOT / "book" / (Path(page).stem + ".ipynb")
    if not path.exists():
        return set()
    anchors = {""}
    for cell in _json.loads(path.read_text("utf-8"))["cells"]:
        if cell["cell_type"] == "markdown":
            for m in re.finditer(r"^#{1,3} (.*)$", "".join(cell["source"]), re.M):
                text = re.sub(r"\$[^$]*\$", "", m.group(1).strip()).lower().replace(" ", "-")
                anchors.add(re.sub(r"[^\w\-]", "", text))
    return anchors


def check_links(out: Path, manifest: list[dict]) -> list[str]:
    """``site:book/...`` links whose page or heading anchor does not exist."""
    bad = []
    for d in manifest:
        page = (out / f"{d['deck']}.html.in").read_text("utf-8")
        for target in re.findall(r'href="site:([^"]*)"', page):
            path, _, anchor = target.partition("#")
            anchor = unquote(anchor)
            if not path.startswith("book/") or anchor not in heading_anchors(path):
                bad.append(f"{d['deck']}: site:{target}")
    return bad


def write_site(out: Path, manifest: list[dict], site_prefix: str):
    """Final HTML of every deck (``site:`` links resolved) and the index page."""
    for d in manifest:
        page = (out / f"{d['deck']}.html.in").read_text("utf-8")
        page = re.sub(r'href="site:', f'href="{site_prefix}', page)
        (out / f"{d['deck']}.html").write_text(page, "utf-8")
    rows = "\n".join(
        f'<li><a href="{d["deck"]}.html">{html.escape(d["title"])}</a> '
        f'<span class="meta">{d["slides"]} slides'
        f'{", ≈ %s min" % d["minutes"] if d["minutes"] else ""}</span></li>' for d in manifest)
    template = string.Template((SRC / "_templates" / "index.html").read_text("utf-8"))
    (out / "index.html").write_text(template.substitute(decks=rows, site=site_prefix), "utf-8")


def copy_static(out: Path):
    static = out / "_static"
    if static.exists():
        shutil.rmtree(static)
    shutil.copytree(SRC / "_static", static)
    shutil.copytree(ROOT / "book" / "_static" / "mathjax", static / "mathjax")


def sources_key() -> str:
    """A hash of everything a deck is built from: the slide sources, templates and vendored
    files, this script, the package's code and shipped weights, and the chapters' headings
    (the targets of the ``site:`` links). Equal keys give the same decks."""
    import hashlib
    digest = hashlib.sha256()
    files = sorted([*SRC.rglob("*"), Path(__file__).resolve(),
                    *(ROOT / "reprcourse").rglob("*.py"), *(ROOT / "reprcourse").rglob("*.pt")])
    for path in files:
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        digest.update(path.name.encode())
        digest.update(" ".join(sorted(heading_anchors(path.name))).encode())
    return digest.hexdigest()


def reuse(out: Path, site: Path, key: str) -> bool:
    """Copy the decks of ``out`` into ``site/slides`` (links into the site resolved there) if
    ``out`` holds all six decks built from sources with hash ``key``; else do nothing."""
    manifest = out / "manifest.json"
    if not manifest.exists():
        return False
    info = json.loads(manifest.read_text("utf-8"))
    if info.get("sources") != key or info.get("partial", True):
        return False
    target = site.resolve() / "slides"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(out, target)
    for page in target.glob("*.html"):          # decks and index: "../html/X" -> "../X"
        text = page.read_text("utf-8")
        page.write_text(text.replace('href="../html/', 'href="../'), "utf-8")
    print(f"{len(info['decks'])} decks, {info['slides']} slides: {out} is up to date with "
          f"the sources, copied to {target}")
    return True


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "slides")
    parser.add_argument("--site", type=Path, default=None,
                        help="also write the decks to SITE/slides (links into SITE resolved)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--decks", nargs="*", default=None, help="stems of the decks to build")
    parser.add_argument("--reuse", action="store_true",
                        help="with --site: if OUT already holds every deck built from the "
                             "current sources (make slides), copy it instead of building")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    sources = sorted(SRC.glob("[0-9][0-9]_*.md"))
    if args.decks:
        sources = [p for p in sources if p.stem in args.decks]
    out = args.out.resolve()
    key = sources_key()
    if args.reuse and args.site is not None and not args.decks and reuse(out, args.site, key):
        return 0
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    copy_static(out)
    jobs = [(str(p), str(out)) for p in sources]
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            manifest = list(pool.map(_worker, jobs))
    else:
        manifest = [_worker(j) for j in jobs]
    bad_links = check_links(out, manifest)
    # the decks sit in _build/slides next to the site in _build/html
    write_site(out, manifest, "../html/")
    small = [f"{d['deck']}: {f['name']} ({f['min_text_px']} px text, "
             f"{f['overflow_px']} px outside the figure)" for d in manifest
             for f in d["figures"] if f["min_text_px"] < MIN_TEXT_PX - 0.5 or f["overflow_px"] > 2]
    total = sum(d["slides"] for d in manifest)
    info = {"decks": manifest, "slides": total, "min_text_px": MIN_TEXT_PX,
            "seconds": round(time.perf_counter() - t0, 1), "sources": key,
            "partial": bool(args.decks)}
    (out / "manifest.json").write_text(json.dumps(info, indent=1, ensure_ascii=False), "utf-8")
    if args.site is not None:
        target = args.site.resolve() / "slides"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(out, target)
        write_site(target, manifest, "../")
        for p in target.glob("*.html.in"):
            p.unlink()
    for p in out.glob("*.html.in"):
        p.unlink()
    for d in manifest:
        print(f"{d['deck']:28s} {d['slides']:3d} slides  {len(d['figures']):2d} figures  "
              f"{d['seconds']:5.1f} s")
    print(f"{len(manifest)} decks, {total} slides in {info['seconds']:.0f} s -> {out}"
          + (f" and {args.site / 'slides'}" if args.site else ""))
    if bad_links:
        print("links to no chapter heading: " + "; ".join(bad_links), file=sys.stderr)
    if small:
        print("text below 24 px or cut off in: " + "; ".join(small), file=sys.stderr)
    # Layout problems are reported (and fail `make slides-check`), not fatal here, so that
    # `make book` never fails on a slide; a broken link into the site is fatal.
    return 1 if bad_links else 0


if __name__ == "__main__":
    sys.exit(main())
