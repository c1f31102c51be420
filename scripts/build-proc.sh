#!/usr/bin/env bash
# Before grading: build the programs made from the student's labs (the `proc` tool and
# lab 06's `progress`), if they compile. One line each on what happened; never fails
# `make`. (The reference `proc-ref` is `make proc-ref`: it compiles every solution.)
build=${1:-build}
source "$(dirname "$0")/lib/build-progress.sh"
if build_with_progress "$build" "$build/logs/proc.build.log" "building your proc tool" proc; then
  echo "Your tool: $build/bin/proc (built from your labs; try '$build/bin/proc ps')"
else
  echo "Your tool $build/bin/proc is not built yet: it needs every lab to compile (log: $build/logs/proc.build.log)"
fi
if build_with_progress "$build" "$build/logs/progress.build.log" "building your progress program" progress; then
  echo "Your progress bar: $build/bin/progress (lab 06)"
else
  echo "$build/bin/progress is not built yet: it needs lab 06 to compile (log: $build/logs/progress.build.log)"
fi
exit 0
