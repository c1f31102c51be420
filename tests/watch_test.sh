#!/usr/bin/env bash
# course.watch: `make watch` (scripts/watch.sh) grades once, regrades the lab whose file
# changed with every lab that builds on it (the real grader reads that from lab.json:
# "depends"), and stops on Ctrl-C (SIGINT to its process group) leaving nothing running.
# A stand-in grader prints its arguments (and asks the real one which labs build on which);
# the test reads the watch's output line by line through a FIFO (the 60 s read timeout only
# keeps a broken watch from hanging the test).
#   bash tests/watch_test.sh COURSE_ROOT GRADER
set -euo pipefail
root=${1:?usage: watch_test.sh COURSE_ROOT GRADER}
real_grader=${2:?usage: watch_test.sh COURSE_ROOT GRADER}
tmp=$(mktemp -d)
watch_pid=""
cleanup() {
  [ -n "$watch_pid" ] && kill -KILL -- "-$watch_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
# Three labs: 02 builds on 01, 03 on 02 (so on 01 too).
labs_json=""
for lab in 01-one:'' 02-two:'"01"' 03-three:'"02"'; do
  name=${lab%%:*}
  id=${name%%-*}
  mkdir -p "$tmp/labs/$name"
  echo "int x$id;" >"$tmp/labs/$name/$id.cpp"
  cat >"$tmp/labs/$name/lab.json" <<JSON
{"id": "$id", "title": "Lab $id", "lesson": "$name.md", "sources": ["$id.cpp"],
 "test_files": ["${id}_test.cpp"], "depends": [${lab#*:}],
 "tasks": [{"task": 1, "title": "One", "section": "one", "tests": ["Suite.One"]}]}
JSON
  labs_json+="${labs_json:+, }{\"id\": \"$id\", \"slug\": \"$name\", \"dir\": \"$tmp/labs/$name\","
  labs_json+=" \"metadata\": \"$tmp/labs/$name/lab.json\","
  labs_json+=" \"student\": {\"target\": \"lab${id}_tests\", \"executable\": \"$tmp/none\"}}"
done
mkdir -p "$tmp/build"
echo "{\"source_dir\": \"$tmp\", \"build_dir\": \"$tmp/build\", \"labs\": [$labs_json]}" \
  >"$tmp/build/course-manifest.json"
cat >"$tmp/grader" <<SH
#!/bin/sh
case "\$*" in
  *--labs-built-on*) exec "$real_grader" "\$@" ;;
esac
echo "graded: \$*"
SH
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
echo 'int changed;' >>"$tmp/labs/02-two/02.cpp"
expect "watch: 02-two changed: regrading Labs 02 and 03"
expect "graded: --manifest $tmp/build/course-manifest.json --flavor student --lab 02 03"
expect "watch: watching"
echo 'int changed;' >>"$tmp/labs/01-one/01.cpp"
expect "watch: 01-one changed: regrading Labs 01, 02 and 03"
expect "graded: --manifest $tmp/build/course-manifest.json --flavor student --lab 01 02 03"
expect "watch: watching"
echo 'int changed;' >>"$tmp/labs/03-three/03.cpp"
expect "watch: 03-three changed: regrading Lab 03"
expect "graded: --manifest $tmp/build/course-manifest.json --flavor student --lab 03"
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
echo "watch: regraded the changed lab and the labs built on it, and Ctrl-C left nothing running"
