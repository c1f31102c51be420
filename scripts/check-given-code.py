#!/usr/bin/env python3
"""Checks that code given to the student exists once, and that a stub and its solution
differ only inside the task bodies.

Code a lab gives the student (a class to read, a helper every task uses) is part of the
contract: the student's lab and the reference must be built with the very same code. So
it lives in the lab's "given" files (lab.json), in labs/NN-topic/ only, and CMake builds
it into both. This checks that
  - each given file exists in the lab's folder and has no copy in solutions/NN-topic/;
  - each stub file (lab.json's "sources") defines nothing but tasks: every definition at
    namespace scope (a function, a class, a variable: from a line starting in column 0 to
    its closing "}" or "};" in column 0, as clang-format lays them out) calls course::todo
    or has "TODO: Task N" in the comment above it. Anything else would be given code in a
    second place, which the solution would have to repeat.

Usage: check-given-code.py COURSE_ROOT    (exit 1 and a list of what is wrong)
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
    problems, given_files, stubs = [], 0, 0
    for lab_json in sorted(root.glob("labs/[0-9][0-9]-*/lab.json")):
        lab = lab_json.parent
        spec = json.loads(lab_json.read_text())
        solution_dir = root / "solutions" / lab.name
        for given in spec.get("given", []):
            given_files += 1
            if not (lab / given).is_file():
                problems.append(f"{(lab / given).relative_to(root)}: missing (lab.json gives it)")
            if (solution_dir / given).exists():
                problems.append(f"{(solution_dir / given).relative_to(root)}: a second copy of "
                                f"code given with the lab (it belongs in {lab.name}/ only)")
        for source in spec["sources"]:
            stubs += 1
            stub = lab / source
            for chunk, task in definitions(stub.read_text()):
                if not task:
                    problems.append(f"{stub.relative_to(root)}: `{chunk[0]}` is not a task: code "
                                    f"given to the student goes in the lab's \"given\" files, "
                                    f"built into the stub and the solution alike")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"check-given-code: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"check-given-code: {stubs} stub files define only tasks; {given_files} given files "
          "exist once, in labs/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
