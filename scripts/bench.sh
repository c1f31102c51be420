#!/usr/bin/env bash
# `make bench`: builds and runs every benchmark program (build/bin/bm_*), each of which
# prints its results next to a baseline measured in the same run, and writes JSON (and
# plots) under BUILD_DIR/bench/.
set -euo pipefail
build=${1:-build}
mkdir -p "$build/bench"
programs=$(cd bench && ls bm_*.cpp 2>/dev/null | sed 's/\.cpp$//')
# shellcheck disable=SC2086
cmake --build "$build" --target $programs
for program in $programs; do
  echo
  echo "=== $program ==="
  "$build/bin/$program" --out-dir "$build/bench"
done
