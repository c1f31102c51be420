#!/usr/bin/env bash
# Grades each planted Lab 04 mistake (CMakeLists.txt here) and checks that the scoreboard
# names the culprit under the failing test: the zombie and its status, the signal as the
# kernel reported it, the blocking call with the lab's line, the pipe left open.
# Usage: timeline_mistakes.sh GRADER BUILD_DIR
set -euo pipefail
grader=$1 build=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/timeline-mistakes.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# mistake|test to grade|words its failure must show (one per line after the first two)
expectations=(
  "leaves_a_zombie|WaitTest.TrueExitsWithZero|exited with code 0 (raw status 0), seen|never reaped: a zombie at the test's end"
  "decodes_a_signal_wrongly|WaitTest.KilledBySigkill|killed by SIGKILL (raw status 9), reaped"
  "waits_for_any_child|WaitForTest.TimesOutWhileTheChildIsHeld|blocked in wait4(-1, ...), in proc::wait_for() at|mistakes/waits_for_any_child/wait.cpp:|called from labs/04-wait/wait_test.cpp:"
  "leaks_a_pipe|WaitForTest.ReturnsWhenTheChildEnds|left open: fd|read end of pipe:|write end of pipe:"
)
status=0
for line in "${expectations[@]}"; do
  IFS='|' read -r -a parts <<<"$line"
  name=${parts[0]} test=${parts[1]}
  log=$tmp/$name.log
  "$grader" --manifest "$build/mistakes/$name/course-manifest.json" --flavor student \
    --no-build --test "$test" --reports "$tmp/$name" >"$log" 2>&1 || true
  for word in "${parts[@]:2}"; do
    if ! grep -qF -- "$word" "$log"; then
      echo "timeline mistakes: $name ($test): the scoreboard does not say: $word" >&2
      status=1
    fi
  done
  if [ "$status" -ne 0 ]; then
    cat "$log" >&2
  fi
done
[ "$status" -eq 0 ] && echo "timeline mistakes: ${#expectations[@]} planted mistakes each named"
exit "$status"
