# auditlib — make help lists the targets. Every target sets up what it needs itself.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
OUT ?= data/processed

.PHONY: help setup system-deps samples demo test bench lab docs clean

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*?## "}{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

setup: $(STAMP) system-deps ## create .venv and install the package with its test tools

system-deps: ## install the Debian CJK font (charts, sample rendering) when missing
	@if [ ! -f $(CJK_FONT) ]; then \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    echo "installing fonts-wqy-zenhei (Debian) ..."; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei) >/dev/null \
	      || echo "warning: could not install fonts-wqy-zenhei; tests that render PDFs will be skipped"; \
	  else echo "warning: $(CJK_FONT) missing and apt-get unavailable; rendering tests will be skipped"; fi; \
	fi

samples: setup ## regenerate the sample corpus (data/raw, samples/truth) byte-identically
	$(BIN)/auditlib samples --root .

demo: setup ## run the main job on the bundled sample corpus (writes data/processed/demo)
	@set -e; for pdf in $$(find data/raw -name '*.pdf' | sort); do \
	  $(BIN)/auditlib audit "$$pdf" --out "$(OUT)/demo/$$(basename "$$pdf" .pdf)"; \
	done; echo "findings (findings.json/.csv/.xlsx, checks.csv) and extraction files are in $(OUT)/demo/<name>/"

test: setup ## run all tests
	$(BIN)/python -m pytest

bench: setup ## run the benchmarks (one line per figure)
	$(BIN)/python benchmarks/bench_extract.py

docs: setup ## regenerate docs/rules.md from the rule catalogue
	$(BIN)/auditlib rules --markdown > docs/rules.md

lab: setup ## start JupyterLab in the project's environment
	$(BIN)/jupyter lab --notebook-dir=notebooks

clean: ## remove rebuildable outputs (data/processed) and the virtual environment
	rm -rf $(OUT)/* $(VENV)
	touch $(OUT)/.gitkeep
