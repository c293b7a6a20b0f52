# The book's two commands: `make lab` and `make test`. Both set up a local
# environment in .venv on first use (and refresh it when pyproject.toml
# changes), so a fresh clone needs only Python 3 and make.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PIP_FLAGS ?= --disable-pip-version-check --quiet
# Two workers: the machines this runs on have two cores. loadscope keeps each
# notebook's cells on one worker (a split notebook fails with NameErrors).
PYTEST_FLAGS ?= -n 2 --dist loadscope

# A backend chosen in the caller's environment reaches the kernels and
# changes the stored figures; the book uses the inline backend.
unexport MPLBACKEND

.PHONY: lab test test-browser check toc execute execute-all bench clean help

help:
	@echo "make lab      open the book in JupyterLab (sets up $(VENV) on first use)"
	@echo "make test     run every test, notebooks included (sets up $(VENV) on first use)"
	@echo "make check    check the notebooks against book.toml"
	@echo "make test-browser   open every chapter in JupyterLab in headless Chromium"
	@echo "make execute NB=notebooks/01_histograms.ipynb   re-run a chapter and store its outputs"
	@echo "make bench    print the EM speed comparison with scikit-learn"

$(STAMP): pyproject.toml
	@test -x $(PY) || { echo "Creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	@echo "Installing emteach and its dependencies into $(VENV) (about half a minute)"
	$(PY) -m pip install $(PIP_FLAGS) -e ".[test]"
	@mkdir -p $(VENV)/share/jupyter/lab/settings
	@cp jupyter/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	@touch $(STAMP)

lab: $(STAMP)
	$(PY) -m emteach lab $(ARGS)

# One BLAS thread per worker: two workers already fill the two cores, and
# OpenBLAS threads competing for them made small solves 100 times slower.
THREADS_ONE := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

test: $(STAMP)
	$(THREADS_ONE) $(PY) -m pytest $(PYTEST_FLAGS)
	$(PY) -m emteach check

# Every chapter opened in JupyterLab in headless Chromium (Debian's package:
# apt-get install chromium); Playwright drives it. Not part of `make test`.
test-browser: $(STAMP)
	@test -x "$${CHROMIUM:-/usr/bin/chromium}" || { echo "needs Chromium: apt-get install chromium (or set CHROMIUM)"; exit 2; }
	$(PY) -m pip install $(PIP_FLAGS) "playwright>=1.40"
	$(PY) -m pytest browser -p no:cacheprovider -o addopts="" -v

check: $(STAMP)
	$(PY) -m emteach check

toc: $(STAMP)
	$(PY) -m emteach toc

execute: $(STAMP)
	@test -n "$(NB)" || { echo "usage: make execute NB=notebooks/NN_name.ipynb"; exit 2; }
	$(PY) -m emteach execute $(NB)

execute-all: $(STAMP)
	$(PY) -m emteach execute notebooks/*.ipynb

bench: $(STAMP)
	$(PY) benchmarks/bench_gmm.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
