# The two commands: `make run` serves the app with demo data, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: run test test-fast install lock lint translations translations-update static migrate seed bench worker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Re-install only when the locked dependencies change. The versions and hashes come from
# requirements-dev.lock (the app's requirements.lock plus the dev extra), never from a fresh
# resolution; the project itself is installed on top without its dependencies.
$(VENV)/.installed: requirements-dev.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# Regenerate both lock files from pyproject.toml after changing its dependencies: pins already in
# the files are kept unless LOCK_FLAGS=--upgrade (or --upgrade-package NAME). The dev lock is
# constrained by the app's, so the two never disagree on a version. Run `make install` afterwards.
PIP_COMPILE_OPTIONS := --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
    --no-emit-find-links $(LOCK_FLAGS)
lock: | $(BIN)/python
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile $(PIP_COMPILE_OPTIONS) --output-file requirements.lock pyproject.toml
	$(BIN)/pip-compile $(PIP_COMPILE_OPTIONS) --extra dev --constraint requirements.lock \
	    --output-file requirements-dev.lock pyproject.toml

# Style (ruff) and declared dependencies, as bin/test-all checks them before the tests.
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python bin/check-dependencies

install: $(VENV)/.installed translations static

BABEL_KEYWORDS := -k _l -k lazy_gettext -k lazy_ngettext:1,2 -k lazy_pgettext:1c,2 -k lazy_npgettext:1c,2,3

# Our catalogues, then WTForms' own messages in the languages WTForms ships none for (domain "wtforms").
translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d expo/translations -f >/dev/null
	$(BIN)/pybabel compile -d expo/translations/wtforms -D wtforms -f >/dev/null

# Content-hashed, compressed copies of static/ in build/static; the app also does this when it starts.
static: $(VENV)/.installed
	$(BIN)/python -m expo.static_files >/dev/null

# After adding or changing user-facing strings: new entries arrive empty in each catalogue.
translations-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) --sort-by-file --project Expo \
	    --copyright-holder "Expo contributors" -o expo/translations/messages.pot .
	$(BIN)/pybabel update -i expo/translations/messages.pot -d expo/translations --no-fuzzy-matching --ignore-obsolete

migrate: install
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask expo seed-demo --if-empty

# Web server, one Celery worker and one beat on the embedded default (SQLite database and broker),
# supervised by expo/embedded.py: a dead worker or beat is started again, Ctrl-C stops all within seconds.
run: seed
	HOST=$(HOST) PORT=$(PORT) bin/run-embedded

worker: install
	$(BIN)/celery -A worker.app worker --loglevel=INFO

# Unit, HTTP and security tests on SQLite, then again on PostgreSQL with the integration tests, then the browser.
test: install
	bin/test-all

test-fast: install
	$(BIN)/pytest -q tests/unit tests/http tests/security

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) instance build .pytest_cache
