# sipasctl export: stable CSV columns, JSON with the same rows, date range
# in local time; a missing database is an error.
. "$(dirname "$0")/lib.sh"
kiosk_ok "tap start
tap field.dat-dai
$(answers 5 6)"
"$CTL" export --data "$DATA" --format csv > "$T/all.csv"
head -1 "$T/all.csv" > "$T/header"
for c in seq recorded_at clock_synced unit counter field instrument question element answer; do
  tr ',' '\n' < "$T/header" | grep -qx "$c" || fail "column $c missing"
done
"$CTL" export --data "$DATA" --format json > "$T/export.json"
python3 -c "
import json,sys; d=json.load(open('$T/export.json')); assert len(d)==6, len(d); assert d[0]['question']=='overall' and d[0]['answer']==5, d[0]"
today=$(vn_date +%F)
[ "$("$CTL" export --data "$DATA" --format csv --from "$today" --to "$today" | wc -l)" = 7 ] || fail "today's range"
[ "$("$CTL" export --data "$DATA" --format csv --to 2020-01-01 | wc -l)" = 1 ] || fail "past range"
if "$CTL" export --data "$T/nothing" --format csv 2> "$T/err"; then fail "missing db accepted"; fi
if "$CTL" export --data "$DATA" --format csv --from 2026-02-30 2> "$T/err"; then fail "bad date accepted"; fi
grep -q -- "--from" "$T/err" || fail "bad date flag not named"
echo ok
