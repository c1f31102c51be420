#!/usr/bin/env bash
# `make student-release DEST=dir`: writes the copy of the course students get (a GitHub
# Classroom template repository, or a plain folder): everything but solutions/,
# templates/ (new labs, the batch's shard recipes), build directories, .git, the course's
# own CI (.github/workflows/ci.yml: `make test` on four systems, and .ci/run; students keep
# classroom.yml and .devcontainer/), the benchmarks (bench/, scripts/bench.sh: `make bench`
# is an instructor's command), and the hidden tests.
#
# Hidden tests (harness/README.md, "## Platforms") live in their own test files, listed in
# their lab.json under both "test_files" (so the course builds them) and
# "hidden_test_files"; their entries in "tasks" carry "hidden": true. The release deletes
# those files and entries, so that no hidden test is left in a source, a lab.json or a
# binary. A lab that declares a hidden test without a "hidden_test_files" file stops the
# release: its test would stay visible in the sources.
# Usage: scripts/student-release.sh DEST   (DEST must not exist, or be empty)
set -euo pipefail
dest=${1:?usage: scripts/student-release.sh DEST}
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -e "$dest" ] && [ -n "$(ls -A "$dest")" ]; then
  echo "student-release: $dest exists and is not empty" >&2
  exit 2
fi
mkdir -p "$dest"
tar -C "$root" --exclude=./.git --exclude=./build --exclude='./build-*' --exclude=./solutions \
    --exclude=./templates --exclude=./.github/workflows/ci.yml --exclude=./.ci \
    --exclude=./bench --exclude=./scripts/bench.sh -cf - . | tar -C "$dest" -xf -

# A lesson's code blocks woven from bench/ (Lesson 3's benchmark) stay as they are, but
# their `<!-- code: bench/... -->` marker becomes a plain comment: the release has no
# bench/ to check them against (`make test` there runs the weaver's check too).
for lesson in "$dest"/lessons/*.md; do
  sed -i -E 's|^<!-- code: (bench/[^ ]*) -->$|<!-- woven from \1, which the student release leaves out -->|' \
    "$lesson"
done

python3 - "$dest" <<'PY'
import glob, json, os, sys
dest = sys.argv[1]
problems = 0
for path in sorted(glob.glob(os.path.join(dest, "labs", "*", "lab.json"))):
    lab_dir = os.path.dirname(path)
    with open(path, encoding="utf-8") as f:
        lab = json.load(f)
    hidden_files = lab.pop("hidden_test_files", [])
    hidden_names = [e["name"] for t in lab.get("tasks", []) for e in t.get("tests", [])
                    if isinstance(e, dict) and e.get("hidden")]
    if hidden_names and not hidden_files:
        print(f"student-release: {path}: hidden tests {hidden_names} but no "
              "\"hidden_test_files\" file to remove them from", file=sys.stderr)
        problems += 1
    lab["test_files"] = [t for t in lab.get("test_files", []) if t not in hidden_files]
    for task in lab.get("tasks", []):
        task["tests"] = [e for e in task.get("tests", [])
                         if not (isinstance(e, dict) and e.get("hidden"))]
    for name in hidden_files:
        os.remove(os.path.join(lab_dir, name))
    with open(path, "w", encoding="utf-8") as f:
        json.dump(lab, f, indent=2, ensure_ascii=False)
        f.write("\n")
    if hidden_names:
        print(f"student-release: {os.path.basename(lab_dir)}: removed {len(hidden_names)} "
              f"hidden test(s) and {', '.join(hidden_files)}")
sys.exit(1 if problems else 0)
PY

# The course README as the release shows it: what only the course has (solutions,
# benchmarks, instructors' commands) is marked in README.md and left out; what only the
# release says is kept in an HTML comment there and shown here:
#   a line ending in <!-- course only -->            left out
#   <!-- course only: begin --> ... <!-- course only: end -->   left out
#   <!-- release only ... -->                         its lines shown
release_text() {
  awk '
    /^<!-- course only: begin -->$/ { skip = 1; next }
    /^<!-- course only: end -->$/ { skip = 0; next }
    skip { next }
    /^<!-- release only$/ { release = 1; next }
    release && /^-->$/ { release = 0; next }
    /<!-- course only -->$/ { next }
    { print }
  ' "$1" | cat -s
}

readme="$dest/README.md"
{
  cat <<'MD'
# Unix processes in C++: your copy

This is the **student release** of the course: the lessons (`lessons/`), the labs you
complete (`labs/NN-topic/`: a header with the contract, a stub with `TODO: Task N`
comments, and the tests), and the harness that builds and grades them. It has no
reference solutions and none of the instructors' hidden tests: the grade your instructor
records (Gradescope, GitHub Classroom) may include tests that `make` here does not run.

- `make` builds your labs and grades them: a scoreboard per lab and task, and under each
  failed test what went wrong and which lesson section to re-read. An untouched stub
  scores 0.
- `make grade LAB=01` grades one lab; `make help` lists every command.

MD
  [ -f "$readme" ] && release_text "$readme"
} >"$readme.new"
mv "$readme.new" "$readme"
echo "student-release: written to $dest (no solutions/, no hidden tests); try: make -C $dest"
