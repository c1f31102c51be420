"""What the batch benchmarks print: medians of rounds with their spread, and where a
student's time goes (from `grader batch`'s <work>/timings.json, harness/grader/timings.hpp).

  batch_summary.py distinct WORK ROUND:SECONDS...
      the seconds per student of each round (ROUND is its number: WORK/round-ROUND holds
      its timings.json and gradebook.csv); prints their median and spread, and the
      breakdown of the median round.
  batch_summary.py ratio ROUND:BEFORE:NOW...
      the seconds per student, before and now, of each round (run interleaved); prints
      each one's median, and the median and spread of the rounds' ratios before / now.
  batch_summary.py scores GRADEBOOK
      each student's total out of the maximum.
"""
import csv
import json
import statistics
import sys


def spread(values, unit):
    """'median (min .. max of N rounds)', the figure every benchmark of the course prints."""
    return (f"{statistics.median(values):.2f}{unit} (min {min(values):.2f}{unit}, "
            f"max {max(values):.2f}{unit}, {len(values)} round{'s' if len(values) > 1 else ''})")


def median_round(rounds):
    """The (round, value) pair whose value is the median (the lower one for an even count)."""
    ordered = sorted(rounds, key=lambda pair: pair[1])
    return ordered[(len(ordered) - 1) // 2]


def breakdown(timings_path):
    """Lines saying where each student's own time went, on average over the class: wall
    seconds, and CPU seconds (user and system, with the processes waited for) where the
    grader measures them, which the machine's other load does not inflate."""
    with open(timings_path) as f:
        phases = json.load(f)

    def per(name, key="seconds"):
        return phases.get(name, {}).get(key, 0.0) / n

    def count(name):
        return phases.get(name, {}).get("count", 0)

    n = count("student")
    if n == 0:
        return ["(no student was timed: see the batch's log)"]

    def line(indent, name, what, cpu=True, wall=None):
        wall = per(name) if wall is None else wall
        cpu_text = f"{per(name, 'cpu_seconds'):6.2f}" if cpu else "      "
        return f"  {wall:6.2f} {cpu_text}  {'  ' * indent}{what}"

    build, compile_, link = per("build"), per("compile"), per("link")
    tests, programs = per("tests"), per("test programs")
    grader = per("grader process")
    other = grader - build - per("inspection") - tests - per("reports")
    cpu = per("grader process", "cpu_seconds")
    class_wall = phases.get("class wall", {})
    return [
        f"where each student's own time goes (mean of {n}; two are graded at once, so the class"
        f" took {class_wall.get('seconds', 0) / max(class_wall.get('count', 1), 1):.1f} s per"
        f" student once its slots were ready):",
        "  wall s  CPU s",
        line(0, "student", "the student, from their sources copied to their row", cpu=False),
        line(1, "sources", "copying the stubs and their sources into the slot", cpu=False),
        line(1, "configure", "configuring the slot's build (its first student only)", cpu=False),
        line(1, "grader process", "their grader process (CPU: with all it waited for):"),
        line(2, "build", f"building the labs (cmake --build, {count('build') / n:.0f} per"
             f" student):"),
        line(3, "compile", f"compiles ({count('compile') / n:.1f} files: preprocessing in the"
             f" sandbox, cache lookup, compiling a miss)", cpu=False),
        line(3, "link", f"links and archives ({count('link') / n:.1f})", cpu=False),
        line(3, "", "the rest: cmake and ninja starting, the build's sandbox", cpu=False,
             wall=build - compile_ - link),
        line(2, "inspection", "inspecting the compiled code"),
        line(2, "tests", f"running the tests ({count('tests') / n:.0f}):"),
        line(3, "test programs", "the test programs, from their sandbox's clone to their end",
             cpu=False),
        line(3, "", "the sandbox around them: views, cgroups, pipes, scratch folders, judging",
             cpu=False, wall=tests - programs),
        line(2, "reports", "writing the reports"),
        line(2, "", "the rest: starting, reading the manifest, the source review, the"
             " scoreboard", cpu=False, wall=other),
        f"{cpu:.2f} s of CPU per student: on 2 cores kept busy by the batch alone, at best"
        f" {cpu / 2:.1f} s per student (the wall times above grow with the machine's other load)",
    ]


def compile_costs(work, chosen):
    """Seconds of one compile that the cache has (a stub) and one it has not (a marked
    solution): the least-squares fit of each student's compile seconds to their counts of
    stub and solution files (WORK/class.txt). The first students' stubs are misses too
    (the cache starts empty), which makes the first figure a little high."""
    rows = []
    with open(f"{work}/class.txt") as f:
        for line in f:
            student, stubs, solved = line.split()
            path = f"{work}/round-{chosen}/timings/{student}.json"
            try:
                with open(path) as timings:
                    seconds = json.load(timings).get("compile", {}).get("seconds")
            except OSError:
                continue
            if seconds is not None:
                rows.append((int(stubs), int(solved), seconds))
    # Normal equations of seconds = hit * stubs + miss * solved.
    ss = sum(a * a for a, _, _ in rows)
    sm = sum(a * b for a, b, _ in rows)
    mm = sum(b * b for _, b, _ in rows)
    sy = sum(a * y for a, _, y in rows)
    my = sum(b * y for _, b, y in rows)
    det = ss * mm - sm * sm
    if len(rows) < 3 or det == 0:
        return "(too few students timed to tell a cached compile from a compile)"
    hit = (sy * mm - my * sm) / det
    miss = (ss * my - sm * sy) / det
    return (f"one compile takes {miss:.2f} s (wall) when the cache does not have it (a solution:"
            f" preprocessing, the lookup, compiling, each in the sandbox) and {hit:.2f} s when"
            f" it does (a stub: preprocessing and the lookup); least squares over"
            f" {len(rows)} students")


def totals(gradebook_path):
    with open(gradebook_path) as f:
        return " ".join(f"{row['student']}={row['total']}/{row['max']}" for row in csv.DictReader(f))


def distinct(work, pairs):
    rounds = [(int(r), float(s)) for r, s in (pair.split(":") for pair in pairs)]
    print(f"seconds per student: {spread([s for _, s in rounds], ' s')}"
          f"  (target: at most 5 s on 2 cores)")
    chosen, _ = median_round(rounds)
    try:
        for line in breakdown(f"{work}/round-{chosen}/timings.json"):
            print(line)
    except (OSError, ValueError) as error:
        print(f"(no breakdown: {error})")
    try:
        print(compile_costs(work, chosen))
    except (OSError, ValueError) as error:
        print(f"(no compile costs: {error})")
    try:
        print(f"scores (round {chosen}): {totals(f'{work}/round-{chosen}/gradebook.csv')}")
    except (OSError, KeyError) as error:
        print(f"(no gradebook: {error})")


def ratio(triples):
    rounds = [tuple(float(x) for x in triple.split(":")[1:]) for triple in triples]
    before = [b for b, _ in rounds]
    now = [n for _, n in rounds]
    print(f"{'every build compiles harness and tests':<44} {spread(before, ' s')} per student")
    shared = "shared builds, each student's sources only"
    print(f"{shared:<44} {spread(now, ' s')} per student"
          f"  (target: at most 15 s)")
    print(f"shared builds are {spread([b / n for b, n in rounds], 'x')} faster"
          f" (each round's ratio, before and now run back to back)")


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "distinct":
        distinct(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) >= 3 and sys.argv[1] == "ratio":
        ratio(sys.argv[2:])
    elif len(sys.argv) == 3 and sys.argv[1] == "scores":
        print(totals(sys.argv[2]))
    else:
        sys.exit(__doc__)
