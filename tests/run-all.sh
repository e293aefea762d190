#!/usr/bin/env bash
# Everything `make test` runs, with one closing summary line:
#   the build's rules and the module table, the appliance image's
#   configuration, unit tests, unit tests under ASan/UBSan, the hub's SQL
#   drivers on a PostgreSQL server of the tests' own, end-to-end scripts,
#   the kiosk's riskiest scripts under ASan/UBSan, the crash test, the
#   golden-image test, the dashboard in a browser, the fuzzing corpora and
#   saved findings replayed through the libFuzzer harnesses (one count per
#   harness).
# Tests run TEST_JOBS at a time (tests/pool.sh), the longest first, and are
# reported section by section in this order.
set -u
build=${1:-build}
asan=${2:-build/asan}
fuzz=${3:-build/fuzz}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy BUILD="$build"
. tests/pool.sh
asan_env=(BUILD="$asan" ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
          UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1)
began=$(date +%s)

# The two unit runs take longest (the layout sweep): they start first.
pool_section "unit tests"
pool_add_unit unit -- tests/run-unit.sh "$build"
pool_section "unit tests under AddressSanitizer + UBSan"
pool_add_unit unit-asan "${asan_env[@]}" -- tests/run-unit.sh "$asan"

pool_section "build rules"
pool_add build-rules -- bash tests/build/test_rules.sh
pool_add architecture -- bash tests/build/test_architecture.sh

pool_section "appliance image configuration (no image build)"
pool_add image-config -- bash tests/image/test_image_config.sh
pool_add image-update -- bash tests/image/test_update.sh
pool_add image-tryboot -- bash tests/image/test_tryboot_module.sh

pool_section "hub storage drivers on a PostgreSQL server of the tests' own"
for t in test_sqlx test_hub_store_pg test_hub_partitions test_hub_migrate; do
  pool_add "pg:$t" -- bash tests/hub/test_sqlx_pg.sh "$t"
  pool_add "asan:pg:$t" "${asan_env[@]}" -- bash tests/hub/test_sqlx_pg.sh "$t"
done

pool_section "end-to-end"
# test_hub_backends.sh runs these on SQLite and PostgreSQL: once is enough.
both=" $(sed -n 's/^STATS_SCRIPTS="\(.*\)"$/\1/p' tests/e2e/test_hub_backends.sh) "
while read -r t; do
  case $both in *" $(basename "$t" .sh) "*) continue ;; esac
  pool_add "$(basename "$t")" -- bash "$t"
done < <(pool_order tests/e2e/test_*.sh)

pool_section "end-to-end under AddressSanitizer + UBSan (the kiosk's riskiest paths)"
for name in disk_full full_rating provision_ca dossier corrupt_db bad_survey bad_config \
            timeout_partial admin provision_file lang_check; do
  pool_add "asan:test_$name.sh" "${asan_env[@]}" -- bash "tests/e2e/test_$name.sh"
done

pool_section "crash test (SIGKILL during ratings)"
pool_add crash -- tests/crash/crash.sh "$build"

pool_section "golden images"
pool_add golden -- tests/golden/golden.sh "$build"

pool_section "dashboard in a real browser (chromium, playwright-core)"
pool_add web -- tests/web/run.sh "$build"
pool_add web-province -- tests/web/province.sh "$build"
pool_add web-national -- tests/web/national.sh "$build"

pool_section "fuzzing regressions (corpora and saved findings, tests/fuzz)"
for f in tests/fuzz/*.c; do
  n=$(basename "$f" .c)
  pool_add "fuzz:$n" -- tests/fuzz/run.sh "$fuzz" replay "$n"
done

pool_run
echo
[ "$pool_failed" = 0 ] || printf 'failed: %s\n' "${pool_failures[*]}"
echo "$pool_passed passed, $pool_failed failed ($(( $(date +%s) - began )) s, $(pool_jobs) at a time)"
[ "$pool_failed" = 0 ]
