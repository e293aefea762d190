# The soak's shape checks (tests/bench/soak_fit.py) on samples made here:
# 60 days whose memory scatters as sipas-sync's does between upload
# passes but holds its level pass; the same with sipas-sync leaking
# 10 kB a day from day 31, or the kiosk 10 kB a day (a sixth of its RSS a year), fail; so does an open
# file that stays open.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0

# make OUT SYNC_LEAK_KB KIOSK_LEAK_KB FD_DAY: 60 days of samples, scatter
# drawn from a fixed seed so the run is the same every time
make_samples() {
  python3 - "$@" <<'PY'
import random, sys
out, sync_leak, kiosk_leak, fd_day = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rnd = random.Random(20261207)
cols = ["day", "stored", "counted", "rss_kb", "hwm_kb", "kiosk_fds", "sync_fds",
        "sync_rss_kb", "kiosk_used", "kiosk_db", "kiosk_wal", "hub_used",
        "hub_files", "hub_counted", "kiosk_cpu_ms", "sync_cpu_ms", "wall_ms"]
with open(out, "w") as f:
    f.write("\t".join(cols) + "\n")
    for day in range(1, 61):
        stored = 300 * day
        # the kiosk's page cache fills until its database passes 2,000 KiB
        kiosk = 18000 + min(day, 44) * 40 + max(0, day - 30) * kiosk_leak
        sync = 12900 + rnd.choice((0, 0, 0, 4, 8, 60, 120, -40, 200, 350)) \
            + max(0, day - 30) * sync_leak
        row = [day, stored, stored * 7 // 8, kiosk, kiosk + 2000, 14,
               9 + (1 if fd_day and day >= fd_day else 0), sync,
               stored * 463, stored * 463, 4087 * 1024, day * 75726,
               day * 75726, stored * 7 // 8, day * 2500, day * 600, day * 13000]
        f.write("\t".join(str(v) for v in row) + "\n")
PY
}

# judge NAME WANT SYNC_LEAK KIOSK_LEAK FD_DAY: WANT 0 (shapes hold) or 1
judge() {
  local name=$1 want=$2
  make_samples "$T/$name.tsv" "$3" "$4" "$5"
  python3 "$ROOT/tests/bench/soak_fit.py" --samples "$T/$name.tsv" --seed 1 \
    --days 60 --per-day 300 --stored 18000 --counted 15750 --partial 0 \
    --suppressed 0 --empty 0 --stops 0 --kills 0 --starts 1 --wall-s 1 \
    > "$T/$name.md" 2> "$T/$name.err"
  local got=$?
  if [ "$got" = "$want" ]; then
    echo "ok    soak shapes: $name (exit $got)"
  else
    echo "FAIL  soak shapes: $name: exit $got, want $want"
    grep -E '\*\*off\*\*|ok$' "$T/$name.md" | sed 's/^/      /'
    fails=$((fails + 1))
  fi
}

judge "sipas-sync scattering around one level" 0 0 0 0
judge "sipas-sync leaking 10 kB a day" 1 10 0 0
judge "the kiosk leaking 10 kB a day" 1 0 10 0
judge "an open file kept from day 40" 1 0 0 40
grep -Eq "sipas-sync VmRSS still from day 3[0-9] " "$T/sipas-sync scattering around one level.md" || {
  echo "FAIL  soak shapes: sipas-sync's slope is not judged over the last half"
  fails=$((fails + 1)); }
[ "$fails" = 0 ]
