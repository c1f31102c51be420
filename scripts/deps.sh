#!/usr/bin/env bash
# Checks that the Debian/Ubuntu packages a make target needs are installed.
# Usage: scripts/deps.sh grade|test|bench|docs
# Missing packages are installed with apt-get when we are root on a Debian-like system;
# otherwise the one command to run is printed and the script exits 1.
# The same names on Debian 12 and 13, Ubuntu 22.04 and 24.04. Optional packages serve a
# check that skips itself without them (Chromium: the docs page in a browser; the arm64
# cross compiler): installed where the system has them (Ubuntu's chromium is a snap, not
# a package), never required.
set -euo pipefail

grade_packages="cmake g++ make ninja-build libgtest-dev libgmock-dev nlohmann-json3-dev libcli11-dev libfmt-dev libpugixml-dev catch2"
test_packages="$grade_packages ccache libbenchmark-dev doxygen graphviz python3 python3-psutil python3-tqdm python3-jsonschema python3-yaml clang-format clang zip unzip"
# libclang-rt-dev: libFuzzer and the sanitizers' runtimes for the default clang
# (scripts/fuzz.sh). Debian 12 and 13 and Ubuntu 24.04 package them apart from clang (this
# package depends on libclang-rt-NN-dev, which clang only recommends); where the archive
# has no such package (Ubuntu 22.04's clang 14 ships them in libclang-common-14-dev), the
# fuzz script probes libFuzzer and skips, saying why, if it is missing.
test_optional="chromium g++-aarch64-linux-gnu libclang-rt-dev"

case "${1:-grade}" in
  grade) wanted=$grade_packages optional="" ;;
  test | bench | docs) wanted=$test_packages optional=$test_optional ;;
  *) echo "usage: $0 grade|test|bench|docs" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "deps: not a Debian-like system; make sure these (or your system's equivalents) are installed:" >&2
  echo "  $wanted $optional" >&2
  exit 0
fi

installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

missing=""
for package in $wanted; do
  installed "$package" || missing="$missing $package"
done
missing_optional=""
for package in $optional; do
  installed "$package" || missing_optional="$missing_optional $package"
done
[ -z "$missing$missing_optional" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  # Optional packages only where this system's archive has them.
  for package in $missing_optional; do
    if [ -n "$(apt-cache policy "$package" 2>/dev/null | sed -n 's/^ *Candidate: *\([^(].*\)$/\1/p')" ]; then
      missing="$missing $package"
    else
      echo "deps: $package is not packaged here: the check that needs it will be skipped" >&2
    fi
  done
  [ -z "$missing" ] && exit 0
  echo "deps: installing:$missing" >&2
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >&2
  exit 0
fi

if [ -n "$missing_optional" ]; then
  echo "deps: optional, for checks that are skipped without them:$missing_optional" >&2
fi
[ -z "$missing" ] && exit 0
echo "deps: missing packages:$missing" >&2
echo "deps: install them with:" >&2
echo "  sudo apt-get install -y$missing" >&2
exit 1
