#!/usr/bin/env bash
# Builds one of the lessons' programs, with the programs it starts, and runs it: what
# `make run-lesson NAME=05-spawn-env ARGS='...'` does. NAME is a file of lessons/code/
# without its .cpp; the program is BUILD_DIR/bin/lesson-NAME, run with BUILD_DIR/bin first
# on PATH (as the lessons' sessions run it) and the remaining arguments. How far the build
# is goes to standard error, so that the program's standard output is its own (its
# parent is make, not the sh of a session). With
# --list, prints the names, one a line.
# Usage: scripts/run-lesson.sh BUILD_DIR NAME [ARG...]
#        scripts/run-lesson.sh BUILD_DIR --list
set -uo pipefail
[ $# -ge 2 ] || { echo "usage: scripts/run-lesson.sh BUILD_DIR NAME [ARG...]" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
build=$1
name=$2
shift 2

names() {
  for source in "$root"/lessons/code/*.cpp; do
    [ -f "$source" ] && basename "$source" .cpp
  done
}

if [ "$name" = --list ]; then
  names
  exit 0
fi
if [ -z "$name" ] || [ ! -f "$root/lessons/code/$name.cpp" ]; then
  echo "make run-lesson: no lesson program named '$name'. NAME is one of:" >&2
  names | paste -sd ' ' | fold -s -w 88 | sed 's/ *$//; s/^/  /' >&2
  echo "(the files of lessons/code/ without .cpp; e.g. make run-lesson NAME=00-child-memory)" >&2
  exit 2
fi
"$root/scripts/quiet-build.sh" "$build" "lesson-$name" >&2 || exit 1
bin=$(cd "$build/bin" && pwd)
# Found through PATH, as a session finds it, so that its argv[0] is its name.
export PATH="$bin:$PATH"
exec "lesson-$name" "$@"
