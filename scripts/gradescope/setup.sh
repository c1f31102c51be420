#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder's image: install the
# course's Debian packages, configure the course, build the grader and pre-build each
# graded lab's tests against the stubs (so that grading a submission compiles only the
# student's files).
#   AUTOGRADER_ROOT  where /autograder is (the simulation in `make test` moves it)
#   SKIP_APT=1       do not install packages (no network: the simulation)
#   GRADER=path      use this grader instead of building one (the simulation)
set -euo pipefail
root=${AUTOGRADER_ROOT:-/autograder}
course=$root/source/course
if [ -z "${SKIP_APT:-}" ]; then
  "$course/scripts/deps.sh" grade
fi
# The labs are built from a copy, refreshed for every submission by run_autograder.
rm -rf "$root/labs"
cp -a "$course/labs" "$root/labs"
cmake -S "$course" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCOURSE_LABS_DIR="$root/labs" -DCOURSE_WITH_SOLUTIONS=OFF --log-level=WARNING
if [ -z "${GRADER:-}" ]; then
  cmake --build "$root/build" --target grader
fi
labs=$(cat "$root/source/labs.txt" 2>/dev/null || true)
# The labs' student test targets, visible and hidden, from the manifest (JSON written by
# CMake; any spacing).
targets=$(grep -oE '"target" *: *"lab[0-9]+_(hidden_)?tests"' "$root/build/course-manifest.json" |
  grep -oE 'lab[0-9]+_(hidden_)?tests')
for target in $targets; do
  id=${target#lab}
  id=${id%_tests}
  id=${id%_hidden}
  if [ -z "$labs" ] || [[ " $labs " == *" $id "* ]]; then
    cmake --build "$root/build" --target "$target" || echo "setup: $target does not build yet"
  fi
done
