# Two commands: `make book` builds the site, `make test` runs every test. Both set up .venv.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
JOBS ?= 2

.PHONY: all venv book test test-package test-notebooks lab site-check bench clean

all: test

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt 2>&1 | grep -v "is ignored: it is neither" || true
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e . 2>&1 | grep -v "is ignored: it is neither" || true
	$(BIN)/python -c "import reprcourse, torch, sklearn, nbval, jupyter_book"
	touch $(STAMP)

venv: $(STAMP)

## Build the Jupyter Book site offline into _build/html (notebooks executed, warnings are errors).
## --all: every page is rebuilt and every notebook re-run, so a stale page can never hide a failure.
book: $(STAMP)
	OMP_NUM_THREADS=1 REPRCOURSE_WIDGETS=static MPLBACKEND=Agg $(BIN)/jupyter-book build . --all -W --keep-going

## Build the site, then open every page in headless Chromium as a visitor would (no network):
## console errors, MathJax, static sliders, requests off localhost. Screenshots: _build/site-check.
site-check: book
	test -x /usr/bin/chromium || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)
	$(BIN)/python scripts/site_check.py _build/html --out _build/site-check

## Package tests, then every notebook under nbval.
test: test-package test-notebooks

test-package: $(STAMP)
	OMP_NUM_THREADS=1 MPLBACKEND=Agg $(BIN)/python -m pytest tests -n $(JOBS) -q

# Widgets run in static mode here: live ipywidgets under a headless client can deadlock at
# random (jupyter/nbclient#312), and their cells are nbval-ignore-output anyway; the live
# path is covered by the package tests.
test-notebooks: $(STAMP)
	REPRCOURSE_WIDGETS=static OMP_NUM_THREADS=1 MPLBACKEND=Agg $(BIN)/python -m pytest --nbval book -n $(JOBS) --dist loadscope -q \
		--nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider

## Open the chapters in JupyterLab.
lab: $(STAMP)
	$(BIN)/jupyter lab book/

bench: $(STAMP)
	$(BIN)/python benchmarks/sparse_coding.py
	$(BIN)/python benchmarks/dictionary_learning.py
	$(BIN)/python benchmarks/widgets.py

clean:
	rm -rf _build .pytest_cache
