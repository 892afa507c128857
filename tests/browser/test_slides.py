"""The lecture decks in headless Chromium at 1280 × 720, as a class would see them.

For every deck of ``_build/slides`` (``make slides``): reveal.js is running
(``Reveal.isReady()``), every slide fits the 1280 × 720 slide (nothing cut off at the bottom
or the right; each slide is visited and measured), no text is below 24 px, the math is
typeset by the vendored MathJax (no raw TeX, no MyST left), every image loads and has an alt
text, every slide has speaker notes that link a chapter section, no console error, no request
off 127.0.0.1, and every kernel-free slider swaps its frame when it moves. One screenshot per
slide goes to ``_build/slides-check``. ``make slides-check`` builds the decks and runs this.
"""

from __future__ import annotations

import json
import re

import pytest

from _slides_fixtures import ROOT, open_page, slides_dir, slides_url  # noqa: F401

DECKS = sorted(p.stem for p in (ROOT / "lectures" / "slides").glob("[0-9][0-9]_*.md"))
SHOTS = ROOT / "_build" / "slides-check"
MIN_PX = 24
# Raw TeX or MyST that the build should have turned into typeset math or HTML.
LEFTOVERS = re.compile(r"\$|\\[a-zA-Z]+|\^\{|_\{|\{(doc|cite|ref|figure|widget|eval)\}|```|:::|"
                       r"\bsite:")

MEASURE = """(i) => {
  Reveal.slide(i);
  const s = Reveal.getCurrentSlide(), scale = Reveal.getScale();
  const box = s.getBoundingClientRect();
  let bottom = 0, right = 0, lowest = "", widest = "";
  for (const el of s.querySelectorAll("*")) {
    if (el.closest("aside.notes")) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const b = (r.bottom - box.top) / scale, w = (r.right - box.left) / scale;
    if (b > bottom) { bottom = b; lowest = el.tagName + " " + (el.textContent || "").slice(0, 40); }
    if (w > right) { right = w; widest = el.tagName + " " + (el.textContent || "").slice(0, 40); }
  }
  const small = [];
  const walker = document.createTreeWalker(s, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    let el = node.parentElement;
    if (el.closest("aside.notes, script, style")) continue;
    if (el.closest("mjx-assistive-mml")) continue;
    el = el.closest("mjx-container") || el;
    if (el.getClientRects().length === 0) continue;
    const px = parseFloat(getComputedStyle(el).fontSize);
    if (px < %(min)s - 0.5) small.push(px.toFixed(1) + " px: " + node.textContent.trim().slice(0, 30));
  }
  const copy = s.cloneNode(true);
  copy.querySelectorAll("mjx-container, script, style, pre, aside, .rc-widget").forEach(e => e.remove());
  const notes = s.querySelector("aside.notes");
  return {bottom, right, lowest, widest, small, text: copy.textContent,
          notes: notes ? notes.textContent : "",
          noteLinks: notes ? [...notes.querySelectorAll("a")].map(a => a.getAttribute("href")) : [],
          merror: s.querySelectorAll("mjx-merror").length,
          math: s.querySelectorAll("mjx-container").length,
          images: [...s.querySelectorAll("img")].map(im => ({src: im.getAttribute("src").slice(0, 60),
                    ok: im.complete && im.naturalWidth > 0, alt: im.getAttribute("alt") || ""}))};
}""" % {"min": MIN_PX}


@pytest.fixture(scope="module")
def manifest(slides_dir):
    return json.loads((slides_dir / "manifest.json").read_text("utf-8"))


def test_manifest(manifest):
    """Six decks, a lecture's worth of slides, figure text at least 24 px on the slide."""
    assert [d["deck"] for d in manifest["decks"]] == DECKS
    assert len(DECKS) == 6
    assert 35 <= manifest["slides"] <= 50, manifest["slides"]
    small = [(d["deck"], f["name"], f["min_text_px"]) for d in manifest["decks"]
             for f in d["figures"] if f["min_text_px"] < MIN_PX - 0.5]
    assert not small, small
    cut = [(d["deck"], f["name"], f["overflow_px"]) for d in manifest["decks"]
           for f in d["figures"] if f["overflow_px"] > 2]
    assert not cut, cut
    assert {f["kind"] for d in manifest["decks"] for f in d["figures"]} == {"figure", "widget"}


def test_index(slides_url, open_page):
    page, log = open_page(slides_url + "index.html")
    hrefs = page.eval_on_selector_all("ol a", "els => els.map(e => e.getAttribute('href'))")
    assert hrefs == [f"{d}.html" for d in DECKS]
    assert not log.errors and not log.offsite and not log.failed, vars(log)


@pytest.mark.parametrize("deck", DECKS)
def test_deck(deck, slides_url, open_page, manifest):
    page, log = open_page(f"{slides_url}{deck}.html")
    assert page.evaluate("() => window.rcReady.then(() => Reveal.isReady())") is True
    n_slides = page.evaluate("() => Reveal.getTotalSlides()")
    expected = next(d["slides"] for d in manifest["decks"] if d["deck"] == deck)
    assert n_slides == expected
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems, n_math = [], 0
    for i in range(n_slides):
        m = page.evaluate(MEASURE, i)
        page.wait_for_timeout(50)
        page.screenshot(path=str(SHOTS / f"{deck}--{i + 1:02d}.png"))
        where = f"slide {i + 1}"
        if m["bottom"] > 720 + 0.5:
            problems.append(f"{where}: cut off at the bottom ({m['bottom']:.0f} px > 720): "
                            f"{m['lowest']}")
        if m["right"] > 1280 + 0.5:
            problems.append(f"{where}: wider than the slide ({m['right']:.0f} px): {m['widest']}")
        problems += [f"{where}: text below {MIN_PX} px: {s}" for s in m["small"]]
        leftover = LEFTOVERS.search(m["text"])
        if leftover:
            k = leftover.start()
            problems.append(f"{where}: raw TeX or MyST: {m['text'][max(0, k - 30):k + 30]!r}")
        if m["merror"]:
            problems.append(f"{where}: {m['merror']} MathJax error(s)")
        n_math += m["math"]
        for im in m["images"]:
            if not im["ok"]:
                problems.append(f"{where}: image did not load: {im['src']}")
            if len(im["alt"]) < 15:
                problems.append(f"{where}: image without a real alt text: {im['src']}")
        if "Send students to" not in m["notes"] or not any(
                h.startswith("../html/book/") for h in m["noteLinks"]):
            problems.append(f"{where}: speaker notes lack 'Send students to' and a chapter link")
    assert n_math > 0, "no typeset math in the deck"
    problems += check_widgets(page, deck)
    problems += [f"console/page error: {e}" for e in log.errors]
    problems += [f"request off 127.0.0.1 (blocked): {u}" for u in log.offsite]
    problems += [f"failed local request: {u}" for u in log.failed]
    assert not problems, "\n".join(problems)


def check_widgets(page, deck) -> list[str]:
    """Every slider and menu of every kernel-free widget swaps the frame when it moves."""
    problems = []
    n = page.evaluate("() => document.querySelectorAll('.rc-widget').length")
    for w in range(n):
        index = page.evaluate("""(w) => {
            const el = document.querySelectorAll('.rc-widget')[w];
            const i = Reveal.getIndices(el.closest('section')); Reveal.slide(i.h, i.v);
            return i.h; }""", w)
        widget = page.locator(".rc-widget").nth(w)
        img = widget.locator("img")
        sliders = widget.locator("input[type=range]")
        if sliders.count() == 0:
            problems.append(f"widget {w} (slide {index + 1}): no slider")
        box = img.bounding_box()
        if not box or box["height"] < 100 or not img.is_visible():
            problems.append(f"widget {w} (slide {index + 1}): its frame is not shown ({box})")
        for s in range(sliders.count()):
            slider = sliders.nth(s)
            if slider.get_attribute("max") == "0":
                continue
            before_src, before = img.get_attribute("src"), slider.input_value()
            slider.focus()
            page.keyboard.press("ArrowLeft" if before == slider.get_attribute("max")
                                else "ArrowRight")
            if slider.input_value() == before:
                problems.append(f"widget {w} slider {s}: the keyboard did not move it")
            elif img.get_attribute("src") == before_src:
                problems.append(f"widget {w} slider {s}: moving it did not change the frame")
            if page.evaluate("() => Reveal.getIndices().h") != index:
                problems.append(f"widget {w} slider {s}: the arrow key changed the slide")
        menus = widget.locator("select[data-rc-param]")
        for s in range(menus.count()):
            menu = menus.nth(s)
            before_src, before = img.get_attribute("src"), menu.input_value()
            menu.select_option(index=0 if before != "0" else 1)
            if img.get_attribute("src") == before_src:
                problems.append(f"widget {w} menu {s}: another option did not change the frame")
        widget.screenshot(path=str(SHOTS / f"{deck}--widget{w}.png"))
    return problems
