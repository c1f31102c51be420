#!/usr/bin/env bash
# grader.hostile_build: submissions that attack the build and the batch, graded by
# `grader batch` (harness/README.md, "The sandbox"). Each hazard is in a lab of its own
# whose dependencies build (a lab's first compile error hides the rest; 02 builds on 01,
# 04 on 03):
#   alice  01 and 03 the reference (for bob to steal, for 02 and 04 to build on);
#          02 #includes ../../solutions/... by a relative path; 04 #includes a file only
#          its owner may read; 05 .incbin of that file; 06 #include "/dev/zero"
#   bob    01 #includes the secret of the compile cache in the work folder (shared by the
#          class; a key made with it picks the object another student's code gets);
#          03 alice's submission;
#          06 #includes a FIFO no one ever writes
#   bella  01 the reference; 05 the stub with a definition of every C library function the
#          test main calls (hostile/submissions/interposes_libc.cpp): integrity for 05 only,
#          her 01 and everyone else graded in full around her
#   carol  `labs` is a symbolic link to alice's; dave: a lab folder links to the solutions
# and checks the verdicts, that no report holds the secret or the solutions' text, and
# that carol and dave are refused, saying why: 0 points, flagged, every report written
# with each test `integrity` and the reason; the batch exits 0 (every student graded). Expected differences without namespaces
# (GRADER_NO_NAMESPACES=1): the solutions, alice's and bob's files are readable to the
# compiler (lab 02 compiles the reference, bob's labs may build), /dev/zero is read
# until the memory limit; and an ordinary user's compile may read that user's own secret
# (then the error is not quoted, and .incbin succeeds). Nothing else changes.
source "$(dirname "$0")/../fixtures/platforms/common.sh"
# Root compiles as nobody: the batch's work folder must be open to others, as build/batch is
# (mktemp made this one private). Without namespaces no view opens the way for nobody.
chmod 755 "$tmp"
# The secret and the FIFO must be where a compile looks (not in a hidden build tree).
outside=$(mktemp -d /var/tmp/hostile-build.XXXXXX)
trap 'rm -rf "$tmp" "$outside"' EXIT
chmod 755 "$outside"
secret_text="HOSTILE-SECRET-$$-$RANDOM"
printf '%s is not C++\n' "$secret_text" >"$outside/secret"
chmod 600 "$outside/secret"
mkfifo -m 644 "$outside/fifo"

subs=$tmp/submissions
work=$tmp/work
slug() { basename "$(ls -d "$SOURCE_DIR/labs/$1-"*)"; }
lab() { mkdir -p "$subs/$1/labs/$(slug "$2")" && echo "$subs/$1/labs/$(slug "$2")"; }

a1=$(lab alice 01) a2=$(lab alice 02) a3=$(lab alice 03) a4=$(lab alice 04) a5=$(lab alice 05)
a6=$(lab alice 06)
cp "$SOURCE_DIR/solutions/$(slug 01)/process.cpp" "$a1/"
cp "$SOURCE_DIR/solutions/$(slug 03)/spawn.cpp" "$a3/"
# From the copy of the lab in the work folder (a slot's, where alice's sources are compiled:
# at the depth of the student's own folder there), the solutions by a relative path.
relative=$("$python" -c 'import os, sys; print(os.path.relpath(sys.argv[1], sys.argv[2]))' \
  "$SOURCE_DIR/solutions/$(slug 02)/hierarchy.cpp" "$work/alice/labs/$(slug 02)")
printf '#include "%s"\n' "$relative" >"$a2/hierarchy.cpp"
printf '#include "%s"\n' "$outside/secret" >"$a4/wait.cpp"
cp "$SOURCE_DIR/labs/$(slug 05)/environment.cpp" "$a5/"
printf 'asm(".incbin \\"%s\\"");\n' "$outside/secret" >>"$a5/environment.cpp"
printf '#include "/dev/zero"\n' >"$a6/progress_bar.cpp"

mkdir -p "$subs/bob"
printf '#include "%s"\n' "$work/.compile-cache/objects/secret" >"$subs/bob/process.cpp"
printf '#include "%s"\n' "$subs/alice/labs/$(slug 03)/spawn.cpp" >"$subs/bob/spawn.cpp"
printf '#include "%s"\n' "$outside/fifo" >"$subs/bob/progress_bar.cpp"

b1=$(lab bella 01) b5=$(lab bella 05)
cp "$SOURCE_DIR/solutions/$(slug 01)/process.cpp" "$b1/"
{
  cat "$SOURCE_DIR/labs/$(slug 05)/environment.cpp"
  grep -v '#include "stub.inc"' "$SOURCE_DIR/harness/tests/hostile/submissions/interposes_libc.cpp"
} >"$b5/environment.cpp"

mkdir -p "$subs/carol" "$subs/dave/labs"
ln -s ../alice/labs "$subs/carol/labs"
ln -s "$SOURCE_DIR/solutions/$(slug 01)" "$subs/dave/labs/$(slug 01)"

status=0
# The compile limit stops the FIFO's compile sooner than the default 120 s, with room for
# a real file compiled on a loaded machine (the reference process.cpp took over 5 s).
"$GRADER" batch --course "$SOURCE_DIR" --submissions "$subs" --jobs 1 --work "$work" \
  --gradebook "$tmp/gradebook.csv" --cmake-arg -DCOURSE_COMPILE_SECONDS=20 \
  --lab 01 --lab 02 --lab 03 --lab 04 --lab 05 --lab 06 || status=$?
cat "$tmp/gradebook.csv"
[ "$status" = 0 ] || fail "grader batch exited $status, expected 0 (two refused: graded with 0)"

"$python" - "$work" "$tmp/gradebook.csv" "$secret_text" "$SOURCE_DIR/solutions" "$(id -u)" <<'PY'
import csv, json, os, sys
work, gradebook, secret, solutions, uid = sys.argv[1:]
root = uid == "0"
rows = {r["student"]: r for r in csv.DictReader(open(gradebook))}
problems = []
def check(ok, what):
    if not ok:
        problems.append(what)

check(rows["carol"]["status"].startswith("refused: labs is a symbolic link"), rows["carol"])
check(rows["dave"]["status"].startswith("refused: labs/01-process is a symbolic link"), rows["dave"])
check("symbolic link" in open(os.path.join(work, "carol", "logs", "submission.log")).read(),
      "carol's log does not say why")
for refused in ("carol", "dave"):
    row = rows[refused]
    check(float(row["total"]) == 0 and row["flagged"].startswith("refused: "), row)
    refused_report = json.load(open(os.path.join(work, refused, "reports", "report.json")))
    check(refused_report["tests"] and all(t["verdict"] == "integrity" and "symbolic link" in
                                          t["message"] for t in refused_report["tests"]),
          "%s's report: %s" % (refused, refused_report["tests"][:1]))
    check(not os.path.exists(os.path.join(work, refused, "logs", "grade.log")),
          "%s was built or graded" % refused)

report = json.load(open(os.path.join(work, "alice", "reports", "report.json")))
isolated = not any("namespaces unavailable" in p for p in report["protections"])
labs = {lab["id"]: lab for lab in report["labs"]}
def error(lab_id):
    return labs[lab_id]["build_error"]
for lab_id in ("01", "03"):
    check(labs[lab_id]["score"] == labs[lab_id]["max_score"] > 0,
          "alice's lab %s (the reference): %s" % (lab_id, error(lab_id)))
if isolated:
    check("No such file or directory" in error("02"), "02, solutions: " + error("02"))
    check("No such file or directory" in error("06"), "06, /dev/zero: " + error("06"))
else:
    check(not labs["06"]["built"], "06, /dev/zero built")
check(not labs["04"]["built"], "04, the secret #included built")
if root:
    check("Permission denied" in error("04"), "04: " + error("04"))
    check(not labs["05"]["built"], "05, the secret .incbin built")
for lab in report["labs"]:
    check(lab["built"] or lab["build_error"], "lab %s has no build error" % lab["id"])

bob = json.load(open(os.path.join(work, "bob", "reports", "report.json")))
bob_labs = {lab["id"]: lab for lab in bob["labs"]}
if isolated:
    for lab_id in ("01", "03"):
        check("No such file or directory" in bob_labs[lab_id]["build_error"],
              "bob's lab %s: %s" % (lab_id, bob_labs[lab_id]["build_error"]))
check("was stopped after 20 s" in bob_labs["06"]["build_error"],
      "bob's 06, the FIFO: " + bob_labs["06"]["build_error"])
check(rows["alice"]["status"] == "graded" and rows["bob"]["status"] == "graded", rows)

bella = json.load(open(os.path.join(work, "bella", "reports", "report.json")))
bella_labs = {lab["id"]: lab for lab in bella["labs"]}
check(rows["bella"]["status"] == "graded", rows["bella"])
check(bella_labs["01"]["score"] == bella_labs["01"]["max_score"] > 0, "bella's 01 (the reference)")
check(bella_labs["05"]["score"] == 0 and bella_labs["05"]["flagged"], "bella's 05 passed unflagged")
check(all(t["verdict"] == "integrity" for t in bella["tests"] if t["lab"] == "05"),
      "bella's 05: not every test integrity")
check(any("defines read," in n["what"] for n in bella_labs["05"]["review"]),
      "bella's 05: the review does not name read")
check("05" in rows["bella"]["flagged"], "bella's row does not flag 05: " + rows["bella"]["flagged"])

# No report of anyone holds the secret or the solutions' text.
quoted = []
for dirpath, _, files in os.walk(solutions):
    for name in files:
        for line in open(os.path.join(dirpath, name), errors="replace"):
            if len(line.strip()) > 40 and not line.strip().startswith("//"):
                quoted.append(line.strip())
                break
for student in rows:
    reports = os.path.join(work, student, "reports")
    for dirpath, _, files in os.walk(reports):
        for name in files:
            text = open(os.path.join(dirpath, name), errors="replace").read()
            check(secret not in text, "%s/%s holds the secret" % (student, name))
            for line in quoted:
                check(line not in text, "%s/%s quotes the solutions: %s" % (student, name, line))
if problems:
    print("\n".join(map(str, problems)))
    sys.exit(1)
print("hostile build: every hazard refused (%s, %s)"
      % ("namespaces" if isolated else "fallback", "root" if root else "user"))
PY
