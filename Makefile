# Yishi: `make run` serves the demo, `make test` runs ruff and the whole test suite.
# Works on a fresh Debian/Ubuntu machine with Python 3.11 (GNU make).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi
TRANSLATIONS := app/translations
POT := $(TRANSLATIONS)/messages.pot
LOCALES := en
PYTEST_ARGS ?=
# Test processes: one per core (pytest-xdist); each gets its own PostgreSQL database.
PYTEST_WORKERS ?= auto

# `make serve`: production. MIGRATE=0 skips `flask db upgrade` (hosts after the first).
MIGRATE ?= 1

.PHONY: help run serve test test-all lint translations compile-translations chromium clean

help:
	@echo "make run           create .venv, install, migrate, seed the demo, serve on http://$(HOST):$(PORT)"
	@echo "make serve         production: check the settings, migrate, gunicorn -c gunicorn.conf.py"
	@echo "make test          install dev requirements, compile translations, ruff, the whole pytest suite"
	@echo "make test-all      the same, with every database test on PostgreSQL too (TEST_DATABASE_URL)"
	@echo "make translations  extract messages and update the catalogues in $(TRANSLATIONS)"

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11 (apt-get install python3.11 python3.11-venv)"; exit 1; }
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { echo "$(PYTHON) has no venv/ensurepip: apt-get install python3.11-venv"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Stamps: reinstall only when a requirements file changed.
$(VENV)/.requirements.stamp: requirements.txt | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt
	@touch $@

$(VENV)/.requirements-dev.stamp: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-dev.txt
	@touch $@ $(VENV)/.requirements.stamp

compile-translations: | $(BIN)/python
	$(BIN)/pybabel -q compile -d $(TRANSLATIONS)

run: $(VENV)/.requirements.stamp
	@$(MAKE) --no-print-directory compile-translations
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	$(FLASK) run --host $(HOST) --port $(PORT)

# Production (README "Production"; settings in deploy/yishi.env.example, read from the
# environment). The check refuses, in one line, to start without SECRET_KEY, UPLOAD_DIR or
# DATABASE_URL; then the schema is brought to head and gunicorn takes over this process.
serve: export YISHI_CONFIG = production
serve: $(VENV)/.requirements.stamp
	@$(BIN)/python -m app.core.settings_check
	@$(MAKE) --no-print-directory compile-translations
	@if [ "$(MIGRATE)" != 0 ]; then $(FLASK) db upgrade; fi
	exec $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

# Browser tests need Debian's Chromium (and CJK fonts for readable screenshots).
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing chromium and fonts-noto-cjk for the browser tests"; \
	    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-noto-cjk; \
	  else \
	    echo "Chromium is missing: the browser tests need it. Install it with" >&2; \
	    echo "  sudo apt-get install -y chromium fonts-noto-cjk" >&2; \
	    exit 1; \
	  fi; \
	fi
	@# Without CJK fonts the tests pass but screenshots show boxes for Chinese text.
	@if command -v fc-list >/dev/null 2>&1 && [ -z "$$(fc-list :lang=zh family)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    { DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-noto-cjk \
	      || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-noto-cjk; }; } \
	      || echo "Could not install fonts-noto-cjk: screenshots will be unreadable" >&2; \
	  else \
	    echo "No Chinese font: screenshots will be unreadable (sudo apt-get install fonts-noto-cjk)" >&2; \
	  fi; \
	fi

lint: $(VENV)/.requirements-dev.stamp
	$(BIN)/ruff check app tests config.py wsgi.py $(wildcard bench)

test: $(VENV)/.requirements-dev.stamp chromium
	@$(MAKE) --no-print-directory compile-translations
	$(BIN)/ruff check app tests config.py wsgi.py $(wildcard bench)
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# With TEST_DATABASE_URL set, `make test` runs on PostgreSQL only the tests marked
# `both_databases`; this runs every database test there too.
test-all:
	TEST_ALL_DATABASES=1 $(MAKE) --no-print-directory test

# For developers: after adding or changing UI strings, refresh the catalogues, then fill in
# the English translations in $(TRANSLATIONS)/en/LC_MESSAGES/messages.po.
translations: $(VENV)/.requirements.stamp
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 --ignore-dirs '.* __pycache__' -o $(POT) .
	@for lang in $(LOCALES); do \
	  if [ -f $(TRANSLATIONS)/$$lang/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel update -i $(POT) -d $(TRANSLATIONS) -l $$lang --no-fuzzy-matching --ignore-obsolete; \
	  else \
	    $(BIN)/pybabel init -i $(POT) -d $(TRANSLATIONS) -l $$lang; \
	  fi; \
	done

clean:
	rm -rf test-artifacts .pytest_cache .ruff_cache
	find $(TRANSLATIONS) -name '*.mo' -delete
