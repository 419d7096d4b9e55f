# Two entry points for a fresh machine: `make run` (install + whole pipeline on generated data)
# and `make test` (install + every check CI runs). Both are idempotent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LEADS ?= 5000
export PATH := $(CURDIR)/$(BIN):$(PATH)
export GX_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: install run test lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,postgres,spark]"
	touch $(STAMP)

# profiles.yml is the user's own copy (not committed); never overwritten once it exists.
profiles.yml:
	cp profiles.example.yml profiles.yml

install: $(STAMP) profiles.yml

run: install
	$(BIN)/funnel generate --leads $(LEADS)
	$(BIN)/funnel run

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	DBT_PROFILES_DIR=$(CURDIR) $(BIN)/sqlfluff lint models tests macros

test: lint
	$(BIN)/python -m pytest

clean:
	rm -rf target logs warehouse .dagster_home
