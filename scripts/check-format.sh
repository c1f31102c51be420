#!/usr/bin/env bash
# Checks that every C++ file of the course is formatted as .clang-format says:
# `clang-format --dry-run -Werror` on each tracked *.cpp, *.hpp, *.h (git ls-files; outside
# a git checkout, every such file but those under build*/ and .git/).
# Usage: scripts/check-format.sh [--fix]   (--fix rewrites the files that differ)
# Exit 0: all formatted (or fixed); 1: some differ (listed, with clang-format's first
# complaint for each); 2: clang-format is missing (scripts/deps.sh test installs it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
clang_format=${CLANG_FORMAT:-clang-format}
if ! command -v "$clang_format" >/dev/null 2>&1; then
  echo "check-format: $clang_format not found (scripts/deps.sh test installs clang-format)" >&2
  exit 2
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
