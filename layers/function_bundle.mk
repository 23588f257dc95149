# `sam build` target shared by the functions that have requirements of their own (BuildMethod: makefile,
# build_in_source). A function's Makefile sets FUNCTION (its logical id) and includes this file.
# The bundle gets the function's code packages and its own dependencies without any package the
# SharedLayer ships (function_bundle.py: /var/task comes first on Lambda's path, so a copy in the
# bundle would shadow the layer's pinned version).

PYTHON ?= python3.12
FUNCTION_DIR := $(dir $(abspath $(firstword $(MAKEFILE_LIST))))
BUNDLER := $(dir $(abspath $(lastword $(MAKEFILE_LIST))))function_bundle.py
ARTIFACTS_DIR ?= $(FUNCTION_DIR)../../.aws-sam/$(FUNCTION)

build-$(FUNCTION):
	mkdir -p "$(ARTIFACTS_DIR)"
	$(PYTHON) "$(BUNDLER)" "$(FUNCTION_DIR)requirements.txt" "$(ARTIFACTS_DIR)"
	cp -R $(wildcard $(FUNCTION_DIR)docflow_*) "$(ARTIFACTS_DIR)/"
	rm -rf "$(ARTIFACTS_DIR)/bin"
	find "$(ARTIFACTS_DIR)" -name '__pycache__' -prune -exec rm -rf {} +
	# Lambda's file system is read-only: ship bytecode, as the layer does.
	$(PYTHON) -m compileall -q -j 0 "$(ARTIFACTS_DIR)"
