# What the citizen reads: the wording rules of docs/SURVEY_FORMAT.md
# ("Wording"), checked in the shipped files and in the kiosk that embeds
# them.
#  - the shipped surveys and UI strings: one spelling ("Xóa"), "Ông/Bà"
#    and never "của mình", "cán bộ" (the surveys also serve hospitals and
#    schools, fields y-te and giao-duc, whose staff are not "công chức"),
#    no "Xin" before "Ông/Bà vui lòng", the exact out-of-service text, a
#    paused text that says ratings cannot be stored, the short form's
#    access and officer questions in plain words, hints that are not the
#    element's name, distinct Circular 01 answers, NFC everywhere;
#  - the kiosk: every shipped survey passes its validation and walks to
#    its questions, the built program carries these strings (it embeds
#    the assets), and the out-of-service and paused screens match their
#    references in docs/screenshots.
. "$(dirname "$0")/lib.sh"
IMGDIFF="$BUILD/tools/imgdiff"

python3 - "$ROOT" <<'PY' || fail "shipped wording"
import json, os, sys, unicodedata

root = sys.argv[1]
errors = []


def err(msg):
    errors.append(msg)


def load(rel):
    path = os.path.join(root, rel)
    text = open(path, encoding="utf-8").read()
    if unicodedata.normalize("NFC", text) != text:
        err("%s is not NFC" % rel)
    return json.loads(text)


def texts(obj, where=""):
    """Every (where, vi text) a citizen can read in a survey."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "vi" and isinstance(v, str):
                yield where, v
            else:
                yield from texts(v, where + "." + k)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from texts(v, "%s[%d]" % (where, i))


# One spelling: "Xóa", anywhere in what ships and what documents it.
for top in ("assets", "app", "tools", "docs", "README.md"):
    base = os.path.join(root, top)
    walk = [(base, [], [""])] if os.path.isfile(base) else os.walk(base)
    for d, _, files in walk:
        for f in files:
            path = os.path.join(d, f)
            if not path.endswith((".json", ".c", ".h", ".md", ".js", ".html")):
                continue
            body = open(path, encoding="utf-8", errors="replace").read()
            for bad in ("Xoá", "xoá", "XOÁ"):
                if bad in body:
                    err("%s: %r (write Xóa)" % (os.path.relpath(path, root), bad))

ui = load("assets/i18n/ui.json")["vi"]
if ui["oos.body"] != "Ông/Bà vui lòng báo cho cán bộ tại quầy.":
    err("oos.body is %r" % ui["oos.body"])
if ui["pin.del"] != "Xóa":
    err("pin.del is %r" % ui["pin.del"])
paused = ui["paused.body"]
if "Xin" in paused or "đang lưu" in paused or "bộ nhớ đầy" not in paused:
    err("paused.body must say storage is full, not that it is saving, "
        "without \"Xin\": %r" % paused)
for key, value in ui.items():
    if "Xin Ông/Bà" in value:
        err("ui %s: %r (\"Ông/Bà vui lòng\", without \"Xin\")" % (key, value))
    if "công chức" in value.lower():
        err("ui %s: %r (cán bộ: the kiosk also serves hospitals and schools)"
            % (key, value))

element_names = {"tiếp cận dịch vụ", "thủ tục hành chính", "công chức",
                 "cán bộ", "kết quả", "kết quả giải quyết",
                 "tiếp nhận, xử lý góp ý, phản ánh",
                 "tiếp nhận, xử lý góp ý, phản ánh, kiến nghị",
                 "the officer", "result", "feedback handling",
                 "administrative procedure", "access to the service"}
surveys = {}
for name in sorted(os.listdir(os.path.join(root, "assets/surveys"))):
    s = load("assets/surveys/" + name)
    surveys[s["id"]] = s
    if s.get("version", 0) < 2:
        err("%s: version %r, the wording of version 2 is shipped" % (name, s.get("version")))
    for where, t in texts(s):
        if "công chức" in t.lower():
            err("%s%s: %r (cán bộ: this survey serves every field, y-te and "
                "giao-duc included)" % (name, where, t))
        if "của mình" in t:
            err("%s%s: %r (của Ông/Bà)" % (name, where, t))
        if "Xin Ông/Bà" in t:
            err("%s%s: %r" % (name, where, t))
    for q in s["questions"]:
        hint = q.get("hint") or {}
        for lang, h in hint.items():
            if h.strip().lower() in element_names:
                err("%s %s: the %s hint %r only repeats the element's name"
                    % (name, q["id"], lang, h))
        for o in q.get("options", []) if q["id"] == "reasons" else []:
            if o["code"] == "thai-do" and o["label"]["vi"] != "Thái độ phục vụ chưa tốt":
                err("%s: reason thai-do is %r" % (name, o["label"]["vi"]))
if set(surveys) != {"sipas-short", "sipas-full", "c01-counter"}:
    err("shipped surveys: %s" % sorted(surveys))


def question(survey, qid):
    return next(q for q in surveys[survey]["questions"] if q["id"] == qid)


tc = question("sipas-short", "tiep-can")["text"]["vi"]
for words in ("thông tin", "chỉ dẫn", "nơi ngồi chờ", "trang thiết bị", "tại đây"):
    if words not in tc:
        err("sipas-short tiep-can lacks %r: %r" % (words, tc))
if "tiếp cận" in tc:
    err("sipas-short tiep-can uses the element's name: %r" % tc)
cc = question("sipas-short", "cong-chuc")["text"]["vi"]
for words in ("thái độ", "hướng dẫn", "đúng quy định", "cán bộ"):
    if words not in cc:
        err("sipas-short cong-chuc lacks %r: %r" % (words, cc))
md = question("sipas-full", "mong-doi")
if not md["text"]["vi"].endswith("những điều gì nhất?") or md.get("max_choices") != 3 \
        or md["hint"]["vi"] != "Chọn tối đa 3 ý":
    err("mong-doi asks for several things, up to 3: %r" % md)
c4 = question("c01-counter", "c01-4")
if not c4["text"]["vi"].endswith("bao nhiêu cơ quan, đơn vị?"):
    err("c01-4 asks %r" % c4["text"]["vi"])
for name, scale in surveys["c01-counter"]["scales"].items():
    labels = [o["label"]["vi"] for o in scale]
    if len(set(labels)) != len(labels):
        err("c01 scale %s: answers repeat: %r" % (name, labels))
# Indicator 4's answers differ from their first words on.
starts = [" ".join(o["label"]["vi"].lower().split()[:2])
          for o in surveys["c01-counter"]["scales"]["c01-4"]]
if len(set(starts)) != len(starts):
    err("c01-4 answers a citizen cannot tell apart: %r" % starts)
by_value = {o["value"]: o["label"]["vi"] for o in surveys["c01-counter"]["scales"]["c01-4"]}
if "quầy" in by_value[2] or "quầy này" not in by_value[1] or "khác" not in by_value[0]:
    err("c01-4: nowhere else / only this counter / other agencies: %r" % by_value)

report = open(os.path.join(root, "tools/report/report_model.c"), encoding="utf-8").read()
if '{"thai-do", "Thái độ phục vụ chưa tốt"}' not in report:
    err("the report names reason thai-do otherwise than the surveys")
for e in errors:
    print("wording: " + e, file=sys.stderr)
sys.exit(1 if errors else 0)
PY

# The kiosk embeds its UI strings and the default short survey: the
# program carries the texts it shows.
for s in "Ông/Bà vui lòng báo cho cán bộ tại quầy." "Xóa" "Thái độ phục vụ chưa tốt" \
    "thông tin, chỉ dẫn, nơi ngồi chờ và trang thiết bị tại đây"; do
  grep -qF "$s" "$KIOSK" || fail "the kiosk does not carry \"$s\" (rebuild?)"
done
if grep -qF "Xoá" "$KIOSK"; then fail "the kiosk carries \"Xoá\""; fi

# Every shipped survey passes the kiosk's validation and shows questions.
# Circular 01's form runs on a day it applies (it ends 2025-06-30).
for s in sipas-short sipas-full c01-counter; do
  printf '{"survey": "%s"}\n' "$s" > "$T/$s.json"
  rm -rf "$DATA"
  offset=0
  [ "$s" = c01-counter ] && offset=$(( $(date -d '2025-06-16T09:00:00+07:00' +%s) - $(date +%s) ))
  SIPAS_CLOCK_OFFSET_S=$offset kiosk_ok "expect idle
tap start
tap field.khac
expect question" --config "$T/$s.json"
  grep -q '"screen": *"out-of-service"' "$T/events" && fail "$s: out of service"
done

# What the citizen sees on the out-of-service screen (a broken survey) is
# the reference screenshot: its text and nothing clipped.
# The survey is named as tests/golden/make-shots.sh names it, relative to
# the working directory, so the message under the text is the same too.
printf '{"format": "sipas-survey/1", "id": "broken", "version": 1,\n "languages": ["vi"], "title": {"vi": "x"},\n "scales": {}, "questions": []}\n' > "$T/broken.json"
printf '{"survey": "./broken.json"}\n' > "$T/oos.json"
rm -rf "$DATA"
(cd "$T" && kiosk_ok "expect out-of-service
shot out-of-service" --config "$T/oos.json" --dpi 133 --screenshots "$T/shots")
"$IMGDIFF" "$ROOT/docs/screenshots/800x480/out-of-service.png" "$T/shots/out-of-service.png" 0.5 > /dev/null ||
  fail "the out-of-service screen differs from docs/screenshots/800x480/out-of-service.png"
echo "ok (wording)"
