#!/usr/bin/env bash
# A soak of a busy counter: one kiosk process lives through SOAK_DAYS
# virtual days of SOAK_PER_DAY responses each (random but seeded citizens:
# complete, walked away, too quick, bursts), beside its uploader
# sipas-sync and a real hub on loopback that is stopped, started and once
# killed with SIGKILL along the way (tests/bench/soak_plan.py plans it).
# After each virtual day (every SOAK_SAMPLE_DAYS): the kiosk's VmRSS and
# VmHWM, the open files of the kiosk and sipas-sync, kiosk.db and its
# WAL, the hub's database, and, when the hub is up, its count once it
# caught up. At the end the hub's statistics must equal the kiosk's export
# and the plan exactly, and tests/bench/soak_fit.py checks the shapes:
# flat memory and open files, databases linear in responses.
#
#   tests/bench/soak.sh [BUILD]
# Knobs: SOAK_DAYS (60), SOAK_PER_DAY (300), SOAK_SEED (random; printed,
# and replays a run), SOAK_SAMPLE_DAYS (1), SOAK_DOC (a file whose
# "## Soak" section, at its end, is replaced by this run's), SOAK_RAW
# (keep the samples there).
#
# Time never comes from the real date: the kiosk's virtual clock starts
# on 2 March 2026, 07:30 in Vietnam (SIPAS_CLOCK_OFFSET_S from now), and
# the hub, sipas-sync and sipasctl live the day after the last one.
export BUILD=${1:-${BUILD:-build}}
. "$(dirname "$0")/../e2e/lib.sh"
. "$ROOT/tests/sync/lib.sh"

days=${SOAK_DAYS:-60}
per_day=${SOAK_PER_DAY:-300}
every=${SOAK_SAMPLE_DAYS:-1}
seed=${SOAK_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
doc=${SOAK_DOC:-}
# every failure names the seed that replays it
fail() { echo "FAIL: $* (SOAK_SEED=$seed replays it)" >&2; exit 1; }
echo "soak: seed $seed, $days days of $per_day responses (SOAK_SEED=$seed replays it)"

start_s=$(TZ=Asia/Ho_Chi_Minh date -d '2026-03-02 07:30' +%s)
first_day=$(TZ=Asia/Ho_Chi_Minh date -d "@$start_s" +%F)
last_day=$(TZ=Asia/Ho_Chi_Minh date -d "@$((start_s + (days - 1) * 86400))" +%F)
# the hub's "now": the morning after the last day
hub_off=$((start_s + days * 86400 - $(date +%s)))

mkdir -p "$T/plan"
python3 "$ROOT/tests/bench/soak_plan.py" --seed "$seed" --days "$days" \
  --per-day "$per_day" --dir "$T/plan" > "$T/plan.txt" || fail "no plan"

export SIPAS_CLOCK_OFFSET_S=$hub_off
hub_init
hub_start
provision "$HUB_URL"
# the kiosk's defaults but for the uploader's timer: the misuse rules are
# the ones soak_plan.py replays
printf '{"sync": {"interval_s": 60}}\n' > "$T/soak.json"
syncd_start --config "$T/soak.json"
SIPAS_CLOCK_OFFSET_S=$((start_s - $(date +%s))) SIPAS_CLOCK_SYNCED=1 \
  kiosk_feed_start --config "$T/soak.json"
SYNC_PIDS+=("$KPID")
KIOSK_STEPS_S=300
hub_up=1

# proc_kb PID FIELD: a VmRSS-like line of /proc/PID/status, in kB.
proc_kb() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }
nfds() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2> /dev/null | wc -l; }
# rest PID: open files and VmRSS (kB) between the process's bursts of
# work (a pass of sipas-sync opens the databases and a connection for its
# while; the kiosk's watch on sync.db reads it after each): the fewest of
# ten looks over a second. A leak raises that floor.
rest() {
  local i n r low= low_rss=
  for ((i = 0; i < 10; i++)); do
    n=$(nfds "$1")
    r=$(proc_kb "$1" VmRSS)
    [ -z "$low" ] || [ "$n" -lt "$low" ] && low=$n
    [ -z "$low_rss" ] || [ "$r" -lt "$low_rss" ] && low_rss=$r
    sleep 0.1
  done
  echo "$low $low_rss"
}
bytes() { local f s=0; for f; do [ -e "$f" ] && s=$((s + $(stat -c %s "$f"))); done; echo "$s"; }
# used DB: the pages a database holds, WAL included, read beside its writer:
# its files lag (pages wait in the WAL until a checkpoint), this does not.
used() {
  sqlite3 "file:$1?mode=ro" 'SELECT page_count * page_size FROM pragma_page_count, pragma_page_size' ||
    echo -1
}
# cpu_ms PID: user + system time of the process so far.
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print int(($12 + $13) * 1000 / hz) }' "/proc/$1/stat"; }
# hub_responses: counted responses over the whole run at the hub.
hub_responses() {
  curl -sf -H "Authorization: Bearer $TOKEN" \
    "$HUB_URL/api/v1/stats?from=$first_day&to=$last_day&group=unit" |
    python3 -c 'import json,sys; print(sum(g["responses"] for g in json.load(sys.stdin)["groups"]))'
}
# idle: the kiosk is waiting for its next step (not halfway through
# writing the marker), so its open files are its own steady set.
idle() {
  local i
  for ((i = 0; i < 100; i++)); do
    grep -q pipe "/proc/$KPID/wchan" 2> /dev/null && return 0
    sleep 0.02
  done
}

stored=0 counted=0 n_stop=0 n_kill=0 n_start=0
run_start=$(date +%s%N)
printf 'day\tstored\tcounted\trss_kb\thwm_kb\tkiosk_fds\tsync_fds\tsync_rss_kb\tkiosk_used\tkiosk_db\tkiosk_wal\thub_used\thub_files\thub_counted\tkiosk_cpu_ms\tsync_cpu_ms\twall_ms\n' > "$T/samples.tsv"
while read -r day half act n_stored n_complete _ n_soon n_burst _; do
  steps "$(cat "$T/plan/day-$(printf %03d "$day").$half")"
  rm -f "$T/shots/mark-$KIOSK_MARK.bmp"
  stored=$((stored + n_stored))
  counted=$((counted + n_complete - n_soon - n_burst))
  case "$act" in
    stop) hub_stop; hub_up=0; n_stop=$((n_stop + 1)) ;;
    kill9) hub_kill9; hub_up=0; n_kill=$((n_kill + 1)) ;;
    start) hub_start --port "$HUB_PORT"; hub_up=1; n_start=$((n_start + 1)) ;;
  esac
  [ "$half" = b ] && [ $((day % every)) = 0 -o "$day" = "$days" ] || continue
  got=$(grep -c '"event":"committed"' "$T/events" || true)
  [ "$got" = "$stored" ] || fail "day $day: the kiosk committed $got, the plan $stored"
  hub_n=-
  if [ "$hub_up" = 1 ]; then
    # sipas-sync catches up within seconds of the kiosk's last wake-up
    for ((i = 0; i < 600; i++)); do
      hub_n=$(hub_responses) || hub_n=-
      [ "$hub_n" = "$counted" ] && break
      sleep 0.1
    done
    [ "$hub_n" = "$counted" ] || fail "day $day: the hub counts $hub_n, the plan $counted"
  fi
  idle
  read -r k_fds k_rss < <(rest "$KPID")
  read -r s_fds s_rss < <(rest "$SYNCD_PID")
  printf '%s\t' "$day" "$stored" "$counted" "$k_rss" \
    "$(proc_kb "$KPID" VmHWM)" "$k_fds" "$s_fds" "$s_rss" "$(used "$DATA/kiosk.db")" "$(bytes "$DATA/kiosk.db")" \
    "$(bytes "$DATA/kiosk.db-wal")" "$(used "$T/hub.db")" "$(bytes "$T/hub.db" "$T/hub.db-wal")" "$hub_n" \
    "$(cpu_ms "$KPID")" "$(cpu_ms "$SYNCD_PID")" >> "$T/samples.tsv"
  echo $(( ($(date +%s%N) - run_start) / 1000000 )) >> "$T/samples.tsv"
  tail -n1 "$T/samples.tsv" | awk -F'\t' '{ printf "soak: day %d: %d stored, %d counted, RSS %d kB, fds %d/%d, kiosk.db %d B, hub.db %d B, hub %s\n", $1, $2, $3, $4, $6, $7, $9, $12, $14 }'
done < "$T/plan.txt"

# ---- the end: exact at the hub -------------------------------------------
[ "$hub_up" = 1 ] || fail "the plan left the hub down"
kill -0 "$KPID" || fail "the kiosk is gone"
"$CTL" export --data "$DATA" --format csv --from "$first_day" --to "$last_day" > "$T/export.csv" ||
  fail "sipasctl export failed"
python3 "$SYNC_LIB/check_totals.py" --export "$T/export.csv" --hub "$HUB_URL" --token "$TOKEN" \
  --from "$first_day" --to "$last_day" --hub-db "$T/hub.db" --expect-responses "$counted" \
  > "$T/totals.out" 2> "$T/totals.err" || { cat "$T/totals.err" >&2; fail "hub totals are not exact"; }
# the export against the plan: what the kiosk stored, kept partial and
# suppressed
read -r e_stored e_partial e_supp < <(python3 -c "
import csv,sys
rows={r['seq']: r for r in csv.DictReader(open(sys.argv[1], encoding='utf-8'))}.values()
print(len(rows), sum(r['partial'] != '0' for r in rows), sum(r['suppressed'] != '0' for r in rows))" "$T/export.csv")
read -r p_partial p_supp p_empty < <(awk '{ p += $6; s += $7 + $8; e += $9 } END { print p, s, e }' "$T/plan.txt")
[ "$e_stored $e_partial $e_supp" = "$stored $p_partial $p_supp" ] ||
  fail "the kiosk stored $e_stored ($e_partial partial, $e_supp suppressed), the plan $stored ($p_partial, $p_supp)"
wall_s=$(( ($(date +%s%N) - run_start) / 1000000000 ))
echo "soak: exact: the hub counts $counted of $stored stored ($p_partial partial, $p_supp suppressed, $p_empty walked off before answering); hub stopped $n_stop times, killed $n_kill, started $n_start"

[ -z "${SOAK_RAW:-}" ] || { mkdir -p "$SOAK_RAW" && cp "$T/samples.tsv" "$T/plan.txt" "$SOAK_RAW/"; }
python3 "$ROOT/tests/bench/soak_fit.py" --samples "$T/samples.tsv" --seed "$seed" \
  --days "$days" --per-day "$per_day" --stored "$stored" --counted "$counted" \
  --partial "$p_partial" --suppressed "$p_supp" --empty "$p_empty" --stops "$n_stop" \
  --kills "$n_kill" --starts "$n_start" --wall-s "$wall_s" --load "$(cut -d' ' -f1-3 /proc/loadavg)" \
  > "$T/section.md" && fit=0 || fit=1
cat "$T/section.md"
if [ -n "$doc" ]; then
  # the section stays the last of the document: whatever followed its
  # heading is this run's
  { [ ! -e "$doc" ] || sed '/^## Soak: /,$d' "$doc" |
      awk 'NF { for (; blank > 0; blank--) print ""; print; next } { blank++ }'
    printf '\n'; cat "$T/section.md"; } > "$T/doc.new" &&
    cp "$T/doc.new" "$doc" || fail "cannot write $doc"
fi
[ "$fit" = 0 ] || fail "the soak's shapes are off (see above)"
echo ok
