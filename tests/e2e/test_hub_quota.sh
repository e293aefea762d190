#!/usr/bin/env bash
# sipas-hub's quotas over real HTTP, written as the attacks: one kiosk's
# credential uploading large valid bodies of new days in a loop is stopped
# after a bounded growth of the database while another kiosk goes on being
# accepted; replayed bodies are stopped before they are read; a busy
# counter's honest uploads (and re-uploads) are never refused; a disk
# below its reserve refuses writes and says so in /healthz, and writes
# resume once there is room.
. "$(dirname "$0")/../hub/lib.sh"
DB=$(hub_db hub)
TODAY=$(TZ=Asia/Ho_Chi_Minh date +%F)

ingest() { # INSTALL_ID SECRET BODY-FILE
  kiosk_req POST /api/v1/ingest "$1" "$2" --data-binary "@$3"
}
enroll() { # UNIT: "ID SECRET" of a new kiosk of UNIT
  local code id
  code=$("$HUB" enroll-code --unit "$1" --db "$DB" 2> /dev/null)
  id=$(new_install_id)
  expect_status 200 "$(req POST /api/v1/enroll -H 'Content-Type: application/json' \
    --data-binary "{\"code\": \"$code\", \"install_id\": \"$id\"}")" "enroll at $1"
  echo "$id $(jget 'd["secret"]')"
}
# bodies OUT-PREFIX INSTALL_ID UNIT ROWS FIRST-SEQ FIRST-DAY N-UPLOADS DAYS-EACH:
# N upload bodies OUT-PREFIX.0.json ... of DAYS-EACH consecutive new days
# each, ROWS rows a day (tests/hub/upload.py's rows), made in one process.
bodies() {
  python3 - "$ROOT/tests/hub" "$@" <<'PY'
import datetime, importlib, json, sys, types
sys.path.insert(0, sys.argv[1])
upload = importlib.import_module("upload")
out, kiosk, unit, rows, seq, first, n, each = sys.argv[2:]
a = types.SimpleNamespace(unit=unit, counter="", officer="CB001", complete=300, fives=2,
                          rows=int(rows))
day = datetime.date.fromisoformat(first)
for i in range(int(n)):
    days = [str(day + datetime.timedelta(days=i * int(each) + j))
            for j in range(int(each))]
    body = {"install_id": kiosk, "upload_id": "%s:%d" % (kiosk, int(seq) + i),
            "upto_seq": int(seq) + i,
            "days": [upload.day_snapshot(d, a) for d in days]}
    with open("%s.%d.json" % (out, i), "w", encoding="utf-8") as f:
        json.dump(body, f, ensure_ascii=False)
PY
}
db_kb() { hub_size_kb "$DB"; }
expect_quota() { # WHAT: the last answer was 429 quota-exceeded with Retry-After
  grep -q '^{"error":"quota-exceeded","message":"[^"]' "$T/body" || fail "$1: $(cat "$T/body")"
  grep -qi '^Retry-After: [1-9][0-9]*' "$T/headers" || fail "$1: 429 without Retry-After"
}

# The quotas are on unless switched off: serve's usage gives the defaults.
"$HUB" serve --help > "$T/usage"
grep -q -- "--quota-rows-day N" "$T/usage" && grep -q "(default 1000000; 0 = no quota)" "$T/usage" &&
  grep -q -- "--quota-upload-mb N" "$T/usage" && grep -q -- "--min-free-mb N" "$T/usage" ||
  fail "serve --help does not give the quotas"
rc=0; "$HUB" serve --db "$DB" --listen 127.0.0.1:0 --quota-rows-day -1 2> /dev/null || rc=$?
[ "$rc" = 2 ] || fail "--quota-rows-day -1: exit $rc"

"$HUB" unit add XA-A "Xã A" --db "$DB" 2> /dev/null
"$HUB" unit add XA-B "Xã B" --db "$DB" 2> /dev/null

# ---- storage: one credential writing new days in a loop --------------------
# 10,000 rows a day for this test (the default is 1,000,000); each upload
# is 4 new days of 1,150 rows (4,600 rows, just under 1 MiB).
hub_start "$DB" --quota-rows-day 10000
read -r KA SA <<< "$(enroll XA-A)"
read -r KB SB <<< "$(enroll XA-B)"
bodies "$T/big" "$KA" XA-A 1150 10 2001-01-01 8 4
python3 "$UPLOAD" "$KB" 10 "$TODAY" --unit XA-B --rows 40 > "$T/small.json"
before=$(db_kb)
accepted=0 refused=0
for ((i = 0; i < 8; i++)); do
  cp "$T/big.$i.json" "$T/big.json"
  s=$(ingest "$KA" "$SA" "$T/big.json")
  if [ "$s" = 200 ]; then
    accepted=$((accepted + 1))
  else
    [ "$refused" -gt 0 ] || expect_status 429 "$s" "attacker's upload $i"
    [ "$s" = 429 ] || fail "attacker's upload $i: HTTP $s"
    expect_quota "attacker's upload $i"
    grep -q "accepted tomorrow" "$T/body" || fail "the refusal does not say when: $(cat "$T/body")"
    refused=$((refused + 1))
  fi
  # the other kiosk is served all along
  expect_status 200 "$(ingest "$KB" "$SB" "$T/small.json")" "the other kiosk's upload $i"
done
[ "$accepted" = 2 ] && [ "$refused" = 6 ] || fail "accepted $accepted, refused $refused: want 2 and 6"
held=$(hub_sql "$DB" "SELECT (SELECT count(*) FROM day_responses WHERE install_id = '$KA') + (SELECT count(*) FROM day_answers WHERE install_id = '$KA')")
[ "$held" = 9200 ] || fail "the attacker holds $held rows, want 9200 (nothing partial)"
# a refused upload changes nothing, and re-sending held days still passes
before_digest=$(db_digest "$DB")
[ "$(ingest "$KA" "$SA" "$T/big.json")" = 429 ] || fail "the refused upload again"
[ "$(db_digest "$DB")" = "$before_digest" ] || fail "a refused upload wrote something"
python3 - "$T/big.0.json" "$T/again.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
d["upto_seq"] = 30
d["upload_id"] = d["upload_id"].split(":")[0] + ":30"
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
expect_status 200 "$(ingest "$KA" "$SA" "$T/again.json")" "re-sending held days at the quota"
hub_stop
grown=$(($(db_kb) - before))
# 9,200 rows of ~100 bytes with their indexes and summaries: a few MiB,
# where the 8 uploads would have written 36,800 rows. On PostgreSQL each
# row carries a 24-byte header, each month partition its own indexes, and
# a row replaced by the re-sent days stays until vacuum: 26 MiB measured
# for the 9,200, four times that for 36,800.
limit=6144; [ "$HUB_BACKEND" = sqlite ] || limit=40960
[ "$grown" -le "$limit" ] || fail "the database grew by $grown KiB (at most $limit)"

# the quota is per process and counts what the database holds: a restarted
# hub with a total of 10,000 rows still refuses the attacker's growth
hub_start "$DB" --quota-rows-total 10000
expect_status 429 "$(ingest "$KA" "$SA" "$T/big.json")" "growth past the total after a restart"
expect_quota "total"
grep -q -- "--quota-rows-total" "$T/body" || fail "the total's refusal does not name the option"
hub_stop

# ---- uploads: large bodies replayed are stopped before they are read ----
hub_start "$DB" --quota-upload-mb 2
for i in 1 2; do
  expect_status 200 "$(ingest "$KA" "$SA" "$T/again.json")" "replay $i within the hour's MiB"
done
expect_status 429 "$(ingest "$KA" "$SA" "$T/again.json")" "third MiB in an hour"
expect_quota "upload quota"
wait_s=$(sed -n 's/^Retry-After: \([0-9]*\).*/\1/ip' "$T/headers")
[ "$wait_s" -ge 1000 ] && [ "$wait_s" -le 1800 ] || fail "Retry-After $wait_s for a 1 MiB refill at 2 MiB/h"
grep -q "nothing was read" "$T/body" || fail "upload quota message"
expect_status 200 "$(ingest "$KB" "$SB" "$T/small.json")" "the other kiosk during the replay"
hub_stop

# ---- an honest busy counter: 60 days of 300 responses, re-uploaded -----
# With the default quotas: 500 rows a day (300 responses over a few
# officers and the whole short survey), eight days an upload, 64 days sent
# twice (a kiosk whose acknowledgements were lost sends them all again).
hub_start "$DB"
read -r KH SH <<< "$(enroll XA-B)"
bodies "$T/honest" "$KH" XA-B 500 100 "$(TZ=Asia/Ho_Chi_Minh date -d '64 days ago' +%F)" 8 8
for pass in 1 2; do
  for ((i = 0; i < 8; i++)); do
    expect_status 200 "$(ingest "$KH" "$SH" "$T/honest.$i.json")" "honest upload $pass.$i"
  done
done
hub_stop

# ---- the disk: below the reserve, writes answer 503 and /healthz says so
# On PostgreSQL the server's disk is the server's to watch (docs/HUB.md):
# no reserve, whatever is asked, and /healthz says so with nulls.
if [ "$HUB_BACKEND" = pg ]; then
hub_start "$DB" --min-free-mb 1073741824
expect_status 200 "$(ingest "$KB" "$SB" "$T/small.json")" "ingest with a reserve on PostgreSQL"
expect_status 200 "$(req GET /healthz)" "healthz on PostgreSQL"
[ "$(jget '[d["free_mb"], d["reserve_mb"]]')" = '[null, null]' ] ||
  fail "PostgreSQL's healthz speaks of a disk: $(cat "$T/body")"
hub_stop
else
# The real filesystem, with a reserve larger than any disk: refused.
hub_start "$DB" --min-free-mb 1073741824
before_digest=$(db_digest "$DB")
expect_status 503 "$(ingest "$KB" "$SB" "$T/small.json")" "ingest below the reserve"
grep -q '"error":"storage-full"' "$T/body" || fail "storage-full code"
grep -qi '^Retry-After: [0-9]' "$T/headers" || fail "503 without Retry-After"
expect_status 503 "$(kiosk_req POST /api/v1/heartbeat "$KB" "$SB" --data-binary '{"pending": 0}')" "heartbeat below the reserve"
expect_status 200 "$(req GET /healthz)" "healthz below the reserve"
[ "$(jget 'd["storage"]')" = full ] || fail "healthz does not say storage full: $(cat "$T/body")"
[ "$(db_digest "$DB")" = "$before_digest" ] || fail "a write below the reserve changed the database"
grep -q "below the reserve" "$T/serve.log" || fail "the refusal is not logged"
hub_stop
# A small free figure injected at the filesystem query, default reserve.
SIPAS_HUB_DISK_FREE_KB=2048 hub_start "$DB"
expect_status 503 "$(ingest "$KB" "$SB" "$T/small.json")" "ingest with 2 MiB free"
expect_status 200 "$(req GET /healthz)" "healthz with 2 MiB free"
[ "$(jget 'd["storage"] == "full" and d["free_mb"] == 2 and d["reserve_mb"] > 2')" = True ] ||
  fail "healthz with 2 MiB free: $(cat "$T/body")"
hub_stop
SIPAS_HUB_DISK_FREE_KB=2048 hub_start "$DB" --min-free-mb 0
expect_status 200 "$(ingest "$KB" "$SB" "$T/small.json")" "no reserve: accepted"
hub_stop
# Room again: accepted, and /healthz shows the real figures.
hub_start "$DB"
python3 "$UPLOAD" "$KB" 500 "$TODAY" --unit XA-B --rows 40 > "$T/small.json"
expect_status 200 "$(ingest "$KB" "$SB" "$T/small.json")" "ingest once there is room"
expect_status 200 "$(req GET /healthz)" "healthz with room"
size_kb=$(df -Pk "$T" | awk 'NR == 2 {print $2}')
want=$(( size_kb / 100 * 5 / 1024 )); [ "$want" -le 512 ] || want=512
[ "$(jget "d['storage'] == 'ok' and d['free_mb'] > 0 and abs(d['reserve_mb'] - $want) <= 1")" = True ] ||
  fail "healthz with room (reserve want $want MiB): $(cat "$T/body")"
hub_stop
fi
[ "$(hub_check "$DB")" = ok ] || fail "integrity"
echo ok
