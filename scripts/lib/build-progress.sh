# build_with_progress BUILD_DIR LOG LABEL TARGET...
# Builds TARGETs with CMake (Ninja), keeping the build's lines in LOG and printing only
# how far it is: on a terminal one line that updates every second ("LABEL: 40% (12/30)
# 37s"), elsewhere a line at each further 20% and at least every 10 s, so that `make` is
# never silent for long. A build of fewer than 5 steps (nothing to do, a link) prints
# nothing. Returns the build's exit status.
# Sourced by scripts/quiet-build.sh and scripts/grade-while-building.sh.
build_with_progress() {
  local build=$1 log=$2 label=$3
  shift 3
  mkdir -p "$(dirname "$log")"
  local tty=0 shown=-1 done=0 total=0 percent=0 line status started=$SECONDS last_line=$SECONDS
  [ -t 1 ] && tty=1
  cmake --build "$build" --target "$@" >"$log" 2>&1 &
  local builder=$!
  # Follow the log as it grows (tail ends when the build does: it looks every 50 ms, not
  # its default second, which every make grade waited for). Every second without a
  # new line is a tick: one compile can take half a minute, and `make` is never silent
  # for more than 10 s (the terminal's line shows the seconds; a log gets a line).
  while :; do
    status=0
    IFS= read -r -t 1 line || status=$?
    if [ "$status" -gt 128 ]; then  # a tick
      [ "$total" -ge 5 ] || continue
      if [ "$tty" = 1 ]; then
        printf '\r%s: %d%% (%d/%d) %ds ' "$label" "$percent" "$done" "$total" $((SECONDS - started))
      elif [ $((SECONDS - last_line)) -ge 10 ]; then
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
    elif [ $((percent / 20)) -gt "$shown" ]; then
      shown=$((percent / 20))
      printf '%s: %d%% (%d/%d)\n' "$label" "$percent" "$done" "$total"
      last_line=$SECONDS
    fi
  done < <(tail -n +1 -s 0.05 --pid="$builder" -f "$log" 2>/dev/null)
  status=0
  wait "$builder" || status=$?
  [ "$tty" = 1 ] && [ "${total:-0}" -ge 5 ] && printf '\r%s: done%*s\n' "$label" 16 ""
  return "$status"
}
