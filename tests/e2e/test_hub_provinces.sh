# The provinces as they are: the shipped hierarchy file
# (assets/units/example-2025.json) imported into a real hub, kiosks of old
# and new units uploading over HTTP, and statistics that show province ->
# commune from 2025-07-01 (no district) and the old provinces and their
# districts before it. Broken hierarchy files are refused naming file,
# line and field, and change nothing.
. "$(dirname "$0")/../hub/lib.sh"
DB=$(hub_db hub)
EXAMPLE="$ROOT/assets/units/example-2025.json"

# ---- import -------------------------------------------------------------------
"$HUB" unit import "$EXAMPLE" --db "$DB" 2> "$T/err" || fail "import: $(cat "$T/err")"
grep -q "imported 76 units and 38 changes" "$T/err" || fail "import message: $(cat "$T/err")"
"$HUB" unit list --db "$DB" 2> /dev/null > "$T/list"
for want in "XA-VINHLINH	QUANGTRI	Xã Vĩnh Linh" "XA-CUATUNG	QUANGTRI	Xã Cửa Tùng" \
    "XA-VINHHOANG	QUANGTRI	Xã Vĩnh Hoàng" "XA-VINHTHUY	QUANGTRI	Xã Vĩnh Thủy" \
    "XA-BENQUAN	QUANGTRI	Xã Bến Quan" "DK-CONCO	QUANGTRI	Đặc khu Cồn Cỏ" \
    "XA-VINHLINH.TTHCC	XA-VINHLINH	Trung tâm Phục vụ hành chính công xã Vĩnh Linh" \
    "VINHLONG.TTHCC.CN1	VINHLONG.TTHCC	Chi nhánh số 1 Trung tâm Phục vụ hành chính công tỉnh Vĩnh Long"; do
  grep -qxF "$want" "$T/list" || fail "unit list lacks: $want"
done
"$HUB" unit history QUANGTRI.VINHLINH --db "$DB" 2> /dev/null > "$T/history"
grep -q "^2025-07-01	merge	QUANGTRI	XA-VINHLINH	" "$T/history" || fail "history: $(cat "$T/history")"
[ "$("$HUB" audit --limit 500 --db "$DB" 2> /dev/null | grep -c "unit.merge")" = 38 ] ||
  fail "every merge is audited"

# ---- refusals: file, line, field; nothing changes ------------------------------------
before=$(db_digest "$DB")
refuse() { # WHAT WANT-IN-STDERR (file on stdin)
  cat > "$T/bad.json"
  local rc=0
  "$HUB" unit import "$T/bad.json" --db "$DB" 2> "$T/err" || rc=$?
  [ "$rc" = 1 ] || fail "$1: exit $rc"
  grep -qF "$2" "$T/err" || fail "$1: $(cat "$T/err")"
  [ "$(db_digest "$DB")" = "$before" ] || fail "$1 changed the database"
}
refuse "the same file twice" "bad.json:5: units[0].code: unit VINHLONG exists already" < "$EXAMPLE"
refuse "a syntax error" "bad.json:3:" <<'J'
{"format": "sipas-units/1",
 "units": [
   {"code": "A", "name": "Tỉnh A", "kind": "tinh",}]}
J
refuse "an unknown kind" "bad.json:4:46: units[1].kind: must be one of tinh" <<'J'
{"format": "sipas-units/1",
 "units": [
   {"code": "NEW-A", "name": "Tỉnh A", "kind": "tinh"},
   {"code": "NEW-B", "name": "Xã B", "kind": "village", "parent": "NEW-A"}]}
J
refuse "a district never merged" "bad.json:4:4: units[1]: its level (huyen) ended on 2025-07-01" <<'J'
{"format": "sipas-units/1",
 "units": [
   {"code": "NEW-A", "name": "Tỉnh A", "kind": "tinh"},
   {"code": "NEW-H", "name": "Huyện H", "kind": "huyen", "parent": "NEW-A"}]}
J
refuse "a district merged too late" "units[2]: its level (huyen) ended" <<'J'
{"format": "sipas-units/1",
 "units": [
   {"code": "NEW-A", "name": "Tỉnh A", "kind": "tinh"},
   {"code": "NEW-X", "name": "Xã X", "kind": "xa", "parent": "NEW-A"},
   {"code": "NEW-H", "name": "Huyện H", "kind": "huyen", "parent": "NEW-A"}],
 "changes": [{"unit": "NEW-H", "merge_into": "NEW-X", "from": "2025-07-02"}]}
J
refuse "a commune of a district" "units[2]: its parent's level (huyen) ended" <<'J'
{"format": "sipas-units/1",
 "units": [
   {"code": "NEW-A", "name": "Tỉnh A", "kind": "tinh"},
   {"code": "NEW-H", "name": "Huyện H", "kind": "huyen", "parent": "NEW-A"},
   {"code": "NEW-X", "name": "Xã X", "kind": "xa", "parent": "NEW-H"}],
 "changes": [{"unit": "NEW-H", "merge_into": "NEW-A", "from": "2025-07-01"}]}
J
refuse "a missing parent" "bad.json:4: units[1].parent: no unit NOPE" <<'J'
{"format": "sipas-units/1",
 "units": [
   {"code": "NEW-A", "name": "Tỉnh A", "kind": "tinh"},
   {"code": "NEW-X", "name": "Xã X", "kind": "xa", "parent": "NOPE"}]}
J
refuse "a change with two actions" "bad.json:4:14: changes[0]: needs exactly one of merge_into" <<'J'
{"format": "sipas-units/1",
 "units": [{"code": "NEW-A", "name": "Tỉnh A", "kind": "tinh"}],
 "changes": [
             {"unit": "NEW-A", "rename": "B", "move_to": "XA-VINHLINH", "from": "2025-07-01"}]}
J
refuse "a change after a merge" "bad.json:3: changes[0].unit: NEW-X was merged into XA-VINHLINH; it changes no more" <<'J'
{"format": "sipas-units/1",
 "units": [{"code": "NEW-X", "name": "Xã X", "kind": "xa", "parent": "QUANGTRI"}],
 "changes": [{"unit": "NEW-X", "rename": "Xã Y", "from": "2026-01-01"},
             {"unit": "NEW-X", "merge_into": "XA-VINHLINH", "from": "2025-07-01"}]}
J
refuse "a bad date" "changes[0].from: must be a date YYYY-MM-DD" <<'J'
{"format": "sipas-units/1",
 "units": [{"code": "NEW-X", "name": "Xã X", "kind": "xa", "parent": "QUANGTRI"}],
 "changes": [{"unit": "NEW-X", "rename": "Xã Y", "from": "2025-02-30"}]}
J

# ---- kiosks of old and new units ----------------------------------------------
TOKEN=$("$HUB" token add --scope province --db "$DB" 2> /dev/null)
TOK_QT=$("$HUB" token add --scope unit:QUANGTRI --db "$DB" 2> /dev/null)
hub_start "$DB" --rate-limit 1000
enroll() { # UNIT -> "INSTALL_ID SECRET"
  local code id
  code=$("$HUB" enroll-code --unit "$1" --db "$DB" 2> /dev/null)
  id=$(new_install_id)
  expect_status 200 "$(req POST /api/v1/enroll -H 'Content-Type: application/json' \
    --data-binary "{\"code\": \"$code\", \"install_id\": \"$id\", \"counter\": \"Quầy 1\", \"version\": \"0.1.0\"}")" "enroll at $1"
  echo "$id $(jget 'd["secret"]')"
}
upload() { # "ID SECRET" SEQ DAYS UNIT COMPLETE
  set -- $1 "${@:2}"
  python3 "$UPLOAD" "$1" "$3" "$4" --unit "$5" --complete "$6" --fives 1 --rows 4 > "$T/up.json"
  expect_status 200 "$(kiosk_req POST /api/v1/ingest "$1" "$2" --data-binary "@$T/up.json")" "upload $5"
}
# The kiosk of the old thị trấn Hồ Xá goes on recording its code after the
# merge; the district's one-stop counter and Đồng Hới likewise.
upload "$(enroll QUANGTRI.VINHLINH.HOXA)" 2 2025-06-30,2025-07-01 QUANGTRI.VINHLINH.HOXA 3
upload "$(enroll QUANGTRI.VINHLINH.MOTCUA)" 1 2025-06-30 QUANGTRI.VINHLINH.MOTCUA 4
upload "$(enroll QUANGBINH.DONGHOI)" 2 2025-06-30,2025-07-01 QUANGBINH.DONGHOI 5
upload "$(enroll XA-CUATUNG)" 1 2025-07-02 XA-CUATUNG 2
upload "$(enroll XA-VINHLINH.TTHCC)" 1 2025-07-03 XA-VINHLINH.TTHCC 6

stats() { req GET "/api/v1/stats?$2" -H "Authorization: Bearer $1"; }
groups='"; ".join("%s %s %d" % (g["key"]["unit"], g["key"]["name"], g["responses"]) for g in d["groups"])'

# From 2025-07-01: Quảng Trị -> its communes, Quảng Bình's Đồng Hới among
# them, and no district.
expect_status 200 "$(stats "$TOKEN" "from=2025-07-01&to=2025-07-31&group=unit&level=1&unit=QUANGTRI")" "after, level 1"
[ "$(jget "$groups")" = "PH-DONGHOI Phường Đồng Hới 5; XA-CUATUNG Xã Cửa Tùng 2; XA-VINHLINH Xã Vĩnh Linh 9" ] ||
  fail "after 2025-07-01 by commune: $(jget "$groups")"
expect_status 200 "$(stats "$TOK_QT" "from=2025-07-01&to=2025-07-31&group=unit&level=0")" "after, level 0"
[ "$(jget "$groups")" = "QUANGTRI Tỉnh Quảng Trị 16" ] || fail "after, the province: $(jget "$groups")"

# Before it, as recorded: the old provinces and the district of Vĩnh Linh.
expect_status 200 "$(stats "$TOKEN" "from=2025-06-01&to=2025-06-30&group=unit&level=1&rollup=recorded")" "before, level 1"
[ "$(jget "$groups")" = "QUANGBINH.DONGHOI Thành phố Đồng Hới 5; QUANGTRI.VINHLINH Huyện Vĩnh Linh 7" ] ||
  fail "before 2025-07-01 by district: $(jget "$groups")"
expect_status 200 "$(stats "$TOKEN" "from=2025-06-01&to=2025-06-30&group=unit&level=0&rollup=recorded")" "before, level 0"
[ "$(jget "$groups")" = "QUANGBINH Tỉnh Quảng Bình 5; QUANGTRI Tỉnh Quảng Trị 7" ] ||
  fail "before 2025-07-01 by province: $(jget "$groups")"
# The same June rolled into today's units, for a year-on-year comparison.
expect_status 200 "$(stats "$TOKEN" "from=2025-06-01&to=2025-06-30&group=unit&level=1&unit=QUANGTRI")" "June in today's tree"
[ "$(jget "$groups")" = "PH-DONGHOI Phường Đồng Hới 5; XA-VINHLINH Xã Vĩnh Linh 7" ] ||
  fail "June in today's units: $(jget "$groups")"

# The tree on a date: districts before, none after.
expect_status 200 "$(req GET "/api/v1/units?at=2025-06-30" -H "Authorization: Bearer $TOKEN")" "units on 2025-06-30"
[ "$(jget '[u["parent"] for u in d["units"] if u["code"] == "QUANGTRI.VINHLINH.HOXA"]')" = '["QUANGTRI.VINHLINH"]' ] ||
  fail "Hồ Xá before the merge"
[ "$(jget '[u["code"] for u in d["units"] if u["code"] == "QUANGBINH"][0]')" = QUANGBINH ] || fail "Quảng Bình before"
expect_status 200 "$(req GET "/api/v1/units" -H "Authorization: Bearer $TOK_QT")" "units today"
[ "$(jget '[u["code"] for u in d["units"] if u["level"] == 1 and u["merged_into"] is None]')" = \
  '["DK-CONCO", "PH-DONGHOI", "QUANGTRI.TTHCC", "XA-BENQUAN", "XA-CUATUNG", "XA-VINHHOANG", "XA-VINHLINH", "XA-VINHTHUY"]' ] ||
  fail "today's level 1: $(jget '[(u["code"], u["level"], u["merged_into"]) for u in d["units"]]')"

hub_stop
echo ok
