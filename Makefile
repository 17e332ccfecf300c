# The front door. `make run` and `make test` work from a fresh clone; see README.md.
SHELL := /bin/bash
PYTHON_BIN ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DEBUG ?= 1
export DJANGO_SETTINGS_MODULE := mapping_portal.settings
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run serve worker test fuzz screenshots lint format messages check bench db-stop clean backup restore load

# The virtual environment is rebuilt only when a requirements file changes.
$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON_BIN) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

# A development .env, so that plain `manage.py …` works in this checkout (never copied by `make serve`).
.env:
	cp .env.example .env

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

run: $(VENV)/.installed .env  ## development server with demo data on http://$(HOST):$(PORT)
	@DEBUG=$(DEBUG) $(PY) manage.py migrate --noinput
	@DEBUG=$(DEBUG) $(PY) manage.py seed_demo
	@echo "The portal: http://$(HOST):$(PORT)/ with one background worker  (Ctrl-C stops both; the database keeps running, 'make db-stop' stops it)"
	@DEBUG=$(DEBUG) $(PY) manage.py procrastinate worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=$(DEBUG) $(PY) manage.py runserver $(HOST):$(PORT)

serve: $(VENV)/.installed  ## production-style: gunicorn + whitenoise, DEBUG off (needs SECRET_KEY, ALLOWED_HOSTS)
	DEBUG=0 $(PY) manage.py check --deploy --fail-level WARNING
	DEBUG=0 $(PY) manage.py migrate --noinput
	DEBUG=0 $(PY) manage.py collectstatic --noinput --verbosity 0
	DEBUG=0 $(VENV)/bin/gunicorn mapping_portal.wsgi --config gunicorn.conf.py --bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY:-3} --timeout $${GUNICORN_TIMEOUT:-60} --access-logfile -

worker: $(VENV)/.installed  ## one background-job worker, production-style (run M of them beside `make serve`)
	DEBUG=0 $(PY) manage.py procrastinate worker --concurrency $${WORKER_CONCURRENCY:-1}

test: $(VENV)/.installed-dev .env  ## the whole suite on (embedded) PostgreSQL, browser tests included
	DEBUG=1 $(PY) -m pytest $(PYTEST_ARGS)

fuzz: $(VENV)/.installed-dev .env  ## every fuzz case (query strings, forms); `make test` runs a seeded sample
	DEBUG=1 $(PY) -m pytest tests/mapping_portal/test_fuzz_queries.py tests/mapping_portal/test_fuzz_forms.py -m fuzz -s $(PYTEST_ARGS)

screenshots: $(VENV)/.installed-dev .env  ## every page per role, phone and desk, in Kyrgyz → var/screenshots/
	rm -rf var/screenshots
	DEBUG=1 SCREENSHOTS=var/screenshots $(PY) -m pytest tests/browser/test_gate.py -q $(PYTEST_ARGS)
	@echo "Screenshots: var/screenshots/<role>/<page>-phone.png and -desk.png ($$(find var/screenshots -name '*.png' | wc -l) files)"

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: $(VENV)/.installed  ## extract UI strings into locale/*/django.po, then compile after translating
	DEBUG=1 $(PY) manage.py makemessages --no-obsolete -l ky -l ru -l en --ignore '.venv/*' --ignore 'var/*' --ignore 'staticfiles/*' --ignore 'tests/*'
	DEBUG=1 $(PY) manage.py compilemessages --ignore '.venv/*' -l ky -l ru -l en

check: $(VENV)/.installed-dev
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	DEBUG=1 $(PY) manage.py check

# --- make bench (issue 18): timed with DEBUG off, as production runs (no template debug, no query log, WhiteNoise);
# the settings DEBUG off asks for, given here for this process only. Figures in docs/benchmarks.md.
BENCH_ENV := DEBUG=0 SECRET_KEY=bench-only-not-secret ALLOWED_HOSTS=localhost SECURE_SSL_REDIRECT=0
bench: $(VENV)/.installed-dev  ## measured figures, never pass/fail
	@DEBUG=1 $(PY) manage.py migrate --noinput --verbosity 0
	@DEBUG=1 $(PY) manage.py seed_demo $(if $(SCALE),--scale $(SCALE)) > /dev/null
	@$(BENCH_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(BENCH_ENV) $(PY) -m tests.benchmarks
	@# At national scale, also the results pages per role and filter, and the big exports (CSV rows/s beside COPY, XLSX writers).
	$(if $(SCALE),$(BENCH_ENV) $(PY) -m tests.benchmarks.results)
	$(if $(SCALE),$(BENCH_ENV) $(PY) -m tests.benchmarks.exports)

# --- Backup, restore (issue 18): mapping_portal/backups.py; the database of DATABASE_URL or the embedded one ---
backup: $(VENV)/.installed  ## the database (pg_dump) and the uploads → var/backups/portal-<UTC date-time>.tar.gz
	$(PY) manage.py backup $(if $(OUT),--out $(OUT))

restore: $(VENV)/.installed  ## make restore FILE=var/backups/portal-….tar.gz [FORCE=1 replaces a non-empty database]
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=var/backups/portal-….tar.gz [FORCE=1]"; exit 2; }
	$(PY) manage.py restore "$(FILE)" $(if $(FORCE),--force)

# --- Load (issue 18): Locust, headless, on gunicorn with DEBUG off over HTTPS; figures → docs/benchmarks.md ---
$(VENV)/.installed-load: requirements-load.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-load.txt
	@touch $@

load: $(VENV)/.installed-load  ## LOAD_USERS=30 LOAD_DURATION=2m: every role's usual pages; 0 errors expected
	@DEBUG=1 $(PY) manage.py migrate --noinput --verbosity 0
	@DEBUG=1 $(PY) manage.py seed_demo > /dev/null
	@DEBUG=0 SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') $(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) -m tests.load.run

db-stop: $(VENV)/.installed  ## stop the embedded PostgreSQL
	$(PY) -c "from pathlib import Path; from mapping_portal import embedded_db; print('stopped' if embedded_db.stop(Path('var/pg/data')) else 'not running')"

clean: db-stop
	rm -rf var staticfiles
