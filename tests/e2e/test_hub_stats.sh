# The statistics API over real HTTP: a kiosk enrolled and uploading through
# the protocol (tests/hub/upload.py), totals by quarter and unit as JSON
# and CSV, scopes (403), replays that change nothing, a merge and a rename
# recorded while the hub runs (rollup current and recorded), the units
# listing, targets from --targets/--province.
. "$(dirname "$0")/../hub/lib.sh"
DB=$(hub_db hub)
Y=$(( $(TZ=Asia/Ho_Chi_Minh date +%Y) - 1 )) # last year: always in the past

"$HUB" unit add TINH "Tỉnh Mẫu" --db "$DB" 2> /dev/null
"$HUB" unit add HA "Huyện A" --parent TINH --db "$DB" 2> /dev/null
"$HUB" unit add HB "Huyện B" --parent TINH --db "$DB" 2> /dev/null
"$HUB" unit add XA1 "Xã 1" --parent HA --db "$DB" 2> /dev/null
"$HUB" unit add XA2 "Xã 2" --parent HA --db "$DB" 2> /dev/null
"$HUB" unit add XB1 "Xã B1" --parent HB --db "$DB" 2> /dev/null
CODE1=$("$HUB" enroll-code --unit XA1 --db "$DB" 2> /dev/null)
CODE2=$("$HUB" enroll-code --unit XA2 --db "$DB" 2> /dev/null)
TOKEN=$("$HUB" token add --scope province --db "$DB" 2> /dev/null)
TOK_HA=$("$HUB" token add --scope unit:HA --db "$DB" 2> /dev/null)
TOK_HB=$("$HUB" token add --scope unit:HB --db "$DB" 2> /dev/null)

# ---- serve: a broken targets file stops it, a good one is used -------------
echo '{"format": "sipas-targets/1", "indicators": {}, "targets": [' > "$T/bad.json"
rc=0; "$HUB" serve --db "$DB" --listen 127.0.0.1:0 --targets "$T/bad.json" 2> "$T/err" || rc=$?
[ "$rc" = 1 ] && grep -q "bad.json:" "$T/err" || fail "a broken targets file: exit $rc, $(cat "$T/err")"
rc=0; "$HUB" serve --db "$DB" --listen 127.0.0.1:0 --province "Hau Giang" 2> /dev/null || rc=$?
[ "$rc" = 2 ] || fail "a bad province slug: exit $rc"
cat > "$T/targets.json" <<'EOF'
{"format": "sipas-targets/1",
 "indicators": {
   "tthc": {"vi": "Giải quyết TTHC", "en": "Procedures"},
   "phuc-vu-hcnn": {"vi": "Sự phục vụ", "en": "Service"},
   "dvc-truc-tuyen": {"vi": "Dịch vụ công trực tuyến", "en": "Online"}},
 "targets": [
   {"province": "*", "indicator": "phuc-vu-hcnn", "op": ">=", "threshold": 100, "year": 2020},
   {"province": "hau-giang", "indicator": "phuc-vu-hcnn", "op": ">", "threshold": 99.5, "year": 2020},
   {"province": "*", "indicator": "tthc", "op": ">=", "threshold": 90, "year": 2020},
   {"province": "*", "indicator": "dvc-truc-tuyen", "op": ">=", "threshold": 90, "year": 2020}]}
EOF
hub_start "$DB" --rate-limit 1000 --targets "$T/targets.json" --province hau-giang

K1=$(new_install_id); K2=$(new_install_id)
expect_status 200 "$(hub_enroll "$CODE1" "$K1")" "enroll K1"
S1=$(jget 'd["secret"]')
expect_status 200 "$(hub_enroll "$CODE2" "$K2")" "enroll K2"
S2=$(jget 'd["secret"]')

# No officer signed in: these counts are shown in every grouping (what
# officer privacy withholds is tests/e2e/test_hub_privacy.sh's).
# Quarter boundaries at local midnight: the kiosk buckets by local day.
expect_status 200 "$(hub_upload "$K1" "$S1" 3 "$Y-03-31,$Y-04-01" XA1 3 3)" "upload K1"
expect_status 200 "$(hub_upload "$K2" "$S2" 7 "$Y-06-30,$Y-07-01" XA2 5 4)" "upload K2"

stats() { # TOKEN QUERY
  req GET "/api/v1/stats?$2" -H "Authorization: Bearer $1"
}

# ---- totals ----------------------------------------------------------------
expect_status 200 "$(stats "$TOKEN" "period=$Y&group=quarter")" "by quarter"
[ "$(jget '[(g["key"]["period"], g["responses"], g["partial"]) for g in d["groups"]]')" = \
  "[[\"$Y-Q1\", 3, 1], [\"$Y-Q2\", 8, 2], [\"$Y-Q3\", 5, 1]]" ] || fail "by quarter: $(cat "$T/body")"
[ "$(jget '[[q["counts"]["5"] for q in g["questions"] if q["id"] == "overall"][0] for g in d["groups"]]')" = \
  "[3, 7, 4]" ] || fail "fives by quarter"
[ "$(jget 'all(q["ci95"] is not None for g in d["groups"] for q in g["questions"] if q["satisfied_pct"] is not None)')" = True ] ||
  fail "a percentage without its interval"
cp "$T/body" "$T/first.json"
expect_status 200 "$(stats "$TOKEN" "period=$Y-H1")" "first half"
[ "$(jget 'd["groups"][0]["responses"]')" = 11 ] || fail "H1 total"
expect_status 200 "$(stats "$TOKEN" "from=$Y-03-31&to=$Y-04-01&group=day")" "two days"
[ "$(jget '[g["responses"] for g in d["groups"]]')" = "[3, 3]" ] || fail "by day"
expect_status 200 "$(stats "$TOKEN" "period=$Y&group=unit")" "by unit"
[ "$(jget '[(g["key"]["unit"], g["key"]["name"], g["responses"]) for g in d["groups"]] == [("XA1", "Xã 1", 6), ("XA2", "Xã 2", 10)]')" = True ] ||
  fail "by unit: $(cat "$T/body")"
# Targets from --targets for --province hau-giang: "> 99.5" on the service
# of state agencies is judged on the index (every element answer here is 1
# or 2: 0%), not on the overall question (all fives: 100%), so not met;
# the online-services indicator is not computed from kiosk data.
[ "$(jget '[(t["indicator"], t["operator"], t["threshold"], t["value"], t["met"]) for t in d["groups"][0]["targets"]]')" = \
  '[["tthc", ">=", 90, 0.0, false], ["phuc-vu-hcnn", ">", 99.5, 0.0, false]]' ] ||
  fail "targets: $(jget 'd["groups"][0]["targets"]')"

# ---- CSV ------------------------------------------------------------------
req GET "/api/v1/stats?period=$Y&group=unit&format=csv" -H "Authorization: Bearer $TOKEN" > "$T/status"
[ "$(cat "$T/status")" = 200 ] || fail "CSV: HTTP $(cat "$T/status")"
grep -qi '^content-type: text/csv; charset=utf-8' "$T/headers" || fail "CSV content type"
[ "$(head -c 3 "$T/body" | od -An -tx1 | tr -d ' \n')" = efbbbf ] || fail "CSV without BOM"
python3 - "$T/body" <<'PY' || fail "CSV content"
import csv, io, sys
text = open(sys.argv[1], encoding="utf-8-sig", newline="").read()
assert "\r\n" in text
rows = list(csv.reader(io.StringIO(text, newline="")))
head = ("group_key,group_name,responses,partial,suppressed,question,instrument,"
        "element,n,c1,c2,c3,c4,c5,satisfied_pct,ci95_low,ci95_high,index,"
        "target_indicator,target_operator,target_threshold,target_met").split(",")
assert rows[0] == head, rows[0]
body = rows[1:]
assert all(len(r) == 22 for r in body)
overall = {r[0]: r for r in body if r[5] == "overall"}
assert overall["XA1"][2] == "6" and overall["XA1"][13] == "6", overall["XA1"]
assert overall["XA2"][1] == "Xã 2" and overall["XA2"][13] == "8", overall["XA2"]
assert overall["XA1"][14] == "100" and overall["XA1"][15], overall["XA1"]
met = [r for r in body if r[18] == "phuc-vu-hcnn"]
assert len(met) == 2 and all(r[19] == ">" and r[21] == "false" for r in met), met
PY

# ---- scope ------------------------------------------------------------------
expect_status 403 "$(stats "$TOK_HB" "period=$Y&unit=XA1")" "HB's token on XA1"
[ "$(jget 'd["error"]')" = forbidden ] || fail "403 error code"
expect_status 403 "$(stats "$TOK_HB" "period=$Y&unit=NOPE")" "HB's token on an unknown unit"
expect_status 403 "$(stats "$TOK_HA" "period=$Y&unit=TINH")" "HA's token above its unit"
expect_status 404 "$(stats "$TOKEN" "period=$Y&unit=NOPE")" "province token, unknown unit"
expect_status 200 "$(stats "$TOK_HB" "period=$Y&group=unit")" "HB's own scope"
[ "$(jget 'd["groups"]')" = "[]" ] || fail "HB sees others' data"
expect_status 200 "$(stats "$TOK_HA" "period=$Y")" "HA's own scope"
[ "$(jget 'd["groups"][0]["responses"]')" = 16 ] || fail "HA total"

# ---- replays change nothing ------------------------------------------------------
for i in 1 2 3; do
  expect_status 200 "$(hub_upload "$K2" "$S2" 7 "$Y-06-30,$Y-07-01" XA2 5 4)" "replay"
  expect_status 200 "$(hub_upload "$K2" "$S2" 2 "$Y-06-30" XA2 50 50)" "stale upload"
done
expect_status 200 "$(stats "$TOKEN" "period=$Y&group=quarter")" "after replays"
cmp -s "$T/body" "$T/first.json" || fail "replays changed the totals: $(cat "$T/body")"

# ---- history while the hub runs ------------------------------------------------------
"$HUB" unit merge XA2 --into XB1 --from "$Y-07-01" --db "$DB" 2> /dev/null || fail "merge"
"$HUB" unit rename XA1 "Xã Một" --from "$Y-07-01" --db "$DB" 2> /dev/null || fail "rename"
rc=0; "$HUB" unit rename XA1 "Xã Hai" --from "$Y-06-01" --db "$DB" 2> "$T/err" || rc=$?
[ "$rc" = 1 ] && grep -q "date order" "$T/err" || fail "a change before the last one: exit $rc"
"$HUB" unit history XA2 --db "$DB" 2> /dev/null > "$T/history"
grep -q "^$Y-07-01	merge	HA	XB1	" "$T/history" || fail "history: $(cat "$T/history")"
"$HUB" audit --db "$DB" 2> /dev/null > "$T/audit"
grep -q "unit.merge" "$T/audit" || fail "the merge is not audited"
expect_status 200 "$(stats "$TOKEN" "period=$Y&group=unit")" "current after the merge"
[ "$(jget '[(g["key"]["unit"], g["key"]["name"], g["responses"]) for g in d["groups"]] == [("XA1", "Xã Một", 6), ("XB1", "Xã B1", 10)]')" = True ] ||
  fail "rollup=current: $(cat "$T/body")"
expect_status 200 "$(stats "$TOKEN" "period=$Y-Q2&group=unit&rollup=recorded")" "recorded"
[ "$(jget '[(g["key"]["unit"], g["key"]["name"], g["responses"]) for g in d["groups"]] == [("XA1", "Xã 1", 3), ("XA2", "Xã 2", 5)]')" = True ] ||
  fail "rollup=recorded: $(cat "$T/body")"
expect_status 200 "$(stats "$TOK_HB" "period=$Y")" "HB after the merge"
[ "$(jget 'd["groups"][0]["responses"]')" = 10 ] || fail "HB holds XA2's responses now"
expect_status 200 "$(req GET /api/v1/units -H "Authorization: Bearer $TOK_HB")" "units"
[ "$(jget '[(u["code"], u["merged_into"]) for u in d["units"]]')" = \
  '[["HB", null], ["XB1", null], ["XA2", "XB1"]]' ] || fail "units: $(cat "$T/body")"
expect_status 200 "$(req GET "/api/v1/units?at=$Y-06-30" -H "Authorization: Bearer $TOK_HA")" "units on a date"
[ "$(jget '[(u["code"], u["name"]) for u in d["units"]] == [("HA", "Huyện A"), ("XA1", "Xã 1"), ("XA2", "Xã 2")]')" = True ] ||
  fail "units at: $(cat "$T/body")"

hub_stop
echo ok
