"""What the two browser checks share (``site_check.py`` for the built site, ``lab_check.py`` for
JupyterLab): headless Chromium with every request off localhost blocked and recorded, a free
port, a local server started in the background and waited for, the pages of ``_toc.yml``, a
per-page report, the code-block overflow measurement and the static-widget check.

Chromium is Debian's ``chromium`` package driven by playwright's Python API; no browser is
downloaded (never ``playwright install``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import yaml
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def chromium_missing() -> bool:
    """True (and a hint on stderr) when Debian's chromium is not installed."""
    if Path(CHROMIUM).exists():
        return False
    print(f"{CHROMIUM} not found: apt-get update && apt-get install -y chromium",
          file=sys.stderr)
    return True


def is_local(url: str) -> bool:
    """Whether a request stays on this machine (``data:``/``blob:`` URLs included)."""
    parsed = urlparse(url)
    if parsed.scheme in ("data", "blob", "about", "javascript"):
        return True
    return parsed.hostname in LOCAL_HOSTS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def toc_documents(toc_path: Path) -> list[str]:
    """Every document of a Jupyter Book ``_toc.yml`` in reading order, as written there
    (relative to the book's root, without a suffix unless the toc gives one)."""
    toc = yaml.safe_load(Path(toc_path).read_text())
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
    return docs


@contextlib.contextmanager
def background_server(cmd: list[str], url: str, *, cwd=None, env=None, timeout: float = 120,
                      log: Path | None = None):
    """Run ``cmd`` in its own process group until the block ends; yields once ``url`` answers
    HTTP (any status). Raises RuntimeError when it exits early or does not answer in time."""
    out = open(log, "w") if log else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{cmd[0]} exited with status {proc.returncode} before "
                                   f"{url} answered" + (f" (log: {log})" if log else ""))
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except urllib.error.HTTPError:
                break                           # it answers, if only with an error status
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")
                time.sleep(0.25)
        yield url
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)   # our own process group only
                proc.wait(timeout=10)
        if log:
            out.close()


class Browser:
    """Headless Chromium; every context it makes blocks and records requests off localhost
    (in :attr:`external`, in the order they were made)."""

    def __init__(self, browser):
        self.browser = browser
        self.external: list[str] = []

    def _guard(self, route):
        if is_local(route.request.url):
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort()

    def context(self, width: int = 1280, height: int = 900):
        ctx = self.browser.new_context(viewport={"width": width, "height": height})
        ctx.route("**/*", self._guard)
        return ctx


@contextlib.contextmanager
def chromium():
    """A :class:`Browser` for the duration of the block."""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=CHROMIUM_ARGS)
        try:
            yield Browser(browser)
        finally:
            browser.close()


@dataclass
class PageReport:
    path: str
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def fail(self, msg: str):
        self.problems.append(msg)


def summary_line(reports: list[PageReport], extra_failed: int = 0) -> str:
    """``N passed, M failed`` (CI greps ``^[1-9][0-9]* passed, 0 failed$``)."""
    passed = sum(not r.problems for r in reports)
    return f"{passed} passed, {len(reports) - passed + extra_failed} failed"


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


def check_static_widgets(page, report: PageReport, shots: Path, stem: str):
    """Every kernel-free widget (``.rc-widget``) swaps its frame when a slider or a menu moves,
    driven by the keyboard as a reader would; one screenshot per widget after the move."""
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
            if menu.locator("option").count() < 2:
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
    return widgets.count()
