# When storage is full the citizen sees "tạm ngừng", the technician an
# error; nothing committed is lost, and the waiting response is stored
# once space is back (here: a restart without the cap is not needed: the
# response waits in memory and is retried).
. "$(dirname "$0")/lib.sh"
printf '{"fields": ["khac"], "storage": {"max_kb": 64}, "misuse": {"min_interval_s": 0, "burst_count": 0}}\n' > "$T/cfg.json"
script=$(for i in $(seq 1 300); do printf 'tap start\n%s\ntap done\n' "$(answers 5 6)"; done)
kiosk_script "$script" --config "$T/cfg.json" || true
grep -q "no such widget on screen 'paused'" "$T/stderr" || { tail -3 "$T/stderr"; fail "kiosk never paused"; }
grep -q '"event":"error"' "$T/events" || fail "no error event for the technician"
grep -q "full" "$T/stderr" || fail "stderr does not say the storage is full"
committed=$(grep -c '"committed"' "$T/events")
[ "$committed" -gt 10 ] || fail "only $committed committed before full"
export_csv
expect_eq "len({r['seq'] for r in rows})" "$committed" "every committed response exported"
[ "$(sqlite3 "$DATA/kiosk.db" 'pragma integrity_check')" = ok ] || fail "integrity"
# A kiosk started on the full database pauses at its first commit, keeps
# the response, and retries every few seconds without crashing.
kiosk_ok "tap start
$(answers 5 6)
expect paused
wait 20000
expect paused" --config "$T/cfg.json"
grep -q "Tạm ngừng" "$ROOT/assets/i18n/ui.json" || fail "paused wording"
echo ok
