"""Fixtures of the slide check: a local server for ``_build/slides`` and headless Chromium.

Built on the shared browser fixtures of ``tests/browser/conftest.py``: ``serve_dir`` for the
server, pytest-playwright's ``browser`` (Debian's ``/usr/bin/chromium``, never
``playwright install``) and ``record_offsite``, which aborts and records every request that
would leave the machine.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import pytest
from browser_helpers import record_offsite

ROOT = Path(__file__).resolve().parents[2]
SLIDES = ROOT / "_build" / "slides"
VIEWPORT = {"width": 1280, "height": 720}


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
def slides_url(slides_dir, serve_dir):
    """``http://127.0.0.1:PORT/`` serving the decks."""
    return serve_dir(slides_dir)


class PageLog:
    """What a page did: console errors, uncaught exceptions, requests off 127.0.0.1."""

    def __init__(self):
        self.errors: list[str] = []
        self.offsite: list[str] = []
        self.failed: list[str] = []


@pytest.fixture
def open_page(browser):
    """``open_page(url) -> (page, log)`` in a fresh 1280 × 720 context; closed afterwards."""
    contexts = []

    def opener(url):
        context = browser.new_context(viewport=VIEWPORT)
        contexts.append(context)
        log = PageLog()
        log.offsite = record_offsite(context)
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
