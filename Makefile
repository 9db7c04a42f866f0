# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast lint audit format install translations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/cati demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The suite in worker processes (pytest-xdist), one per core up to four: it is CPU-bound.
# PYTEST_WORKERS=0 runs it in this process (pdb, print debugging).
PYTEST_WORKERS ?= auto
XDIST = -n $(PYTEST_WORKERS) --maxprocesses=4

test: lint
	$(BIN)/pytest $(XDIST) $(PYTEST_ARGS)

# The everyday loop: everything but the tests marked slow (cluster, crash, multiprocess).
test-fast: $(STAMP)
	$(BIN)/pytest $(XDIST) -m "not slow" $(PYTEST_ARGS)

# Known vulnerabilities in the installed packages (pip-audit); ignores in .ci/pip-audit-ignore.
audit: $(STAMP)
	BIN=$(BIN) .ci/audit

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Re-extract UI strings, merge them into the catalogues, and compile the .mo files.
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -o cati/translations/messages.pot .
	$(BIN)/pybabel update -i cati/translations/messages.pot -d cati/translations --no-fuzzy-matching
	$(BIN)/pybabel compile -d cati/translations

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
