#!/usr/bin/env bash
# Checks that the Debian/Ubuntu packages a make target needs are installed.
# Usage: scripts/deps.sh grade|test|bench|docs
# Missing packages are installed with apt-get when we are root on a Debian-like system;
# otherwise the one command to run is printed and the script exits 1.
set -euo pipefail

grade_packages="cmake g++ make ninja-build libgtest-dev libgmock-dev nlohmann-json3-dev libcli11-dev libfmt-dev libpugixml-dev catch2"
test_packages="$grade_packages libbenchmark-dev doxygen graphviz python3 python3-psutil python3-tqdm python3-jsonschema clang-format chromium"

case "${1:-grade}" in
  grade) wanted=$grade_packages ;;
  test | bench | docs) wanted=$test_packages ;;
  *) echo "usage: $0 grade|test|bench|docs" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "deps: not a Debian-like system; make sure these (or your system's equivalents) are installed:" >&2
  echo "  $wanted" >&2
  exit 0
fi

missing=""
for package in $wanted; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing="$missing $package"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "deps: installing:$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >&2
  exit 0
fi

echo "deps: missing packages:$missing" >&2
echo "deps: install them with:" >&2
echo "  sudo apt-get install -y$missing" >&2
exit 1
