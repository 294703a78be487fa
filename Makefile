# The two set-up commands of the README, plus the checks CI runs.
VENV ?= .venv
PORT ?= 8000
PY := $(VENV)/bin/python

.PHONY: run test test-unit test-integration test-system lint install assets screenshots

# `make run` needs only the service; `make test` and `make lint` add the test and bench extras.
$(VENV)/.service: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed: $(VENV)/.service
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $@

install: $(VENV)/.installed

# The browser tests' axe-core and the console's asset build (sass), from the lock file.
NODE_DEPS := node_modules/.package-lock.json
$(NODE_DEPS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The console's compiled NHS.UK frontend (committed, so `make run` needs no Node.js).
assets: $(NODE_DEPS)
	npm run build --silent

# Screenshots of every console page type into docs/console/ (browser tests, Chromium).
screenshots: install $(NODE_DEPS)
	DSR_SCREENSHOTS_DIR=docs/console $(PY) -m pytest -q tests/browser

run: $(VENV)/.service
	$(VENV)/bin/dsr serve --demo --port $(PORT)

# One test process per core (pytest-xdist): each starts its own throwaway PostgreSQL.
test: install $(NODE_DEPS)
	$(PY) -m pytest -n auto

# The tiers (markers set in tests/conftest.py); `make test` runs them all.
test-unit: install
	$(PY) -m pytest -m unit

test-integration: install
	$(PY) -m pytest -n auto -m integration

test-system: install $(NODE_DEPS)
	$(PY) -m pytest -m system

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
