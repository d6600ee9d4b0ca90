# Everyday tasks. `make run` and `make test` are the two commands in the README.
VENV   ?= .venv
PYTHON := $(VENV)/bin/python
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := graphviz espeak-ng libespeak-ng1 chromium fonts-noto-cjk

.PHONY: setup system-packages run tour test lint typecheck pytest bench fuzz fuzz-runtime docs format clean

setup: system-packages $(VENV)/.installed designer/dist/.built

# The browser designer (designer/, Node 20): its packages from package-lock.json, then its production build,
# each redone only when what it is made from changed.
DESIGNER_SOURCES := $(shell find designer/src designer/scripts -type f -not -path 'designer/src/generated/*' 2>/dev/null) \
  designer/index.html designer/vite.config.ts designer/tsconfig.json schemas/flow.schema.json \
  $(wildcard examples/load/*)

designer/node_modules/.installed: designer/package.json designer/package-lock.json
	cd designer && npm ci --no-audit --no-fund
	touch $@

designer/dist/.built: designer/node_modules/.installed $(DESIGNER_SOURCES)
	cd designer && npm run build
	touch $@

# Debian packages the project needs: graphviz draws `callflow graph --format svg`; espeak-ng speaks prompts;
# chromium (driven by Playwright) and the CJK fonts run the designer's browser tests.
system-packages:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q --upgrade pip 'setuptools>=77'
	$(PYTHON) -m pip install -q -e '.[dev]'
	touch $@

# The designer on the bundled examples: imported once into ./callflow-data (the first admin password is kept in
# callflow-data/first-login.txt, readable by you only), then served on 127.0.0.1:8080.
DATA ?= callflow-data
run: setup
	@if [ ! -d $(DATA) ]; then \
	  mkdir -p $(DATA) && chmod 700 $(DATA) && \
	  $(BIN)/callflow import examples --publish --data $(DATA) 2> $(DATA)/first-login.txt && chmod 600 $(DATA)/first-login.txt; \
	fi
	@echo "Callflow designer: http://127.0.0.1:8080"
	@grep -h password $(DATA)/first-login.txt 2>/dev/null || true
	$(BIN)/callflow serve --data $(DATA) --host 127.0.0.1 --port 8080

# A tour of the command line on the bundled examples: check them, simulate one call to the 12345 hotline, and run
# the examples' flow tests.
tour: setup
	$(BIN)/callflow check --strict examples/
	$(BIN)/callflow simulate examples/hotline_12345.flow --at 2026-11-20T10:00 \
	  -i dtmf:2 -i dtmf:1 -i 'dtmf:20261001#' -i dtmf:0 -i dtmf:3 -i 'say:路灯坏了，请派人修理' -i 'dtmf:#'
	$(BIN)/callflow test examples/

test: setup lint typecheck pytest

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy sees the repository as the `callflow` package through a symlink, as it is installed.
typecheck:
	@mkdir -p build/typecheck && ln -sfn ../.. build/typecheck/callflow
	MYPYPATH=build/typecheck $(BIN)/mypy -p callflow.flowlang -p callflow.nodes -p callflow.runtime -p callflow.speech -m callflow.server

pytest:
	$(BIN)/pytest

bench: setup
	$(PYTHON) bench/check_speed.py
	$(PYTHON) bench/simulate_speed.py
	$(PYTHON) bench/diff_speed.py
	$(PYTHON) bench/format_speed.py
	$(PYTHON) bench/speech_speed.py
	$(PYTHON) bench/recognition_speed.py
	$(PYTHON) bench/live_calls.py
	$(PYTHON) bench/designer_speed.py
	$(PYTHON) bench/service_speed.py
	$(PYTHON) bench/load_speed.py
	$(PYTHON) bench/capacity_theory.py
	$(PYTHON) bench/startup_speed.py

# The fuzz tests (tests/support/mutants.py: hostile flows, environments, flow-test files and traces) with many
# more examples than `make test` runs; FUZZ_EXAMPLES=20000 for a longer run.
FUZZ_EXAMPLES ?= 3000
FUZZ_TESTS := tests/flowlang/test_fuzz_files.py tests/flowlang/test_fuzz_environment.py \
	tests/runtime/testing/test_fuzz_test_files.py

fuzz: setup
	CALLFLOW_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest --hypothesis-show-statistics $(FUZZ_TESTS)

# The runtime's hypothesis properties at length (the tests run them with a few examples); into docs/performance.md.
fuzz-runtime: setup
	$(PYTHON) bench/fuzz_runtime.py

# Regenerate what is made from the code: the JSON Schema and the node and check references.
docs: setup
	$(BIN)/callflow schema -o schemas/flow.schema.json
	$(BIN)/callflow reference nodes > docs/nodes.md
	$(BIN)/callflow reference checks > docs/checks.md

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) build .mypy_cache .pytest_cache .ruff_cache .hypothesis designer/dist designer/node_modules designer/src/generated
