# Set-up, reports, tests and JupyterLab, all in the project's own environment (.venv/).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CORPUS ?= seeds
REPORTS ?= reports
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: setup report test lab notebooks benchmarks clean

setup: $(STAMP)

# Reinstalls only when requirements.txt or pyproject.toml change.
$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

report: $(STAMP)
	$(PY) -m helpers report --corpus $(CORPUS) --out $(REPORTS)

test: $(STAMP)
	$(PY) -m pytest tests notebooks $(NBVAL)

lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/

# Re-executes every notebook in place on the sample corpus, storing the outputs nbval checks.
notebooks: $(STAMP)
	$(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace notebooks/[0-9]*.ipynb

benchmarks: $(STAMP)
	for script in benchmarks/*.py; do $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) $(REPORTS)
