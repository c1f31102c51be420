#!/usr/bin/env python3
"""Checks that the README's table of labs and each lesson's opening say what its lab builds
on, as the lab's lab.json declares it ("uses": which tasks of which other labs it calls).

  check-builds-on.py COURSE_ROOT          exit 1 and a list of what differs
  check-builds-on.py COURSE_ROOT --fix    rewrite what differs

For a lab that uses tasks of other labs, its lesson has, right under its title, one line

  > **Builds on** [Lab 03](03-spawn.md): [Task 1](03-spawn.md#posix_spawn-in-c) (spawn), ...

and its row of the README's table ends with "Lab 03: Tasks 1, 2" in the "Builds on" column.
A lab that uses none has no such line, and "—" in the table.
"""
import json
import pathlib
import re
import sys

MARK = "> **Builds on** "


def load_labs(root):
    labs = {}
    for path in sorted(root.glob("labs/[0-9][0-9]-*/lab.json")):
        lab = json.loads(path.read_text(encoding="utf-8"))
        labs[lab["id"]] = lab
    return labs


def uses_by_lab(lab):
    """The lab's uses grouped by the lab they name, in lab order: [(id, [use, ...])]."""
    grouped = {}
    for use in lab.get("uses", []):
        grouped.setdefault(use["lab"], []).append(use)
    return [(lab_id, sorted(uses, key=lambda u: u["task"])) for lab_id, uses in sorted(grouped.items())]


def lesson_line(lab, labs):
    """The lesson's "Builds on" line for @p lab, or None when it uses no other lab."""
    parts = []
    for lab_id, uses in uses_by_lab(lab):
        other = labs[lab_id]
        sections = {task["task"]: task["section"] for task in other["tasks"]}
        tasks = ", ".join(f"[Task {u['task']}]({other['lesson']}#{sections[u['task']]}) ({u['what']})"
                          for u in uses)
        parts.append(f"[Lab {lab_id}]({other['lesson']}): {tasks}")
    return MARK + "; ".join(parts) + "." if parts else None


def table_cell(lab):
    """The README table's "Builds on" cell for @p lab."""
    parts = []
    for lab_id, uses in uses_by_lab(lab):
        numbers = [str(u["task"]) for u in uses]
        parts.append(f"Lab {lab_id}: Task{'s' if len(numbers) > 1 else ''} {', '.join(numbers)}")
    return "; ".join(parts) or "—"


def check_lesson(root, lab, labs, fix, problems):
    path = root / "lessons" / lab["lesson"]
    lines = path.read_text(encoding="utf-8").split("\n")
    wanted = lesson_line(lab, labs)
    # The title, a blank line, then the "Builds on" line and a blank line when there is one.
    has = len(lines) > 3 and lines[2].startswith(MARK)
    current = lines[2] if has else None
    if current == wanted:
        return
    name = path.relative_to(root)
    if wanted:
        problems.append(f"{name}: line 3 should be {wanted!r}")
    else:
        problems.append(f"{name}: line 3 should go (Lab {lab['id']} uses no other lab)")
    if not fix:
        return
    if has:
        del lines[2:4]
    if wanted:
        lines[2:2] = [wanted, ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def check_readme(root, labs, fix, problems):
    path = root / "README.md"
    lines = path.read_text(encoding="utf-8").split("\n")
    header = next((i for i, line in enumerate(lines) if line.startswith("| # | Lesson | Lab |")), None)
    if header is None:
        problems.append("README.md: no table of labs (a line starting '| # | Lesson | Lab |')")
        return
    if not lines[header].rstrip().endswith("| Builds on |"):
        problems.append("README.md: the table of labs has no last column \"Builds on\"")
        return
    changed = False
    for i in range(header + 2, len(lines)):
        match = re.match(r"\| ([0-9]{2}) \|", lines[i])
        if not match:
            break
        cells = lines[i].split(" | ")
        lab = labs.get(match.group(1))
        wanted = table_cell(lab) if lab else "—"
        if cells[-1].rstrip(" |") != wanted:
            problems.append(f"README.md: the row of {match.group(1)} should end with {wanted!r}")
            cells[-1] = wanted + " |"
            lines[i] = " | ".join(cells)
            changed = True
    if fix and changed:
        path.write_text("\n".join(lines), encoding="utf-8")


def main():
    root = pathlib.Path(sys.argv[1])
    fix = "--fix" in sys.argv[2:]
    labs = load_labs(root)
    problems = []
    for lab in labs.values():
        if (root / "lessons" / lab["lesson"]).is_file():
            check_lesson(root, lab, labs, fix, problems)
    check_readme(root, labs, fix, problems)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems and not fix:
        print(f"check-builds-on: {len(problems)} difference(s) (--fix rewrites them)",
              file=sys.stderr)
        return 1
    print(f"check-builds-on: the README and {len(labs)} lessons say what each lab builds on"
          + (f" ({len(problems)} fixed)" if problems else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
