#!/usr/bin/env bash
# A real class: `grader batch --jobs 2` on twelve students whose code all differs, as a
# real class's does. Each lab of each student is either the untouched stub or the
# reference solution with a constant of the student's own appended (an unused
# `constexpr int`, which survives preprocessing: the object cache keys the preprocessed
# text, harness/grader/object_cache.hpp), so no two students share a compiled file but
# untouched stubs; later labs are more often left as stubs, and one student's Lab 03
# does not compile. The class is made from labs/ and solutions/ now, in a temporary
# folder; the cache starts empty each round.
#
# Prints the seconds per student (the class's wall time, slots' preparation included,
# over its size), the median of ROUNDS rounds (BENCH_ROUNDS, default 3) with their
# spread, and where a student's time goes (the grader's own timings, --timings:
# configure, build = compiles + links + the build's overhead, inspection, tests = their
# programs + the sandbox around them, reports), from the median round; and what one
# compile of a file costs when the cache has it (a stub: preprocessing in the sandbox and
# the lookup) and when it has not (a marked solution: that, then compiling in the
# sandbox), fitted to the students' compile times by least squares.
# Usage: bench/batch_distinct_class.sh BUILD_DIR   (run by `make bench`; minutes)
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${BENCH_ROUNDS:-3}
students=12
grader=$build/bin/grader
work=$(mktemp -d "${TMPDIR:-/tmp}/batch-distinct.XXXXXX")
chmod 755 "$work"  # root compiles as nobody: the work folders must be open to others
trap 'rm -rf "$work"' EXIT

# The class: student NN hands in, for lab number i (1..8), the stub when i is past the
# labs they finished (4 to 8 of them) or one in seven pseudo-randomly; else the solution,
# marked as theirs.
subs=$work/submissions
labs=$(cd "$root/labs" && ls -d [0-9][0-9]-*/)
stubs=0
solved=0
for s in $(seq -w 1 "$students"); do
  student=student$s
  finished=$((4 + 10#$s % 5))
  mine_stubs=0
  mine_solved=0
  i=0
  for lab in $labs; do
    lab=${lab%/}
    i=$((i + 1))
    mkdir -p "$subs/$student/labs/$lab"
    stub=no
    if [ "$i" -gt "$finished" ] || [ $(((10#$s * 5 + i * 3) % 7)) -eq 0 ]; then
      stub=yes
    fi
    for source in $(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["sources"]))' "$root/labs/$lab/lab.json"); do
      to=$subs/$student/labs/$lab/$source
      if [ "$stub" = yes ]; then
        cp "$root/labs/$lab/$source" "$to"
        mine_stubs=$((mine_stubs + 1))
      else
        cp "$root/solutions/$lab/$source" "$to"
        printf '\nnamespace {\n[[maybe_unused]] constexpr int kHandedInBy%s = %d;\n}  // namespace\n' \
          "$student" "$((10#$s))" >>"$to"
        mine_solved=$((mine_solved + 1))
      fi
    done
  done
  echo "$student $mine_stubs $mine_solved" >>"$work/class.txt"  # for batch_summary.py
  stubs=$((stubs + mine_stubs))
  solved=$((solved + mine_solved))
done
broken=$(ls "$subs/student$(printf '%02d' "$students")/labs/"*-spawn/*.cpp | head -1)
printf 'this is not C++;\n' >>"$broken"

# One round: the class graded in a fresh work folder. Prints the seconds per student,
# measured around the whole batch (its slots' preparation included).
grade_class() {
  local dir=$1
  mkdir -p "$dir"
  chmod 755 "$dir"
  local start end
  sync  # what came before is on the disk, not flushed during this run
  start=$(date +%s.%N)
  "$grader" batch --course "$root" --submissions "$subs" --jobs 2 --work "$dir/work" \
    --gradebook "$dir/gradebook.csv" >"$dir/batch.log" 2>&1 || true
  end=$(date +%s.%N)
  cp "$dir/work/logs/timings.json" "$dir/timings.json" 2>/dev/null || true
  mkdir -p "$dir/timings"
  for file in "$dir"/work/*/logs/timings.json; do
    [ -e "$file" ] || continue
    cp "$file" "$dir/timings/$(basename "$(dirname "$(dirname "$file")")").json"
  done
  rm -rf "$dir/work"  # its builds, before their writes reach the disk during the next round
  python3 -c 'import sys; print((float(sys.argv[2]) - float(sys.argv[1])) / int(sys.argv[3]))' \
    "$start" "$end" "$students"
}

echo "grading a class of $students distinct students ($solved solution files, each marked" \
  "as its student's, $stubs untouched stub files, one lab that does not compile) with" \
  "--jobs 2 on $(nproc) cores, $rounds round(s)..."
results=()
for round in $(seq "$rounds"); do
  results+=("$round:$(grade_class "$work/round-$round")")
done
python3 "$root/bench/batch_summary.py" distinct "$work" "${results[@]}"
