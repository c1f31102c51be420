#!/bin/sh
# Builds the course's docs site into BUILD_DIR/docs/html: the lessons as ordered pages,
# the lab contracts, the harness API, the benchmark plots and the diagrams, with Doxygen
# (weave filters the lessons and contracts: see harness/weave/doxygen.hpp), styled by
# docs/course.css with the code font copied in.
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
# Doxygen 1.9.5 and later follow the reader's dark mode unless told not to; the course's
# stylesheet is light. (1.9.4 and earlier have no such setting, and would warn about it.)
version=$(doxygen --version | sed 's/ .*//')
if [ "$(printf '%s\n1.9.5\n' "$version" | sort -V | head -n 1)" = 1.9.5 ]; then
    echo "HTML_COLORSTYLE        = LIGHT" >>"$out/Doxyfile"
fi

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
# The code font, from its Debian package (fonts-dejavu-core), into the site: course.css
# names it, so that progress bars line up wherever the site is opened.
mkdir -p "$out/html/fonts"
for font in DejaVuSansMono.ttf DejaVuSansMono-Bold.ttf; do
    file=$(find /usr/share/fonts -name "$font" 2>/dev/null | head -n 1)
    if [ -n "$file" ]; then
        cp "$file" "$out/html/fonts/"
    else
        echo "docs.sh: note: $font not found (fonts-dejavu-core); the site uses the reader's own" >&2
    fi
done
echo "docs: $out/html/index.html"
