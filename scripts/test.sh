#!/usr/bin/env bash
# Installs any missing Debian packages, builds everything (release preset, tests included)
# and runs every test through ctest: unit, integration and end-to-end.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
cmake --preset release
cmake --build --preset release -j "$jobs"
ctest --preset release -j "$jobs" "$@"
