#!/bin/sh
# Opens every lesson page of the built docs site in headless Chromium and fails on what a
# reader would see wrong: unrendered Markdown, code spans or blocks not shown as written,
# missing images, progress bars or emoji drawn wrong, broken previous / next or lab links
# (scripts/check-docs-browser.py says exactly what). Keeps a full-page screenshot of each
# lesson in BUILD_DIR/docs/screenshots/.
#   usage: scripts/check-docs-browser.sh BUILD_DIR [LESSON.md ...]   (after scripts/docs.sh)
#          scripts/check-docs-browser.sh BUILD_DIR --self-test   (proves it catches defects)
# Exit 0: the pages render; 1: they do not; 2: usage; 77: Chromium is not installed (skip).
exec /usr/bin/python3 "$(dirname "$0")/check-docs-browser.py" "$@"
