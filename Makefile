# NKHR Records: `make run` serves the admin and API with the paper's data; `make test` runs
# every test. Both create .venv and install requirements.txt on first use.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-requirements
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format check clean-db bench

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

# A random SECRET_KEY for this checkout, kept out of git.
.env:
	$(BIN)/python -c "import secrets; print('SECRET_KEY=' + secrets.token_urlsafe(50))" > .env

run: install .env
	$(BIN)/python manage.py bootstrap
	$(BIN)/python manage.py runserver --insecure $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install .env
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

# `make bench [SCALE=N]`: seed N synthetic records (once per scale) into a database of the
# bench's own and measure API, exports, admin and HTTP; see docs/benchmarks.md. Only a
# DATABASE_URL given on the make command line replaces that database: one exported for
# `make run` is never seeded with synthetic rows.
SCALE ?= 10000
BENCH_DATABASE_URL := $(if $(filter command line,$(origin DATABASE_URL)),$(DATABASE_URL),postgres://postgres@127.0.0.1:5432/nkhr_bench)

bench: install
	DATABASE_URL='$(BENCH_DATABASE_URL)' $(BIN)/python bench/run.py --scale $(SCALE) $(BENCH_ARGS)
