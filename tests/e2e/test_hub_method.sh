# How the figures combine (domain §3d), through the real hub: crafted day
# snapshots uploaded through the protocol by three kiosks, read back by
# day (the snapshot rows) and by unit over the whole month (the monthly
# summaries), which must agree. Hand-computed (docs/INDICES.md):
#
#   XA1, day 12 - the overall question on two forms: 30 of 40 satisfied on
#     the short form, 10 of 10 on the full form. One question, pooled:
#     40/50 = 80.00, Wilson [66.96, 88.76]. (The mean of the two forms'
#     shares would read 87.50 [66.03, 92.91].)
#   XA2, day 13 - the ket-qua element on two forms: the short form's one
#     question 90 of 100 (100 respondents), the full form's three criteria
#     5 of 10 each (10 respondents). Weighted by respondents:
#     (100*90 + 10*50)/110 = 86.36 [77.21, 92.83]; Hậu Giang's "kết quả
#     giải quyết TTHC >= 85" is met. A mean of the four questions would
#     read 60.00 and fail it.
#   XA3, day 14 - partial responses: 10 complete full-form responses and 2
#     that answered the overall question (a 3 each) and the first tiep-can
#     criterion (a 1 each), then left. overall 10/12 = 83.33 [55.20,
#     95.30]; tc-thong-tin
#     8/12 = 66.67 [39.06, 86.19]; tc-noi-cho (answered by the complete
#     ones only) 6/10 = 60.00 [31.27, 83.18]; tiep-can (66.67 + 60)/2 = 63.33,
#     bounds the means [35.16, 84.69], over 12 respondents. Complete and partial counts are shown apart.
#   XA4, day 15 - skippable criteria, upload format 2: tiep-can on two
#     forms. Short form: 5 of 10 satisfied, Wilson [23.66, 76.34], 10
#     respondents. Full form: one citizen answered only tc-thong-tin (a
#     5), another only tc-noi-cho (a 5): each criterion 1/1 = 100
#     [20.65, 100], the form's element 100; the kiosk counts 2
#     respondents. Weighted: (10*50 + 2*100)/12 = 58.33, bounds
#     (10*23.66 + 2*20.65)/12 = 23.16 and (10*76.34 + 2*100)/12 = 80.28.
#   XA5, day 16 - the same answers from a kiosk of format 1 (no element
#     counts): the hub takes the largest answer count of one criterion,
#     1, for the full form: (10*50 + 1*100)/11 = 54.55 over 11
#     respondents, bounds (10*23.66 + 20.65)/11 = 23.39 and
#     (10*76.34 + 100)/11 = 78.49.
. "$(dirname "$0")/../hub/lib.sh"
DB=$(hub_db hub)
Y=$(( $(TZ=Asia/Ho_Chi_Minh date +%Y) - 1 )) # last year: always in the past

"$HUB" unit add TINH "Tỉnh Mẫu" --db "$DB" 2> /dev/null
for u in XA1 XA2 XA3 XA4 XA5; do
  "$HUB" unit add "$u" "Xã $u" --parent TINH --db "$DB" 2> /dev/null
done
TOKEN=$("$HUB" token add --scope province --db "$DB" 2> /dev/null)
hub_start "$DB" --province hau-giang

enroll() { # UNIT -> "ID SECRET"
  local code id
  code=$("$HUB" enroll-code --unit "$1" --db "$DB" 2> /dev/null)
  id=$(new_install_id)
  expect_status 200 "$(req POST /api/v1/enroll -H 'Content-Type: application/json' \
    --data-binary "{\"code\": \"$code\", \"install_id\": \"$id\", \"counter\": \"Quầy 1\", \"version\": \"0.1.0\"}")" "enroll $1"
  echo "$id $(jget 'd["secret"]')"
}

# body ID UNIT DAY SPEC...: SPEC is "r:FORM:COMPLETE:PARTIAL" (response
# counts), "a:FORM:PARTIAL:QUESTION:ELEMENT:N1,N2,N3,N4,N5" (answers) or
# "e:FORM:PARTIAL:ELEMENT:N" (element respondents: upload format 2).
body() {
  python3 - "$@" <<'PY'
import json, sys
kiosk, unit, day = sys.argv[1:4]
responses, answers, elements = [], [], None
def dims(form):
    return {"unit": unit, "counter": "Quầy 1", "officer": "", "field": "tu-phap",
            "instrument": form, "version": 1}
for spec in sys.argv[4:]:
    p = spec.split(":")
    if p[0] == "r":
        responses.append(dict(dims(p[1]), complete=int(p[2]), partial=int(p[3]),
                              suppressed=0))
        continue
    if p[0] == "e":
        elements = (elements or []) + [dict(dims(p[1]), partial=int(p[2]),
                                            element=p[3], n=int(p[4]))]
        continue
    for v, n in enumerate(p[5].split(","), 1):
        if int(n):
            answers.append(dict(dims(p[1]), partial=int(p[2]), question=p[3],
                                element=p[4], answer=str(v), n=int(n)))
up = {"install_id": kiosk, "upload_id": kiosk + ":1", "upto_seq": 1,
      "days": [{"day": day, "estimated": 0, "responses": responses,
                "answers": answers}]}
if elements is not None:
    up["format"] = 2
    up["days"][0]["elements"] = elements
print(json.dumps(up, ensure_ascii=False))
PY
}
upload() { # UNIT DAY SPEC...
  local id secret unit=$1 day=$2
  shift 2
  read -r id secret < <(enroll "$unit")
  body "$id" "$unit" "$Y-10-$day" "$@" > "$T/up.json"
  expect_status 200 "$(kiosk_req POST /api/v1/ingest "$id" "$secret" --data-binary "@$T/up.json")" "upload $unit"
}

upload XA1 12 r:sipas-short:40:0 r:sipas-full:10:0 \
  a:sipas-short:0:overall:overall:5,3,2,20,10 \
  a:sipas-full:0:overall:overall:0,0,0,4,6
upload XA2 13 r:sipas-short:100:0 r:sipas-full:10:0 \
  a:sipas-short:0:ket-qua:ket-qua:2,3,5,40,50 \
  a:sipas-full:0:kq-dung-hen:ket-qua:1,2,2,3,2 \
  a:sipas-full:0:kq-day-du:ket-qua:0,0,5,5,0 \
  a:sipas-full:0:kq-chinh-xac:ket-qua:5,0,0,0,5
upload XA3 14 r:sipas-full:10:2 \
  a:sipas-full:0:overall:overall:0,0,0,0,10 \
  a:sipas-full:1:overall:overall:0,0,2,0,0 \
  a:sipas-full:0:tc-thong-tin:tiep-can:2,0,0,4,4 \
  a:sipas-full:1:tc-thong-tin:tiep-can:2,0,0,0,0 \
  a:sipas-full:0:tc-noi-cho:tiep-can:0,2,2,3,3
skip_case() { # UNIT DAY [ELEMENT SPECS...]
  local unit=$1 day=$2
  shift 2
  upload "$unit" "$day" r:sipas-short:10:0 r:sipas-full:2:0 \
    a:sipas-short:0:tiep-can:tiep-can:0,3,2,3,2 \
    a:sipas-full:0:tc-thong-tin:tiep-can:0,0,0,0,1 \
    a:sipas-full:0:tc-noi-cho:tiep-can:0,0,0,0,1 "$@"
}
skip_case XA4 15 e:sipas-short:0:tiep-can:10 e:sipas-full:0:tiep-can:2
skip_case XA5 16

# One line per group, the figures the method fixes.
figures() {
  python3 - "$T/body" "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for g in d["groups"]:
    qs = {(q["instrument"], q["id"]): q for q in g["questions"]}
    out = [g["key"][sys.argv[2]], "responses=%d" % g["responses"], "partial=%d" % g["partial"],
           "overall=%s%s" % (g["overall"]["satisfied_pct"], g["overall"]["ci95"])]
    for e, x in sorted(g["elements"].items()):
        if x["index"] is not None:
            out.append("%s=%s%s/%d" % (e, x["index"], x["ci95"], x["respondents"]))
    out.append("index=%s" % g["index"])
    for (inst, qid), q in sorted(qs.items()):
        if q["element"] != "overall" or inst == "sipas-full":
            out.append("%s/%s=%s:n%d:c%s:p%s" % (inst, qid, q["satisfied_pct"], q["n"],
                       "".join(str(q["counts"][k]) + "." for k in "12345"),
                       "".join(str(q["partial_counts"][k]) + "." for k in "12345")))
    kq = [t for t in g["targets"] if t["indicator"] == "ket-qua-tthc"]
    if kq and kq[0]["value"] is not None:
        out.append("ket-qua-tthc=%s:%s" % (kq[0]["value"], kq[0]["met"]))
    print(" ".join(out))
PY
}
cat > "$T/want" <<'EOF'
XA1 responses=50 partial=0 overall=80.0[66.96, 88.76] index=None sipas-full/overall=80.0:n10:c0.0.0.4.6.:p0.0.0.0.0.
XA2 responses=110 partial=0 overall=NoneNone ket-qua=86.36[77.21, 92.83]/110 index=86.36 sipas-full/kq-chinh-xac=50.0:n10:c5.0.0.0.5.:p0.0.0.0.0. sipas-full/kq-day-du=50.0:n10:c0.0.5.5.0.:p0.0.0.0.0. sipas-full/kq-dung-hen=50.0:n10:c1.2.2.3.2.:p0.0.0.0.0. sipas-short/ket-qua=90.0:n100:c2.3.5.40.50.:p0.0.0.0.0. ket-qua-tthc=86.36:True
XA3 responses=10 partial=2 overall=83.33[55.2, 95.3] tiep-can=63.33[35.16, 84.69]/12 index=63.33 sipas-full/overall=83.33:n12:c0.0.0.0.10.:p0.0.2.0.0. sipas-full/tc-noi-cho=60.0:n10:c0.2.2.3.3.:p0.0.0.0.0. sipas-full/tc-thong-tin=66.67:n12:c2.0.0.4.4.:p2.0.0.0.0.
XA4 responses=12 partial=0 overall=NoneNone tiep-can=58.33[23.16, 80.28]/12 index=58.33 sipas-full/tc-noi-cho=100.0:n1:c0.0.0.0.1.:p0.0.0.0.0. sipas-full/tc-thong-tin=100.0:n1:c0.0.0.0.1.:p0.0.0.0.0. sipas-short/tiep-can=50.0:n10:c0.3.2.3.2.:p0.0.0.0.0.
XA5 responses=12 partial=0 overall=NoneNone tiep-can=54.55[23.39, 78.49]/11 index=54.55 sipas-full/tc-noi-cho=100.0:n1:c0.0.0.0.1.:p0.0.0.0.0. sipas-full/tc-thong-tin=100.0:n1:c0.0.0.0.1.:p0.0.0.0.0. sipas-short/tiep-can=50.0:n10:c0.3.2.3.2.:p0.0.0.0.0.
EOF
stats() { req GET "/api/v1/stats?$1" -H "Authorization: Bearer $TOKEN"; }
# The whole month by unit: the monthly summaries.
expect_status 200 "$(stats "from=$Y-10-01&to=$Y-10-31&group=unit")" "by unit"
figures unit > "$T/got"
diff "$T/want" "$T/got" > "$T/diff" || fail "by unit (month summaries): $(cat "$T/diff")"
# By day: the snapshot rows; the same figures, keyed by day.
expect_status 200 "$(stats "from=$Y-10-01&to=$Y-10-31&group=day")" "by day"
figures period | sed "s/^$Y-10-12 /XA1 /; s/^$Y-10-13 /XA2 /; s/^$Y-10-14 /XA3 /;
  s/^$Y-10-15 /XA4 /; s/^$Y-10-16 /XA5 /" > "$T/got"
diff "$T/want" "$T/got" > "$T/diff" || fail "by day (snapshot rows): $(cat "$T/diff")"
# The short form's overall row carries the pooled figure too.
expect_status 200 "$(stats "period=$Y-10-12")" "day 12"
[ "$(jget '[q["satisfied_pct"] for q in d["groups"][0]["questions"] if q["id"] == "overall"]')" = "[80.0, 80.0]" ] ||
  fail "overall rows: $(jget 'd["groups"][0]["questions"]')"
# One form alone (instrument=sipas-full) is that form's own figure.
expect_status 200 "$(stats "period=$Y-10-13&instrument=sipas-full")" "full form only"
[ "$(jget 'd["groups"][0]["elements"]["ket-qua"]["index"]')" = 50.0 ] ||
  fail "full form alone: $(jget 'd["groups"][0]["elements"]')"
hub_stop
echo "test_hub_method: ok"
