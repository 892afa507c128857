# Two commands: `make book` builds the site, `make test` runs every test. Both set up .venv.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
JOBS ?= 2

.PHONY: all venv book test test-package test-notebooks test-numerics lab lab-check student student-check outputs \
	site-check slides slides-check bench clean

all: test

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -c "import reprcourse, torch, sklearn, nbval, jupyter_book"
	touch $(STAMP)

venv: $(STAMP)

## Build the Jupyter Book site offline into _build/html (notebooks executed, warnings are errors).
## --all: every page is rebuilt and every notebook re-run, so a stale page can never hide a failure.
## Widgets are drawn as kernel-free frames whenever no live front end runs the notebook, so a
## plain `jupyter-book build .` gives the same site.
book: $(STAMP)
	OMP_NUM_THREADS=1 MPLBACKEND=Agg $(BIN)/jupyter-book build . --all -W --keep-going
	$(SLIDES) --site _build/html --reuse

## The lecture slides: one offline reveal.js deck per part of the lecture into _build/slides
## (figures and sliders drawn by reprcourse at slide size), and into _build/html/slides when
## the site is built, where its page "Instructors: slides" links them. `make book` copies the
## decks of an earlier `make slides` when they were built from the same sources (a hash of the
## slide sources, the build script, the package and the chapters' headings), else builds them.
SLIDES = OMP_NUM_THREADS=1 MPLBACKEND=Agg $(BIN)/python scripts/build_slides.py --out _build/slides
slides: $(STAMP)
	$(SLIDES) $(if $(wildcard _build/html/index.html),--site _build/html)

## Open every deck in headless Chromium at 1280 x 720: reveal.js running, every slide fits,
## math typeset, text >= 24 px, notes, no console error, no request off 127.0.0.1, sliders.
## Screenshots: _build/slides-check.
slides-check: slides
	$(CHROMIUM)
	REPRCOURSE_SLIDES_CHECK=1 MPLBACKEND=Agg $(BIN)/python -m pytest tests/browser/test_slides.py \
		-q -p no:cacheprovider

## Build the site, then open every page in headless Chromium as a visitor would (no network),
## at 1 280 px and on a 390-px phone: tests/browser/test_site.py (pytest + pytest-playwright):
## console errors, MathJax, static sliders, requests off localhost, code widths, axe-core
## WCAG 2.1 AA, drawers, formulas and figures on a phone. Failures leave screenshots in
## _build/site-check. One page: `$(BIN)/python -m pytest tests/browser/test_site.py -k 02_sparse`.
site-check: book
	$(CHROMIUM)
	$(BIN)/python -m pytest tests/browser/test_site.py -p no:cacheprovider -q \
		--output _build/site-check

## Package tests, then every notebook under nbval.
test: test-package test-notebooks

test-package: $(STAMP)
	OMP_NUM_THREADS=1 MPLBACKEND=Agg $(BIN)/python -m pytest tests -n $(JOBS) -q

# nbval compares stored outputs with tests/nbval_numbers.py: numbers at the precision a reader
# sees (last-digit and rounding-boundary changes pass; a sign, a 1 % change or a word fails),
# so the stored outputs pass on any CPU, BLAS and thread count. Widgets run as static frames
# here (no live front end), as on the site.
NBVAL = $(BIN)/python -m pytest --nbval book --nbval-sanitize-with tests/nbval_sanitize.cfg \
	-p tests.nbval_numbers -p no:cacheprovider -q
test-notebooks: $(STAMP)
	OMP_NUM_THREADS=1 MPLBACKEND=Agg $(NBVAL) -n $(JOBS) --dist loadscope

## The notebooks again on two other numerical paths, as another CPU would compute them: other
## MKL modes (MKL_CBWR), other torch SIMD kernels (ATEN_CPU_CAPABILITY, both exist on any
## AVX2 CPU), other OpenBLAS kernels (OPENBLAS_CORETYPE) and another thread count. Each of these
## changes a float32 training trajectory; the stored outputs must pass on every path. CI runs it.
NUMERIC_A := MKL_CBWR=COMPATIBLE ATEN_CPU_CAPABILITY=default OPENBLAS_CORETYPE=Haswell
NUMERIC_B := MKL_CBWR=AUTO,STRICT ATEN_CPU_CAPABILITY=avx2 OPENBLAS_CORETYPE=Sandybridge
test-numerics: $(STAMP)
	@echo "== numerical path A: $(NUMERIC_A), two workers with one thread each"
	env $(NUMERIC_A) OMP_NUM_THREADS=1 MPLBACKEND=Agg $(NBVAL) -n $(JOBS) --dist loadscope
	@echo "== numerical path B: $(NUMERIC_B), one worker with two threads"
	env $(NUMERIC_B) OMP_NUM_THREADS=2 MPLBACKEND=Agg $(NBVAL) -n 1 --dist loadscope

## Open the chapters in JupyterLab (MyST rendered by jupyterlab-myst).
lab: $(STAMP)
	$(BIN)/jupyter lab book/

CHROMIUM := test -x /usr/bin/chromium || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

## Open every chapter in a real JupyterLab in headless Chromium as a student would: clear the
## outputs, Run All, then check cells, errors, raw MyST, sliders, code width
## (tests/browser/test_lab.py; failures leave screenshots in _build/lab-check).
lab-check: $(STAMP)
	$(CHROMIUM)
	MPLBACKEND=Agg $(BIN)/python -m pytest tests/browser/test_lab.py -p no:cacheprovider -q \
		--output _build/lab-check

## The student edition: every chapter without its `solution` cells, into _build/student.
student: $(STAMP)
	$(BIN)/python scripts/make_student.py --out _build/student

## Run the student edition top to bottom, untouched (no solution cells): it must not raise;
## every check reports "not attempted yet".
student-check: student
	OMP_NUM_THREADS=1 MPLBACKEND=Agg $(BIN)/python scripts/execute_notebooks.py _build/student/*.ipynb

## Re-execute the chapters in place and store their outputs (and the values of inline
## {eval} roles, which JupyterLab shows before anything runs). Run after changing a chapter.
outputs: $(STAMP)
	OMP_NUM_THREADS=1 MPLBACKEND=Agg $(BIN)/python scripts/execute_notebooks.py

bench: $(STAMP)
	$(BIN)/python benchmarks/sparse_coding.py
	$(BIN)/python benchmarks/dictionary_learning.py
	$(BIN)/python benchmarks/widgets.py

clean:
	rm -rf _build .pytest_cache
