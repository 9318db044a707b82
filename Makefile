# portfoliokit's own verbs. `make demo` and `make test` are the two commands a
# newcomer needs; both set up .venv themselves.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.DEFAULT_GOAL := help
.PHONY: help demo test lint bench bake

help: ## List the verbs
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  %-7s %s\n", $$1, $$2}'

# The environment is rebuilt when the project's dependencies change.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

demo: $(VENV)/.installed ## Generate the classification-api demo into demo/ and run it end to end
	$(PY) scripts/demo.py

test: $(VENV)/.installed ## Lint, type-check and run the whole test suite (slow tests included)
	$(PY) -m ruff check src tests benchmarks scripts
	$(PY) -m ruff format --check src tests benchmarks scripts
	$(PY) -m mypy
	$(PY) -m pytest

bench: $(VENV)/.installed ## Measure `portfoliokit new` against plain Copier into docs/performance.md
	$(PY) benchmarks/bench_new.py

bake: $(VENV)/.installed ## Re-run classification-api's pipeline, ship its results in the template, verify they reproduce
	$(PY) scripts/bake_results.py classification-api --verify
