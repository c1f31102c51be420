#!/usr/bin/env python3
"""Checks a grader reports folder against each platform's schema, with Python's own parsers.

  check-results.py --reports DIR [--expect-score N | --expect-full] [--lab-json FILE ...]
                   [--autolab-stdout FILE] [--expect-gradable yes|no]
  check-results.py --gradescope-only FILE [...]
  check-results.py --specs      (the schemas accept the specifications' own examples)

- results.json: Gradescope's autograder output (gradescope-autograders.readthedocs.io,
  "Autograder Specifications"): score, execution_time, output, visibility,
  stdout_visibility, tests[] with score, max_score, name, number, output, visibility, status.
- junit.xml: testsuites/testsuite/testcase, each testcase with at most one of
  failure|error|skipped; counts that add up; only the elements and attributes of Jenkins'
  JUnit schema (junit-10.xsd, JUNIT_SCHEMA below); times with at most 3 decimals.
- classroom.json, classroom-NN.json: GitHub Classroom's runner result (version, status,
  max_score, tests[]), for the whole run and per lab.
- report.json: each lab's score and max_score the sums of its tests', the run's the sums of
  the labs'.
- Points everywhere are hundredths (at most 2 decimals), and where a platform adds the parts
  up (Gradescope's tests, Classroom's tests), they make the total shown, to the hundredth.
- junit.xml, for GitLab's unit test reports (docs.gitlab.com/ci/testing/unit_test_reports/):
  under 30 MB, each (classname, name) once (GitLab keeps only the first of a duplicate).
- prairielearn.json: PrairieLearn's external grading results.json, against
  harness/tests/fixtures/platforms/specs/prairielearn-results.schema.json (written from its
  specification), at most 1 MB; its score the tests' points over their maximum.
- autolab.json: Autolab's autoresult, against specs/autolab-autoresult.schema.json; each
  lab's score report.json's, the scoreboard's first column their total. With
  --autolab-stdout, the last line of that file (what `grader --autolab` printed) is that
  autoresult and the line before it the formatted feedback (specs/autolab-feedback.schema.json).
- --lab-json: every test a lab.json lists appears, once, in results.json.
Exits 1 with one line per problem.
"""
import argparse
import json
import os
import sys
import re
import xml.etree.ElementTree as ET

SPECS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "harness", "tests",
                     "fixtures", "platforms", "specs")

VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}
OUTPUT_FORMATS = {"text", "html", "simple_format", "md", "ansi"}
problems = []


def problem(text):
    problems.append(text)


def cents(value):
    """@p value in whole hundredths."""
    return round(value * 100)


def check_points(path, where, value):
    """A score or maximum: a number with at most 2 decimals (harness/README.md, "Reports")."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        problem(f"{path}: {where}: {value!r} is not a number")
    elif abs(value * 100 - round(value * 100)) > 1e-6:
        problem(f"{path}: {where}: {value!r} is not in hundredths")


def check_gradescope(path, expect_score, expect_full):
    with open(path, encoding="utf-8") as f:
        results = json.load(f)
    for key, kind in [("score", (int, float)), ("execution_time", int), ("output", str),
                      ("visibility", str), ("stdout_visibility", str), ("tests", list)]:
        if not isinstance(results.get(key), kind):
            problem(f"{path}: top-level {key!r} missing or not {kind}")
    if results.get("output_format", "text") not in OUTPUT_FORMATS:
        problem(f"{path}: output_format {results.get('output_format')!r} is not one of "
                f"{sorted(OUTPUT_FORMATS)}")
    for key in ("visibility", "stdout_visibility"):
        if results.get(key) not in VISIBILITY:
            problem(f"{path}: {key} {results.get(key)!r} is not one of {sorted(VISIBILITY)}")
    total = max_total = 0
    for test in results.get("tests", []):
        for key, kind in [("score", (int, float)), ("max_score", (int, float)), ("name", str),
                          ("number", str), ("output", str), ("visibility", str), ("status", str)]:
            if not isinstance(test.get(key), kind):
                problem(f"{path}: test {test.get('name')!r}: {key!r} missing or not {kind}")
        if test.get("visibility") not in VISIBILITY:
            problem(f"{path}: test {test.get('name')!r}: bad visibility")
        if test.get("output_format", "text") not in OUTPUT_FORMATS:
            problem(f"{path}: test {test.get('name')!r}: bad output_format")
        if test.get("status") not in ("passed", "failed"):
            problem(f"{path}: test {test.get('name')!r}: status must be passed or failed")
        check_points(path, f"test {test.get('name')!r} score", test.get("score"))
        check_points(path, f"test {test.get('name')!r} max_score", test.get("max_score"))
        total += test.get("score", 0)
        max_total += test.get("max_score", 0)
    check_points(path, "score", results.get("score"))
    if cents(total) != cents(results.get("score", -1)):
        problem(f"{path}: score {results.get('score')} is not the sum of the tests' ({total})")
    if expect_score is not None and abs(results.get("score", -1) - expect_score) > 1e-9:
        problem(f"{path}: score {results.get('score')}, expected {expect_score}")
    if expect_full and (max_total == 0 or abs(total - max_total) > 1e-9):
        problem(f"{path}: score {total} is not full marks ({max_total})")
    return results


# Jenkins' JUnit schema (xunit-plugin junit-10.xsd): each element's attributes and children.
JUNIT_SCHEMA = {
    "testsuites": ({"name", "time", "tests", "failures", "disabled", "errors"}, {"testsuite"}),
    "testsuite": ({"name", "tests", "failures", "errors", "time", "disabled", "skipped",
                   "timestamp", "hostname", "id", "package", "file", "log", "url", "version"},
                  {"properties", "testcase", "system-out", "system-err"}),
    "properties": (set(), {"property"}),
    "property": ({"name", "value"}, set()),
    "testcase": ({"name", "assertions", "time", "classname", "status"},
                 {"skipped", "error", "failure", "system-out", "system-err"}),
    "skipped": ({"message"}, set()),
    "error": ({"message", "type"}, set()),
    "failure": ({"message", "type"}, set()),
    "system-out": (set(), set()),
    "system-err": (set(), set()),
}
JUNIT_TIME = re.compile(r"^[0-9]+(\.[0-9]{1,3})?$")
JUNIT_COUNTS = ("tests", "failures", "errors", "skipped", "disabled")


def check_junit_schema(path, element):
    attributes, children = JUNIT_SCHEMA.get(element.tag, (None, None))
    if attributes is None:
        problem(f"{path}: <{element.tag}> is not in the JUnit schema")
        return
    for name, value in element.attrib.items():
        if name not in attributes:
            problem(f"{path}: <{element.tag}> has attribute {name!r}, unknown to the schema")
        elif name == "time" and not JUNIT_TIME.match(value):
            problem(f"{path}: <{element.tag}> time={value!r}: not seconds with <= 3 decimals")
        elif name in JUNIT_COUNTS and not value.isdigit():
            problem(f"{path}: <{element.tag}> {name}={value!r} is not a count")
    for child in element:
        if child.tag not in children:
            problem(f"{path}: <{child.tag}> is not allowed in <{element.tag}>")
        check_junit_schema(path, child)


def check_junit(path):
    if os.path.getsize(path) >= 30 * 1024 * 1024:
        problem(f"{path}: 30 MB or more: GitLab refuses a JUnit report that large")
    root = ET.parse(path).getroot()
    keys = [(case.get("classname"), case.get("name")) for case in root.iter("testcase")]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        problem(f"{path}: testcase {key} appears more than once: GitLab would keep the first")
    check_junit_schema(path, root)
    if root.tag != "testsuites":
        problem(f"{path}: root is <{root.tag}>, not <testsuites>")
    count = 0
    for suite in root:
        if suite.tag != "testsuite":
            problem(f"{path}: <{suite.tag}> under <testsuites>")
            continue
        cases = suite.findall("testcase")
        count += len(cases)
        seen = {"failure": 0, "error": 0, "skipped": 0}
        for case in cases:
            for attribute in ("classname", "name", "time"):
                if attribute not in case.attrib:
                    problem(f"{path}: testcase without {attribute}")
            outcomes = [child.tag for child in case if child.tag in seen]
            if len(outcomes) > 1:
                problem(f"{path}: testcase {case.get('name')} has {outcomes}")
            for tag in outcomes:
                seen[tag] += 1
            for child in case:
                if child.tag not in ("failure", "error", "skipped", "system-out", "system-err"):
                    problem(f"{path}: unexpected <{child.tag}> in a testcase")
        expected = {"tests": len(cases), "failures": seen["failure"], "errors": seen["error"],
                    "skipped": seen["skipped"]}
        for attribute, value in expected.items():
            if suite.get(attribute) != str(value):
                problem(f"{path}: suite {suite.get('name')!r}: {attribute}="
                        f"{suite.get(attribute)}, counted {value}")
    if root.get("tests") != str(count):
        problem(f"{path}: testsuites tests={root.get('tests')}, counted {count}")


def check_classroom(path):
    with open(path, encoding="utf-8") as f:
        result = json.load(f)
    if result.get("version") != 1 or result.get("status") not in ("pass", "fail", "error"):
        problem(f"{path}: version must be 1 and status pass|fail|error")
    check_points(path, "max_score", result.get("max_score"))
    for test in result.get("tests", []):
        check_points(path, f"test {test.get('name')!r} score", test.get("score"))
        for key in ("name", "status", "score", "message", "test_code", "filename", "line_no",
                    "duration"):
            if key not in test:
                problem(f"{path}: test {test.get('name')!r} lacks {key!r}")
        if test.get("status") not in ("pass", "fail", "error"):
            problem(f"{path}: test {test.get('name')!r}: bad status")


def check_report(path):
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
    for lab in report.get("labs", []):
        tests = [t for t in report.get("tests", []) if t.get("lab") == lab.get("id")]
        counted = [t for t in tests if t.get("verdict") != "skipped"]
        for key, parts in (("score", [t["score"] for t in tests]),
                           ("max_score", [t["max_score"] for t in counted])):
            for value in parts:
                check_points(path, f"a test of lab {lab.get('id')}: {key}", value)
            check_points(path, f"lab {lab.get('id')} {key}", lab.get(key))
            if cents(sum(parts)) != cents(lab.get(key, -1)):
                problem(f"{path}: lab {lab.get('id')} {key} {lab.get(key)} is not the sum of "
                        f"its tests' ({sum(parts)})")
    for key in ("score", "max_score"):
        check_points(path, key, report.get(key))
        if cents(sum(lab.get(key, 0) for lab in report.get("labs", []))) != cents(report.get(key, -1)):
            problem(f"{path}: {key} {report.get(key)} is not the sum of the labs'")
    return report


def validate(path, document, schema_name):
    """Validates @p document against specs/@p schema_name; False when it is not valid."""
    try:
        import jsonschema
    except ImportError:
        problem(f"{path}: python3-jsonschema is not installed (scripts/deps.sh test installs it)")
        return False
    with open(os.path.join(SPECS, schema_name), encoding="utf-8") as f:
        schema = json.load(f)
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(document))
    for error in errors:
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        problem(f"{path}: {where}: {error.message} ({schema_name})")
    return not errors


def check_prairielearn(path, expect_gradable):
    if os.path.getsize(path) > 1000 * 1000:
        problem(f"{path}: more than 1 MB, PrairieLearn's limit")
    with open(path, encoding="utf-8") as f:
        results = json.load(f)
    if not validate(path, results, "prairielearn-results.schema.json"):
        return
    gradable = results.get("gradable", True)
    if expect_gradable is not None and gradable != (expect_gradable == "yes"):
        problem(f"{path}: gradable is {gradable}, expected {expect_gradable}")
    if not gradable and not results.get("format_errors"):
        problem(f"{path}: not gradable, and no format_errors say why")
    points = sum(t.get("points", 0) for t in results.get("tests", []))
    max_points = sum(t.get("max_points", 0) for t in results.get("tests", []))
    for test in results.get("tests", []):
        check_points(path, f"test {test['name']!r} points", test.get("points"))
        check_points(path, f"test {test['name']!r} max_points", test.get("max_points"))
        if test.get("points", 0) > test.get("max_points", 0):
            problem(f"{path}: test {test['name']!r} has more points than its max_points")
    if gradable:
        expected = points / max_points if max_points else 0
        if abs(results["score"] - expected) > 1e-9:
            problem(f"{path}: score {results['score']} is not the tests' {points} / {max_points}")


def check_autolab(path, report, stdout_path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if text.count("\n") != 1 or not text.endswith("\n"):
        problem(f"{path}: the autoresult must be one line")
    autoresult = json.loads(text)
    if not validate(path, autoresult, "autolab-autoresult.schema.json"):
        return
    labs = {f"Lab {lab['id']}": lab["score"] for lab in report.get("labs", [])}
    if autoresult["scores"] != labs:
        problem(f"{path}: scores {autoresult['scores']} are not report.json's labs' {labs}")
    for name, value in autoresult["scores"].items():
        check_points(path, f"problem {name!r}", value)
    board = autoresult.get("scoreboard", [])
    if not board or cents(board[0]) != cents(sum(autoresult["scores"].values())):
        problem(f"{path}: the scoreboard's first column {board[:1]} is not the total")
    if stdout_path:
        with open(stdout_path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        if len(lines) < 2 or lines[-1] != text.rstrip("\n"):
            problem(f"{stdout_path}: its last line is not {path}'s autoresult")
            return
        feedback = json.loads(lines[-2])
        if validate(stdout_path, feedback, "autolab-feedback.schema.json"):
            missing = [s for s in feedback["stages"] if s not in feedback]
            if missing or len(feedback["stages"]) != len(labs):
                problem(f"{stdout_path}: feedback stages {feedback['stages']}: one per lab, each "
                        f"with its tests (missing: {missing})")


def check_specs():
    """The schemas accept the specifications' own examples (specs/samples/)."""
    samples = os.path.join(SPECS, "samples")
    for name, schema in (("prairielearn-results.json", "prairielearn-results.schema.json"),
                         ("autolab-autoresult.json", "autolab-autoresult.schema.json"),
                         ("autolab-feedback.json", "autolab-feedback.schema.json")):
        with open(os.path.join(samples, name), encoding="utf-8") as f:
            validate(os.path.join(samples, name), json.load(f), schema)


def check_lab_tests(results, lab_json_paths):
    names = [t.get("name", "") for t in results.get("tests", [])]
    for path in lab_json_paths:
        with open(path, encoding="utf-8") as f:
            lab = json.load(f)
        for task in lab.get("tasks", []):
            for entry in task.get("tests", []):
                name = entry if isinstance(entry, str) else entry["name"]
                wanted = f"Lab {lab['id']} · {name}"
                if names.count(wanted) != 1:
                    problem(f"results.json: {wanted!r} appears {names.count(wanted)} times")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports")
    parser.add_argument("--gradescope-only", nargs="*", default=[])
    parser.add_argument("--expect-score", type=float)
    parser.add_argument("--expect-full", action="store_true")
    parser.add_argument("--lab-json", nargs="*", default=[])
    parser.add_argument("--autolab-stdout")
    parser.add_argument("--expect-gradable", choices=("yes", "no"))
    parser.add_argument("--specs", action="store_true")
    args = parser.parse_args()
    if args.specs:
        check_specs()
    for path in args.gradescope_only:
        results = check_gradescope(path, args.expect_score, args.expect_full)
        check_lab_tests(results, args.lab_json)
    if args.reports:
        results = check_gradescope(os.path.join(args.reports, "results.json"),
                                   args.expect_score, args.expect_full)
        check_lab_tests(results, args.lab_json)
        check_junit(os.path.join(args.reports, "junit.xml"))
        for name in sorted(os.listdir(args.reports)):
            if name.startswith("classroom") and name.endswith(".json"):
                check_classroom(os.path.join(args.reports, name))
        report = check_report(os.path.join(args.reports, "report.json"))
        check_prairielearn(os.path.join(args.reports, "prairielearn.json"), args.expect_gradable)
        check_autolab(os.path.join(args.reports, "autolab.json"), report, args.autolab_stdout)
    for text in problems:
        print(text, file=sys.stderr)
    print("reports: " + ("%d problem(s)" % len(problems) if problems else "valid"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
