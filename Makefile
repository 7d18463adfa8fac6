# NKHR Records: `make run` serves the admin and API with the paper's data; `make test` runs
# every test. `make run` and `make serve` install the runtime only (requirements.txt, wheels,
# no compiler); `make test`, `make lint` and `make bench` add requirements-dev.txt.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# One stamp per requirements set, so a runtime-only venv is topped up (not rebuilt) for tests.
RUNTIME_STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes: one more than a 2-core machine's cores, since a process often waits (on
# Chromium, a live server, PostgreSQL, a subprocess): 9.6 minutes on SQLite against 10.1
# with two.
TEST_WORKERS ?= 3

.PHONY: install install-dev run serve test lint format check bench

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.11 not found: install it, or set PYTHON=/path/to/python3.11" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME_STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

# PyICU (for followthemoney, tests only) compiles: say what the system lacks before pip fails.
$(DEV_STAMP): requirements-dev.txt $(RUNTIME_STAMP)
	scripts/system-packages $(if $(filter install,$(SYSTEM_PACKAGES)),--install) build
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(RUNTIME_STAMP)

install-dev: $(DEV_STAMP)

# A random SECRET_KEY for this checkout, kept out of git.
.env: | $(BIN)/python
	$(BIN)/python -c "import secrets; print('SECRET_KEY=' + secrets.token_urlsafe(50))" > .env

# The development server, DEBUG off; whitenoise serves the static files from the apps'
# folders (no collectstatic, edits show at once).
run: install .env
	$(BIN)/python manage.py bootstrap
	STATIC_FROM_APPS=true $(BIN)/python manage.py runserver --nostatic $(HOST):$(PORT)

# As in production (docs/deploy.md): gunicorn with WEB_CONCURRENCY workers (default
# 2 x cores + 1, at most 8; nkhr/gunicorn.conf.py), static files collected and served by
# whitenoise, logs on stdout.
serve: install .env
	$(BIN)/python manage.py bootstrap
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/gunicorn --config nkhr/gunicorn.conf.py --bind $(HOST):$(PORT)

test: install-dev
	scripts/system-packages $(if $(filter install,$(SYSTEM_PACKAGES)),--install) test
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install .env
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

# `make bench [SCALE=N]`: seed N synthetic records (once per scale) into a database of the
# bench's own and measure API, exports, admin and HTTP; see docs/benchmarks.md. Only a
# DATABASE_URL given on the make command line replaces that database: one exported for
# `make run` is never seeded with synthetic rows. SEARCH_QUALITY=0 skips the search-quality
# section (precision and recall of the search over labelled queries).
SCALE ?= 10000
SEARCH_QUALITY ?= 1
BENCH_DATABASE_URL := $(if $(filter command line,$(origin DATABASE_URL)),$(DATABASE_URL),postgres://postgres@127.0.0.1:5432/nkhr_bench)

bench: install-dev
	DATABASE_URL='$(BENCH_DATABASE_URL)' $(BIN)/python bench/run.py --scale $(SCALE) $(if $(filter 0,$(SEARCH_QUALITY)),--no-search-quality) $(BENCH_ARGS)
