#!/usr/bin/python3
"""Checks `proc ps --json` against psutil, field by field, for every process.

Usage: compare_ps_with_psutil.py PATH/TO/proc-ref

Runs `proc-ref ps --json`, then asks psutil about the same PIDs. A process that ended
in between, or whose PID now belongs to a newer process (different start time), is
skipped. Every other field must agree: create_time within 0.01 s, the rest exactly
(exe is not compared where proc reports null for AccessDenied, since psutil then
guesses it from the command line). Exits 0 when all agree, 1 with one line per
disagreement, 77 (ctest's skip code here) when psutil is missing.
"""
import json
import os
import subprocess
import sys

try:
    import psutil
except ImportError:
    print("SKIP: psutil is not installed for %s" % sys.executable)
    sys.exit(77)

FIELDS = ("ppid", "name", "status", "exe", "cmdline")


def psutil_view(pid):
    """psutil's fields for pid, or None if the process has gone."""
    try:
        p = psutil.Process(pid)
        with p.oneshot():
            view = {f: getattr(p, f)() for f in FIELDS if f != "exe"}
            view["create_time"] = p.create_time()
            try:
                view["exe"] = p.exe()
            except psutil.AccessDenied:
                view["exe"] = None
        return view
    except psutil.NoSuchProcess:
        return None


def disagreements(mine, theirs):
    """The fields where proc's row and psutil's view of one process differ."""
    found = []
    for field in FIELDS:
        if field == "exe" and mine["exe"] is None:
            continue
        if mine[field] != theirs[field]:
            found.append("%s: proc says %r, psutil says %r" % (field, mine[field], theirs[field]))
    return found


def run_ps(proc, *args):
    out = subprocess.run([proc, "ps", "--json", *args], capture_output=True, text=True).stdout
    return json.loads(out) if out.strip() else []


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    proc = sys.argv[1]
    compared, problems = 0, []
    for mine in run_ps(proc):
        pid = mine["pid"]
        if pid == os.getpid():
            continue  # proc saw this script waiting for it; psutil would see it running
        theirs = psutil_view(pid)
        if theirs is None or abs(theirs["create_time"] - mine["create_time"]) > 0.01:
            continue  # ended, or the PID was reused: not the same process any more
        compared += 1
        found = disagreements(mine, theirs)
        # Status (and, rarely, parent or name) change while we look: a busy process
        # flips between running and sleeping. Ask both again, back to back, a few
        # times; a real disagreement persists.
        for _ in range(5):
            if not found:
                break
            again = run_ps(proc, "--pid", str(pid))
            theirs = psutil_view(pid)
            if not again or theirs is None:
                found = []  # it ended meanwhile
                break
            found = disagreements(again[0], theirs)
        problems += ["PID %d %s" % (pid, line) for line in found]
    for line in problems:
        print(line)
    print("%d processes compared, %d disagreements" % (compared, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
