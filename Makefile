# Two commands do all set-up on a fresh machine with Python 3.11:
#   make run    install everything and start the kiosk with demo content
#   make test   install everything and run the whole test suite, browser tests included
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install translations bench

install: $(VENV)/installed

$(VENV)/installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

translations: install
	$(BIN)/pybabel compile --use-fuzzy -d kiosk/translations 2>/dev/null || true

run: install translations
	KIOSK_DEMO=true $(BIN)/kiosk demo

test: install translations
	$(BIN)/pytest

bench: install
	$(BIN)/pip install --quiet -e '.[bench]'
	for script in bench/bench_*.py; do $(BIN)/python $$script || exit 1; done
