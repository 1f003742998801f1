#!/usr/bin/env bash
# Coverage-guided fuzzing campaign over the libFuzzer harnesses of tests/fuzz/
# (docs/robustness.md). Needs a clang build (scripts/test.sh --sanitize makes
# build-asan/, which builds the harnesses).
#
#   scripts/fuzz-campaign.sh [--build DIR] [--runs H=N ...] [--time SECONDS] [--keep-going] [HARNESS ...]
#
# Runs each harness (default: capi trace config qemu) for N executions
# (default: capi 1000000, the others 3000000) or at most SECONDS of host time
# each, with a working corpus in DIR/fuzz-campaign/<harness>/ seeded from the
# checked-in corpus, and prints per harness:
#   BENCH fuzz_<harness>_execs <executions> execs
#   BENCH fuzz_<harness>_findings <crashes, sanitizer reports, invariant failures, timeouts, OOMs> count
# then the totals. Exit status 1 if anything was found (the reproducers are in
# DIR/fuzz-campaign/<harness>/artifacts/). libFuzzer stops a harness at its
# first finding; --keep-going runs it in fork mode past findings (each one
# is saved and counted). Also printed: the host CPU seconds each harness used
# and its executions per CPU second. Run it niced on a shared machine:
#   nice -n 10 scripts/fuzz-campaign.sh
#
# Internal mode used by ctest: --ctest RUNS HARNESS_EXE SEED_DIR WORK_DIR
set -uo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
common=(-timeout=25 -rss_limit_mb=2048 -print_final_stats=1)
declare -A maxlen=([capi]=2048 [trace]=8192 [config]=2048 [qemu]=8192)

if [ "${1:-}" = "--ctest" ]; then
  runs=$2 exe=$3 seeds=$4 work=$5
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  # fixed seed and number of mutations: the same executions on every run
  h=$(basename "$exe"); h=${h#fuzz_}
  exec "$exe" "${common[@]}" -max_len="${maxlen[$h]:-4096}" -seed=1 -runs="$runs" -artifact_prefix="$work/artifacts/" \
    "$work/corpus" "$seeds"
fi

bdir="$here/build-asan"
declare -A runs=([capi]=1000000 [trace]=3000000 [config]=3000000 [qemu]=3000000)
time_limit=0
keep_going=0
harnesses=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) bdir=$2; shift 2 ;;
    --runs) runs[${2%%=*}]=${2#*=}; shift 2 ;;
    --time) time_limit=$2; shift 2 ;;
    --keep-going) keep_going=1; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) harnesses+=("$1"); shift ;;
  esac
done
[ ${#harnesses[@]} -eq 0 ] && harnesses=(capi trace config qemu)
total_execs=0 total_findings=0
for h in "${harnesses[@]}"; do
  exe="$bdir/tests/fuzz/fuzz_$h"
  if [ ! -x "$exe" ]; then
    echo "fuzz-campaign: $exe not built (clang build needed: scripts/test.sh --sanitize)" >&2
    exit 2
  fi
  work="$bdir/fuzz-campaign/$h"
  mkdir -p "$work/corpus" "$work/artifacts"
  log="$work/fuzz.log"
  extra=()
  [ "$time_limit" != 0 ] && extra+=(-max_total_time="$time_limit")
  [ "$keep_going" = 1 ] && extra+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  start=$(date +%s)
  TIMEFORMAT='%U %S'
  { time "$exe" "${common[@]}" -max_len="${maxlen[$h]:-4096}" "${extra[@]}" -runs="${runs[$h]}" \
      -artifact_prefix="$work/artifacts/" "$work/corpus" "$here/tests/fuzz/corpus/$h" >"$log" 2>&1 ; } 2>"$work/cpu.txt"
  rc=$?
  secs=$(( $(date +%s) - start ))
  cpu=$(awk '{printf "%.0f", $1 + $2}' "$work/cpu.txt" 2>/dev/null)
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
  [ -z "$execs" ] && execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  execs=${execs:-0}
  findings=$(find "$work/artifacts" -type f | wc -l)
  if [ "$rc" -ne 0 ] && [ "$findings" -eq 0 ]; then findings=1; fi
  rate=$(awk -v e="$execs" -v c="${cpu:-0}" 'BEGIN { printf "%.0f", (c > 0 ? e / c : 0) }')
  echo "fuzz-campaign: $h: $execs executions in ${secs}s (${cpu:-?} CPU s, $rate per CPU s), corpus $(ls "$work/corpus" | wc -l) inputs, exit $rc (log $log)"
  echo "BENCH fuzz_${h}_execs $execs execs"
  echo "BENCH fuzz_${h}_findings $findings count"
  echo "BENCH fuzz_${h}_execs_per_cpu_s $rate execs/s"
  total_execs=$((total_execs + execs))
  total_findings=$((total_findings + findings))
done
echo "BENCH fuzz_total_execs $total_execs execs"
echo "BENCH fuzz_total_findings $total_findings count"
[ "$total_findings" -eq 0 ]
