# Two commands: `make run` and `make test`. Everything else is their plumbing.
PYTHON ?= python3
# Another interpreter gets a virtual environment of its own, e.g. Debian's, which runs the pages
# with 8-13 % less CPU than a default pyenv build (README, "Python for production"):
#   make serve PYTHON=/usr/bin/python3.11 VENV=.venv-debian
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# `make run` is a local demo server: DEBUG on (static files, readable errors), SQLite by default.
RUN_ENV := DEBUG=$${DEBUG:-true} SECURE_COOKIES=$${SECURE_COOKIES:-false}
# The suite needs a key; it never reaches a real deployment.
TEST_ENV := SECRET_KEY=$${SECRET_KEY:-test-only-secret-key} SECURE_COOKIES=false

.PHONY: run serve test test-fast lint setup install lock audit demo bench bench-caseload bench-report bench-load bench-instructions bench-reads replica-check clean

# Exactly the versions (and file hashes) of requirements.lock, made from pyproject.toml's ranges
# by `make lock`. The project itself is not installed: it runs from this folder.
$(STAMP): requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is needed")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	@touch $(STAMP)

install: $(STAMP)

# setup_demo loads fixtures/rulesets.json only into an empty database: loading it on every
# start would overwrite an admin's edits to the rule sets.
setup: install
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py setup_demo --url http://$(HOST):$(PORT)/

run: setup
	@echo "Kontaktdichte: http://$(HOST):$(PORT)/"
	$(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

# The production server the README describes: DEBUG off, gunicorn (4 workers) behind which
# WhiteNoise serves the collected static files, background tasks in a db_worker beside it.
# Needs SECRET_KEY (and usually DATABASE_URL); ALLOWED_HOSTS as deployed.
SERVE_ENV := DEBUG=false TASKS_BACKEND=database \
	STATICFILES_STORAGE=$${STATICFILES_STORAGE:-whitenoise.storage.CompressedManifestStaticFilesStorage}
serve: install
	$(SERVE_ENV) $(PY) manage.py migrate --noinput
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(SERVE_ENV) $(PY) manage.py db_worker --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(SERVE_ENV) $(VENV)/bin/gunicorn -c kontaktdichte/gunicorn.conf.py

# On every core (pytest-xdist: each worker has its own test database); TEST_WORKERS=0 runs
# the suite in one process.
test: install
	$(TEST_ENV) $(PY) -m pytest -n $${TEST_WORKERS:-auto} $(PYTEST_ARGS)

# The daily loop: everything but the browser and the slow tests (subprocesses, migrations,
# backups), on every core, few Hypothesis examples. The full suite runs in CI.
test-fast: install
	$(TEST_ENV) $(PY) -m pytest -m "not browser and not slow" -n auto $(PYTEST_ARGS)

# ruff, as CI runs it: lint and formatting (`.venv/bin/ruff format .` formats).
lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

bench: install
	$(TEST_ENV) $(PY) benchmarks/engine_bench.py

# On the (scratch!) database in DATABASE_URL, PostgreSQL meant: fills it with 200,000 customers
# unless they are there, then times the team overdue list and the full recompute.
bench-caseload: install
	$(TEST_ENV) $(PY) benchmarks/caseload_bench.py $(BENCH_ARGS)

# The monthly team report on the DATABASE_URL database, generated up to 200,000 customers.
bench-report: install
	$(TEST_ENV) $(PY) benchmarks/report_bench.py $(BENCH_ARGS)

# What reading less history saves (recompute readers, walk-in index), on a filled scratch database.
bench-reads: install
	$(TEST_ENV) $(PY) benchmarks/history_reads_bench.py

# Tools that only maintainers need live in a venv of their own, outside the lock.
TOOLS := .venv-tools
$(TOOLS)/bin/uv:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv pip-audit

# Re-resolve pyproject.toml's version ranges into requirements.lock (needs the package index).
lock: $(TOOLS)/bin/uv
	$(TOOLS)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes \
		--no-header --quiet -o requirements.lock

# Known vulnerabilities of the locked versions, from PyPI's advisory data (needs pypi.org's JSON API).
audit: $(TOOLS)/bin/uv
	$(TOOLS)/bin/pip-audit -r requirements.lock --vulnerability-service pypi --disable-pip --no-deps --strict

# The production server under concurrent load (a scratch PostgreSQL database in DATABASE_URL).
bench-load: install
	$(TEST_ENV) $(PY) benchmarks/load_bench.py $(BENCH_ARGS)

# Instructions per request of each page, under valgrind (steady where time on a shared machine
# is not); BENCH_ARGS="--against REV" measures a revision beside this checkout.
bench-instructions: install
	$(TEST_ENV) $(PY) benchmarks/instructions_bench.py $(BENCH_ARGS)

# A real primary and streaming replica on loopback: lists and reports read from the replica.
replica-check: install
	bash scripts/replica_check.sh

clean:
	rm -rf $(VENV) $(TOOLS) db.sqlite3 .pytest_cache .hypothesis
