#!/usr/bin/env bash
# `make bench`: builds and runs the benchmark programs in bench/. Each prints its results
# next to a baseline measured in the same run (the ratio is what to read: absolute times
# depend on the machine and its load), as the median of several rounds with their spread,
# and writes JSON (and plots) under BUILD_DIR/bench/. BENCH_ROUNDS=N sets the rounds of
# the batch benchmarks (default 3; each round grades whole classes, minutes each).
set -euo pipefail
build=${1:-build}
out="$build/bench"
mkdir -p "$out"
cmake --build "$build" --target bm_process_listing bm_hierarchy bm_spawn bm_progress bm_sandbox \
  grader sandboxed-compile

run() {
  echo
  echo "=== $1 ==="
  "$build/bin/$@"
}
run bm_process_listing --benchmark_out="$out/process_listing.json" --benchmark_out_format=json
run bm_hierarchy --benchmark_out="$out/hierarchy.json" --benchmark_out_format=json
run bm_spawn --json="$out/spawn.json" --svg="$out/spawn-vs-fork.svg"
run bm_progress --out-dir "$out"
run bm_sandbox --json="$out/sandbox.json"
echo
echo "=== bm_sandbox, the grader grown to 256 MiB (what a fork would copy: the launcher does not) ==="
"$build/bin/bm_sandbox" --ballast=256 --rounds=5 --json="$out/sandbox-256mib.json"
echo
echo "=== bm_sandbox, the fallback (GRADER_NO_NAMESPACES=1) ==="
GRADER_NO_NAMESPACES=1 "$build/bin/bm_sandbox" --json="$out/sandbox-fallback.json"
echo
echo "=== batch_class (grader batch on a class of four, before and now) ==="
"$(dirname "$0")/../bench/batch_class.sh" "$build"
echo
echo "=== batch_distinct_class (grader batch on a class of twelve whose code all differs) ==="
"$(dirname "$0")/../bench/batch_distinct_class.sh" "$build"
echo
echo "Results: $out/ (the lesson's plot: cp $out/spawn-vs-fork.svg lessons/img/)"
