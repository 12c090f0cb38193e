# CI and laptops run the same targets. `make demo` and `make test` are the README's quick start.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.stamp-run
STAMP_DEV := $(VENV)/.stamp-dev
DATA ?= ../shared/datasets

.PHONY: demo test lint typecheck bench screenshots clean venv dev

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade "pip>=24"

# runtime only: no torch
$(STAMP_RUN): $(BIN)/python pyproject.toml requirements/run.txt
	$(BIN)/pip install -q -r requirements/run.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $@

# tests and training: torch first (CPU build from disk), then the rest
$(STAMP_DEV): $(STAMP_RUN) requirements/dev.txt requirements/scale.txt requirements/ner.txt
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -r requirements/dev.txt -r requirements/scale.txt -r requirements/ner.txt
	touch $@

venv: $(STAMP_RUN)
dev: $(STAMP_DEV)

demo: $(STAMP_RUN)
	$(BIN)/narrascope analyze examples/interview.txt --format text
	$(BIN)/narrascope analyze examples/interview.txt --format html --out out/interview.html
	@echo "HTML report written to out/interview.html"

test: $(STAMP_DEV)
	$(BIN)/ruff check src tests bench
	$(BIN)/pytest -q

lint: $(STAMP_DEV)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP_DEV)
	$(BIN)/mypy

bench: $(STAMP_DEV)
	$(BIN)/python bench/quality.py
	$(BIN)/python bench/speed.py --data $(DATA) --detectors genre,frames,techniques,narratives,framing
	$(BIN)/python bench/techniques.py
	$(BIN)/python bench/web_latency.py --n 10

screenshots: $(STAMP_DEV)
	NARRASCOPE_SCREENSHOTS=$(CURDIR)/docs/img $(BIN)/pytest -q tests/test_browser.py
	@echo "README screenshots refreshed in docs/img (the corpus report's: bench/corpus.py --screenshot)"

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
