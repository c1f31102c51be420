#!/bin/sh
# Opens a built lesson page of the docs site in headless Chromium and checks what a reader
# sees: the page's code blocks (a known line of its first woven block) and its images
# (every <img>/<object> whose file exists). Keeps a screenshot at
# BUILD_DIR/docs/screenshot-lesson.png.
#   usage: scripts/check-docs-browser.sh BUILD_DIR [LESSON.md]   (after scripts/docs.sh)
# Exit 0: page renders; 1: it does not; 2: usage; 77: Chromium is not installed (skip).
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: scripts/check-docs-browser.sh BUILD_DIR [LESSON.md]" >&2
    exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd)
html=$build/docs/html
chromium=/usr/bin/chromium
if [ ! -x "$chromium" ]; then
    echo "check-docs-browser: SKIP: $chromium is not installed" >&2
    exit 77
fi
if [ ! -f "$html/index.html" ]; then
    echo "check-docs-browser: no site in $html (run scripts/docs.sh $1 first)" >&2
    exit 1
fi

# The lesson to open: the one named, else the first with a woven code block and an
# image, else the first with a woven code block.
lesson=${2:-}
if [ -z "$lesson" ]; then
    lesson=$(grep -l '^<!-- code:' "$root"/lessons/[0-9][0-9]-*.md 2>/dev/null |
             xargs -r grep -l '!\[' | head -n 1)
    [ -n "$lesson" ] || lesson=$(grep -l '^<!-- code:' "$root"/lessons/[0-9][0-9]-*.md | head -n 1)
fi
[ -f "$lesson" ] || lesson=$root/lessons/$(basename "$lesson")
name=$(basename "$lesson" .md)
page=$html/lesson-$name.html
[ -f "$page" ] || { echo "check-docs-browser: no page $page for $lesson" >&2; exit 1; }

scratch=$(mktemp -d)
group=""
cleanup() {
    # Chromium's helpers can outlive --dump-dom: end the process group we started.
    [ -z "$group" ] || kill -KILL -- "-$group" 2>/dev/null || true
    rm -rf "$scratch"
}
trap cleanup EXIT INT TERM

# Runs Chromium in its own session (process group) with a time limit; $group remembers it.
run_chromium() {
    label=$1
    shift
    setsid timeout 90 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking --disable-component-update \
        --disable-sync --user-data-dir="$scratch/profile-$label" --window-size=1280,2000 "$@" \
        2>"$scratch/chromium-$label.log" &
    group=$!
    wait "$group" || { echo "check-docs-browser: chromium failed, see its log:" >&2;
                       tail -n 5 "$scratch/chromium-$label.log" >&2; return 1; }
    kill -KILL -- "-$group" 2>/dev/null || true
    group=""
}

run_chromium dom --dump-dom "file://$page" >"$scratch/dom.html"
shot=$build/docs/screenshot-lesson.png
rm -f "$shot"
run_chromium shot --hide-scrollbars --screenshot="$shot" "file://$page" >/dev/null

/usr/bin/python3 - "$lesson" "$scratch/dom.html" "$html" "$shot" <<'PY'
import html, os, re, sys
from html.parser import HTMLParser

lesson, dom_file, site, shot = sys.argv[1:]
md = open(lesson, encoding="utf-8").read().splitlines()
dom = open(dom_file, encoding="utf-8").read()

class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text, self.images = [], []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img" and a.get("src"):
            self.images.append(a["src"])
        if tag == "object" and a.get("data"):
            self.images.append(a["data"])
    def handle_data(self, data):
        self.text.append(data)

page = Page()
page.feed(dom)
text = re.sub(r"\s+", " ", "".join(page.text))
problems = []

# A known code line: the first non-blank line of the lesson's first woven block.
code_line = None
for i, line in enumerate(md):
    if line.startswith("<!-- code:") and i + 1 < len(md) and md[i + 1].startswith("```"):
        for body in md[i + 2:]:
            if body.startswith("```"):
                break
            if body.strip():
                code_line = re.sub(r"\s+", " ", body.strip())
                break
        if code_line:
            break
if code_line is None:
    problems.append("the lesson has no woven code block to look for")
elif code_line not in text:
    problems.append("code line not shown: " + code_line)

# Images: every local <img>/<object> file exists, and the lesson's images all appear.
site_images = [src for src in page.images if not re.match(r"[a-z]+:", src)]
missing = [src for src in site_images if not os.path.exists(os.path.join(site, src))]
problems += ["image file missing: " + src for src in missing]
wanted = sum(len(re.findall(r"!\[[^\]]*\]\([^)]+\)", line)) for line in md)
lesson_images = [src for src in site_images if os.path.basename(src) not in
                 ("doxygen.svg", "sync_on.png", "sync_off.png", "closed.png", "open.png",
                  "search/mag_sel.svg", "mag_sel.svg", "search/close.svg", "close.svg")]
if len(lesson_images) < wanted:
    problems.append(f"the lesson has {wanted} image(s), the page shows {len(lesson_images)}")
if not os.path.exists(shot) or os.path.getsize(shot) < 10000:
    problems.append("no usable screenshot at " + shot)

for p in problems:
    print("check-docs-browser: " + p, file=sys.stderr)
print(f"check-docs-browser: {os.path.basename(lesson)}: code line "
      f"{'found' if code_line and code_line in text else 'MISSING'}, "
      f"{len(lesson_images)} image(s) shown ({wanted} in the lesson), screenshot {shot}")
sys.exit(1 if problems else 0)
PY
