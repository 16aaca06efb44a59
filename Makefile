# The two commands of the README: `make demo` and `make test`. Everything else is their parts.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
DEMO_PORT ?= 8000

.PHONY: demo test install lint typecheck pytest system-packages

$(VENV)/.installed: requirements-dev.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Juntos needs Python 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

install: $(VENV)/.installed node_modules/.installed

# What the tests need from Debian: Chromium (Playwright drives it; no browser download), fonts
# covering every demo script and Pango for paper letters (WeasyPrint), poppler for reading PDFs.
SYSTEM_PACKAGES := chromium fonts-noto-core fonts-noto-cjk poppler-utils libpango-1.0-0 \
	libpangoft2-1.0-0 libharfbuzz-subset0
system-packages:
	@if ! command -v dpkg >/dev/null; then \
		echo "Not Debian: make sure these are installed: $(SYSTEM_PACKAGES)" >&2; exit 0; fi; \
	missing=""; for p in $(SYSTEM_PACKAGES); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing:$$missing"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends $$missing) >/dev/null; \
	else echo "Missing Debian packages for the tests:$$missing" >&2; exit 1; fi

demo: install
	mkdir -p var
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py collectstatic --no-input -v 0
	$(PY) manage.py seed_demo --seed 7 --if-missing
	$(PY) manage.py run_demo --port $(DEMO_PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy

pytest: install system-packages
	$(VENV)/bin/pytest

test: lint typecheck pytest
