#!/usr/bin/env python3
"""Validates lab.json files against harness/labmeta/lab.schema.json (JSON Schema 2020-12),
and checks what a schema cannot say about "uses" (as harness_labmeta does): each use names a
lab among "depends" and this lab's own tasks in "needed_by", once each; and, among the FILEs
checked together, the used lab has the task.

  check-lab-json.py --schema SCHEMA FILE...                  every FILE must be valid
  check-lab-json.py --schema SCHEMA --expect-invalid FILE... every FILE must be rejected

Prints one line per problem (file, where in it, what is wrong) and exits 1 when a valid
file is rejected or an invalid one accepted; 2 when the schema itself is broken or the
python3-jsonschema package (scripts/deps.sh test) is missing.
"""
import argparse
import json
import sys

try:
    import jsonschema
except ImportError:
    print("check-lab-json: python3-jsonschema is not installed (scripts/deps.sh test installs it)",
          file=sys.stderr)
    sys.exit(2)


def read(path):
    """The document at @p path, or the problem reading it."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f), None
    except (OSError, ValueError) as error:
        return None, f"{path}: not readable JSON: {error}"


def uses_problems(path, document, tasks_of):
    """What is wrong with the "uses" of a schema-valid @p document; @p tasks_of maps the ids
    of the labs checked together to their task numbers."""
    problems, seen = [], set()
    own = {task["task"] for task in document["tasks"]}
    for use in document.get("uses", []):
        name = f"Lab {use['lab']} Task {use['task']}"
        if use["lab"] not in document.get("depends", []):
            problems.append(f"{path}: uses: {name}: Lab {use['lab']} is not among depends")
        if (use["lab"], use["task"]) in seen:
            problems.append(f"{path}: uses: {name} is listed twice")
        seen.add((use["lab"], use["task"]))
        for task in use.get("needed_by", []):
            if task not in own:
                problems.append(f"{path}: uses: {name}: needed_by names task {task}, which this "
                                "lab does not have")
        if use["lab"] in tasks_of and use["task"] not in tasks_of[use["lab"]]:
            problems.append(f"{path}: uses: {name}: Lab {use['lab']} has no such task")
    return problems


def problems_of(validator, path, document, tasks_of):
    problems = [f"{path}: {'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}"
                for e in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))]
    return problems or uses_problems(path, document, tasks_of)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--schema", required=True)
    parser.add_argument("--expect-invalid", action="store_true")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    with open(args.schema, encoding="utf-8") as f:
        schema = json.load(f)
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as error:
        print(f"check-lab-json: {args.schema} is not a valid schema: {error.message}", file=sys.stderr)
        return 2
    validator = jsonschema.Draft202012Validator(schema)
    documents, tasks_of = {}, {}
    for path in args.files:
        documents[path] = read(path)
        document = documents[path][0]
        if isinstance(document, dict) and isinstance(document.get("tasks"), list):
            tasks_of[document.get("id")] = {t.get("task") for t in document["tasks"]
                                            if isinstance(t, dict)}
    failures = 0
    for path in args.files:
        document, unreadable = documents[path]
        problems = [unreadable] if unreadable else problems_of(validator, path, document, tasks_of)
        if args.expect_invalid:
            if problems:
                print(f"rejected as expected: {problems[0]}")
            else:
                print(f"{path}: accepted, but it is broken on purpose", file=sys.stderr)
                failures += 1
        else:
            for line in problems:
                print(line, file=sys.stderr)
            failures += bool(problems)
    verdict = "as expected" if not failures else f"{failures} file(s) not as expected"
    print(f"lab.json schema: {len(args.files)} file(s) checked, {verdict}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
