#!/usr/bin/env bash
# grader.hostile_submissions: each hostile submission (submissions/*.cpp, built by
# CMakeLists.txt into BUILD/hostile/submissions/NAME-FRAMEWORK with a manifest of its own)
# graded by the real grader, with namespaces and in the fallback (GRADER_NO_NAMESPACES=1),
# must get the verdict submissions.json gives it, score 0, and have every report written.
# Usage: hostile_submissions.sh GRADER BUILD_DIR
set -euo pipefail
grader=$1 build=$2
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hostile-submissions.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

status=0
for mode in namespaces fallback; do
  for dir in "$build"/hostile/submissions/*/; do
    name=$(basename "$dir")
    reports=$tmp/$mode/$name
    env_mode=()
    [ "$mode" = fallback ] && env_mode=(env GRADER_NO_NAMESPACES=1)
    if ! "${env_mode[@]}" "$grader" --manifest "$dir/course-manifest.json" --flavor student \
        --no-build --reports "$reports" >"$tmp/$mode-$name.log" 2>&1; then
      echo "hostile submissions: the grader failed on $name ($mode):" >&2
      cat "$tmp/$mode-$name.log" >&2
      status=1
    fi
  done
done

python3 - "$here/submissions.json" "$tmp" <<'PY' || status=1
import json, os, sys
expected, tmp = sys.argv[1:]
problems, checked = [], 0
for item in json.load(open(expected))["submissions"]:
    for framework in item["frameworks"]:
        for mode in ("namespaces", "fallback"):
            where = "%s-%s (%s)" % (item["name"], framework, mode)
            reports = os.path.join(tmp, mode, "%s-%s" % (item["name"], framework))
            missing = [f for f in ("report.json", "results.json", "junit.xml", "summary.md")
                       if not os.path.exists(os.path.join(reports, f))]
            if missing:
                problems.append("%s: no %s" % (where, ", ".join(missing)))
                continue
            checked += 1
            lab = json.load(open(os.path.join(reports, "report.json")))["labs"][0]
            tests = json.load(open(os.path.join(reports, "report.json")))["tests"]
            notes = " | ".join(n["what"] + " " + n.get("text", "") for n in lab["review"])
            if lab["score"] != 0 and not item.get("may_score"):
                problems.append("%s: scored %s" % (where, lab["score"]))
            wrong = [t["name"] + ": " + t["verdict"] for t in tests
                     if item["verdict"] != "any" and t["verdict"] != item["verdict"]]
            if wrong:
                problems.append("%s: expected %s, got %s" % (where, item["verdict"], wrong[:3]))
            if (item["verdict"] == "integrity" or item.get("flagged")) and not lab["flagged"]:
                problems.append("%s: not flagged" % where)
            for word in item.get("names", []):
                if word not in notes:
                    problems.append("%s: the review notes do not name %r: %s" % (where, word, notes[:300]))
            for t in tests:
                if item.get("says") and item["says"] not in t["message"]:
                    problems.append("%s: %s says %r" % (where, t["name"], t["message"][:200]))
print("\n".join(problems) if problems else
      "hostile submissions: %d graded, each as expected (score 0, verdict, flag, names)" % checked)
sys.exit(1 if problems else 0)
PY
exit $status
