"""Fixtures for the browser tests (pytest-playwright, Debian's chromium, no network).

Reusable by any test under ``tests/browser``:

* ``serve_dir(path) -> base_url``: serves a folder over HTTP on 127.0.0.1 (a free port) for the
  rest of the session (session-scoped factory; call it once per folder).
* ``offsite_requests``: a list that fills with every request of the test's ``context`` (and so
  of its ``page``) whose host is not this machine; each is blocked. Assert it is empty at the
  end of a test. ``record_offsite(page_or_context)`` does the same for a context made by hand.
* ``browser_type_launch_args``: chromium at /usr/bin/chromium (never ``playwright install``).

These tests are not collected by ``pytest tests`` (``make test-package``): only when a path
under ``tests/browser`` is named on the command line (``make site-check``, ``make lab-check``)
or ``REPRCOURSE_BROWSER_TESTS=1`` is set. A failing test leaves a full-page screenshot in the
``--output`` folder (pytest-playwright's option; ``--screenshot on`` keeps one of every page).
"""

from __future__ import annotations

import functools
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from slugify import slugify

from browser_helpers import ROOT, Visit, record_offsite  # noqa: F401 (re-exported)

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage"]


def _named_on_command_line(config) -> bool:
    for arg in config.invocation_params.args:
        if arg.startswith("-"):
            continue
        path = (config.invocation_params.dir / arg.split("::")[0]).resolve()
        if path == HERE or HERE in path.parents:
            return True
    return False


def pytest_ignore_collect(collection_path, config):
    """Skip this folder in a plain ``pytest tests`` run (the package tests)."""
    if os.environ.get("REPRCOURSE_BROWSER_TESTS") == "1" or _named_on_command_line(config):
        return None
    if collection_path.parent == HERE and collection_path.name.startswith("test_"):
        return True
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: apt-get update && apt-get install -y chromium",
                    pytrace=False)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def serve_dir():
    """Factory: ``serve_dir(path)`` serves ``path`` on 127.0.0.1 (a free port) until the
    session ends and returns its base URL, ending in ``/``."""
    servers = []

    def serve(path) -> str:
        path = Path(path)
        if not path.is_dir():
            pytest.fail(f"{path} does not exist (build it first)", pytrace=False)
        handler = functools.partial(_QuietHandler, directory=str(path))
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        return f"http://127.0.0.1:{httpd.server_port}/"

    yield serve
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def offsite_requests(context) -> list[str]:
    """Requests of this test's ``context``/``page`` that left localhost (blocked)."""
    return record_offsite(context)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing test that used a :class:`Visit` leaves a full-page screenshot."""
    report = yield
    if report.when == "call" and report.failed:
        for value in getattr(item, "funcargs", {}).values():
            if isinstance(value, Visit):
                out = Path(item.config.getoption("--output")) / "failures"
                out.mkdir(parents=True, exist_ok=True)
                shot = out / f"{slugify(item.nodeid)[:150]}.png"
                try:
                    value.page.screenshot(path=str(shot), full_page=True)
                    report.sections.append(("screenshot", str(shot)))
                except Exception as exc:      # a crashed page must not hide the failure
                    report.sections.append(("screenshot", f"none: {exc}"))
    return report
