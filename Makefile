# The two commands of the README, plus their set-up. Every pip install takes constraints.txt
# (it pins the CPU build of torch) and installs the pinned versions of the lock files, so two
# installs of a team server run the same code; `make lock` updates them deliberately.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet -c constraints.txt
DEMO_DB ?= sqlite:///demo.db
PORT ?= 8501

.PHONY: demo test setup setup-dev bench clean lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.setup: $(BIN)/python pyproject.toml constraints.txt requirements.lock
	$(PIP) -r requirements.lock
	$(PIP) --no-deps -e .
	touch $@

$(VENV)/.setup-dev: $(BIN)/python pyproject.toml constraints.txt requirements-dev.lock
	$(PIP) -r requirements-dev.lock
	$(PIP) --no-deps -e ".[all,dev]"
	touch $@ $(VENV)/.setup

setup: $(VENV)/.setup
setup-dev: $(VENV)/.setup-dev

## make demo: set up, load the sample study into demo.db, open the app on http://localhost:8501
demo: setup
	FGI_DATABASE_URL=$(DEMO_DB) $(BIN)/fgi demo --if-missing
	FGI_DATABASE_URL=$(DEMO_DB) $(BIN)/streamlit run app.py --server.port $(PORT) --server.maxUploadSize $${FGI_MAX_IMPORT_MB:-20} --server.headless true --browser.gatherUsageStats false

## make test: set up with every extra and run the whole suite (PostgreSQL tests start their own server)
test: setup-dev
	$(BIN)/python -m pytest -n 2 --dist loadfile -p no:cacheprovider

## make lock: pin every dependency of pyproject.toml anew (pip-tools), for the app and for the tests
LOCK := $(BIN)/pip-compile --quiet --no-emit-find-links --no-emit-index-url --strip-extras --constraint constraints.txt
lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt pip-tools
	$(LOCK) --extra all --extra dev --output-file requirements-dev.lock pyproject.toml
	$(LOCK) --constraint requirements-dev.lock --output-file requirements.lock pyproject.toml

bench: setup-dev
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) demo.db demo.db-* test-output
