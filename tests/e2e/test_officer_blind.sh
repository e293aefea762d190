# Officer-blind: nothing the officer beside the kiosk can see, hear or
# time tells how the citizen rated.
#
# What the officer can observe once the citizen has tapped their last
# button is the thanks screen, how long after that tap it comes, how long
# it stays, the idle screen it returns to, and any sound. Each of the
# three shipped surveys (sipas-short, sipas-full, c01-counter), in each of
# its languages, at 1280x800 and 800x480, is rated along a covering set of
# paths in one kiosk run per survey, size and language:
#
#   - every answer value on every question: one path per scale position,
#     all questions answered with the value at that position of their own
#     scale (5..1, or 3..1 and 2..0 on the Circular 01 form), so both
#     extremes (all best, all worst) are among them;
#   - skip on every question that allows it (one path skipping them all);
#   - the reasons screen opened by each question that can open it (best
#     everywhere else), left with one reason, another each time; opened by
#     the last question, the final tap is "next", not an answer;
#   - the reasons screen with every reason, and with none (all worst);
#   - rotated mixes (question i answered with position i+s of its scale),
#     so reasons open part-way with either low value;
#   - the in-order multi-choice question (sipas-full's "mong đợi") with
#     nothing, and each option in some path;
#   - last, one rating right after another, which the misuse rules keep
#     suppressed: that is not visible either.
#
# All combinations would be 5^20 for sipas-full; they are not needed. The
# thanks screen is drawn from the flow after it cleared the response
# (flow_commit): nothing of the answers reaches it but through state the
# kiosk keeps between ratings, and every kind of such state (a value, a
# reason, a skip, the reasons screen shown or not, where it opened, which
# was the last tap) changes from one path to another here. A difference a
# single answer could cause shows on the path holding that answer.
#
# Checked for every path: the thanks frame at once and just before it
# leaves, and the idle frame after it, pixel for pixel the same on every
# path of a run (decoded pixels, not file bytes); the screens between the
# last tap and thanks are only the commit (no other frame while the
# response is stored); in the event stream's virtual milliseconds, thanks
# comes exactly 250 ms (the answer highlight) per answer tap after the
# start, the commit at the same instant, and idle exactly 5 s later (on a
# device the commit's one fsync comes between the highlight and thanks;
# the 5 s are counted from before it, so idle does not move). A final
# skip or "next" holds no highlight: thanks comes at once, whatever was
# answered before. What
# was stored is what each path answered, so identical frames are not an
# artefact of answers never given. Sound: the kiosk uses none; it must
# neither link SDL's audio API nor open a device on any path (SDL's disk
# driver would write a file), so a sound added later cannot differ by
# answer unseen.
. "$(dirname "$0")/lib.sh"
export SDL_AUDIODRIVER=disk SDL_DISKAUDIOFILE="$T/audio.raw"

# Sound comes only from listening (docs/VOICE.md), which a citizen turns
# on for themself: with it off, no path below opens an audio device
# (checked at the end); with it on, what is read once the last answer is
# taken is the same whatever was answered.
after_last="[e['name'] for e in events[[i for i, e in enumerate(events) if e['event']=='committed'][-1]:] if e['event']=='prompt']"
for a in 5 3; do
  rm -f "$T/events"
  SDL_AUDIODRIVER=dummy kiosk_ok "tap view.listen
tap start
tap field.khac
$(for ((i = 0; i < 6; i++)); do echo "tap answer.$a"; echo "tap answer.$a"; done)
expect thanks
wait 6000
expect idle"
  expect_eq "$after_last" "['ui.thanks.title']" "read after the answers $a"
done
rm -rf "$DATA" "$T/events"
readelf -d "$KIOSK" | grep NEEDED | grep -Ei 'mixer|asound|pulse|openal|sndfile' &&
  fail "the kiosk links a sound library"

# The Circular 01 form applies until 2025-06-30: rate it inside its period.
c01_offset=$(( $(date -d "2025-06-16T09:00:00+07:00" +%s) - $(date +%s) ))

python3 - "$ROOT" "$KIOSK" "$CTL" "$T" "$c01_offset" <<'PY'
import csv, datetime, hashlib, io, json, os, sqlite3, struct, subprocess, sys, time

root, kiosk, ctl, tmp, c01_offset = sys.argv[1:6]
HIGHLIGHT_MS, THANKS_MS = 250, 5000
MISUSE_GAP_MS = 125000  # past the 10 s interval and the 120 s burst window
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg, file=sys.stderr)


def load(sid):
    return json.load(open(os.path.join(root, "assets/surveys", sid + ".json"), encoding="utf-8"))


def plan(s):
    """Covering paths: each a dict question id -> value | 'skip' | [codes],
    plus 'reasons' -> [codes] used if the reasons screen opens."""
    qs = [q for q in s["questions"] if not q.get("follow_up_only")]
    follow = {q["id"]: q for q in s["questions"] if q.get("follow_up_only")}
    scale = {q["id"]: [o["value"] for o in s["scales"][q["scale"]]] for q in qs if q.get("type", "scale") != "multi"}
    multi = {q["id"]: [o["code"] for o in q["options"]] for q in qs if q.get("type") == "multi"}
    opens = [q["id"] for q in qs if q.get("follow_up")]
    reasons = [o["code"] for f in follow.values() for o in f["options"]]
    m_chunks = []
    for m, codes in multi.items():
        mx = next(q for q in qs if q["id"] == m).get("max_choices") or len(codes)
        m_chunks = [codes[i:i + mx] for i in range(0, len(codes), mx)]
    paths = []

    def path(pick, rs, chunk=None):
        p = {"reasons": rs}
        for i, q in enumerate(qs):
            if q["id"] in multi:
                p[q["id"]] = chunk if chunk is not None else []
            else:
                p[q["id"]] = pick(i, q)
        paths.append(p)

    depth = max(len(v) for v in scale.values())
    for j in range(depth):  # every value on every question; j=0 all best, last all worst
        path(lambda i, q: scale[q["id"]][min(j, len(scale[q["id"]]) - 1)],
             reasons[j % len(reasons):][:1] if reasons else [],
             m_chunks[j % len(m_chunks)] if m_chunks else None)
    worst = lambda i, q: scale[q["id"]][-1]
    path(worst, list(reasons))   # every reason
    path(worst, [])              # reasons screen left empty
    path(lambda i, q: "skip" if q.get("skippable") else scale[q["id"]][0], [])
    for k, qid in enumerate(opens):  # reasons opened by each question
        path(lambda i, q: scale[q["id"]][-1] if q["id"] == qid else scale[q["id"]][0],
             [reasons[k % len(reasons)]],
             m_chunks[k % len(m_chunks)] if m_chunks else None)
    for sh in range(1, depth):  # rotated mixes
        path(lambda i, q: scale[q["id"]][(i + sh) % len(scale[q["id"]])], reasons[sh::3])
    return qs, follow, paths


def steps_of(s, qs, follow, p):
    """Script steps after 'start', the screens they show, the answer taps
    (each holds a highlight) and the rows the export must hold."""
    steps, screens, rows, taps = [], [], [], 0
    done = False
    for q in qs:
        v = p[q["id"]]
        if q.get("type") == "multi":
            screens.append("choices")
            steps += ["tap reason." + c for c in v] + ["tap next"]
            rows += [(q["id"], c) for c in v]
            continue
        screens.append("question")
        if v == "skip":
            steps.append("tap skip")
            continue
        steps.append("tap answer.%d" % v)
        taps += 1
        rows.append((q["id"], str(v)))
        fu = q.get("follow_up")
        if fu and not done and v <= fu["when_le"]:
            done = True
            screens.append("reasons")
            steps += ["tap reason." + c for c in p["reasons"]] + ["tap next"]
            rows += [(fu["question"], c) for c in p["reasons"]]
    seen = [x for i, x in enumerate(screens) if i == 0 or screens[i - 1] != x]
    return steps, seen, taps, rows


def check_coverage(sid, s, qs, follow, paths):
    """The claim rests on the set covering what the header says."""
    given, taps, reasons_seen = set(), set(), set()
    for p in paths:
        steps, seen, _, rows = steps_of(s, qs, follow, p)
        given |= {(q["id"], p[q["id"]]) for q in qs if not isinstance(p[q["id"]], list)}
        taps |= set(steps)
        if "reasons" in seen:
            reasons_seen.add(len([r for r in rows if r[0] in follow]) > 0)
        else:
            reasons_seen.add(None)
    need = set()
    for q in qs:
        if q.get("type") == "multi":
            need |= {"tap reason." + o["code"] for o in q["options"]} - taps
            continue
        need |= {(q["id"], o["value"]) for o in s["scales"][q["scale"]]} - given
        if q.get("skippable") and (q["id"], "skip") not in given:
            need.add((q["id"], "skip"))
    for f in follow.values():
        need |= {"tap reason." + o["code"] for o in f["options"]} - taps
    if follow and reasons_seen != {None, True, False}:
        need.add("reasons screen shown with reasons, without, and not shown")
    if need:
        fail("%s: no path covers %s" % (sid, sorted(map(str, need))))


def pixels(path):
    """Decoded pixel rows of a BMP, without header or row padding."""
    b = open(path, "rb").read()
    off, = struct.unpack_from("<I", b, 10)
    w, h = struct.unpack_from("<ii", b, 18)
    bpp, = struct.unpack_from("<H", b, 28)
    row = (w * bpp // 8 + 3) & ~3
    h = abs(h)
    return b"".join(b[off + r * row: off + r * row + w * bpp // 8] for r in range(h))


def run(sid, size, lang, env_extra):
    s = load(sid)
    qs, follow, paths = plan(s)
    check_coverage(sid, s, qs, follow, paths)
    tag = "%s %s %s" % (sid, size, lang)
    d = os.path.join(tmp, "%s-%s-%s" % (sid, size, lang))
    os.makedirs(d)
    cfg = os.path.join(d, "cfg.json")
    json.dump({"survey": sid}, open(cfg, "w"))
    script, expect = [], []
    # The last comes too soon after the one before: suppressed. The
    # shortest path, so it falls within the 10 s interval.
    rated = paths + [min(paths, key=lambda p: steps_of(s, qs, follow, p)[2])]
    for n, p in enumerate(rated):
        steps, seen, taps, rows = steps_of(s, qs, follow, p)
        # the default configuration offers several fields: "field" first
        script += ["expect idle", "tap start", "expect field", "tap field.dat-dai"] + steps
        # No `expect` here: a screen that came or left at another time
        # shows in the frames and, to the millisecond, in the events.
        script += ["shot t0-%d.bmp" % n, "wait %d" % (THANKS_MS - 1), "shot t1-%d.bmp" % n,
                   "wait %d" % (THANKS_MS // 2 + 1), "shot idle-%d.bmp" % n]
        if n < len(paths) - 1:
            script.append("wait %d" % MISUSE_GAP_MS)
        expect.append((["field"] + seen, taps, rows, n == len(paths)))
    open(os.path.join(d, "script"), "w").write("\n".join(script) + "\n")
    env = dict(os.environ, **env_extra)
    r = subprocess.run([kiosk, "--window", size, "--data", os.path.join(d, "var"), "--config", cfg,
                        "--lang", lang, "--script", os.path.join(d, "script"),
                        "--events", os.path.join(d, "events"), "--screenshots", os.path.join(d, "shots")],
                       env=env, capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        fail("%s: script failed: %s" % (tag, r.stderr.strip()[-600:]))
        return 0
    events = [json.loads(l) for l in open(os.path.join(d, "events"))]
    # split the stream at each idle screen: one rating between two idles
    ratings, cur = [], None
    for e in events:
        if e["event"] == "screen" and e["screen"] == "idle":
            if cur is not None:
                cur.append(e)
                ratings.append(cur)
            cur = []
        elif cur is not None:
            cur.append(e)
    if len(ratings) != len(rated):
        fail("%s: %d ratings in the event stream, %d rated" % (tag, len(ratings), len(rated)))
        return 0
    for n, (evs, (screens, taps, rows, suppressed)) in enumerate(zip(ratings, expect)):
        kinds = [e.get("screen", e["event"]) for e in evs]
        want = screens + ["committed", "thanks", "idle"]
        if kinds != want:
            fail("%s path %d: events %s, expected %s" % (tag, n, kinds, want))
            continue
        t0 = evs[0]["ms"]
        com, th, idle = evs[-3], evs[-2], evs[-1]
        if th["ms"] - t0 != taps * HIGHLIGHT_MS:
            fail("%s path %d: thanks %d ms after start, expected %d (%d answer taps)"
                 % (tag, n, th["ms"] - t0, taps * HIGHLIGHT_MS, taps))
        if com["ms"] != th["ms"]:
            fail("%s path %d: commit at %d, thanks at %d" % (tag, n, com["ms"], th["ms"]))
        if idle["ms"] - th["ms"] != THANKS_MS:
            fail("%s path %d: thanks stayed %d ms" % (tag, n, idle["ms"] - th["ms"]))
        if com["partial"] or com["suppressed"] != (1 if suppressed else 0):
            fail("%s path %d: committed %s" % (tag, n, com))
    # what was stored is what was answered
    out = subprocess.run([ctl, "export", "--data", os.path.join(d, "var"), "--format", "csv"],
                         capture_output=True, text=True, env=env)
    by_seq = {}
    for row in csv.DictReader(io.StringIO(out.stdout)):
        by_seq.setdefault(int(row["seq"]), []).append((row["question"], row["answer"]))
    stored = [by_seq[k] for k in sorted(by_seq)]
    want_rows = [sorted(x[2]) for x in expect]
    if [sorted(x) for x in stored] != want_rows:
        fail("%s: stored answers differ from the paths: %s" % (tag, [sorted(x) for x in stored][:3]))
    # every frame of a kind identical across the paths
    shots = os.path.join(d, "shots")
    for kind in ("t0", "t1", "idle"):
        digests = {}
        for n in range(len(rated)):
            f = os.path.join(shots, "%s-%d.bmp" % (kind, n))
            digests.setdefault(hashlib.sha256(pixels(f)).hexdigest(), []).append(n)
        if len(digests) != 1:
            groups = sorted(digests.values(), key=len)
            fail("%s: %s frames differ between paths: %s" % (tag, kind, groups[:-1]))
    subprocess.run(["rm", "-rf", shots, os.path.join(d, "var")])
    return len(rated)


def enroll(data):
    """sync.db as enrollment leaves it, so ratings are real ones and count
    in the public figure (uploading stays off)."""
    os.makedirs(data, exist_ok=True)
    db = sqlite3.connect(os.path.join(data, "sync.db"))
    db.executescript("""
      CREATE TABLE enrollment(id INTEGER PRIMARY KEY CHECK (id = 1),
        hub_url TEXT NOT NULL, ca_file TEXT NOT NULL, pin TEXT NOT NULL,
        install_id TEXT NOT NULL, secret TEXT NOT NULL, unit_code TEXT NOT NULL,
        unit_name TEXT NOT NULL, counter TEXT NOT NULL, enrolled_at INTEGER NOT NULL);
      CREATE TABLE progress(id INTEGER PRIMARY KEY CHECK (id = 1),
        acked_seq INTEGER NOT NULL DEFAULT 0, last_attempt INTEGER NOT NULL DEFAULT 0,
        last_ok INTEGER NOT NULL DEFAULT 0, last_error_at INTEGER NOT NULL DEFAULT 0,
        last_error TEXT NOT NULL DEFAULT '', failures INTEGER NOT NULL DEFAULT 0,
        blocked INTEGER NOT NULL DEFAULT 0, next_try INTEGER NOT NULL DEFAULT 0,
        pending INTEGER NOT NULL DEFAULT 0, hub_time INTEGER NOT NULL DEFAULT 0,
        hub_offset INTEGER NOT NULL DEFAULT 0);
      INSERT INTO progress(id) VALUES (1);
      CREATE TABLE days(day TEXT PRIMARY KEY, upto_seq INTEGER NOT NULL,
        snapshot TEXT NOT NULL, acked_at INTEGER NOT NULL);
      CREATE TABLE anchors(boot_id TEXT PRIMARY KEY, known INTEGER NOT NULL,
        wall_minus_boot INTEGER NOT NULL, source TEXT NOT NULL, learned_at INTEGER NOT NULL);
      INSERT INTO enrollment VALUES (1, 'https://127.0.0.1:1', '', '', 'blind-test',
        'x', 'XA-BLIND', 'Xã Thử', 'Quầy 1', 0);
      PRAGMA user_version = 2;""")
    db.close()


def run_figure():
    """The idle screen's public figure: a rating must not move it while the
    officer who saw the citizen rate is there to read it."""
    sid, size = "sipas-short", "800x480"
    s = load(sid)
    qs, follow, paths = plan(s)
    d = os.path.join(tmp, "figure")
    data = os.path.join(d, "var")
    enroll(data)
    cfgs = {}
    for fig in (True, False):
        cfgs[fig] = os.path.join(d, "cfg-%s.json" % fig)
        json.dump({"survey": sid, "display": {"public_figure": fig}, "sync": {"enabled": False}},
                  open(cfgs[fig], "w"))

    def kiosk_at(day, cfg, lines, name):
        at = datetime.datetime.fromisoformat(day + "T09:00:00+07:00").timestamp()
        env = dict(os.environ, SIPAS_CLOCK_OFFSET_S=str(int(at - time.time())), SIPAS_CLOCK_SYNCED="1")
        open(os.path.join(d, name), "w").write("\n".join(lines) + "\n")
        r = subprocess.run([kiosk, "--window", size, "--data", data, "--config", cfg,
                            "--script", os.path.join(d, name), "--events", os.path.join(d, name + ".events"),
                            "--screenshots", os.path.join(d, "shots")],
                           env=env, capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            fail("public figure: %s failed: %s" % (name, r.stderr.strip()[-600:]))
        return r.returncode == 0

    def rating(p):
        return ["expect idle", "tap start", "tap field.dat-dai"] + steps_of(s, qs, follow, p)[0]

    # yesterday, one satisfied citizen: the figure today starts from it
    if not kiosk_at("2026-03-10", cfgs[True], rating(paths[0]) + ["wait 6000"], "seed"):
        return
    picked = paths[:len(paths) // 2 + 1]
    # the same boot as yesterday's run to the misuse rules: let them rest
    lines = ["wait %d" % MISUSE_GAP_MS, "shot idle-pre.bmp"]
    for n, p in enumerate(picked):
        lines += rating(p) + ["expect thanks", "wait %d" % THANKS_MS, "expect idle",
                              "shot idle-%d.bmp" % n, "wait %d" % MISUSE_GAP_MS]
    if not kiosk_at("2026-03-11", cfgs[True], lines, "today") or \
       not kiosk_at("2026-03-11", cfgs[False], ["shot hidden.bmp"], "hidden"):
        return
    shots = os.path.join(d, "shots")
    got = {n: hashlib.sha256(pixels(os.path.join(shots, n + ".bmp"))).hexdigest()
           for n in ["idle-pre", "hidden"] + ["idle-%d" % n for n in range(len(picked))]}
    if got["idle-pre"] == got["hidden"]:
        fail("public figure: not shown, so nothing is proven")
    moved = [n for n in got if n not in ("idle-pre", "hidden") and got[n] != got["idle-pre"]]
    if moved:
        fail("public figure: the idle screen changed after ratings %s" % moved)
    out = subprocess.run([ctl, "export", "--data", data, "--format", "csv"], capture_output=True, text=True)
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    if {(r["test"], r["suppressed"]) for r in rows} != {("0", "0")} or \
       len({r["seq"] for r in rows}) != len(picked) + 1:
        fail("public figure: ratings were not all counted ones: %s"
             % sorted({(r["seq"], r["test"], r["suppressed"]) for r in rows}))
    return len(picked)


total = run_figure() or 0
for sid in ("sipas-short", "sipas-full", "c01-counter"):
    env = {"SIPAS_CLOCK_OFFSET_S": c01_offset, "SIPAS_CLOCK_SYNCED": "1"} if sid == "c01-counter" else {}
    for lang in load(sid)["languages"]:
        for size in ("1280x800", "800x480"):
            total += run(sid, size, lang, env)
if failures:
    sys.exit(1)
print("%d rated paths: thanks and idle frames identical, timing exact, stored answers as given;"
      " the public figure unmoved" % total)
PY
[ ! -s "$T/audio.raw" ] || fail "the kiosk played sound ($(stat -c %s "$T/audio.raw") bytes)"
[ ! -e "$T/audio.raw" ] || fail "the kiosk opened an audio device"
echo ok
