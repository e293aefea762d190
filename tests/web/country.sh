#!/usr/bin/env bash
# tests/web/country.sh [BUILD]: the national dashboard on a generated
# country in a real browser. tests/bench/hub_country.sh builds and keeps
# serving the country (its env knobs apply: QUICK=1 for a small one);
# tests/web/country.mjs drills from the country to one province and
# takes national-country34-*.png into $SHOTS (build/web-shots unless set).
# Ends with "N passed, N failed".
# shellcheck source=suite.sh
source "$(dirname "${BASH_SOURCE[0]}")/suite.sh"
COUNTRY_KEEP="$T/keep" bash "$ROOT/tests/bench/hub_country.sh" "$BUILD" > "$T/country.log" 2>&1 &
BENCH_PID=$!
trap 'kill -TERM "$BENCH_PID" 2> /dev/null || true; wait "$BENCH_PID" 2> /dev/null || true; hub_cleanup' EXIT
while [ ! -s "$T/keep" ]; do
  kill -0 "$BENCH_PID" 2> /dev/null || fail "the country did not come up: $(tail -5 "$T/country.log")"
  sleep 2
done
cat "$T/country.log"
read -r url token < "$T/keep"
node "$WEB_TESTS/country.mjs" "$url" "$token" "${YEAR:-2025}" "${PROVINCES:-34}" "$SHOTS" "$CHROMIUM" "$T"
