#!/usr/bin/env bash
# Fails when a program or shared library this build made needs a glibc newer than the
# oldest the course supports: 2.35, Ubuntu 22.04's (Gradescope's default image). A symbol
# glibc added later (mount_setattr in 2.36, say) must be reached through syscall().
# It means something only where the build's own glibc is older than 2.38 (Debian 12,
# Ubuntu 22.04): from 2.38 on, glibc's headers send even strtol() to new symbols
# (__isoc23_strtol@GLIBC_2.38), so every program needs 2.38 whatever its source uses.
# There it is skipped (exit 77).
# Usage: scripts/check-glibc-floor.sh BUILD_DIR [OLDEST]   (OLDEST defaults to 2.35)
set -euo pipefail
build=${1:-build}
oldest=${2:-2.35}
command -v objdump >/dev/null || { echo "check-glibc-floor: objdump (binutils) is missing" >&2; exit 1; }

# Newer of two versions.
newest() { printf '%s\n%s\n' "$1" "$2" | sort -V | tail -n 1; }

system=$(getconf GNU_LIBC_VERSION | sed 's/^glibc //')
if [ "$(newest "$system" 2.37)" != 2.37 ]; then
  echo "SKIP: built against glibc $system, whose headers redirect even strtol() to symbols" \
    "of 2.38 and later: only a build on glibc 2.37 or older shows which sources need more" \
    "than $oldest (Debian 12 or Ubuntu 22.04 does)"
  exit 77
fi

files=$( (find "$build/bin" -maxdepth 1 -type f -perm -u+x; find "$build" -name '*.so*' -type f) \
  2>/dev/null | sort -u)
[ -n "$files" ] || { echo "check-glibc-floor: nothing built in $build/bin (run the full build first: make)" >&2; exit 1; }

# objdump -T: one line per dynamic symbol, with its version, e.g. "(GLIBC_2.36) mount_setattr".
checked=0
needs=""
for file in $files; do
  head -c 4 "$file" | grep -q 'ELF' || continue  # scripts
  # Statically linked (sandbox-launch): it carries its own glibc, and needs none installed.
  objdump -T "$file" >/dev/null 2>&1 || continue
  checked=$((checked + 1))
  needs="$needs$(objdump -T "$file" |
    sed -n 's|.*[ (]GLIBC_\([0-9][0-9.]*\)[) ].* \([^ ]*\)$|\1 \2 '"$file"'|p')
"
done

too_new=""
for version in $(printf '%s' "$needs" | awk 'NF {print $1}' | sort -u); do
  if [ "$(newest "$oldest" "$version")" != "$oldest" ]; then
    too_new="$too_new$(printf '%s' "$needs" |
      awk -v v="$version" '$1 == v {printf "\n  %s: %s needs GLIBC_%s", $3, $2, $1}')"
  fi
done

if [ -n "$too_new" ]; then
  echo "check-glibc-floor: these need a glibc newer than $oldest:$too_new" >&2
  exit 1
fi
echo "check-glibc-floor: $checked programs and libraries need at most GLIBC_$oldest"
