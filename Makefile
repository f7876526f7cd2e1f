# mpdesk — the two commands: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export MPDESK_KB_DIR ?=

.PHONY: install run test lint bench fmt lock clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# the versions CI tested: requirements.lock pins every package (make lock rewrites it)
$(STAMP): pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/mpdesk serve --demo

lint: install
	$(BIN)/ruff check src tests $(wildcard benchmarks scripts)
	$(BIN)/ruff format --check src tests $(wildcard benchmarks scripts)
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/mpdesk kb check

# bytecode is cached even where the environment sets PYTHONDONTWRITEBYTECODE: the suite
# starts many Python processes (xdist workers, servers, the schemathesis CLI) that would
# otherwise compile the same modules again each time. The tests that start servers or a
# browser are collected first (tests/conftest.py); ``--dist loadfile`` in that order hands
# out one test file at a time to whichever worker is free, so those files spread over both
# workers and each file's servers start once (``--dist load`` sent the first quarter of the
# suite, and so every such test, to one worker)
test: install lint
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder -q

bench: install
	$(BIN)/python benchmarks/run_all.py

fmt: install
	$(BIN)/ruff format src tests $(wildcard benchmarks scripts)
	$(BIN)/ruff check --fix src tests $(wildcard benchmarks scripts)

# re-resolve the pins from pyproject.toml (dependencies + the dev group); commit the result
lock: | $(BIN)/python
	$(BIN)/python -m pip install -q pip-tools
	$(BIN)/python scripts/lock_inputs.py | $(BIN)/pip-compile --quiet --strip-extras \
		--allow-unsafe --no-emit-index-url --no-emit-find-links \
		--output-file requirements.lock -

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
