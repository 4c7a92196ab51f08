#!/usr/bin/env bash
# Sets up, compiles examples/hello.c for wasm32-wasi with clang, and runs the
# module with wastrel (the first run compiles it; later runs come from the cache).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mkdir -p build
clang --target=wasm32-wasi -O2 examples/hello.c -o build/hello.wasm
.venv/bin/wastrel run --env USER="${USER:-you}" build/hello.wasm wastrel says hello
