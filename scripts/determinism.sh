#!/usr/bin/env bash
# Grades the reference solutions RUNS times while every core is kept busy, and fails if
# any test's verdict changes from one run to another (a test that depends on timing).
# Usage: scripts/determinism.sh RUNS [BUILD_DIR]     (CI: 3 runs; by hand: 200)
# The one check that judges CPU use (Lab 04's no-spin check) has its own proof, with
# spinning and sleeping ways to write it, idle and under load: scripts/no-spin-check.sh.
set -euo pipefail
runs=${1:?usage: scripts/determinism.sh RUNS [BUILD_DIR]}
build=$(cd "${2:-build}" && pwd -P)
grader="$build/bin/grader"
work=$(mktemp -d "${TMPDIR:-/tmp}/determinism-XXXXXX")
load_pids=()
finish() {
  for pid in "${load_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap finish EXIT

# One busy loop per core, for the whole run.
for _ in $(seq "$(nproc)"); do
  yes > /dev/null &
  load_pids+=("$!")
done

# "name verdict" per line, in report order.
verdicts() {
  /usr/bin/python3 -c 'import json, sys
for t in json.load(open(sys.argv[1]))["tests"]:
    print(t["lab"] + "/" + t["name"], t["verdict"])' "$1"
}

start=$SECONDS
for run in $(seq "$runs"); do
  "$grader" --manifest "$build/course-manifest.json" --flavor reference --no-build \
    --reports "$work/run" > "$work/run.log" 2>&1 || {
    echo "determinism: run $run: the grader failed:" >&2
    cat "$work/run.log" >&2
    exit 1
  }
  verdicts "$work/run/report.json" > "$work/verdicts.$run"
  if [ "$run" -gt 1 ] && ! diff -u "$work/verdicts.1" "$work/verdicts.$run" > "$work/diff"; then
    echo "determinism: run $run gave different verdicts than run 1 (under load):" >&2
    grep '^[-+][^-+]' "$work/diff" >&2
    exit 1
  fi
done
echo "determinism: $runs runs of $(wc -l < "$work/verdicts.1") tests under load on $(nproc) cores:" \
  "the same verdicts every time ($((SECONDS - start)) s)"
