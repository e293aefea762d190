# When storage is full the citizen sees "Tạm ngừng nhận đánh giá" (the
# paused screen), the technician an error on stderr and in the event stream;
# nothing committed is lost, and the waiting response, kept in memory, is
# stored exactly once when space is back.
#
# Two ways to be full, both real:
#  - the configured cap (`storage.max_kb`): a kiosk fills its capped
#    database, then one started on it pauses at its first commit;
#  - a real 1 MB filesystem (tmpfs in a private mount namespace, `unshare
#    -rm`) that another file fills: the kiosk, driven step by step through a
#    FIFO, pauses, keeps retrying, and commits once the file is removed.
. "$(dirname "$0")/lib.sh"
SHOT_REF="$ROOT/docs/screenshots/800x480/paused.png"
IMGDIFF="$BUILD/tools/imgdiff"

# nrows: responses and answers in the kiosk's database, "R A".
nrows() {
  sqlite3 "$DATA/kiosk.db" "SELECT (SELECT count(*) FROM responses) || ' ' || (SELECT count(*) FROM answers)"
}

# ---- a real filesystem that fills up (runs inside the mount namespace) ---
tmpfs_full() {
  mkdir -p "$DATA"
  mount -t tmpfs -o size=1M tmpfs "$DATA" || fail "mount tmpfs"
  trap 'umount "$DATA" 2> /dev/null; rm -rf "$T"' EXIT
  printf '{"misuse": {"min_interval_s": 0, "burst_count": 0}}\n' > "$T/cfg.json"
  mkfifo "$T/fifo"
  timeout "$KIOSK_TIMEOUT" "$KIOSK" --window 800x480 --dpi 133 --data "$DATA" --config "$T/cfg.json" \
    --script "$T/fifo" --events "$T/events" --screenshots "$T/shots" 2> "$T/stderr" &
  local pid=$! mark=0
  exec 3> "$T/fifo"
  # steps LINE...: sends script steps, then waits until the kiosk has run
  # them (a marker screenshot appears only after every earlier step).
  steps() {
    mark=$((mark + 1))
    printf '%s\n' "$@" "shot mark-$mark" >&3
    local i
    for ((i = 0; i < 600; i++)); do
      [ -e "$T/shots/mark-$mark.png" ] && return 0
      kill -0 "$pid" 2> /dev/null || { cat "$T/stderr" >&2; fail "kiosk exited at: $*"; }
      sleep 0.05
    done
    fail "kiosk did not run: $*"
  }
  last_screen() { q "[e['screen'] for e in events if e['event']=='screen'][-1]"; }
  steps "expect idle"
  # Fill the filesystem: the next write of the database cannot get a block.
  dd if=/dev/zero of="$DATA/filler" bs=4k 2> /dev/null && fail "1 MB filled without error"
  [ "$(df --output=avail -k "$DATA" | tail -1 | tr -d ' ')" = 0 ] || fail "filesystem not full"
  steps "tap start" "tap field.khac" "$(answers 4 6)" "shot paused"
  [ "$(last_screen)" = paused ] || { cat "$T/stderr" >&2; fail "full disk: screen is $(last_screen), not paused"; }
  "$IMGDIFF" "$SHOT_REF" "$T/shots/paused.png" 0.5 > /dev/null ||
    fail "the paused screen differs from $SHOT_REF"
  grep -q "database or disk full" "$T/stderr" || fail "stderr does not say the storage is full"
  expect_eq "[e['event'] for e in events if e['event'] in ('error', 'committed', 'recovered')]" \
    "['error']" "events while full"
  [ "$(nrows)" = "0 0" ] || fail "rows stored on a full disk: $(nrows)"
  # Still full: retried (every 5 s), still paused, told once, nothing stored.
  steps "wait 16000" "expect paused"
  expect_eq "[e['event'] for e in events if e['event'] in ('error', 'committed', 'recovered')]" \
    "['error']" "events after retries on a full disk"
  [ "$(nrows)" = "0 0" ] || fail "rows stored on a full disk: $(nrows)"
  # Space is back: the next retry stores the waiting response, once.
  rm "$DATA/filler"
  steps "wait 5000" "expect thanks" "wait 20000" "expect idle"
  exec 3>&-
  wait "$pid" || { cat "$T/stderr" >&2; fail "kiosk exited $?"; }
  expect_eq "[e['event'] for e in events if e['event'] in ('error', 'committed', 'recovered')]" \
    "['error', 'recovered', 'committed']" "events once space is back"
  expect_eq "[e['seq'] for e in events if e['event']=='committed']" "[1]"
  [ "$(nrows)" = "1 6" ] || fail "expected 1 response of 6 answers, found $(nrows)"
  [ "$(sqlite3 "$DATA/kiosk.db" "SELECT group_concat(value, ',') FROM (SELECT a.value FROM answers a JOIN responses r USING (seq) WHERE r.field = 'khac' AND r.partial = 0 AND r.suppressed = 0 ORDER BY a.ord)")" = "4,4,4,4,4,4" ] ||
    fail "stored answers: $(sqlite3 "$DATA/kiosk.db" 'SELECT seq, ord, question, value FROM answers')"
  [ "$(sqlite3 "$DATA/kiosk.db" 'pragma integrity_check')" = ok ] || fail "integrity"
}
if [ "${1:-}" = --in-namespace ]; then
  tmpfs_full
  echo "ok (full filesystem)"
  exit 0
fi

# ---- the configured cap ---------------------------------------------------
printf '{"fields": ["khac"], "storage": {"max_kb": 64}, "misuse": {"min_interval_s": 0, "burst_count": 0}}\n' > "$T/cfg.json"
script=$(for i in $(seq 1 300); do printf 'tap start\n%s\nexpect thanks\ntap done\n' "$(answers 5 6)"; done)
kiosk_script "$script" --config "$T/cfg.json" && fail "300 ratings fit in 64 KB"
# The run stops at the first rating that could not be stored: the kiosk
# showed paused instead of thanks.
grep -q "expect thanks: screen is 'paused'" "$T/stderr" || { tail -3 "$T/stderr"; fail "kiosk never paused"; }
grep -q "storage: database or disk full" "$T/stderr" || fail "stderr does not say the storage is full"
expect_eq "[e['event'] for e in events if e['event']=='error']" "['error']" "one error event for the technician"
committed=$(grep -c '"committed"' "$T/events")
[ "$committed" -gt 10 ] || fail "only $committed committed before full"
# Nothing acknowledged is lost: every committed seq is in the database with
# its six answers, and nothing else is.
export_csv
expect_eq "sorted({int(r['seq']) for r in rows}) == sorted(e['seq'] for e in events if e['event']=='committed')" True \
  "exported seqs are the committed ones"
[ "$(nrows)" = "$committed $((committed * 6))" ] || fail "database holds $(nrows), committed $committed"
[ "$(sqlite3 "$DATA/kiosk.db" 'pragma integrity_check')" = ok ] || fail "integrity"
# A kiosk started on the full database pauses at its first commit, shows
# the paused screen, keeps the response and retries without crashing or
# storing anything.
before=$(nrows)
mv "$T/events" "$T/events.first"   # the event stream is appended to
kiosk_ok "tap start
$(answers 5 6)
expect paused
shot paused
wait 20000
expect paused" --config "$T/cfg.json" --dpi 133 --screenshots "$T/shots"
[ "$(nrows)" = "$before" ] || fail "rows changed while full: $before -> $(nrows)"
expect_eq "[e['event'] for e in events if e['event'] in ('error', 'committed')]" "['error']" \
  "a full database: one error, no commit"
# The cap configuration has one field: the field screen is skipped, the
# paused screen is the same.
"$IMGDIFF" "$SHOT_REF" "$T/shots/paused.png" 0.5 > /dev/null ||
  fail "the paused screen differs from $SHOT_REF"
echo "ok (cap)"

# ---- a real full filesystem -------------------------------------------------
unshare -rm true 2> /dev/null || fail "unshare -rm is not available: cannot mount a small filesystem"
unshare -rm bash "$0" --in-namespace || fail "full filesystem"
echo ok
