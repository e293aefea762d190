#!/usr/bin/env bash
# Crash test: scripted citizens rate while the kiosk is SIGKILLed at random
# moments until it has been killed mid-run CRASH_RUNS times (default 200;
# runs that finish first do not count) on one data directory. Afterwards:
#  - PRAGMA integrity_check is ok;
#  - every seq a "committed" event announced is in `sipasctl export`;
#  - no seq was announced twice, no answer row is duplicated;
#  - no response is torn: a complete one has all its answers.
set -euo pipefail
build=${1:-build}
runs=${CRASH_RUNS:-200}
root=$(cd "$(dirname "$0")/../.." && pwd)
case "$build" in /*) ;; *) build="$root/$build" ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy

{ for ((i = 0; i < 100; i++)); do
    printf 'tap start\ntap field.khac\n'
    for ((j = 0; j < 6; j++)); do echo "tap answer.$(( (i + j) % 3 + 3 ))"; done
    echo "tap done"
  done; } > "$work/script"
printf '{"misuse": {"min_interval_s": 0, "burst_count": 0}}\n' > "$work/cfg.json"

# How long one uninterrupted run takes, to spread the kills across it.
start=$(date +%s%N)
"$build/sipas-kiosk" --window 800x480 --config "$work/cfg.json" --data "$work/probe" \
  --script "$work/script" --events /dev/null 2> /dev/null
span=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$span" -gt 0 ] || span=1

# A run that ends before its kill shortens the span: one slow probe (a cold
# cache, a loaded machine, a faked clock) must not leave most runs unkilled.
killed=0 finished=0
for ((r = 0; killed < runs && r < runs * 3; r++)); do
  "$build/sipas-kiosk" --window 800x480 --config "$work/cfg.json" --data "$work/var" \
    --script "$work/script" --events "$work/ev.$r" 2> "$work/err.$r" &
  pid=$!
  delay=$(( RANDOM % (span * 3 / 4 + 1) ))
  sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  if kill -9 "$pid" 2> /dev/null; then
    killed=$((killed + 1))
  else
    finished=$((finished + 1))
    span=$(( span * 3 / 4 )); [ "$span" -gt 0 ] || span=1
  fi
  wait "$pid" 2> /dev/null || true
done

check=$(sqlite3 "$work/var/kiosk.db" 'pragma integrity_check')
"$build/sipasctl" export --data "$work/var" --format csv > "$work/export.csv"
cat "$work"/ev.* > "$work/events"
python3 - "$work/events" "$work/export.csv" "$check" "$r" "$killed" "$span" "$runs" <<'PY'
import csv, json, sys
events_path, export_path, check, runs, killed, span, wanted = sys.argv[1:8]
acked = []
for line in open(events_path, encoding="utf-8"):
    try:
        e = json.loads(line)
    except ValueError:
        continue  # a line cut by the kill was never a promise
    if e.get("event") == "committed":
        acked.append(e["seq"])
rows = list(csv.DictReader(open(export_path, encoding="utf-8")))
seqs = {int(r["seq"]) for r in rows}
keys = [(r["seq"], r["question"], r["answer"]) for r in rows]
per = {}
for r in rows:
    per.setdefault(r["seq"], []).append(r)
missing = sorted(set(acked) - seqs)
dup_acked = len(acked) - len(set(acked))
dup_rows = len(keys) - len(set(keys))
torn = [s for s, rs in per.items() if rs[0]["partial"] == "0" and len(rs) != 6]
print(f"crash: {runs} runs ({killed} killed mid-run, kills spread over {span} ms at the end), "
      f"{len(acked)} commits acknowledged, {len(seqs)} responses stored, "
      f"integrity_check={check}, missing={len(missing)}, duplicate acks={dup_acked}, "
      f"duplicate rows={dup_rows}, torn={len(torn)}")
ok = (check == "ok" and not missing and not dup_acked and not dup_rows and not torn
      and len(acked) > 0 and int(killed) >= int(wanted))
if missing:
    print("missing seqs:", missing[:20])
sys.exit(0 if ok else 1)
PY
