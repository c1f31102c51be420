#!/usr/bin/env python3
"""Checks that a lab's stub and its solution differ only inside the task bodies.

The code a stub gives the student (a class to read, a helper every task uses) is part of
the contract: the reference solution must hold the very same code, or the student and
the reference would be graded against two different programs. For each file of a lab's
"sources" (lab.json), every definition at namespace scope in the stub (a function, a
class, a variable: from a line starting in column 0 to its closing "}" or "};" in
column 0, as clang-format lays them out) that is not a task (it calls course::todo, or
the comment above it says "TODO: Task N") must appear, line for line, in the solution's
file of the same name.

Usage: check-given-code.py COURSE_ROOT    (exit 1 and a list of what differs)
"""
import json
import pathlib
import sys


def definitions(text):
    """The namespace-scope definitions of @p text: (lines, is_task) for each, a task being
    one that calls course::todo or whose comment above says "TODO: Task"."""
    chunks, current, comment = [], None, []
    for line in text.splitlines():
        line = line.rstrip()
        if current is None:
            if line.startswith("//"):
                comment.append(line)
                continue
            starts = (line and not line[0].isspace() and not line.startswith(("#", "}"))
                      and not line.startswith("namespace") and not line.startswith("using "))
            if not starts:
                comment = []
                continue
            current = [line]
            marked = any("TODO: Task" in c for c in comment)
            comment = []
            if line.endswith(";") and "{" not in line:  # a declaration or a one-line variable
                chunks.append((current, marked))
                current = None
            continue
        current.append(line)
        if line in ("}", "};"):
            task = marked or any("course::todo(" in l for l in current)
            chunks.append((current, task))
            current = None
    return chunks


def main():
    root = pathlib.Path(sys.argv[1])
    problems, checked = [], 0
    for lab_json in sorted(root.glob("labs/[0-9][0-9]-*/lab.json")):
        lab = lab_json.parent
        solution_dir = root / "solutions" / lab.name
        if not solution_dir.is_dir():
            continue
        for source in json.loads(lab_json.read_text())["sources"]:
            stub, solution = lab / source, solution_dir / source
            if not solution.is_file():
                problems.append(f"{solution.relative_to(root)}: missing (the stub has it)")
                continue
            reference = "\n".join(l.rstrip() for l in solution.read_text().splitlines())
            for chunk, task in definitions(stub.read_text()):
                if task:
                    continue  # the student writes it
                checked += 1
                if "\n".join(chunk) not in reference:
                    problems.append(f"{stub.relative_to(root)}: `{chunk[0]}` is given to the "
                                    f"student but differs in (or is missing from) "
                                    f"{solution.relative_to(root)}")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"check-given-code: {len(problems)} given definition(s) differ between a stub "
              "and its solution", file=sys.stderr)
        return 1
    print(f"check-given-code: the {checked} definitions the stubs give are the same in the "
          "solutions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
