#!/usr/bin/env bash
# The grader's way of building a lab while scripts/grade-while-building.sh builds the labs
# in the background (grader --build-with): waits for the background build of TARGET, then
# prints that build's output and exits with its status, as `cmake --build` would have. A
# target the background build did not build is built here, once the background build has
# ended: never two builds at once in one folder. When the background build was stopped
# (Ctrl-C), nothing is built: exits 1.
#
# The background build's steps, in BUILD_DIR/grading-builds/: for each step, named after its
# first target (lab01_tests, ...), STEP.lock, locked by the builder until the step ends;
# then STEP.targets (what it built, one a line), STEP.log (its output) and STEP.status (its
# exit status). all.lock is locked until the whole background build ends, and all.status
# written when it ran to its end. STEP.waiting (all.waiting) exists while the grader waits
# for that step (for the whole build): scripts/grade-while-building.sh's heartbeat reads it.
# Usage: scripts/lib/await-build.sh BUILD_DIR TARGET...
set -uo pipefail
[ $# -ge 2 ] || { echo "usage: await-build.sh BUILD_DIR TARGET..." >&2; exit 2; }
build=$1
shift
state=$build/grading-builds
step=$state/$1

# Whether the step built every target asked for.
built_all() {
  local target
  for target in "$@"; do
    grep -qxF -- "$target" "$step.targets" 2>/dev/null || return 1
  done
}

if [ -e "$step.lock" ]; then
  # STEP.waiting while the grader waits: make's heartbeat shows it in a log.
  : 2>/dev/null >"$step.waiting"
  flock -s "$step.lock" true
  rm -f "$step.waiting"
  if [ -e "$step.status" ] && built_all "$@"; then
    cat "$step.log"
    exit "$(cat "$step.status")"
  fi
fi
if [ -e "$state/all.lock" ]; then
  : 2>/dev/null >"$state/all.waiting"
  flock -s "$state/all.lock" true
  rm -f "$state/all.waiting"
  [ -e "$state/all.status" ] || { echo "await-build: the background build was stopped" >&2; exit 1; }
fi
exec cmake --build "$build" --target "$@"
