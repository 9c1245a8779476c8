# The entry points a newcomer uses. Each target installs what it needs first.
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV := .venv
RUN_DIR ?= var/run

.PHONY: run test lint typecheck unit bench install clean openapi test-containers

run: install  ## the platform with a demo: embedded broker, Redis and ledger started for you
	$(VENV)/bin/chargeback up --run-dir $(RUN_DIR)

test: install lint typecheck  ## the whole suite (what CI runs)
	$(VENV)/bin/pytest

unit: install  ## only the tests that need nothing running
	$(VENV)/bin/pytest tests/unit tests/contract

bench: install  ## figures measured in one run; written to build/bench.json
	$(VENV)/bin/python -m benchmarks

lint: install  ## style, format, and who may import whom (pyproject's [tool.importlinter])
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

typecheck: install
	$(VENV)/bin/mypy

test-containers: install  ## the integration suite on Apache Kafka, Redis and PostgreSQL containers (needs Docker)
	CHARGEBACK_TEST_CONTAINERS=1 $(VENV)/bin/pytest tests/integration -m integration -rs

openapi: install  ## write each service's OpenAPI into contracts/openapi/ (a test compares them)
	@mkdir -p contracts/openapi
	$(VENV)/bin/python -m metering openapi > contracts/openapi/metering.json
	$(VENV)/bin/python -m rating openapi > contracts/openapi/rating.json
	$(VENV)/bin/python -m billing openapi > contracts/openapi/billing.json
	$(VENV)/bin/python -m budget_monitor openapi > contracts/openapi/budget-monitor.json

install: $(VENV)/.synced

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) uv.lock pyproject.toml libs/*/pyproject.toml services/*/pyproject.toml cli/pyproject.toml
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

clean:
	rm -rf $(VENV) .tools build var .pytest_cache .mypy_cache .ruff_cache
