# The two commands of the README's quick start:
#   make brief   set up the environment, compute the default brief, render it with Quarto
#   make test    set up the environment, lint, run the whole test suite
#
# The environment is .venv/ at the project root (pip route). With a conda environment made from
# environment.yml and activated (`conda activate rand-brief`), that environment is used instead.

PYTHON ?= python3
BRIEF ?= default
QUARTO_CLI_VERSION ?= 1.10.19
KERNEL_NAME := rand-brief
# Validators that cannot live in the project's environment (README "Conformance"): cffconvert
# needs jsonschema<4, frictionless >=4.20, so cffconvert gets a virtualenv of its own; axe-core is
# an npm package. Both go into .tools/ (git-ignored). The others are dev pins in pyproject.toml.
CFFCONVERT_VERSION ?= 2.0.0
AXE_CORE_VERSION ?= 4.14.1
TOOLS := .tools

ifeq ($(CONDA_DEFAULT_ENV),rand-brief)
  ENV_DIR := $(CONDA_PREFIX)
  BIN := $(CONDA_PREFIX)/bin
else
  ENV_DIR := .venv
  BIN := .venv/bin
endif
STAMP := $(ENV_DIR)/.rand-brief-installed

.PHONY: setup brief compute site test lint format clean help tools check mutation explore

help:
	@echo "make brief   - set up, compute and render the default brief (needs Quarto for the last step)"
	@echo "make test    - set up, lint and run the tests"
	@echo "make compute - set up and run the compute stage only (BRIEF=name picks params/<name>.yml)"
	@echo "make site    - render every brief in params/ and the comparison page"
	@echo "make tools   - install the validators that live outside the environment (.tools/)"
	@echo "make check   - set up, install the validators and run the conformance tests"
	@echo "make mutation - mutation score of the verdict rules and statistics (mutmut)"
	@echo "make explore  - the property tests with new random examples, ten times as many (Hypothesis)"

setup: $(STAMP)

# Re-install whenever pyproject.toml changes. The Jupyter kernel the notebooks run in is this
# environment, registered under a fixed name inside the environment itself (--sys-prefix).
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
	  { echo "error: Python 3.11 or newer is needed (found: $$($(PYTHON) --version 2>&1))." >&2; exit 2; }
	@if [ "$(ENV_DIR)" = ".venv" ] && [ ! -x .venv/bin/python ]; then $(PYTHON) -m venv .venv; fi
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL_NAME) --display-name "Python (rand-brief)" >/dev/null
	@touch $@

compute: setup
	$(BIN)/brief run params/$(BRIEF).yml

# Quarto: use the one on PATH, else the one pip's quarto-cli puts in the environment, else try
# to provision it with pip (works where the machine can reach Quarto's download site). `brief
# render` stops with a one-paragraph message if there is still no quarto.
brief: setup
	@command -v quarto >/dev/null 2>&1 || [ -x $(BIN)/quarto ] || \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check "quarto-cli==$(QUARTO_CLI_VERSION)" >/dev/null 2>&1 || true
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/brief render params/$(BRIEF).yml

site: setup
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/brief site

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest

# Mutation testing of the verdict rules and their statistics (analysis/compute/claims/,
# analysis/compute/stats.py) against the tests that cover them ([tool.mutmut] in
# pyproject.toml); about 15 minutes on 2 cores. Not part of `make test`. README: "Mutation testing".
# The property tests (those with @given) under the "explore" profile (tests/props.py).
explore: setup
	HYPOTHESIS_PROFILE=explore $(BIN)/python -m pytest -q -p no:randomly \
	  --hypothesis-show-statistics $$(grep -l "@given" tests/test_*.py)

mutation: setup
	rm -rf mutants
	$(BIN)/mutmut run --max-children 2 > mutants.log 2>&1 || true
	$(BIN)/mutmut export-cicd-stats
	$(BIN)/python -c "import json; s = json.load(open('mutants/mutmut-cicd-stats.json')); \
	  print(json.dumps(s, sort_keys=True)); \
	  print(f\"score: {s['killed'] / (s['killed'] + s['survived']):.1%} of {s['killed'] + s['survived']} mutants killed\")"
	$(BIN)/mutmut results

# One stamp per pinned version: changing a version re-installs that tool.
tools: $(TOOLS)/.cffconvert-$(CFFCONVERT_VERSION) $(TOOLS)/.axe-core-$(AXE_CORE_VERSION)

$(TOOLS)/.cffconvert-$(CFFCONVERT_VERSION):
	@mkdir -p $(TOOLS)
	@[ -x $(TOOLS)/cffconvert/bin/python ] || $(PYTHON) -m venv $(TOOLS)/cffconvert
	$(TOOLS)/cffconvert/bin/python -m pip install --quiet --disable-pip-version-check "cffconvert==$(CFFCONVERT_VERSION)"
	@touch $@

$(TOOLS)/.axe-core-$(AXE_CORE_VERSION):
	@command -v npm >/dev/null 2>&1 || { echo "error: npm is needed to install axe-core (Node.js)." >&2; exit 2; }
	@mkdir -p $(TOOLS)
	npm install --prefix $(TOOLS) --no-save --no-audit --no-fund --loglevel=error "axe-core@$(AXE_CORE_VERSION)"
	@touch $@

# The conformance tests: frictionless, cffconvert, zizmor and axe-core (the last renders the brief).
check: setup tools
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest -m conformance

clean:
	rm -rf _build _site .quarto
