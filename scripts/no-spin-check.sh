#!/usr/bin/env bash
# Proves that Lab 04's no-spin check (WaitForTest.SleepsInsteadOfSpinning) gives the same
# verdict whatever the machine is doing: RUNS runs with each way of writing wait_for in
# harness/tests/fixtures/wait_for/ (and the reference), first on an otherwise idle machine,
# then with a busy loop on every core; every run of a sleeping one must pass, every run of a
# spinning one must fail. Prints, for each, the verdicts, and the lowest and highest share of
# the 300 ms timeout that the process spent on the CPU, and that the calling thread slept
# (neither on a CPU nor queued for one: a loop does not, whatever the load).
# Usage: scripts/no-spin-check.sh RUNS [BUILD_DIR]     (ctest: 5 runs; the proof: 50)
set -euo pipefail
runs=${1:?usage: scripts/no-spin-check.sh RUNS [BUILD_DIR]}
build=$(cd "${2:-build}" && pwd -P)
root=$(cd "$(dirname "$0")/.." && pwd -P)
test=WaitForTest.SleepsInsteadOfSpinning
sleeping=(lab04_tests_ref wait_for_epoll)
spinning=(wait_for_spins wait_for_yields wait_for_naps_then_spins wait_for_spins_in_a_thread)
work=$(mktemp -d "${TMPDIR:-/tmp}/no-spin-XXXXXX")
load_pids=()
stop_load() {
  for pid in "${load_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${load_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  load_pids=()
}
finish() {
  stop_load
  rm -rf "$work"
}
trap finish EXIT

# Every fixture has its expected verdict here.
for source in "$root"/harness/tests/fixtures/wait_for/*.cpp; do
  name=wait_for_$(basename "$source" .cpp)
  case " ${sleeping[*]} ${spinning[*]} " in
    *" $name "*) ;;
    *) echo "no-spin-check: $source has no expected verdict here" >&2; exit 1 ;;
  esac
done
for program in "${sleeping[@]}" "${spinning[@]}"; do
  [ -x "$build/bin/$program" ] || { echo "no-spin-check: no $build/bin/$program (build it)" >&2; exit 1; }
done

# A property the check recorded in @p xml (GoogleTest 1.12 writes <property name="N"
# value="V"/>, older ones N="V" on the test case).
property() {
  sed -n -e "s/.*name=\"$1\" value=\"\(-\{0,1\}[0-9]*\)\".*/\1/p" \
    -e "s/.*$1=\"\(-\{0,1\}[0-9]*\)\".*/\1/p" \
    "$2" | head -n 1
}

# Runs @p program's check RUNS times; prints "passes failures" and the lowest and highest
# share of the timeout the process spent on the CPU, and its thread slept (-1: unknown).
runs_of() {
  local program=$1 pass=0 fail=0 cpu slept numbers=""
  for _ in $(seq "$runs"); do
    rm -f "$work/run.xml"
    if (cd "$work" && "$build/bin/$program" --gtest_filter="$test" \
          --gtest_output="xml:$work/run.xml" > "$work/run.log" 2>&1); then
      pass=$((pass + 1))
    else
      fail=$((fail + 1))
    fi
    cpu=$(property cpu_microseconds "$work/run.xml" 2>/dev/null || true)
    slept=$(property slept_microseconds "$work/run.xml" 2>/dev/null || true)
    if [ -z "$cpu" ] || [ -z "$slept" ]; then
      echo "no-spin-check: $program recorded no measurements:" >&2
      cat "$work/run.log" >&2
      exit 1
    fi
    numbers+="$cpu $slept"$'\n'
  done
  printf '%s' "$numbers" | awk -v pass="$pass" -v fail="$fail" '
    { cpu = $1 / 3000; run = $2 < 0 ? -1 : $2 / 3000
      if (NR == 1 || cpu < cpu_low) cpu_low = cpu; if (NR == 1 || cpu > cpu_high) cpu_high = cpu
      if (NR == 1 || run < run_low) run_low = run; if (NR == 1 || run > run_high) run_high = run }
    END { printf "%d %d %.2f %.2f %.1f %.1f\n", pass, fail, cpu_low, cpu_high, run_low, run_high }'
}

problems=0
# One table row per program and machine state; @p expected is pass or fail.
check() {
  local program=$1 expected=$2 state=$3 pass fail cpu_low cpu_high run_low run_high wrong
  read -r pass fail cpu_low cpu_high run_low run_high < <(runs_of "$program")
  wrong=$([ "$expected" = pass ] && echo "$fail" || echo "$pass")
  printf '  %-27s %-6s %-4s %3d pass %3d fail  %6.2f-%6.2f %%  %5.1f-%5.1f %%%s\n' \
    "$program" "$state" "$expected" "$pass" "$fail" "$cpu_low" "$cpu_high" "$run_low" \
    "$run_high" "$([ "$wrong" -gt 0 ] && echo '  WRONG')"
  problems=$((problems + wrong))
}

start=$SECONDS
echo "no-spin check ($test), $runs runs each, on $(nproc) cores; the shares of"
echo "the 300 ms timeout the process spent on the CPU and its thread slept (lowest-highest):"
printf '  %-27s %-6s %-4s %18s  %16s  %15s\n' program state want verdicts "CPU" slept
for state in idle loaded; do
  if [ "$state" = loaded ]; then
    for _ in $(seq "$(nproc)"); do
      yes > /dev/null &
      load_pids+=("$!")
    done
  fi
  for program in "${sleeping[@]}"; do check "$program" pass "$state"; done
  for program in "${spinning[@]}"; do check "$program" fail "$state"; done
  stop_load
done
if [ "$problems" -gt 0 ]; then
  echo "no-spin-check: $problems run(s) got the wrong verdict ($((SECONDS - start)) s)" >&2
  exit 1
fi
echo "no-spin-check: every run got its verdict, idle and under load ($((SECONDS - start)) s)"
