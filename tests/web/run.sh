#!/usr/bin/env bash
# tests/web/run.sh [BUILD]: the analysts' dashboard in a real browser.
#
# Starts the real sipas-hub (port 0) on a fresh database, fills it through
# the real enrollment and ingest API (tests/web/seed.py: a province, two
# districts, four communes, five kiosks, 90 days), makes a province token
# and a unit token, then drives Debian's chromium with playwright-core
# (tests/web/dashboard.mjs). Screenshots go to $SHOTS (build/web-shots;
# `make shots` publishes them in docs/screenshots/)
# (dashboard-overview.png, dashboard-drilldown.png, dashboard-kiosks.png,
# 1366x768), or to $SHOTS when set. Ends with "N passed, N failed".
# shellcheck source=suite.sh
source "$(dirname "${BASH_SOURCE[0]}")/suite.sh"

hub_start "$T/hub.db"
python3 "$WEB_TESTS/seed.py" fill "$HUB" "$T/hub.db" "$HUB_URL" > "$T/tokens.json" \
  || fail "filling the hub failed"
# One kiosk's last contact goes back in time: done with the hub stopped,
# so only one program writes the database at a time.
hub_stop
python3 "$WEB_TESTS/seed.py" backdate "$T/hub.db" || fail "backdate failed"
hub_start "$T/hub.db" --quiet

rc=0
node "$WEB_TESTS/dashboard.mjs" "$HUB_URL" "$T/tokens.json" "$SHOTS" "$CHROMIUM" "$T" || rc=$?
# The hub must still stop cleanly (and, under ASan, without a leak).
hub_stop
exit "$rc"
