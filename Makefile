# auditlib — make help lists the targets. Every target sets up what it needs itself.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
OUT ?= data/processed
LINT_STAMP := $(VENV)/.lint-installed
LINT_PATHS := src tests scripts benchmarks
# mypy targets: the model, the profiles and the rules (pyproject.toml [tool.mypy] holds the strictness:
# typed definitions, no explicit Any).
MYPY_TARGETS := src/auditlib/model src/auditlib/profiles src/auditlib/rules

.PHONY: help setup system-deps samples demo test test-fast lint bench fuzz fuzz-quick metamorphic lab docs clean regen-notebooks

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*?## "}{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test,dask,samples]"
	touch $(STAMP)

setup: $(STAMP) system-deps ## create .venv and install the package with its test, dask and samples extras

$(LINT_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e ".[lint]"
	touch $(LINT_STAMP)

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

demo: setup ## audit the bundled sample corpus as a batch (HTML reports in data/processed/demo)
	$(BIN)/auditlib batch data/raw --out $(OUT)/demo || test $$? -eq 3
	@echo "open $(OUT)/demo/portfolio/portfolio.html (overview) and $(OUT)/demo/<name>/audit.html (one per department)"

test: setup ## run all tests (pytest, and nbval on the stored reference notebooks)
	$(BIN)/python -m pytest --nbval --nbval-sanitize-with tests/notebooks/sanitize.cfg --durations=15 tests

test-fast: setup ## the inner loop: every test not marked slow (under a minute; no PDF reading or rendering)
	$(BIN)/python -m pytest -p no:nbval -m "not slow" -q tests

lint: $(LINT_STAMP) ## ruff check, ruff format --check, and mypy on the typed packages (what CI runs first)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/mypy $(MYPY_TARGETS)

regen-notebooks: setup ## regenerate the reference notebooks nbval checks (after a change of findings)
	$(BIN)/python scripts/regen_notebooks.py

bench: setup ## run the benchmarks (one line per figure)
	$(BIN)/python benchmarks/bench_extract.py
	$(BIN)/python benchmarks/bench_sandbox.py
	$(BIN)/python benchmarks/bench_batch.py
	$(BIN)/python benchmarks/bench_dask.py

fuzz: setup ## the full fuzz run: extract on 1,000 seeded mutations and every bomb (--timeout 30; report in $(OUT)/fuzz.json)
	$(BIN)/python benchmarks/fuzz.py --variants 1000 --seed auditlib-fuzz-1 --timeout 30 --jobs 2 --report $(OUT)/fuzz.json

fuzz-quick: setup ## a slice of the fuzz run (24 variants, the bombs on the small sample)
	$(BIN)/python benchmarks/fuzz.py --quick --report $(OUT)/fuzz-quick.json

metamorphic: setup ## the metamorphic corpus: 300+ layout-only transformations, findings compared (report in $(OUT)/metamorphic/report.json)
	$(BIN)/python scripts/metamorphic.py --out $(OUT)/metamorphic --jobs 2

docs: setup ## regenerate docs/rules.md from the rule catalogue
	$(BIN)/auditlib rules --markdown > docs/rules.md

lab: setup ## start JupyterLab in the project's environment (kernel "Python (auditlib)" registered)
	$(BIN)/python -m ipykernel install --sys-prefix --name auditlib --display-name "Python (auditlib)" >/dev/null
	$(BIN)/jupyter lab --notebook-dir=notebooks  # a link to src/auditlib/notebooks (package data)

clean: ## remove rebuildable outputs (data/processed) and the virtual environment
	rm -rf $(OUT)/* $(VENV)
	touch $(OUT)/.gitkeep
