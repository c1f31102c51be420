#!/bin/sh
# course.run_lesson: the script behind `make run-lesson` builds a lesson's program with
# the programs it starts (CMake dependencies) and runs it as its lesson shows, with its
# arguments; an unknown name exits 2 naming every program; `make help` lists them.
# Usage: tests/run_lesson_test.sh SOURCE_DIR BUILD_DIR
set -u
src=$1
build=$2
run=$src/scripts/run-lesson.sh
failed=0
fail() {
  echo "FAIL: $*"
  failed=1
}
# expect WHAT TEXT LINE...: every LINE is a whole line of TEXT.
expect() {
  what=$1 text=$2
  shift 2
  for line do
    printf '%s\n' "$text" | grep -qxF -- "$line" || fail "$what: no line '$line' in:
$text"
  done
}

out=$(HOME=/home/ada "$run" "$build" 05-spawn-env 2>&1) || fail "05-spawn-env exited $?"
expect 05-spawn-env "$out" 'child killed by SIGABRT' 'config: /home/ada/.config/greet.conf' \
  'config: /tmp/demo-home/.config/greet.conf'

out=$("$run" "$build" 05-cmdline one '' 'two words' 2>&1) || fail "05-cmdline exited $?"
expect 05-cmdline "$out" "  [0] 'lesson-05-cmdline'" "  [2] ''" "  [3] 'two words'"

out=$("$run" "$build" 99-no-such-lesson 2>&1)
status=$?
[ "$status" -eq 2 ] || fail "an unknown name exited $status, not 2"
expect "an unknown name" "$out" "make run-lesson: no lesson program named '99-no-such-lesson'. NAME is one of:"
printf '%s\n' "$out" | grep -q ' 05-spawn-env ' || fail "the names are not listed: $out"

# What a program starts is built with it (Ninja, the course's generator, shows the edges).
if [ -f "$build/build.ninja" ]; then
  for edge in 'lesson-05-spawn-env lesson-05-config-path' 'lesson-06-spawn-progress progress' \
              'lesson-07-progress worker'; do
    set -- $edge
    ninja -C "$build" -t query "bin/$1" | grep -q "|| bin/$2\(_ref\)\?\$" ||
      fail "bin/$1 is not built after bin/$2"
  done
fi

help=$(make -s -C "$src" help) || fail "make help exited $?"
printf '%s\n' "$help" | grep -q 'make run-lesson NAME=' || fail "make help does not show run-lesson"
printf '%s\n' "$help" | grep -q ' 05-spawn-env ' || fail "make help does not list the programs"
[ "$failed" = 0 ] && echo "run-lesson: OK"
exit "$failed"
