# The national view on loopback: a province's hub forwarding its month
# summaries (`sipas-hub forward`) to a national hub (`sipas-hub serve`
# with `national credential add`). Forwarded figures equal the province's
# own, byte for byte; replayed, older and reordered pushes change nothing;
# a forged province, a unit outside the sender's tree and absurd counts
# are refused and change nothing; the national hub down, then up again,
# loses nothing; a month with a unit the national tree lacks waits while
# the others go; a commune-month one officer served too little is
# withheld by the national hub as by the province, with no officer's name
# ever sent; the country by province (depth=1) equals each province's own
# answer and its units' sums. NATIONAL_DB=pg puts the national hub on a
# PostgreSQL server of the test's own (test_hub_national_pg.sh; skipped without its
# binaries), the province staying on its file.
. "$(dirname "$0")/../hub/lib.sh"
DB="$T/province.db"
NDB="$T/national.db"
if [ "${NATIONAL_DB:-sqlite}" = pg ]; then
  . "$ROOT/tests/hub/pg_env.sh"
  rc=0; pg_env_start || rc=$?
  [ "$rc" = 2 ] && exit 0
  [ "$rc" = 0 ] || fail "no PostgreSQL server for the test"
  NDB=$PG_ENV_URI
fi
NAT_PID=""
NAT_URL=""
Y=$(( $(TZ=Asia/Ho_Chi_Minh date +%Y) - 1 )) # last year: always in the past

national_cleanup() {
  if [ -n "$NAT_PID" ]; then
    kill -TERM "$NAT_PID" 2>/dev/null || true
    wait "$NAT_PID" 2>/dev/null || true
  fi
  hub_cleanup
  if [ "${NATIONAL_DB:-sqlite}" = pg ]; then pg_env_stop; fi
}
trap national_cleanup EXIT

# nat_digest: the national database's rows, on either backend, audit
# trail left out (it records refusals too).
nat_digest() {
  if [ "$NDB" = "$T/national.db" ]; then db_digest "$NDB"; return; fi
  "$PG_ENV_BIN/pg_dump" --data-only --exclude-table=audit -d "$NDB" 2> /dev/null |
    grep -v '^SELECT pg_catalog.setval\|^--\|^.restrict \|^.unrestrict ' | LC_ALL=C sort |
    sha256sum | cut -d' ' -f1
}
# nat_q SQL: one query on the national database.
nat_q() {
  if [ "$NDB" = "$T/national.db" ]; then sqlite3 "$NDB" "$1"; return; fi
  "$PG_ENV_BIN/psql" "$NDB" -XAtqc "$1"
}
# nat_dump: the national database's whole text.
nat_dump() {
  if [ "$NDB" = "$T/national.db" ]; then sqlite3 "$NDB" .dump; return; fi
  "$PG_ENV_BIN/pg_dump" -d "$NDB"
}

# nat_start: the national hub on a port of its own choosing.
nat_start() {
  hub_serve "$T/national.log" "$NDB"
  NAT_PID=$SERVE_PID
  NAT_URL=$SERVE_URL
}
nat_stop() {
  kill -TERM "$NAT_PID"; wait "$NAT_PID" || fail "the national hub exited $? on SIGTERM"
  NAT_PID=""
}

# The province's tree, and the same tree under the national hub beside
# another province's.
for d in "$DB" "$NDB"; do
  "$HUB" unit add VL "Tỉnh Vĩnh Long" --db "$d" 2> /dev/null
  "$HUB" unit add X1 "Phường 1" --parent VL --db "$d" 2> /dev/null
  "$HUB" unit add X2 "Xã Long Hồ" --parent VL --db "$d" 2> /dev/null
done
"$HUB" unit add CT "Thành phố Cần Thơ" --db "$NDB" 2> /dev/null
"$HUB" unit add C1 "Phường Ninh Kiều" --parent CT --db "$NDB" 2> /dev/null
"$HUB" national credential add --province VL --db "$NDB" > "$T/vl.cred" 2> /dev/null
"$HUB" national credential add --province CT --db "$NDB" > "$T/ct.cred" 2> /dev/null
grep -q '^VL:[0-9a-f]\{64\}$' "$T/vl.cred" || fail "credential: $(cat "$T/vl.cred")"
rc=0; "$HUB" national credential add --province NOPE --db "$NDB" > /dev/null 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "a credential for no unit: exit $rc"
VL_SECRET=$(cut -d: -f2 "$T/vl.cred")
CT_SECRET=$(cut -d: -f2 "$T/ct.cred")
TOKEN=$("$HUB" token add --scope province --db "$DB" 2> /dev/null)
NTOKEN=$("$HUB" token add --scope province --db "$NDB" 2> /dev/null)
CODE1=$("$HUB" enroll-code --unit X1 --db "$DB" 2> /dev/null)
CODE2=$("$HUB" enroll-code --unit X2 --db "$DB" 2> /dev/null)

# The province's own targets (the shipped file and a row of its own),
# which its hub serves and its forwarder pushes.
python3 - "$ROOT/assets/targets/default.json" "$T/vl-targets.json" "$Y" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
d["targets"].append({"province": "vinh-long", "indicator": "tthc", "op": ">=",
                     "threshold": 42, "year": int(sys.argv[3]), "source": "test"})
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
hub_start "$DB" --rate-limit 1000 --targets "$T/vl-targets.json" --province vinh-long
PROV_URL=$HUB_URL
nat_start

K1=$(new_install_id); K2=$(new_install_id)
expect_status 200 "$(hub_enroll "$CODE1" "$K1")" "enroll K1"
S1=$(jget 'd["secret"]')
expect_status 200 "$(hub_enroll "$CODE2" "$K2")" "enroll K2"
S2=$(jget 'd["secret"]')
expect_status 200 "$(hub_upload "$K1" "$S1" 3 "$Y-03-30,$Y-03-31,$Y-04-01" X1 6 4)" "upload K1"
expect_status 200 "$(hub_upload "$K2" "$S2" 5 "$Y-04-02" X2 9 2)" "upload K2"

forward() { # URL [options]: one round
  local url=$1
  shift
  "$HUB" forward --to "$url" --credential "$T/vl.cred" --db "$DB" --once \
    --targets "$T/vl-targets.json" --province vinh-long --dashboard "$PROV_URL" "$@" 2> "$T/fwd.log"
}
forward "$NAT_URL" --tries 1 || fail "forward: $(cat "$T/fwd.log") $(grep -v " 200 " "$T/national.log" | tail -5)"
grep -q "2 months: 2 pushed, 0 unchanged" "$T/fwd.log" || fail "first round: $(cat "$T/fwd.log")"

# ---- the same figures, byte for byte -----------------------------------------
# The national tree holds other provinces (CT has no figures yet, so the
# whole trees' answers agree too: the country's and the years' summaries,
# but for the targets: the country is held against the national hub's
# own file, VL's units against VL's).
QUERIES=("period=$Y" "period=$Y&group=quarter" "from=$Y-03-01&to=$Y-04-30&group=field" "period=$Y&group=unit&unit=VL" "period=$Y&group=month&unit=VL" "period=$Y-Q2&unit=X2"
         "from=$Y-03-01&to=$Y-04-30&group=field&unit=VL" "period=$Y&group=unit&unit=VL&format=csv")
same_figures() { # WHAT
  local q i=0
  for q in "${QUERIES[@]}"; do
    HUB_URL=$PROV_URL
    expect_status 200 "$(req GET "/api/v1/stats?$q" -H "Authorization: Bearer $TOKEN")" "province: $q"
    cp "$T/body" "$T/prov.$i"
    HUB_URL=$NAT_URL
    expect_status 200 "$(req GET "/api/v1/stats?$q" -H "Authorization: Bearer $NTOKEN")" "national: $q"
    case "$q" in
      *unit=*) cmp -s "$T/body" "$T/prov.$i" ;;
      *) python3 - "$T/body" "$T/prov.$i" <<'PY'
import json, sys
def bare(path):
    d = json.load(open(path, encoding="utf-8"))
    for g in d["groups"]:
        g.pop("targets", None)
    return d
sys.exit(bare(sys.argv[1]) != bare(sys.argv[2]))
PY
      ;;
    esac || fail "$1: $q differs: $(head -c 400 "$T/prov.$i") // $(head -c 400 "$T/body")"
    i=$((i + 1))
  done
  HUB_URL=$PROV_URL
}
same_figures "after the first push"
HUB_URL=$NAT_URL
expect_status 200 "$(req GET "/api/v1/stats?period=$Y" -H "Authorization: Bearer $NTOKEN")" "national total"
[ "$(jget 'd["groups"][0]["responses"]')" = 27 ] || fail "national total: $(head -c 300 "$T/body")"
expect_status 200 "$(req GET /api/v1/national/provinces -H "Authorization: Bearer $NTOKEN")" "provinces"
[ "$(jget '[(p["province"], p["months"], p["last_push_at"] > 0, p["targets_slug"], p["targets_at"] > 0, p["dashboard"]) for p in d["provinces"]]')" = \
  "[[\"VL\", 2, true, \"vinh-long\", true, \"$PROV_URL\"]]" ] || fail "provinces: $(cat "$T/body")"
# VL's units against VL's targets, the country against the national file.
TTHC='[[t["threshold"], t["province"]] for t in d["groups"][0]["targets"] if t["indicator"] == "tthc"]'
expect_status 200 "$(req GET "/api/v1/stats?period=$Y&unit=X1" -H "Authorization: Bearer $NTOKEN")" "X1's targets"
[ "$(jget "$TTHC")" = '[[42, "vinh-long"]]' ] || fail "X1's targets nationally: $(jget "$TTHC")"
expect_status 200 "$(req GET "/api/v1/stats?period=$Y" -H "Authorization: Bearer $NTOKEN")" "the country's targets"
[ "$(jget "$TTHC")" = '[[90, "*"]]' ] || fail "the country's targets: $(jget "$TTHC")"
expect_status 200 "$(req GET "/api/v1/stats?period=$Y&unit=C1" -H "Authorization: Bearer $NTOKEN")" "C1's targets"
[ "$(jget "$TTHC")" = '[[90, "*"]]' ] || fail "CT, which pushed none: $(jget "$TTHC")"
HUB_URL=$PROV_URL
grep -q "targets pushed (vinh-long)" "$T/fwd.log" || fail "targets: $(cat "$T/fwd.log")"
# A targets body under another province's credential, or not a targets
# file: refused, nothing changed.
D0=$(nat_digest)
push() { # SECRET BODY-PYTHON [WHAT]: a hand-made push of months (or targets)
  python3 -c "import json; print(json.dumps($2))" > "$T/push.json"
  HUB_URL=$NAT_URL
  req POST "/api/v1/national/${3:-months}" -H "Authorization: Bearer $1" \
    -H 'Content-Type: application/json' --data-binary "@$T/push.json"
  HUB_URL=$PROV_URL
}
tpush() { push "$1" "$2" targets; }
TFILE="json.load(open('$T/vl-targets.json'))"
expect_status 403 "$(tpush "$CT_SECRET" "{'province': 'VL', 'slug': 'vinh-long', 'targets': $TFILE}")" "VL's targets by CT"
expect_status 400 "$(tpush "$VL_SECRET" "{'province': 'VL', 'slug': 'vinh-long', 'targets': {'format': 'x'}}")" "not a targets file"
expect_status 400 "$(tpush "$VL_SECRET" "{'province': 'VL', 'slug': 'Vinh Long', 'targets': $TFILE}")" "a bad slug"
for bad in "javascript:alert(1)" "http://example.vn/" "https://x.vn/\"><b>"; do
  expect_status 400 "$(tpush "$VL_SECRET" "{'province': 'VL', 'slug': 'vinh-long', 'targets': $TFILE, 'dashboard': '$bad'}")" "dashboard $bad"
done
expect_status 200 "$(tpush "$VL_SECRET" "{'province': 'VL', 'slug': 'vinh-long', 'targets': $TFILE, 'dashboard': '$PROV_URL'}")" "the same targets again"
[ "$(nat_digest)" = "$D0" ] || fail "refused or repeated targets changed the national hub"

# ---- replays, older and reordered pushes change nothing ------------------------
D0=$(nat_digest)
forward "$NAT_URL" || fail "second round: $(cat "$T/fwd.log")"
grep -q "2 months: 0 pushed, 2 unchanged" "$T/fwd.log" || fail "second round: $(cat "$T/fwd.log")"
row='["X1", "khac", "sipas-short", 1, 0, 0]'
body() { # PROVINCE SEQ RESPONSE-ROW
  echo "{'province': '$1', 'month': '$Y-03', 'seq': $2, 'responses': [$3], 'answers': [], 'elements': []}"
}
expect_status 409 "$(push "$VL_SECRET" "$(body VL 1 "$row")")" "replayed seq"
[ "$(jget 'd["held_seq"]')" = 1 ] || fail "held_seq: $(cat "$T/body")"
expect_status 400 "$(push "$VL_SECRET" "$(body VL 0 "$row")")" "seq 0"
[ "$(nat_digest)" = "$D0" ] || fail "a replay changed the national hub"
# A later push, then an earlier one arriving after it: the later stands.
expect_status 200 "$(push "$VL_SECRET" "$(body VL 9 "$row")")" "seq 9"
expect_status 409 "$(push "$VL_SECRET" "$(body VL 8 '["X1", "khac", "sipas-short", 50, 0, 0]')")" "seq 8 after 9"
HUB_URL=$NAT_URL
expect_status 200 "$(req GET "/api/v1/stats?period=$Y-03&unit=VL" -H "Authorization: Bearer $NTOKEN")" "after 9 and 8"
[ "$(jget 'd["groups"][0]["responses"]')" = 1 ] || fail "seq 8 after 9 changed it: $(head -c 300 "$T/body")"
HUB_URL=$PROV_URL
# March changes at the province: the forwarder learns that the national
# hub holds seq 9 for it and goes above.
expect_status 200 "$(hub_upload "$K1" "$S1" 4 "$Y-03-15" X1 2 2)" "upload K1 in March"
forward "$NAT_URL" || fail "round after seq 9: $(cat "$T/fwd.log")"
grep -q "2 months: 1 pushed, 1 unchanged" "$T/fwd.log" && grep -q "holds seq 9" "$T/fwd.log" ||
  fail "round after seq 9: $(cat "$T/fwd.log")"
same_figures "after the forwarder went above seq 9"
D0=$(nat_digest)

# ---- refusals change nothing ---------------------------------------------------
expect_status 403 "$(push "$CT_SECRET" "$(body VL 100 "$row")")" "CT's credential, VL's body"
[ "$(jget 'd["error"]')" = wrong-province ] || fail "forged province: $(cat "$T/body")"
expect_status 403 "$(push "$CT_SECRET" "$(body CT 100 "$row")")" "CT writing X1"
[ "$(jget 'd["error"]')" = outside-province ] || fail "outside: $(cat "$T/body")"
expect_status 401 "$(push "$(printf '%064d' 0)" "$(body VL 100 "$row")")" "no such credential"
expect_status 400 "$(push "$VL_SECRET" "$(body VL 100 '["X1", "khac", "sipas-short", -1, 0, 0]')")" "negative count"
expect_status 400 "$(push "$VL_SECRET" "$(body VL 100 '["X1", "khac", "sipas-short", 1000000000000, 0, 0]')")" "absurd count"
expect_status 400 "$(push "$VL_SECRET" "$(body VL 100 "$row, $row")")" "duplicate rows"
[ "$(nat_digest)" = "$D0" ] || fail "a refusal changed the national hub"

# ---- the national hub down, then up: nothing lost --------------------------------
nat_stop
expect_status 200 "$(hub_upload "$K2" "$S2" 6 "$Y-04-02,$Y-04-20" X2 4 4)" "upload while down"
rc=0; forward "$NAT_URL" --tries 2 || rc=$?
[ "$rc" = 1 ] || fail "a round with the national hub down: exit $rc, $(cat "$T/fwd.log")"
nat_start
forward "$NAT_URL" || fail "round after the national hub came back: $(cat "$T/fwd.log")"
grep -q "2 months: 1 pushed, 1 unchanged" "$T/fwd.log" || fail "after the restart: $(cat "$T/fwd.log")"
same_figures "after the national hub came back"

# ---- a unit the national tree lacks: its month waits, the others go ---------------
"$HUB" unit add X3 "Xã Mới" --parent VL --db "$DB" 2> /dev/null
CODE3=$("$HUB" enroll-code --unit X3 --db "$DB" 2> /dev/null)
K3=$(new_install_id)
expect_status 200 "$(hub_enroll "$CODE3" "$K3")" "enroll K3"
S3=$(jget 'd["secret"]')
expect_status 200 "$(hub_upload "$K3" "$S3" 1 "$Y-05-04" X3 3 3)" "upload K3 in May"
expect_status 200 "$(hub_upload "$K2" "$S2" 8 "$Y-04-25" X2 2 2)" "upload K2 in April"
rc=0; forward "$NAT_URL" || rc=$?
[ "$rc" = 1 ] && grep -q "$Y-05 refused (HTTP 403 outside-province)" "$T/fwd.log" &&
  grep -q "3 months: 1 pushed, 1 unchanged" "$T/fwd.log" || fail "a unit unknown nationally: exit $rc, $(cat "$T/fwd.log")"
"$HUB" unit add X3 "Xã Mới" --parent VL --db "$NDB" 2> /dev/null
forward "$NAT_URL" || fail "after the national tree caught up: $(cat "$T/fwd.log")"
grep -q "3 months: 1 pushed, 2 unchanged" "$T/fwd.log" || fail "after the national tree caught up: $(cat "$T/fwd.log")"
same_figures "after the national tree caught up"

# ---- officer privacy: the national hub withholds what the province does -----------
upload_officer() { # INSTALL_ID SECRET SEQ DAY UNIT OFFICER COMPLETE FIVES
  python3 "$UPLOAD" "$1" "$3" "$4" --unit "$5" --officer "$6" --complete "$7" \
    --fives "$8" > "$T/up.json"
  kiosk_req POST /api/v1/ingest "$1" "$2" --data-binary "@$T/up.json"
}
# June: CB-BUSY 10 ratings in X1; CB-LONE 3 in X2 beside nobody, and 2 in
# X1 in July beside CB-BUSY's 12 there.
expect_status 200 "$(upload_officer "$K1" "$S1" 10 "$Y-06-05" X1 CB-BUSY 10 8)" "CB-BUSY in June"
expect_status 200 "$(upload_officer "$K2" "$S2" 11 "$Y-06-06" X2 CB-LONE 3 3)" "CB-LONE in June"
expect_status 200 "$(upload_officer "$K1" "$S1" 12 "$Y-07-01" X1 CB-BUSY 12 9)" "CB-BUSY in July"
expect_status 200 "$(upload_officer "$K1" "$S1" 13 "$Y-07-02" X1 CB-LONE 2 2)" "CB-LONE in July"
forward "$NAT_URL" || fail "forward with officers: $(cat "$T/fwd.log")"
grep -q "5 months: 2 pushed, 3 unchanged" "$T/fwd.log" || fail "forward with officers: $(cat "$T/fwd.log")"
[ -s "$T/vl.cred.officer-key" ] && [ "$(stat -c %a "$T/vl.cred.officer-key")" = 600 ] ||
  fail "the officer key beside the credential: $(ls -l "$T")"
nat_dump | grep -q 'CB-LONE\|CB-BUSY' && fail "an officer's name reached the national hub"
[ "$(nat_q "SELECT count(DISTINCT officer) FROM stat_staff_responses WHERE month = '$Y-06'")" = 2 ] ||
  fail "officer keys at the national hub: $(nat_q "SELECT * FROM stat_staff_responses")"
QUERIES+=("period=$Y-06&group=unit&unit=VL" "period=$Y-06&unit=X2" "period=$Y-06&group=field&unit=VL"
          "from=$Y-06-01&to=$Y-07-31&group=month&unit=VL" "period=$Y-07&group=unit&unit=VL" "period=$Y-Q3&unit=X1")
same_figures "with officers"
# What the national hub answers is withheld, not merely equal: X2 in June
# (CB-LONE 3 < 5), the whole province in June (the rest is CB-LONE), and
# July's X1 shown (CB-LONE's 2 are within June-July's 5, but July alone:
# 2 beside CB-BUSY: withheld).
HUB_URL=$NAT_URL
expect_status 200 "$(req GET "/api/v1/stats?period=$Y-06&group=unit&unit=VL" -H "Authorization: Bearer $NTOKEN")" "June by unit"
[ "$(jget '[[g["key"]["unit"], g["responses"], g["suppressed_group"], "index" in g] for g in d["groups"]]')" = \
  '[["X1", 10, false, true], ["X2", 3, true, false]]' ] || fail "June by unit nationally: $(head -c 600 "$T/body")"
expect_status 200 "$(req GET "/api/v1/stats?period=$Y-07&unit=X1" -H "Authorization: Bearer $NTOKEN")" "July X1"
[ "$(jget 'd["groups"][0]["suppressed_group"]')" = True ] || fail "July X1 nationally: $(head -c 400 "$T/body")"
HUB_URL=$PROV_URL

# A malformed officer row refuses the whole push; a first version's body
# (no officers) is still read.
D0=$(nat_digest)
obody() { # SEQ OFFICER-ROW
  echo "{'province': 'VL', 'month': '$Y-06', 'seq': $1, 'responses': [$row], 'answers': [], 'elements': [], 'officers': [$2]}"
}
KEY=$(printf '%062dab' 0)
expect_status 400 "$(push "$VL_SECRET" "$(obody 100 '["X1", "khac", "sipas-short", "CB-LONE", 3]')")" "a name for a key"
expect_status 400 "$(push "$VL_SECRET" "$(obody 100 "[\"X1\", \"khac\", \"sipas-short\", \"${KEY^^}\", 3]")")" "an uppercase key"
expect_status 400 "$(push "$VL_SECRET" "$(obody 100 "[\"X1\", \"khac\", \"sipas-short\", \"$KEY\", -3]")")" "a negative count"
expect_status 400 "$(push "$VL_SECRET" "$(obody 100 "[\"X1\", \"khac\", \"sipas-short\", \"$KEY\"]")")" "a short row"
expect_status 400 "$(push "$VL_SECRET" "$(obody 100 "[\"X1\", \"khac\", \"sipas-short\", \"$KEY\", 1], [\"X1\", \"khac\", \"sipas-short\", \"$KEY\", 2]")")" "a duplicate officer"
expect_status 403 "$(push "$VL_SECRET" "$(obody 100 "[\"C1\", \"khac\", \"sipas-short\", \"$KEY\", 1]")")" "an officer outside the province"
[ "$(nat_digest)" = "$D0" ] || fail "a refused officer row changed the national hub"
expect_status 200 "$(push "$VL_SECRET" "$(body VL 100 "$row")")" "a first version's body"

# ---- the country by province: group=unit&depth=1 ---------------------------------
# CT's first month, then each province's tree summed (in SQL): the same
# group as its own answer (unit=P), targets included (VL's against VL's
# file), the sums of its units' groups (level=0, an audit token's
# min_group=1, nothing withheld), and a token of VL's sees VL alone at
# the root.
KEY=$(printf '%062dcd' 0)
expect_status 200 "$(push "$CT_SECRET" "{'province': 'CT', 'month': '$Y-05', 'seq': 1,
  'responses': [['C1', 'khac', 'sipas-short', 7, 2, 1]],
  'answers': [['C1', 'khac', 'sipas-short', 'overall', 'overall', '5', 6, 1], ['C1', 'khac', 'sipas-short', 'overall', 'overall', '3', 1, 1]],
  'elements': [['C1', 'khac', 'sipas-short', 'overall', 7, 2, 0]],
  'officers': [['C1', 'khac', 'sipas-short', '$KEY', 7]]}")" "CT's May"
ATOKEN=$("$HUB" token add --scope province --audit --db "$NDB" 2> /dev/null)
UTOKEN=$("$HUB" token add --scope unit:VL --db "$NDB" 2> /dev/null)
HUB_URL=$NAT_URL
nat_get() { # NAME TOKEN QUERY: the answer into $T/NAME.json
  expect_status 200 "$(req GET "/api/v1/stats?$3" -H "Authorization: Bearer $2")" "$1: $3"
  cp "$T/body" "$T/$1.json"
}
nat_get top "$NTOKEN" "period=$Y&group=unit&depth=1"
nat_get one-VL "$NTOKEN" "period=$Y&unit=VL"
nat_get one-CT "$NTOKEN" "period=$Y&unit=CT"
nat_get top1 "$ATOKEN" "period=$Y&group=unit&level=0&min_group=1"
nat_get all1 "$ATOKEN" "period=$Y&group=unit&min_group=1"
nat_get mine "$UTOKEN" "period=$Y&group=unit&depth=1"
nat_get vl "$NTOKEN" "period=$Y&group=unit&depth=1&unit=VL"
python3 - "$T" <<'PY' || fail "the country by province: $(head -c 600 "$T/top.json")"
import json, sys
t = sys.argv[1]
load = lambda n: json.load(open(f"{t}/{n}.json", encoding="utf-8"))
top, top1, all1, mine, vl = (load(n) for n in ("top", "top1", "all1", "mine", "vl"))
by = lambda d: {g["key"]["unit"]: g for g in d["groups"]}
assert sorted(by(top)) == ["CT", "VL"], sorted(by(top))
assert (top["level"], top["depth"], vl["level"]) == (0, 1, 1), top
assert sorted(by(vl)) == ["X1", "X2", "X3"], sorted(by(vl))
tree = {"VL": ["VL", "X1", "X2", "X3"], "CT": ["CT", "C1"]}
def bare(g):
    return {k: v for k, v in g.items() if k != "key"}
def counts(g):
    out = {k: g.get(k, 0) for k in ("responses", "partial", "suppressed")}
    for q in g.get("questions", []):
        for a, n in q["counts"].items():
            k = (q["id"], q["element"], a)
            out[k] = out.get(k, 0) + n
    return out
for p, units in tree.items():
    one = load(f"one-{p}")["groups"][0]
    assert bare(by(top)[p]) == bare(one), (p, by(top)[p], one)
    assert [t["province"] for t in one["targets"]][:1] == [{"VL": "vinh-long", "CT": "*"}[p]], one["targets"]
    want = {}
    for u in units:
        for k, n in counts(by(all1).get(u, {})).items():
            want[k] = want.get(k, 0) + n
    assert counts(by(top1)[p]) == want, (p, counts(by(top1)[p]), want)
    assert want["responses"] > 0, p
assert [g["key"]["unit"] for g in mine["groups"]] == ["VL"], mine["groups"]
PY
expect_status 403 "$(req GET "/api/v1/stats?period=$Y&group=unit&depth=1&unit=CT" -H "Authorization: Bearer $UTOKEN")" "CT by VL's token"
for q in "group=unit&depth=2" "depth=1" "group=field&depth=1" "group=unit&depth=1&level=0"; do
  expect_status 400 "$(req GET "/api/v1/stats?period=$Y&$q" -H "Authorization: Bearer $NTOKEN")" "$q"
done
HUB_URL=$PROV_URL

nat_stop
hub_stop
echo ok
