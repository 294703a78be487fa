# The two set-up commands of the README, plus the checks CI runs.
VENV ?= .venv
PORT ?= 8000
PY := $(VENV)/bin/python

.PHONY: run test test-unit test-integration test-system lint install

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $@

install: $(VENV)/.installed

run: install
	$(VENV)/bin/dsr serve --demo --port $(PORT)

# One test process per core (pytest-xdist): each starts its own throwaway PostgreSQL.
test: install
	$(PY) -m pytest -n auto

# The tiers (markers set in tests/conftest.py); `make test` runs them all.
test-unit: install
	$(PY) -m pytest -m unit

test-integration: install
	$(PY) -m pytest -n auto -m integration

test-system: install
	$(PY) -m pytest -m system

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
