# pufa — the two commands are `make run` and `make test`; everything else supports them.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# Frames larger than this are refused by the server before they reach a consumer.
WS_MAX_SIZE ?= 65536

.PHONY: run test setup venv browsers lint format bench messages clean

# The background worker (large imports) runs beside uvicorn and stops with it; the
# exam deadline sweeper runs inside each uvicorn worker (lifespan on).
run: setup
	@echo "pufa: serving http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/)"
	@$(MANAGE) db_worker --backend background --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/uvicorn pufa.asgi:application --host $(HOST) --port $(PORT) \
		--ws-max-size $(WS_MAX_SIZE) --ws-per-message-deflate false \
		--no-server-header --lifespan on

test: setup browsers lint
	$(MANAGE) check_translations
	$(BIN)/pytest $(PYTEST_ARGS)

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11+ is required (python3.11 or python3)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip 2>&1 | grep -v 'is ignored: it is neither' || true
	$(BIN)/python -m pip install --quiet '.[dev]' 2>&1 | grep -v 'is ignored: it is neither' || true
	@$(BIN)/python -c 'import django, wagtail, channels, pytest' || { echo 'Installing the dependencies failed'; exit 1; }
	touch $@

setup: venv
	$(MANAGE) compile_translations
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo

# Browser tests need Debian's Chromium and a CJK font (Playwright's own download
# cannot reach the internet here). Installed when missing and we may; otherwise the
# browser tests skip and say why.
# The PDF tests (tickets, certificates) read text and render pages with poppler-utils.
browsers:
	@if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi 'wenquanyi\|wqy' \
		&& command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null; then \
		true; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Chromium, a CJK font and poppler-utils for the browser and PDF tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium fonts-wqy-microhei poppler-utils >/dev/null) || echo "Could not install them: browser and PDF tests will skip"; \
	else \
		echo "Chromium, a CJK font or poppler-utils is missing and cannot be installed here: browser and PDF tests will skip"; \
	fi

lint: venv
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup
	@if ! command -v wrk >/dev/null && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get install -y -qq wrk >/dev/null || true; fi
	@for script in bench/bench_*.py; do \
		echo "== $$script"; $(BIN)/python $$script || exit 1; done

# Regenerate the catalogues after changing translatable strings (needs GNU gettext).
messages: venv
	for domain in django djangojs; do \
		$(MANAGE) makemessages --locale zh_Hans --domain $$domain --no-obsolete --no-location \
			--ignore '.venv/*' --ignore 'media/*' --ignore 'staticfiles/*' \
			--ignore 'tests/*' --ignore 'bench/*' || exit 1; \
	done
	$(MANAGE) compile_translations

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* staticfiles
