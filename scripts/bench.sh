#!/usr/bin/env bash
# `make bench`: runs every Google Benchmark binary of the release build
# (chain primitives, block execution and commit). Not part of `make test` or
# CI: benchmarks measure, they do not pass or fail.
# Usage: scripts/bench.sh [extra Google Benchmark flags, e.g. --benchmark_filter=Commit]
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
found=0
for b in build/release/tests/*/*_bench; do
  found=1
  echo "== $b"
  "$b" "$@"
done
[ "$found" = 1 ] || { echo "no benchmarks built (run make release)"; exit 1; }
