# Galley: `make run` opens the studio, `make test` runs every test tier.
# Each target installs what is missing first (Debian packages, node modules, tauri-driver) and is
# quick when everything is present.

SHELL := /bin/bash
.DEFAULT_GOAL := help
.PHONY: help setup deps-system deps-node deps-tauri-driver model junit-schema ui app run test test-rust test-ui test-e2e lint bindings clean-e2e bench bench-venv bench-runs bench-eval format-tools

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := build-essential pkg-config curl file cmake clang libclang-dev libssl-dev \
  libwebkit2gtk-4.1-dev libxdo-dev librsvg2-dev libayatana-appindicator3-dev \
  webkit2gtk-driver xvfb xauth imagemagick python3-pip python3-venv unzip libxml2-utils git
TAURI := ui/node_modules/.bin/tauri
E2E_IDENTIFIER := dev.galley.studio.e2e
E2E_BIN := target/e2e/galley-app

help:
	@echo "make run    set up, build and open Galley"
	@echo "make test   set up and run every test tier (Rust, UI, CLI, end-to-end under Xvfb)"
	@echo "make lint   rustfmt + clippy -D warnings + svelte-check"
	@echo "make bench  the local model's TTFT and tokens/s against llama-cpp-python (not a test)"
	@echo "make bench-runs  galley run against promptfoo, 2000 cells through bedrock-sim (not a test)"
	@echo "make bench-eval  galley eval, 2000 cells + 2000 judge verdicts through bedrock-sim (not a test)"

setup: deps-system deps-node deps-tauri-driver model

deps-system:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

deps-node: ui/node_modules/.package-lock.json

ui/node_modules/.package-lock.json: ui/package-lock.json ui/package.json
	cd ui && npm ci --no-audit --no-fund
	@touch $@

deps-tauri-driver:
	@command -v tauri-driver >/dev/null 2>&1 || cargo install --locked tauri-driver

# The default local model (SmolLM2-135M-Instruct, Q4_1 GGUF) in the user cache, hash-checked.
model: deps-system
	@scripts/fetch-model.sh >/dev/null

# The JUnit XML schema the tests validate `galley eval --junit` reports against (from PyPI).
junit-schema: deps-system
	@scripts/fetch-junit-schema.sh target/junit >/dev/null

# The desktop binary with the UI embedded (the Tauri CLI builds the UI first).
app: setup
	$(TAURI) build --debug --no-bundle

run: app
	@if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ]; then echo "no display: run 'xvfb-run make run' on a headless machine"; exit 1; fi
	target/debug/galley-app

lint: setup
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --locked -- -D warnings
	cd ui && npm run check

test-rust: setup junit-schema format-tools
	GALLEY_REQUIRE_MODEL=1 GALLEY_JUNIT_XSD=$(CURDIR)/target/junit/junit-10.xsd $(FORMAT_TOOLS_ENV) \
	  cargo test --workspace --locked

test-ui: deps-node
	cd ui && npm test

# The E2E build has its own identifier (its own webview storage) and lives apart from the
# binary `make run` uses; the test gives it a temporary data dir and HOME.
test-e2e: setup
	$(TAURI) build --debug --no-bundle --config '{"identifier":"$(E2E_IDENTIFIER)"}'
	@mkdir -p $(dir $(E2E_BIN)) && cp target/debug/galley-app $(E2E_BIN)
	cargo build -p bedrock-sim --locked
	xvfb-run -a -s "-screen 0 1400x880x24" node tests/e2e/workbench.e2e.mjs $(E2E_BIN)
	xvfb-run -a -s "-screen 0 1400x880x24" node tests/e2e/bedrock.e2e.mjs $(E2E_BIN) target/debug/bedrock-sim
	xvfb-run -a -s "-screen 0 1400x880x24" node tests/e2e/local.e2e.mjs $(E2E_BIN) target/debug/bedrock-sim
	xvfb-run -a -s "-screen 0 1400x880x24" node tests/e2e/runs.e2e.mjs $(E2E_BIN) target/debug/bedrock-sim
	xvfb-run -a -s "-screen 0 1400x880x24" node tests/e2e/eval.e2e.mjs $(E2E_BIN) target/debug/bedrock-sim
	xvfb-run -a -s "-screen 0 1400x880x24" node tests/e2e/review.e2e.mjs $(E2E_BIN) target/debug/bedrock-sim
	xvfb-run -a -s "-screen 0 1400x880x24" node tests/e2e/repo.e2e.mjs $(E2E_BIN)

test: lint test-rust test-ui test-e2e
	@echo "all test tiers passed"

bindings:
	UPDATE_BINDINGS=1 cargo test -p galley-engine --test bindings

# The local provider against llama-cpp-python on the same GGUF, prompt, threads and greedy decoding:
# figures only, never a failure on time. llama-cpp-python compiles llama.cpp from source (minutes
# on two cores) into a venv kept under target/; it is rebuilt only when the version or the CMake
# arguments change. The arguments match what llama-cpp-sys-2 builds for Galley: Release, no
# -march=native (GGML_NATIVE=OFF, so ggml's x86 defaults SSE4.2/AVX/AVX2/FMA/F16C/BMI2 apply),
# OpenMP on (llama-cpp-2's default feature); the benchmark prints both CMake caches' flags.
BENCH_VENV := target/bench-venv
LLAMA_CPP_PYTHON := 0.3.36
BENCH_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_OPENMP=ON -DGGML_BLAS=OFF -DLLAVA_BUILD=OFF
BENCH_RUNS ?= 5

bench-venv: deps-system
	@want="llama-cpp-python==$(LLAMA_CPP_PYTHON) CMAKE_ARGS=$(BENCH_CMAKE_ARGS)"; \
	if [ "$$(cat $(BENCH_VENV)/.installed 2>/dev/null)" != "$$want" ]; then \
	  echo "building llama-cpp-python $(LLAMA_CPP_PYTHON) from source into $(BENCH_VENV) (several minutes)"; \
	  rm -rf $(BENCH_VENV) && python3 -m venv $(BENCH_VENV) && \
	  CMAKE_ARGS="$(BENCH_CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc) \
	    $(BENCH_VENV)/bin/pip install --quiet --disable-pip-version-check --no-cache-dir \
	    --no-binary llama-cpp-python --config-settings=build-dir=$(CURDIR)/$(BENCH_VENV)/build \
	    llama-cpp-python==$(LLAMA_CPP_PYTHON) && \
	  echo "$$want" >$(BENCH_VENV)/.installed; \
	fi

bench: model bench-venv
	cargo build --release --locked -p galley-bench
	target/release/galley-bench --runs $(BENCH_RUNS) --python $(BENCH_VENV)/bin/python

# `galley run` against promptfoo on one comparison-run workload through bedrock-sim: 2 models x
# 1000 inputs at concurrency 32, 200 ms per call (ideal 12.5 s). Wall time, CPU time and peak RSS,
# figures only, never a failure. promptfoo is pinned by bench/runs/promptfoo/package-lock.json and
# installed under target/ (about 1.4 GB with its optional dependencies; a few minutes).
BENCH_PROMPTFOO := target/bench-promptfoo
RUNS_BENCH_ROUNDS ?= 3

$(BENCH_PROMPTFOO)/node_modules/.package-lock.json: bench/runs/promptfoo/package.json bench/runs/promptfoo/package-lock.json
	mkdir -p $(BENCH_PROMPTFOO)
	cp bench/runs/promptfoo/package.json bench/runs/promptfoo/package-lock.json $(BENCH_PROMPTFOO)/
	cd $(BENCH_PROMPTFOO) && npm ci --no-audit --no-fund
	@touch $@

bench-runs: $(BENCH_PROMPTFOO)/node_modules/.package-lock.json
	cargo build --release --locked -p galley-cli -p bedrock-sim -p galley-bench-seed
	python3 bench/runs/compare.py --rounds $(RUNS_BENCH_ROUNDS)

# `galley eval` on 2 models x 1000 cases with one assertion and one LLM judge through bedrock-sim
# (200 ms per call, concurrency 32): 4000 calls, ideal 25 s. Figures only, never a failure.
EVAL_BENCH_ROUNDS ?= 3

bench-eval:
	cargo build --release --locked -p galley-cli -p bedrock-sim -p galley-bench-seed
	cd bench/runs && python3 eval_gate.py --rounds $(EVAL_BENCH_ROUNDS)

# The neighbouring tools' own parsers, which crates/galley-cli/tests/formats_tools.rs runs on the
# files `galley export --format` writes: promptfoo (the benchmark's pinned install above) and a
# venv with prompty, botocore, PyYAML and jsonschema pinned in tests/formats/requirements.txt
# (seconds to install; rebuilt only when that file or python3 changes). Under make the tests
# fail, rather than skip, when a tool is missing.
FORMATS_VENV := target/formats-venv
FORMAT_TOOLS_ENV := GALLEY_REQUIRE_FORMAT_TOOLS=1 \
  GALLEY_FORMAT_TOOLS_PROMPTFOO=$(CURDIR)/$(BENCH_PROMPTFOO)/node_modules/.bin/promptfoo \
  GALLEY_FORMAT_TOOLS_PYTHON=$(CURDIR)/$(FORMATS_VENV)/bin/python

format-tools: deps-system $(BENCH_PROMPTFOO)/node_modules/.package-lock.json
	@want="$$(python3 --version) $$(sha256sum tests/formats/requirements.txt | cut -c1-64)"; \
	if [ "$$(cat $(FORMATS_VENV)/.installed 2>/dev/null)" != "$$want" ]; then \
	  echo "installing the format checkers' Python packages into $(FORMATS_VENV)"; \
	  rm -rf $(FORMATS_VENV) && python3 -m venv $(FORMATS_VENV) && \
	  $(FORMATS_VENV)/bin/pip install --quiet --disable-pip-version-check --no-cache-dir \
	    -r tests/formats/requirements.txt && \
	  echo "$$want" >$(FORMATS_VENV)/.installed; \
	fi
