# driverparty — `make demo` and `make test` are all a newcomer needs.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv test test-windows-sim lint format schema catalog reference demo bench mutate clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest

# The whole suite as on a county office's Windows laptop, simulated on Linux (issue 18): no
# fcntl, os.sync, O_NOFOLLOW, O_NONBLOCK or mkfifo, a Chinese display language
# (tests/windows_sim/sitecustomize.py), a cp936 console, core.autocrlf=true in a global git
# config made for the run, and a text file opened without an encoding is an error.
test-windows-sim: $(STAMP)
	@sim=$$(mktemp -d) && trap 'rm -rf "$$sim"' EXIT && \
	printf '[core]\n\tautocrlf = true\n' > "$$sim/gitconfig" && \
	echo "windows-sim: $(CURDIR)/tests/windows_sim, core.autocrlf=true, PYTHONIOENCODING=cp936" && \
	DRIVERPARTY_WINDOWS_SIM=1 DRIVERPARTY_TEST_GIT_CONFIG_GLOBAL="$$sim/gitconfig" \
	PYTHONPATH="$(CURDIR)/tests/windows_sim" PYTHONIOENCODING=cp936 \
	PYTHONWARNDEFAULTENCODING=1 PYTHONWARNINGS=error::EncodingWarning \
	$(BIN)/python -X warn_default_encoding -W error::EncodingWarning -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check driverparty tests scripts bench
	$(BIN)/ruff format --check driverparty tests scripts bench
	$(BIN)/mypy --strict driverparty
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format driverparty tests scripts bench
	$(BIN)/ruff check --fix driverparty tests scripts bench

# driverparty/schema.json: the models' description for paths that must not import pydantic
schema: $(STAMP)
	$(BIN)/python -m driverparty.models > driverparty/schema.json

# driverparty/locale/zh_CN/LC_MESSAGES/driverparty.{po,mo}: new messages of the code added to
# the .po (to be translated there), the .mo compiled from it; tests/test_i18n.py fails when
# either is stale or a message has no translation (issue 23)
catalog: $(STAMP)
	$(BIN)/python scripts/catalog.py

# docs/REFERENCE.md: commands, options, fields, codes, reports and settings, from the code;
# tests/test_reference.py fails when it is stale (issue 23)
reference: $(STAMP)
	$(BIN)/python scripts/make_reference.py

demo: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/demo.sh

bench: $(STAMP)
	@command -v recsel >/dev/null || (apt-get update -qq && apt-get install -y -qq recutils) \
	  || { echo "make bench needs GNU recutils: apt-get install recutils"; exit 3; }
	$(BIN)/python bench/run.py --runs 5
	$(BIN)/python bench/soak.py --ops 300

# Mutation testing (issue 25, docs/MUTATION.md; not part of CI): mutmut mutates the modules
# setup.cfg's [mutmut] names, in a copy under mutants/, and runs the tests listed there that
# call each mutated function. Results are kept: a second run checks only what changed.
# MUTANTS='driverparty.personal*' runs one module. Then scripts/mutate_constants.py: the rules
# held in module constants (patterns, tables), which mutmut does not mutate. The suite's git
# sees an empty global config file of its own; PYTEST_DEBUG_TEMPROOT gives pytest's usual
# locked numbered folders, which two mutants tested at once do not delete under each other
# (tests/conftest.py's one --basetemp per run would be shared by mutmut's forked runs).
mutate: $(STAMP)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && touch "$$tmp/gitconfig" && \
	export DRIVERPARTY_TEST_GIT_CONFIG_GLOBAL="$$tmp/gitconfig" PYTEST_DEBUG_TEMPROOT="$$tmp" && \
	$(BIN)/mutmut run --max-children 2 $(MUTANTS); \
	$(BIN)/python scripts/mutation_score.py; score=$$?; \
	$(BIN)/python scripts/mutate_constants.py && exit $$score

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis mutants
