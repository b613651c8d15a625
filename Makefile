# Two commands do all set-up on a fresh machine with Python 3.11:
#   make run    install everything and start the kiosk with demo content
#   make test   install everything and run the whole test suite, browser tests included
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install translations messages bench debian-packages

install: $(VENV)/installed

$(VENV)/installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Chromium, zbar, poppler, fonts, faketime: installed when root or sudo allows, else the command to run.
debian-packages:
	bash scripts/debian-packages.sh

translations: install
	$(BIN)/pybabel compile --statistics -d kiosk/translations

# After changing visitor strings: collect them and merge them into every language's catalog.
messages: install
	$(BIN)/pybabel extract --no-location --sort-output -F babel.cfg -k _l -o kiosk/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i kiosk/translations/messages.pot -d kiosk/translations

# pdftoppm turns uploaded PDF craft sheets into pages; the demo runs without it.
run: install translations
	bash scripts/debian-packages.sh --warn poppler-utils
	KIOSK_DEMO=true $(BIN)/kiosk demo

test: debian-packages install translations
	$(BIN)/pytest

bench: install
	$(BIN)/pip install --quiet -e '.[bench]'
	for script in bench/bench_*.py; do $(BIN)/python $$script || exit 1; done
