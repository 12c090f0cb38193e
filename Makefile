# CI and laptops run the same targets. `make demo` and `make test` are the README's quick start.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.stamp-run
STAMP_DEV := $(VENV)/.stamp-dev
DATA ?= ../shared/datasets
# The browser tests drive Debian's chromium through Playwright (never a downloaded browser build).
CHROMIUM ?= /usr/bin/chromium
export NARRASCOPE_CHROMIUM := $(CHROMIUM)

.PHONY: demo test quick lint typecheck bench screenshots clean venv dev browser

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
	$(BIN)/narrascope compare examples/interview.txt examples/wire.txt --out out/compare.html
	@echo "HTML report written to out/interview.html; the interview beside a wire report: out/compare.html"

# chromium for the browser tests: installed when missing and we can (root, apt-get), else a clear failure
browser:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else \
	    echo "error: the browser tests need chromium at $(CHROMIUM); install it with" >&2; \
	    echo "    sudo apt-get install -y chromium" >&2; \
	    echo "(or point CHROMIUM=... at a chromium binary)" >&2; \
	    exit 1; \
	  fi; \
	fi
	@test -x "$(CHROMIUM)" || { echo "error: $(CHROMIUM) still missing after apt-get install chromium" >&2; exit 1; }

# NARRASCOPE_REQUIRE_BROWSER: a browser test fails, never skips, when chromium or Playwright is missing
test: $(STAMP_DEV) browser
	$(BIN)/ruff check src tests bench
	NARRASCOPE_REQUIRE_BROWSER=1 $(BIN)/pytest -q

# the inner loop: everything but the slow tests (datasets, training) and the browser tests (chromium)
quick: $(STAMP_DEV)
	$(BIN)/pytest -q -m "not slow and not browser"

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

screenshots: $(STAMP_DEV) browser
	NARRASCOPE_REQUIRE_BROWSER=1 NARRASCOPE_SCREENSHOTS=$(CURDIR)/docs/img $(BIN)/pytest -q tests/test_browser.py
	@echo "README screenshots refreshed in docs/img (the corpus report's: bench/corpus.py --screenshot)"

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
