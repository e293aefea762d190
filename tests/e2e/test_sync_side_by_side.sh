# sipas-kiosk and sipas-sync side by side on one data directory, as
# systemd runs them on the device: neither needs the other to live.
#  - A stored rating reaches the hub within seconds, far under the
#    uploader's own 60 s timer: the kiosk's wake-up is heard.
#  - sipas-sync killed (SIGKILL) while the hub's answer is still on the
#    way: the kiosk keeps rating; started again, it sends what it had not
#    seen acknowledged and the hub counts every rating exactly once.
#  - The kiosk killed (SIGKILL) while the hub is down: sipas-sync keeps
#    trying on its backoff and uploads everything the kiosk had stored.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/sync/lib.sh"

hub_init
hub_start
proxy_start http --plan "$T/plan"
plan '{}'
provision "$PROXY_URL"
printf '{"sync": {"interval_s": 60}, "misuse": {"min_interval_s": 0, "burst_count": 0}}\n' > "$T/side.json"
syncd_start --config "$T/side.json"

kiosk_feed_start --config "$T/side.json"
citizens() { python3 "$SYNC_LIB/ratings.py" "$1" --seed "$2"; }
committed() { q "len([e for e in events if e['event'] == 'committed'])"; }
# exact: the hub's statistics equal what the kiosk stored.
exact() {
  "$CTL" export --data "$DATA" --format csv > "$T/live.csv" &&
    python3 "$SYNC_LIB/check_totals.py" --export "$T/live.csv" --hub "$HUB_URL" \
      --token "$TOKEN" > /dev/null 2>&1
}
# wait_exact SECONDS WHAT: until exact, at most SECONDS; prints the time.
wait_exact() {
  local start end
  start=$(date +%s%N)
  end=$((start + $1 * 1000000000))
  until exact; do
    [ "$(date +%s%N)" -lt "$end" ] || { cat "$T/syncd.err" >&2; fail "$2: the hub is not exact after $1 s"; }
    sleep 0.1
  done
  echo "$2: exact after $(( ($(date +%s%N) - start) / 1000000 )) ms"
}

steps "expect idle"
# sipas-sync's first pass (a heartbeat) is long over: from now on only a
# wake-up or its 60 s timer starts one.
sleep 2
# ---- the wake-up: a rating at the hub in seconds ------------------------
steps "$(citizens 1 60)"
[ "$(committed)" = 1 ] || fail "the first rating was not stored"
wait_exact 5 "woken by the kiosk"

# ---- sipas-sync dies with an answer on the way ---------------------------
plan '{"/api/v1/ingest": ["delay:3000"]}'
steps "$(citizens 1 61)"
for ((i = 0; i < 100; i++)); do
  [ "$(requests /api/v1/ingest)" -ge 2 ] && break
  sleep 0.05
done
[ "$(requests /api/v1/ingest)" -ge 2 ] || fail "no upload after the second rating"
syncd_stop KILL
# the kiosk keeps rating with no uploader at all
steps "$(citizens 2 62)"
[ "$(committed)" = 4 ] || fail "the kiosk stored $(committed) of 4 ratings without the uploader"
kill -0 "$KPID" || fail "the kiosk died with the uploader"
exact && fail "the hub counted ratings while no uploader ran"
plan '{}'
# started again (the stale wake-up socket is replaced): whatever it had
# not seen acknowledged goes again, and counts once
syncd_start --config "$T/side.json"
wait_exact 10 "after sipas-sync was killed and started again"

# ---- the kiosk dies while the hub is down --------------------------------
hub_stop
steps "$(citizens 3 63)"
[ "$(committed)" = 7 ] || fail "the kiosk stored $(committed) of 7 ratings"
sleep 0.5
kill -KILL "$KPID"
wait "$KPID" 2> /dev/null || true
exec 3>&-
kill -0 "$SYNCD_PID" || fail "sipas-sync died with the kiosk"
hub_start --port "$HUB_PORT"
wait_exact 20 "after the kiosk was killed and the hub came back"
kill -0 "$SYNCD_PID" || fail "sipas-sync is gone"
totals
echo ok
