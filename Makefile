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

.PHONY: install run test lint clean test-prerequisites

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,postgres,spark]"
	touch $(STAMP)

# profiles.yml is the user's own copy (not committed); never overwritten once it exists.
profiles.yml:
	cp profiles.example.yml profiles.yml

# `.dagster_home/` and `.env`: the one Dagster instance `funnel run` and `dagster dev` share.
install: $(STAMP) profiles.yml
	$(BIN)/python -m orchestration.instance

run: install
	$(BIN)/funnel generate --leads $(LEADS)
	$(BIN)/funnel run

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	DBT_PROFILES_DIR=$(CURDIR) $(BIN)/sqlfluff lint models tests macros

# What `make test` needs outside the venv, installed here when a machine lacks it: Debian's
# PostgreSQL server binaries and Java 17 (the cross-engine test starts its own PostgreSQL server
# and Spark session) and Chromium (the browser tests open the review pages in it through
# Playwright, which never downloads a browser of its own). Only what is missing is installed.
test-prerequisites:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql-15"; \
	command -v java >/dev/null || missing="$$missing openjdk-17-jre-headless"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
		else \
			echo "make test needs PostgreSQL 15 server binaries, Java 17 and Chromium;" \
				"missing here (Debian package names):$$missing: install them"; exit 1; \
		fi; \
	fi

# Two workers, a test file each (most tests wait on dbt, DuckDB or a server: the machine's cores
# are otherwise half idle); the cross-engine build runs on its own afterwards, showing progress.
# The slowest tests are listed at the end of each run: where the next minutes of CI go.
test: lint test-prerequisites
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not engines" --durations=20
	$(BIN)/python -m pytest -m engines

clean:
	rm -rf target logs warehouse .dagster_home
