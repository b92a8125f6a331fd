# pipeline-tools: developer entry points. `make demo` runs the pipeline locally against the AWS
# emulator; `make test` runs ruff, the import contract, mypy and the whole test suite (what CI
# runs); `make test-fast` the tests that need neither terraform nor the emulator.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHECKOV_VENV := .tools/checkov
# checkov lives in its own virtualenv: it depends on bc-python-hcl2, which installs a package
# named `hcl2` over python-hcl2's (see docs/security-gate.md).
CHECKOV_SPEC := checkov>=3.2.500,<4

ifndef PIPELINE_TOOLS_PROVIDER_MIRROR
PIPELINE_TOOLS_PROVIDER_MIRROR := $(shell scripts/find-provider-mirror)
endif
export PIPELINE_TOOLS_PROVIDER_MIRROR
export PIPELINE_TOOLS_CHECKOV ?= $(abspath $(CHECKOV_VENV))/bin/checkov

ENV ?= dev

.PHONY: help install test test-fast lint contract typecheck demo local-apply docs clean

help:
	@echo "make demo        run the pipeline locally against the AWS emulator"
	@echo "make test        ruff, import contract, mypy, then the whole test suite (what CI runs)"
	@echo "make test-fast   the tests that need no terraform, emulator or checkov (about a minute)"
	@echo "make docs        regenerate generated documentation"
	@echo "make local-apply ENV=dev   apply bootstrap + ENV against the emulator, then re-plan clean"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

$(CHECKOV_VENV)/.installed:
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet '$(CHECKOV_SPEC)'
	touch $@

install: $(VENV)/.installed $(CHECKOV_VENV)/.installed

lint: $(VENV)/.installed
	$(BIN)/ruff check .

# The import rules of docs/architecture.md ([tool.importlinter] in pyproject.toml).
contract: $(VENV)/.installed
	$(BIN)/lint-imports

typecheck: $(VENV)/.installed
	$(BIN)/mypy

test: install lint contract typecheck
	$(BIN)/python -m pytest

test-fast: $(VENV)/.installed
	$(BIN)/python -m pytest -q -m "not terraform and not emulator and not checkov"

demo: install
	$(BIN)/python -m pipeline_tools.local.demo

# Terraform README tables (inputs/outputs/resources) generated from the HCL; `make test` checks them.
docs: $(VENV)/.installed
	$(BIN)/python -m pipeline_tools docs terraform terraform/modules environments

# Apply bootstrap + ENV against the local AWS emulator, re-plan (must be clean), destroy.
# KEEP=1 leaves the emulator and everything applied running (see docs/local-aws.md).
local-apply: $(VENV)/.installed
	$(BIN)/python -m pipeline_tools.local.local_apply --env $(ENV) $(if $(KEEP),--keep,)

clean:
	rm -rf $(VENV) .tools .pytest_cache .ruff_cache .pipeline-tools
