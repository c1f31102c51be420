#!/bin/sh
# proc.supervise_ends_as_the_signal: `proc supervise`, told to stop by SIGTERM or SIGINT,
# stops its task the polite way and then ends as the signal would have ended it (a shell
# sees 128 + its number), never with 0, which would say that all went well. The signal is
# sent once the task has printed its first line: by then the supervisor's handler is in
# place (it is installed before the task starts), so nothing depends on timing.
# Usage: tests/proc_supervise_test.sh PROC WORKER
set -u
proc=$1
worker=$2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=0
for case in "TERM 143" "INT 130"; do
  set -- $case
  log=$scratch/worker-$1.log
  "$proc" supervise -- "$worker" --steps 1000 --step-ms 50 >"$log" 2>"$scratch/proc-$1.log" &
  supervisor=$!
  until grep -qs pid "$log"; do sleep 0.01; done
  kill "-$1" "$supervisor"
  wait "$supervisor"
  status=$?
  if [ "$status" -ne "$2" ]; then
    echo "FAIL: after SIG$1, proc supervise exited $status, not $2 (128 + SIG$1)"
    failed=1
  fi
  if ! grep -q 'cleaned up' "$log"; then
    echo "FAIL: after SIG$1, the task was not stopped the polite way:"
    cat "$log" "$scratch/proc-$1.log"
    failed=1
  fi
done
[ "$failed" = 0 ] && echo "proc supervise: 143 after SIGTERM, 130 after SIGINT, task stopped"
exit "$failed"
