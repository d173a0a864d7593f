# `make demo` and `make test` work on a fresh machine with only Python 3.11: both create .venv.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR := reports/demo

.PHONY: demo test lint typecheck unit bench bench-peers clean install

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

install: $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/auditkit demo --out $(DEMO_DIR)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check auditkit tests bench
	$(BIN)/ruff format --check auditkit tests bench
	$(BIN)/lint-imports

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

unit: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n 2 -q tests

test: lint typecheck unit

bench: $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[bench]'
	$(BIN)/python bench/run_all.py

# The peers the rating benchmark compares against (arena-rank pulls JAX): a separate venv, never .venv.
bench-peers:
	$(PYTHON) -m venv bench/.venv-peers
	bench/.venv-peers/bin/pip install --quiet arena-rank==0.1.1 fschat==0.2.36 scikit-learn plotly pytz psutil

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
