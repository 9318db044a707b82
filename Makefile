# portfoliokit's own verbs, written once in scripts/dev.py: `make VERB` and
# `python3 scripts/dev.py VERB` are the same, and both set up .venv themselves.
PYTHON ?= python3
VERBS := help demo test bench bake

.DEFAULT_GOAL := help
.PHONY: $(VERBS)

$(VERBS):
	@$(PYTHON) scripts/dev.py $@
