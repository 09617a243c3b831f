# The two commands of the README: `make run` and `make test`. CI (.ci/run) calls these.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
KEY := var/field.key
RUN_ENV := DEBUG=1 TUQUAN_FIELD_KEY_FILE=$(KEY)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-browser lint format messages demo clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(STAMP)

$(KEY): | $(STAMP)
	mkdir -p var
	umask 077 && $(BIN)/python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())" > $(KEY)

run: install $(KEY)
	$(RUN_ENV) $(BIN)/tuquan migrate --noinput
	$(RUN_ENV) $(BIN)/tuquan demo --if-empty
	@echo "Tự Quản: http://$(HOST):$(PORT)/"
	$(RUN_ENV) $(BIN)/tuquan runserver $(HOST):$(PORT)

test: install
	$(BIN)/pytest

test-browser: install
	$(BIN)/pytest -m browser

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install
	cd src/tuquan && ../../$(BIN)/tuquan makemessages -l vi --no-obsolete --no-location
	cd src/tuquan && ../../$(BIN)/tuquan compilemessages -l vi

clean:
	rm -rf $(VENV) var/tuquan.sqlite3*
