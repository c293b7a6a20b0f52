# The book's two commands: `make lab` and `make test`. Both set up a local
# environment in .venv on first use (and refresh it when pyproject.toml
# changes), so a fresh clone needs only Python 3.10+ and make.
# `make help` lists every target, from the `## ` comments on target lines.

PYTHON ?= python3
PYTHON_MIN := 3.10
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

.PHONY: help lab lab-book status update reset new test test-browser check toc execute execute-all html bench mutate clean FORCE

help: ## list the targets
	@echo "Usage: make TARGET [VAR=value]   (PYTHON=$(PYTHON), VENV=$(VENV))"
	@grep -hE '^[a-zA-Z_.-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-zA-Z_.-]+):.*## (.*)$$/  make \1\t\2/' | expand -t 22

# Which Python made the venv, and which one is asked for: "version base-prefix".
PYTHON_ID := import sys, platform; print(platform.python_version(), sys.base_prefix)
# FORCE when $(VENV) is broken or was made by another Python than $(PYTHON), so
# the set-up below runs and rebuilds it. Expanded only when the stamp is
# needed (secondary expansion), so `make help` runs no Python.
VENV_STALE = $(shell a=`$(PY) -c '$(PYTHON_ID)' 2>/dev/null`; b=`$(PYTHON) -c '$(PYTHON_ID)' 2>/dev/null`; \
	test -n "$$a" && test "$$a" = "$$b" || echo FORCE)
.SECONDEXPANSION:

# Set-up, in order: (1) stop at once on a Python older than $(PYTHON_MIN) (pip would
# otherwise backtrack for many minutes before failing); (2) rebuild a venv that
# does not run or was made by another Python; (3) install.
$(STAMP): pyproject.toml jupyter/overrides.json $$(VENV_STALE)
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "emteach needs Python $(PYTHON_MIN) or newer, but '$(PYTHON)' is not found; run: make $(MAKECMDGOALS) PYTHON=python3.X"; exit 1; }
	@found=`$(PYTHON) -c 'import platform; print(platform.python_version())' 2>&1` || { \
	  echo "emteach needs Python $(PYTHON_MIN) or newer, but $(PYTHON) does not run: `echo "$$found" | head -n 1`"; exit 1; }; \
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < tuple(map(int, "$(PYTHON_MIN)".split("."))))' || { \
	  echo "emteach needs Python $(PYTHON_MIN) or newer, but $(PYTHON) is Python $$found; run: make $(MAKECMDGOALS) PYTHON=python3.X (3.X >= $(PYTHON_MIN))"; exit 1; }
	@if test -e $(VENV) && ! $(PY) -c 'import sys' >/dev/null 2>&1; then \
	  echo "Rebuilding $(VENV): it is broken ($(PY) does not run)"; rm -rf $(VENV); \
	elif test -e $(VENV); then \
	  a=`$(PY) -c '$(PYTHON_ID)'`; b=`$(PYTHON) -c '$(PYTHON_ID)'`; \
	  if test "$$a" != "$$b"; then echo "Rebuilding $(VENV): it was made by Python $$a, and PYTHON=$(PYTHON) is Python $$b"; rm -rf $(VENV); fi; \
	fi
	@test -x $(PY) || { echo "Creating $(VENV) with $(PYTHON) (`$(PYTHON) --version 2>&1`)"; $(PYTHON) -m venv $(VENV); }
	@echo "Installing emteach and its dependencies into $(VENV) (several minutes the first time, see README)"
	$(PY) -m pip install $(PIP_FLAGS) -e ".[test]"
	@mkdir -p $(VENV)/share/jupyter/lab/settings
	@cp jupyter/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	@touch $(STAMP)

FORCE:

lab: $(STAMP) ## open your copies of the chapters (workspace/) in JupyterLab; ARGS="..." go to jupyter lab
	$(PY) -m emteach lab $(ARGS)

lab-book: $(STAMP) ## open the book itself (notebooks/) in JupyterLab, for authors: saving there changes the book
	$(PY) -m emteach lab --book $(ARGS)

status: $(STAMP) ## one line per chapter: unchanged, edited by you, or newer in the book
	$(PY) -m emteach status

update: $(STAMP) ## after `git pull`: bring in the chapters newer in the book that you did not edit
	$(PY) -m emteach update

reset: $(STAMP) ## start a chapter over: make reset CH=1 (CH=--all for every one); your copy is backed up
	@test -n "$(CH)" || { echo "usage: make reset CH=1   (a chapter number or notebook name; CH=--all for all)"; exit 2; }
	$(PY) -m emteach reset $(CH)

new: $(STAMP) ## start a new chapter: make new TITLE="Title" writes its notebook and book.toml entry
	@test -n "$(TITLE)" || { echo 'usage: make new TITLE="Title of the chapter"'; exit 2; }
	$(PY) -m emteach new "$(TITLE)"

# One BLAS thread per worker: two workers already fill the two cores, and
# OpenBLAS threads competing for them made small solves 100 times slower.
THREADS_ONE := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

test: $(STAMP) ## run every test, notebooks included, then check the book
	$(THREADS_ONE) $(PY) -m pytest $(PYTEST_FLAGS)
	$(PY) -m emteach check

# The browser suite (Debian's chromium package, driven by Playwright): every
# chapter run in JupyterLab, the workspace flow, slides, the static book from
# file:// with the network blocked, the accessibility tree and the latency a
# reader feels. Not part of `make test`; .ci/run runs it after `make test`.
test-browser: $(STAMP) ## in headless Chromium: every chapter run in JupyterLab, the workspace, slides, the static book offline, accessibility, latency (needs apt-get install chromium)
	@test -x "$${CHROMIUM:-/usr/bin/chromium}" || { echo "needs Chromium: apt-get install chromium (or set CHROMIUM)"; exit 2; }
	@$(PY) -c 'import playwright' 2>/dev/null || $(PY) -m pip install $(PIP_FLAGS) "playwright>=1.40"
	$(PY) -m pytest browser -p no:cacheprovider -o addopts="" -v

check: $(STAMP) ## check the notebooks against book.toml
	$(PY) -m emteach check

toc: $(STAMP) ## print the table of contents
	$(PY) -m emteach toc

execute: $(STAMP) ## re-run a chapter and store its outputs: make execute NB=notebooks/01_histograms.ipynb
	@test -n "$(NB)" || { echo "usage: make execute NB=notebooks/NN_name.ipynb"; exit 2; }
	$(PY) -m emteach execute $(NB)

execute-all: $(STAMP) ## re-run every chapter in notebooks/ and store the outputs
	$(PY) -m emteach execute notebooks/*.ipynb

# The static book: every chapter's STORED outputs as web pages that read
# offline from file:// (local MathJax, solutions folded); nothing is re-run.
html: $(STAMP) ## build the static book in build/html/ from the stored outputs (open build/html/index.html, offline)
	$(PY) -m emteach html

bench: $(STAMP) ## print the EM speed comparison with scikit-learn
	$(PY) benchmarks/bench_gmm.py

# Mutation testing, an authors' tool (not part of `make test`): mutmut changes
# the numerics and the checkers one small edit at a time (pyproject.toml,
# [tool.mutmut], lists the modules and the fast tests that cover them) and
# reruns those tests; an edit no test notices is a hole in the tests. Results
# are kept in mutants/, so a second run only retests what changed.
mutate: $(STAMP) ## authors: mutation score of the numerics and checkers (mutmut); MUTANTS="emteach.kmeans*" narrows it
	@$(PY) -c 'import mutmut' 2>/dev/null || $(PY) -m pip install $(PIP_FLAGS) "mutmut>=3.3,<4"
	-EMTEACH_MUTATE=1 $(THREADS_ONE) $(VENV)/bin/mutmut run --max-children 2 $(MUTANTS) > mutants.log 2>&1; tail -c 300 mutants.log; echo
	@echo "Survivors (inspect one with: $(VENV)/bin/mutmut show NAME):"
	@$(VENV)/bin/mutmut results 2>/dev/null | grep -v ": killed" || true
	@$(VENV)/bin/mutmut export-cicd-stats >/dev/null 2>&1
	@$(PY) benchmarks/mutation_score.py mutants/mutmut-cicd-stats.json

clean: ## remove .venv and build files (never workspace/, your copies)
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
