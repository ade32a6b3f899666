# The two commands: `make run` (quickstart) and `make test` (what CI runs).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test unit lint install services services-stop bench loadtest mutation

run: install
	@scripts/run.sh

# Unit, integration and browser tests against real services; extra pytest
# arguments through PYTEST_ARGS, e.g. make test PYTEST_ARGS="-k healthz".
test: install
	@scripts/chromium.sh
	@DJANGO_SETTINGS_MODULE=ipmarket.settings.test scripts/with-services.sh $(PY) -m pytest $(PYTEST_ARGS)

# The pure unit tests alone, with every service address pointing nowhere: proof that they need none.
unit: install
	@DATABASE_URL=postgres://nobody:x@127.0.0.1:1/none REDIS_URL=redis://127.0.0.1:1/0 \
		CELERY_BROKER_URL=redis://127.0.0.1:1/0 ELASTICSEARCH_URL=http://127.0.0.1:1 \
		STRIPE_API_BASE=http://127.0.0.1:1 DJANGO_SETTINGS_MODULE=ipmarket.settings.test \
		$(PY) -m pytest -p no:cacheprovider -m "not integration" -q

# Style and structure: ruff's rules and format, and the import layers (.importlinter).
lint: install
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@$(VENV)/bin/lint-imports --no-cache

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(VENV)/bin/pip install -q -r requirements.txt
	@touch $@

services:
	@scripts/services.sh start

services-stop:
	@scripts/services.sh stop

bench: install
	@DJANGO_SETTINGS_MODULE=ipmarket.settings.test scripts/with-services.sh $(PY) bench/run.py

# The production configuration (gunicorn, PostgreSQL, Redis, Elasticsearch, a Celery worker and beat) under a
# stepped Locust load on loopback, against make run's configuration (loadtest/run.py); prints BENCH lines.
loadtest: install
	@scripts/with-services.sh $(PY) loadtest/run.py

# Mutation testing of the pure domain modules ([tool.mutmut] in pyproject.toml, docs/quality.md): no
# service needed; fails when more than 5 % of the mutants survive. Not part of `make test`.
mutation: install
	@$(PY) scripts/mutation.py
