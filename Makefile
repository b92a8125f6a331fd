# pipeline-tools: developer entry points. `make demo` runs the pipeline locally against the AWS
# emulator; `make test` runs ruff, the import contract, mypy and the whole test suite (what CI
# runs); `make test-fast` the tests that need neither terraform, the emulator nor checkov: 56 s of CPU,
# down from 162 s; 2 min 10 s of wall clock on 2 cores shared with other jobs, down from 8 min
# (see docs/architecture.md, Tests).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHECKOV_VENV := .tools/checkov
# checkov lives in its own virtualenv: it depends on bc-python-hcl2, which installs a package
# named `hcl2` over python-hcl2's (see docs/security-gate.md).
CHECKOV_SPEC := checkov>=3.2.500,<4
# Exact versions installed (pip constraints), so a fresh clone tests what CI tested; `make lock`
# refreshes them on purpose.
CONSTRAINTS := constraints.txt
CHECKOV_CONSTRAINTS := constraints-checkov.txt

ifndef PIPELINE_TOOLS_PROVIDER_MIRROR
PIPELINE_TOOLS_PROVIDER_MIRROR := $(shell scripts/find-provider-mirror)
endif
export PIPELINE_TOOLS_PROVIDER_MIRROR
export PIPELINE_TOOLS_CHECKOV ?= $(abspath $(CHECKOV_VENV))/bin/checkov

ENV ?= dev

.PHONY: help install test test-fast lint contract typecheck demo demo-platform demo-workflows local-apply docs lock clean

help:
	@echo "make demo        run the workflow files locally: PR -> plan -> comment -> merge -> apply, staged"
	@echo "make demo-platform  the platform demo: dev applied, an ECR push rolled out, a promotion dry run"
	@echo "make test        ruff, import contract, mypy, then the whole test suite (what CI runs)"
	@echo "make test-fast   the tests that need no terraform, emulator or checkov (~1 min CPU, < 2 min)"
	@echo "make docs        regenerate generated documentation"
	@echo "make local-apply ENV=dev   apply bootstrap + ENV against the emulator, then re-plan clean"
	@echo "make lock        refresh constraints.txt and constraints-checkov.txt to the newest versions"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e '.[dev]'
	touch $@

$(CHECKOV_VENV)/.installed: $(CHECKOV_CONSTRAINTS)
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet -c $(CHECKOV_CONSTRAINTS) '$(CHECKOV_SPEC)'
	touch $@

install: $(VENV)/.installed $(CHECKOV_VENV)/.installed

lint: $(VENV)/.installed
	$(BIN)/ruff check .

# The import rules of docs/architecture.md ([tool.importlinter] in pyproject.toml).
contract: $(VENV)/.installed
	$(BIN)/lint-imports

typecheck: $(VENV)/.installed
	$(BIN)/mypy

# The whole suite over TEST_WORKERS pytest-xdist processes (0: everything in this process).
# --dist loadfile keeps each test file on one worker, so a module's emulator, terraform roots and
# fixtures are set up once; each worker starts its own emulator on a port the kernel chooses. On two
# cores: about 35 min of pytest, against 58 one test at a time (docs/architecture.md, Tests).
TEST_WORKERS ?= 2
test: install lint contract typecheck
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

# The tests that need no terraform, emulator or checkov: the CLI runs in-process (tests/support/cli.py),
# each hypothesis property tries at most 15 examples (`make test` tries them all), and pytest-xdist
# spreads the tests over TEST_FAST_WORKERS processes (0: no workers, everything in this process).
TEST_FAST_WORKERS ?= 2
test-fast: $(VENV)/.installed
	PIPELINE_TOOLS_HYPOTHESIS=fast $(BIN)/python -m pytest -q -n $(TEST_FAST_WORKERS) \
		-m "not terraform and not emulator and not checkov"

# The GitOps loop from the workflow files themselves: a pull request planned, merged and applied by
# .github/workflows/*.yml run locally (docs/local-workflows.md); about three minutes.
demo: install
	$(BIN)/python -m pipeline_tools.local.loop_demo

# The same, under its older name.
demo-workflows: demo

# The platform itself: dev applied on the emulator, an image pushed to ECR rolled out by the
# deployer with its chat message, a staging -> prod promotion as a dry run (docs/demo.md).
demo-platform: install
	$(BIN)/python -m pipeline_tools.local.demo

# Terraform README tables (inputs/outputs/resources) generated from the HCL; `make test` checks them.
docs: $(VENV)/.installed
	$(BIN)/python -m pipeline_tools docs terraform terraform/modules terraform/platform environments

# Apply bootstrap + ENV against the local AWS emulator, re-plan (must be clean), destroy.
# KEEP=1 leaves the emulator and everything applied running (see docs/local-aws.md).
local-apply: $(VENV)/.installed
	$(BIN)/python -m pipeline_tools.local.local_apply --env $(ENV) $(if $(KEEP),--keep,)

# Resolve the newest versions the version ranges allow, in throw-away virtualenvs, and write them
# as the new constraints. Run it on purpose, then `make test`, and commit both files together.
lock:
	rm -rf .lock-venv .lock-checkov
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --upgrade pip
	.lock-venv/bin/pip install --quiet -e '.[dev]'
	{ sed -n '1,3p' $(CONSTRAINTS); .lock-venv/bin/pip freeze --exclude-editable | grep -v '^pipeline-tools'; } > $(CONSTRAINTS).new
	$(PYTHON) -m venv .lock-checkov
	.lock-checkov/bin/pip install --quiet '$(CHECKOV_SPEC)'
	{ sed -n '1p' $(CHECKOV_CONSTRAINTS); .lock-checkov/bin/pip freeze; } > $(CHECKOV_CONSTRAINTS).new
	mv $(CONSTRAINTS).new $(CONSTRAINTS); mv $(CHECKOV_CONSTRAINTS).new $(CHECKOV_CONSTRAINTS)
	rm -rf .lock-venv .lock-checkov

clean:
	rm -rf $(VENV) .tools .pytest_cache .ruff_cache .pipeline-tools
