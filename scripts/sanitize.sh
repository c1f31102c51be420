#!/usr/bin/env bash
# The sanitizer build: the harness, the reference solutions and their tests compiled with
# AddressSanitizer and UndefinedBehaviorSanitizer (CMake preset `asan`, into build-asan/),
# then run directly, not through the grader: ASan reserves terabytes of address space,
# which the sandbox's RLIMIT_AS (4 GiB) refuses. So the harness's tests that go through
# the sandbox (GraderTest, Catch2GradingTest, SandboxTest) are left out here; `make test`
# runs them unsanitized.
# Any leak, overflow, use after free or undefined behaviour fails its test program.
# (The preset adds -Wno-maybe-uninitialized: under -O1 and ASan, GCC 12 warns falsely
# inside libstdc++'s <regex>, and the course's code builds with -Werror.)
# Usage: scripts/sanitize.sh [BUILD_DIR]   (default build-asan; `make asan`, .ci/run)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-asan}
cd "$root"
start=$(date +%s)
if [ "$build" = "$root/build-asan" ]; then
  cmake --preset asan --log-level=WARNING >/dev/null
else
  cmake --preset asan -B "$build" --log-level=WARNING >/dev/null
fi

# The reference labs' test programs, from the manifest (the student's stubs are not built).
mapfile -t lab_tests < <(/usr/bin/python3 - "$build/course-manifest.json" <<'PY'
import json, sys
for lab in json.load(open(sys.argv[1]))["labs"]:
    if "reference" in lab:
        print(lab["reference"]["target"])
PY
)
targets=(harness_tests weave_tests "${lab_tests[@]}")
echo "sanitize: building ${targets[*]} with -fsanitize=address,undefined"
cmake --build "$build" --target "${targets[@]}" >"$build/sanitize-build.log" 2>&1 || {
  tail -n 50 "$build/sanitize-build.log"
  echo "sanitize: the build failed (log: $build/sanitize-build.log)" >&2
  exit 1
}
built=$(date +%s)

# Reports go to the test's output; any finding ends the program with a failure.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
passed=0
failed=0
run() {
  local name=$1
  shift
  if "$@" >"$build/sanitize-$name.log" 2>&1; then
    passed=$((passed + 1))
    echo "sanitize: $name: ok ($(grep -c '^\[       OK \]' "$build/sanitize-$name.log") tests)"
  else
    failed=$((failed + 1))
    echo "sanitize: $name: FAILED (log: $build/sanitize-$name.log); its end:"
    tail -n 40 "$build/sanitize-$name.log"
  fi
}
run harness_tests "$build/bin/harness_tests" \
  --gtest_filter='-GraderTest.*:Catch2GradingTest.*:SandboxTest.*'
run weave_tests "$build/bin/weave_tests"
for target in "${lab_tests[@]}"; do
  run "$target" "$build/bin/$target"
done
end=$(date +%s)
echo "sanitize: built in $((built - start)) s, ran in $((end - built)) s"
echo "sanitizers: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
