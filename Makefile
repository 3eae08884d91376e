# Every target bootstraps .venv from nothing; nothing here needs root.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench derivations clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "derive needs Python >= 3.11"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/derive backprop --activation sigmoid --cost cross-entropy --format text
	@# exit code 1 means "a claim is refuted": the expected result on the tutorial
	$(BIN)/derive audit; test $$? -le 1

test: $(STAMP)
	$(BIN)/python -m pytest -q

derivations: $(STAMP)
	$(BIN)/derive export derivations

bench: $(STAMP)
	cd benchmarks && ../$(BIN)/python bench_check.py && ../$(BIN)/python bench_calculus.py && ../$(BIN)/python bench_backprop.py && ../$(BIN)/python bench_mlp.py && ../$(BIN)/python bench_audit.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
