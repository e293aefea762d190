# Shared by the hub's end-to-end tests and its benchmark: a temporary
# directory, the real sipas-hub serving on 127.0.0.1 with a port of its
# own choosing, and small HTTP and database functions.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
HUB="$BUILD/sipas-hub"
UPLOAD="$ROOT/tests/hub/upload.py"
T=$(mktemp -d)
HUB_PID=""
HUB_URL=""

hub_cleanup() {
  if [ -n "$HUB_PID" ]; then
    kill -TERM "$HUB_PID" 2>/dev/null || true
    wait "$HUB_PID" 2>/dev/null || true
  fi
  rm -rf "$T"
}
trap hub_cleanup EXIT

fail() { echo "FAIL: $*" >&2; [ -f "$T/serve.log" ] && tail -5 "$T/serve.log" >&2; exit 1; }

[ -x "$HUB" ] || fail "$HUB is not built"
. "$ROOT/tests/hub/backend.sh"
hub_backend_start hub_cleanup

# hub_serve LOG DB [serve options...]: serves DB on 127.0.0.1, port chosen
# by the hub, its log in LOG; waits for its "listening on URL" line and
# sets SERVE_PID and SERVE_URL (a test may run several hubs).
hub_serve() {
  local log=$1 db=$2 i
  shift 2
  : > "$log"
  "$HUB" serve --db "$db" --listen 127.0.0.1:0 "$@" 2> "$log" &
  SERVE_PID=$!
  for ((i = 0; i < 200; i++)); do
    SERVE_URL=$(sed -n 's/^listening on \(.*\)$/\1/p' "$log")
    [ -n "$SERVE_URL" ] && return 0
    kill -0 "$SERVE_PID" 2>/dev/null || { SERVE_PID=""; fail "the hub exited: $(cat "$log")"; }
    sleep 0.05
  done
  kill -TERM "$SERVE_PID" 2>/dev/null || true
  fail "the hub did not start listening"
}

# hub_start DB [serve options...]: hub_serve into $T/serve.log, setting
# HUB_PID and HUB_URL, which the other functions use.
hub_start() {
  HUB_PID=""
  hub_serve "$T/serve.log" "$@"
  HUB_PID=$SERVE_PID
  HUB_URL=$SERVE_URL
}

# hub_stop: SIGTERM, and the hub must exit 0 after closing its database.
hub_stop() {
  local rc=0
  kill -TERM "$HUB_PID"
  wait "$HUB_PID" || rc=$?
  HUB_PID=""
  [ "$rc" = 0 ] || fail "the hub exited $rc on SIGTERM"
  grep -q "database closed" "$T/serve.log" || fail "no clean shutdown in the log"
}

# req METHOD PATH [curl options...]: the status code on stdout, the body
# in $T/body (kept under HUB_RECORD too), the headers in $T/headers.
req() {
  local method=$1 path=$2 rc=0
  shift 2
  curl -sS -o "$T/body" -D "$T/headers" -w '%{http_code}' -X "$method" \
    ${CURL_TLS:-} "$HUB_URL$path" "$@" || rc=$?
  [ "$rc" != 0 ] || hub_record "$path"
  return "$rc"
}

# kiosk_req METHOD PATH INSTALL_ID SECRET [curl options...]
kiosk_req() {
  local method=$1 path=$2 id=$3 secret=$4
  shift 4
  req "$method" "$path" -H "Authorization: Bearer $secret" \
    -H "X-Sipas-Kiosk: $id" -H 'Content-Type: application/json' "$@"
}

# hub_enroll CODE INSTALL_ID: a kiosk enrolls at counter "Quầy 1".
hub_enroll() {
  req POST /api/v1/enroll -H 'Content-Type: application/json' \
    --data-binary "{\"code\": \"$1\", \"install_id\": \"$2\", \"counter\": \"Quầy 1\", \"version\": \"0.1.0\"}"
}

# hub_upload INSTALL_ID SECRET SEQ DAYS UNIT COMPLETE FIVES: an upload of
# 12 rows a day made by tests/hub/upload.py, no officer signed in.
hub_upload() {
  python3 "$UPLOAD" "$1" "$3" "$4" --unit "$5" --complete "$6" --fives "$7" \
    --rows 12 --officer "" > "$T/up.json"
  kiosk_req POST /api/v1/ingest "$1" "$2" --data-binary "@$T/up.json"
}

# expect_status WANT GOT WHAT: also requires a JSON error body for 4xx/5xx.
expect_status() {
  [ "$2" = "$1" ] || fail "$3: expected HTTP $1, got $2: $(head -c 300 "$T/body")"
  if [ "$1" -ge 400 ]; then
    python3 - "$T/body" <<'PY' || fail "$3: error body is not {\"error\", \"message\"}"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert isinstance(d.get("error"), str) and d["error"], d
assert isinstance(d.get("message"), str) and d["message"], d
PY
  fi
}

# jget EXPR: a Python expression over the last body (d) printed.
jget() {
  python3 - "$T/body" "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
v = eval(sys.argv[2])
print(json.dumps(v, sort_keys=True) if isinstance(v, (dict, list)) else v)
PY
}

new_install_id() { head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
