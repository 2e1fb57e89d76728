# The two commands: `make run` serves the app with demo data, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: run test test-fast install translations translations-update static migrate seed bench worker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Re-install only when the dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

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
