#!/usr/bin/env bash
# make watch: grade every lab once, then watch labs/ and regrade the lab whose files
# change, showing its scoreboard and the next thing to do (the failing test, its hint,
# its lesson), as rustlings does. Ctrl-C stops the grading in progress and the watch, and
# leaves nothing running (the grader's sandbox ends each test's processes with it).
# Usage: scripts/watch.sh [BUILD_DIR]
#   GRADER (default BUILD_DIR/bin/grader), WATCH_LABS (default the course's labs/),
#   WATCH_INTERVAL (seconds between looks at the files, default 1).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
grader=${GRADER:-$build/bin/grader}
labs=${WATCH_LABS:-$root/labs}
interval=${WATCH_INTERVAL:-1}
[ -d "$labs" ] || { echo "watch: no labs folder at $labs" >&2; exit 2; }
[ -x "$grader" ] || { echo "watch: no grader at $grader (run make first)" >&2; exit 2; }

running=""  # the grader, while it runs
sleeper=""  # the pause between looks
stop() {
  for pid in $running $sleeper; do
    kill -TERM "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  echo
  echo "watch: stopped"
  exit 0
}
trap stop INT TERM

# Runs the grader in the background and waits for it, so that Ctrl-C reaches stop() at once.
grade() {
  "$grader" --manifest "$build/course-manifest.json" --flavor student "$@" &
  running=$!
  wait "$running"
  running=""
}

# What one lab's sources are now: each file's name, size and modification time.
state_of() {
  find "$1" -maxdepth 1 -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' \) \
    -printf '%f %s %T@\n' | sort
}

declare -A seen
for dir in "$labs"/[0-9][0-9]-*/; do
  seen[$dir]=$(state_of "$dir")
done
grade
echo
echo "watch: watching $labs: save a file to regrade its lab (Ctrl-C to stop)"
while :; do
  sleep "$interval" &
  sleeper=$!
  wait "$sleeper"
  sleeper=""
  for dir in "$labs"/[0-9][0-9]-*/; do
    now=$(state_of "$dir")
    [ "$now" = "${seen[$dir]:-}" ] && continue
    seen[$dir]=$now
    name=$(basename "$dir")
    echo
    echo "watch: $name changed: regrading Lab ${name%%-*}"
    grade --lab "${name%%-*}"
    echo "watch: watching (Ctrl-C to stop)"
  done
done
