#!/usr/bin/env bash
# Everything `make test` runs, in order, with one closing summary line:
#   the build's rules and the module table, the appliance image's
#   configuration, unit tests, unit tests under
#   ASan/UBSan, the hub's SQL drivers on PostgreSQL, end-to-end scripts, the crash test, the golden-image test,
#   the dashboard in a browser, the fuzzing corpora and saved findings
#   replayed through the libFuzzer harnesses (one count per harness).
set -u
build=${1:-build}
asan=${2:-build/asan}
fuzz=${3:-build/fuzz}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy BUILD="$build"
passed=0 failed=0
failures=()

count() { # name exit-code
  if [ "$2" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$1"); fi
}

# Unit binaries report their cases; they count one by one.
count_unit() { # name log exit-code
  local p f
  p=$(sed -n 's/^unit ([^)]*): \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$2")
  f=$(sed -n 's/^unit ([^)]*): \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$2")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  if [ "$3" != 0 ]; then failures+=("$1"); [ "${f:-0}" != 0 ] || failed=$((failed + 1)); fi
}
ulog=$(mktemp)
trap 'rm -f "$ulog"' EXIT

section() { printf '\n== %s\n' "$*"; }

section "build rules"
bash tests/build/test_rules.sh; count build-rules $?
bash tests/build/test_architecture.sh; count architecture $?

section "appliance image configuration (no image build)"
bash tests/image/test_image_config.sh; count image-config $?
bash tests/image/test_update.sh; count image-update $?
bash tests/image/test_tryboot_module.sh; count image-tryboot $?

section "unit tests"
tests/run-unit.sh "$build" | tee "$ulog"; count_unit unit "$ulog" "${PIPESTATUS[0]}"

section "unit tests under AddressSanitizer + UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  tests/run-unit.sh "$asan" | tee "$ulog"; count_unit unit-asan "$ulog" "${PIPESTATUS[0]}"

section "hub storage drivers on a PostgreSQL server of the tests' own"
for t in test_sqlx test_hub_store_pg test_hub_partitions test_hub_migrate; do
  bash tests/hub/test_sqlx_pg.sh "$t"; count "pg:$t" $?
  BUILD="$asan" ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1 \
    bash tests/hub/test_sqlx_pg.sh "$t"; count "asan:pg:$t" $?
done

section "end-to-end"
# test_hub_backends.sh runs these on SQLite and PostgreSQL: once is enough.
both=" $(sed -n 's/^STATS_SCRIPTS="\(.*\)"$/\1/p' tests/e2e/test_hub_backends.sh) "
for t in tests/e2e/test_*.sh; do
  case $both in *" $(basename "$t" .sh) "*) continue ;; esac
  start=$(date +%s%N)
  if out=$(bash "$t" 2>&1); then
    printf 'ok    %-40s %5d ms\n' "$(basename "$t")" $(( ($(date +%s%N) - start) / 1000000 ))
    count "$t" 0
  else
    printf 'FAIL  %s\n' "$(basename "$t")"; printf '%s\n' "$out" | tail -25 | sed 's/^/      /'
    count "$t" 1
  fi
done

section "end-to-end under AddressSanitizer + UBSan (the kiosk's riskiest paths)"
for name in full_rating dossier disk_full corrupt_db bad_survey bad_config timeout_partial admin provision_file provision_ca lang_check; do
  t=tests/e2e/test_$name.sh
  if out=$(BUILD="$asan" ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1 bash "$t" 2>&1); then
    printf 'ok    %s\n' "$(basename "$t")"; count "asan:$t" 0
  else
    printf 'FAIL  %s\n' "$(basename "$t")"; printf '%s\n' "$out" | tail -25 | sed 's/^/      /'
    count "asan:$t" 1
  fi
done

section "crash test (SIGKILL during ratings)"
tests/crash/crash.sh "$build"; count crash $?

section "golden images"
tests/golden/golden.sh "$build"; count golden $?

section "dashboard in a real browser (chromium, playwright-core)"
tests/web/run.sh "$build"; count web $?
tests/web/province.sh "$build"; count web-province $?
tests/web/national.sh "$build"; count web-national $?

section "fuzzing regressions (corpora and saved findings, tests/fuzz)"
for f in tests/fuzz/*.c; do
  n=$(basename "$f" .c)
  tests/fuzz/run.sh "$fuzz" replay "$n"; count "fuzz:$n" $?
done

echo
[ "$failed" = 0 ] || printf 'failed: %s\n' "${failures[*]}"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
