#!/usr/bin/env bash
# A hang costs only its own lab: grades a course whose Lab 04 spins forever (between
# reference labs 01-03, 05, 06; CMakeLists.txt here) under a run deadline, and checks that
# every other lab is graded in full and Lab 04's tests say "stopped by the deadline", with
# where the stopped test was.
# Usage: deadline_shares.sh GRADER BUILD_DIR
set -euo pipefail
grader=$1 build=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/deadline-shares.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$grader" --manifest "$build/mistakes/lab04_hangs/course-manifest.json" --flavor student \
  --no-build --deadline 40 --reports "$tmp" >"$tmp/log" 2>&1 || {
  cat "$tmp/log" >&2
  exit 1
}
python3 - "$tmp/report.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
problems = []
for lab in report["labs"]:
    if lab["id"] == "04":
        if lab["stopped_by_deadline"] == 0:
            problems.append("Lab 04 hangs, yet none of its tests was stopped by the deadline")
    elif lab["score"] != lab["max_score"]:
        problems.append("Lab %s scored %s of %s: a hang in Lab 04 cost it"
                        % (lab["id"], lab["score"], lab["max_score"]))
stopped = [t for t in report["tests"] if t["lab"] == "04" and t["verdict"] == "not-run"]
if not all(t["message"].startswith("stopped by the deadline") for t in stopped):
    problems.append("a stopped test does not say 'stopped by the deadline'")
if not any("Where the test was when its time ran out" in t["timeline"] for t in stopped):
    problems.append("the test the deadline stopped does not say where it was")
for p in problems:
    print("deadline shares:", p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
echo "deadline shares: Lab 04 hung; labs 01-03, 05 and 06 graded in full"
