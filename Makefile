# UCMR developer commands. A fresh Debian/Ubuntu machine needs only: make run, make test.
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= $(shell command -v python3.11 || command -v python3)
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
# Test processes side by side (pytest-xdist): the suite is CPU-bound, so as many as the machine has cores.
TEST_WORKERS ?= 2
export DJANGO_DEBUG ?= true

.PHONY: setup test-deps system-deps migrate demo run test test-sqlite test-postgres lint format bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "UCMR needs Python 3.11 or newer (found $$($(PYTHON) --version))."; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

# graphviz (the `dot` renderer) from apt when missing; sudo when not root; a clear message where impossible.
SYSTEM_PACKAGES ?= graphviz $(UCMR_EXTRA_SYSTEM_PACKAGES)
system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || { [ $$p = graphviz ] && command -v dot >/dev/null; } || missing="$$missing $$p"; done; \
	[ -z "$$missing" ] && exit 0; \
	if ! command -v apt-get >/dev/null; then echo "Please install:$$missing (with your system's package manager)"; exit 1; fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo=sudo; \
	else echo "Installing$$missing needs root: run 'apt-get install$$missing' as root, then try again."; exit 1; fi; \
	echo "Installing system packages:$$missing"; \
	$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing >/dev/null

setup: $(VENV)/.installed system-deps

# The browser tests drive Debian's chromium (Playwright cannot download its own browser here). In CI the Word export's
# PDF check needs LibreOffice (headless, about 50 packages without recommends) and poppler's pdftotext.
CI_SYSTEM_PACKAGES = $(if $(filter true,$(CI)),libreoffice-writer-nogui poppler-utils)
test-deps: setup
	@$(MAKE) --no-print-directory system-deps SYSTEM_PACKAGES="graphviz chromium $(CI_SYSTEM_PACKAGES) $(UCMR_EXTRA_SYSTEM_PACKAGES)"

migrate: setup
	$(PY) manage.py migrate --no-input -v 0

demo: migrate
	$(PY) manage.py load_demo

run: demo
	@$(PY) manage.py ensure_demo_user
	@echo ""
	@echo "  UCMR is running at http://$(HOST):$(PORT)/  with a background worker (stop both with Ctrl+C)"
	@echo ""
	$(PY) manage.py serve $(HOST):$(PORT)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: lint test-deps
	$(PY) manage.py makemigrations --check --dry-run -v 1 --settings=ucmr.test_settings
	$(MAKE) --no-print-directory test-sqlite
	@if [ "$$CI" = "true" ] || [ -n "$$UCMR_TEST_POSTGRES" ]; then $(MAKE) --no-print-directory test-postgres; fi

test-sqlite: setup
	env -u DATABASE_URL $(VENV)/bin/pytest -n $(TEST_WORKERS) --dist worksteal --durations=15 $(PYTEST_ARGS)

# The PostgreSQL pass: the modules whose queries can differ between the databases (POSTGRES_PASS in tests/conftest.py).
test-postgres: setup
	DATABASE_URL=$(POSTGRES_URL) UCMR_TEST_POSTGRES_PASS=1 $(VENV)/bin/pytest -n $(TEST_WORKERS) --dist worksteal --durations=15 $(PYTEST_ARGS)

bench: setup
	@rm -f bench-results/latest.txt
	UCMR_BENCH=1 $(VENV)/bin/pytest tests/bench -q -s $(PYTEST_ARGS)
	@if [ -n "$$UCMR_BENCH_POSTGRES" ]; then \
	  DATABASE_URL=$(POSTGRES_URL) UCMR_BENCH=1 $(VENV)/bin/pytest tests/bench/test_bench_scale.py tests/bench/test_bench_load.py -q -s $(PYTEST_ARGS); fi
	@echo "Figures saved in bench-results/latest.txt"

clean:
	rm -rf $(VENV) staticfiles .pytest_cache celery-broker.sqlite3* celerybeat-schedule*
