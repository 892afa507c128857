"""The core path (issue 24): every section and exercise is marked core or extension, each
chapter's stated core and whole times are the sums of its markers, and the core of the whole
course fits a lecture week (≈ 80 min of class plus ≈ 3 h of study).

The markers are plain Markdown, so they read the same in JupyterLab and on the site:

* the first line under every ``##`` section heading (Setup, Summary and References aside) is
  ``**Core** · ≈ N min`` or ``**Extension** · ≈ N min``;
* every ``{exercise}`` title ends with ``(core)`` or ``(extension)``;
* the chapter's objectives say ``Core: ≈ X min · whole chapter: ≈ Y min``.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "book").glob("[0-9]*.ipynb"))
UNTIMED = {"setup", "summary", "references", "summary and references"}
MARKER = re.compile(r"^\*\*(Core|Extension)\*\* · ≈ (\d+) min\s*$")
STATED = re.compile(r"Core: ≈ (\d+) min · whole chapter: ≈ (\d+) min")
EXERCISE = re.compile(r"^`{3,}\{exercise\}(.*)$", re.MULTILINE)
#: Study time of the whole course's core: ≈ 3 h, with some slack for rounding per section.
COURSE_CORE_MINUTES = (150, 200)


def markdown(path):
    return [c.source for c in nbformat.read(path, as_version=4).cells
            if c.cell_type == "markdown"]


def sections(path):
    """``(heading, first line under it)`` for every ``##`` heading, in order."""
    lines = "\n".join(markdown(path)).splitlines()
    out = []
    for i, line in enumerate(lines):
        if line.startswith("## "):
            rest = [l.strip() for l in lines[i + 1:] if l.strip()]
            out.append((line[3:].strip(), rest[0] if rest else ""))
    return out


def timed(path):
    """``(heading, kind, minutes)`` for every section that needs a marker."""
    out = []
    for heading, first in sections(path):
        if heading.lower() in UNTIMED:
            continue
        match = MARKER.match(first)
        out.append((heading, match and match.group(1), match and int(match.group(2))))
    return out


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_section_is_marked(path):
    unmarked = [heading for heading, kind, _ in timed(path) if kind is None]
    assert timed(path), f"{path.name}: no timed section"
    assert not unmarked, f"{path.name}: sections without a core/extension marker: {unmarked}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_exercise_is_marked(path):
    titles = [m.group(1).strip() for src in markdown(path) for m in EXERCISE.finditer(src)]
    unmarked = [t for t in titles if not re.search(r"\((core|extension)\)$", t)]
    assert not unmarked, f"{path.name}: exercises without (core)/(extension): {unmarked}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_stated_times_are_the_sums_of_the_markers(path):
    stated = [m for src in markdown(path) for m in STATED.finditer(src)]
    assert len(stated) == 1, f"{path.name}: state 'Core: ≈ X min · whole chapter: ≈ Y min' once"
    core, whole = map(int, stated[0].groups())
    marks = timed(path)
    assert core == sum(n for _, kind, n in marks if kind == "Core"), path.name
    assert whole == sum(n for _, _, n in marks), path.name
    assert 0 < core <= whole


def test_the_course_core_fits_a_lecture_week():
    core = sum(n for path in CHAPTERS for _, kind, n in timed(path) if kind == "Core")
    low, high = COURSE_CORE_MINUTES
    assert low <= core <= high, f"the core of all chapters takes {core} min of study"
