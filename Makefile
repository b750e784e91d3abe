# Two commands: `make run` (app on SQLite with demo data, with its jobs consumer) and `make test` (the whole suite).
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WEB_CONCURRENCY ?= 2
JOBS_WORKERS ?= 2
N ?= 100000
export FLASK_APP := wsgi.py

.PHONY: run test lint translations bench clean

$(VENV)/.run-installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt $(VENV)/.run-installed
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

run: $(VENV)/.run-installed
	$(VENV)/bin/flask db upgrade
	$(VENV)/bin/flask demo-data --if-empty
	@# gunicorn and the background jobs' consumer under one command: Ctrl+C stops both (segapp/supervise.py).
	HOST=$(HOST) PORT=$(PORT) WEB_CONCURRENCY=$(WEB_CONCURRENCY) JOBS_WORKERS=$(JOBS_WORKERS) $(PY) -m segapp.supervise

test: $(VENV)/.dev-installed
	$(PY) -m pytest

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check segapp tests bench migrations gunicorn.conf.py
	$(VENV)/bin/ruff format --check segapp tests bench migrations wsgi.py gunicorn.conf.py

# Extract strings, merge them into the Italian catalogue, compile it (the .mo is committed).
translations: $(VENV)/.dev-installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -k count_text:1,2 --no-location --sort-output -o segapp/translations/messages.pot .
	$(VENV)/bin/pybabel update -i segapp/translations/messages.pot -d segapp/translations --no-fuzzy-matching --ignore-obsolete
	$(VENV)/bin/pybabel compile -d segapp/translations

bench: $(VENV)/.dev-installed
	$(PY) -m bench --n $(N)

clean:
	rm -rf $(VENV) .pytest_cache
