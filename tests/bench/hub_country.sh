#!/usr/bin/env bash
# A generated country on a national hub on PostgreSQL: DISTINCT provinces
# written by tests/bench/hub_gen.c through the hub's own ingest, each
# forwarded by the real `sipas-hub forward` under PROVINCES province
# codes in turn (province N reuses generated province N mod DISTINCT, its
# unit codes renamed to N's before it forwards: the national hub sees 34
# trees of its own). Then, median of RUNS after one untimed run: a year's
# national statistics by unit and by province only (level=0, depth=1),
# one province's by its units, the provinces list; the hub's CPU for
# them, its peak memory, and the national database's size per kiosk-year.
#
# Usage: tests/bench/hub_country.sh [BUILD]
#   env: QUICK=1 (60 kiosks, 62 days), KIOSKS (600), DAYS (365),
#        DISTINCT (3), PROVINCES (34), YEAR (2025), RUNS (5),
#        COUNTRY_KEEP=DIR (keeps the national hub serving there: no)
# Skips when PostgreSQL's binaries are missing. Not part of `make test`;
# `make bench` runs it (tests/bench/run.sh).
BUILD=${1:-${BUILD:-build}}
export BUILD
. "$(dirname "$0")/../hub/lib.sh"
. "$ROOT/tests/hub/pg_env.sh"
if [ "${QUICK:-0}" = 1 ]; then KIOSKS=${KIOSKS:-60}; DAYS=${DAYS:-62}; fi
KIOSKS=${KIOSKS:-600}
DAYS=${DAYS:-365}
DISTINCT=${DISTINCT:-3}
PROVINCES=${PROVINCES:-34}
YEAR=${YEAR:-2025}
RUNS=${RUNS:-5}
GEN="$BUILD/bench/hub-gen"
PSQL() { "$PG_ENV_BIN/psql" "$PG_ENV_URI" -XAtqc "$1"; }

rc=0; pg_env_start || rc=$?
[ "$rc" = 2 ] && exit 0
[ "$rc" = 0 ] || fail "no PostgreSQL server"
trap 'hub_cleanup; pg_env_stop' EXIT
NDB=$PG_ENV_URI

. "$ROOT/tests/bench/hub_gen_build.sh"
hub_gen_build

# The 34 provinces and centrally-run cities from 2025-07-01 (Resolution
# 202/2025/QH15), as names; codes P01..P34.
NAMES=("Thành phố Hà Nội" "Thành phố Huế" "Tỉnh Lai Châu" "Tỉnh Điện Biên"
  "Tỉnh Sơn La" "Tỉnh Lạng Sơn" "Tỉnh Quảng Ninh" "Tỉnh Thanh Hóa"
  "Tỉnh Nghệ An" "Tỉnh Hà Tĩnh" "Tỉnh Cao Bằng" "Tỉnh Tuyên Quang"
  "Tỉnh Lào Cai" "Tỉnh Thái Nguyên" "Tỉnh Phú Thọ" "Tỉnh Bắc Ninh"
  "Tỉnh Hưng Yên" "Thành phố Hải Phòng" "Tỉnh Ninh Bình" "Tỉnh Quảng Trị"
  "Thành phố Đà Nẵng" "Tỉnh Quảng Ngãi" "Tỉnh Gia Lai" "Tỉnh Khánh Hòa"
  "Tỉnh Lâm Đồng" "Tỉnh Đắk Lắk" "Thành phố Hồ Chí Minh" "Tỉnh Đồng Nai"
  "Tỉnh Tây Ninh" "Thành phố Cần Thơ" "Tỉnh Vĩnh Long" "Tỉnh Đồng Tháp"
  "Tỉnh Cà Mau" "Tỉnh An Giang")
[ "$PROVINCES" -le ${#NAMES[@]} ] || fail "PROVINCES above ${#NAMES[@]}"

# ---- the distinct provinces, through the ingest ------------------------------
for ((g = 1; g <= DISTINCT; g++)); do
  line=$("$GEN" "$T/gen$g.db" --kiosks "$KIOSKS" --days "$DAYS" --year "$YEAR" --seed "$g") ||
    fail "hub-gen failed"
  echo "hub country: generated province $g: $line"
  echo "TINH" > "$T/gen$g.prefix" # the province unit's code now
done

# code_of N: province N's code.
code_of() { printf 'P%02d' "$1"; }

# rename DB OLD NEW: a generated province's unit codes made NEW's (TINH
# becomes NEW, XA-01-01 NEW.XA-01-01; from OLD's the same), in the tables
# the forwarder reads (units, month summaries, officers), its forwarding
# state cleared.
rename() {
  local db=$1 old=$2 new=$3 t
  recode() { # COLUMN
    if [ "$old" = TINH ]; then
      echo "CASE WHEN $1 IS NULL OR $1 = '' THEN $1 WHEN $1 = 'TINH' THEN '$new' ELSE '$new.' || $1 END"
    else
      echo "CASE WHEN $1 IS NULL OR $1 = '' THEN $1 ELSE '$new' || substr($1, length('$old') + 1) END"
    fi
  }
  {
    echo "BEGIN;"
    for t in stat_month_responses stat_month_answers stat_month_elements stat_staff_responses; do
      echo "UPDATE $t SET unit = $(recode unit);"
    done
    echo "UPDATE units SET code = $(recode code), parent = $(recode parent);"
    echo "DELETE FROM forward_months; COMMIT;"
  } | sqlite3 "$db" || fail "renaming $old to $new"
}

# ---- the national hub's tree and credentials -----------------------------------
# The generated tree (hub_gen's) under each province's code, as a
# sipas-units/1 file: codes P01, P01.TTPVHCC, P01.XA-01-01, ...
sqlite3 -separator $'\t' "$T/gen1.db" "SELECT code, name, coalesce(parent, '') FROM units ORDER BY code" > "$T/units.tsv" ||
  fail "the generated tree"
start=$(date +%s%N)
for ((p = 1; p <= PROVINCES; p++)); do
  code=$(code_of "$p")
  python3 - "$T/units.tsv" "$code" "${NAMES[$((p - 1))]}" > "$T/units-$code.json" <<'PY'
import json, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8")]
code, name = sys.argv[2], sys.argv[3]
def kind(c):
    for pre, k in (("HUYEN", "chi-nhanh-hcc"), ("XA", "xa"), ("TTPVHCC", "trung-tam-hcc"),
                   ("SO-", "so"), ("BV-", "don-vi-su-nghiep"), ("THPT", "don-vi-su-nghiep")):
        if c.startswith(pre):
            return k
    return "tinh"
def new(c):
    return code if c == "TINH" else code + "." + c
units, seen = [], set()
while len(units) < len(rows):          # parents first
    for c, n, parent in rows:
        if c in seen or (parent and parent not in seen):
            continue
        u = {"code": new(c), "name": name if c == "TINH" else n, "kind": kind(c)}
        if parent:
            u["parent"] = new(parent)
        units.append(u)
        seen.add(c)
json.dump({"format": "sipas-units/1", "note": "generated: hub_gen's tree", "units": units},
          sys.stdout, ensure_ascii=False)
PY
  "$HUB" unit import "$T/units-$code.json" --db "$NDB" 2> "$T/import.log" ||
    fail "unit import $code: $(cat "$T/import.log")"
  "$HUB" national credential add --province "$code" --db "$NDB" > "$T/$code.cred" 2> /dev/null ||
    fail "credential $code"
done
echo "hub country: $PROVINCES trees of $(wc -l < "$T/units.tsv") units imported, credentials made in" \
  "$(( ($(date +%s%N) - start) / 1000000 )) ms"

hub_start "$NDB" --rate-limit 100000 --quiet
NAT_PID=$HUB_PID
cpu_ms() { awk '{ printf "%d", ($14 + $15) * 1000 / '"$(getconf CLK_TCK)"' }' "/proc/$NAT_PID/stat"; }

# ---- forwarded, province by province -------------------------------------------
start=$(date +%s%N)
for ((p = 1; p <= PROVINCES; p++)); do
  code=$(code_of "$p")
  g=$(( (p - 1) % DISTINCT + 1 ))
  db="$T/gen$g.db"
  old=$(cat "$T/gen$g.prefix")
  rename "$db" "$old" "$code"
  echo "$code" > "$T/gen$g.prefix"
  # No ANALYZE here: the national hub analyses the tables a push grew
  # (fresh ones planned as one row made a month's push take ~8 s).
  t0=$(date +%s%N); c0=$(cpu_ms)
  "$HUB" forward --to "$HUB_URL" --credential "$T/$code.cred" --db "$db" --once --tries 2 \
    2> "$T/fwd.log" || fail "forward $code: $(tail -5 "$T/fwd.log")"
  if [ "$p" -le 2 ] || [ "$p" = "$PROVINCES" ]; then
    echo "hub country: $code forwarded in $(( ($(date +%s%N) - t0) / 1000000 )) ms wall," \
      "national hub CPU $(( $(cpu_ms) - c0 )) ms"
  fi
done
fwd_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "hub country: $PROVINCES provinces forwarded ($(tail -1 "$T/fwd.log" | sed 's/^sipas-hub forward: //') each) in $fwd_ms ms wall"

TOKEN=$("$HUB" token add --scope province --db "$NDB" 2> /dev/null) || fail "token add"

# timed NAME PATH: the median wall time of RUNS requests (curl's view),
# and the hub's own CPU time per request over them.
timed() {
  local name=$1 path=$2 i ms c0 c1
  curl -fsS -o "$T/out" -H "Authorization: Bearer $TOKEN" "$HUB_URL$path" || fail "$name: request failed"
  : > "$T/times"
  c0=$(cpu_ms)
  for ((i = 1; i <= RUNS; i++)); do
    ms=$(curl -sS -o "$T/out" -w '%{time_total}' -H "Authorization: Bearer $TOKEN" "$HUB_URL$path" |
      awk '{ printf "%.1f", $1 * 1000 }') || fail "$name: request failed"
    echo "$ms" >> "$T/times"
  done
  c1=$(cpu_ms)
  grep -q '"error"' "$T/out" && fail "$name: $(head -c 300 "$T/out")"
  sort -g "$T/times" | awk -v n="$name" -v kb="$(( $(wc -c < "$T/out") / 1024 ))" \
    -v runs="$RUNS" -v cpu="$(( (c1 - c0) / RUNS ))" '{ v[NR] = $1 } END {
      m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "country %-36s %8.1f ms  (median of %d; hub CPU %d ms a request; %d KiB)\n", n, m, runs, cpu, kb }'
}
timed "year, by province" "/api/v1/stats?period=$YEAR&group=unit"
# The dashboard's country level: the provinces only, each its tree's sum
# (depth=1 also holds each against its own province's targets).
timed "year, provinces only (level=0)" "/api/v1/stats?period=$YEAR&group=unit&level=0"
timed "year, provinces only (depth=1)" "/api/v1/stats?period=$YEAR&group=unit&depth=1"
timed "year, one province by its units" "/api/v1/stats?period=$YEAR&group=unit&unit=P01"
timed "year, one province" "/api/v1/stats?period=$YEAR&unit=$(code_of "$PROVINCES")"
timed "national provinces list" "/api/v1/national/provinces"
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["provinces"]))' "$T/out")
[ "$n" = "$PROVINCES" ] || fail "the provinces list holds $n"
echo "hub country: hub peak memory $(awk '/^VmHWM/ { printf "%.1f MB", $2 / 1024 }' "/proc/$NAT_PID/status")," \
  "now $(awk '/^VmRSS/ { printf "%.1f MB", $2 / 1024 }' "/proc/$NAT_PID/status")"
bytes=$(PSQL "SELECT pg_database_size(current_database())")
ky=$(python3 -c "print($PROVINCES * $KIOSKS * $DAYS / 365)")
echo "hub country: national database $(( bytes / 1048576 )) MiB for $PROVINCES provinces × $KIOSKS kiosks × $DAYS days" \
  "= $(python3 -c "print(round($bytes / $ky / 1024, 1))") KiB per kiosk-year" \
  "($(PSQL "SELECT count(*) FROM stat_month_answers") month answer rows)"
if [ -n "${COUNTRY_KEEP:-}" ]; then
  echo "$HUB_URL $TOKEN" > "$COUNTRY_KEEP"
  echo "hub country: serving at $HUB_URL until this script is stopped"
  while kill -0 "$NAT_PID" 2> /dev/null; do sleep 5; done
fi
hub_stop
