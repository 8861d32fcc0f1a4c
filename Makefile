# Two commands do all the set-up: `make run` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run classroom test lint bench messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/unsc-sim serve --host $(HOST) --port $(PORT)

# For a class: listen on every interface and print links with this computer's network address.
classroom: $(VENV)/.installed
	$(BIN)/unsc-sim serve --classroom --port $(PORT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check app tests bench tools
	$(BIN)/ruff format --check app tests bench tools
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

# After changing any user-facing string: extract it into app/locale/messages.pot and each language's .po,
# then translate the new entries (tests/test_catalogs.py fails until every language has them).
messages: $(VENV)/.installed-dev
	$(BIN)/python -m tools.messages

bench: $(VENV)/.installed-dev
	@command -v wrk >/dev/null || echo "note: wrk is not installed (apt-get install wrk); the tally benchmark uses an asyncio client instead"
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info screenshots
