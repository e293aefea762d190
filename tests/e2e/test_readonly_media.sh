# A worn SD card remounts read-only: export, check and status still read
# everything on it, including the ratings and the sync progress that were
# committed to the WAL and never checkpointed into the file (SQLite's
# immutable=1 alone would miss them), and they say the medium is read-only.
# The medium is a tmpfs remounted read-only in a mount namespace of our
# own (root ignores permission bits, so a chmod would prove nothing for
# root); without namespaces, a user who may not write the directory.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/sync/lib.sh"

hub_init
hub_start
provision "$HUB_URL"
rate 2 --seed 800

# A reader holds both files open, so neither the kiosk nor sipasctl is
# the last to close them: what they commit now stays in the WAL. The
# files are copied as a power cut would leave them.
python3 - "$DATA" "$T" <<'PY' &
import os, sqlite3, sys, time
data, t = sys.argv[1], sys.argv[2]
held = []
for name in ("kiosk.db", "sync.db"):
    c = sqlite3.connect(os.path.join(data, name), isolation_level=None)
    c.execute("BEGIN")
    c.execute("SELECT count(*) FROM sqlite_master").fetchall()
    held.append(c)
open(os.path.join(t, "held"), "w").close()
while not os.path.exists(os.path.join(t, "release")):
    time.sleep(0.02)
PY
holder=$!
SYNC_PIDS+=("$holder")
for ((i = 0; i < 250; i++)); do [ -e "$T/held" ] && break; sleep 0.02; done
[ -e "$T/held" ] || fail "the reader did not start"
rate 3 --seed 801
sync_ok
RESCUE="$T/rescue"
mkdir -p "$RESCUE"
cp "$DATA"/kiosk.db "$DATA"/kiosk.db-wal "$DATA"/sync.db "$DATA"/sync.db-wal "$RESCUE"/
touch "$T/release"
wait "$holder"

# What the card holds, read where it is writable.
cp -r "$RESCUE" "$T/writable"
"$CTL" export --data "$T/writable" --format csv > "$T/want.csv"
"$CTL" status --data "$T/writable" --json > "$T/want.json"
want=$(python3 -c "import csv,sys; print(len({r['seq'] for r in csv.DictReader(open(sys.argv[1]))}))" "$T/want.csv")
[ "$want" = 5 ] || fail "expected 5 ratings, the export has $want"
# The test means something only if the WAL holds ratings and progress.
for f in kiosk.db sync.db; do [ -s "$RESCUE/$f-wal" ] || fail "$f-wal is empty"; done
in_file=$(sqlite3 "file:$RESCUE/kiosk.db?immutable=1" 'SELECT count(*) FROM responses')
[ "$in_file" -lt 5 ] || fail "every rating is already in kiosk.db itself"
# A card whose WAL was checkpointed and removed: still a WAL database, so
# SQLite would want a -shm; it is read as it is.
NOWAL="$T/rescue-nowal"
cp -r "$T/writable" "$NOWAL"
sqlite3 "$NOWAL/kiosk.db" 'PRAGMA wal_checkpoint(TRUNCATE)' > /dev/null
rm -f "$NOWAL"/*-wal "$NOWAL"/*-shm
[ "$(sqlite3 "$NOWAL/kiosk.db" 'PRAGMA journal_mode')" = wal ] || fail "the WAL-less copy is not a WAL database"
rm -f "$NOWAL"/*-wal "$NOWAL"/*-shm

# The commands, run on the read-only medium.
cat > "$T/inside.sh" <<'SH'
set -u
T=$1 CTL=$2 RESCUE=$3 NOWAL=$4
if [ "${5:-}" = mount ]; then
  mkdir -p "$T/card"
  mount -t tmpfs -o size=16m sipas-card "$T/card" || exit 3
  cp -a "$RESCUE" "$T/card/data"
  cp -a "$NOWAL" "$T/card/nowal"
  mount -o remount,ro "$T/card" || exit 3
  D="$T/card/data" N="$T/card/nowal"
  touch "$D/probe" 2>/dev/null && { echo "the medium is writable" >&2; exit 4; }
else
  D=$RESCUE N=$NOWAL
fi
export TMPDIR="$T/tmp"
"$CTL" export --data "$D" --format csv > "$T/got.csv" 2> "$T/export.err"; echo "export $?" > "$T/rcs"
"$CTL" check --data "$D" > "$T/check.out" 2> "$T/check.err"; echo "check $?" >> "$T/rcs"
"$CTL" status --data "$D" > "$T/status.out" 2> "$T/status.err"; echo "status $?" >> "$T/rcs"
"$CTL" status --data "$D" --json > "$T/got.json" 2>> "$T/status.err"; echo "json $?" >> "$T/rcs"
"$CTL" export --data "$N" --format csv > "$T/nowal.csv" 2> "$T/nowal.err"; echo "nowal $?" >> "$T/rcs"
exit 0
SH
mkdir -p "$T/tmp"
how=""
# RO_MODE=perm skips the namespaces, to try the other way where they work.
ns=1; [ "${RO_MODE:-}" = perm ] && ns=0
if [ "$ns" = 1 ] && [ "$(id -u)" = 0 ] && unshare -m bash "$T/inside.sh" "$T" "$CTL" "$RESCUE" "$NOWAL" mount; then
  how="read-only tmpfs (root)"
elif [ "$ns" = 1 ] && [ "$(id -u)" != 0 ] && unshare -rm bash "$T/inside.sh" "$T" "$CTL" "$RESCUE" "$NOWAL" mount; then
  how="read-only tmpfs (user namespace)"
elif [ "$(id -u)" = 0 ]; then
  # No namespaces: an unprivileged user who may read but not write.
  chmod -R a+rX "$T" && chmod a-w "$RESCUE" "$NOWAL" && chmod 1777 "$T" "$T/tmp"
  setpriv --reuid=65534 --regid=65534 --clear-groups bash "$T/inside.sh" "$T" "$CTL" "$RESCUE" "$NOWAL" ||
    fail "cannot run as an unprivileged user"
  how="directory not writable (setpriv)"
else
  chmod a-w "$RESCUE" "$NOWAL"
  bash "$T/inside.sh" "$T" "$CTL" "$RESCUE" "$NOWAL"
  chmod u+w "$RESCUE" "$NOWAL"
  how="directory not writable"
fi
echo "medium: $how"
for c in export check status json nowal; do
  grep -qx "$c 0" "$T/rcs" || { cat "$T/rcs" "$T/$c.err" "$T/status.err" 2> /dev/null >&2; fail "$c failed on a read-only medium"; }
done
cmp -s "$T/want.csv" "$T/got.csv" || { diff "$T/want.csv" "$T/got.csv" | head >&2; fail "the export differs from the card's contents"; }
cmp -s "$T/want.csv" "$T/nowal.csv" || fail "the export of a WAL-less card differs"
grep -qi "read-only" "$T/nowal.err" || fail "export of a WAL-less card does not say the medium is read-only"
grep -qx ok "$T/check.out" || fail "check: $(cat "$T/check.out")"
python3 - "$T/want.json" "$T/got.json" <<'PY' || fail "status on the read-only medium differs"
import json, sys
want, got = (json.load(open(p)) for p in sys.argv[1:])
for k in ("responses", "last_seq", "install_id", "quick_check", "ok"):
    assert want[k] == got[k], (k, want[k], got[k])
for k in ("enrolled", "unit", "acked_seq", "pending"):
    assert want["sync"][k] == got["sync"][k], (k, want["sync"][k], got["sync"][k])
assert got["sync"]["acked_seq"] == got["last_seq"] == 5, got
assert got["read_only_medium"] is True and want["read_only_medium"] is False, got
PY
grep -qi "read-only" "$T/export.err" || fail "export does not say the medium is read-only"
grep -qi "read-only" "$T/status.out" || fail "status does not say the medium is read-only"
[ -z "$(ls -A "$T/tmp")" ] || fail "private copies left behind: $(ls "$T/tmp")"
echo ok
