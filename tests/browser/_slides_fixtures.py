"""Fixtures of the slide check: a local server for ``_build/slides`` and headless Chromium.

Kept apart from ``test_slides.py`` so that they can move into ``tests/browser/conftest.py``
(shared with the site check) without touching the test. Chromium is Debian's
``/usr/bin/chromium`` driven by playwright's Python API (never ``playwright install``); every
request that leaves 127.0.0.1 is aborted and recorded.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
SLIDES = ROOT / "_build" / "slides"
CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1280, "height": 720}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def slides_dir() -> Path:
    """The built decks; without them the check is skipped, or fails under ``make slides-check``
    (which sets ``REPRCOURSE_SLIDES_CHECK=1`` after building them)."""
    if not (SLIDES / "manifest.json").exists():
        message = "no decks in _build/slides: run `make slides` first"
        if os.environ.get("REPRCOURSE_SLIDES_CHECK"):
            pytest.fail(message)
        pytest.skip(message)
    return SLIDES


@pytest.fixture(scope="module")
def slides_url(slides_dir):
    """``http://127.0.0.1:PORT/`` serving the decks, for the module."""
    handler = functools.partial(_Quiet, directory=str(slides_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def chromium_browser():
    """Headless Chromium for the module (skipped when chromium or playwright is missing)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not found (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield browser
        browser.close()


class PageLog:
    """What a page did: console errors, uncaught exceptions, requests off 127.0.0.1."""

    def __init__(self):
        self.errors: list[str] = []
        self.offsite: list[str] = []
        self.failed: list[str] = []


@pytest.fixture
def open_page(chromium_browser):
    """``open_page(url) -> (page, log)`` in a fresh 1280 × 720 context; closed afterwards."""
    contexts = []

    def opener(url):
        context = chromium_browser.new_context(viewport=VIEWPORT)
        contexts.append(context)
        log = PageLog()

        def guard(route):
            host = urlparse(route.request.url).hostname
            if route.request.url.startswith("data:") or host == "127.0.0.1":
                route.continue_()
            else:
                log.offsite.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        page = context.new_page()
        page.on("console", lambda m: log.errors.append(f"console: {m.text}")
                if m.type == "error" else None)
        page.on("pageerror", lambda e: log.errors.append(f"uncaught: {e}"))
        page.on("requestfailed", lambda r: log.failed.append(r.url)
                if urlparse(r.url).hostname == "127.0.0.1" else None)
        page.goto(url)
        return page, log

    yield opener
    for context in contexts:
        context.close()
