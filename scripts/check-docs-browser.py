#!/usr/bin/env python3
"""Opens every lesson page of the built docs site in headless Chromium and checks what a
reader sees against the lesson's Markdown. Keeps a full-page screenshot of each lesson in
BUILD_DIR/docs/screenshots/. A page fails on:
  - Markdown left unrendered in its prose: a backtick, `**`, a code fence, `[text](link)`,
    a `#` heading, an HTML comment, a Doxygen command or anchor, an HTML tag or entity
    shown as text;
  - a code span of the lesson not shown verbatim as code (a quote inside turned into a
    quotation, say), a fenced block not shown line for line, a heading missing;
  - an image or diagram missing or not loaded;
  - block characters (progress bars) narrower or wider than the code font's cells, an
    emoji drawn as an empty box;
  - the previous / next bars, the lab card or the contract's link back missing or broken;
  - no working search box.
Contract headers are checked too: each lab's contract page links back to its lesson.

Usage: check-docs-browser.py BUILD_DIR [LESSON.md ...]     (after scripts/docs.sh)
       check-docs-browser.py BUILD_DIR --self-test   plants defects in a scratch copy of
                                                     the site; fails unless each is found
Exit 0: every page renders; 1: problems (listed); 2: usage; 77: no Chromium (skip).
"""
import collections
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import tempfile

CHROMIUM = "/usr/bin/chromium"
ROOT = pathlib.Path(__file__).resolve().parent.parent
PROBE = (pathlib.Path(__file__).resolve().parent / "docs-browser-probe.js").read_text()
FENCE = re.compile(r"^ {0,3}(```|~~~)")
MARKER = re.compile(r"^\s{0,3}<!--\s*(.*?)\s*-->\s*$")
BLOCK_START = re.compile(r"^\s*([-*+]|\d+[.)]|\||>)(\s|$)")
IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")

# What unrendered Markdown, Doxygen syntax or escaped HTML looks like in rendered prose.
PROSE_DEFECTS = [
    ("a literal backtick", re.compile(r"`")),
    ("unrendered bold (**)", re.compile(r"\*\*|__\w")),
    ("unrendered emphasis (*text*)", re.compile(r"(?:^|\s)\*[^*\s][^*\n]*\*(?=[\s.,;:!?)]|$)")),
    ("a code fence", re.compile(r"```|~~~")),
    ("a raw Markdown link", re.compile(r"\[[^\]\n]+\]\([^)\s]+\)")),
    ("an unrendered heading", re.compile(r"(?m)^#{1,6} \S")),
    ("an HTML comment", re.compile(r"<!--|-->")),
    ("a Doxygen command or anchor", re.compile(r"[@\\](?:ref|subpage|dotfile|c|p)\b|\{#|\[TOC\]")),
    ("an HTML tag shown as text", re.compile(r"</?(?:code|tt|b|i|em|strong|div|span|p|a|img|br)\b[^>\n]*>")),
    ("an HTML entity shown as text", re.compile(r"&(?:[a-zA-Z]+|#\d+);")),
]
CODE_DEFECTS = [
    ("an HTML entity shown as text", re.compile(r"&(?:[a-zA-Z]+|#\d+);")),
    ("an HTML tag shown as text", re.compile(r"</?(?:code|tt|em|b)>")),
]


def squash(text):
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def plain_quotes(text):
    return text.translate(str.maketrans("\u201c\u201d\u2018\u2019", "\"\"''"))


def code_spans(text):
    """The code spans of a paragraph (CommonMark: a backtick run closed by one as long)."""
    spans, at = [], 0
    while at < len(text):
        if text[at] != "`":
            at += 1
            continue
        run = len(text[at:]) - len(text[at:].lstrip("`"))
        close, look = -1, at + run
        while look < len(text):
            if text[look] != "`":
                look += 1
                continue
            length = len(text[look:]) - len(text[look:].lstrip("`"))
            if length == run:
                close = look
                break
            look += length
        if close < 0:
            at += run
            continue
        code = text[at + run:close].replace("\n", " ")
        if len(code) >= 2 and code[0] == " " and code[-1] == " " and code.strip():
            code = code[1:-1]
        spans.append(code)
        at = close + run
    return spans


def heading_text(text):
    text = re.sub(r"`+([^`]*)`+", r"\1", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return squash(plain_quotes(text.replace("**", "").replace("*", "")))


class Lesson:
    """What a lesson's Markdown promises the reader."""

    def __init__(self, path):
        self.path = path
        self.blocks, self.spans, self.headings, self.images, self.diagrams = [], [], [], [], []
        paragraph, fenced = [], None

        def flush():
            text = "\n".join(paragraph)
            self.spans += code_spans(text)
            self.images += [m.group(2) for m in IMAGE.finditer(text)]
            paragraph.clear()

        for line in path.read_text(encoding="utf-8").splitlines():
            if fenced is not None:
                if FENCE.match(line):
                    self.blocks.append(fenced)
                    fenced = None
                else:
                    fenced.append(line)
                continue
            heading = re.match(r"^#{1,6} (.*)", line)
            marker = MARKER.match(line)
            if FENCE.match(line) or heading or marker or not line.strip():
                flush()
            if FENCE.match(line):
                fenced = []
            elif heading:
                self.headings.append(heading_text(heading.group(1)))
            elif marker and marker.group(1).startswith("diagram:"):
                self.diagrams.append(marker.group(1)[8:].strip())
            elif line.strip() and not marker:
                if BLOCK_START.match(line):
                    flush()
                paragraph.append(line)
        flush()


def block_lines(lines):
    lines = [line.replace("\xa0", " ").expandtabs(4).rstrip() for line in lines]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def lab_lessons():
    """lesson file name -> (lab id, its folder), from labs/*/lab.json."""
    labs = {}
    for spec in sorted(ROOT.glob("labs/[0-9][0-9]-*/lab.json")):
        try:
            data = json.loads(spec.read_text(encoding="utf-8"))
            labs[data["lesson"]] = (data["id"], spec.parent.name)
        except (ValueError, KeyError):
            continue
    return labs


class Chromium:
    """Runs headless Chromium, one page at a time, each in its own process group."""

    def __init__(self, scratch):
        self.scratch = scratch
        self.runs = 0

    def run(self, url, *args, timeout=90):
        self.runs += 1
        profile = os.path.join(self.scratch, f"profile-{self.runs}")
        command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                   "--no-first-run", "--disable-background-networking",
                   "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                   f"--user-data-dir={profile}", *args, url]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   start_new_session=True)
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            out, err = b"", b"timed out"
        finally:
            try:  # Chromium's helpers can outlive it: end the group we started
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()
        shutil.rmtree(profile, ignore_errors=True)
        return out.decode("utf-8", "replace"), err.decode("utf-8", "replace")

    def probe(self, page):
        dom, err = self.run(page.as_uri(), "--window-size=1280,1000",
                            "--virtual-time-budget=15000", "--dump-dom")
        m = re.search(r'<script type="application/json" id="probe-result">(.*?)</script>', dom,
                      re.S)
        if not m:
            tail = "\n".join(err.strip().splitlines()[-5:])
            raise RuntimeError(f"{page.name}: the probe did not report (Chromium: {tail})")
        return json.loads(m.group(1))

    def screenshot(self, page, shot, height):
        height = max(1000, min(int(height) + 200, 30000))
        self.run(page.as_uri(), f"--window-size=1280,{height}", "--virtual-time-budget=5000",
                 f"--screenshot={shot}")
        return shot.exists() and shot.stat().st_size > 10000


def check_prose(result):
    problems = []
    for name, pattern in PROSE_DEFECTS:
        for m in list(pattern.finditer(result["prose"]))[:5]:
            start = max(0, m.start() - 40)
            problems.append(f"{name} in the text: ...{squash(result['prose'][start:m.end() + 40])}...")
    for code in result["codes"]:
        for name, pattern in CODE_DEFECTS:
            if pattern.search(code):
                problems.append(f"{name} in code: {squash(code)}")
    return problems


def check_code(lesson, result):
    problems = []
    shown = collections.Counter(squash(code) for code in result["codes"])
    for span, count in collections.Counter(squash(span) for span in lesson.spans).items():
        if shown[span] < count:
            problems.append(f"code span not shown verbatim as code: `{span}`"
                            + (f" ({count - shown[span]} of {count} times)" if count > 1 else ""))
    fragments = [block_lines(f) for f in result["fragments"]]
    for block in lesson.blocks:
        wanted = block_lines(block)
        if wanted and wanted not in fragments:
            problems.append(f"code block not shown line for line: {wanted[0][:70]!r}")
    headings = {squash(plain_quotes(h)) for h in result["headings"]}
    for heading in lesson.headings:
        if heading not in headings:
            problems.append(f"heading missing: {heading}")
    return problems


def check_images(lesson, result, site):
    problems = []
    shown = [i for i in result["images"] if not i["src"].startswith(("http:", "https:"))]
    for image in shown:
        if not (site / image["src"]).is_file():
            problems.append(f"image file missing: {image['src']}")
        elif not image["loaded"] or image["height"] < 10:
            problems.append(f"image not drawn: {image['src']}")
    names = {os.path.basename(i["src"]) for i in shown}
    for src in lesson.images:
        if os.path.basename(src) not in names:
            problems.append(f"image of the lesson not shown: {src}")
    for diagram in lesson.diagrams:
        if f"dot_{diagram}.svg" not in names:
            problems.append(f"diagram of the lesson not shown: {diagram}")
    return problems


def check_glyphs(result):
    problems = []
    for run in result["blocks"]:
        cell = run["cell"]
        if cell is None or abs(run["width"] - run["count"] * cell) > max(1.0, 0.25 * cell):
            problems.append(f"{run['count']} block characters are {run['width']:.1f}px wide, "
                            f"{run['count']} cells of the code font {run['count'] * cell:.1f}px: "
                            f"{run['line']}")
    for emoji in result["emojis"]:
        if emoji["coloured"] < 20:
            problems.append(f"emoji {emoji['emoji']} drawn as an empty box (no colour emoji "
                            f"font in {emoji['font']}; scripts/deps.sh docs installs one)")
    return problems


def check_navigation(name, result, site, lessons, labs):
    problems = []
    at = lessons.index(name)
    for where in ("navTop", "navBottom"):
        links = result[where]
        parts = {link["part"] for link in links}
        if at > 0 and "course-nav-prev" not in parts:
            problems.append(f"no link to the previous lesson ({where})")
        if at + 1 < len(lessons) and "course-nav-next" not in parts:
            problems.append(f"no link to the next lesson ({where})")
        if f"{name}.md" in labs and "course-nav-lab" not in parts:
            problems.append(f"no link to the lab's contract ({where})")
        for link in links:
            target = link["href"].split("#")[0]
            if not target or not (site / target).is_file():
                problems.append(f"broken link {link['href']!r} ({where})")
    if f"{name}.md" in labs:
        if not result["labCard"]:
            problems.append("no lab card with the contract and the tasks")
        for link in result["labCard"]:
            if not (site / link["href"].split("#")[0]).is_file():
                problems.append(f"broken link in the lab card: {link['href']!r}")
    if not result.get("searchBox"):
        problems.append("no search box")
    elif not result.get("searchOpens"):
        problems.append(f"the search box shows no results {result.get('searchError', '')}")
    return problems


def check_contracts(site, labs):
    """Each lab's contract page links back to its lesson."""
    problems = []
    for lesson, (lab_id, folder) in sorted(labs.items()):
        headers = sorted((ROOT / "labs" / folder).glob("*.hpp"))
        pages = [site / (h.name.replace("_", "__").replace(".hpp", "_8hpp.html")) for h in headers]
        pages = [p for p in pages if p.is_file()]
        target = f'href="lesson-{lesson[:-3]}.html"'
        if not any(target in p.read_text(encoding="utf-8") for p in pages):
            problems.append(f"Lab {lab_id}: no contract page links back to {lesson}")
    return problems


def check_site(build, names, site, shots, chromium):
    lessons = [p.stem for p in sorted(ROOT.glob("lessons/[0-9][0-9]-*.md"))]
    labs = lab_lessons()
    failed = 0
    for name in names:
        page = site / f"lesson-{name}.html"
        if not page.is_file():
            print(f"check-docs-browser: {name}: no page {page.name}", file=sys.stderr)
            failed += 1
            continue
        probe_page = site / f"probe-{name}.html"
        probe_page.write_text(page.read_text(encoding="utf-8").replace(
            "</body>", f"<script>{PROBE}</script></body>"), encoding="utf-8")
        result = chromium.probe(probe_page)
        lesson = Lesson(ROOT / "lessons" / f"{name}.md")
        problems = (check_prose(result) + check_code(lesson, result) +
                    check_images(lesson, result, site) + check_glyphs(result) +
                    check_navigation(name, result, site, lessons, labs))
        shot = shots / f"{name}.png"
        if not chromium.screenshot(page, shot, result["height"]):
            problems.append(f"no usable screenshot at {shot}")
        for problem in problems:
            print(f"check-docs-browser: {name}: {problem}", file=sys.stderr)
        failed += bool(problems)
        print(f"check-docs-browser: {name}: {'FAILED' if problems else 'ok'}: "
              f"{len(lesson.spans)} code spans, {len(lesson.blocks)} blocks, "
              f"{len(result['images'])} images, {len(result['blocks'])} bars, "
              f"{len(result['emojis'])} emoji; {os.path.relpath(shot, build)}")
    for problem in check_contracts(site, labs):
        print(f"check-docs-browser: {problem}", file=sys.stderr)
        failed += 1
    return failed


def plant_defects(site, name):
    """Breaks a scratch copy of lesson NAME's page the ways Markdown, Doxygen and fonts can
    break one; returns what the check must then report, by defect."""
    page = site / f"lesson-{name}.html"
    text = page.read_text(encoding="utf-8")
    planted = {}

    def plant(what, pattern, new, expect):
        nonlocal text
        m = re.search(pattern, text, re.S)
        if not m:
            raise RuntimeError(f"self-test: cannot plant {what} in {page.name}: no {pattern!r}")
        text = text[:m.start()] + new(m) + text[m.end():]
        planted[what] = expect

    codes = re.findall(r"<code>([^<&]{4,})</code>", text)
    unique = [c for c in codes if codes.count(c) == 1]
    if len(unique) < 2:
        raise RuntimeError(f"self-test: {page.name} has too few distinct code spans")
    plant("a code span left as backticks", re.escape(f"<code>{unique[0]}</code>"),
          lambda m: f"`{unique[0]}`", "a literal backtick in the text")
    plant("a broken quote in code", re.escape(f"<code>{unique[1]}</code>"),
          lambda m: f"<code>&lsquo;{unique[1][1:]}&rsquo;</code>",
          "code span not shown verbatim as code")
    plant("a code block missing", r'<div class="fragment">.*?</div><!-- fragment -->',
          lambda m: "", "code block not shown line for line")
    plant("no link to the next lesson", r'class="course-nav-next"',
          lambda m: 'class="course-nav-gone"', "no link to the next lesson")
    prose = {
        "bold left as asterisks": ("<p >**Planted bold**</p>", "unrendered bold"),
        "a raw link": ("<p >see [planted](lesson-00.html)</p>", "a raw Markdown link"),
        "a code fence shown": ("<p >```cpp</p>", "a code fence"),
        "an image missing": ('<p ><img src="no-such-plot.png" alt="planted"/></p>',
                             "image file missing: no-such-plot.png"),
        "an emoji without a glyph": ("<p >\U0001FCFF</p>", "drawn as an empty box"),
        "a progress bar whose blocks fall back to a narrower font": (
            '<style>div.line.planted { font-family: "DejaVu Sans", sans-serif }</style>'
            '<div class="fragment"><div class="line planted"> 50%|\u2588\u2588\u2588\u2588'
            '\u2588\u258c     | 11/20</div></div>', "block characters are"),
    }
    for what, (html_text, expect) in prose.items():
        plant(what, r'<div class="textblock">', lambda m, h=html_text: m.group(0) + h, expect)
    page.write_text(text, encoding="utf-8")
    return planted


def self_test(build, site, scratch, chromium):
    """Plants defects in the second lesson (it has code, a lab and a next lesson)."""
    name = sorted(ROOT.glob("lessons/[0-9][0-9]-*.md"))[1].stem
    planted = plant_defects(site, name)
    shots = pathlib.Path(scratch) / "shots"
    shots.mkdir()
    import contextlib
    import io
    errors = io.StringIO()
    with contextlib.redirect_stderr(errors), contextlib.redirect_stdout(io.StringIO()):
        failed = check_site(build, [name], site, shots, chromium)
    report = errors.getvalue()
    missed = [what for what, expect in planted.items() if expect not in report]
    for what, expect in planted.items():
        print(f"check-docs-browser --self-test: {name}: "
              f"{'MISSED' if what in missed else 'caught'}: {what}")
    if missed or not failed:
        print("check-docs-browser --self-test: FAILED; the check reported:\n" + report,
              file=sys.stderr)
        return 1
    return 0


def main(argv):
    if len(argv) < 1 or argv[0].startswith("-"):
        print(__doc__.split("\n\n")[-2], file=sys.stderr)
        return 2
    if not os.access(CHROMIUM, os.X_OK):
        print(f"check-docs-browser: SKIP: {CHROMIUM} is not installed", file=sys.stderr)
        return 77
    build = pathlib.Path(argv[0]).resolve()
    html_dir = build / "docs" / "html"
    if not (html_dir / "index.html").is_file():
        print(f"check-docs-browser: no site in {html_dir} (run scripts/docs.sh {argv[0]} first)",
              file=sys.stderr)
        return 1
    testing = argv[1:] == ["--self-test"]
    names = [pathlib.Path(a).stem for a in argv[1:]] if argv[1:] and not testing else \
        [p.stem for p in sorted(ROOT.glob("lessons/[0-9][0-9]-*.md"))]
    with tempfile.TemporaryDirectory(prefix="check-docs-browser-") as scratch:
        site = pathlib.Path(scratch) / "html"
        shutil.copytree(html_dir, site)
        chromium = Chromium(scratch)
        try:
            if testing:
                return self_test(build, site, scratch, chromium)
            shots = build / "docs" / "screenshots"
            shutil.rmtree(shots, ignore_errors=True)
            shots.mkdir(parents=True)
            failed = check_site(build, names, site, shots, chromium)
        except RuntimeError as error:
            print(f"check-docs-browser: {error}", file=sys.stderr)
            return 1
    if failed:
        print(f"check-docs-browser: {failed} page(s) FAILED (see above)", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
