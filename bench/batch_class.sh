#!/usr/bin/env bash
# A class at scale: `grader batch --jobs 2` on four submissions (the untouched stubs, the
# reference, one lab that does not compile, half the labs done), graded twice in the same
# run: as before (--no-compile-cache: every student's build compiles the harness and the
# tests) and as now (a build per job reused from student to student, the harness and
# tests taken from BUILD_DIR, identical student files compiled once: the cache starts
# empty). Both are graded in each of ROUNDS rounds (BENCH_ROUNDS, default 3), back to
# back; prints the median seconds per student of each, and the median of the rounds'
# ratios, each with its spread (bench/batch_summary.py).
# Usage: bench/batch_class.sh BUILD_DIR   (run by `make bench`; several minutes a round)
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
rounds=${BENCH_ROUNDS:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
grader=$build/bin/grader
work=$(mktemp -d "${TMPDIR:-/tmp}/batch-class.XXXXXX")
chmod 755 "$work"  # root compiles as nobody: the work folders must be open to others
trap 'rm -rf "$work"' EXIT

# The class: each submission a copy of labs/ with the sources it hands in.
subs=$work/submissions
labs=$(cd "$root/labs" && ls -d [0-9][0-9]-*/)
for student in stub reference broken half; do
  mkdir -p "$subs/$student/labs"
  i=0
  for lab in $labs; do
    lab=${lab%/}
    i=$((i + 1))
    mkdir -p "$subs/$student/labs/$lab"
    from=$root/labs/$lab
    case $student in
      reference | broken) from=$root/solutions/$lab ;;
      half) [ "$i" -le 3 ] && from=$root/solutions/$lab ;;
    esac
    for source in $(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["sources"]))' "$root/labs/$lab/lab.json"); do
      cp "$from/$source" "$subs/$student/labs/$lab/$source"
    done
  done
done
first_source=$(ls "$subs/broken/labs/"*-spawn/*.cpp | head -1)
printf 'this is not C++;\n' >>"$first_source"

students=4
# Seconds for one batch of the class, in its own work and cache folder.
grade_class() {
  local name=$1
  shift
  mkdir -p "$work/$name"
  chmod 755 "$work/$name"
  local start end
  sync  # what came before is on the disk, not flushed during this run
  start=$(date +%s.%N)
  "$grader" batch --course "$root" --submissions "$subs" --jobs 2 --work "$work/$name/work" \
    --gradebook "$work/$name/gradebook.csv" "$@" >"$work/$name/batch.log" 2>&1 || true
  end=$(date +%s.%N)
  rm -rf "$work/$name/work"  # its builds, before their writes reach the disk during the next
  python3 -c 'import sys; print((float(sys.argv[2]) - float(sys.argv[1])) / int(sys.argv[3]))' \
    "$start" "$end" "$students"
}
echo "grading a class of $students (stub, reference, broken, half done) with --jobs 2 on" \
  "$(nproc) cores, both ways, $rounds round(s)..."
results=()
for round in $(seq "$rounds"); do
  # The new way first: the old one writes four whole builds, which a machine then flushes.
  now=$(grade_class "now-$round")
  before=$(grade_class "before-$round" --no-compile-cache)
  results+=("$round:$before:$now")
done
python3 "$root/bench/batch_summary.py" ratio "${results[@]}"
for name in before-1 now-1; do
  echo "$name: $(python3 "$root/bench/batch_summary.py" scores "$work/$name/gradebook.csv")"
done
