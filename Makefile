# `make run` starts the whole system on this machine; `make test` runs every test.
# Both create .venv on first use. Python 3.11 or newer is needed.

# The first of these that is Python 3.11 or newer (pyenv shims may exist yet not run).
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; \
	done)
VENV := .venv
BIN := $(VENV)/bin
# Stamps: what running needs (run, migrate, serve), and the development extras on top
# (test, lint, bench: pytest, ruff, Playwright...).
INSTALLED := $(VENV)/.installed
DEV_INSTALLED := $(VENV)/.installed-dev

.PHONY: run test test-fast install install-dev lock translations static migrate demo-data serve lint clean bench bench-quick

run: translations static demo-data
	$(BIN)/avvik serve

# Test processes: the tests wait on browsers, workers and databases as much as they compute,
# so a third process keeps two cores busy. Each module stays in one process (tests/parallel.py).
TEST_PROCESSES ?= 3
PYTEST_PARALLEL = -n $(TEST_PROCESSES) --dist loadgroup

test: translations static install-dev
	$(BIN)/pytest $(PYTEST_PARALLEL)

# Every test but the `slow` ones, which start processes: for while you work.
test-fast: translations static install-dev
	$(BIN)/pytest $(PYTEST_PARALLEL) -m "not slow"

install: $(INSTALLED)

install-dev: $(DEV_INSTALLED)

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Avvik needs Python 3.11 or newer: set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# The lock files pin every package of the tree, with hashes; the install takes exactly
# those, then the project itself without looking at its dependencies again.
# Reinstalled when the lock or pyproject.toml changes.
$(INSTALLED): pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

# Newer than the runtime stamp, so it follows every reinstall of that one too.
$(DEV_INSTALLED): $(INSTALLED) requirements-dev.lock
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	@touch $@

# After changing a dependency in pyproject.toml: make lock, then commit both lock files.
# One lock for every platform and Python the project supports (markers say which needs what).
UV_VERSION := 0.13.9
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command "make lock" --quiet
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(UV_COMPILE) --output-file requirements.lock
	$(UV_COMPILE) --extra dev --output-file requirements-dev.lock

# The catalogues are compiled when there are any; none yet is fine.
translations: install
	@if ls avvik/translations/*/LC_MESSAGES/*.po >/dev/null 2>&1; then \
		$(BIN)/pybabel compile -d avvik/translations; \
	fi

# Static files under fingerprinted names, compressed (avvik/core/static_files.py): built
# here once rather than by the first app start of each test process.
static: install
	$(BIN)/python -m avvik.core.static_files

migrate: install
	$(BIN)/avvik db upgrade

# Loads the demo organisations, users and history into an empty database only.
demo-data: migrate
	$(BIN)/avvik demo-data

serve: static
	$(BIN)/avvik serve

lint: install-dev
	$(BIN)/ruff check .

# Benchmarks (see README, "Benchmarks"): PostgreSQL on 127.0.0.1:5432 and redis-server.
bench: translations static install-dev
	$(BIN)/python -m bench.run

bench-quick: translations static install-dev
	$(BIN)/python -m bench.run --quick

# The database stays; the broker's queued work goes (the outbox sends it again).
clean:
	rm -rf $(VENV) avvik/static-build instance/broker instance/mail instance/processes.json \
		instance/celerybeat-schedule*
