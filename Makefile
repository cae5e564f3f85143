# Volunteering platform. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
NODE_STAMP := node_modules/.installed-$(shell cat package-lock.json | sha1sum | cut -c1-12)
DATA_DIR ?= var/data
POSTCODES ?= var/data/postcodes.sqlite
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: help install data run run-scaled infra-up infra-down fetch-engines system-deps browser-deps assets \
        lint audit bench soak test test-unit test-contract test-integration test-e2e clean

help: ## Show this help
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip==25.3
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP) ## Create the virtualenv and install pinned dependencies

$(POSTCODES): | $(STAMP)
	$(PY) -m services.common.geo.build --out $(POSTCODES)

data: $(STAMP) $(POSTCODES) ## Build the postcode database (OS Code-Point Open) with a progress bar

run: install data ## Run the whole platform in embedded mode on http://127.0.0.1:8000 (Ctrl-C stops)
	@echo "Starting the platform on http://$(HOST):$(PORT) (embedded mode; Ctrl-C stops it)"
	VMP_MODE=embedded VMP_DEMO_DATA=on VMP_DATA_DIR=$(DATA_DIR) VMP_POSTCODES_DB=$(POSTCODES) exec $(BIN)/gunicorn -c deploy/gunicorn_config.py \
	  --workers 1 --threads 8 --bind $(HOST):$(PORT) 'gateway.wsgi:create_app()'

system-deps: ## Install system packages the real engines need (PostgreSQL; checks Java and Maven)
	bash deploy/install-system-deps.sh

# --ignore-scripts: vnu-jar's postinstall would download a Java runtime; the system's is used.
$(NODE_STAMP): package-lock.json
	bash deploy/install-system-deps.sh --browser-only
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

browser-deps: $(NODE_STAMP) ## Chromium (Debian) and the pinned npm tools the browser tests use

assets: browser-deps ## Rebuild the pages' CSS (Sass + GOV.UK Frontend) into gateway/web/static
	npm run --silent build:assets

fetch-engines: install system-deps ## Download Kafka and Elasticsearch from Maven Central (cached)
	$(PY) -m deploy.engines fetch

infra-up: install system-deps ## Start Kafka, Elasticsearch and PostgreSQL on loopback
	$(PY) -m deploy.engines up

infra-down: install ## Stop the engines started by infra-up
	$(PY) -m deploy.engines down

run-scaled: install data infra-up ## Run every service as its own process on Kafka + Elasticsearch + PostgreSQL
	$(PY) -m deploy.scaled

audit: install ## pip-audit of the installed packages against deploy/pip-audit-ignore.toml (needs PyPI's JSON API)
	$(PY) -m deploy.dependency_audit

lint: install ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy services gateway schemas deploy

test-unit: install ## Unit tests (no network)
	$(BIN)/pytest tests/unit $(PYTEST_ARGS)

test-contract: install data system-deps ## Contract tests on every adapter (embedded and real engines)
	$(BIN)/pytest tests/contract $(PYTEST_ARGS)

test: install data system-deps browser-deps lint ## Everything: lint, unit, contract, integration and end-to-end tests
	$(BIN)/pytest tests $(PYTEST_ARGS)

BENCH_SIZES ?= 100000,1000000

bench: install data system-deps ## Benchmarks at Do-it scale (both adapters side by side), then docs/benchmarks.md
	$(PY) -m bench.search_scale --sizes $(BENCH_SIZES)
	$(PY) -m bench.import_rate --rows 20000
	$(PY) -m bench.post_to_searchable --posts 200 --embedded
	$(PY) -m bench.post_to_searchable --posts 200
	$(PY) -m bench.percolate --saved 100000 --roles 200
	$(PY) -m bench.candidates --volunteers 100000 --tasks 200
	$(PY) -m bench.candidates --volunteers 200000 --tasks 200 --json var/bench/candidates_200k.json
	$(PY) -m bench.relay_throughput --events 20000
	$(PY) -m bench.report

soak: install data system-deps browser-deps ## Longer hostile-input and fault runs: schemathesis at 300 requests per operation, a 60 s Elasticsearch outage, reindex under load, a PostgreSQL restart, indexer kills
	VMP_FUZZ_EXAMPLES=300 $(BIN)/pytest tests/unit/hostile $(PYTEST_ARGS)
	VMP_FAULT_OUTAGE_S=60 $(BIN)/pytest tests/integration/test_search_outage.py tests/integration/test_reindex_under_load.py tests/integration/test_outbox_faults.py $(PYTEST_ARGS)
	VMP_FAULT_ROLES=1000 VMP_FAULT_PG_DOWN_S=30 VMP_FAULT_PG_STOP=immediate $(BIN)/pytest tests/integration/test_postgres_restart.py $(PYTEST_ARGS)
	VMP_FAULT_ROLES=2000 $(BIN)/pytest tests/integration/test_indexer_kill.py $(PYTEST_ARGS)
	$(PY) -m bench.soak_load --minutes 10 --rate 200

clean: ## Remove local state (databases, logs); keeps downloads and the virtualenv
	cd var/data 2>/dev/null && rm -f eventlog.sqlite* search-index.sqlite* opportunities.sqlite* volunteers.sqlite* availability.sqlite* search.sqlite*; rm -rf .run
