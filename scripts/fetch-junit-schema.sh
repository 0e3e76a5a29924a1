#!/usr/bin/env bash
# Places the JUnit XML schema (the Surefire/Jenkins `junit-10.xsd`) that the tests validate
# `galley eval --junit` reports against, and prints its path. The schema ships inside pytest's
# source distribution on PyPI (pytest validates its own JUnit output with it); the file is
# hash-checked. Idempotent.
set -euo pipefail

VERSION="8.3.4"
SHA256="a1a816f58d1bf95ebabf371994df0b9246dee66ea9572fbec4f9296f1b2c0ff6"
DEST_DIR="${1:-target/junit}"
DEST="$DEST_DIR/junit-10.xsd"

if [ -f "$DEST" ] && [ "$(sha256sum "$DEST" | cut -d' ' -f1)" = "$SHA256" ]; then
  echo "$DEST"
  exit 0
fi

PIP="${PIP:-}"
if [ -z "$PIP" ]; then
  if command -v pip3 >/dev/null 2>&1; then PIP=pip3
  elif command -v pip >/dev/null 2>&1; then PIP=pip
  else PIP="python3 -m pip"; fi
fi

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
echo "fetch-junit-schema: downloading the pytest $VERSION source distribution from PyPI" >&2
$PIP download --quiet --no-deps --no-binary :all: "pytest==$VERSION" -d "$TMP" >&2
SDIST="$(find "$TMP" -name "pytest-$VERSION.tar.gz" | head -n 1)"
[ -n "$SDIST" ] || { echo "fetch-junit-schema: pip downloaded no pytest-$VERSION.tar.gz" >&2; exit 1; }
tar -xzf "$SDIST" -C "$TMP" "pytest-$VERSION/testing/example_scripts/junit-10.xsd"
FOUND="$TMP/pytest-$VERSION/testing/example_scripts/junit-10.xsd"
ACTUAL="$(sha256sum "$FOUND" | cut -d' ' -f1)"
if [ "$ACTUAL" != "$SHA256" ]; then
  echo "fetch-junit-schema: junit-10.xsd has SHA-256 $ACTUAL, expected $SHA256" >&2
  exit 1
fi
mkdir -p "$DEST_DIR"
mv -f "$FOUND" "$DEST"
echo "$DEST"
