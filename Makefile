# Two commands do everything: `make run` and `make test` (see README.md).
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
INSTALLED := $(VENV)/.installed
MODEL := models/current.tar.gz
TRAINING_FILES := config.yml domain.yml $(shell find data/nlu data/rules data/stories -name '*.yml' 2>/dev/null)
EMULATOR := tests/e2e/node_modules/.package-lock.json
export RASA_TELEMETRY_ENABLED := false

.PHONY: run test bench eval content-report setup train validate lock clean test-deps audit

run: $(INSTALLED) $(MODEL)
	$(PYTHON) -m bot.launcher

test: test-deps $(INSTALLED) $(MODEL) $(EMULATOR) audit
	$(PYTHON) -m pytest

# pip-audit over requirements.lock (docs/security.md); says so plainly when it cannot reach a
# vulnerability service.
audit:
	./scripts/audit-deps

# Speed and memory on this machine beside a stock `rasa init` bot (tests/bench; about half an hour,
# not part of make test). BENCH_ARGS=--quick for a short trial run.
bench: test-deps $(INSTALLED) $(MODEL) $(EMULATOR)
	$(PYTHON) -m tests.bench $(BENCH_ARGS)

# Recognition figures on the held-out dev set, plus Rasa's NLU cross-validation (FOLDS=0 skips it).
FOLDS ?= 3
eval: $(INSTALLED) $(MODEL)
	$(PYTHON) -m bot.evaluation --folds $(FOLDS)

# Per topic and audience: the entries, their readability and their sources (no model needed).
content-report: $(INSTALLED)
	$(PYTHON) -m bot.content_report

test-deps:
	./scripts/install-test-deps

setup: $(INSTALLED)

train: $(MODEL)

validate: $(INSTALLED)
	$(BIN)/rasa data validate

$(INSTALLED): requirements.lock pyproject.toml scripts/make-venv
	./scripts/make-venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check --quiet --requirement requirements.lock
	$(BIN)/pip check
	touch $@

# Trains only when the training data, config or domain changed (content in data/content is read at
# run time and needs no training). Rasa may keep the old model if its fingerprint still matches.
$(MODEL): $(INSTALLED) $(TRAINING_FILES)
	$(BIN)/rasa train --fixed-model-name current --out models
	touch $@

# The Telegram Bot API emulator used by the end-to-end tests.
$(EMULATOR): tests/e2e/package.json tests/e2e/package-lock.json | test-deps
	npm ci --prefix tests/e2e --no-audit --no-fund
	touch $@

# Re-pins every Python dependency after pyproject.toml changes.
lock: $(INSTALLED)
	$(BIN)/pip install --quiet --editable '.[test]'
	{ echo '# Every Python package, pinned (regenerate with `make lock` after changing pyproject.toml).'; \
	  $(BIN)/pip freeze --exclude-editable | grep -v '^online-safety-bot'; } > requirements.lock

clean:
	rm -rf $(VENV) .venv-audit models .rasa tests/e2e/node_modules results reports
