#!/usr/bin/env bash
# make watch: grade every lab once, then watch labs/ and regrade the lab whose files
# change, with every lab that builds on it (Lab 04 and Lab 07 after a save in Lab 03: the
# grader reads each lab.json's "depends"), showing their scoreboard and the next thing to
# do (the failing test, its hint, its lesson), as rustlings does. Ctrl-C stops the grading in progress and the watch, and
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

# The labs to regrade after a file of lab $1 changed: it and every lab that builds on it,
# directly or not, as the grader reads them from lab.json ("03 04 07 08"); just $1 when the
# grader cannot say.
labs_built_on() {
  "$grader" --manifest "$build/course-manifest.json" --labs-built-on "$1" 2>/dev/null || echo "$1"
}

# "Lab 03", "Labs 03 and 04", "Labs 03, 04 and 07".
lab_names() {
  if [ $# -eq 1 ]; then
    echo "Lab $1"
    return
  fi
  local text="" id
  for id in "${@:1:$#-1}"; do text+="${text:+, }$id"; done
  echo "Labs $text and ${!#}"
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
  changed=()
  regrade=()
  for dir in "$labs"/[0-9][0-9]-*/; do
    now=$(state_of "$dir")
    [ "$now" = "${seen[$dir]:-}" ] && continue
    seen[$dir]=$now
    name=$(basename "$dir")
    changed+=("$name")
    # shellcheck disable=SC2207  # ids are two digits: nothing to split but at spaces
    regrade+=($(labs_built_on "${name%%-*}"))
  done
  [ ${#changed[@]} -eq 0 ] && continue
  # shellcheck disable=SC2207
  regrade=($(printf '%s\n' "${regrade[@]}" | sort -u))
  echo
  echo "watch: ${changed[*]} changed: regrading $(lab_names "${regrade[@]}")"
  grade --lab "${regrade[@]}"
  echo "watch: watching (Ctrl-C to stop)"
done
