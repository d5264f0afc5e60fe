# driverparty — `make demo` and `make test` are all a newcomer needs.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv test lint format schema demo bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check driverparty tests scripts bench
	$(BIN)/ruff format --check driverparty tests scripts bench
	$(BIN)/mypy driverparty

format: $(STAMP)
	$(BIN)/ruff format driverparty tests scripts bench
	$(BIN)/ruff check --fix driverparty tests scripts bench

# driverparty/schema.json: the models' description for paths that must not import pydantic
schema: $(STAMP)
	$(BIN)/python -m driverparty.models > driverparty/schema.json

demo: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/demo.sh

bench: $(STAMP)
	@command -v recsel >/dev/null || (apt-get update -qq && apt-get install -y -qq recutils) \
	  || { echo "make bench needs GNU recutils: apt-get install recutils"; exit 3; }
	$(BIN)/python bench/run.py --runs 5
	$(BIN)/python bench/soak.py --ops 1000

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
