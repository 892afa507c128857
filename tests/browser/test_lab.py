"""The chapters as a student meets them: JupyterLab in headless Chromium, Run All.

A copy of ``book/`` (with ``_toc.yml``, ``_config.yml`` and ``references.bib``) goes to a
temporary folder (JupyterLab autosaves the notebooks it runs: never the repository's own);
``jupyter lab`` from the venv serves it on a free 127.0.0.1 port with its own settings (all
cells in the DOM, no news pop-up). Each notebook chapter of ``_toc.yml`` is opened once at
1280 px: Edit → Clear Outputs of All Cells, Run → Run All Cells, wait until every code cell has
run (``LAB_TIMEOUT`` s, default 180); the tests below read that page. No request may leave
localhost. ``make lab-check`` runs them; one chapter: ``pytest tests/browser/test_lab.py -k 02_``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from browser_helpers import (ROOT, Visit, bib_keys, describe_overflow, glue_keys,
                             is_error_output, overflowing, prompt_counts, raw_myst,
                             format_counts, record_offsite, static_widget_problems,
                             toc_documents)

BIN = Path(sys.executable).parent
CHAPTERS = [f"{doc}.ipynb" for doc in toc_documents(ROOT / "_toc.yml")
            if (ROOT / f"{doc}.ipynb").is_file()]
TIMEOUT_S = float(os.environ.get("LAB_TIMEOUT", "180"))
COPIED = ("book", "_toc.yml", "_config.yml", "references.bib")
LAB_SETTINGS = {
    # Without it only the cells in view are in the DOM.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    # Without it a news pop-up covers the page.
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
}
WIDTH, HEIGHT = 1280, 900

NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"
PROMPTS_JS = f"""() => Array.from(document.querySelectorAll(
    "{NOTEBOOK} .jp-CodeCell .jp-InputPrompt")).map(p => p.textContent.trim())"""
# Run All has finished (or stopped at an error) once no prompt is [*] and one holds a number.
DONE_JS = f"""() => {{ const p = ({PROMPTS_JS})();
    return p.some(t => /\\d/.test(t)) && !p.some(t => t.includes("*")); }}"""
STDERR_JS = f"""() => Array.from(document.querySelectorAll(
    '{NOTEBOOK} .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'))
    .map(o => o.innerText)"""
MARKDOWN_JS = f"""() => {{
  const math = ".katex, mjx-container, .MathJax, mjx-assistive-mml, math, annotation, "
    + "script, style";
  const unresolvedSel = '[title="Citation Not Found"], [title="Cross Reference Not Found"]';
  return Array.from(document.querySelectorAll("{NOTEBOOK} .jp-MarkdownCell")).map(cell => {{
    const out = cell.querySelector(".jp-MarkdownOutput, .jp-RenderedMarkdown, .myst");
    if (!out) return {{prose: "", fenced: [], unresolved: []}};
    const prose = [];
    const walker = document.createTreeWalker(out, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {{
      const el = n.parentElement;
      if (!el.closest(math) && !el.closest(unresolvedSel) && !el.closest("code, pre"))
        prose.push(n.textContent);
    }}
    const fenced = Array.from(out.querySelectorAll("code[class*='language-{{']"))
      .map(c => c.textContent);
    const unresolved = Array.from(out.querySelectorAll(unresolvedSel)).map(s =>
      [s.title.startsWith("Citation") ? "cite?" : "ref?", s.textContent.trim()]);
    return {{prose: prose.join("\\n"), fenced, unresolved}};
  }});
}}"""
# The element that scrolls the notebook (for screenshots in slices).
SCROLLER_JS = f"""(top) => {{
  let el = document.querySelector("{NOTEBOOK} .jp-Cell");
  while (el && !(el.scrollHeight > el.clientHeight + 1
                 && /auto|scroll/.test(getComputedStyle(el).overflowY))) el = el.parentElement;
  if (!el) return null;
  if (top !== null) el.scrollTop = top;
  return [el.scrollTop, el.clientHeight, el.scrollHeight];
}}"""
SHUTDOWN_JS = """async () => {
  const m = document.cookie.match(/_xsrf=([^;]+)/);
  const headers = m ? {"X-XSRFToken": decodeURIComponent(m[1])} : {};
  const sessions = await (await fetch("/api/sessions")).json();
  for (const s of sessions) await fetch("/api/sessions/" + s.id, {method: "DELETE", headers});
  return sessions.length;
}"""
CODE_BOXES = (f"{NOTEBOOK} .jp-CodeCell .jp-InputArea-editor .cm-scroller, "
              f"{NOTEBOOK} .jp-OutputArea-output pre, {NOTEBOOK} .jp-MarkdownCell pre")



IMG_SRCS = "els => els.map(e => e.src).join(' ')"


def redraws(page, control, move, wait_s: float) -> tuple[bool, bool]:
    """``(has_figure, changed)``: whether the output area of ``control`` shows an image, and
    whether its images change within ``wait_s`` after ``move()``."""
    area = control.evaluate_handle("c => c.closest('.jp-OutputArea')").as_element()
    before = area.eval_on_selector_all("img", IMG_SRCS)
    control.scroll_into_view_if_needed()
    move()
    deadline, after = time.monotonic() + wait_s, before
    while after == before and time.monotonic() < deadline:
        page.wait_for_timeout(200)
        after = area.eval_on_selector_all("img", IMG_SRCS)
    page.wait_for_timeout(300)
    return bool(before), after != before



def menu(page, bar: str, item: str):
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(bar)}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).click()


def live_widget_problems(page, wait_s: float = 30) -> tuple[int, list[str]]:
    """Move every live ipywidgets slider (keyboard) and menu; each must redraw the figure of
    its output area. Returns ``(controls, problems)``."""
    label_js = ("c => { const w = c.closest('.widget-slider, .widget-dropdown');"
                " const l = w && w.querySelector('.widget-label');"
                " return l ? l.textContent.trim() : ''; }")
    handles = page.locator(f"{NOTEBOOK} .jp-OutputArea .noUi-handle")
    menus = page.locator(f"{NOTEBOOK} .jp-OutputArea .widget-dropdown select")
    controls = [("slider", handles.nth(i)) for i in range(handles.count())]
    controls += [("menu", menus.nth(i)) for i in range(menus.count())
                 if menus.nth(i).locator("option").count() > 1]
    problems = []
    for i, (kind, control) in enumerate(controls):
        if kind == "slider":
            at_max = control.get_attribute("aria-valuenow") == control.get_attribute(
                "aria-valuemax")

            def move(c=control, key="ArrowLeft" if at_max else "ArrowRight"):
                c.focus()
                page.keyboard.press(key)
        else:
            def move(c=control):
                c.select_option(index=0 if c.evaluate("s => s.selectedIndex") else 1)
        name = f"{kind} {i} ({control.evaluate(label_js)})"
        has_figure, changed = redraws(page, control, move, wait_s)
        if not has_figure:
            problems.append(f"{name}: no figure in its output area")
        elif not changed:
            problems.append(f"{name}: moving it did not change the figure within {wait_s:.0f} s")
    return len(controls), problems


@pytest.fixture(scope="session")
def lab_url(tmp_path_factory):
    """``jupyter lab`` on a copy of the book (127.0.0.1, a free port) for the session."""
    work = tmp_path_factory.mktemp("lab-check")
    for name in COPIED:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, work / name, ignore=shutil.ignore_patterns(
                ".ipynb_checkpoints", "__pycache__"))
        elif src.exists():
            shutil.copy2(src, work / name)
    for rel, value in LAB_SETTINGS.items():
        path = work / ".lab-settings" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(work / ".lab-settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(work / ".lab-workspaces"),
               OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "1"))
    env.pop("REPRCOURSE_WIDGETS", None)        # a student's kernel: live widgets
    env.pop("MPLBACKEND", None)                # the inline backend, as in a student's Lab
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(work / "jupyterlab.log", "w")
    proc = subprocess.Popen(
        [str(BIN / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         "--allow-root", "--IdentityProvider.token=", "--ServerApp.password=",
         f"--ServerApp.root_dir={work}"],
        cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                pytest.fail(f"jupyter lab exited ({proc.returncode}); log: {log.name}")
            try:
                urllib.request.urlopen(base + "api", timeout=2).close()
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"jupyter lab did not answer in 180 s; log: {log.name}")
                time.sleep(0.25)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)        # its own process group only
            proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def keys():
    """Glue names of every chapter and citation keys of references.bib (to spot bare keys)."""
    glue = set().union(*(glue_keys(json.loads((ROOT / nb).read_text())) for nb in CHAPTERS))
    bib = ROOT / "references.bib"
    return glue, bib_keys(bib.read_text()) if bib.exists() else set()


@pytest.fixture(scope="module", params=CHAPTERS, ids=lambda nb: Path(nb).stem)
def chapter(request, browser, lab_url):
    """One chapter after Edit → Clear Outputs, Run → Run All Cells, all code shown."""
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    page = context.new_page()
    visit = Visit(page=page, url=f"{lab_url}lab/tree/{request.param}?reset",
                  name=request.param)
    visit.offsite = record_offsite(context)
    # A dialog (e.g. "Select Kernel") takes its default.
    page.add_locator_handler(page.locator(".jp-Dialog"), lambda d: d.locator(
        "button.jp-mod-accept").click())
    page.goto(visit.url, wait_until="load")
    page.wait_for_selector(f"{NOTEBOOK} .jp-Cell", timeout=120_000)
    page.wait_for_timeout(2000)
    menu(page, "Edit", "Clear Outputs of All Cells")
    menu(page, "Run", "Run All Cells")
    try:
        page.wait_for_function(DONE_JS, timeout=TIMEOUT_S * 1000, polling=500)
    except PlaywrightError:
        visit.errors.append(f"Run All did not finish within {TIMEOUT_S:.0f} s")
    page.wait_for_timeout(2000)               # widgets and MathJax render after the last cell
    # Solution cells are collapsed (source hidden), and a hidden input has no prompt.
    menu(page, "View", "Expand All Code")
    page.wait_for_timeout(500)
    yield visit
    try:
        page.evaluate(SHUTDOWN_JS)            # free the kernel before the next chapter
    except PlaywrightError:
        pass
    context.close()


def test_run_all_finishes_and_every_cell_runs(chapter):
    assert chapter.errors == []
    ran, total = prompt_counts(chapter.page.evaluate(PROMPTS_JS))
    assert total and ran == total, f"{total - ran} of {total} code cells did not run"


def test_no_output_shows_an_exception(chapter):
    errors = [t for t in chapter.page.evaluate(STDERR_JS) if is_error_output(t)]
    last_lines = [[ln for ln in t.strip().splitlines() if ln.strip()][-1][:200] for t in errors]
    assert last_lines == []


def test_no_myst_is_left_raw(chapter, keys):
    glue, bib = keys
    found = []
    for i, cell in enumerate(chapter.page.evaluate(MARKDOWN_JS)):
        counts = raw_myst(cell, glue, bib)
        if counts:
            sample = (cell["prose"].strip().splitlines() or [""])[0][:70]
            found.append(f"Markdown cell {i} ({sample!r}): {format_counts(counts)}")
    assert found == []


def test_code_and_outputs_fit_their_boxes(chapter):
    assert describe_overflow(overflowing(chapter.page, CODE_BOXES)) == []


def test_live_sliders_redraw_their_figure(chapter):
    n, problems = live_widget_problems(chapter.page)
    assert problems == []


def test_static_widgets_change_their_frame(chapter):
    n, problems = static_widget_problems(chapter.page, NOTEBOOK)
    assert problems == []


def test_no_request_leaves_localhost(chapter):
    assert chapter.offsite == []
