#!/usr/bin/env bash
# Fails when a process started from this build is still alive: any process whose
# executable lives under BUILD_DIR (the course's programs and test binaries).
# Usage: scripts/check-leftovers.sh BUILD_DIR
set -u
build=$(cd "${1:-build}" && pwd -P)
left=""
for dir in /proc/[0-9]*; do
  exe=$(readlink "$dir/exe" 2>/dev/null) || continue
  case "$exe" in
    "$build"/*) left="$left ${dir#/proc/}($(cat "$dir/comm" 2>/dev/null))" ;;
  esac
done
if [ -n "$left" ]; then
  echo "check-leftovers: still running after the tests:$left" >&2
  exit 1
fi
echo "check-leftovers: no process from $build is left running"
