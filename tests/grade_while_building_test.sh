#!/usr/bin/env bash
# course.grade_while_building: `make` (scripts/grade-while-building.sh) builds each lab in
# the background, in lab order, one build at a time, while the grader grades the labs
# already built; the grader's build of a lab (scripts/lib/await-build.sh) waits for that
# lab's build and gets its output and status; a target the background build did not make
# is built after it ended; the programs come last, each with its line.
# Stand-ins: `cmake` (on PATH) records each build and fails when another build is running
# (a lock it may not wait for), and fails Lab 02 with a compile error; the grader asks for
# Lab 01, Lab 02, then Lab 01 with hidden tests, and prints what it got. Nothing is timed:
# each wait is on a lock the builder releases.
#   bash tests/grade_while_building_test.sh COURSE_ROOT
set -euo pipefail
root=${1:?usage: grade_while_building_test.sh COURSE_ROOT}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
  echo "FAIL: $*" >&2
  echo "--- output:" >&2
  cat "$tmp/out" >&2 || true
  echo "--- builds:" >&2
  cat "$tmp/builds" >&2 || true
  exit 1
}

build=$tmp/build
mkdir -p "$build" "$tmp/bin"
printf '%s\n' lab01_tests lab02_tests proc progress >"$build/grading-targets.txt"
printf 'build %s: phony x\n' sandboxed-compile lab01_test_objects lab02_test_objects \
  >"$build/build.ninja"

cat >"$tmp/bin/cmake" <<SH
#!/usr/bin/env bash
# cmake --build DIR --target TARGET... [-- ARGS]
exec 9>"$tmp/one-build.lock"
flock -n 9 || { echo "two builds at once: \$*" >>"$tmp/builds"; exit 3; }
shift 3
echo "\$*" >>"$tmp/builds"
case " \$* " in
  *" lab02_tests "*) echo "labs/02-two/two.cpp:1:1: error: boom"; exit 1 ;;
esac
echo "[1/1] built \$*"
SH
chmod +x "$tmp/bin/cmake"

cat >"$tmp/grader" <<'SH'
#!/usr/bin/env bash
# The stand-in grader: its --build-with is the last two arguments.
build_with=${*: -1}
build=$1
for targets in lab01_tests lab02_tests "lab01_tests lab01_hidden_tests"; do
  # shellcheck disable=SC2086  # the targets, one word each
  output=$("$build_with" "$build" $targets)
  echo "grader: built [$targets] status $? output [$output]"
done
SH
chmod +x "$tmp/grader"

PATH=$tmp/bin:$PATH bash "$root/scripts/grade-while-building.sh" "$build" -- \
  "$tmp/grader" "$build" >"$tmp/out" 2>&1 || fail "the script failed"

expect_line() {
  grep -qxF -- "$1" "$2" || fail "no line: $1"
}
expect_line "grader: built [lab01_tests] status 0 output [[1/1] built lab01_tests lab02_test_objects]" "$tmp/out"
expect_line "grader: built [lab02_tests] status 1 output [labs/02-two/two.cpp:1:1: error: boom]" "$tmp/out"
expect_line "grader: built [lab01_tests lab01_hidden_tests] status 0 output [[1/1] built lab01_tests lab01_hidden_tests]" "$tmp/out"
expect_line "Your tool: $build/bin/proc (built from your labs; try '$build/bin/proc ps')" "$tmp/out"
! grep -q "two builds at once" "$tmp/builds" || fail "two builds ran at once"
# In order: what the grader needs first, each lab (with the next lab's tests), the programs,
# then what the background build did not make.
printf '%s\n' "sandboxed-compile lab01_test_objects" "lab01_tests lab02_test_objects" \
  "lab02_tests" "proc progress -- -k 0" "lab01_tests lab01_hidden_tests" >"$tmp/expected"
diff "$tmp/expected" "$tmp/builds" >&2 || fail "the builds, in this order"
echo "ok: each lab built in order, one build at a time, its output given to the grader"

# Ctrl-C while Lab 01 builds (a build that never ends by itself) and the grader waits for
# it: the script stops the build and the grader, waits for both, and exits 130.
rm -rf "$build/grading-builds" "$tmp/builds"
mkfifo "$tmp/started"
cat >"$tmp/bin/cmake" <<SH
#!/usr/bin/env bash
case " \$* " in
  *" lab01_tests "*) echo "started \$\$" >"$tmp/started"; exec sleep 100000 ;;
esac
SH
# The grader waits for Lab 01's build as the real one does: its lab build is its child
# (a TERM that ends the grader ends the wait: the real grader's children die with it).
cat >"$tmp/grader-one" <<'SH'
#!/usr/bin/env bash
exec "${*: -1}" "$1" lab01_tests
SH
chmod +x "$tmp/grader-one"
set -m  # the script gets its own process group, which receives SIGINT as from a terminal
PATH=$tmp/bin:$PATH bash "$root/scripts/grade-while-building.sh" "$build" -- \
  "$tmp/grader-one" "$build" >"$tmp/out" 2>&1 </dev/null &
run=$!
set +m
read -r -t 60 word build_pid <"$tmp/started" || fail "Lab 01's build did not start"
[ "$word" = started ] || fail "Lab 01's build said: $word"
kill -INT -- "-$run"  # what Ctrl-C does: SIGINT to the terminal's process group
status=0
wait "$run" || status=$?
[ "$status" = 130 ] || fail "the script exited $status after Ctrl-C, not 130"
! kill -0 "$build_pid" 2>/dev/null || fail "Lab 01's build is still running"
echo "ok: Ctrl-C stops the build and the grader, waited for, and exits 130"
