#!/usr/bin/env python3
"""Checks a grader reports folder against each platform's schema, with Python's own parsers.

  check-results.py --reports DIR [--expect-score N | --expect-full] [--lab-json FILE ...]
  check-results.py --gradescope-only FILE [...]

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
- --lab-json: every test a lab.json lists appears, once, in results.json.
Exits 1 with one line per problem.
"""
import argparse
import json
import os
import sys
import re
import xml.etree.ElementTree as ET

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
    root = ET.parse(path).getroot()
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
    args = parser.parse_args()
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
        check_report(os.path.join(args.reports, "report.json"))
    for text in problems:
        print(text, file=sys.stderr)
    print("reports: " + ("%d problem(s)" % len(problems) if problems else "valid"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
