# Every target bootstraps .venv from nothing; nothing here needs root.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "derive needs Python >= 3.11"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/derive check "diff(1/(1 + exp(-z)), z) = exp(-z)/(1 + exp(-z))^2"
	-$(BIN)/derive check "diff(f(g(x)), x) = diff(f(x), x)*diff(g(x), x)"
	-$(BIN)/derive check --latex "\frac{d}{dx} \frac{1}{1+e^{x}} = \sigma(x)(1 - \sigma(x))"

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_check.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
