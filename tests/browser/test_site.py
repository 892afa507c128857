"""The built site as a visitor meets it: headless Chromium, a local server, no network.

Every page of ``_toc.yml`` (plus the index and search pages) is opened once on a laptop
(1280 × 900) and once on a phone (390 × 844, touch); the tests below read that one page.
Run after ``make book``: ``make site-check``, or e.g.
``pytest tests/browser/test_site.py -k "02_sparse and phone" --screenshot on --output DIR``.
``SITE_DIR`` checks a site built elsewhere (default ``_build/html``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from browser_helpers import (ROOT, Visit, describe_overflow, looks_like_file_name, overflowing,
                             record_offsite, static_widget_problems, toc_documents)

SITE = Path(os.environ.get("SITE_DIR", ROOT / "_build" / "html"))
PAGES = ([f"{doc}.html" for doc in toc_documents(ROOT / "_toc.yml")]
         + ["genindex.html", "search.html", "prf-prf.html"])
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
AXE = Path(__file__).with_name("vendor") / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Harmless console noise (shared/TOOLCHAIN.md): pydata-sphinx-theme's theme-mode message and
# a browser probing /favicon.ico. (sphinx-thebe's duplicate THEBE_JS_URL declaration is not
# allowed: _config.yml drops that extension, so the error would mean it came back.)
ALLOWED = (re.compile(r"invalid theme mode", re.I), re.compile(r"favicon\.ico", re.I))
CODE_BLOCKS = "div.highlight pre, .cell_input pre, .cell_output pre"


def page_id(path: str) -> str:
    return path.removesuffix(".html")


@pytest.fixture(scope="session")
def site_url(serve_dir):
    if not (SITE / "book" / "intro.html").is_file():
        pytest.fail(f"no built site in {SITE}: run `make book` first", pytrace=False)
    return serve_dir(SITE)


def open_page(browser, request, base: str, path: str, context_args: dict, name: str) -> Visit:
    context = browser.new_context(**context_args)
    page = context.new_page()
    visit = Visit(page=page, url=base + path, name=name)
    visit.offsite = record_offsite(context)

    def log(text):
        if not any(p.search(text) for p in ALLOWED):
            visit.errors.append(text[:300])

    page.on("console", lambda m: log(f"console error: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda exc: log(f"uncaught exception: {exc}"))
    page.on("response", lambda r: log(f"HTTP {r.status} for {r.url}") if r.status >= 400
            else None)
    page.on("requestfailed", lambda r: None if r.url in visit.offsite
            else log(f"request failed: {r.url} ({r.failure})"))
    response = page.goto(visit.url, wait_until="load")
    assert response is not None and response.status == 200, f"{path} did not load"
    page.wait_for_load_state("networkidle")
    if page.evaluate("() => !!document.querySelector('script[src*=\"tex-mml-chtml\"]')"):
        page.wait_for_function("() => window.MathJax && MathJax.startup"
                               " && MathJax.startup.promise", timeout=20000)
        page.evaluate("() => MathJax.startup.promise.then(() => true)")
    page.wait_for_timeout(300)                # reprcourse-math.js measures after typesetting
    if request.config.getoption("--screenshot") == "on":
        out = Path(request.config.getoption("--output")) / "pages"
        out.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out / f"{path.replace('/', '__')}--{name}.png"),
                        full_page=True)
    return visit


@pytest.fixture(scope="module", params=PAGES, ids=page_id)
def desktop(request, browser, site_url):
    visit = open_page(browser, request, site_url, request.param, DESKTOP, "1280")
    yield visit
    visit.page.context.close()


@pytest.fixture(scope="module", params=PAGES, ids=page_id)
def phone(request, browser, site_url):
    visit = open_page(browser, request, site_url, request.param, PHONE, "390")
    yield visit
    visit.page.context.close()


# --- both widths ------------------------------------------------------------------------------

def axe_violations(page) -> list[str]:
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(content=AXE.read_text())
    found = page.evaluate("""async (tags) => {
      const r = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                         resultTypes: ["violations"]});
      return r.violations.map(v => v.id + " (" + v.nodes.length + "): " + v.help + " — "
        + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "));
    }""", AXE_TAGS)
    return found


def test_axe_finds_no_wcag21_aa_violation(desktop):
    assert axe_violations(desktop.page) == []


def test_phone_axe_finds_no_wcag21_aa_violation(phone):
    assert axe_violations(phone.page) == []


ORPHANS_JS = r"""() => {
  // A comma or full stop right after an inline formula that the browser put at the start of
  // the next line (reprcourse-math.js keeps the two together).
  const found = [];
  document.querySelectorAll("mjx-container:not([display='true'])").forEach(math => {
    const box = math.parentNode.classList.contains("math") ? math.parentNode : math;
    const next = box.nextSibling;
    if (!next || next.nodeType !== Node.TEXT_NODE || !/^[.,;:!?)]/.test(next.data)) return;
    const range = document.createRange();
    range.setStart(next, 0);
    range.setEnd(next, 1);
    if (range.getBoundingClientRect().top > box.getBoundingClientRect().bottom - 2)
      found.push(box.textContent.slice(0, 20) + " | " + next.data.slice(0, 20));
  });
  return found;
}"""


def test_no_punctuation_after_inline_math_starts_a_line(desktop):
    assert desktop.page.evaluate(ORPHANS_JS) == []


def test_phone_no_punctuation_after_inline_math_starts_a_line(phone):
    assert phone.page.evaluate(ORPHANS_JS) == []


FIGURES_JS = r"""() => Array.from(document.querySelectorAll(".bd-article img"))
  .filter(img => img.naturalWidth > 0 && img.getBoundingClientRect().width > 0)
  .map(img => { const r = img.getBoundingClientRect();
    const box = img.closest(".cell_output, .rc-frame") || img.parentElement;
    return {src: img.getAttribute("src").slice(0, 60), w: r.width, h: r.height,
            nw: img.naturalWidth, nh: img.naturalHeight,
            attr: parseFloat(img.style.width || img.getAttribute("width")) || null,
            scroll: /auto|scroll/.test(getComputedStyle(box).overflowX),
            cell: !!img.closest(".cell_output, .rc-widget")}; })"""


def squashed(visit):
    return [f for f in visit.page.evaluate(FIGURES_JS)
            if abs(f["w"] / f["h"] - f["nw"] / f["nh"]) > 0.02 * f["nw"] / f["nh"]]


def test_figures_keep_their_aspect_ratio(desktop):
    """A 2x PNG shown at its display size (myst-nb's width/height), never squashed."""
    assert squashed(desktop) == []


def test_phone_figures_keep_their_aspect_ratio(phone):
    assert squashed(phone) == []


# --- laptop -----------------------------------------------------------------------------------

def test_page_loads_without_errors(desktop):
    assert desktop.errors == []


RAW_TEX_JS = r"""() => {
  // Text the reader sees in the article that still looks like TeX: a macro such as \lambda
  // or a $ pair. It means a formula failed to parse (e.g. a wrapped line that starts with
  // ">" or "-" inside $...$ turns into a quote or a list).
  const skip = "code, pre, script, style, textarea, .math, mjx-container, .highlight";
  const root = document.querySelector("article") || document.body;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement.closest(skip)) continue;
    const t = n.textContent;
    const m = /\\[a-zA-Z]{2,}|\$[^$\s][^$]*\$/.exec(t);
    if (m) found.push(t.slice(Math.max(0, m.index - 30), m.index + 50).trim());
  }
  return found;
}"""


def test_math_is_typeset_without_errors_or_raw_tex(desktop):
    page = desktop.page
    n_source = page.locator("div.math, span.math").count()
    assert not n_source or page.locator("mjx-container").count(), "MathJax typeset nothing"
    errors = page.locator("mjx-merror").evaluate_all(
        "els => els.map(e => e.getAttribute('data-mjx-error') || e.textContent)")
    assert errors == []
    assert page.evaluate(RAW_TEX_JS) == []


def test_formulas_are_not_tab_stops(desktop):
    """Keyboard users reach the controls without stepping through every formula."""
    # (a formula wider than the column scrolls, and is a tab stop so that it can be scrolled)
    n = desktop.page.locator(
        'mjx-container[tabindex]:not([tabindex^="-"]):not(.rc-scroll-x)').count()
    assert n == 0, f"{n} formulas are in the tab order"


def test_no_cell_shows_a_figure_twice(desktop):
    n = desktop.page.evaluate("""() => Array.from(document.querySelectorAll(".cell_output"))
        .filter(out => { const s = Array.from(out.querySelectorAll("img")).map(i => i.src);
                         return new Set(s).size < s.length; }).length""")
    assert n == 0


def test_every_image_has_a_description_not_a_file_name(desktop):
    alts = desktop.page.locator(".bd-article img").evaluate_all(
        "els => els.map(e => [e.getAttribute('alt'), e.getAttribute('src').slice(0, 40)])")
    bad = [(alt, src) for alt, src in alts if not (alt or "").strip()
           or looks_like_file_name(alt)]
    assert bad == [], "images without a real alt text (cell metadata mystnb.image.alt)"


def test_stored_ipywidgets_are_rendered(desktop):
    page = desktop.page
    if not page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count():
        return
    page.wait_for_selector(".jupyter-widgets", timeout=10000, state="attached")


def test_toggles_say_what_they_open(desktop):
    page = desktop.page
    labels = page.locator("button.toggle-button").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))")
    assert all(re.fullmatch(r"(Show|Hide) \S.*", a or "") for a in labels), labels
    solutions = page.locator(".cell.tag_solution > details > summary").evaluate_all(
        "els => els.map(e => e.innerText.trim())")
    assert all(s == "Show solution" for s in solutions), solutions
    named = page.locator("details > summary[aria-label='Toggle hidden content']").count()
    assert named == 0


FOCUS_JS = r"""(sel) => Array.from(document.querySelectorAll(sel))
  .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== "hidden")
  .slice(0, 3).map(el => { el.focus(); const s = getComputedStyle(el);
    const ring = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
    return [sel, el.matches(":focus-visible"), ring]; })"""
CONTROLS = [".primary-toggle", ".dropdown-toggle", ".theme-switch-button", ".search-button",
            "button.toggle-button", ".cell details > summary", ".rc-widget input",
            ".rc-widget select", ".bd-article a.reference"]


def test_every_control_shows_a_focus_ring(desktop):
    page = desktop.page
    page.keyboard.press("Tab")                # keyboard modality: :focus-visible applies
    found = [r for sel in CONTROLS for r in page.evaluate(FOCUS_JS, sel)]
    assert found, "no control found"
    assert [r for r in found if r[1] and not r[2]] == []


def test_menu_button_collapses_the_sidebar(desktop):
    page = desktop.page
    sidebar = page.locator("#pst-primary-sidebar")
    if not sidebar.is_visible():
        pytest.skip("no primary sidebar on this page")
    toggle = page.locator(".primary-toggle:visible").first
    toggle.click()
    page.wait_for_timeout(400)
    assert not sidebar.is_visible() or sidebar.bounding_box()["width"] < 5
    toggle.click()
    page.wait_for_timeout(400)
    assert sidebar.is_visible() and sidebar.bounding_box()["width"] > 100


def test_static_widgets_change_their_frame(desktop):
    n, problems = static_widget_problems(desktop.page)
    assert problems == []


def test_code_fits_its_box(desktop):
    """No code block is wider inside than its box at 1280 px (collapsed cells opened)."""
    assert describe_overflow(overflowing(desktop.page, CODE_BLOCKS)) == []


def test_no_request_leaves_localhost(desktop):
    assert desktop.offsite == []
    assert desktop.errors == []


# --- phone ------------------------------------------------------------------------------------

def test_phone_page_loads_without_errors(phone):
    assert phone.errors == []


def test_phone_drawers_open(phone):
    """☰ opens the site navigation, the contents icon the page's contents (as dialogs)."""
    page = phone.page
    for toggle, dialog in ((".primary-toggle", "#pst-primary-sidebar-modal"),
                           (".secondary-toggle", "#pst-secondary-sidebar-modal")):
        button = page.locator(f"{toggle}:visible")
        if toggle == ".secondary-toggle" and not button.count():
            continue                          # a page without on-page contents
        assert button.count() == 1, f"no visible {toggle}"
        button.first.click()
        page.wait_for_timeout(400)
        assert page.evaluate(f"() => document.querySelector('{dialog}').open"), \
            f"{toggle} did not open {dialog}"
        assert page.locator(f"{dialog} a:visible").count() > 0, f"{dialog} shows no link"
        page.keyboard.press("Escape")
        page.wait_for_timeout(300)
        assert not page.evaluate(f"() => document.querySelector('{dialog}').open")


CUT_MATH_JS = r"""() => {
  // Inline formulas whose end is past the column's edge with no box that scrolls to it.
  const article = document.querySelector(".bd-article") || document.body;
  const limit = Math.min(window.innerWidth, article.getBoundingClientRect().right) + 1;
  const found = [];
  document.querySelectorAll(".bd-article mjx-container:not([display='true'])").forEach(m => {
    const r = m.getBoundingClientRect();
    if (!r.width || r.right <= limit) return;
    for (let el = m; el && el !== article; el = el.parentElement)
      if (/auto|scroll/.test(getComputedStyle(el).overflowX)) {
        const box = el.getBoundingClientRect();
        if (box.right <= limit) return;
      }
    found.push(m.textContent.slice(0, 40) + ` (+${Math.round(r.right - limit)} px)`);
  });
  return found;
}"""


def test_phone_inline_math_is_never_cut_off(phone):
    assert phone.page.evaluate(CUT_MATH_JS) == []


WIDE_DISPLAY_JS = r"""() => Array.from(document.querySelectorAll(
    ".bd-article div.math, .bd-article mjx-container[display='true']"))
  .filter(el => el.clientWidth && el.scrollWidth > el.clientWidth + 1)
  .map(el => { const s = getComputedStyle(el);
    return {tex: el.textContent.slice(0, 40), scrolls: /auto|scroll/.test(s.overflowX),
            cue: el.classList.contains("rc-scroll-x")
                 && (s.maskImage || s.webkitMaskImage || "").includes("gradient")}; })"""


def test_phone_wide_display_math_scrolls_with_a_cue(phone):
    bad = [m for m in phone.page.evaluate(WIDE_DISPLAY_JS) if not (m["scrolls"] and m["cue"])]
    assert bad == []


def test_phone_figures_keep_their_size_in_a_scroll_box(phone):
    """Figure text stays readable: a figure is shown at its display size (its natural size,
    or myst-nb's width for a 2x PNG), in a box that scrolls sideways when wider."""
    bad = []
    for f in phone.page.evaluate(FIGURES_JS):
        if not f["cell"]:
            continue
        want = f["attr"] or f["nw"]
        if abs(f["w"] - want) > 1.5 or (f["w"] > 360 and not f["scroll"]):
            bad.append(f)
    assert bad == []


def test_phone_code_is_not_clipped(phone):
    """At 390 px a code block may scroll sideways, but none may be cut off."""
    blocks = overflowing(phone.page, CODE_BLOCKS)
    clipped = [b for b in blocks if b["overflow"] not in ("auto", "scroll")]
    assert describe_overflow(clipped) == []


def test_phone_page_does_not_scroll_sideways(phone):
    wide = phone.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 1


def test_phone_no_request_leaves_localhost(phone):
    assert phone.offsite == []
    assert phone.errors == []


def test_phone_widget_controls_stack(phone):
    """On a phone each widget's label sits above its slider, which gets the width."""
    rows = phone.page.locator(".rc-widget label:has(input[type=range])").evaluate_all("""els => els.map(l => {
        const label = l.firstElementChild.getBoundingClientRect();
        const input = l.querySelector("input").getBoundingClientRect();
        return {stacked: input.top >= label.bottom - 1, width: input.width}; })""")
    assert [r for r in rows if not r["stacked"] or r["width"] < 150] == []


# --- dark mode (on when the operating system is dark) -----------------------------------------

DARK_PAGES = ["book/02_sparse_coding.html", "book/03_ista_recovery.html", "book/references.html"]


@pytest.mark.parametrize("path", DARK_PAGES, ids=page_id)
def test_dark_mode_axe_finds_no_violation_and_figures_are_not_dimmed(path, browser, site_url,
                                                                      request):
    visit = open_page(browser, request, site_url, path,
                      {**DESKTOP, "color_scheme": "dark"}, "dark")
    try:
        page = visit.page
        assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
        assert axe_violations(page) == []
        filters = page.locator(".bd-article .cell_output img").evaluate_all(
            "els => els.map(e => getComputedStyle(e).filter)")
        assert [f for f in filters if f != "none"] == []
    finally:
        visit.page.context.close()
