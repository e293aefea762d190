# The admin screen's "Tự kiểm tra": a touch grid of 12 cells, each tapped
# through the real input path; its result lands in DATA/touchgrid.json,
# which `sipasctl selftest` reports as the touch.grid check (all cells:
# pass; some missing: fail). Leaving the grid returns to the admin screen.
. "$(dirname "$0")/lib.sh"
corner() { local i; for ((i = 0; i < 5; i++)); do echo "tap admin.corner"; done; }
pin() { printf 'tap pin.1\ntap pin.2\ntap pin.3\ntap pin.4\ntap pin.ok\n'; }
cells() { local i; for i in "$@"; do echo "tap grid.$i"; done; }

# touch KEY: a field of DATA/touchgrid.json.
grid() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$DATA/touchgrid.json" "$1"; }
check_touch() { # STATUS
  local got
  "$CTL" selftest --data "$DATA" --root "$T/root" --no-send --json > "$T/st.json" 2> /dev/null || true
  got=$(python3 -c "
import json,sys
r=json.load(open(sys.argv[1]))
print(next((c['status'] for c in r['checks'] if c['id']=='touch.grid'), 'absent'))" "$T/st.json")
  [ "$got" = "$1" ] || { cat "$T/st.json" >&2; fail "touch.grid: expected $1, got $got"; }
}
mkdir -p "$T/root"

# Never run: the self-test leaves the grid out.
kiosk_ok "expect idle"
check_touch absent

# Half the grid, then back: the admin screen again, the grid noted as is.
kiosk_ok "$(corner)
$(pin)
expect admin
tap admin.selftest
expect selftest
$(cells 0 1 2 3 4 5)
tap grid.0
tap done
expect admin"
[ "$(grid cells)" = 12 ] && [ "$(grid tapped)" = 6 ] || fail "touchgrid.json: $(cat "$DATA/touchgrid.json")"
[ "$(grid width)x$(grid height)" = 800x480 ] || fail "the grid did not note the screen"
check_touch fail
expect_eq "[e['screen'] for e in events if e['event']=='screen'][-3:]" "['admin', 'selftest', 'admin']"

# Every cell: touch ok. A new run starts from an empty grid.
kiosk_ok "$(corner)
$(pin)
tap admin.selftest
$(cells 11 10 9 8 7 6 5 4 3 2 1 0)
expect selftest
tap done
tap admin.selftest
tap grid.3
tap done"
[ "$(grid tapped)" = 1 ] || fail "a new run kept the old taps: $(cat "$DATA/touchgrid.json")"
kiosk_ok "$(corner)
$(pin)
tap admin.selftest
$(cells 0 1 2 3 4 5 6 7 8 9 10 11)
tap done"
[ "$(grid tapped)" = 12 ] || fail "touchgrid.json: $(cat "$DATA/touchgrid.json")"
check_touch pass

# The grid times out to idle like the admin screen.
kiosk_ok "$(corner)
$(pin)
tap admin.selftest
wait 121000
expect idle"
echo ok
