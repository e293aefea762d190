# A passer-by with a keyboard left attached: every combination that takes
# a program off its screen elsewhere (Alt+F4, Ctrl+Alt+Backspace,
# Ctrl+Alt+Del, Ctrl+Alt+F1…F12, Alt+F1…F12, Escape, Ctrl+C, Super, Alt+Tab)
# and SDL_QUIT itself (a window manager's close) leave the kiosk running on
# the screen it was on — idle, field, a question, thanks, and the
# technician's PIN and admin screens; the response in progress loses and
# gains nothing; a normal rating completes after; the admin's exit still
# works. SIGTERM's clean stop (exit 0) is test_systemd.sh's.
. "$(dirname "$0")/lib.sh"

# '_' stands for a space inside a key name ("keypad ." is SDL's name).
combos="alt+f4 ctrl+alt+backspace ctrl+alt+delete ctrl+alt+keypad_. escape
ctrl+c ctrl+z ctrl+d ctrl+q ctrl+w ctrl+\\ super super+d super+l alt+tab
ctrl+escape alt+escape ctrl+shift+escape alt+left alt+right ctrl+alt+left
ctrl+return alt+return super+return keypad_enter shift+escape backspace tab
f1 f4 f11 f12 altgr+f4"
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do combos="$combos ctrl+alt+f$i alt+f$i"; done
keys() { local c; for c in $combos; do echo "key ${c//_/ }"; done; echo quit; }

kiosk_ok "expect idle
$(keys)
expect idle
tap start
expect field
$(keys)
expect field
tap field.xay-dung
expect question
tap answer.4
expect question
$(keys)
expect question
tap answer.5
tap answer.3
$(keys)
expect question
tap answer.4
tap answer.5
tap answer.4
expect thanks
$(keys)
expect thanks
wait 6000
expect idle
tap start
tap field.dat-dai
tap answer.5
tap answer.5
tap answer.5
tap answer.5
tap answer.5
tap answer.5
expect thanks
wait 6000
expect idle"
export_csv
# No screen came and went in between: the keys moved nothing.
expect_eq "[e['screen'] for e in events if e['event']=='screen']" \
  "['idle', 'field', 'question', 'thanks', 'idle', 'field', 'question', 'thanks', 'idle']"
expect_eq "[e['seq'] for e in events if e['event']=='committed']" "[1, 2]"
expect_eq "[(r['question'], r['answer']) for r in rows if r['seq']=='1']" \
  "[('overall', '4'), ('tiep-can', '5'), ('thu-tuc', '3'), ('cong-chuc', '4'), ('ket-qua', '5'), ('gop-y', '4')]"
expect_eq "sorted({(r['field'], r['partial']) for r in rows})" "[('dat-dai', '0'), ('xay-dung', '0')]"
expect_eq "len([r for r in rows if r['seq']=='2'])" "6"
# Heard and said once, not once per press.
[ "$(grep -c "request to close the window was ignored" "$T/stderr")" = 1 ] ||
  { cat "$T/stderr" >&2; fail "the ignored SDL_QUIT is not noted exactly once"; }

# The technician's path is kept: keys on the PIN and admin screens move
# nothing, the admin's exit still ends the run (a script stops there).
corner() { local i; for ((i = 0; i < 5; i++)); do echo "tap admin.corner"; done; }
rm -f "$T/events"
kiosk_ok "$(corner)
expect pin
tap pin.1
tap pin.2
$(keys)
expect pin
tap pin.3
tap pin.4
tap pin.ok
expect admin
$(keys)
expect admin
tap admin.exit
tap done"
expect_eq "[e['screen'] for e in events if e['event']=='screen']" "['idle', 'pin', 'admin']"
[ "$(sqlite3 "$DATA/kiosk.db" "SELECT count(*) FROM audit WHERE kind='admin-exit'")" = 1 ] ||
  fail "the admin's exit was not taken"
if kiosk_script "key ctrl+nosuchkey"; then fail "an unknown key name passed"; fi
grep -q "script:1: key: no key named 'nosuchkey'" "$T/stderr" || { cat "$T/stderr"; fail "unknown key not named"; }
if kiosk_script "key"; then fail "an empty key step passed"; fi
echo ok
