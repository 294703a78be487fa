# The two set-up commands of the README, plus the checks CI runs.
VENV ?= .venv
PORT ?= 8000
PY := $(VENV)/bin/python

.PHONY: run test lint install

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

run: install
	$(VENV)/bin/dsr serve --demo --port $(PORT)

test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
