#!/usr/bin/env bash
# Builds one CMake target showing only how far it is (scripts/lib/build-progress.sh),
# unless it fails: then the whole output is shown and the exit status is 1. `make grade`
# builds the grader so.
# Usage: scripts/quiet-build.sh BUILD_DIR TARGET
set -uo pipefail
[ $# -eq 2 ] || { echo "usage: scripts/quiet-build.sh BUILD_DIR TARGET" >&2; exit 2; }
source "$(dirname "$0")/lib/build-progress.sh"
build=$1
target=$2
log=$build/logs/$target.build.log
if ! build_with_progress "$build" "$log" "building the $target" "$target"; then
  cat "$log" >&2
  echo "make: $target did not build (this output is also in $log)" >&2
  exit 1
fi
