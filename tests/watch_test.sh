#!/usr/bin/env bash
# course.watch: `make watch` (scripts/watch.sh) grades once, regrades exactly the lab whose
# file changed, and stops on Ctrl-C (SIGINT to its process group) leaving nothing running.
# A stand-in grader prints its arguments; the test reads the watch's output line by line
# through a FIFO (the 60 s read timeout only keeps a broken watch from hanging the test).
#   bash tests/watch_test.sh COURSE_ROOT
set -euo pipefail
root=${1:?usage: watch_test.sh COURSE_ROOT}
tmp=$(mktemp -d)
watch_pid=""
cleanup() {
  [ -n "$watch_pid" ] && kill -KILL -- "-$watch_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/labs/01-one" "$tmp/labs/02-two" "$tmp/build"
echo 'int one;' >"$tmp/labs/01-one/one.cpp"
echo 'int two;' >"$tmp/labs/02-two/two.cpp"
printf '#!/bin/sh\necho "graded: $*"\n' >"$tmp/grader"
chmod +x "$tmp/grader"
mkfifo "$tmp/out"

set -m  # the watch gets its own process group, which receives SIGINT as from a terminal
GRADER=$tmp/grader WATCH_LABS=$tmp/labs WATCH_INTERVAL=0.1 \
  bash "$root/scripts/watch.sh" "$tmp/build" >"$tmp/out" 2>&1 &
watch_pid=$!
set +m
exec 3<"$tmp/out"

expect() {
  local line
  while IFS= read -r -t 60 line <&3; do
    echo "  | $line"
    case $line in *"$1"*) return 0 ;; esac
  done
  echo "FAIL: the watch never printed '$1'" >&2
  exit 1
}
expect "graded: --manifest $tmp/build/course-manifest.json --flavor student"
expect "watch: watching"
echo 'int changed;' >>"$tmp/labs/02-two/two.cpp"
expect "watch: 02-two changed: regrading Lab 02"
expect "graded: --manifest $tmp/build/course-manifest.json --flavor student --lab 02"
expect "watch: watching"
kill -INT -- "-$watch_pid"
expect "watch: stopped"
status=0
wait "$watch_pid" || status=$?
[ "$status" = 0 ] || { echo "FAIL: the watch exited $status on Ctrl-C" >&2; exit 1; }
# Still running: any process of its group that is not a zombie (a child the same Ctrl-C
# ended as the watch exited is a zombie until init reaps it: nothing runs).
left=$(ps -e -o pid=,pgid=,stat=,args= | awk -v group="$watch_pid" '$2 == group && $3 !~ /^Z/')
if [ -n "$left" ]; then
  echo "FAIL: processes of the watch are still running:" >&2
  echo "$left" >&2
  exit 1
fi
watch_pid=""
echo "watch: regraded the changed lab only, and Ctrl-C left nothing running"
