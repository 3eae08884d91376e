# Every target bootstraps .venv from nothing; nothing here needs root.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TESTS  := $(VENV)/.installed-test

.PHONY: demo test bench derivations clean bytecode

# the modules' bytecode, written even where PYTHONDONTWRITEBYTECODE is set (an editable install
# has none of its own): without it every run compiles derive's sources again (about 50 ms)
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q derive

# the program alone (what `make demo` and `make derivations` need)
$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "derive needs Python >= 3.11"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

# and what the tests compare against (scikit-learn, matplotlib, pytest)
$(TESTS): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(TESTS)

demo: $(STAMP) bytecode
	$(BIN)/derive backprop --activation sigmoid --cost cross-entropy --format text
	@# exit code 1 means "a claim is refuted": the expected result on the tutorial
	$(BIN)/derive audit; test $$? -le 1

test: $(TESTS) bytecode
	$(BIN)/python -m pytest -q -n 2 --dist worksteal

derivations: $(STAMP) bytecode
	$(BIN)/derive export derivations

bench: $(TESTS) bytecode
	cd benchmarks && ../$(BIN)/python bench_check.py && ../$(BIN)/python bench_calculus.py && ../$(BIN)/python bench_backprop.py && ../$(BIN)/python bench_mlp.py && ../$(BIN)/python bench_multiclass.py && ../$(BIN)/python bench_audit.py && ../$(BIN)/python bench_speed.py && ../$(BIN)/python bench_first_use.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
