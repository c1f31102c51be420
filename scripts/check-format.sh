#!/usr/bin/env bash
# Checks that every C++ file of the course is formatted as .clang-format says:
# `clang-format --dry-run -Werror` on each tracked *.cpp, *.hpp, *.h (git ls-files; outside
# a git checkout, every such file but those under build*/ and .git/).
# Usage: scripts/check-format.sh [--fix]   (--fix rewrites the files that differ)
# Exit 0: all formatted (or fixed); 1: some differ (listed, with clang-format's first
# complaint for each); 2: clang-format is missing (scripts/deps.sh test installs it);
# 77: skipped, the clang-format found is not the version the tree is formatted with.
#
# The tree is formatted with clang-format 14 (Debian 12, Ubuntu 22.04). Other major
# versions break some lines differently from 14 with the same .clang-format, so there the
# check says so and skips (ctest shows it as skipped, with this reason) rather than fail
# on code that is formatted; CHECK_FORMAT_ANY_VERSION=1 checks with any version.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
clang_format=${CLANG_FORMAT:-clang-format}
if ! command -v "$clang_format" >/dev/null 2>&1; then
  echo "check-format: $clang_format not found (scripts/deps.sh test installs clang-format)" >&2
  exit 2
fi
formatted_with=14
version=$("$clang_format" --version 2>/dev/null | sed -n 's/.*clang-format version \([0-9]*\).*/\1/p' || true)
if [ "${1:-}" != "--fix" ] && [ "$version" != "$formatted_with" ] &&
  [ "${CHECK_FORMAT_ANY_VERSION:-0}" != 1 ]; then
  echo "check-format: skipped: clang-format ${version:-of unknown version} is not" \
    "$formatted_with, the version the tree is formatted with (CHECK_FORMAT_ANY_VERSION=1" \
    "checks anyway)"
  exit 77
fi
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files -- '*.cpp' '*.hpp' '*.h' '*.cc')
else
  mapfile -t files < <(find . \( -name '.git' -o -name 'build*' \) -prune -o \
    -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' -o -name '*.cc' \) -print |
    sed 's|^\./||' | sort)
fi
if [ "${1:-}" = "--fix" ]; then
  "$clang_format" -i -- "${files[@]}"
  echo "check-format: formatted ${#files[@]} files"
  exit 0
fi
differ=0
for file in "${files[@]}"; do
  if ! output=$("$clang_format" --dry-run -Werror -- "$file" 2>&1); then
    echo "not formatted: $file: $(printf '%s\n' "$output" | head -n 1)"
    differ=$((differ + 1))
  fi
done
if [ "$differ" -gt 0 ]; then
  echo "check-format: $differ of ${#files[@]} C++ files differ from .clang-format" \
    "(scripts/check-format.sh --fix formats them)"
  exit 1
fi
echo "check-format: all ${#files[@]} C++ files follow .clang-format"
