# The two commands: `make run` (quickstart) and `make test` (what CI runs).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test install services services-stop bench

run: install
	@scripts/run.sh

# Unit, integration and browser tests against real services; extra pytest
# arguments through PYTEST_ARGS, e.g. make test PYTEST_ARGS="-k healthz".
test: install
	@scripts/chromium.sh
	@DJANGO_SETTINGS_MODULE=ipmarket.settings.test scripts/with-services.sh $(PY) -m pytest $(PYTEST_ARGS)

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
