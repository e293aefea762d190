# The translation review sheet (tools/langsheet, make review-sheet): from a
# fixture with Khmer half written, the PDF holds every key, every
# Vietnamese text and the Khmer that exists, counts what is missing and
# shows the files' note on the state of the translation ("review").
. "$(dirname "$0")/lib.sh"
command -v pdftotext > /dev/null || fail "pdftotext is missing (poppler-utils)"
command -v chromium > /dev/null || command -v chromium-browser > /dev/null || fail "chromium is missing"
A="$T/assets"
mkdir -p "$A/i18n" "$A/surveys"

python3 - "$ROOT" "$A" <<'PY'
import json, sys
root, out = sys.argv[1], sys.argv[2]
ui = json.load(open(root + "/assets/i18n/ui.json", encoding="utf-8"))
ui["km"] = {"lang.name": "ភាសាខ្មែរ", "button.back": "ត្រឡប់ក្រោយ",
            "button.next": "បន្ទាប់"}
ui["review"] = {"km": "machine-drafted, awaiting review by a native Khmer speaker"}
json.dump(ui, open(out + "/i18n/ui.json", "w", encoding="utf-8"), ensure_ascii=False)
s = json.load(open(root + "/assets/surveys/sipas-short.json", encoding="utf-8"))
# The shipped survey is in Khmer: the fixture starts it again from none.
def drop_km(n):
    if isinstance(n, dict):
        n.pop("km", None)
        for v in n.values(): drop_km(v)
    elif isinstance(n, list):
        for v in n: drop_km(v)
drop_km(s)
s["languages"] = [l for l in s["languages"] if l != "km"] + ["km"]
s["title"]["km"] = "ការវាយតម្លៃការពេញចិត្ត"
json.dump(s, open(out + "/surveys/sipas-short.json", "w", encoding="utf-8"), ensure_ascii=False)
# every row the sheet must hold: key and Vietnamese text
rows = [(k, v) for k, v in ui["vi"].items()]
def walk(n, p):
    if isinstance(n, list):
        for i, v in enumerate(n): walk(v, f"{p}[{i}]")
    elif isinstance(n, dict):
        if isinstance(n.get("vi"), str): rows.append((p, n["vi"])); return
        for k, v in n.items(): walk(v, f"{p}.{k}" if p else k)
walk(s, "")
with open(out + "/rows", "w", encoding="utf-8") as f:
    for k, v in rows: f.write(f"{k}\t{v}\n")
PY

SHEET_DATE=2026-12-06 bash "$ROOT/tools/langsheet/review-sheet.sh" "$T/sheet.pdf" km "$A" > /dev/null || fail "the sheet was not made"
[ -s "$T/sheet.pdf" ] || fail "empty sheet"
pdftotext -raw "$T/sheet.pdf" "$T/sheet.txt" || fail "pdftotext"
# Cells wrap where the column ends: compare without any white space.
tr -d ' \n\t\f' < "$T/sheet.txt" > "$T/flat"
n=0
while IFS=$'\t' read -r key vi; do
  k=$(printf '%s' "$key" | tr -d ' ')
  v=$(printf '%s' "$vi" | tr -d ' ')
  grep -qF -- "$k" "$T/flat" || fail "key $key is not on the sheet"
  grep -qF -- "$v" "$T/flat" || fail "the Vietnamese text of $key is not on the sheet: $vi"
  n=$((n + 1))
done < "$A/rows"
[ "$n" -gt 50 ] || fail "too few rows checked ($n)"
for km in ត្រឡប់ក្រោយ បន្ទាប់ ការវាយតម្លៃការពេញចិត្ត; do
  grep -qF "$km" "$T/flat" || fail "the Khmer text $km is not on the sheet"
done
grep -qF "Khmer(km)" "$T/flat" || fail "the target column is not named"
grep -qF "$n""strings,$((n - 4))notyettranslated" "$T/flat" || fail "the count of missing strings is wrong (want $((n - 4)) of $n)"
grep -qF "2026-12-06" "$T/flat" || fail "SHEET_DATE not shown"
grep -qF "awaitingreviewbyanativeKhmerspeaker" "$T/flat" || fail "the files' review note is not shown"

# a language code that is no code is refused before any browser starts
rc=0; bash "$ROOT/tools/langsheet/review-sheet.sh" "$T/bad.pdf" "KM!" "$A" > /dev/null 2>&1 || rc=$?
[ "$rc" != 0 ] && [ ! -e "$T/bad.pdf" ] || fail "a bad language code was accepted"
echo ok
