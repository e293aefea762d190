# Configuration mistakes name the file, the line and the field; the kiosk
# shows out-of-service and stays up for the technician.
. "$(dirname "$0")/lib.sh"
check() { # json expected-line expected-field
  printf '%b' "$1" > "$T/cfg.json"
  kiosk_ok "expect out-of-service" --config "$T/cfg.json"
  grep -q "cfg.json:$2:" "$T/stderr" || { cat "$T/stderr"; fail "line $2 not named for: $1"; }
  grep -q "$3" "$T/stderr" || { cat "$T/stderr"; fail "field $3 not named"; }
}
check '{\n  "counter": "Q1",\n  "timeouts": {"inactivity_s": 2}\n}\n' 3 "timeouts.inactivity_s"
check '{\n  "fields": ["dat-dai",\n    "ruong-lua"]\n}\n' 3 "fields\\[1\\]"
check '{\n  "countr": "Q1"\n}\n' 2 "countr"
check '{\n  "languages": ["vi", "fr"]\n}\n' 2 "languages"
# a missing file is a mistake too: out of service, named, no crash
kiosk_ok "expect out-of-service
tap 400 240
expect out-of-service" --config "$T/missing.json"
grep -q "missing.json: No such file" "$T/stderr" || { cat "$T/stderr"; fail "missing config not named"; }
# a FIFO or a directory given as the configuration or the survey must not
# hang the kiosk before its first screen: refused, named, out of service
mkfifo "$T/fifo.json"
mkdir -p "$T/dir.json"
for bad in fifo dir; do
  KIOSK_TIMEOUT=20 kiosk_ok "expect out-of-service" --config "$T/$bad.json"
  grep -q "$bad.json: \(not a regular file\|is a directory\)" "$T/stderr" ||
    { cat "$T/stderr"; fail "$bad as configuration not refused by name"; }
  printf '{\n  "survey": "%s"\n}\n' "$T/$bad.json" > "$T/cfg-survey.json"
  KIOSK_TIMEOUT=20 kiosk_ok "expect out-of-service" --config "$T/cfg-survey.json"
  grep -q "$bad.json: \(not a regular file\|is a directory\)" "$T/stderr" ||
    { cat "$T/stderr"; fail "$bad as survey not refused by name"; }
done
echo ok
