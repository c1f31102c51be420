#!/bin/sh
# Builds the course's docs site into BUILD_DIR/docs/html: the lessons as ordered pages,
# the lab contracts, the harness API, the benchmark plots and the diagrams, with Doxygen.
# Exits non-zero when Doxygen warns (WARN_AS_ERROR), after printing the warnings.
#   usage: scripts/docs.sh BUILD_DIR      (BUILD_DIR: a configured CMake build, e.g. build)
set -eu

if [ $# -ne 1 ]; then
    echo "usage: scripts/docs.sh BUILD_DIR" >&2
    exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
build=$(cd "$1" && pwd)
out=$build/docs

command -v doxygen >/dev/null || { echo "docs.sh: doxygen is not installed" >&2; exit 1; }
command -v dot >/dev/null || { echo "docs.sh: dot (Graphviz) is not installed" >&2; exit 1; }
if [ ! -f "$build/CMakeCache.txt" ]; then
    echo "docs.sh: $build is not a configured build (cmake -S $root -B $build -G Ninja)" >&2
    exit 1
fi
# weave turns the lessons into Doxygen pages (the Doxyfile's FILTER_PATTERNS).
cmake --build "$build" --target weave >"$build/weave-build.log" 2>&1 || {
    cat "$build/weave-build.log" >&2
    exit 1
}
weave=$build/bin/weave

# The inputs, in reading order: main page, lessons (by number), pictures, contracts, API.
input="$root/docs/mainpage.md"
for lesson in "$root"/lessons/[0-9][0-9]-*.md; do
    [ -f "$lesson" ] && input="$input $lesson"
done
input="$input $root/docs/diagrams.md $root/labs $root/harness/include"

rm -rf "$out/html"
mkdir -p "$out"
sed -e "s|@ROOT@|$root|g" -e "s|@OUTPUT@|$out|g" -e "s|@INPUT@|$input|g" \
    -e "s|@WEAVE@|$weave|g" "$root/docs/Doxyfile.in" >"$out/Doxyfile"

status=0
(cd "$out" && doxygen Doxyfile) || status=$?
if [ -s "$out/warnings.log" ]; then
    echo "docs.sh: Doxygen warnings (each fails the docs build):" >&2
    sed "s|$root/||" "$out/warnings.log" >&2
    [ "$status" -ne 0 ] || status=1
fi
if [ "$status" -ne 0 ]; then
    echo "docs.sh: docs build FAILED (see above)" >&2
    exit "$status"
fi
echo "docs: $out/html/index.html"
