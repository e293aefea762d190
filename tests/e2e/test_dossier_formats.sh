# Dossier code formats are data: the shipped list accepts the 2025 shapes
# beside Circular 01's; a province's own list replaces it; a code of no
# configured shape is refused; a malformed template is named by line.
. "$(dirname "$0")/lib.sh"
tt04=H42.001.07-260125-AB0005
kiosk_ok "type NOT-A-CODE
expect idle
type H42.001.07-260125-AB005
expect idle
type H42.001.07-260231-AB0005
expect idle
type $tt04
expect question
$(answers 4 6)
expect thanks
wait 6000
type $(echo $tt04 | tr 'A-Z' 'a-z')
expect already-rated
wait 6000
expect idle"
export_csv
expect_eq "sorted({(r['seq'], r['dossier']) for r in rows})" "[('1', '$tt04')]" "a Circular 04/2025 code binds its rating"

# A province that lists its own shape accepts it, and only it.
cat > "$T/cfg.json" <<'JSON'
{
  "dossier_formats": [
    {"id": "hs-tinh", "name": "Mã hồ sơ của tỉnh",
     "template": "'HS'-<agency:A{2}9{2}>-YYMMDD-<serial:9{6}>"}
  ]
}
JSON
rm -rf "$DATA"
kiosk_ok "type 000.00.07.H42-230815-0005
expect idle
type hs-qt01-260301-000123
expect question
$(answers 5 6)
expect thanks" --config "$T/cfg.json"
export_csv
expect_eq "sorted({(r['seq'], r['dossier']) for r in rows})" "[('1', 'HS-QT01-260301-000123')]" "a province's shape binds"

# A template outside the language stops the kiosk with file, line, field.
printf '{\n  "dossier_formats": [\n    {"id": "x", "name": "X",\n     "template": "<agency:X{1,4}>-YYMMDD-<serial:9{99}>"}\n  ]\n}\n' > "$T/bad.json"
kiosk_ok "expect out-of-service" --config "$T/bad.json"
grep -q "bad.json:4:" "$T/stderr" || { cat "$T/stderr"; fail "line not named"; }
grep -q "dossier_formats\[0\].template" "$T/stderr" || { cat "$T/stderr"; fail "field not named"; }
grep -q "repetition" "$T/stderr" || { cat "$T/stderr"; fail "reason not given"; }
echo ok
