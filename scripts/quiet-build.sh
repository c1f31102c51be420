#!/usr/bin/env bash
# Builds one CMake target without printing the build's lines, unless it fails: then the
# whole output is shown and the exit status is 1. `make grade` builds the grader so.
# Usage: scripts/quiet-build.sh BUILD_DIR TARGET
set -uo pipefail
[ $# -eq 2 ] || { echo "usage: scripts/quiet-build.sh BUILD_DIR TARGET" >&2; exit 2; }
build=$1
target=$2
mkdir -p "$build/logs"
log=$build/logs/$target.build.log
if ! cmake --build "$build" --target "$target" >"$log" 2>&1; then
  cat "$log" >&2
  echo "make: $target did not build (this output is also in $log)" >&2
  exit 1
fi
