#!/usr/bin/env bash
# Installs what wastrel and its tests need, when missing: Debian packages
# (the C compiler, clang/lld/wasi-libc to build wasm32-wasi test programs,
# csmith and creduce for the C fuzzer, distcc and ccache for CC with arguments, graphviz for wastrel-passes --graph's
# pictures, wabt for wasm2c, the reference of bench/compile_speed.py), then the project's own environment in .venv/.
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(gcc libc6-dev make clang lld wasi-libc libclang-rt-dev-wasm32 python3-venv csmith libcsmith-dev creduce distcc ccache graphviz wabt)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ ! -x .venv/bin/python ] || [ pyproject.toml -nt .venv/.installed ]; then
  python3 -m venv .venv
  .venv/bin/pip install -q --upgrade pip >/dev/null
  .venv/bin/pip install -q -e '.[test]'
  touch .venv/.installed
fi
