# sipas-hub against slow and greedy clients on loopback (deadlines of 2 and
# 3 s so it runs in seconds): tricklers from four addresses while /healthz
# and a kiosk's upload from others are served at once; a slow head, a slow
# body and a body too long in coming cut at their deadline with 408, a
# silent kept-alive connection closed without one; one address held to its
# share of the connections, and never to all of them.
. "$(dirname "$0")/../hub/lib.sh"
SLOW="$ROOT/tests/hub/slow.py"
DB=$(hub_db hub)
TODAY=$(TZ=Asia/Ho_Chi_Minh date +%F)

"$HUB" unit add TINH "Tỉnh" --db "$DB" 2> /dev/null
"$HUB" unit add XA-MINHTAN "Xã Minh Tân" --parent TINH --db "$DB" 2> /dev/null
CODE=$("$HUB" enroll-code --unit XA-MINHTAN --db "$DB" 2> /dev/null)

rc=0; "$HUB" serve --db "$DB" --listen 127.0.0.1:0 --header-timeout-s 5 \
  --request-timeout-s 4 2> "$T/err" || rc=$?
[ "$rc" = 2 ] && grep -q "cannot be below --header-timeout-s" "$T/err" || fail "request deadline below the head's: exit $rc"
# Through a file: grep -q stops reading at its match, and under pipefail a
# help text longer than the pipe's buffer would then die of SIGPIPE.
"$HUB" serve --help > "$T/help"
grep -q -- "--min-rate N" "$T/help" || fail "serve --help lacks --min-rate"

# Over 96 connections, four addresses of 32 (the old per-address default)
# would fill the table; at 16 each they cannot.
hub_start "$DB" --max-connections 96 --header-timeout-s 2 --request-timeout-s 3 \
  --min-rate 200 --rate-limit 1000
PORT=${HUB_URL##*:}
K=$(new_install_id)
expect_status 200 "$(req POST /api/v1/enroll --interface 127.0.0.8 -H 'Content-Type: application/json' \
  --data-binary "{\"code\": \"$CODE\", \"install_id\": \"$K\", \"counter\": \"Quầy 1\", \"version\": \"0.1.0\"}")" "enroll"
SECRET=$(jget 'd["secret"]')
python3 "$UPLOAD" "$K" 1 "$TODAY" --rows 200 > "$T/up.json"

python3 "$SLOW" attack "$PORT" --addrs 127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5 \
  --per 40 --every 0.5 --seconds 5 --probe-from 127.0.0.6 > "$T/attack.json" & ATTACK=$!
python3 "$SLOW" slow "$PORT" --from 127.0.0.7 --mode head > "$T/head.json" & P1=$!
python3 "$SLOW" slow "$PORT" --from 127.0.0.9 --mode body > "$T/body.json" & P2=$!
python3 "$SLOW" slow "$PORT" --from 127.0.0.12 --mode rate > "$T/rate.json" & P3=$!
python3 "$SLOW" flood "$PORT" --from 127.0.0.10 --count 40 > "$T/flood.json" & P4=$!
python3 "$SLOW" slow "$PORT" --from 127.0.0.13 --mode keep > "$T/keep.json" & P5=$!
sleep 2.5 # the attack in place (a Python start takes a second on a busy machine)
# --max-time: an upload that waits on the attack fails, as a kiosk's would.
got=$(curl -sS -o "$T/body" -w '%{http_code}' --interface 127.0.0.8 --max-time 2 \
  -H "Authorization: Bearer $SECRET" -H "X-Sipas-Kiosk: $K" -H 'Content-Type: application/json' \
  --data-binary "@$T/up.json" "$HUB_URL/api/v1/ingest")
expect_status 200 "$got" "a kiosk's upload under attack"
for p in $ATTACK $P1 $P2 $P3 $P4 $P5; do wait "$p" || fail "a slow client failed"; done

# One Python for every check: each start costs a second on a busy machine.
python3 - "$T" <<'PY' || fail "slow clients"
import json, sys
def load(name):
    return json.load(open("%s/%s.json" % (sys.argv[1], name)))
def check(ok, what, d):
    if not ok:
        sys.exit("%s: %s" % (what, json.dumps(d)))
d = load("attack")
check(d["probes_failed"] == 0 and d["probes_ok"] >= 8, "/healthz under attack", d)
check(d["held_max"] <= 16, "a trickling address above its 16 connections", d)
check(d["cut"] >= 64 and d["cut_max_ms"] <= 3500, "tricklers not cut at the 2 s head deadline", d)
for name, low, high, what in (("head", 1900, 3700, "a slow head"),
                              ("body", 1900, 3700, "a body at 20 B/s (min 200)"),
                              ("rate", 2900, 4700, "a body past the 3 s request deadline")):
    d = load(name)
    check(d["status"] == 408 and low <= d["cut_after_ms"] <= high, what, d)
    check(json.loads(d["json"])["error"] == "request-timeout", what + ": the 408's body", d)
# Kept alive and then silent: closed at the head deadline, without a 408 a
# client sending its next request just then would take for the answer.
d = load("keep")
check(d["status"] is None and 1900 <= d["cut_after_ms"] <= 3700, "a kept-alive connection", d)
d = load("flood")
check(d["held"] == 16, "one address flooding 40 connections", d)
PY
grep -q "slow client 127.0.0.7 cut after [0-9]* ms: request headers not complete in time" "$T/serve.log" || fail "slow head not logged"
grep -q "slow client 127.0.0.9 cut after [0-9]* ms: request body below the minimum rate" "$T/serve.log" || fail "slow body not logged"
grep -q "slow client 127.0.0.12 cut after [0-9]* ms: request not complete in time" "$T/serve.log" || fail "late body not logged"
expect_status 200 "$(req GET /healthz)" "healthz after the attack"
hub_stop

# Behind a proxy one address is allowed every connection; the hub still
# keeps an eighth for the others (a monitor probing /healthz directly).
hub_start "$DB" --max-connections 24 --max-per-ip 24 --header-timeout-s 2 --request-timeout-s 3
PORT=${HUB_URL##*:}
grep -q "one address may hold 21 of the 24 connections" "$T/serve.log" || fail "the reserve is not logged"
python3 "$SLOW" flood "$PORT" --from 127.0.0.10 --count 30 --probe-from 127.0.0.6 > "$T/flood.json"
grep -q '"held": 21, "probe_ok": true' "$T/flood.json" || fail "one address taking every connection: $(cat "$T/flood.json")"
hub_stop
echo "test_hub_slow: ok"
