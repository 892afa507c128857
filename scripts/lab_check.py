"""Check the chapters as a student meets them: JupyterLab in a real browser, Run All.

Copies ``book/`` (with ``_toc.yml``, ``_config.yml`` and ``references.bib``) to a temporary
folder (JupyterLab autosaves the notebooks it runs: never the repository's own), starts
``jupyter lab`` from the venv on a free 127.0.0.1 port with its own settings (all cells in the
DOM, no news pop-up) and workspaces, and opens every notebook chapter of ``_toc.yml`` in headless
Chromium at 1280 px (Debian's ``chromium``, driven by playwright; no browser is downloaded, no
request may leave localhost). For each chapter: Edit → Clear Outputs of All Cells, Run → Run
All Cells, wait until every code cell has run (``--timeout`` s), then fail the chapter unless

* every code cell ran (its prompt holds a number);
* no output shows an exception (stderr text with a traceback; warnings are not errors);
* no MyST is left raw in the rendered Markdown: roles (``{cite}``), directive fences
  (```` ```{note} ````, ``:::{…}``), option lines (``:class:``), citations and references the
  renderer could not resolve, and bare ``glue`` keys or ``references.bib`` keys in the prose;
* every live slider (ipywidgets, ``.noUi-handle``) redraws its figure when moved with the
  keyboard, and every kernel-free widget (``.rc-widget``) swaps its frame;
* no code line is wider than its editor, and no output or Markdown code block is wider than its
  box.

Screenshots (the whole notebook in slices, and each widget after its slider moved) go to
``--out``. Prints a table, the problems, and a last line ``N passed, M failed``; exit status 0
only when every chapter passed.

Usage: ``python scripts/lab_check.py [--pages 00 02 ...] [--out DIR] [--timeout S] [--keep]
[--root DIR]``
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError

from browser import (PageReport, background_server, check_static_widgets, chromium,
                     chromium_missing, describe_overflow, free_port, overflowing, summary_line,
                     toc_documents)

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
COPIED = ("book", "_toc.yml", "_config.yml", "references.bib")
LAB_SETTINGS = {
    # Without it only the cells in view are in the DOM.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    # Without it a news pop-up covers the page.
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
}
WIDTH, HEIGHT, SHOT_HEIGHT = 1280, 900, 2000

# --- what the page shows, classified here (pure functions; tests/test_lab_check.py) ----------

PROMPT_DONE = re.compile(r"^\[\d+\]:?$")
# An exception as IPython prints it; a warning's line starts with the file name, not the class.
ERROR_TEXT = re.compile(r"Traceback \(most recent call last\)|^\s*[\w.]*(Error|Exception)\b",
                        re.M)
# A role left raw: {name} or {domain:name}, not TeX (\mathbf{x}, x^{2}, a_{i}, }{) and not the
# name of a directive fence (counted as a directive).
ROLE = re.compile(r"(?<![\w\\^_}:`~])\{([a-z][\w-]*(?::[\w-]+)*)\}")
DIRECTIVE = re.compile(r"^\s*(?:```+|~~~+|:::+)\s*\{[a-z]", re.M)
OPTION = re.compile(r"^\s*:([a-z][\w-]*):(?=\s|$)", re.M)
GLUE_CALL = re.compile(r"""\bglue\(\s*["']([^"'{}]+)["']""")
GLUE_ROLE = re.compile(r"\{glue(?::\w+)?\}`([^`:]+)")
BIB_KEY = re.compile(r"^@\w+\s*\{\s*([^,\s]+)\s*,", re.M)


def select_chapters(chapters: list[str], wanted: list[str] | None) -> list[str]:
    """The chapters named in ``wanted`` (a number prefix such as ``02``, a stem such as
    ``02_sparse_coding``, or a path such as ``book/02_sparse_coding.ipynb``), in toc order.
    Raises ValueError for a name that matches no chapter."""
    if not wanted:
        return list(chapters)
    chosen = set()
    for name in wanted:
        stem = Path(name).name.removesuffix(".ipynb")
        hits = [c for c in chapters
                if Path(c).stem == stem or Path(c).stem.split("_")[0] == stem]
        if not hits:
            raise ValueError(f"no chapter matches {name!r}; chapters: "
                             f"{', '.join(Path(c).stem for c in chapters)}")
        chosen.update(hits)
    return [c for c in chapters if c in chosen]


def prompt_counts(prompts: list[str]) -> tuple[int, int]:
    """``(ran, total)`` of code cells from their prompts (``[3]:`` ran; ``[ ]:``, ``[*]:`` not)."""
    return sum(bool(PROMPT_DONE.match(p.strip())) for p in prompts), len(prompts)


def is_error_output(text: str) -> bool:
    """Whether a stderr output shows an exception (a traceback), not a warning or progress."""
    return bool(ERROR_TEXT.search(text))


def glue_keys(notebook: dict) -> set[str]:
    """Glue names of a notebook: glued by a code cell (``glue("name", ...)``) or pasted by a
    Markdown cell (``{glue:text}`name:.2f```)."""
    keys = set()
    for cell in notebook.get("cells", []):
        pattern = GLUE_CALL if cell.get("cell_type") == "code" else GLUE_ROLE
        keys.update(k.strip() for k in pattern.findall("".join(cell.get("source", ""))))
    return keys


def bib_keys(bibtex: str) -> set[str]:
    """Citation keys of a BibTeX file."""
    return set(BIB_KEY.findall(bibtex))


def raw_myst(cell: dict, glue: set[str] = frozenset(), bib: set[str] = frozenset()) -> Counter:
    """Raw MyST in one rendered Markdown cell, counted by kind.

    ``cell`` is what the page shows: ``prose`` (the rendered text without math and code),
    ``fenced`` (the text of each code block whose language is a ``{directive}``: how plain
    Markdown shows a backtick directive) and ``unresolved`` (``[kind, text]`` for what the MyST
    renderer marks as a citation, ``cite?``, or reference, ``ref?``, it could not find).
    Kinds: ``{name}`` for each role, ``directive``, ``option``, ``cite?``, ``ref?``, ``glue key``
    and ``bib key``. Code blocks are not searched for roles: an f-string is not a role.
    """
    prose, fenced = cell.get("prose", ""), cell.get("fenced", [])
    found = Counter(f"{{{name}}}" for name in ROLE.findall(prose))
    found["directive"] = len(fenced) + len(DIRECTIVE.findall(prose))
    found["option"] = sum(len(OPTION.findall(text)) for text in [prose, *fenced])
    found.update(kind for kind, _ in cell.get("unresolved", []))
    for kind, keys in (("glue key", glue), ("bib key", bib)):
        found[kind] = sum(len(re.findall(rf"(?<![\w-]){re.escape(k)}(?![\w-])", prose))
                          for k in keys)
    return +found


def format_counts(counts: Counter) -> str:
    return ", ".join(f"{k}×{n}" for k, n in sorted(counts.items(), key=lambda kv: -kv[1])) or "0"


# --- the page -------------------------------------------------------------------------------

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


def menu(page, bar: str, item: str):
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(bar)}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).click()


def screenshots(page, shots: Path, stem: str) -> int:
    """The whole notebook, one viewport-high slice at a time (it scrolls inside the page)."""
    page.set_viewport_size({"width": WIDTH, "height": SHOT_HEIGHT})
    n, top = 0, 0
    try:
        while n < 60:
            state = page.evaluate(SCROLLER_JS, top)
            page.wait_for_timeout(300)
            page.screenshot(path=str(shots / f"{stem}-{n:02d}.png"))
            n += 1
            if state is None or state[0] + state[1] >= state[2] - 1:
                break
            top = state[0] + state[1] - 40
        page.evaluate(SCROLLER_JS, 0)
    finally:
        page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    return n


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


def check_live_widgets(page, report: PageReport, shots: Path, stem: str, wait_s: float = 30):
    """Every live ipywidgets slider (moved with the keyboard) and menu redraws the figure of
    its output area; one screenshot of the output area after each move. Returns
    ``(redrawn, controls)``."""
    label_js = ("c => { const w = c.closest('.widget-slider, .widget-dropdown');"
                " const l = w && w.querySelector('.widget-label');"
                " return l ? l.textContent.trim() : ''; }")
    handles = page.locator(f"{NOTEBOOK} .jp-OutputArea .noUi-handle")
    menus = page.locator(f"{NOTEBOOK} .jp-OutputArea .widget-dropdown select")
    controls = [("slider", handles.nth(i)) for i in range(handles.count())]
    controls += [("menu", menus.nth(i)) for i in range(menus.count())
                 if menus.nth(i).locator("option").count() > 1]
    redrawn = 0
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
        control.evaluate_handle("c => c.closest('.jp-OutputArea')").as_element().screenshot(
            path=str(shots / f"{stem}--{kind}{i}.png"))
        if not has_figure:
            report.fail(f"{name}: no figure in its output area")
        elif not changed:
            report.fail(f"{name}: moving it did not change the figure within {wait_s:.0f} s")
        else:
            redrawn += 1
    return redrawn, len(controls)


def check_chapter(context, base: str, nb: str, shots: Path, glue: set[str], bib: set[str],
                  timeout_s: float) -> tuple[PageReport, dict]:
    """Open one chapter, clear, Run All, check; returns the report and the table's row."""
    report = PageReport(nb)
    row = {"ran": "-", "errors": "-", "myst": Counter(), "sliders": "-", "wide": "-"}
    stem = Path(nb).stem
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: console.append(f"uncaught: {exc}"))
    # A dialog (e.g. "Select Kernel" for a notebook without kernelspec) takes its default.
    page.add_locator_handler(page.locator(".jp-Dialog"), lambda d: (
        report.notes.append(f"dialog: {d.inner_text()[:80]!r}"),
        d.locator("button.jp-mod-accept").click()))
    try:
        page.goto(f"{base}lab/tree/{nb}?reset", wait_until="load")
        page.wait_for_selector(f"{NOTEBOOK} .jp-Cell", timeout=120_000)
        page.wait_for_timeout(2000)
        menu(page, "Edit", "Clear Outputs of All Cells")
        menu(page, "Run", "Run All Cells")
        started = time.monotonic()
        try:
            page.wait_for_function(DONE_JS, timeout=timeout_s * 1000, polling=500)
        except PlaywrightError:
            report.fail(f"Run All did not finish within {timeout_s:.0f} s")
        report.notes.append(f"ran in {time.monotonic() - started:.0f} s")
        page.wait_for_timeout(2000)           # widgets and MathJax render after the last cell
        # Solution cells are collapsed (source hidden), and a hidden input has no prompt:
        # show every input before counting the cells that ran.
        menu(page, "View", "Expand All Code")
        page.wait_for_timeout(500)

        ran, total = prompt_counts(page.evaluate(PROMPTS_JS))
        row["ran"] = f"{ran}/{total}"
        if ran < total:
            report.fail(f"{total - ran} of {total} code cells did not run")
        errors = [t for t in page.evaluate(STDERR_JS) if is_error_output(t)]
        row["errors"] = len(errors)
        for text in errors[:3]:
            last = [ln for ln in text.strip().splitlines() if ln.strip()][-1]
            report.fail(f"error shown: {last[:200]}")

        for i, cell in enumerate(page.evaluate(MARKDOWN_JS)):
            counts = raw_myst(cell, glue, bib)
            row["myst"].update(counts)
            if counts:
                sample = (cell["prose"].strip().splitlines() or [""])[0][:70]
                report.fail(f"Markdown cell {i} ({sample!r}): raw MyST {format_counts(counts)}")

        n_shots = screenshots(page, shots, stem)     # as the student sees it: answers closed
        wide = overflowing(page, CODE_BOXES)
        row["wide"] = len(wide)
        for line in describe_overflow(wide):
            report.fail(f"wider than its box: {line}")
        moved, n_sliders = check_live_widgets(page, report, shots, stem)
        n_static = check_static_widgets(page, report, shots, stem)
        row["sliders"] = f"{moved}/{n_sliders}" + (f" +{n_static} static" if n_static else "")
        report.notes.append(f"{n_shots} screenshot slice(s)")
    except PlaywrightError as exc:
        report.fail(f"check aborted: {str(exc).splitlines()[0]}")
    finally:
        try:
            page.evaluate(SHUTDOWN_JS)        # free the kernel before the next chapter
        except PlaywrightError:
            pass
        page.close()
    if console:
        report.notes.append(f"{len(console)} console error(s), e.g. {console[0][:120]!r}")
    return report, row


def print_table(rows: list[tuple[PageReport, dict]]):
    head = f"{'chapter':<28} {'cells ran':>9} {'errors':>6} {'raw MyST':>8} {'redrawn':>10} " \
           f"{'too wide':>8}  result"
    print(head)
    print("-" * len(head))
    for report, row in rows:
        print(f"{Path(report.path).stem:<28} {row['ran']:>9} {row['errors']:>6} "
              f"{sum(row['myst'].values()):>8} {row['sliders']:>10} {row['wide']:>8}  "
              f"{'ok' if not report.problems else 'FAIL'}")
    print()
    for report, row in rows:
        print(f"{report.path}: {'; '.join(report.notes)}")
        if row["myst"]:
            print(f"       raw MyST by kind: {format_counts(row['myst'])}")
        for msg in report.problems:
            print(f"       - {msg}")


def prepare(root: Path, work: Path) -> dict:
    """Copy the book from ``root`` into ``work`` and write JupyterLab's settings; returns the
    server's environment."""
    for name in COPIED:
        src = root / name
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
    return env


def run(root: Path, chapters: list[str], shots: Path, timeout_s: float, keep: bool) -> int:
    if chromium_missing():
        return 2
    shots.mkdir(parents=True, exist_ok=True)
    glue = set().union(*(glue_keys(json.loads((root / nb).read_text())) for nb in chapters))
    bib_path = root / "references.bib"
    bib = bib_keys(bib_path.read_text()) if bib_path.exists() else set()
    work = Path(tempfile.mkdtemp(prefix="lab-check-"))
    rows = []
    try:
        env = prepare(root, work)
        port = free_port()
        cmd = [str(BIN / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               "--allow-root", "--IdentityProvider.token=", "--ServerApp.password=",
               f"--ServerApp.root_dir={work}"]
        with background_server(cmd, f"http://127.0.0.1:{port}/api", cwd=work, env=env,
                               timeout=180, log=shots / "jupyterlab.log") as api, \
                chromium() as browser:
            base = api.removesuffix("api")
            context = browser.context(WIDTH, HEIGHT)
            for nb in chapters:
                n_external = len(browser.external)
                print(f"checking {nb} ...", flush=True)
                report, row = check_chapter(context, base, nb, shots, glue, bib, timeout_s)
                for url in sorted(set(browser.external[n_external:])):
                    report.fail(f"request off localhost (blocked): {url}")
                rows.append((report, row))
    finally:
        if keep:
            print(f"kept the working copy: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print_table(rows)
    print(f"screenshots: {shots}")
    reports = [r for r, _ in rows]
    print(summary_line(reports))
    return 0 if reports and all(not r.problems for r in reports) else 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=str(ROOT),
                        help="the folder holding _toc.yml and book/ (default: this repository)")
    parser.add_argument("--pages", nargs="*", help="chapters to check, e.g. 00 02 "
                        "or book/03_ista_recovery.ipynb (default: every notebook of _toc.yml)")
    parser.add_argument("--out", default=str(ROOT / "_build" / "lab-check"),
                        help="screenshot folder (default: _build/lab-check)")
    parser.add_argument("--timeout", type=float, default=180,
                        help="seconds Run All may take per chapter (default 180)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    chapters = [f"{d}.ipynb" if not d.endswith(".ipynb") else d
                for d in toc_documents(root / "_toc.yml")]
    chapters = [c for c in chapters if (root / c).is_file()]
    try:
        chapters = select_chapters(chapters, args.pages)
    except ValueError as exc:
        parser.error(str(exc))
    return run(root, chapters, Path(args.out).resolve(), args.timeout, args.keep)


if __name__ == "__main__":
    sys.exit(main())
