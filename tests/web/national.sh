#!/usr/bin/env bash
# tests/web/national.sh [BUILD]: the national dashboard in a real browser.
#
# A small country of three provinces (Hà Nội, Quảng Trị, Vĩnh Long), each
# with its own real sipas-hub filled through enrollment and ingest with
# October 2025 and its own targets file, each forwarding to a real
# national hub (`sipas-hub forward --once`, with its targets and its
# dashboard's address). Quảng Trị's last push is then set two hours back,
# with the national hub stopped. What each province's own hub answers is
# kept (expect.json) and Debian's chromium drives the national
# dashboard (tests/web/national.mjs): country, province, commune, and the
# link to the province's dashboard for the counters. Screenshots go to
# $SHOTS (build/web-shots unless set; `make shots` publishes them in
# docs/screenshots/): national-country-*.png, national-province-*.png,
# national-commune-*.png at 1280x800 and 1920x1080. Ends with "N passed,
# N failed".
# shellcheck source=suite.sh
source "$(dirname "${BASH_SOURCE[0]}")/suite.sh"
NDB="$T/national.db"
NAT_PID=""
PROV_PIDS=()
national_cleanup() {
  local p
  for p in "$NAT_PID" "${PROV_PIDS[@]}"; do
    if [ -n "$p" ]; then kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; fi
  done
  hub_cleanup
}
trap national_cleanup EXIT
DAYS=2025-10-01,2025-10-02,2025-10-03,2025-10-06,2025-10-07

# province CODE NAME SLUG THRESHOLD COMMUNE... (each
# "CODE:NAME:COMPLETE:SHARE:OFFICER[:DAYS]")
# Its tree on its own hub and on the national one, its targets file (the
# shipped one and its own tthc row for 2025), a credential.
province() {
  local code=$1 name=$2 slug=$3 threshold=$4 db="$T/$1.db" c ccode cname
  shift 4
  for d in "$db" "$NDB"; do
    "$HUB" unit add "$code" "$name" --db "$d" 2> /dev/null
    for c in "$@"; do
      IFS=: read -r ccode cname _ <<< "$c"
      "$HUB" unit add "$ccode" "$cname" --parent "$code" --db "$d" 2> /dev/null
    done
  done
  python3 - "$ROOT/assets/targets/default.json" "$T/$code.targets.json" "$slug" "$threshold" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
d["targets"].append({"province": sys.argv[3], "indicator": "tthc", "op": ">=",
                     "threshold": int(sys.argv[4]), "year": 2025, "source": "test"})
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
  "$HUB" national credential add --province "$code" --db "$NDB" > "$T/$code.cred" 2> /dev/null
}

# fill CODE SLUG COMMUNE...: the province's hub serves (and goes on
# serving: the national dashboard links to it) while its kiosks upload
# October (a commune's own DAYS when it has a sixth field); its own
# answers are kept, then it forwards. A commune's SHARE is about its
# index (upload.py --share).
fill() {
  local code=$1 slug=$2 db="$T/$1.db" c ccode complete share officer days k s seq=1 tok
  shift 2
  hub_serve "$T/$code.log" "$db" --quiet --targets "$T/$code.targets.json" --province "$slug"
  PROV_PIDS+=("$SERVE_PID")
  HUB_URL=$SERVE_URL
  for c in "$@"; do
    IFS=: read -r ccode _ complete share officer days <<< "$c"
    k=$(new_install_id)
    expect_status 200 "$(hub_enroll "$("$HUB" enroll-code --unit "$ccode" --db "$db" 2> /dev/null)" "$k")" "enroll at $ccode"
    s=$(jget 'd["secret"]')
    python3 "$UPLOAD" "$k" "$seq" "${days:-$DAYS}" --unit "$ccode" --officer "$officer" \
      --complete "$complete" --fives "$((complete / 2))" --share "$share" > "$T/up.json"
    expect_status 200 "$(kiosk_req POST /api/v1/ingest "$k" "$s" --data-binary "@$T/up.json")" "upload at $ccode"
    seq=$((seq + 1))
  done
  tok=$("$HUB" token add --scope province --db "$db" 2> /dev/null)
  for q in "unit=$code" "unit=$code&group=unit"; do
    expect_status 200 "$(req GET "/api/v1/stats?from=2025-10-01&to=2025-10-31&$q" -H "Authorization: Bearer $tok")" "$code: $q"
    cp "$T/body" "$T/expect.$code.${q##*=}.json"
  done
  echo "$code $HUB_URL $tok" >> "$T/urls"
  local url=$HUB_URL
  "$HUB" forward --to "$NAT_URL" --credential "$T/$code.cred" --db "$db" --once \
    --targets "$T/$code.targets.json" --province "$slug" --dashboard "$url" 2> "$T/fwd.log" ||
    fail "forward $code: $(cat "$T/fwd.log")"
}

HN=(HN-BADINH:"Phường Ba Đình":40:0.97:CB-HN1 HN-HOANKIEM:"Phường Hoàn Kiếm":25:0.92:CB-HN2 HN-SOCSON:"Xã Sóc Sơn":18:0.8:CB-HN3)
QT=(QT-DONGHOI:"Phường Đồng Hới":22:0.9:CB-QT1 QT-VINHLINH:"Xã Vĩnh Linh":15:0.7:CB-QT2)
# Xã Long Hồ and Xã Càng Long: one officer each with 3 and 2 ratings in
# the month, withheld (min_group 5); together a pool of 5, so the province
# and the country are shown.
VL=(VL-TRAVINH:"Phường Trà Vinh":30:0.85:CB-VL1 VL-LONGHO:"Xã Long Hồ":3:1:CB-VL2:2025-10-02
    VL-CANGLONG:"Xã Càng Long":2:1:CB-VL3:2025-10-03)
province HN "Thành phố Hà Nội" ha-noi 95 "${HN[@]}"
province QT "Tỉnh Quảng Trị" quang-tri 80 "${QT[@]}"
province VL "Tỉnh Vĩnh Long" vinh-long 42 "${VL[@]}"
NTOKEN=$("$HUB" token add --scope province --db "$NDB" 2> /dev/null)

hub_serve "$T/national.log" "$NDB" --quiet
NAT_PID=$SERVE_PID NAT_URL=$SERVE_URL
fill HN ha-noi "${HN[@]}"
fill QT quang-tri "${QT[@]}"
fill VL vinh-long "${VL[@]}"
kill -TERM "$NAT_PID" && wait "$NAT_PID" || fail "the national hub exited $? on SIGTERM"
NAT_PID=""
# Quảng Trị's hub has been silent for two hours.
sqlite3 "$NDB" "UPDATE national_months SET pushed_at = pushed_at - 7200000 WHERE province = 'QT'"
hub_start "$NDB" --quiet

python3 - "$T" "$NTOKEN" <<'PY' > "$T/expect.json"
import json, sys
t = sys.argv[1]
out = {"token": sys.argv[2], "urls": {}, "tokens": {}, "provinces": {}, "units": {}}
for line in open(t + "/urls"):
    code, url, token = line.split()
    out["urls"][code] = url
    out["tokens"][code] = token
    one = json.load(open("%s/expect.%s.%s.json" % (t, code, code)))
    out["provinces"][code] = one["groups"][0]
    for g in json.load(open("%s/expect.%s.unit.json" % (t, code)))["groups"]:
        out["units"][g["key"]["unit"]] = g
print(json.dumps(out, ensure_ascii=False))
PY

rc=0
node "$WEB_TESTS/national.mjs" "$HUB_URL" "$T/expect.json" "$SHOTS" "$CHROMIUM" "$T" || rc=$?
hub_stop
for p in "${PROV_PIDS[@]}"; do
  kill -TERM "$p" && wait "$p" || fail "a province's hub exited $? on SIGTERM"
done
PROV_PIDS=()
exit "$rc"
