#!/usr/bin/env python3
"""`make new-lab NAME=NN-topic`: starts a lab from a template, in one command.

  new-lab.py NN-topic [--framework gtest|catch2] [--title TITLE]

Copies templates/<framework>-lab/ (default gtest) into the course:
  lab.json, <stem>.hpp, <stem>.cpp, <stem>*_test.cpp   -> labs/NN-topic/
  solution/<stem>.cpp                                  -> solutions/NN-topic/
  lesson.md (when the template has one)                -> lessons/NN-topic.md
where <stem> is the template's file stem (its first "sources" entry) and becomes the
topic in snake_case (09-thread-pools -> thread_pools.hpp). The lab's id, slug,
lesson, title and file names are replaced everywhere; the rest is the template's, to
rewrite (its "depends" and "uses" are empty: a new lab builds on no other until you say). Right after, `make grade-solutions LAB=NN` gives full marks and `make grade
LAB=NN` the baseline (0): ctest platforms.new_lab checks exactly that.
With --grader PATH (the Makefile passes its grader), the new lab then goes through
`grader check all --lab NN` (lab.json, declared tests, stubs, given code: harness/labcheck),
and nothing is left behind when it fails.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fail(message):
    print(f"new-lab: {message}", file=sys.stderr)
    sys.exit(2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help="NN-topic: two digits, a dash, lower-case words joined by dashes")
    parser.add_argument("--framework", default="gtest", choices=["gtest", "catch2"])
    parser.add_argument("--title", help="the lab's title (default: the topic's words)")
    parser.add_argument("--grader", help="a built grader, to check the new lab with")
    args = parser.parse_args()

    match = re.fullmatch(r"([0-9]{2})-([a-z][a-z0-9]*(?:-[a-z0-9]+)*)", args.name)
    if not match:
        fail(f"NAME must look like 09-threads or 09-thread-pools, not {args.name!r}")
    lab_id, topic = match.groups()
    stem = topic.replace("-", "_")
    title = args.title or topic.replace("-", " ").capitalize()

    template = os.path.join(ROOT, "templates", f"{args.framework}-lab")
    if not os.path.isfile(os.path.join(template, "lab.json")):
        fail(f"no template {os.path.relpath(template, ROOT)}/lab.json")
    labs = os.path.join(ROOT, "labs")
    taken = [d for d in os.listdir(labs) if d.startswith(lab_id + "-")]
    if taken:
        fail(f"lab {lab_id} exists already: labs/{taken[0]}")
    lab_dir = os.path.join(labs, args.name)
    solution_dir = os.path.join(ROOT, "solutions", args.name)
    lesson_file = os.path.join(ROOT, "lessons", args.name + ".md")
    for path in (solution_dir, lesson_file):
        if os.path.exists(path):
            fail(f"{os.path.relpath(path, ROOT)} exists already")

    with open(os.path.join(template, "lab.json"), encoding="utf-8") as f:
        meta = json.load(f)
    old_id = meta["id"]
    old_stem = os.path.splitext(meta["sources"][0])[0]
    old_slug = os.path.splitext(meta["lesson"])[0]

    def rename(text):
        """The template's id, slug, lesson and file names, made this lab's."""
        if old_slug.startswith(old_id + "-"):  # the template's own lesson, not a real one
            text = text.replace(old_slug, args.name)
        text = re.sub(r"\bLab " + old_id + r"\b", "Lab " + lab_id, text)
        text = re.sub(r"\bLAB=" + old_id + r"\b", "LAB=" + lab_id, text)
        text = re.sub(r"^# " + old_id + " ", "# " + lab_id + " ", text, flags=re.M)
        return re.sub(r"\b" + re.escape(old_stem) + r"(?=(_hidden_test|_test)?\.(hpp|cpp)\b)",
                      stem, text)

    def copy(source, destination):
        with open(source, encoding="utf-8") as f:
            text = rename(f.read())
        if os.path.basename(source) == "lab.json":
            text = re.sub(r'"id": *"' + old_id + '"', f'"id": "{lab_id}"', text, count=1)
            text = re.sub(r'"title": *"[^"]*"', lambda _: '"title": ' + json.dumps(title), text,
                          count=1)
            text = re.sub(r'"lesson": *"[^"]*"', f'"lesson": "{args.name}.md"', text, count=1)
            json.loads(text)  # still JSON
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        with open(destination, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"new-lab: wrote {os.path.relpath(destination, ROOT)}")

    made = []

    def remove_made():
        """Leaves nothing half-made behind."""
        for path in made:
            if os.path.isdir(path):
                shutil.rmtree(path)
            elif os.path.exists(path):
                os.remove(path)

    try:
        for entry in sorted(os.listdir(template)):
            source = os.path.join(template, entry)
            if entry == "solution":
                made.append(solution_dir)
                for file in sorted(os.listdir(source)):
                    copy(os.path.join(source, file), os.path.join(solution_dir, rename(file)))
            elif entry == "lesson.md":
                made.append(lesson_file)
                copy(source, lesson_file)
            elif os.path.isfile(source) and entry != "README.md":
                if lab_dir not in made:
                    made.append(lab_dir)
                copy(source, os.path.join(lab_dir, rename(entry)))
    except Exception:
        remove_made()
        raise
    if args.grader and os.path.isfile(args.grader):
        check = [args.grader, "check", "all", "--root", ROOT, "--lab", lab_id]
        if subprocess.run(check).returncode != 0:
            remove_made()
            fail(f"the new lab fails `grader check all` (above), so it was removed: fix "
                 f"templates/{args.framework}-lab")
    else:
        print(f"new-lab: once the grader is built (make), `build/bin/grader check all --lab "
              f"{lab_id}` checks the lab's lab.json, tests, stubs and given code")
    print(f"new-lab: lab {lab_id} ({args.name}) is ready: make grade-solutions LAB={lab_id} gives "
          f"full marks, make grade LAB={lab_id} the stub's 0. Now make it teach something.")
    print("new-lab: if it builds on other labs, name them in lab.json's \"depends\" and the "
          "tasks of theirs it calls in \"uses\"; scripts/check-builds-on.py . --fix then "
          "writes its lesson's \"Builds on\" line (CONTRIBUTING.md, \"lab.json\")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
