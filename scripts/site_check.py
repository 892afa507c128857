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
  embedder.

Full-page screenshots (and one per widget, after the slider moved) go to a folder that is
printed at the end. Exit status 0 only when every check passed.

Usage: ``python scripts/site_check.py [_build/html] [--out DIR] [--pages PAGE ...]``
(``make site-check`` builds the site first, installs chromium when missing, then runs this).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import yaml
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
# Harmless console noise (shared/TOOLCHAIN.md): pydata-sphinx-theme's theme-mode message and
# a browser probing /favicon.ico. (sphinx-thebe's duplicate THEBE_JS_URL declaration is not
# allowed: _config.yml drops that extension, so the error would mean it came back.)
ALLOWED_CONSOLE = (
    re.compile(r"invalid theme mode", re.I),
    re.compile(r"favicon\.ico", re.I),
)


def toc_pages(toc_path: Path) -> list[str]:
    """HTML paths (relative to the site root) of every document in ``_toc.yml``, in order."""
    toc = yaml.safe_load(toc_path.read_text())
    docs = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                docs.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return [re.sub(r"\.(md|ipynb)$", "", d) + ".html" for d in docs]


def is_local(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in ("data", "blob", "about", "javascript"):
        return True
    return parsed.hostname in LOCAL_HOSTS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(site: Path):
    """``python -m http.server`` on 127.0.0.1 for the duration of the block; yields its URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
         "--directory", str(site)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                conn.request("HEAD", "/")
                conn.getresponse()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"http.server did not start on port {port}")
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@dataclass
class PageReport:
    path: str
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def fail(self, msg: str):
        self.problems.append(msg)


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


def check_duplicate_figures(page, report: PageReport):
    """The same image twice in one cell's output: usually a trailing ``fig`` expression on top
    of the figure the inline backend already shows."""
    n = page.evaluate("""() => Array.from(document.querySelectorAll(".cell_output")).filter(
        out => { const s = Array.from(out.querySelectorAll("img")).map(i => i.src);
                 return new Set(s).size < s.length; }).length""")
    if n:
        report.fail(f"{n} cell(s) show the same figure twice")


def check_static_widgets(page, report: PageReport, shots: Path, stem: str):
    widgets = page.locator(".rc-widget")
    for w in range(widgets.count()):
        widget = widgets.nth(w)
        img = widget.locator("img")
        sliders = widget.locator("input[type=range]")
        if img.count() != 1 or sliders.count() == 0:
            report.fail(f"widget {w}: expected one <img> and at least one slider")
            continue
        for s in range(sliders.count()):
            slider = sliders.nth(s)
            if slider.get_attribute("max") == "0":
                continue                      # a single value: nothing to move
            widget.scroll_into_view_if_needed()
            before_src = img.get_attribute("src")
            before_value = slider.input_value()
            at_max = before_value == slider.get_attribute("max")
            slider.focus()
            page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
            after_src = img.get_attribute("src")
            if slider.input_value() == before_value:
                report.fail(f"widget {w} slider {s}: the keyboard did not move it")
            elif after_src == before_src:
                report.fail(f"widget {w} slider {s}: moving it did not change the frame")
        menus = widget.locator("select[data-rc-param]")
        for s in range(menus.count()):
            menu = menus.nth(s)
            options = menu.locator("option")
            if options.count() < 2:
                continue
            widget.scroll_into_view_if_needed()
            before_src, before_value = img.get_attribute("src"), menu.input_value()
            menu.select_option(index=0 if before_value != "0" else 1)
            if img.get_attribute("src") == before_src:
                report.fail(f"widget {w} menu {s}: choosing another option did not change "
                            f"the frame")
        widget.screenshot(path=str(shots / f"{stem}--widget{w}.png"))
    if widgets.count():
        report.notes.append(f"{widgets.count()} static widget(s) checked")


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
        stem = path.replace("/", "__").removesuffix(".html")
        page.screenshot(path=str(shots / f"{stem}.png"), full_page=True)
        check_math(page, report)
        check_raw_tex(page, report)
        check_duplicate_figures(page, report)
        check_static_widgets(page, report, shots, stem)
        check_ipywidgets(page, report)
        n_stderr = page.locator(".cell_output .stderr").count()
        if n_stderr:    # shown on the page, not an error: usually a Python warning to silence
            report.notes.append(f"{n_stderr} stderr output(s) shown, e.g. warnings")
        page.wait_for_load_state("networkidle")
    except PlaywrightError as exc:
        report.fail(f"check aborted: {str(exc).splitlines()[0]}")
    finally:
        page.close()
    return report


def run(site: Path, pages: list[str], shots: Path) -> int:
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} not found: apt-get update && apt-get install -y chromium",
              file=sys.stderr)
        return 2
    missing = [p for p in pages if not (site / p).is_file()]
    shots.mkdir(parents=True, exist_ok=True)
    external: list[str] = []
    reports = []
    with serve(site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-dev-shm-usage"])
        context = browser.new_context(viewport={"width": 1280, "height": 900})

        def guard(route):
            # Nothing may leave localhost: record and block any other host.
            if is_local(route.request.url):
                route.continue_()
            else:
                external.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        for path in pages:
            if path in missing:
                continue
            reports.append(check_page(context, base, path, shots))
        browser.close()

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
    print(f"{sum(not r.problems for r in reports)} passed, "
          f"{sum(bool(r.problems) for r in reports) + len(missing)} failed")
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
    args = parser.parse_args(argv)
    site = Path(args.site).resolve()
    pages = args.pages or toc_pages(Path(args.toc))
    shots = Path(args.out).resolve() if args.out else site.parent / "site-check"
    return run(site, pages, shots)


if __name__ == "__main__":
    sys.exit(main())
