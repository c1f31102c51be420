#!/usr/bin/env python3
"""Checks that the grader's parts include one another only downwards.

The grader (harness/grader/) is one folder per part, each a library that may use only the
parts below it (harness/README.md, "Theory of operation"):

    spec < sandbox < compile < results < grade < reports < batch < the command line

The command line is the files at the top of the folder. This reads every #include of every
.hpp and .cpp under GRADER_DIR and reports, one per line:

  - an upward include: a file of a part that includes a header of a higher part;
  - a cycle between parts (which an upward include always makes; said apart, as a cycle);
  - a bare include of a grader header (`#include "view.hpp"`): the harness's one header
    convention is the part's folder first (`#include "sandbox/view.hpp"`);
  - a folder that is no part of the order above (a new part must be given its place).

Usage: check-grader-layers.py GRADER_DIR [--expect FINDING ...]

Exit 0 when nothing is found, 1 when something is, 2 when GRADER_DIR holds no grader.
With --expect, the check is of a fixture with planted faults (harness/tests/fixtures/
grader_layers/): exit 0 only when each FINDING is a substring of some finding, so that
`ctest -R grader.layers` proves the check can fail.
"""
import argparse
import pathlib
import re
import sys

LAYERS = ["spec", "sandbox", "compile", "results", "grade", "reports", "batch"]
CLI = "(command line)"
INCLUDE = re.compile(r'^\s*#\s*include\s*["<]([^">]+)[">]', re.MULTILINE)


def part_of(path: pathlib.Path, root: pathlib.Path) -> str:
    relative = path.relative_to(root)
    return relative.parts[0] if len(relative.parts) > 1 else CLI


def rank(part: str) -> int:
    return len(LAYERS) if part == CLI else LAYERS.index(part)


def find_cycles(edges: dict) -> list:
    """Every elementary cycle's first discovery, by depth-first search from each part."""
    cycles, seen = [], set()

    def walk(node, path):
        for nxt in sorted(edges.get(node, ())):
            if nxt in path:
                cycle = path[path.index(nxt):] + [nxt]
                key = frozenset(cycle)
                if key not in seen:
                    seen.add(key)
                    cycles.append(cycle)
            else:
                walk(nxt, path + [nxt])

    for start in sorted(edges):
        walk(start, [start])
    return cycles


def check(root: pathlib.Path) -> tuple:
    files = sorted(p for p in root.rglob("*") if p.suffix in (".hpp", ".cpp"))
    headers = {p.relative_to(root).as_posix() for p in files if p.suffix == ".hpp"}
    bare_names = {pathlib.PurePosixPath(h).name: h for h in headers}
    folders = {p.name for p in root.iterdir() if p.is_dir()}
    findings, edges, count = [], {}, 0
    for folder in sorted(folders - set(LAYERS)):
        findings.append(f"unknown part: {folder}/ has no place in the order {' < '.join(LAYERS)}")
    for path in files:
        source = path.relative_to(root).as_posix()
        part = part_of(path, root)
        if part not in LAYERS and part != CLI:
            continue
        for included in INCLUDE.findall(path.read_text(errors="replace")):
            count += 1
            first = included.split("/")[0]
            if "/" not in included and included in bare_names:
                findings.append(f"bare include: {source} includes \"{included}\", not "
                                f"\"{bare_names[included]}\"")
                continue
            if first not in LAYERS or included not in headers:
                continue  # not a grader header (the C++ library, course/, hsys/, ...)
            if first == part:
                continue
            edges.setdefault(part, set()).add(first)
            if rank(first) > rank(part):
                findings.append(f"upward include: {source} ({part}) includes {included} "
                                f"({first}, a higher part)")
    for cycle in find_cycles(edges):
        findings.append("cycle between parts: " + " -> ".join(cycle))
    return findings, edges, len(files), count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("grader_dir", type=pathlib.Path)
    parser.add_argument("--expect", action="append", default=[],
                        help="a finding the planted fixture must give (repeatable)")
    args = parser.parse_args()
    root = args.grader_dir.resolve()
    if not root.is_dir():
        print(f"check-grader-layers: {root}: not a folder", file=sys.stderr)
        return 2
    findings, edges, files, includes = check(root)
    if files == 0 or includes == 0:
        print(f"check-grader-layers: no source or no #include under {root}", file=sys.stderr)
        return 2
    for finding in findings:
        print(finding)
    print(f"{files} files, {includes} includes; parts used: " +
          "; ".join(f"{p} -> {', '.join(sorted(d, key=rank))}"
                    for p, d in sorted(edges.items(), key=lambda e: rank(e[0]))))
    if args.expect:
        missing = [e for e in args.expect if not any(e in f for f in findings)]
        for expected in missing:
            print(f"NOT FOUND (the check missed a planted fault): {expected}")
        return 1 if missing else 0
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
