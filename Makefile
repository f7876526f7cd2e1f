# mpdesk — the two commands: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export MPDESK_KB_DIR ?=

.PHONY: install run test lint bench fmt clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e . --group dev
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/mpdesk serve --demo

lint: install
	$(BIN)/ruff check src tests $(wildcard benchmarks scripts)
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/mpdesk kb check

test: install lint
	$(BIN)/python -m pytest -n 2 -q

bench: install
	$(BIN)/python benchmarks/run_all.py

fmt: install
	$(BIN)/ruff format src tests $(wildcard benchmarks scripts)
	$(BIN)/ruff check --fix src tests $(wildcard benchmarks scripts)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
