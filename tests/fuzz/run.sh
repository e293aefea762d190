#!/usr/bin/env bash
# Runs the libFuzzer harnesses built by `make fuzz-build` (docs/FUZZING.md).
#
#   run.sh BUILD replay [NAME...]       every seed of tests/fuzz/corpus/NAME
#                                       and every saved finding of
#                                       tests/fuzz/regressions/NAME, once
#   run.sh BUILD fuzz SECONDS [NAME...] search for SECONDS per harness,
#                                       one at a time, one process each
#
# Without names, every harness. Fuzzing starts from the seeds and the
# regressions and grows its own corpus in BUILD/corpus/NAME (kept between
# runs, never in the source tree); a crash, leak, timeout or UBSan report
# is saved in BUILD/findings/NAME/ and fails the run. Exit status: 0 when
# every harness held.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?usage: run.sh BUILD replay|fuzz [SECONDS] [NAME...]}
mode=${2:?usage: run.sh BUILD replay|fuzz [SECONDS] [NAME...]}
shift 2
seconds=0
if [ "$mode" = fuzz ]; then
  seconds=${1:?fuzz needs SECONDS}
  shift
fi
case "$build" in /*) ;; *) build=$root/$build ;; esac
cd "$root"
names=("$@")
if [ ${#names[@]} = 0 ]; then
  for f in tests/fuzz/*.c; do names+=("$(basename "$f" .c)"); done
fi
# Leaks count as findings; a UBSan report stops the run like a crash.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=0

# The dictionary of a harness, when it has one.
dict_of() { [ -f "tests/fuzz/$1.dict" ] && printf -- '-dict=tests/fuzz/%s.dict' "$1"; }

for n in "${names[@]}"; do
  bin=$build/harness/$n
  if [ ! -x "$bin" ]; then
    printf 'FAIL  fuzz %-12s not built (%s): run make fuzz-build\n' "$n" "$bin"
    failed=1; continue
  fi
  log=$build/logs/$n.$mode.log
  mkdir -p "$build/logs"
  if [ "$mode" = replay ]; then
    inputs=()
    for d in tests/fuzz/corpus/$n tests/fuzz/regressions/$n; do
      [ -d "$d" ] || continue
      for f in "$d"/*; do [ -f "$f" ] && inputs+=("$f"); done
    done
    if [ ${#inputs[@]} = 0 ]; then
      printf 'FAIL  fuzz %-12s no seeds in tests/fuzz/corpus/%s\n' "$n" "$n"
      failed=1; continue
    fi
    start=$(date +%s%N)
    if "$bin" $(dict_of "$n") "${inputs[@]}" > "$log" 2>&1; then
      printf 'ok    fuzz %-12s %3d inputs %5d ms\n' "$n" ${#inputs[@]} \
        $(( ($(date +%s%N) - start) / 1000000 ))
    else
      printf 'FAIL  fuzz %-12s (log: %s)\n' "$n" "$log"
      grep -E 'Running:|ERROR|runtime error|SUMMARY' "$log" | tail -6 | sed 's/^/      /'
      failed=1
    fi
  else
    work=$build/corpus/$n findings=$build/findings/$n
    mkdir -p "$work" "$findings"
    seeds=()
    for d in tests/fuzz/corpus/$n tests/fuzz/regressions/$n; do
      [ -d "$d" ] && seeds+=("$d")
    done
    # One process (the machine is shared); rss and time limits per input
    # turn a runaway parser into a finding instead of a stuck run.
    if "$bin" $(dict_of "$n") -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$findings/" "$work" "${seeds[@]}" > "$log" 2>&1; then
      last=$(grep -E '^#[0-9]+' "$log" | tail -1)
      execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
      rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
      cov=$(printf '%s\n' "$last" | grep -oE 'cov: [0-9]+' | grep -oE '[0-9]+')
      ft=$(printf '%s\n' "$last" | grep -oE 'ft: [0-9]+' | grep -oE '[0-9]+')
      printf 'ok    fuzz %-12s %4ss %10s execs %7s/s cov %5s ft %6s\n' "$n" \
        "$seconds" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}"
    else
      printf 'FAIL  fuzz %-12s finding in %s (log: %s)\n' "$n" "$findings" "$log"
      grep -E 'ERROR|runtime error|SUMMARY|Test unit written' "$log" | tail -6 | sed 's/^/      /'
      echo "      replay: $bin <file>; keep it in tests/fuzz/regressions/$n/ once fixed"
      failed=1
    fi
  fi
done
exit $failed
