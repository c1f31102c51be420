#!/usr/bin/env bash
# course.ci_uses_system_cmake (tests/ci.cmake): .ci/system-cmake against a stand-in for a
# GitHub runner's CMake: a folder ahead of /usr/bin on PATH whose cmake and ctest say
# 3.99.0. Skipped (77) where /usr/bin/cmake is missing.
set -euo pipefail
script=${1:?usage: ci_system_cmake.sh .ci/system-cmake}
[ -x /usr/bin/cmake ] && [ -x /usr/bin/ctest ] || { echo "no /usr/bin/cmake: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
version=$(/usr/bin/cmake --version | sed -n '1s/^cmake version \([0-9]*\.[0-9]*\).*$/\1/p')
runner=$tmp/runner-bin
mkdir -p "$runner"
for tool in cmake ctest cpack; do
  printf '#!/bin/sh\necho "%s version 3.99.0"\n' "$tool" >"$runner/$tool"
  chmod +x "$runner/$tool"
done
PATH=$runner:/usr/bin:/bin "$script" "$version" >"$tmp/out" 2>&1 || { cat "$tmp/out"; fail "refused /usr/bin's CMake $version"; }
cat "$tmp/out"
for tool in cmake ctest cpack; do
  [ ! -e "$runner/$tool" ] || fail "the runner's $tool is still there"
done
grep -q "removing $runner/cmake" "$tmp/out" || fail "did not say what it removed"
if PATH=/usr/bin:/bin "$script" 0.1 >"$tmp/out" 2>&1; then
  fail "accepted CMake $version for 0.1"
fi
grep -q "not 0.1.x" "$tmp/out" || { cat "$tmp/out"; fail "no clear message for the wrong version"; }
if "$script" 3 >/dev/null 2>&1; then fail "accepted the version 3 (MAJOR.MINOR wanted)"; fi
# After the build: which CMake configured it, from its CMakeCache.txt.
mkdir -p "$tmp/build"
printf '%s\n' "CMAKE_COMMAND:INTERNAL=/usr/bin/cmake" "CMAKE_CACHE_MAJOR_VERSION:INTERNAL=3" \
  "CMAKE_CACHE_MINOR_VERSION:INTERNAL=22" "CMAKE_CACHE_PATCH_VERSION:INTERNAL=1" >"$tmp/build/CMakeCache.txt"
"$script" 3.22 "$tmp/build" || fail "refused a build configured by /usr/bin/cmake 3.22.1"
if "$script" 3.25 "$tmp/build" 2>"$tmp/err"; then fail "accepted 3.22.1 for 3.25"; fi
grep -q "CMake 3.22.1, not 3.25.x" "$tmp/err" || fail "no clear message: $(cat "$tmp/err")"
sed -i 's|^CMAKE_COMMAND:INTERNAL=.*|CMAKE_COMMAND:INTERNAL=/usr/local/bin/cmake|' "$tmp/build/CMakeCache.txt"
if "$script" 3.22 "$tmp/build" 2>"$tmp/err"; then fail "accepted a build by /usr/local/bin/cmake"; fi
grep -q "not /usr/bin/cmake" "$tmp/err" || fail "no clear message: $(cat "$tmp/err")"
echo "system-cmake: the runner's CMake removed, the versions checked"
