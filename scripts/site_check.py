"""Check the built site as a visitor would: a real browser, a local server, no network.

Serves ``_build/html`` on 127.0.0.1 with ``python -m http.server``, opens every page of
``_toc.yml`` in headless Chromium (Debian's ``chromium`` package, driven by playwright's
Python API; no browser is downloaded) and checks that

* the page loads with no console error, no uncaught exception and no failed local request
  (a short allow-list of harmless theme messages is ignored);
* no request leaves localhost (every other host is blocked and reported);
* math is typeset by the vendored MathJax (``mjx-container`` present, no ``mjx-merror``) and
  no raw TeX is left in the prose (a sign of math the Markdown parser broke apart);
* no cell shows the same figure twice;
* every static widget (``.rc-widget``) swaps its frame when a slider or menu moves (driven by the
  keyboard, as a visitor would), and every stored ipywidget is rendered by the vendored
  embedder;
* no punctuation after an inline formula starts a line of its own (at 1280 and 390 px);
* no code block (``div.highlight pre``, cell input and output ``pre``; collapsed cells opened)
  is wider inside than its box at 1280 px: each one is reported with its first line and the
  overflow in px;
* on a 390-px phone screen no code block is clipped (wider than its box with no scroll bar);
  blocks that scroll sideways there, and a page that does, are noted (``--no-phone`` skips).

Full-page screenshots (and one per widget, after the slider moved) go to a folder that is
printed at the end. Exit status 0 only when every check passed.

Usage: ``python scripts/site_check.py [_build/html] [--out DIR] [--pages PAGE ...] [--no-phone]``
(``make site-check`` builds the site first, installs chromium when missing, then runs this).
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError

from browser import (PageReport, background_server, check_static_widgets, chromium,
                     chromium_missing, describe_overflow, free_port, is_local, overflowing,
                     summary_line, toc_documents)

ROOT = Path(__file__).resolve().parents[1]
# Harmless console noise (shared/TOOLCHAIN.md): pydata-sphinx-theme's theme-mode message and
# a browser probing /favicon.ico. (sphinx-thebe's duplicate THEBE_JS_URL declaration is not
# allowed: _config.yml drops that extension, so the error would mean it came back.)
ALLOWED_CONSOLE = (
    re.compile(r"invalid theme mode", re.I),
    re.compile(r"favicon\.ico", re.I),
)


def toc_pages(toc_path: Path) -> list[str]:
    """HTML paths (relative to the site root) of every document in ``_toc.yml``, in order."""
    return [re.sub(r"\.(md|ipynb)$", "", d) + ".html" for d in toc_documents(toc_path)]


@contextlib.contextmanager
def serve(site: Path):
    """``python -m http.server`` on 127.0.0.1 for the duration of the block; yields its URL."""
    port = free_port()
    with background_server([sys.executable, "-m", "http.server", str(port), "--bind",
                            "127.0.0.1", "--directory", str(site)],
                           f"http://127.0.0.1:{port}/", timeout=30) as url:
        yield url


def wait_for_mathjax(page, report: PageReport, timeout_ms=15000):
    """Wait until MathJax 3 has finished its first typesetting pass (if it is on the page)."""
    if not page.evaluate("() => !!document.querySelector('script[src*=\"tex-mml-chtml\"]')"):
        return
    try:
        page.wait_for_function("() => window.MathJax && window.MathJax.startup"
                               " && window.MathJax.startup.promise", timeout=timeout_ms)
        page.evaluate("() => window.MathJax.startup.promise.then(() => true)")
    except PlaywrightError as exc:
        report.fail(f"MathJax did not start: {str(exc).splitlines()[0]}")


def check_math(page, report: PageReport):
    n_source = page.locator("div.math, span.math").count()
    n_typeset = page.locator("mjx-container").count()
    n_errors = page.locator("mjx-merror").count()
    if n_source and not n_typeset:
        report.fail(f"{n_source} math elements but none typeset by MathJax")
    if n_errors:
        texts = page.locator("mjx-merror").evaluate_all(
            "els => els.slice(0, 3).map(e => e.getAttribute('data-mjx-error') || e.textContent)")
        report.fail(f"{n_errors} MathJax errors, e.g. {texts}")
    report.notes.append(f"math: {n_typeset} typeset")


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


def check_raw_tex(page, report: PageReport):
    found = page.evaluate(RAW_TEX_JS)
    if found:
        report.fail(f"{len(found)} text(s) with raw TeX, e.g. {found[:3]}")


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


def check_math_punctuation(page, report: PageReport, width: int):
    found = page.evaluate(ORPHANS_JS)
    if found:
        report.fail(f"{width} px: {len(found)} punctuation mark(s) after inline math start a "
                    f"line, e.g. {found[:3]}")


def check_duplicate_figures(page, report: PageReport):
    """The same image twice in one cell's output: usually a trailing ``fig`` expression on top
    of the figure the inline backend already shows."""
    n = page.evaluate("""() => Array.from(document.querySelectorAll(".cell_output")).filter(
        out => { const s = Array.from(out.querySelectorAll("img")).map(i => i.src);
                 return new Set(s).size < s.length; }).length""")
    if n:
        report.fail(f"{n} cell(s) show the same figure twice")


def check_ipywidgets(page, report: PageReport):
    """Pages with stored ipywidgets state must have them rendered by the vendored embedder."""
    n_state = page.locator('script[type="application/vnd.jupyter.widget-state+json"]').count()
    n_views = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
    if not n_views:
        return
    try:
        page.wait_for_selector(".jupyter-widgets", timeout=10000, state="attached")
    except PlaywrightError:
        report.fail(f"{n_views} ipywidget view(s) (state stored: {bool(n_state)}) not rendered")
        return
    report.notes.append(f"{page.locator('.jupyter-widgets').count()} ipywidget element(s)")


# Every code block a reader sees: highlighted cell input and output, and any other output text.
CODE_BLOCKS = "div.highlight pre, .cell_input pre, .cell_output pre"
PHONE = (390, 844)


def check_code_width(page, report: PageReport):
    """Fail on each code block wider inside than its box, collapsed cells (``hide-cell``)
    opened first: the reader would see a line cut at the column's edge."""
    for line in describe_overflow(overflowing(page, CODE_BLOCKS)):
        report.fail(f"code wider than its box: {line}")


def check_phone(context, base: str, path: str, shots: Path, report: PageReport):
    """At 390 px a phone cannot show 80 columns: a code block may scroll sideways there, but
    none may be clipped (wider than its box with no scroll bar)."""
    page = context.new_page()
    try:
        page.goto(base + path, wait_until="load")
        page.wait_for_load_state("networkidle")
        wait_for_mathjax(page, report)
        page.screenshot(path=str(shots / f"{page_stem(path)}--phone.png"), full_page=True)
        check_math_punctuation(page, report, PHONE[0])
        blocks = overflowing(page, CODE_BLOCKS)
        clipped = [b for b in blocks if b["overflow"] not in ("auto", "scroll")]
        for line in describe_overflow(clipped):
            report.fail(f"{PHONE[0]} px: code clipped with no scroll bar: {line}")
        if len(blocks) > len(clipped):
            report.notes.append(f"{PHONE[0]} px: {len(blocks) - len(clipped)} code block(s) "
                                f"scroll sideways")
        wide = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        if wide > 1:
            report.notes.append(f"{PHONE[0]} px: the page scrolls sideways by {wide} px")
    except PlaywrightError as exc:
        report.fail(f"{PHONE[0]} px check aborted: {str(exc).splitlines()[0]}")
    finally:
        page.close()


def page_stem(path: str) -> str:
    return path.replace("/", "__").removesuffix(".html")


def check_page(context, base: str, path: str, shots: Path) -> PageReport:
    report = PageReport(path)
    page = context.new_page()

    def on_console(msg):
        if msg.type == "error" and not any(p.search(msg.text) for p in ALLOWED_CONSOLE):
            report.fail(f"console error: {msg.text[:300]}")

    def on_response(resp):
        if resp.status >= 400 and not any(p.search(resp.url) for p in ALLOWED_CONSOLE):
            report.fail(f"HTTP {resp.status} for {resp.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: report.fail(f"uncaught exception: {str(exc)[:300]}"))
    page.on("response", on_response)
    page.on("requestfailed", lambda req: None if not is_local(req.url) else report.fail(
        f"request failed: {req.url} ({req.failure})"))

    resp = page.goto(base + path, wait_until="load")
    if resp is None or resp.status != 200:
        report.fail(f"page answered {resp.status if resp else 'nothing'}")
        page.close()
        return report
    try:
        page.wait_for_load_state("networkidle")
        wait_for_mathjax(page, report)
        stem = page_stem(path)
        page.screenshot(path=str(shots / f"{stem}.png"), full_page=True)
        check_math(page, report)
        check_raw_tex(page, report)
        check_math_punctuation(page, report, 1280)
        check_duplicate_figures(page, report)
        check_static_widgets(page, report, shots, stem)
        check_ipywidgets(page, report)
        n_stderr = page.locator(".cell_output .stderr").count()
        if n_stderr:    # shown on the page, not an error: usually a Python warning to silence
            report.notes.append(f"{n_stderr} stderr output(s) shown, e.g. warnings")
        check_code_width(page, report)
        page.wait_for_load_state("networkidle")
    except PlaywrightError as exc:
        report.fail(f"check aborted: {str(exc).splitlines()[0]}")
    finally:
        page.close()
    return report


def run(site: Path, pages: list[str], shots: Path, phone: bool = True) -> int:
    if chromium_missing():
        return 2
    missing = [p for p in pages if not (site / p).is_file()]
    shots.mkdir(parents=True, exist_ok=True)
    reports = []
    with serve(site) as base, chromium() as browser:
        context = browser.context(1280, 900)
        phone_context = browser.context(*PHONE) if phone else None
        for path in pages:
            if path in missing:
                continue
            report = check_page(context, base, path, shots)
            if phone_context is not None:
                check_phone(phone_context, base, path, shots, report)
            reports.append(report)
        external = browser.external

    ok = not missing and not external and all(not r.problems for r in reports)
    for r in reports:
        status = "ok  " if not r.problems else "FAIL"
        print(f"{status} {r.path}: {'; '.join(r.notes)}")
        for msg in r.problems:
            print(f"       - {msg}")
    for p in missing:
        print(f"FAIL {p}: not in the built site")
    print(f"requests to non-localhost hosts: {len(external)}")
    for url in sorted(set(external)):
        print(f"       - {url}")
    print(f"screenshots: {shots}")
    print(summary_line(reports, extra_failed=len(missing)))
    return 0 if ok else 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", default=str(ROOT / "_build" / "html"),
                        help="the built site (default: _build/html)")
    parser.add_argument("--toc", default=str(ROOT / "_toc.yml"))
    parser.add_argument("--out", default=None,
                        help="screenshot folder (default: <site>/../site-check)")
    parser.add_argument("--pages", nargs="*",
                        help="pages to check, relative to the site (default: all of _toc.yml)")
    parser.add_argument("--no-phone", dest="phone", action="store_false",
                        help="skip the 390-px phone pass")
    args = parser.parse_args(argv)
    site = Path(args.site).resolve()
    pages = args.pages or toc_pages(Path(args.toc))
    shots = Path(args.out).resolve() if args.out else site.parent / "site-check"
    return run(site, pages, shots, phone=args.phone)


if __name__ == "__main__":
    sys.exit(main())
