# The two set-up commands: `make run` and `make test`. Everything else here is what they call.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Local development only; deployments set DJANGO_SECRET_KEY and DJANGO_DEBUG=0 (see .env.example).
RUN_ENV := DJANGO_DEBUG=1 SITE_URL=http://$(HOST):$(PORT)
TEST_ENV := DJANGO_SECRET_KEY=test-only-secret-key-4b1d9e2f7a6c3b8e5d0f1a2b3c4d5e6f7a8b9c0d1e2f

.PHONY: run test install install-dev lint clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# The browser tests serve the CDN's files from node_modules (package.json pins them; pages load them from jsDelivr).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev node_modules/.installed

run: $(VENV)/.installed
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py seed_reference
	$(RUN_ENV) $(PY) manage.py ingest --file events/data/demo_feed.xml
	$(RUN_ENV) $(PY) manage.py create_editors --demo
	$(RUN_ENV) $(PY) manage.py publish_demo
	$(RUN_ENV) $(PY) manage.py publish_demo_summary
	$(RUN_ENV) $(PY) manage.py run_site --host $(HOST) --port $(PORT)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports  # the architecture's import rules: [tool.importlinter] in pyproject.toml
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run

test: lint node_modules/.installed
	$(TEST_ENV) $(VENV)/bin/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) staticfiles artifacts db.sqlite3
