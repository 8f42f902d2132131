# trainhub — the two commands in README.md:
#   make serve   install everything, then serve the app on SQLite with demo data
#   make test    install everything (Chromium and PostgreSQL too), then run every check and test
#
# And, not a test: `make bench` measures the main pages on Wales-scale synthetic data
# (PostgreSQL and SQLite, gunicorn, wrk) into benchmarks/results/. BENCH_ARGS passes options,
# e.g. make bench BENCH_ARGS="--scale 0.1 --backend postgresql --label quick".
#
# Installs are cached by stamp files and redone when pyproject.toml or package-lock.json change.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := trainhub
# `make serve` is for trying trainhub out; a real server leaves this unset (production).
serve: export TRAINHUB_ENV := development
# The demo's staff sign in with their password alone (a real server requires two-step
# verification of admins, managers and assessors: TRAINHUB_TWO_FACTOR_REQUIRED_ROLES).
serve: export TRAINHUB_TWO_FACTOR_REQUIRED_ROLES :=
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: serve test install install-test-system install-bench-system lint typecheck pytest translations-update bench clean

serve: install
	$(BIN)/flask db upgrade
	$(BIN)/flask demo
	$(BIN)/flask credentials keygen --if-missing
	@echo "trainhub is at http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	$(BIN)/flask run --host $(HOST) --port $(PORT)

test: install install-test-system lint typecheck pytest

install: $(VENV)/.installed node_modules/.installed trainhub/translations/cy/LC_MESSAGES/messages.mo

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]' 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }
	$(BIN)/python -c "import flask, playwright, pytest"
	touch $@

node_modules/.installed: package.json package-lock.json scripts/build-assets.mjs trainhub/static/scss/app.scss
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build
	touch $@

trainhub/translations/cy/LC_MESSAGES/messages.mo: trainhub/translations/cy/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d trainhub/translations --statistics

# The browser tests drive Debian's Chromium (never a downloaded browser), the database
# tests start PostgreSQL from the server binaries, the virus-scanning tests start clamd
# (clamav-daemon, with a signature database of their own) and the deployment tests start
# nginx in front of the app (with a configuration of their own, on free ports; the
# system's nginx service is not used) and check the systemd units with systemd-analyze
# (Debian's systemd package; nothing is started): install them if missing.
# clamd and nginx are in /usr/sbin, which is not on every user's PATH.
CLAMD_FOUND := { command -v clamd || test -x /usr/sbin/clamd; }
NGINX_FOUND := { command -v nginx || test -x /usr/sbin/nginx; }
install-test-system:
	@if ! command -v chromium >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! $(CLAMD_FOUND) >/dev/null 2>&1 || ! $(NGINX_FOUND) >/dev/null 2>&1 || ! command -v systemd-analyze >/dev/null 2>&1; then \
	  if [ "$$(id -u)" != 0 ]; then echo "Chromium, PostgreSQL, ClamAV, nginx or systemd-analyze is missing: run 'sudo apt-get install -y chromium postgresql clamav-daemon nginx systemd' first." >&2; exit 1; fi; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium postgresql clamav-daemon nginx systemd >/dev/null; \
	fi
	@command -v chromium >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null && $(CLAMD_FOUND) >/dev/null && $(NGINX_FOUND) >/dev/null && command -v systemd-analyze >/dev/null

# The benchmark also needs wrk (the load generator) and the PostgreSQL server binaries.
install-bench-system:
	@if ! command -v wrk >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  if [ "$$(id -u)" != 0 ]; then echo "wrk or PostgreSQL is missing: run 'sudo apt-get install -y wrk postgresql' first." >&2; exit 1; fi; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk postgresql >/dev/null; \
	fi

BENCH_ARGS ?=
bench: install install-bench-system
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy

pytest:
	$(BIN)/python -m pytest --durations=15

# Re-extract the strings to translate and merge them into the Welsh catalogue.
translations-update: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
	  --project trainhub --copyright-holder "trainhub developers" \
	  -o trainhub/translations/messages.pot .
	$(BIN)/pybabel update -i trainhub/translations/messages.pot -d trainhub/translations --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) node_modules trainhub/static/govuk trainhub/static/build
