#!/usr/bin/env bash
# Builds governance-hub and governance-agent in release mode into build/bin/.
# Extra arguments are further CMake targets (e.g. fake-tyk-dashboard, or "all").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
cmake --preset release >/dev/null
targets=(governance-hub governance-agent "$@")
if [[ " ${targets[*]} " == *" all "* ]]; then
  cmake --build --preset release -j "$jobs"
else
  cmake --build --preset release -j "$jobs" --target "${targets[@]}"
fi
echo "built: $(ls build/bin/governance-hub build/bin/governance-agent | tr '\n' ' ')"
