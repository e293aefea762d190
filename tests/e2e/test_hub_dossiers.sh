# Dossier-bound ratings leave the hub one row per rating (Decision
# 766/QĐ-TTg): real kiosks scan dossier codes, sipasctl uploads them, and
# the province's dossier system pulls them in pages from a cursor. A
# re-pull gives the same rows; new ratings come after the last cursor; a
# kiosk that uploads everything again adds nothing, a changed rating comes
# back once, as a correction; tokens see their own units only; bad input
# is 4xx and changes nothing; /api/v1/stats carries item 5.4's figure.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/sync/lib.sh"
OTHER=XA-KHAC
hub_init
"$HUB" unit add "$OTHER" "UBND xã Khác" --db "$HUB_DB" 2>/dev/null
TOK_A=$("$HUB" token add --scope "unit:$UNIT" --db "$HUB_DB" 2>/dev/null)
TOK_B=$("$HUB" token add --scope "unit:$OTHER" --db "$HUB_DB" 2>/dev/null)
hub_start

# req PATH [TOKEN]: GET with a token; status on stdout, body in $T/body.
get() {
  curl -sS -o "$T/body" -D "$T/headers" -w '%{http_code}' \
    -H "Authorization: Bearer ${2:-$TOKEN}" "$HUB_URL$1"
}
jget() {
  python3 - "$T/body" "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
v = eval(sys.argv[2])
print(json.dumps(v, sort_keys=True) if isinstance(v, (dict, list)) else v)
PY
}
expect_status() { [ "$2" = "$1" ] || fail "$3: expected HTTP $1, got $2: $(head -c 300 "$T/body")"; }
digest() {
  hub_sql "$HUB_DB" "SELECT rev, install_id, seq, dossier, at, day, satisfied, answers, coalesce(CAST(corrects AS TEXT), '') FROM dossier_ratings ORDER BY rev" | sha256sum
}

D1=000.00.07.H42-261120-0001
D2=000.00.07.H42-261120-0002
D3=000.00.07.H42-261120-0003
D4=000.00.07.H42-261120-0004
D5=000.00.07.H42-261120-0005

# ---- kiosk A (this unit): two dossiers and one rating without a dossier --
provision "$HUB_URL"
kiosk_ok "type $D1
expect question
$(answers 5 6)
expect thanks
wait 12000
type $D2
tap answer.1
expect reasons
tap reason.cho-lau
tap next
$(answers 4 5)
expect thanks
wait 12000
tap start
tap field.dat-dai
$(answers 4 6)
expect thanks
wait 12000" --config "$KIOSK_CONFIG"
sync_ok
A_DATA=$DATA

# ---- kiosk B (the other unit): one dossier, not satisfied, walked away ---
DATA="$T/var-b"
"$CTL" provision --data "$DATA" --hub "$HUB_URL" \
  --code "$("$HUB" enroll-code --unit "$OTHER" --db "$HUB_DB" 2>/dev/null)" \
  > /dev/null 2> "$T/provision.err" || { cat "$T/provision.err" >&2; fail "provision B"; }
kiosk_ok "type $D3
tap answer.2
expect reasons
tap next
tap answer.3
wait 31000
expect idle" --config "$KIOSK_CONFIG"
sync_ok

# ---- pull in pages -----------------------------------------------------
expect_status 200 "$(get "/api/v1/dossiers?limit=2")" "first page"
[ "$(jget '[r["dossier"] for r in d["dossiers"]]')" = "[\"$D1\", \"$D2\"]" ] || fail "first page: $(cat "$T/body")"
[ "$(jget 'd["more"]')" = True ] || fail "a full page says there may be more"
[ "$(jget '[(r["unit"], r["satisfied"], r["partial"], r["correction"]) for r in d["dossiers"]]')" = \
  "[[\"$UNIT\", true, false, false], [\"$UNIT\", false, false, false]]" ] || fail "verdicts: $(cat "$T/body")"
[ "$(jget '[a["question"] + "=" + a["answer"] for a in d["dossiers"][1]["answers"]]')" = \
  '["overall=1", "reasons=cho-lau", "tiep-can=4", "thu-tuc=4", "cong-chuc=4", "ket-qua=4", "gop-y=4"]' ] ||
  [ "$(jget 'sorted(a["question"] + "=" + a["answer"] for a in d["dossiers"][1]["answers"])')" = \
  '["cong-chuc=4", "gop-y=4", "ket-qua=4", "overall=1", "reasons=cho-lau", "thu-tuc=4", "tiep-can=4"]' ] ||
  fail "answers: $(jget 'd["dossiers"][1]["answers"]')"
# the time is local and clock-corrected, and the day is the one it counts in
python3 - "$T/body" <<'PY' || fail "recorded_at and day disagree: $(cat "$T/body")"
import json, sys, datetime
d = json.load(open(sys.argv[1]))
for r in d["dossiers"]:
    t = datetime.datetime.fromisoformat(r["recorded_at"])
    assert t.utcoffset() == datetime.timedelta(hours=7), r
    assert t.date().isoformat() == r["day"], r
    assert int(t.timestamp()) == r["recorded_at_ms"] // 1000, r
    assert r["id"].endswith(":%d" % int(r["id"].split(":")[1])), r
PY
cp "$T/body" "$T/page1.json"
NEXT=$(jget 'd["next"]')
expect_status 200 "$(get "/api/v1/dossiers?after=$NEXT&limit=2")" "second page"
[ "$(jget '[(r["dossier"], r["unit"], r["satisfied"], r["partial"]) for r in d["dossiers"]]')" = \
  "[[\"$D3\", \"$OTHER\", false, true]]" ] || fail "second page: $(cat "$T/body")"
[ "$(jget 'd["more"]')" = False ] || fail "the last page says more"
cp "$T/body" "$T/page2.json"
END=$(jget 'd["next"]')
# the end: the same cursor again, nothing new
expect_status 200 "$(get "/api/v1/dossiers?after=$END")" "at the end"
[ "$(jget '[d["dossiers"], d["next"], d["more"]]')" = "[[], \"$END\", false]" ] || fail "end: $(cat "$T/body")"

# ---- idempotent re-pull ----------------------------------------------
expect_status 200 "$(get "/api/v1/dossiers?limit=2")" "re-pull"
cmp -s "$T/body" "$T/page1.json" || fail "re-pulling the first page differs"
expect_status 200 "$(get "/api/v1/dossiers?after=$NEXT&limit=2")" "re-pull 2"
cmp -s "$T/body" "$T/page2.json" || fail "re-pulling the second page differs"

# ---- the kiosk uploads everything again: nothing new, nothing re-emitted --
DATA=$A_DATA
before=$(digest)
rm -f "$DATA/sync.db" "$DATA/sync.db-wal" "$DATA/sync.db-shm"
provision "$HUB_URL"
sync_ok
[ "$(digest)" = "$before" ] || { hub_sql "$HUB_DB" "SELECT * FROM dossier_ratings" >&2; fail "a full re-upload changed the dossier log"; }
expect_status 200 "$(get "/api/v1/dossiers?after=$END")" "after the re-upload"
[ "$(jget 'd["dossiers"]')" = "[]" ] || fail "a re-upload re-emitted: $(cat "$T/body")"

# ---- new ratings come after the last cursor ----------------------------
kiosk_ok "type $D4
$(answers 3 6)
expect thanks
wait 12000" --config "$KIOSK_CONFIG"
sync_ok
expect_status 200 "$(get "/api/v1/dossiers?after=$END")" "new data"
[ "$(jget '[(r["dossier"], r["satisfied"], r["correction"]) for r in d["dossiers"]]')" = \
  "[[\"$D4\", true, false]]" ] || {
  # what the kiosk did, what the upload said and what the hub holds
  grep -E '"(committed|suppressed|dossier)' "$T/events" | tail -5 >&2
  tail -3 "$T/sync.out" "$T/sync.err" >&2
  hub_sql "$HUB_DB" "SELECT rev, seq, dossier, at, day FROM dossier_ratings ORDER BY rev" >&2
  fail "new data: $(cat "$T/body")"; }
END2=$(jget 'd["next"]')

# ---- a changed rating comes back once, as a correction -------------------
IID=$(sqlite3 "$DATA/sync.db" "SELECT install_id FROM enrollment")
SECRET=$(sqlite3 "$DATA/sync.db" "SELECT secret FROM enrollment")
SEQ=$(hub_sql "$HUB_DB" "SELECT seq FROM dossier_ratings WHERE dossier = '$D4'")
AT=$(hub_sql "$HUB_DB" "SELECT at FROM dossier_ratings WHERE dossier = '$D4'")
DAY=$(hub_sql "$HUB_DB" "SELECT day FROM dossier_ratings WHERE dossier = '$D4'")
# an hour later, or earlier when later is another local day
AT2=$(python3 -c "
import datetime as d
tz = d.timezone(d.timedelta(hours=7))
day = lambda ms: d.datetime.fromtimestamp(ms / 1000, tz).date()
print($AT + 3600000 if day($AT + 3600000) == day($AT) else $AT - 3600000)")
corrected() { # AT_MS: D4 as a kiosk would send it with its time corrected
  cat <<JSON
{"install_id": "$IID", "upload_id": "$IID:$SEQ", "upto_seq": $SEQ, "days": [],
 "dossiers": [{"seq": $SEQ, "dossier": "$D4", "at": $1, "day": "$DAY", "estimated": 0,
   "unit": "$UNIT", "field": "khac", "instrument": "sipas-short", "version": 1, "partial": 0,
   "answers": ["overall=3"]}]}
JSON
}
post() { # BODY-FILE
  curl -sS -o "$T/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $SECRET" \
    -H "X-Sipas-Kiosk: $IID" -H 'Content-Type: application/json' \
    --data-binary "@$1" "$HUB_URL/api/v1/ingest"
}
corrected $AT2 > "$T/fix.json"
expect_status 200 "$(post "$T/fix.json")" "correction"
[ "$(jget 'd["dossiers"]')" = '{"corrected": 1, "new": 0, "unchanged": 0}' ] || fail "ack: $(cat "$T/body")"
expect_status 200 "$(post "$T/fix.json")" "the correction again"
[ "$(jget 'd["dossiers"]')" = '{"corrected": 0, "new": 0, "unchanged": 1}' ] || fail "ack again: $(cat "$T/body")"
expect_status 200 "$(get "/api/v1/dossiers?after=$END2")" "the correction"
[ "$(jget '[(r["dossier"], r["correction"], r["corrects"], r["recorded_at_ms"]) for r in d["dossiers"]]')" = \
  "[[\"$D4\", true, \"$END2\", $AT2]]" ] || fail "correction row: $(cat "$T/body")"
END3=$(jget 'd["next"]')
# the row it corrects is still there, unchanged, for whoever pulls from before
expect_status 200 "$(get "/api/v1/dossiers?after=$END")" "from before the correction"
[ "$(jget '[(r["cursor"], r["recorded_at_ms"]) for r in d["dossiers"]]')" = \
  "[[\"$END2\", $AT], [\"$END3\", $AT2]]" ] || fail "history: $(cat "$T/body")"

# ---- scope ------------------------------------------------------------
expect_status 200 "$(get "/api/v1/dossiers" "$TOK_B")" "B's own"
[ "$(jget '[r["dossier"] for r in d["dossiers"]]')" = "[\"$D3\"]" ] || fail "B sees: $(cat "$T/body")"
expect_status 200 "$(get "/api/v1/dossiers?limit=5000" "$TOK_A")" "A's own"
[ "$(jget '[r["dossier"] for r in d["dossiers"]]')" = "[\"$D1\", \"$D2\", \"$D4\", \"$D4\"]" ] || fail "A sees: $(cat "$T/body")"
expect_status 403 "$(get "/api/v1/dossiers?unit=$UNIT" "$TOK_B")" "B asks for A's unit"
expect_status 403 "$(get "/api/v1/dossiers?unit=NOPE" "$TOK_B")" "B asks for an unknown unit"
expect_status 200 "$(get "/api/v1/dossiers?unit=$OTHER")" "the province narrows to B"
[ "$(jget '[r["dossier"] for r in d["dossiers"]]')" = "[\"$D3\"]" ] || fail "unit=: $(cat "$T/body")"

# ---- CSV ---------------------------------------------------------------
expect_status 200 "$(get "/api/v1/dossiers?format=csv&limit=2")" "CSV"
grep -qi '^content-type: text/csv; charset=utf-8' "$T/headers" || fail "CSV content type"
python3 - "$T/body" "$D1" "$D2" "$NEXT" <<'PY' || fail "CSV: $(cat "$T/body")"
import csv, io, sys
text = open(sys.argv[1], encoding="utf-8-sig", newline="").read()
rows = list(csv.DictReader(io.StringIO(text, newline="")))
assert [r["dossier"] for r in rows] == sys.argv[2:4], rows
assert [r["satisfied"] for r in rows] == ["true", "false"], rows
assert rows[-1]["cursor"] == sys.argv[4], rows
assert "overall=1" in rows[1]["answers"].split(";"), rows[1]
PY

# ---- bad input: 4xx, nothing changes -----------------------------------
before=$(digest)
for bad in "after=abc" "after=-1" "after=01" "after=99999999" "after=99999999999999999999" \
           "limit=0" "limit=5001" "limit=1e3" "after=1&after=2" "cursor=1" "format=xml" "unit=a%20b" "after="; do
  status=$(get "/api/v1/dossiers?$bad")
  [ "$status" = 400 ] || fail "$bad: expected 400, got $status: $(cat "$T/body")"
done
[ "$(jget 'd["error"]')" = bad-request ] || fail "error code"
status=$(get "/api/v1/dossiers?after=99999999")
[ "$(jget 'd["error"]')" = bad-cursor ] || fail "a cursor never handed out: $(cat "$T/body")"
expect_status 401 "$(get "/api/v1/dossiers" nonsense)" "no token"
expect_status 405 "$(curl -sS -o "$T/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" "$HUB_URL/api/v1/dossiers")" "POST"
# an upload with a bad dossier row is refused whole
sed 's/"estimated": 0/"estimated": 0, "extra": 1/' "$T/fix.json" > "$T/bad.json"
expect_status 400 "$(post "$T/bad.json")" "an unknown key"
corrected $((AT + 5 * 86400000)) > "$T/bad.json"
expect_status 400 "$(post "$T/bad.json")" "a day that is not the time's"
sed "s/\"unit\": \"$UNIT\"/\"unit\": \"$OTHER\"/" "$T/fix.json" > "$T/bad.json"
expect_status 403 "$(post "$T/bad.json")" "another unit's dossier"
[ "$(digest)" = "$before" ] || fail "bad input changed the dossier log"

# ---- item 5.4 in the statistics -----------------------------------------
FROM=$(python3 -c "print(min('$DAY', '$(hub_sql "$HUB_DB" "SELECT min(day) FROM dossier_ratings")'))")
expect_status 200 "$(get "/api/v1/stats?from=$FROM&to=$DAY")" "stats"
# D1 and D4 satisfied, D2 and D3 not: 2 of 4 judged dossiers not satisfied
[ "$(jget '[d["decision_766"][k] for k in ("dossiers", "judged", "not_satisfied", "satisfied_pct", "rate_pct", "overdue_pct", "points")]')" = \
  "[4, 4, 2, 50.0, null, null, null]" ] || fail "5.4: $(jget 'd["decision_766"]')"
expect_status 200 "$(get "/api/v1/stats?from=$FROM&to=$DAY" "$TOK_A")" "stats A"
[ "$(jget '[d["decision_766"][k] for k in ("dossiers", "not_satisfied", "satisfied_pct")]')" = \
  "[3, 1, 66.7]" ] || fail "5.4 for A: $(jget 'd["decision_766"]')"
echo ok
