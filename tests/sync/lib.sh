# Shared by the sync end-to-end tests (after tests/e2e/lib.sh): the real
# hub on 127.0.0.1, the fault proxy, ratings through the real kiosk, and the
# comparison of the hub's statistics with `sipasctl export`.
SYNC_LIB="$ROOT/tests/sync"
HUB="$BUILD/sipas-hub"
SYNC_PIDS=()
sync_cleanup() {
  local p
  # Only the test's own shell cleans up, never a subshell that ends.
  [ "$BASHPID" = "$$" ] || return 0
  syncd_cleanup
  for p in "${SYNC_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${SYNC_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$T"
}
trap sync_cleanup EXIT
[ -x "$HUB" ] || fail "no $HUB (make build/sipas-hub)"
# HUB_BACKEND=pg: the hub on a PostgreSQL server of the test's own.
. "$ROOT/tests/hub/backend.sh"
hub_backend_start sync_cleanup
HUB_DB=$(hub_db hub)
UNIT=XA-MINHTAN
# Backoff from 200 ms instead of 2 s: retries are tested in milliseconds.
export SIPAS_SYNC_BACKOFF_MS=200
# The uploader (sipas-sync) is not started unless a test wants it
# (syncd_start), and the kiosk's setting keeps it off too: sipasctl does
# the uploading, so every request the hub sees is the test's. Each script
# run starts its virtual clock afresh within one boot, so the burst rule
# would see the previous run's ratings "in the future": it is off; the
# minimum interval still suppresses the quick ones.
KIOSK_JSON='"misuse": {"burst_count": 0}'
echo "{\"sync\": {\"enabled\": false}, $KIOSK_JSON}" > "$T/kiosk.json"
KIOSK_CONFIG="$T/kiosk.json"

# hub_init: a fresh hub database ($HUB_DB) with one unit and an analyst
# token.
hub_init() {
  "$HUB" unit add "$UNIT" "UBND xã Minh Tân" --db "$HUB_DB" 2>/dev/null
  TOKEN=$("$HUB" token add --scope province --db "$HUB_DB" 2>/dev/null)
}

# hub_start [serve args...]: starts the hub (port 0 unless --listen is
# given); sets HUB_PID, HUB_URL, HUB_PORT and writes $T/upstream for the
# proxy.
hub_start() {
  local listen=127.0.0.1:0 log="$T/hub.err.$RANDOM" i
  if [ "${1:-}" = --port ]; then listen=127.0.0.1:$2; shift 2; fi
  : > "$log" # there before the hub opens it, so reading it never races
  "$HUB" serve --db "$HUB_DB" --listen "$listen" "$@" 2> "$log" &
  HUB_PID=$!
  SYNC_PIDS+=("$HUB_PID")
  for ((i = 0; i < 100; i++)); do
    HUB_URL=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$log")
    [ -n "$HUB_URL" ] && break
    kill -0 "$HUB_PID" 2>/dev/null || { cat "$log" >&2; fail "hub did not start"; }
    sleep 0.05
  done
  [ -n "$HUB_URL" ] || { cat "$log" >&2; fail "hub did not say where it listens"; }
  HUB_PORT=${HUB_URL##*:}
  echo "127.0.0.1:$HUB_PORT" > "$T/upstream"
  HUB_LOG=$log
}

hub_stop() { kill "$HUB_PID"; wait "$HUB_PID" 2>/dev/null || true; }
hub_kill9() { kill -9 "$HUB_PID"; wait "$HUB_PID" 2>/dev/null || true; }

new_code() { "$HUB" enroll-code --unit "$UNIT" --db "$HUB_DB" 2>/dev/null; }

# provision URL [sipasctl args...]
provision() {
  local url=$1; shift
  "$CTL" provision --data "$DATA" --hub "$url" --code "$(new_code)" "$@" \
    > "$T/provision.out" 2> "$T/provision.err" ||
    { cat "$T/provision.err" >&2; fail "provision failed"; }
}

# rate N [ratings.py args...]: N citizens rate through the real kiosk.
rate() {
  python3 "$SYNC_LIB/ratings.py" "$@" > "$T/ratings"
  "$KIOSK" --window 800x480 --data "$DATA" --config "$KIOSK_CONFIG" \
    --script "$T/ratings" --events "$T/events" 2> "$T/kiosk.err" ||
    { cat "$T/kiosk.err" >&2; fail "ratings script failed"; }
}

# proxy_start MODE [faultproxy args...]: sets PROXY_URL, PROXY_PID.
proxy_start() {
  local mode=$1 i; shift
  rm -f "$T/proxy.port"
  python3 "$SYNC_LIB/faultproxy.py" --mode "$mode" --port-file "$T/proxy.port" \
    --upstream-file "$T/upstream" --log "$T/proxy.log" "$@" 2> "$T/proxy.err" &
  PROXY_PID=$!
  SYNC_PIDS+=("$PROXY_PID")
  for ((i = 0; i < 100; i++)); do
    [ -s "$T/proxy.port" ] && break
    sleep 0.05
  done
  [ -s "$T/proxy.port" ] || { cat "$T/proxy.err" >&2; fail "proxy did not start"; }
  PROXY_URL="http://127.0.0.1:$(cat "$T/proxy.port")"
}

# plan JSON: what the HTTP proxy does next (see faultproxy.py).
plan() { printf '%s\n' "$1" > "$T/plan.tmp"; mv "$T/plan.tmp" "$T/plan"; }

# sync_once [args...]: sipasctl sync; output in $T/sync.out and sync.err.
sync_once() {
  "$CTL" sync --data "$DATA" --once "$@" > "$T/sync.out" 2> "$T/sync.err"
}
sync_ok() { sync_once "$@" || { cat "$T/sync.out" "$T/sync.err" >&2; fail "sync failed"; }; }
sync_fails() {
  if sync_once "$@"; then cat "$T/sync.out" >&2; fail "sync succeeded, expected a failure"; fi
}
# expect_in FILE TEXT: FILE mentions TEXT (a fixed string).
expect_in() { grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "$1 does not say \"$2\""; }; }

# totals [check_totals args...]: the hub's statistics equal the export.
totals() {
  "$CTL" export --data "$DATA" --format csv > "$T/export.csv"
  python3 "$SYNC_LIB/check_totals.py" --export "$T/export.csv" --hub "$HUB_URL" \
    --token "$TOKEN" "$@" > "$T/totals.out" 2> "$T/totals.err" ||
    { cat "$T/totals.err" >&2; fail "hub totals are not exact"; }
}

# counted: complete, non-suppressed responses in the export.
counted() {
  "$CTL" export --data "$DATA" --format csv > "$T/export.csv"
  python3 -c "
import csv,sys
print(len({r['seq'] for r in csv.DictReader(open(sys.argv[1], encoding='utf-8'))
           if r['partial'] == '0' and r['suppressed'] == '0'}))" "$T/export.csv"
}

# requests PATH [STATUS]: how many requests the proxy saw for PATH.
requests() {
  python3 -c "
import json,sys
n=0
for l in open(sys.argv[1]):
    e=json.loads(l)
    if e['path']==sys.argv[2] and (len(sys.argv)<4 or str(e.get('status'))==sys.argv[3]): n+=1
print(n)" "$T/proxy.log" "$@"
}

# A throw-away provincial CA and the hub's certificate for 127.0.0.1 and
# localhost, made with the openssl command line only, in DIR:
# ca.key ca.pem hub.key hub.pem (and hub.csr, ext for tests that sign more).
tls_make_ca() {
  local ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
  (cd "$1" &&
    openssl req -x509 $ec -keyout ca.key -out ca.pem -days 2 -subj "/CN=Test Province CA" \
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign &&
    openssl req $ec -keyout hub.key -out hub.csr -subj "/CN=127.0.0.1" &&
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > ext &&
    openssl x509 -req -in hub.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out hub.pem -days 2 \
      -extfile ext) 2> /dev/null || fail "openssl could not make the test CA"
}
