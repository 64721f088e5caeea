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

ifeq ($(CONDA_DEFAULT_ENV),rand-brief)
  ENV_DIR := $(CONDA_PREFIX)
  BIN := $(CONDA_PREFIX)/bin
else
  ENV_DIR := .venv
  BIN := .venv/bin
endif
STAMP := $(ENV_DIR)/.rand-brief-installed

.PHONY: setup brief compute site test lint format clean help

help:
	@echo "make brief   - set up, compute and render the default brief (needs Quarto for the last step)"
	@echo "make test    - set up, lint and run the tests"
	@echo "make compute - set up and run the compute stage only (BRIEF=name picks params/<name>.yml)"
	@echo "make site    - render every brief in params/ and the comparison page"

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

clean:
	rm -rf _build _site .quarto
