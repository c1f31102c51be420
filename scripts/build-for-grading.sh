#!/usr/bin/env bash
# Before `make` grades: builds, in one parallel build, the grader, every lab's tests and
# the programs made from the student's labs (the `proc` tool, lab 06's `progress`, ...:
# BUILD_DIR/grading-targets.txt, which CMake writes with the manifest).
# Graded one lab at a time, the builds would keep one core busy at a time; in one build
# every core is. A lab that does not compile stops nothing else (-k 0): the grader then
# builds it again and shows its error under the lab. Prints how far it is, then a line on
# each program. Exits 1 only when the grader itself does not build. (The reference
# `proc-ref` is `make proc-ref`: it compiles every solution.)
# Usage: scripts/build-for-grading.sh BUILD_DIR [--with-grader]
set -uo pipefail
build=${1:-build}
source "$(dirname "$0")/lib/build-progress.sh"
# What to build: every lab's tests and every program, student flavour, as CMake lists them
# beside the manifest (cmake/CourseLab.cmake, course_write_manifest).
mapfile -t targets <"$build/grading-targets.txt" || exit 1
label="building your labs"
if [ "${2:-}" = --with-grader ]; then
  targets=(grader "${targets[@]}")
  label="building the grader and your labs"
fi
build_with_progress "$build" "$build/logs/labs.build.log" "$label" "${targets[@]}" -- -k 0
if [ "${2:-}" = --with-grader ]; then
  "$(dirname "$0")/quiet-build.sh" "$build" grader || exit 1
fi

# Whether TARGET is built: everything is when nothing failed; otherwise ask the build
# again (it retries what failed: a compile error is quick to find again).
built() {
  ! grep -q '^FAILED: ' "$build/logs/labs.build.log" ||
    cmake --build "$build" --target "$1" >/dev/null 2>&1
}
if built proc; then
  echo "Your tool: $build/bin/proc (built from your labs; try '$build/bin/proc ps')"
else
  echo "Your tool $build/bin/proc is not built yet: it needs every lab to compile (log: $build/logs/labs.build.log)"
fi
if built progress; then
  echo "Your progress bar: $build/bin/progress (lab 06)"
else
  echo "$build/bin/progress is not built yet: it needs lab 06 to compile (log: $build/logs/labs.build.log)"
fi
exit 0
