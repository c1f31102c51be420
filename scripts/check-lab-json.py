#!/usr/bin/env python3
"""Validates lab.json files against harness/labmeta/lab.schema.json (JSON Schema 2020-12).

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


def problems_of(validator, path):
    try:
        with open(path, encoding="utf-8") as f:
            document = json.load(f)
    except (OSError, ValueError) as error:
        return [f"{path}: not readable JSON: {error}"]
    return [f"{path}: {'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}"
            for e in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))]


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
    failures = 0
    for path in args.files:
        problems = problems_of(validator, path)
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
