#!/usr/bin/env python3
"""Checks the course's .gitlab-ci.yml: the YAML parses, it follows GitLab's CI syntax for
the keywords it uses (harness/tests/fixtures/platforms/specs/gitlab-ci.schema.json, written
from https://docs.gitlab.com/ci/yaml/), and its job is the one harness/README.md describes:
it installs `scripts/deps.sh grade`'s packages, runs `make grade`, and keeps
build/reports/junit.xml as its JUnit report (artifacts:reports:junit), even when it fails.

  check-gitlab-ci.py FILE                      checks FILE
  check-gitlab-ci.py FILE --print-script JOB   prints the job's script as a bash script: its
                                               variables (unless set already), then its
                                               script lines, for a simulation to run

Exits 1 with one line per problem; 77 (a skip, for ctest) when python3-yaml or
python3-jsonschema is missing (scripts/deps.sh test installs both).
"""
import argparse
import json
import os
import re
import shlex
import sys

try:
    import jsonschema
    import yaml
except ImportError as error:
    print(f"check-gitlab-ci: {error.name} is missing (scripts/deps.sh test installs it)",
          file=sys.stderr)
    sys.exit(77)

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SCHEMA = os.path.join(ROOT, "harness", "tests", "fixtures", "platforms", "specs",
                      "gitlab-ci.schema.json")
JUNIT = "build/reports/junit.xml"
GLOBAL_KEYWORDS = {"default", "include", "stages", "variables", "workflow"}


def lines(value):
    return [value] if isinstance(value, str) else list(value or [])


def grade_packages():
    with open(os.path.join(ROOT, "scripts", "deps.sh"), encoding="utf-8") as f:
        found = re.search(r'^grade_packages="(.*)"$', f.read(), re.M)
    return found.group(1).split() if found else []


def problems_of(config):
    problems = []
    with open(SCHEMA, encoding="utf-8") as f:
        schema = json.load(f)
    for error in jsonschema.Draft202012Validator(schema).iter_errors(config):
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        problems.append(f"{where}: {error.message}")
    if problems:
        return problems
    jobs = {name: job for name, job in config.items()
            if name not in GLOBAL_KEYWORDS and not name.startswith(".")}
    grading = [name for name, job in jobs.items()
               if any(re.match(r"^make grade\b", line) for line in lines(job["script"]))]
    if len(grading) != 1:
        return [f"one job must run `make grade`, found {grading}"]
    job = jobs[grading[0]]
    artifacts = job.get("artifacts", {})
    if lines(artifacts.get("reports", {}).get("junit")) != [JUNIT]:
        problems.append(f"{grading[0]}: artifacts:reports:junit must be {JUNIT}")
    if artifacts.get("when") != "always":
        problems.append(f"{grading[0]}: artifacts:when must be always (the report of a failed "
                        "job is the one a student needs)")
    setup = " ".join(lines(job.get("before_script")))
    if "scripts/deps.sh" not in setup or "apt-get install" not in setup:
        problems.append(f"{grading[0]}: before_script must apt-get install the packages of "
                        "scripts/deps.sh grade")
    if not grade_packages():
        problems.append("scripts/deps.sh has no grade_packages=\"...\" line to install")
    image = job.get("image", "")
    image = image if isinstance(image, str) else image.get("name", "")
    if not re.match(r"^(debian|ubuntu):", image):
        problems.append(f"{grading[0]}: image {image!r} is not Debian or Ubuntu "
                        "(scripts/deps.sh names their packages)")
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--print-script")
    args = parser.parse_args()
    with open(args.file, encoding="utf-8") as f:
        config = yaml.safe_load(f)
    if args.print_script:
        job = config[args.print_script]
        print("set -euo pipefail")
        for name, value in {**config.get("variables", {}), **job.get("variables", {})}.items():
            print(f'[ -n "${{{name}+set}}" ] || export {name}={shlex.quote(str(value))}')
        for line in lines(job["script"]):
            print(line)
        return 0
    problems = problems_of(config)
    for text in problems:
        print(f"{args.file}: {text}", file=sys.stderr)
    print(f"{os.path.basename(args.file)}: " + ("%d problem(s)" % len(problems) if problems
                                                else "valid"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
