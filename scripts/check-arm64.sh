#!/usr/bin/env bash
# Compiles the course's own code (harness/, solutions/, tools/) for arm64 with Debian's
# cross compiler (g++-aarch64-linux-gnu), each file exactly as this build compiles it
# (build/compile_commands.json: same flags, defines and -Werror), but -fsyntax-only: no
# arm64 GoogleTest or fmt libraries are needed, only their headers, shared with this
# machine's. Catches what is architecture-specific and unguarded (a syscall number
# aarch64 lacks, an x86-only header or type size).
# Usage: scripts/check-arm64.sh BUILD_DIR
# Exit status: 0 all compile, 1 some do not, 77 (ctest's skip here) no cross compiler.
set -euo pipefail
build=$(cd "${1:-build}" && pwd -P)
root=$(cd "$(dirname "$0")/.." && pwd -P)
cross=${CROSS_CXX:-aarch64-linux-gnu-g++}
if ! command -v "$cross" >/dev/null; then
  echo "SKIP: no $cross (apt-get install g++-aarch64-linux-gnu; scripts/deps.sh test does)"
  exit 77
fi
[ -f "$build/compile_commands.json" ] || {
  echo "check-arm64: no $build/compile_commands.json (configure with the default preset)" >&2
  exit 1
}

# The libraries' headers only (architecture-independent), not this machine's libc's.
headers=$(mktemp -d)
trap 'rm -rf "$headers"' EXIT
for name in nlohmann fmt CLI pugixml.hpp pugiconfig.hpp gtest gmock catch2 benchmark; do
  [ -e "/usr/include/$name" ] && ln -s "/usr/include/$name" "$headers/$name"
done

python3 - "$build" "$root" "$cross" "$headers" <<'PY'
import json, os, shlex, subprocess, sys
from concurrent.futures import ThreadPoolExecutor

build, root, cross, headers = sys.argv[1:5]
wanted = tuple(os.path.join(root, d) + os.sep for d in ("harness", "solutions", "tools"))

def cross_command(entry):
    args = shlex.split(entry["command"])
    out = [cross, "-fsyntax-only", "-isystem", headers]
    skip = False
    for arg in args[1:]:
        if skip:
            skip = False
        elif arg == "-o":
            skip = True
        elif arg != "-c":
            out.append(arg)
    return out

def compile_one(entry):
    run = subprocess.run(cross_command(entry), cwd=entry["directory"],
                         capture_output=True, text=True)
    return entry["file"], run.returncode, run.stderr

entries = [e for e in json.load(open(os.path.join(build, "compile_commands.json")))
           if e["file"].startswith(wanted)]
failed = 0
with ThreadPoolExecutor(max_workers=2) as pool:
    for path, code, errors in pool.map(compile_one, entries):
        if code != 0:
            failed += 1
            print("check-arm64: %s does not compile for arm64:\n%s" % (path, errors))
print("check-arm64: %d of %d files compile for arm64 (%s)"
      % (len(entries) - failed, len(entries), cross))
sys.exit(1 if failed else 0)
PY
