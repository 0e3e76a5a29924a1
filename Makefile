# Galley: `make run` opens the studio, `make test` runs every test tier.
# Each target installs what is missing first (Debian packages, node modules, tauri-driver) and is
# quick when everything is present.

SHELL := /bin/bash
.DEFAULT_GOAL := help
.PHONY: help setup deps-system deps-node deps-tauri-driver model ui app run test test-rust test-ui test-e2e lint bindings clean-e2e

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := build-essential pkg-config curl file cmake clang libclang-dev libssl-dev \
  libwebkit2gtk-4.1-dev libxdo-dev librsvg2-dev libayatana-appindicator3-dev \
  webkit2gtk-driver xvfb xauth imagemagick python3-pip unzip
TAURI := ui/node_modules/.bin/tauri
E2E_IDENTIFIER := dev.galley.studio.e2e
E2E_BIN := target/e2e/galley-app

help:
	@echo "make run    set up, build and open Galley"
	@echo "make test   set up and run every test tier (Rust, UI, CLI, end-to-end under Xvfb)"
	@echo "make lint   rustfmt + clippy -D warnings + svelte-check"

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

test-rust: setup
	GALLEY_REQUIRE_MODEL=1 cargo test --workspace --locked

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

test: lint test-rust test-ui test-e2e
	@echo "all test tiers passed"

bindings:
	UPDATE_BINDINGS=1 cargo test -p galley-engine --test bindings
