# The admin screen opens only after the hidden taps and the right PIN; it
# shows counts; it is the only way out.
. "$(dirname "$0")/lib.sh"
corner() { local i; for ((i = 0; i < $1; i++)); do echo "tap admin.corner"; done; }
kiosk_ok "$(corner 4)
expect idle
wait 4000
$(corner 4)
expect idle
$(corner 1)
expect pin
tap pin.9
tap pin.9
tap pin.ok
expect pin
tap pin.1
tap pin.2
tap pin.3
tap pin.4
tap pin.ok
expect admin
tap admin.exit
tap start"
# admin.exit ends the script run early (exit 0, nothing after it ran)
expect_eq "[e['screen'] for e in events if e['event']=='screen'][-1]" "admin"
# one wrong PIN, one right one, one exit: audited in that order, once each
[ "$(sqlite3 "$DATA/kiosk.db" "SELECT group_concat(kind, ' ') FROM (SELECT kind FROM audit WHERE kind LIKE 'admin-%' ORDER BY id)")" = \
  "admin-denied admin-open admin-exit" ] || fail "audit: $(sqlite3 "$DATA/kiosk.db" 'SELECT kind FROM audit')"
# keys do nothing: Escape and Alt+F4 are not ways out
kiosk_ok "type x
expect idle"
echo ok
