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
book: $(STAMP)
	REPRCOURSE_WIDGETS=static MPLBACKEND=Agg $(BIN)/jupyter-book build . -W --keep-going

## Package tests, then every notebook under nbval.
test: test-package test-notebooks

test-package: $(STAMP)
	MPLBACKEND=Agg $(BIN)/python -m pytest tests -n $(JOBS) -q

test-notebooks: $(STAMP)
	MPLBACKEND=Agg $(BIN)/python -m pytest --nbval book -n $(JOBS) --dist loadscope -q \
		--nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider

## Open the chapters in JupyterLab.
lab: $(STAMP)
	$(BIN)/jupyter lab book/

bench: $(STAMP)
	$(BIN)/python benchmarks/sparse_coding.py

clean:
	rm -rf _build .pytest_cache
