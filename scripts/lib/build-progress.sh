# build_with_progress BUILD_DIR LOG LABEL TARGET...
# Builds TARGETs with CMake (Ninja), keeping the build's lines in LOG and printing only
# how far it is: on a terminal one line that updates every second ("LABEL: 40% (12/30)
# 37s"), elsewhere a line at each further 20% and at least every 5 s, so that `make` is
# never silent for long. A build of fewer than 5 steps (nothing to do, a link) prints
# nothing. Returns the build's exit status.
# Sourced by scripts/quiet-build.sh and scripts/grade-while-building.sh.
build_with_progress() {
  local build=$1 log=$2 label=$3
  shift 3
  mkdir -p "$(dirname "$log")"
  local tty=0 shown=-1 done=0 total=0 percent=0 line status started=$SECONDS last_line=$SECONDS
  [ -t 1 ] && tty=1
  # The build's lines go to LOG through tee, and on to the loop below, which the build's
  # end ends at once (following the log with `tail --pid` waited up to a second more: the
  # build, a zombie until this shell reaped it, still looked alive). The loop runs in this
  # shell (lastpipe), so what it counted is still here after it. Every second without a
  # new line is a tick: one compile can take half a minute, and `make` is never silent
  # for more than 5 s (the terminal's line shows the seconds; a log gets a line).
  local had_lastpipe=no
  shopt -q lastpipe && had_lastpipe=yes
  shopt -s lastpipe
  cmake --build "$build" --target "$@" 2>&1 | tee "$log" | while :; do
    status=0
    IFS= read -r -t 1 line || status=$?
    if [ "$status" -gt 128 ]; then  # a tick
      [ "$total" -ge 5 ] || continue
      if [ "$tty" = 1 ]; then
        printf '\r%s: %d%% (%d/%d) %ds ' "$label" "$percent" "$done" "$total" $((SECONDS - started))
      elif [ $((SECONDS - last_line)) -ge 4 ]; then  # whole seconds: within 5 s
        printf '%s: %d%% (%d/%d) after %d s\n' "$label" "$percent" "$done" "$total" $((SECONDS - started))
        last_line=$SECONDS
      fi
      continue
    fi
    [ "$status" = 0 ] || break  # end of the log: the build is over
    [[ $line =~ ^\[([0-9]+)/([0-9]+)\] ]] || continue
    done=${BASH_REMATCH[1]}
    total=${BASH_REMATCH[2]}
    percent=$((done * 100 / total))
    [ "$total" -ge 5 ] && [ "$done" -gt 0 ] || continue
    if [ "$tty" = 1 ]; then
      printf '\r%s: %d%% (%d/%d) %ds ' "$label" "$percent" "$done" "$total" $((SECONDS - started))
    elif [ $((percent / 20)) -gt "$shown" ] || [ $((SECONDS - last_line)) -ge 4 ]; then
      shown=$((percent / 20))
      printf '%s: %d%% (%d/%d)\n' "$label" "$percent" "$done" "$total"
      last_line=$SECONDS
    fi
  done
  local statuses=("${PIPESTATUS[@]}")
  [ $had_lastpipe = yes ] || shopt -u lastpipe
  status=${statuses[0]}
  [ "$tty" = 1 ] && [ "${total:-0}" -ge 5 ] && printf '\r%s: done%*s\n' "$label" 16 ""
  return "$status"
}
