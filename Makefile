# SOP Studio. `make run` serves the app on http://127.0.0.1:8000; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/sopstudio
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
FRONTEND := $(wildcard frontend/package.json)
# Node programs the tests and benchmarks drive (stock y-websocket clients, mermaid, reference server).
NODE_DIRS := $(patsubst %/package.json,%,$(wildcard tests/*/node/package.json bench/node/package.json))

.PHONY: run test setup setup-dev system frontend frontend-test api-types node-deps lint typecheck pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

system:
	@bash scripts/ensure-system.sh run

setup: system $(VENV)/.installed frontend

setup-dev: $(VENV)/.installed-dev frontend

# The editor: installed from the lock file and built into static/app (hashed assets + manifest).
frontend:
ifneq ($(FRONTEND),)
	@if [ ! -d frontend/node_modules ] || [ frontend/package-lock.json -nt frontend/node_modules/.package-lock.json ]; then \
		cd frontend && npm ci --no-audit --no-fund --loglevel=error; fi
	@if [ ! -f static/app/manifest.json ] || [ -n "$$(find frontend/src frontend/index.html frontend/vite.config.ts apps/diagrams/sop_theme.json -newer static/app/manifest.json 2>/dev/null | head -n 1)" ]; then \
		cd frontend && npm run build --silent; fi
endif

# Development server: SQLite, in-memory channel layer and eager jobs unless DATABASE_URL and
# REDIS_URL are set; then Postgres, Redis, a Celery worker and beat run beside the web server.
run: setup
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py seed_demo
	@if [ -n "$$REDIS_URL" ]; then \
		DJANGO_DEBUG=$${DJANGO_DEBUG:-1} HOST=$(HOST) PORT=$(PORT) $(BIN)/honcho start -f Procfile; \
	else \
		echo "Serving on http://$(HOST):$(PORT) (SQLite, in-process channel layer, inline jobs)"; \
		DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/uvicorn sopstudio.asgi:application --host $(HOST) --port $(PORT) --ws-max-size 16777216 --ws-per-message-deflate false --no-proxy-headers; \
	fi

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check apps sopstudio tests bench manage.py
	$(BIN)/ruff format --check apps sopstudio tests bench manage.py

typecheck: $(VENV)/.installed-dev
	SOPSTUDIO_TESTING=1 $(BIN)/mypy apps sopstudio

# The front end's checks; fails too when frontend/src/api/schema.d.ts is not what the API schema generates.
frontend-test: frontend $(VENV)/.installed
ifneq ($(FRONTEND),)
	bash scripts/gen-api-types.sh --check
	cd frontend && npm run --silent typecheck && npm run --silent test
endif

# Regenerate the editor's API and document types from /api/schema/ (commit the result).
api-types: $(VENV)/.installed frontend
	bash scripts/gen-api-types.sh

node-deps:
	@for dir in $(NODE_DIRS); do \
		if [ ! -d $$dir/node_modules ] || [ $$dir/package-lock.json -nt $$dir/node_modules/.package-lock.json ]; then \
			(cd $$dir && npm ci --no-audit --no-fund --loglevel=error) || exit 1; fi; \
	done

pytest: $(VENV)/.installed-dev node-deps
	bash scripts/ensure-services.sh
	SOPSTUDIO_TESTING=1 DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
		$(BIN)/pytest $(PYTEST_ARGS)

# Everything CI runs: lint, types, front-end units, the whole suite on Postgres + Redis + Chromium.
test: setup-dev lint typecheck frontend-test pytest

bench: $(VENV)/.installed-dev node-deps frontend
	bash scripts/ensure-services.sh
	@for script in bench/bench_*.py; do \
		echo "== $$script"; \
		SOPSTUDIO_TESTING=1 DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python $$script || exit 1; \
	done

clean:
	rm -rf $(VENV) frontend/node_modules static/app staticfiles db.sqlite3 .pytest_cache .mypy_cache
