# sipas-report against the real hub: a small province (two districts'
# worth of units, a service centre with a Circular 01 kiosk, a hospital),
# a quarter of uploads through the protocol, then the report as CSV, XLSX
# and PDF, each compared with the hub's own /api/v1/stats; and the
# failures a person meets: a wrong token, a hub that is down, a bad period,
# a certificate from an unknown CA. `sipasctl report` runs sipas-report:
# the same bytes and exit codes, found next to sipasctl or on PATH, and a
# plain message (exit 127) where it is not installed, as on a kiosk.
#
# REPORT_SHOTS=DIR keeps the PDF's pages as PNG in DIR.
. "$(dirname "$0")/../hub/lib.sh"
CTL="$BUILD/sipasctl"
REP="$BUILD/sipas-report"
[ -x "$CTL" ] || fail "$CTL is not built"
[ -x "$REP" ] || fail "$REP is not built"
for tool in pdfinfo pdffonts pdftoppm; do
  command -v $tool > /dev/null || fail "$tool is missing (poppler-utils)"
done
DB=$(hub_db hub)
CHECK="$ROOT/tests/report/check_report.py"

# The last whole quarter before today: the hub refuses days in the future.
read -r YEAR Q < <(TZ=Asia/Ho_Chi_Minh date +'%Y %m' |
  awk '{q = int(($2 - 1) / 3); if (q == 0) print $1 - 1, 4; else print $1, q}')
PERIOD="$YEAR-Q$Q"

# ---- the province --------------------------------------------------------------
. "$ROOT/tests/report/province.sh"
report_province
UTOKEN=$("$HUB" token add --scope unit:BV-DK --db "$DB" 2> /dev/null)
hub_start "$DB" --quiet

# ---- five kiosks enroll and upload a quarter -------------------------------------
report_upload "$PERIOD"

# ---- the hub's own figures --------------------------------------------------------
Q1=$(python3 -c "import calendar as c; y, q = $YEAR, $Q; print('%d-%02d-01' % (y, 3*q-2))")
Q2=$(python3 -c "import calendar as c; y, q = $YEAR, $Q; m = 3*q; print('%d-%02d-%02d' % (y, m, c.monthrange(y, m)[1]))")
mkdir -p "$T/stats"
for g in total unit field month; do
  extra=""; [ $g = total ] || extra="&group=$g"
  expect_status 200 "$(req GET "/api/v1/stats?from=$Q1&to=$Q2$extra" \
    -H "Authorization: Bearer $TOKEN")" "stats $g"
  cp "$T/body" "$T/stats/$g.json"
done
# The hub lost nothing the kiosks sent (whatever level it groups units at).
python3 - "$T/data/expected.json" "$T/stats/total.json" "$T/stats/unit.json" <<'PY' || fail "the hub's totals differ from the uploads"
import json, sys
want = json.load(open(sys.argv[1]))
total = json.load(open(sys.argv[2]))["groups"][0]
got = [total["responses"], total["partial"], total["suppressed"]]
assert got == [sum(v[i] for v in want.values()) for i in range(3)], (got, want)
assert any(v[0] < 30 for v in want.values()), "no small group in the data"
units = json.load(open(sys.argv[3]))["groups"]
assert sum(g["responses"] for g in units) == got[0], units
PY

# A fixed date of issue: two runs give the same bytes, even across midnight.
report() { "$REP" --hub "$HUB_URL" --token "$TOKEN" --period "$PERIOD" --date "$Q2" "$@"; }

# ---- CSV ---------------------------------------------------------------------------------
report --format csv > "$T/report.csv" 2> "$T/err" || fail "report csv: $(cat "$T/err")"
python3 "$CHECK" csv "$T/report.csv" "$T/stats" > "$T/check" || fail "CSV differs from the hub"
grep -q "Quý $(echo "I II III IV" | cut -d' ' -f"$Q") năm $YEAR" "$T/report.csv" || fail "CSV period label"
# The hospital is held against the health target, the offices against the
# administrative one, each with the figure the hub judged.
python3 - "$T/report.csv" <<'PY' || fail "unit rows are not held against their own targets"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
start = rows.index(["Theo đơn vị"])
head = rows[start + 1]
units = {}
for r in rows[start + 2:]:
    if not r or not any(r):
        break
    units[r[0]] = dict(zip(head, r))
assert units["BV-DK"]["Chỉ tiêu"] == "y-te-giao-duc", units["BV-DK"]
assert units["TTPVHCC"]["Chỉ tiêu"] == "tthc", units["TTPVHCC"]
assert all(u["Kết quả theo chỉ tiêu (%)"] for u in units.values()), units
PY
report --format csv --output "$T/out.csv" 2> "$T/err" || fail "report csv --output: $(cat "$T/err")"
cmp -s "$T/report.csv" "$T/out.csv" || fail "--output writes other bytes than stdout"
[ ! -e "$T/out.csv.partial" ] || fail "a .partial file was left behind"

# An ad hoc range equal to the quarter gives the same figures.
"$REP" --hub "$HUB_URL" --token "$TOKEN" --from "$Q1" --to "$Q2" --format csv \
  > "$T/adhoc.csv" 2> "$T/err" || fail "ad hoc report: $(cat "$T/err")"
python3 "$CHECK" csv "$T/adhoc.csv" "$T/stats" > /dev/null || fail "ad hoc CSV differs from the hub"
grep -q "Từ ngày" "$T/adhoc.csv" || fail "ad hoc label"

# ---- the data cut-off of Decree 09/2019/NĐ-CP (Art. 12) ---------------------------
# The same quarter from the 15th of the month before it to the 14th of its
# last month; the uploads hold days on both sides of either end.
read -r CF CT < <(python3 -c "
y, q = $YEAR, $Q
first, last = 3 * q - 2, 3 * q
start = (y - 1, 12) if first == 1 else (y, first - 1)
print('%d-%02d-15 %d-%02d-14' % (start + (y, last)))")
mkdir -p "$T/cstats"
for g in total unit field month; do
  extra=""; [ $g = total ] || extra="&group=$g"
  expect_status 200 "$(req GET "/api/v1/stats?from=$CF&to=$CT$extra" \
    -H "Authorization: Bearer $TOKEN")" "cut-off stats $g"
  cp "$T/body" "$T/cstats/$g.json"
done
# The days just outside either end hold responses: a report one day off
# would count them.
for day in "$(python3 -c "import datetime as d; print(d.date.fromisoformat('$CF') - d.timedelta(1))")" \
    "$(python3 -c "import datetime as d; print(d.date.fromisoformat('$CT') + d.timedelta(1))")"; do
  expect_status 200 "$(req GET "/api/v1/stats?from=$day&to=$day" \
    -H "Authorization: Bearer $TOKEN")" "day $day"
  [ "$(jget 'sum(g["responses"] for g in d["groups"]) > 0')" = True ] ||
    fail "no responses on $day, next to the cut-off quarter: $(cat "$T/body")"
done
report --period-rule decree-09 --format csv > "$T/cutoff.csv" 2> "$T/err" ||
  fail "cut-off report: $(cat "$T/err")"
python3 "$CHECK" --any-reasons csv "$T/cutoff.csv" "$T/cstats" > /dev/null || fail "cut-off CSV differs from the hub over $CF..$CT"
CAL=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["groups"][0]["responses"])' "$T/stats/total.json")
CUT=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["groups"][0]["responses"])' "$T/cstats/total.json")
[ "$CAL" != "$CUT" ] || fail "the cut-off quarter and the calendar one count the same responses ($CAL)"
tr -d '\r' < "$T/cutoff.csv" > "$T/cutoff.txt"
grep -qx "Kỳ báo cáo,Quý $(echo "I II III IV" | cut -d' ' -f"$Q") năm $YEAR,$CF,$CT" "$T/cutoff.txt" ||
  fail "cut-off CSV: period line: $(grep '^Kỳ báo cáo' "$T/cutoff.txt")"
grep -q "^Cách tính kỳ,.*Nghị định số 09/2019/NĐ-CP.*,decree-09$" "$T/cutoff.txt" ||
  fail "cut-off CSV does not name its rule: $(grep '^Cách tính kỳ' "$T/cutoff.txt")"
grep -q "^Cách tính kỳ,.*,calendar" <(tr -d '\r' < "$T/report.csv") || fail "calendar CSV does not name its rule"
"$CTL" report --hub "$HUB_URL" --token "$TOKEN" --period "$PERIOD" --date "$Q2" \
  --period-rule decree-09 --format csv > "$T/ctl-cutoff.csv" 2> "$T/err" || fail "sipasctl report --period-rule: $(cat "$T/err")"
cmp -s "$T/cutoff.csv" "$T/ctl-cutoff.csv" || fail "sipasctl report --period-rule writes other bytes"
report --period-rule decree-09 --format pdf --output "$T/cutoff.pdf" 2> "$T/err" || fail "cut-off PDF: $(cat "$T/err")"
pdftotext "$T/cutoff.pdf" - 2> /dev/null | tr '\n' ' ' > "$T/cutoff-pdf.txt"
grep -q "09/2019/NĐ-CP" "$T/cutoff-pdf.txt" && grep -q "$(date -d "$CF" +%d/%m/%Y)" "$T/cutoff-pdf.txt" &&
  grep -q "$(date -d "$CT" +%d/%m/%Y)" "$T/cutoff-pdf.txt" || fail "cut-off PDF does not name its rule and dates"
REP_ABS=$(realpath "$REP")
(cd "$T" && "$REP_ABS" --hub "$HUB_URL" --token "$TOKEN" --period "$PERIOD" --date "$Q2" \
  --period-rule decree-09 --format xlsx) 2> "$T/err" > "$T/xname" || fail "cut-off XLSX: $(cat "$T/err")"
[ "$(cat "$T/xname")" = "bao-cao-$PERIOD-decree-09.xlsx" ] && [ -s "$T/bao-cao-$PERIOD-decree-09.xlsx" ] ||
  fail "cut-off XLSX name: $(cat "$T/xname")"
rc=0; report --period-rule iso --format csv > /dev/null 2> "$T/err" || rc=$?
[ "$rc" = 2 ] && grep -q "is not calendar or decree-09" "$T/err" || fail "bad --period-rule: exit $rc"
rc=0; "$REP" --hub "$HUB_URL" --token "$TOKEN" --from "$Q1" --to "$Q2" --period-rule decree-09 \
  --format csv > /dev/null 2> "$T/err" || rc=$?
[ "$rc" = 2 ] && grep -q "goes with --period" "$T/err" || fail "--period-rule with --from: exit $rc"

# One unit's subtree: its totals, and nothing from outside it.
report --unit HUYEN-CT --format csv > "$T/ct.csv" 2> "$T/err" || fail "--unit: $(cat "$T/err")"
expect_status 200 "$(req GET "/api/v1/stats?from=$Q1&to=$Q2&unit=HUYEN-CT" \
  -H "Authorization: Bearer $TOKEN")" "stats of HUYEN-CT"
CT=$(jget 'd["groups"][0]["responses"]')
tr -d '\r' < "$T/ct.csv" > "$T/ct.txt"
grep -qx "Số phiếu hoàn thành,$CT" "$T/ct.txt" && ! grep -q "^BV-DK," "$T/ct.csv" ||
  fail "--unit: not the $CT responses of HUYEN-CT"

# ---- sipasctl report: the same program, run by sipasctl -----------------------------
"$CTL" report --hub "$HUB_URL" --token "$TOKEN" --period "$PERIOD" --date "$Q2" \
  --format csv > "$T/ctl.csv" 2> "$T/err" || fail "sipasctl report: $(cat "$T/err")"
cmp -s "$T/report.csv" "$T/ctl.csv" || fail "sipasctl report writes other bytes than sipas-report"
"$CTL" report --help > "$T/ctl.help" && "$REP" --help > "$T/rep.help" &&
  cmp -s "$T/ctl.help" "$T/rep.help" || fail "sipasctl report --help is not sipas-report's"
[ "$("$CTL" report --version)" = "$("$REP" --version)" ] || fail "sipasctl report --version"
grep -q "^sipas-report [0-9]" <("$REP" --version) || fail "sipas-report --version: $("$REP" --version)"
rc=0; "$REP" > /dev/null 2> "$T/err" || rc=$?
[ "$rc" = 2 ] && grep -q "^Usage: sipas-report" "$T/err" || fail "no arguments: exit $rc"
rc=0; "$CTL" report --hub "$HUB_URL" --token "$TOKEN" --period 2026-Q5 --format csv \
  > /dev/null 2> "$T/err" || rc=$?
[ "$rc" = 2 ] && grep -q "is not a period" "$T/err" || fail "sipasctl report, bad period: exit $rc: $(cat "$T/err")"
rc=0; "$CTL" report --hub "$HUB_URL" --token "$(printf '0%.0s' {1..64})" --period "$PERIOD" \
  --format csv > /dev/null 2> "$T/err" || rc=$?
[ "$rc" = 1 ] && grep -q "refused the token" "$T/err" || fail "sipasctl report, bad token: exit $rc: $(cat "$T/err")"

# Where sipasctl finds it: next to itself first, then on PATH; on a kiosk,
# which has only sipasctl, nowhere.
BARE_PATH=/usr/local/bin:/usr/bin:/bin
PATH=$BARE_PATH command -v sipas-report > /dev/null &&
  fail "sipas-report is installed in $BARE_PATH: the not-installed case cannot be tested"
mkdir -p "$T/both" "$T/alone"
cp "$CTL" "$REP" "$T/both/" && cp "$CTL" "$T/alone/"
PATH=$BARE_PATH "$T/both/sipasctl" report --hub "$HUB_URL" --token "$TOKEN" --period "$PERIOD" \
  --date "$Q2" --format csv > "$T/both.csv" 2> "$T/err" || fail "sipas-report next to sipasctl: $(cat "$T/err")"
cmp -s "$T/report.csv" "$T/both.csv" || fail "sipas-report next to sipasctl: other bytes"
PATH=$(dirname "$REP"):$BARE_PATH "$T/alone/sipasctl" report --hub "$HUB_URL" --token "$TOKEN" \
  --period "$PERIOD" --date "$Q2" --format csv > "$T/path.csv" 2> "$T/err" ||
  fail "sipas-report on PATH: $(cat "$T/err")"
cmp -s "$T/report.csv" "$T/path.csv" || fail "sipas-report on PATH: other bytes"
rc=0; PATH=$BARE_PATH "$T/alone/sipasctl" report --hub "$HUB_URL" --token "$TOKEN" \
  --period "$PERIOD" --format csv > "$T/none.csv" 2> "$T/err" || rc=$?
[ "$rc" = 127 ] || fail "sipas-report not installed: exit $rc, expected 127"
grep -qx "sipasctl report: sipas-report is not installed (it comes with the report package)" "$T/err" ||
  fail "sipas-report not installed: message: $(cat "$T/err")"
[ ! -s "$T/none.csv" ] || fail "sipas-report not installed: something on stdout"

# ---- XLSX ----------------------------------------------------------------------------------
report --format xlsx --output "$T/report.xlsx" 2> "$T/err" || fail "report xlsx: $(cat "$T/err")"
python3 "$CHECK" xlsx "$T/report.xlsx" "$T/stats" "$T/report.csv" > "$T/check" ||
  fail "XLSX differs from the hub"

# ---- PDF -----------------------------------------------------------------------------------
report --format pdf --output "$T/report.pdf" 2> "$T/err" || fail "report pdf: $(cat "$T/err")"
pdfinfo "$T/report.pdf" > "$T/pdfinfo" 2>&1 || fail "pdfinfo: $(cat "$T/pdfinfo")"
PAGES=$(sed -n 's/^Pages: *//p' "$T/pdfinfo")
[ "${PAGES:-0}" -ge 1 ] || fail "PDF pages: $PAGES"
grep -q "^Page size: *595.* x 841.* pts (A4)" "$T/pdfinfo" || fail "PDF is not A4 portrait: $(grep 'Page size' "$T/pdfinfo")"
pdffonts "$T/report.pdf" > "$T/fonts" 2>&1 || fail "pdffonts"
grep -q "NotoSans" "$T/fonts" || fail "Noto Sans is not used: $(cat "$T/fonts")"
# Every font row (after the two header lines) says emb yes.
awk 'NR > 2 { if ($(NF-4) != "yes") bad = 1 } END { exit bad }' "$T/fonts" ||
  fail "a font is not embedded: $(cat "$T/fonts")"
pdftotext -layout "$T/report.pdf" "$T/report.txt" 2> /dev/null || fail "pdftotext"
# The shortest unit name the hub gave (long ones wrap in the table).
UNIT_WORDS=$(python3 -c 'import json, sys
gs = json.load(open(sys.argv[1]))["groups"]
print(min((g["key"].get("name") or g["key"]["unit"] for g in gs), key=len))' "$T/stats/unit.json")
for words in "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" "Kết quả đánh giá mức độ hài lòng tại Bộ phận Một cửa" \
    "Trang 1/$PAGES" "Trang $PAGES/$PAGES" "$UNIT_WORDS" "Thông tư 01/2018/TT-VPCP" \
    "Lý do chưa hài lòng" "khoảng tin cậy 95%"; do
  grep -qi "$words" "$T/report.txt" || fail "PDF text lacks \"$words\""
done
# Reason shares to one decimal, rounded once from the hub's counts, half
# away from zero (4 of 64 = 6.25% is 6,3, where "%.1f" prints 6.2).
python3 - "$T/stats/total.json" "$T/report.txt" "$ROOT/tools/report/report_model.c" <<'PY' || fail "PDF reason shares"
import json, re, sys
reasons = json.load(open(sys.argv[1]))["groups"][0]["reasons"]
text = open(sys.argv[2], encoding="utf-8").read().splitlines()
names = dict(re.findall(r'\{"([a-z-]+)", "([^"]+)"\}', open(sys.argv[3], encoding="utf-8").read()))
total = sum(reasons.values())
for code, n in reasons.items():
    tenths = (2000 * n + total) // (2 * total)
    want = "%d,%d" % (tenths // 10, tenths % 10)
    rows = [l for l in text if names[code] in l]
    if not rows or not rows[0].rstrip().endswith(" " + want):
        sys.exit("reason %s: %d of %d should read %s: %r" % (code, n, total, want, rows))
PY
pdftoppm -r 60 -png "$T/report.pdf" "$T/page" || fail "pdftoppm"
[ "$(ls "$T"/page-*.png | wc -l)" = "$PAGES" ] || fail "pdftoppm rendered $(ls "$T"/page-*.png | wc -l) of $PAGES pages"
if [ -n "${REPORT_SHOTS:-}" ]; then
  mkdir -p "$REPORT_SHOTS"
  pdftoppm -r 110 -png "$T/report.pdf" "$REPORT_SHOTS/report-page"
fi

# ---- failures -----------------------------------------------------------------------------------
rc=0; "$REP" --hub "$HUB_URL" --token "$(printf '0%.0s' {1..64})" --period "$PERIOD" \
  --format csv > /dev/null 2> "$T/err" || rc=$?
[ "$rc" = 1 ] && grep -q "refused the token" "$T/err" || fail "bad token: exit $rc: $(cat "$T/err")"
rc=0; "$REP" --hub "$HUB_URL" --token "$UTOKEN" --period "$PERIOD" --unit HUYEN-CT \
  --format csv > /dev/null 2> "$T/err" || rc=$?
[ "$rc" = 1 ] && grep -q "does not cover" "$T/err" || fail "unit outside the token: exit $rc: $(cat "$T/err")"
for p in 2026-Q5 2026-H3 26 2026-13 1999 "2026-Q3x"; do
  rc=0; "$REP" --hub "$HUB_URL" --token "$TOKEN" --period "$p" --format csv \
    > /dev/null 2> "$T/err" || rc=$?
  [ "$rc" = 2 ] && grep -q "is not a period" "$T/err" || fail "period $p: exit $rc: $(cat "$T/err")"
done
rc=0; report --format doc > /dev/null 2> "$T/err" || rc=$?
[ "$rc" = 2 ] || fail "bad format: exit $rc"
rc=0; "$REP" --hub "$HUB_URL" --token "$TOKEN" --from "$Q2" --to "$Q1" --format csv \
  > /dev/null 2> "$T/err" || rc=$?
[ "$rc" = 2 ] || fail "from after to: exit $rc"
rc=0; "$REP" --hub "http://hub.example.vn" --token "$TOKEN" --period "$PERIOD" \
  --format csv > /dev/null 2> "$T/err" || rc=$?
[ "$rc" = 2 ] && grep -q "https" "$T/err" || fail "plain http to another host: exit $rc"

# ---- TLS: the hub's certificate is verified against --ca, else refused -----------
PKI="$T/pki"; mkdir -p "$PKI"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -days 2 -subj "/CN=sipas report test CA" -keyout "$PKI/ca.key" -out "$PKI/ca.pem" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2> "$T/openssl.log" ||
  fail "CA: $(cat "$T/openssl.log")"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -subj "/CN=127.0.0.1" -keyout "$PKI/server.key" -out "$PKI/server.csr" \
  2> "$T/openssl.log" || fail "server key: $(cat "$T/openssl.log")"
printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature" \
  "extendedKeyUsage=serverAuth" "subjectAltName=IP:127.0.0.1" > "$PKI/server.ext"
openssl x509 -req -in "$PKI/server.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" \
  -CAcreateserial -days 2 -extfile "$PKI/server.ext" -out "$PKI/server.pem" \
  2> "$T/openssl.log" || fail "server certificate: $(cat "$T/openssl.log")"
hub_stop
hub_start "$DB" --quiet --tls-cert "$PKI/server.pem" --tls-key "$PKI/server.key"
[[ "$HUB_URL" =~ ^https:// ]] || fail "TLS hub url $HUB_URL"
report --ca "$PKI/ca.pem" --format csv > "$T/tls.csv" 2> "$T/err" || fail "report over TLS: $(cat "$T/err")"
cmp -s "$T/report.csv" "$T/tls.csv" || fail "the report over TLS differs"
rc=0; report --format csv > /dev/null 2> "$T/err" || rc=$?
[ "$rc" = 1 ] && grep -q "certificate was refused" "$T/err" || fail "unknown CA: exit $rc: $(cat "$T/err")"
rc=0; report --ca "$T/none.pem" --format csv > /dev/null 2> "$T/err" || rc=$?
[ "$rc" = 1 ] && grep -q "cannot read the CA file" "$T/err" || fail "missing CA file: exit $rc"

URL=$HUB_URL
hub_stop
rc=0; "$REP" --hub "$URL" --token "$TOKEN" --period "$PERIOD" --format pdf \
  --ca "$PKI/ca.pem" --output "$T/down.pdf" 2> "$T/err" || rc=$?
[ "$rc" = 1 ] && grep -q "cannot reach the hub" "$T/err" || fail "hub down: exit $rc: $(cat "$T/err")"
[ ! -e "$T/down.pdf" ] && [ ! -e "$T/down.pdf.partial" ] || fail "a file was written with the hub down"
echo "test_report: $(tr '\n' ';' < "$T/check") $PAGES PDF pages"
