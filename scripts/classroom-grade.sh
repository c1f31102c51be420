#!/usr/bin/env bash
# The Classroom workflow's grading step (.github/workflows/classroom.yml): grades a student's
# repository with the course's own tests, lab.json files, harness and build, from COURSE (a
# checkout of the assignment's template repository at a pinned commit), taking from STUDENT
# only each lab's "sources" (the files the student writes), as Gradescope and the batch do.
# Every other file of the course that the student's copy changed, removed or replaced with a
# symbolic link is listed in COURSE/build/reports/changed-course-files.txt, in the run's
# summary and as a warning on the run: it was not used, and the instructor should know.
#   usage: scripts/classroom-grade.sh COURSE STUDENT
#   LAB ("01 02"), DEADLINE (seconds), SCALE: as for `make grade`; GRADER=path: a grader
#   already built (default: COURSE's, built here).
# Exit 0 when grading ran (whatever the score), non-zero when it could not.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: scripts/classroom-grade.sh COURSE STUDENT" >&2
  exit 2
fi
course=$(cd "$1" && pwd -P)
student=$(cd "$2" && pwd -P)
reports=$course/build/reports
mkdir -p "$reports"

# What the student's copy changed of the course's tracked files, the lab sources aside.
python3 - "$course" "$student" >"$reports/changed-course-files.txt" <<'PY'
import filecmp, glob, json, os, subprocess, sys
course, student = sys.argv[1:]
sources = set()
for lab_json in glob.glob(os.path.join(course, "labs", "*", "lab.json")):
    lab = os.path.relpath(os.path.dirname(lab_json), course)
    for source in json.load(open(lab_json)).get("sources", []):
        sources.add(os.path.join(lab, source))
top = subprocess.run(["git", "-C", course, "rev-parse", "--show-toplevel"], capture_output=True)
listed = subprocess.run(["git", "-C", course, "ls-files", "-z"], capture_output=True)
if top.returncode == 0 and os.path.realpath(top.stdout.decode().strip()) == course:
    tracked = listed.stdout.decode().split("\0")
else:  # not a git checkout: every file but the build's
    tracked = [os.path.relpath(os.path.join(folder, name), course)
               for folder, dirs, names in os.walk(course)
               for name in names
               if not os.path.relpath(folder, course).split(os.sep)[0] in ("build", ".git")]
for path in sorted(p for p in tracked if p and p not in sources):
    theirs = os.path.join(student, path)
    if os.path.islink(theirs):
        print(path + ": a symbolic link in the student's copy")
    elif not os.path.isfile(theirs):
        print(path + ": removed from the student's copy")
    elif not filecmp.cmp(os.path.join(course, path), theirs, shallow=False):
        print(path + ": changed in the student's copy")
PY
if [ -s "$reports/changed-course-files.txt" ]; then
  while IFS= read -r line; do
    echo "::warning title=A course file was changed (the course's own copy was used)::$line"
  done <"$reports/changed-course-files.txt"
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    {
      echo "### Course files this repository changed"
      echo
      echo "Graded with the course's own copies; the student's were not used:"
      echo
      sed 's/^/- /' "$reports/changed-course-files.txt"
      echo
    } >>"$GITHUB_STEP_SUMMARY"
  fi
fi

make -s -C "$course" configure
grader=${GRADER:-$course/build/bin/grader}  # GRADER=path: another build's, as it is
[ -n "${GRADER:-}" ] || "$course/scripts/quiet-build.sh" "$course/build" grader
args=(--manifest "$course/build/course-manifest.json" --flavor student --overlay "$student"
      --reports "$reports")
[ -z "${LAB:-}" ] || args+=(--lab $LAB)
[ -z "${DEADLINE:-}" ] || args+=(--deadline "$DEADLINE")
[ -z "${SCALE:-}" ] || args+=(--scale "$SCALE")
# Exit 2 is a refused submission: its reports are written all the same (every test 0 points,
# saying why), and they are what Classroom must record.
status=0
"$grader" "${args[@]}" || status=$?
if [ "$status" -eq 2 ] && [ -s "$reports/report.json" ]; then
  status=0
fi
exit "$status"
