#!/usr/bin/env bash
# The fuzz targets (fuzz/): every parser of untrusted bytes in the grader, under libFuzzer
# with AddressSanitizer and UndefinedBehaviorSanitizer. Configures fuzz/ with clang into
# build-fuzz/, builds every target, and runs each for SECONDS (default 20) from its seed
# corpus (fuzz/corpus/<target>/; what it finds goes to build-fuzz/corpus/<target>/).
# Exits 1 when a target crashes (a sanitizer finding, an abort, a leak, a timeout or out
# of memory) and prints where the crashing input was saved; reproduce it with
# `build-fuzz/<target> <that file>`. Skips (exit 0, saying why) when clang or libFuzzer
# is missing: on Debian and Ubuntu, the `clang` package (scripts/deps.sh test).
# Usage: scripts/fuzz.sh [SECONDS]   (.ci/run)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-20}
build=${FUZZ_BUILD:-$root/build-fuzz}
case $seconds in
  '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS]" >&2; exit 2 ;;
esac

# clang, and a libFuzzer it can link (libclang-rt-NN-dev on newer releases).
cxx=${FUZZ_CXX:-$(command -v clang++ || true)}
if [ -z "$cxx" ]; then
  echo "fuzz: skipped: clang++ is not installed (apt-get install clang)"
  exit 0
fi
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' \
  >"$probe/probe.cpp"
if ! "$cxx" -fsanitize=fuzzer,address,undefined "$probe/probe.cpp" -o "$probe/probe" \
  >"$probe/probe.log" 2>&1; then
  echo "fuzz: skipped: $cxx cannot link libFuzzer ($(head -n 1 "$probe/probe.log"));" \
    "install libclang-rt-dev (or libclang-rt-NN-dev) next to clang"
  exit 0
fi

launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
mkdir -p "$build"
cmake -S "$root/fuzz" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" "${launcher[@]}" \
  --log-level=WARNING >"$build/configure.log" 2>&1 || {
  tail -n 30 "$build/configure.log"
  echo "fuzz: configuring fuzz/ failed (log: $build/configure.log)" >&2
  exit 1
}
mapfile -t targets <"$build/fuzzers.txt"
echo "fuzz: building ${targets[*]} with clang and -fsanitize=fuzzer,address,undefined"
cmake --build "$build" --target "${targets[@]}" >"$build/build.log" 2>&1 || {
  tail -n 50 "$build/build.log"
  echo "fuzz: the build failed (log: $build/build.log)" >&2
  exit 1
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
crashed=0
for target in "${targets[@]}"; do
  seeds=$root/fuzz/corpus/$target
  found=$build/corpus/$target
  mkdir -p "$found" "$build/crashes"
  [ -d "$seeds" ] || { echo "fuzz: $target has no seeds in fuzz/corpus/$target/" >&2; crashed=1; }
  log=$build/$target.log
  status=0
  "$build/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build/crashes/$target-" \
    "$found" "$seeds" >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  if [ "$status" -ne 0 ]; then
    crashed=1
    echo "fuzz: $target: CRASHED (exit $status, log: $log)"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" | head -n 5 | sed 's/^/  /'
    sed -n 's/.*Test unit written to \(.*\)$/  crashing input: \1/p' "$log"
    echo "  reproduce: $build/$target <crashing input>"
  else
    echo "fuzz: $target: ok (${seconds} s, ${execs:-?} runs, corpus $(ls "$found" | wc -l) + $(ls "$seeds" | wc -l) seeds)"
  fi
done
exit "$crashed"
