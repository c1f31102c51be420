#!/usr/bin/env bash
# `make`: builds the student's labs and grades them at the same time, so that each lab's
# result shows as soon as that lab is built, in lab order, while the next ones compile.
#
#  1. In one parallel build, showing how far it is: the grader (with --with-grader), the
#     sandboxed compiler and the first lab's tests (course code).
#  2. In the background, one build at a time (Ninja allows one per folder), each lab in
#     order: its tests' program, and the next lab's tests (so that both cores stay busy
#     while the student's few files compile and link). Then the programs made from the
#     student's labs (proc, lab 06's progress), which need every lab.
#  3. Meanwhile the grader grades the labs in order and prints each one as soon as it is
#     graded. It builds each lab with scripts/lib/await-build.sh, which waits for the
#     background build of that lab and gives that build's output as its own: a compile
#     error or a warning shows under its lab as when the grader builds it itself.
#  4. A line on each program (proc, progress): built, or what it needs.
#
# The background build and the grader share nothing but the folder's lock files
# (BUILD_DIR/grading-builds/: scripts/lib/await-build.sh says how). Ctrl-C stops the builds
# and the grader (a TERM sent to this script alone: the builds, once the grader has ended):
# nothing is left running.
# Exits with the grader's status; 1 when the grader itself does not build.
# Usage: scripts/grade-while-building.sh BUILD_DIR [--with-grader] -- GRADER ARGS...
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/build-progress.sh"
build=$1
shift
with_grader=no
if [ "${1:-}" = --with-grader ]; then
  with_grader=yes
  shift
fi
if [ "${1:-}" != -- ] || [ $# -lt 2 ]; then
  echo "usage: scripts/grade-while-building.sh BUILD_DIR [--with-grader] -- GRADER ARGS..." >&2
  exit 2
fi
shift
grader=("$@")

# Whether the build defines TARGET (build.ninja names each target's phony edge so).
has_target() { grep -q "^build $1: phony" "$build/build.ninja"; }

# What to build, as CMake lists it beside the manifest (BUILD_DIR/grading-targets.txt,
# cmake/CourseLab.cmake): each lab's tests' target in lab order (lab01_tests ...), then the
# programs made from the student's labs (proc, progress ...).
mapfile -t targets <"$build/grading-targets.txt" || exit 1
labs=() programs=()
for target in "${targets[@]}"; do
  if [[ $target =~ ^lab[0-9]+_tests$ ]]; then labs+=("$target"); else programs+=("$target"); fi
done
test_objects() { has_target "${1%_tests}_test_objects" && echo "${1%_tests}_test_objects"; }

# 1. What the grader needs before it grades anything.
first=()
[ $with_grader = yes ] && first+=(grader)
has_target sandboxed-compile && first+=(sandboxed-compile)
[ ${#labs[@]} -gt 0 ] && objects=$(test_objects "${labs[0]}") && first+=("$objects")
label="building the grader"
[ $with_grader = yes ] || label="building the first lab's tests"
if [ ${#first[@]} -gt 0 ] &&
  ! build_with_progress "$build" "$build/logs/grader.build.log" "$label" "${first[@]}"; then
  if [ $with_grader = yes ] && ! "$here/quiet-build.sh" "$build" grader; then
    exit 1
  fi
fi

# 2. The background build. Each step's lock is taken here, before the grader starts, and
# released by the builder once that step's status is written (scripts/lib/await-build.sh).
state=$build/grading-builds
rm -rf "$state"
mkdir -p "$state"
declare -A lock_fd
steps=("${labs[@]}" programs)
for step in "${steps[@]}" all; do
  exec {fd}>"$state/$step.lock"
  flock -x "$fd"
  lock_fd[$step]=$fd
done

# Runs one step: builds TARGETs into STEP's log, writes its targets and status, releases it.
run_step() {
  local step=$1
  shift
  printf '%s\n' "$@" >"$state/$step.targets"
  cmake --build "$build" --target "$@" >"$state/$step.log" 2>&1 &
  step_pid=$!
  wait "$step_pid"
  local status=$?
  step_pid=""
  echo "$status" >"$state/$step.status.new"
  mv "$state/$step.status.new" "$state/$step.status"
  local fd=${lock_fd[$step]}
  exec {fd}>&-
}

(
  step_pid=""
  # A TERM (from stop() below) ends the step's build (Ninja, under cmake, ends its
  # compilers), and waits for it.
  # shellcheck disable=SC2317  # run by the trap
  stop_step() {
    if [ -n "$step_pid" ]; then
      pkill -TERM -P "$step_pid"
      kill -TERM "$step_pid" 2>/dev/null
      wait "$step_pid"
    fi
    exit 143
  }
  trap stop_step TERM
  for i in "${!labs[@]}"; do
    next=()
    [ $((i + 1)) -lt ${#labs[@]} ] && objects=$(test_objects "${labs[i + 1]}") && next=("$objects")
    run_step "${labs[i]}" "${labs[i]}" "${next[@]}"
  done
  run_step programs "${programs[@]}" -- -k 0
  echo "ran to its end" >"$state/all.status"
) &
builder=$!
# Only the builder holds the locks now ("all" until it ends: its copy closes with it).
for step in "${!lock_fd[@]}"; do
  fd=${lock_fd[$step]}
  exec {fd}>&-
done

# In a log (no terminal: a terminal shows "grading Lab NN..." meanwhile), a line every 5 s
# while the grader waits for the background build (a STEP.waiting file, written by
# scripts/lib/await-build.sh, or programs.waiting below), so that make is never silent
# for long. Its one-second ticks are reads that time out on a pipe it holds: no process to
# leave behind when it is killed.
heartbeat() {
  local tick waiting step="" since=0 said=0 what
  exec {tick}<> <(:)
  while ! read -r -t 1 -u "$tick"; do
    waiting=("$state"/*.waiting)
    waiting=${waiting[0]##*/}
    waiting=${waiting%.waiting}
    if [ ! -e "$state/$waiting.waiting" ]; then
      step=""
      continue
    fi
    if [ "$waiting" != "$step" ]; then  # a new wait, begun within the last second
      step=$waiting since=$((SECONDS - 1)) said=$((SECONDS - 1))
    fi
    if [ $((SECONDS - said)) -ge 4 ]; then  # whole seconds: within 5 s
      said=$SECONDS
      case $step in
        lab[0-9]*_tests) what="Lab ${step:3:2}" ;;
        programs) what="your tool and progress bar" ;;
        *) what="the labs" ;;
      esac
      echo "make: still building $what ($((SECONDS - since)) s)" >&2
    fi
  done
}
heartbeat_pid=""
if [ ! -t 1 ]; then
  heartbeat &
  heartbeat_pid=$!
fi
end_heartbeat() {
  [ -n "$heartbeat_pid" ] && kill "$heartbeat_pid" 2>/dev/null && wait "$heartbeat_pid" 2>/dev/null
  heartbeat_pid=""
}

# shellcheck disable=SC2317  # run by the trap
stop() {
  end_heartbeat
  kill -TERM "$builder" 2>/dev/null
  wait "$builder" 2>/dev/null
  exit 130
}
trap stop INT TERM

# 3. The grader, building each lab through the background build. In the foreground, so
# that Ctrl-C ends it at once, before a build it stops can be reported as a failure (then
# stop() ends the background build).
"${grader[@]}" --build-with "$here/lib/await-build.sh"
status=$?
if [ ${#programs[@]} -gt 0 ] && [ ! -e "$state/all.status" ] && kill -0 "$builder" 2>/dev/null; then
  echo "Building your tool and progress bar from your labs..."  # not silent meanwhile
fi
: >"$state/programs.waiting"
wait "$builder"
rm -f "$state/programs.waiting"
end_heartbeat
trap - INT TERM

# 4. The programs made from the student's labs.
built() {
  [ "$(cat "$state/programs.status" 2>/dev/null)" = 0 ] ||
    cmake --build "$build" --target "$1" >/dev/null 2>&1
}
cp "$state/programs.log" "$build/logs/labs.build.log" 2>/dev/null
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
exit "$status"
