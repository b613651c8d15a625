# Two commands do all set-up on a fresh machine with Python 3.11:
#   make run    install everything and start the kiosk with demo content
#   make test   install everything and run the whole test suite, browser tests included
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-another-day install lock translations messages bench debian-packages

install: $(VENV)/installed

# Exactly the pinned versions, each checked against its hash (requirements-test.lock: the
# production lock plus the test, benchmark and build tools); then the kiosk itself, adding nothing.
# Updating the lock: see README ("Dependencies").
$(VENV)/installed: pyproject.toml requirements.lock requirements-test.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements-test.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# Chromium, zbar, poppler, fonts, datefudge, LibreOffice Calc: installed when root or sudo allows, else the command to run.
debian-packages:
	bash scripts/debian-packages.sh

# Re-make both locks from pyproject.toml, keeping every pin that still fits. To move on:
#   make lock LOCK_OPTIONS=--upgrade   or   make lock LOCK_OPTIONS='--upgrade-package flask'
lock:
	$(BIN)/pip install --quiet 'pip-tools>=7.4,<8'
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
	  --no-emit-find-links --extra postgres $(LOCK_OPTIONS) -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
	  --no-emit-find-links --extra postgres --extra test --extra bench --build-deps-for editable \
	  $(LOCK_OPTIONS) -c requirements.lock -o requirements-test.lock pyproject.toml

translations: install
	$(BIN)/pybabel compile --statistics -d kiosk/translations

# After changing visitor strings: collect them and merge them into every language's catalog.
messages: install
	$(BIN)/pybabel extract --no-location --sort-output -F babel.cfg -k _l -k N_ -o kiosk/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i kiosk/translations/messages.pot -d kiosk/translations

# pdftoppm turns uploaded PDF craft sheets into pages; the demo runs without it.
run: install translations
	bash scripts/debian-packages.sh --warn poppler-utils
	KIOSK_DEMO=true $(BIN)/kiosk demo

# One pytest worker per core (pytest-xdist); a test file stays on one worker, so its module
# fixtures (puzzle pools, an exported data set) are built once. Every fixture's port, database and
# folder is the test's own, so workers never share one. The browser tests run too.
# --no-loadscope-reorder: files go out in collection order, heaviest first (tests/conftest.py);
# xdist's default sends the files with the most tests first, which left the long browser files
# (few tests, minutes each) for the end.
test: debian-packages install translations
	$(BIN)/pytest -n auto --dist loadfile --no-loadscope-reorder

# The same suite on another real date (SHIFT="+40 days", SHIFT="-200 days" …), with Debian's
# datefudge: it moves only the wall clock. libfaketime (`faketime`) moves the monotonic clock too,
# and Python 3.11 then hangs in every timed lock wait (or, with the monotonic clock left real, every
# time.sleep fails with EINVAL), and Chromium hangs on its first page.
SHIFT ?= +3 days
test-another-day: debian-packages install translations
	datefudge "$$(date -d '$(SHIFT)' '+%Y-%m-%d %H:%M:%S')" $(BIN)/pytest -n auto --dist loadfile --no-loadscope-reorder

bench: install
	for script in bench/bench_*.py; do $(BIN)/python $$script || exit 1; done
