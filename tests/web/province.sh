#!/usr/bin/env bash
# tests/web/province.sh [BUILD]: a province as it is since 2025-07-01, in
# the hub's answers, the report and the dashboard.
#
# Imports the shipped hierarchy (assets/units/example-2025.json) into a real
# sipas-hub, fills Quảng Trị through the enrollment and ingest API
# (tests/web/province_seed.py: July to September 2025 at its communes, June
# 2025 at the old district of Vĩnh Linh and at Quảng Bình's Đồng Hới), then
# checks that the statistics and the report of the third quarter of 2025
# list the communes directly under the province and no district, that June
# as recorded still shows the district, and drives Debian's chromium over
# the dashboard (tests/web/province.mjs). Pictures go to $SHOTS
# (build/web-shots unless set; `make shots` publishes them in
# docs/screenshots/): dashboard-province-2025.png and the report's first
# pages, report-province-2025-page1.png and -page2.png. Ends with
# "N passed, N failed".
# shellcheck source=suite.sh
source "$(dirname "${BASH_SOURCE[0]}")/suite.sh"
REP="$BUILD/sipas-report"
[ -x "$REP" ] || fail "$REP is not built"
for tool in pdftotext pdftoppm; do
  command -v $tool > /dev/null || fail "$tool is missing (poppler-utils)"
done

DB="$T/hub.db"
"$HUB" unit import "$ROOT/assets/units/example-2025.json" --db "$DB" 2> "$T/err" ||
  fail "unit import: $(cat "$T/err")"
hub_start "$DB" --quiet
python3 "$ROOT/tests/web/province_seed.py" "$HUB" "$DB" "$HUB_URL" > "$T/tokens.json" ||
  fail "filling the hub failed"
TOKEN=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["province"])' "$T/tokens.json")
passed=0
ok() { echo "ok    $1"; passed=$((passed + 1)); }

# What a district was, in the shipped file: its code and everything under it.
DISTRICTS=$(python3 - "$ROOT/assets/units/example-2025.json" <<'PY'
import json, sys
units = json.load(open(sys.argv[1]))["units"]
kind = {u["code"]: u["kind"] for u in units}
parent = {u["code"]: u.get("parent") for u in units}
def under_district(c):
    while c:
        if kind[c] in ("huyen", "thanh-pho-thuoc-tinh", "thi-xa"):
            return True
        c = parent[c]
    return False
print(" ".join(c for c in kind if under_district(c)))
PY
)

stats() { # QUERY -> "CODE NAME; ..." of the groups
  expect_status 200 "$(req GET "/api/v1/stats?$1" -H "Authorization: Bearer $TOKEN")" "stats $1"
  jget '"; ".join("%s %s" % (g["key"]["unit"], g["key"]["name"]) for g in d["groups"])'
}
no_district() { # WHAT TEXT
  local c
  for c in $DISTRICTS; do
    case " $2;" in *" $c "*) fail "$1 lists the district-level unit $c: $2" ;; esac
  done
  case "$2" in *Huyện*|*"Thành phố"*|*"Thị trấn"*) fail "$1 names a district: $2" ;; esac
}

after=$(stats "from=2025-07-01&to=2025-09-30&group=unit&level=1&unit=QUANGTRI")
[ "$after" = "PH-DONGHOI Phường Đồng Hới; QUANGTRI.TTHCC Trung tâm Phục vụ hành chính công tỉnh Quảng Trị; XA-BENQUAN Xã Bến Quan; XA-CUATUNG Xã Cửa Tùng; XA-VINHHOANG Xã Vĩnh Hoàng; XA-VINHLINH Xã Vĩnh Linh" ] ||
  fail "after 2025-07-01, the province's level 1: $after"
no_district "the statistics after 2025-07-01" "$after"
ok "statistics after 2025-07-01: the communes under the province, no district"
every=$(stats "from=2025-07-01&to=2025-09-30&group=unit&unit=QUANGTRI")
no_district "the statistics by recorded unit after 2025-07-01" "$every"
ok "statistics by unit after 2025-07-01: no district at any depth"
before=$(stats "from=2025-06-01&to=2025-06-30&group=unit&level=1&rollup=recorded")
[ "$before" = "QUANGBINH.DONGHOI Thành phố Đồng Hới; QUANGTRI.VINHLINH Huyện Vĩnh Linh" ] ||
  fail "June 2025 as recorded: $before"
ok "statistics of June 2025 as recorded: the district of Vĩnh Linh"

report() { "$REP" --hub "$HUB_URL" --token "$TOKEN" --unit QUANGTRI --period 2025-Q3 --date 2025-10-15 "$@"; }
report --format csv > "$T/r.csv" 2> "$T/err" || fail "report csv: $(cat "$T/err")"
units=$(python3 - "$T/r.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
start = rows.index(["Theo đơn vị"])
out = []
for r in rows[start + 2:]:
    if not r or not any(r):
        break
    out.append("%s %s" % (r[0], r[1]))
print("; ".join(out))
PY
)
for want in "XA-VINHLINH Xã Vĩnh Linh" "XA-CUATUNG Xã Cửa Tùng" "PH-DONGHOI Phường Đồng Hới" \
    "XA-VINHLINH.TTHCC Trung tâm Phục vụ hành chính công xã Vĩnh Linh"; do
  case "; $units;" in *"; $want;"*) ;; *) fail "the report's units lack $want: $units" ;; esac
done
no_district "the report of 2025-Q3 (CSV)" "$units"
ok "the report of the third quarter of 2025 lists communes, no district (CSV)"

report --format pdf --output "$T/r.pdf" 2> "$T/err" || fail "report pdf: $(cat "$T/err")"
pdftotext -layout "$T/r.pdf" "$T/r.txt" || fail "pdftotext"
for want in "Tỉnh Quảng Trị" "Xã Vĩnh Linh" "Xã Cửa Tùng" "Phường Đồng Hới" "Xã Bến Quan"; do
  grep -qF "$want" "$T/r.txt" || fail "the PDF lacks \"$want\""
done
! grep -nE "Huyện|Thành phố Đồng Hới|Thị trấn" "$T/r.txt" > "$T/hits" ||
  fail "the PDF names a district: $(head -3 "$T/hits")"
ok "the report of the third quarter of 2025 lists communes, no district (PDF)"

pdftoppm -r 110 -png -f 1 -l 2 "$T/r.pdf" "$T/page" || fail "pdftoppm"
for n in 1 2; do
  f=$(ls "$T"/page-*"$n".png 2> /dev/null | head -1)
  [ -n "$f" ] || fail "pdftoppm made no page $n"
  cp "$f" "$SHOTS/report-province-2025-page$n.png"
done

rc=0
node "$ROOT/tests/web/province.mjs" "$HUB_URL" "$T/tokens.json" "$SHOTS" "$CHROMIUM" "$T" > "$T/web.log" || rc=$?
cat "$T/web.log"
hub_stop
web_passed=$(sed -n 's/^province web: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$T/web.log")
read -r wp wf <<< "${web_passed:-0 1}"
echo "province: $((passed + wp)) passed, $wf failed"
[ "$rc" = 0 ] && [ "$wf" = 0 ]
