# The two commands of the README, plus their set-up. Every pip install takes constraints.txt
# (it pins the CPU build of torch).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet -c constraints.txt
DEMO_DB ?= sqlite:///demo.db
PORT ?= 8501

.PHONY: demo test setup setup-dev bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.setup: $(BIN)/python pyproject.toml constraints.txt
	$(PIP) -e .
	touch $@

$(VENV)/.setup-dev: $(BIN)/python pyproject.toml constraints.txt
	$(PIP) -e ".[all,dev]"
	touch $@ $(VENV)/.setup

setup: $(VENV)/.setup
setup-dev: $(VENV)/.setup-dev

## make demo: set up, load the sample study into demo.db, open the app on http://localhost:8501
demo: setup
	FGI_DATABASE_URL=$(DEMO_DB) $(BIN)/fgi demo --if-missing
	FGI_DATABASE_URL=$(DEMO_DB) $(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

## make test: set up with every extra and run the whole suite (PostgreSQL tests start their own server)
test: setup-dev
	$(BIN)/python -m pytest -n 2 --dist loadfile -p no:cacheprovider

bench: setup-dev
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) demo.db demo.db-* test-output
