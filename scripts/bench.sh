#!/usr/bin/env bash
# Builds the release preset's benchmark targets and runs them.
# Usage: scripts/bench.sh [extra Google Benchmark flags, e.g. --benchmark_filter=Commit]
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset release >/dev/null
targets=(corridor_executor_bench)
cmake --build --preset release -j"${JOBS:-2}" --target "${targets[@]}"
for t in "${targets[@]}"; do
  echo "== $t"
  "build/release/tests/bench/$t" "$@"
done
