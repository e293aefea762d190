#!/usr/bin/env python3
"""Fills a running hub the way real kiosks would, for the browser test.

seed.py fill HUB_BINARY DB URL  ->  prints {"province": TOKEN, "unit":
                                       TOKEN, "unit_scope": CODE, ...}
seed.py backdate DB                  (with the hub stopped)

A province with two communes (two levels, as since 2025-07-01), each
with two reception points of its centre (sipas-hub unit add),
five kiosks enrolled with one-time codes through POST /api/v1/enroll, and
90 days of per-day snapshots uploaded through POST /api/v1/ingest in
batches of at most 62 days (docs/SYNC_PROTOCOL.md), with heartbeats. The
ratings are random but seeded, so every run sees the same numbers: units
differ in satisfaction, the priority fields are rated lower, and low
ratings carry reasons. One kiosk stops uploading four days before the end;
`backdate` then moves its last contact back to that day (the one thing
an upload cannot do), with the hub stopped so that only one program
writes the database.
"""
import datetime
import json
import random
import sqlite3
import subprocess
import sys
import urllib.request

UNITS = [
    ("TINH-MAU", "Tỉnh Mẫu", None),
    ("XA-AP", "Xã An Phú", "TINH-MAU"),
    ("PH-BM", "Phường Bình Minh", "TINH-MAU"),
    ("XA-AP-1", "Điểm tiếp nhận Phú Hữu", "XA-AP"),
    ("XA-AP-2", "Điểm tiếp nhận Phú Hội", "XA-AP"),
    ("PH-BM-1", "Điểm tiếp nhận Mỹ Hòa", "PH-BM"),
    ("PH-BM-2", "Điểm tiếp nhận Đông Thành", "PH-BM"),
    # No kiosk: its row says "no data".
    ("PH-BM-3", "Điểm tiếp nhận Tân Bình", "PH-BM"),
]
# On the last day, Phú Hữu's first kiosk also records two counters each
# served by one officer with 3 ratings (under the hub's floor of 5): each
# counter is withheld for that officer's privacy, while the two together
# (6) let the reception point, the commune, the day and the field be shown.
WITHHELD_KIOSK = "a1" * 16
WITHHELD = [("Quầy 5 – Hộ tịch", "CB90"), ("Quầy 6 – Chứng thực", "CB91")]
WITHHELD_EACH = 3
# (unit, counter, install id, base satisfaction, days of silence at the end)
KIOSKS = [
    ("XA-AP-1", "Quầy 1", "a1" * 16, 0.93, 0),
    ("XA-AP-1", "Quầy 2 – Đất đai", "a2" * 16, 0.88, 0),
    ("XA-AP-2", "Quầy 1", "b1" * 16, 0.91, 0),
    ("PH-BM-1", "Quầy 1", "c1" * 16, 0.84, 0),
    ("PH-BM-2", "Quầy 1", "d1" * 16, 0.78, 4),
]
FIELDS = [("dat-dai", 0.30, -0.08), ("xay-dung", 0.12, -0.05),
          ("dau-tu", 0.05, -0.03), ("tu-phap", 0.33, 0.03),
          ("khac", 0.20, 0.02)]
ELEMENTS = ["tiep-can", "thu-tuc", "cong-chuc", "ket-qua", "gop-y"]
ELEMENT_SHIFT = {"tiep-can": 0.02, "thu-tuc": -0.04, "cong-chuc": 0.03,
                 "ket-qua": 0.0, "gop-y": -0.07}
REASONS = ["cho-lau", "di-lai-nhieu-lan", "thai-do", "huong-dan-kho-hieu",
           "tre-hen", "thu-tuc-ruom-ra", "noi-cho-chua-tien-nghi",
           "phi-sai-quy-dinh"]
REASON_WEIGHTS = [30, 22, 8, 14, 12, 10, 6, 2]
DAYS = 90


def hub(binary, db, *args):
    out = subprocess.run([binary, *args, "--db", db], check=True,
                         capture_output=True, text=True)
    return out.stdout.strip()


def post(url, path, body, headers=None):
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(url + path, data=data, method="POST")
    req.add_header("Content-Type", "application/json")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    with urllib.request.urlopen(req, timeout=30) as res:
        return json.load(res)


def answer(rng, p):
    """A 1..5 rating satisfied (4-5) with probability p."""
    if rng.random() < p:
        return 5 if rng.random() < 0.55 else 4
    return rng.choices([3, 2, 1], [0.55, 0.3, 0.15])[0]


def day_snapshot(rng, unit, counter, base, day, trend):
    """One day's counts at one counter: a few dozen ratings."""
    weekday = day.weekday()
    n = 0 if weekday == 6 else (rng.randint(3, 6) if weekday == 5
                                else rng.randint(10, 22))
    responses, answers = {}, {}
    for _ in range(n):
        field = rng.choices([f[0] for f in FIELDS],
                            [f[1] for f in FIELDS])[0]
        shift = dict((f[0], f[2]) for f in FIELDS)[field]
        officer = "CB%02d" % rng.randint(1, 3)
        dims = (unit, counter, officer, field)
        r = responses.setdefault(dims, [0, 0, 0])
        if rng.random() < 0.04:
            r[1] += 1  # abandoned
            continue
        r[0] += 1
        low = False
        p = min(0.99, base + shift + trend)
        overall = answer(rng, p)
        low |= overall <= 2
        rows = [("overall", "overall", str(overall))]
        for e in ELEMENTS:
            if e == "gop-y" and rng.random() < 0.6:
                continue  # skipped: never gave feedback
            v = answer(rng, min(0.99, p + ELEMENT_SHIFT[e]))
            low |= v <= 2
            rows.append((e, e, str(v)))
        if low:
            for code in set(rng.choices(REASONS, REASON_WEIGHTS,
                                        k=rng.randint(1, 2))):
                rows.append(("reasons", "reasons", code))
        for q, el, a in rows:
            key = dims + (q, el, a)
            answers[key] = answers.get(key, 0) + 1
    resp_rows = []
    for (u, c, o, f), (complete, partial, suppressed) in responses.items():
        resp_rows.append({"unit": u, "counter": c, "officer": o, "field": f,
                          "instrument": "sipas-short", "version": 1,
                          "complete": complete, "partial": partial,
                          "suppressed": suppressed})
    ans_rows = []
    for (u, c, o, f, q, el, a), k in answers.items():
        ans_rows.append({"unit": u, "counter": c, "officer": o, "field": f,
                         "instrument": "sipas-short", "version": 1,
                         "partial": 0, "question": q, "element": el,
                         "answer": a, "n": k})
    return {"day": day.isoformat(), "estimated": 0, "responses": resp_rows,
            "answers": ans_rows}


def add_withheld(snap, unit):
    """Adds the small counters' ratings to one day's snapshot."""
    for counter, officer in WITHHELD:
        snap["responses"].append({
            "unit": unit, "counter": counter, "officer": officer,
            "field": "tu-phap", "instrument": "sipas-short", "version": 1,
            "complete": WITHHELD_EACH, "partial": 0, "suppressed": 0})
        snap["answers"].append({
            "unit": unit, "counter": counter, "officer": officer,
            "field": "tu-phap", "instrument": "sipas-short", "version": 1,
            "partial": 0, "question": "overall", "element": "overall",
            "answer": "4", "n": WITHHELD_EACH})


def backdate(db):
    now_ms = int(datetime.datetime.now().timestamp() * 1000)
    con = sqlite3.connect(db, timeout=10)
    for unit, counter, iid, base, silent_days in KIOSKS:
        if not silent_days:
            continue
        back = now_ms - silent_days * 86400 * 1000
        con.execute("UPDATE kiosks SET last_seen_at = ? WHERE install_id = ?",
                    (back, iid))
        con.execute("UPDATE heartbeats SET seen_at = ? WHERE install_id = ?",
                    (back, iid))
    con.commit()
    con.close()


# Overall answers of the dossier-bound ratings, in turn: 2 of 8 are
# "not satisfied" (1 or 2).
DOSSIER_OVERALL = [5, 4, 2, 5, 3, 1, 4, 5]


def dossier_rows(unit, batch, first, last):
    """Two ratings bound to a dossier code a day, at 09:00 and 14:00
    local, with seqs taken from the batch's own range."""
    rows, seq = [], first
    for d in batch:
        for hour in (9, 14):
            if seq > last:
                return rows
            at = datetime.datetime(d.year, d.month, d.day, hour, 0, 0,
                                   tzinfo=datetime.timezone(
                                       datetime.timedelta(hours=7)))
            overall = DOSSIER_OVERALL[seq % len(DOSSIER_OVERALL)]
            rows.append({
                "seq": seq, "dossier": "000.00.07.H42-%s-%04d" % (
                    d.strftime("%y%m%d"), seq % 10000),
                "at": int(at.timestamp() * 1000), "day": d.isoformat(),
                "estimated": 0, "unit": unit, "field": "khac",
                "instrument": "sipas-short", "version": 1, "partial": 0,
                "answers": ["overall=%d" % overall]})
            seq += 1
    return rows


def installation(iid, faulty, now):
    """The kiosk's self-test report (sipasctl selftest): the silent
    kiosk's watchdog was never armed."""
    wd = ({"id": "watchdog", "status": "fail", "value": "chưa bật",
           "message": "Watchdog phần cứng chưa được bật.",
           "action": "Đặt RuntimeWatchdogSec=10s rồi khởi động lại."}
          if faulty else
          {"id": "watchdog", "status": "pass", "value": "bật, 10 s",
           "message": "Watchdog phần cứng đang bật."})
    return {"format": 1, "install_id": iid, "version": "0.3.1",
            "tested_at": int(now.timestamp() * 1000) - 3600000,
            "result": "fail" if faulty else "pass",
            "checks": [{"id": "storage.fsync", "status": "pass",
                        "value": "3.1 ms/fsync",
                        "message": "Thẻ nhớ ghi đủ nhanh."},
                       {"id": "hub", "status": "pass", "value": "HTTPS, 40 ms",
                        "message": "Hub đã xác nhận kiosk."}, wd]}


def fill(binary, db, url):
    rng = random.Random(20261122)
    for code, name, parent in UNITS:
        args = ["unit", "add", code, name]
        if parent:
            args += ["--parent", parent]
        hub(binary, db, *args)
    now = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=7)))
    today = now.date()
    days = [today - datetime.timedelta(days=DAYS - 1 - i) for i in range(DAYS)]
    secrets = {}
    for unit, counter, iid, base, silent_days in KIOSKS:
        code = hub(binary, db, "enroll-code", "--unit", unit)
        res = post(url, "/api/v1/enroll", {"code": code, "install_id": iid,
                                           "counter": counter,
                                           "version": "0.3.1"})
        secrets[iid] = res["secret"]
        seq = 0
        mine = days[:len(days) - silent_days] if silent_days else days
        for start in range(0, len(mine), 20):
            batch = mine[start:start + 20]
            snaps = [day_snapshot(rng, unit, counter, base, d,
                                  0.05 * (d - days[0]).days / DAYS)
                     for d in batch]
            if iid == WITHHELD_KIOSK and batch[-1] == days[-1]:
                add_withheld(snaps[-1], unit)
            first = seq + 1
            seq += sum(r["complete"] + r["partial"]
                       for s in snaps for r in s["responses"]) + 1
            dossiers = dossier_rows(unit, batch, first, seq)
            body = {"install_id": iid, "upload_id": "%s:%d" % (iid, seq),
                    "upto_seq": seq, "days": snaps, "dossiers": dossiers,
                    "heartbeat": {
                        "version": "0.3.1", "uptime_s": 86400,
                        "clock_synced": not silent_days,
                        "clock_offset_ms": 45000 if silent_days else -120,
                        "free_bytes": 310000000 if silent_days else 5210000000,
                        "integrity": "ok",
                        "pending": 37 if silent_days else 0,
                        "acked_seq": seq,
                        "last_response_at": int(now.timestamp() * 1000) - 600000,
                        "sent_at": int(now.timestamp() * 1000)}}
            res = post(url, "/api/v1/ingest", body,
                       {"Authorization": "Bearer " + secrets[iid],
                        "X-Sipas-Kiosk": iid})
            assert res.get("ok") is True, res
        res = post(url, "/api/v1/installation",
                   installation(iid, bool(silent_days), now),
                   {"Authorization": "Bearer " + secrets[iid],
                    "X-Sipas-Kiosk": iid})
        assert res.get("ok") is True, res
    print(json.dumps({
        "province": hub(binary, db, "token", "add", "--scope", "province"),
        "unit": hub(binary, db, "token", "add", "--scope", "unit:XA-AP"),
        "unit_scope": "XA-AP",
        "units": [u[0] for u in UNITS],
        "kiosks": len(KIOSKS),
        "silent": [k[2] for k in KIOSKS if k[4]],
        "withheld": [c for c, _ in WITHHELD],
        "min_group": 5,
        "withheld_day": days[-1].isoformat(),
        "empty_unit": "Điểm tiếp nhận Tân Bình",
    }))


def main():
    if sys.argv[1:2] == ["backdate"] and len(sys.argv) == 3:
        backdate(sys.argv[2])
    elif sys.argv[1:2] == ["fill"] and len(sys.argv) == 5:
        fill(*sys.argv[2:5])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
