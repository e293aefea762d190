# Ratings faster than the minimum interval are stored but flagged; a burst
# beyond the rule is flagged too; later ones count again.
. "$(dirname "$0")/lib.sh"
printf '{"fields": ["khac"], "misuse": {"min_interval_s": 10, "burst_count": 3, "burst_window_s": 300}}\n' > "$T/cfg.json"
one() { printf 'tap start\n%s\ntap done\n' "$(answers 5 6)"; }
kiosk_ok "$(one)
$(one)
wait 11000
$(one)
wait 11000
$(one)
wait 11000
$(one)
wait 300000
$(one)" --config "$T/cfg.json"
export_csv
# 1 ok, 2 too soon (1), 3 ok, 4 ok, 5 burst (2: three accepted in 300 s), 6 ok
expect_eq "[r['suppressed'] for r in rows if r['question']=='overall']" \
  "['0', '1', '0', '0', '2', '0']"
expect_eq "len([e for e in events if e['event']=='committed'])" "6"
echo ok
