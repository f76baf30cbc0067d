#!/usr/bin/env bash
# `make run`: what the node can do today (see README).
set -euo pipefail
cd "$(dirname "$0")/.."
exec ./build/dev/tools/corridor-demo
