# sipas-report on groups the hub withholds for the officers' privacy: a
# hub serving with a floor of 30 (serve --min-group-floor) withholds the
# units and fields whose only officer has fewer ratings there. CSV, XLSX
# and PDF must say why such a group has no figure, with the answer's
# min_group, in the dashboard's words, and never read as "no data" ("—").
. "$(dirname "$0")/../hub/lib.sh"
REP="$BUILD/sipas-report"
[ -x "$REP" ] || fail "$REP is not built"
command -v pdftotext > /dev/null || fail "pdftotext is missing (poppler-utils)"
DB=$(hub_db hub)
FLOOR=30
# A fixed past quarter: the uploads and the report carry their own days.
PERIOD=2026-Q1
WORDS="Ẩn để bảo vệ cán bộ (có cán bộ dưới $FLOOR phiếu)"

. "$ROOT/tests/report/province.sh"
report_province
hub_start "$DB" --quiet --min-group-floor "$FLOOR"

report_upload "$PERIOD"

# What the hub says: which units it withholds, under which min_group.
expect_status 200 "$(req GET "/api/v1/stats?period=$PERIOD&group=unit" \
  -H "Authorization: Bearer $TOKEN")" "stats by unit"
cp "$T/body" "$T/units.json"
read -r HELD SHOWN < <(python3 - "$T/units.json" "$FLOOR" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["min_group"] == int(sys.argv[2]), d["min_group"]
held = [g["key"]["unit"] for g in d["groups"] if g.get("suppressed_group")]
shown = [g["key"]["unit"] for g in d["groups"] if not g.get("suppressed_group")]
for g in d["groups"]:
    if g.get("suppressed_group"):
        assert "index" not in g and g["responses"] > 0, g
print(",".join(held), ",".join(shown))
PY
) || fail "the hub's answer for withheld units"
[ -n "$HELD" ] && [ -n "$SHOWN" ] || fail "want withheld and shown units, got [$HELD] [$SHOWN]"

report() { "$REP" --hub "$HUB_URL" --token "$TOKEN" --period "$PERIOD" --date 2026-04-01 "$@"; }

# ---- CSV: the words in the index column, the counts kept --------------------------
report --format csv > "$T/r.csv" 2> "$T/err" || fail "report csv: $(cat "$T/err")"
python3 - "$T/r.csv" "$HELD" "$SHOWN" "$WORDS" "$T/units.json" <<'PY' || fail "CSV rows of withheld units"
import csv, json, re, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
held, shown, words = sys.argv[2].split(","), sys.argv[3].split(","), sys.argv[4]
counts = {g["key"]["unit"]: g["responses"] for g in json.load(open(sys.argv[5]))["groups"]}
start = rows.index(["Theo đơn vị"])
head = rows[start + 1]
units = {}
for r in rows[start + 2:]:
    if not r or not any(r):
        break
    units[r[0]] = dict(zip(head, r))
for u in held:
    row = units[u]
    assert row["Chỉ số (%)"] == words, (u, row)
    assert row["Số phiếu hoàn thành"] == str(counts[u]), (u, row)
    assert row["KTC 95% thấp"] == "—", (u, row)
for u in shown:
    assert re.fullmatch(r"\d+\.\d\d", units[u]["Chỉ số (%)"]), (u, units[u])
assert words not in json.dumps(units[shown[0]], ensure_ascii=False)
PY

# ---- XLSX: the same words in the cell ---------------------------------------------------
report --format xlsx --output "$T/r.xlsx" 2> "$T/err" || fail "report xlsx: $(cat "$T/err")"
python3 - "$T/r.xlsx" "$WORDS" <<'PY' || fail "XLSX lacks the words for a withheld unit"
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
text = "".join(z.read(n).decode("utf-8") for n in z.namelist()
               if n.startswith("xl/sharedStrings") or n.startswith("xl/worksheets/sheet"))
assert sys.argv[2] in text, "no cell says: " + sys.argv[2]
PY

# ---- PDF: a mark in the table, the words under it ---------------------------------------
report --format pdf --output "$T/r.pdf" 2> "$T/err" || fail "report pdf: $(cat "$T/err")"
pdftotext -layout "$T/r.pdf" "$T/r.txt" || fail "pdftotext"
tr -s ' \n' ' ' < "$T/r.txt" > "$T/r.flat"
grep -qF "“Ẩn”: $WORDS; số phiếu vẫn được công bố" "$T/r.flat" ||
  fail "PDF lacks the note for withheld rows: $(grep -n "Ẩn" "$T/r.txt" | head -5)"
hub_stop
echo "test_report_withheld: withheld [$HELD], shown [$SHOWN]"
