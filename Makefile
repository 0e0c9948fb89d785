# `make book` builds the sample book; `make test` runs the test suite.
# Both create the local virtual environment .venv from pyproject.toml first.
# `make mutate [MODULES="quotations citations/syntax"]` runs mutation testing (mutmut) of the
# core modules against their own tests and prints a score per module (tools/mutation.toml).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: book check test bench bench-large fuzz diff stats clean distclean ace ace-if-npm a11y reference-docx mutate

book: $(STAMP)
	$(PY) build.py build --format all --strict

check: $(STAMP)
	$(PY) build.py check --strict

# Ace by DAISY is installed for the accessibility tests where npm is present; without it
# (or without Debian's chromium) those tests skip and say why.
test: $(STAMP) ace-if-npm
	$(PY) -m pytest -q -n auto

bench: $(STAMP)
	$(PY) bench/run.py

# The same at 100,000 and 1,000,000 words, and how each time grows with the book (about an hour).
bench-large: $(STAMP)
	$(PY) bench/run.py --words 100000 --words 1000000

# The long property-test campaign (20,000 examples per parser); `make test` runs 150.
fuzz: $(STAMP)
	QUIRE_HYPOTHESIS_PROFILE=campaign $(PY) -m pytest -q tests/test_properties.py --hypothesis-show-statistics

# Ace by DAISY (EPUB accessibility checker) into .tools/ace/, from the npm registry;
# `make a11y` runs it on the sample book and on every book in tests/books/.
ace:
	tests/tools/install-ace.sh

ACE := .tools/ace/node_modules/.bin/ace-cli
ace-if-npm:
	@if command -v npm >/dev/null 2>&1 && [ ! -x $(ACE) ]; then \
	  tests/tools/install-ace.sh >/dev/null || echo "Ace by DAISY not installed: its tests will skip"; fi

a11y: $(STAMP)
	QUIRE_ACE_ALL=1 $(PY) -m pytest -q tests/test_epub_a11y.py

# quire's reference.docx (and the sample book's copy), made again from pandoc's own.
reference-docx: $(STAMP)
	$(PY) scripts/make_reference_docx.py --sample-too


# --- citation oracle (apaengine) ---
# quire's citations against pandoc's citeproc over every work of tests/corpus/cdl-slice.bib
# (640 works); `make test` compares the first 80.
.PHONY: oracle
oracle: $(STAMP)
	QUIRE_ORACLE_ITEMS=0 $(PY) -m pytest -q -s tests/test_citations_oracle.py -k public

# --- mutation testing (make mutate): one mutmut session per module, at low priority ---
MUTATION_STAMP := $(VENV)/.mutation-installed
MODULES ?=
mutate: $(MUTATION_STAMP)
	nice -n 10 $(PY) tools/mutate.py $(MODULES)

$(MUTATION_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,mutation]'
	touch $(MUTATION_STAMP)

# make diff OLD=<revision or build folder> [NEW=<revision or build folder>] [FORMAT=text|html|docx]
OLD ?= HEAD
NEW ?= WORKTREE
FORMAT ?= text
diff: $(STAMP)
	$(PY) build.py diff --format $(FORMAT) $(OLD) $(NEW)

stats: $(STAMP)
	$(PY) build.py stats

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf build

distclean: clean
	rm -rf $(VENV) *.egg-info
