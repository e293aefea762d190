# A counter with one field skips the field screen; the field is recorded.
. "$(dirname "$0")/lib.sh"
printf '{"fields": ["tu-phap"]}\n' > "$T/cfg.json"
kiosk_ok "tap start
expect question
$(answers 5 6)
expect thanks" --config "$T/cfg.json"
export_csv
expect_eq "{r['field'] for r in rows}" "{'tu-phap'}"
expect_eq "len(rows)" "6"
echo ok
