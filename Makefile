# `make book` builds the sample book; `make test` runs the test suite.
# Both create the local virtual environment .venv from pyproject.toml first.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: book check test bench clean distclean

book: $(STAMP)
	$(PY) build.py build --format all --strict

check: $(STAMP)
	$(PY) build.py check --strict

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) bench/run.py

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf build

distclean: clean
	rm -rf $(VENV) *.egg-info
