# dvcq — `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.DEFAULT_GOAL := help
.PHONY: help report test lab lab-settings lint setup clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "dvcq cần Python 3.11 trở lên (needs Python 3.11+)")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'  # dev includes the dask and lab extras
	@touch $(STAMP)

setup: $(STAMP) ## create .venv and install dvcq with its dependencies

report: $(STAMP) ## set up, then run the main job on the bundled data
	$(BIN)/dvcq report

test: $(STAMP) ## set up, then run every test
	$(BIN)/python -m pytest

#: JupyterLab reads settings defaults from here (`overrides.d/*.json`, one file per package).
LAB_SETTINGS ?= $(VENV)/share/jupyter/lab/settings

lab-settings: # JupyterLab's interface in Vietnamese (vi_VN): jupyter/overrides.d/dvcq.json
	@mkdir -p $(LAB_SETTINGS)/overrides.d
	@cp jupyter/overrides.d/dvcq.json $(LAB_SETTINGS)/overrides.d/dvcq.json

lab: $(STAMP) lab-settings ## JupyterLab in Vietnamese, opening notebooks/explore/01_bat_dau.ipynb
	$(BIN)/jupyter lab notebooks/explore/01_bat_dau.ipynb

lint: $(STAMP) ## ruff lint + format check, declared dependencies (deptry), import contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/deptry .
	$(BIN)/lint-imports

clean: ## remove generated outputs (keeps .venv)
	rm -rf outputs/* data/processed
