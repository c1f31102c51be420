#!/usr/bin/env bash
# `make gradescope`: builds BUILD_DIR/gradescope/autograder.zip, the autograder to upload
# to a Gradescope programming assignment (base image: Ubuntu 22.04 or later: CMake >= 3.22,
# glibc >= 2.35). The zip holds, at its root:
#   setup.sh        installs the Debian packages (scripts/deps.sh grade) and pre-builds
#                   the course's harness and the labs' tests against the stubs
#   run_autograder  drops the submission's lab sources over the labs, builds, grades,
#                   and writes /autograder/results/results.json
#   labs.txt        the labs this assignment grades (LAB=01 make gradescope; empty: all)
#   deadline.txt    seconds the grading run may take (DEADLINE=N; default 540, for
#                   Gradescope's default limit of 10 minutes: raise both together)
#   scale.txt       the total's maximum (SCALE=N: each test's points scaled alike; empty:
#                   lab.json's points), to match the assignment's points on Gradescope
#   course/         the course without solutions/, templates/, build/ or .git: its hidden
#                   tests included (students never see the zip)
# Usage: scripts/gradescope/build-zip.sh BUILD_DIR   (LAB="01 02" to grade only those)
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mkdir -p "$build/gradescope"
out=$(cd "$build/gradescope" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

mkdir "$stage/course"
tar -C "$root" --exclude=./.git --exclude=./build --exclude='./build-*' --exclude=./solutions \
    --exclude=./templates -cf - . | tar -C "$stage/course" -xf -
cp "$here/setup.sh" "$here/run_autograder" "$stage/"
chmod +x "$stage/setup.sh" "$stage/run_autograder"
echo "${LAB:-}" >"$stage/labs.txt"
echo "${DEADLINE:-540}" >"$stage/deadline.txt"
echo "${SCALE:-}" >"$stage/scale.txt"
rm -f "$out/autograder.zip"
(cd "$stage" && zip -qr "$out/autograder.zip" setup.sh run_autograder labs.txt deadline.txt scale.txt course)
echo "Gradescope autograder: $out/autograder.zip (labs: ${LAB:-all})"
