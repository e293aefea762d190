#!/usr/bin/env python3
"""Many kiosks' snapshot sequences, sent at once or once each.

ingest_many.py plan DIR SEED UNIT:ID ...
    Writes DIR/up-ID-SEQ.json, every upload of each kiosk's sequence
    (days replaced by later uploads, a late day of the month before,
    rows added and dropped between versions of a day), and
    DIR/final-ID-DAY.json, each (kiosk, day)'s last snapshot alone with
    its upto_seq: what the hub must end up holding.

ingest_many.py months DIR SEQ YEAR UNIT:ID ...
    Writes DIR/new-ID-YYYY-MM.json: for each of the first four months
    of YEAR, an upload
    of the kiosk's with one day of that month, upto_seq SEQ + month, so
    that sending them by month makes every process meet each new month
    (its partitions not made yet) at once.

ingest_many.py send THREADS SEED FILE... < TARGETS
    TARGETS: lines "ID SECRET URL [URL...]" (a kiosk's credentials and
    where its uploads may go). Sends each FILE (named up-ID-SEQ.json or
    final-ID-DAY.json) to one of its kiosk's URLs, chosen by SEED, with
    THREADS at once and in the order given. A 503 (the hub's database
    busy) and a 429 rate-limited are answered as a kiosk does: the same
    body again, after a pause (short here). Prints a JSON summary: sent,
    acknowledged, retries by status, stale days answered. Exits 1 when an
    upload ends in anything but 200.

The snapshots are upload.py's day_snapshot(), so they are the same rows
the other hub tests send.
"""
import argparse
import concurrent.futures
import http.client
import json
import os
import random
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from upload import day_snapshot  # noqa: E402

DAYS = ["2025-03-%02d" % d for d in range(1, 7)]
LATE_DAY = "2025-02-27"
SEQS = 8
MAX_TRIES = 60


def plan(a):
    rnd = random.Random(a.seed)
    for k, spec in enumerate(a.kiosks):
        unit, iid = spec.split(":")
        # Half the kiosks at one counter: more of them share summary keys.
        counter = "Quầy 1" if k % 2 == 0 else "Quầy %d" % (k + 2)
        last = {}
        for seq in range(1, SEQS + 1):
            days = rnd.sample(DAYS, rnd.randint(1, 3))
            if seq == SEQS - 1:
                days.append(LATE_DAY)   # a day of last month, arriving late
            o = argparse.Namespace(
                unit=unit, counter=counter,
                officer=rnd.choice(["", "CB001", "CB002"]),
                complete=rnd.randint(1, 9), fives=rnd.randint(0, 5),
                rows=rnd.randint(2, 24), share=None)
            snaps = [day_snapshot(d, o) for d in days]
            body = {"install_id": iid, "upload_id": "%s:%d" % (iid, seq),
                    "upto_seq": seq, "days": snaps}
            with open(os.path.join(a.dir, "up-%s-%d.json" % (iid, seq)), "w") as f:
                json.dump(body, f, ensure_ascii=False)
            for s in snaps:
                last[s["day"]] = (seq, s)
        for day, (seq, s) in last.items():
            body = {"install_id": iid, "upload_id": "%s:final:%s" % (iid, day),
                    "upto_seq": seq, "days": [s]}
            with open(os.path.join(a.dir, "final-%s-%s.json" % (iid, day)), "w") as f:
                json.dump(body, f, ensure_ascii=False)


def months(a):
    for spec in a.kiosks:
        unit, iid = spec.split(":")
        o = argparse.Namespace(unit=unit, counter="Quầy 1", officer="CB001",
                               complete=3, fives=2, rows=6, share=None)
        for m in range(1, 5):
            day = "%04d-%02d-15" % (a.year, m)
            body = {"install_id": iid, "upload_id": "%s:m%d" % (iid, m),
                    "upto_seq": a.seq + m, "days": [day_snapshot(day, o)]}
            path = os.path.join(a.dir, "new-%s-%04d-%02d.json" % (iid, a.year, m))
            with open(path, "w") as f:
                json.dump(body, f, ensure_ascii=False)


def post(url, iid, secret, body):
    u = urllib.parse.urlsplit(url)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    try:
        c.request("POST", "/api/v1/ingest", body,
                  {"Authorization": "Bearer " + secret, "X-Sipas-Kiosk": iid,
                   "Content-Type": "application/json"})
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def send(a):
    kiosks = {}
    for line in sys.stdin:
        w = line.split()
        if w:
            kiosks[w[0]] = (w[1], w[2:])
    rnd = random.Random(a.seed)
    jobs = []
    for path in a.files:
        iid = os.path.basename(path).split("-")[1]
        secret, urls = kiosks[iid]
        jobs.append((path, iid, secret, rnd.choice(urls)))
    lock = threading.Lock()
    out = {"sent": len(jobs), "ok": 0, "stale_days": 0, "retries": {},
           "failed": []}

    def one(job):
        path, iid, secret, url = job
        with open(path, "rb") as f:
            body = f.read()
        for _ in range(MAX_TRIES):
            status, reply = post(url, iid, secret, body)
            if status == 200:
                d = json.loads(reply)
                with lock:
                    out["ok"] += 1
                    out["stale_days"] += d["stale_days"]
                return
            busy = status == 503 and b'"busy"' in reply
            limited = status == 429 and b'quota' not in reply
            if not (busy or limited):
                break
            with lock:
                out["retries"][str(status)] = out["retries"].get(str(status), 0) + 1
            time.sleep(0.05 if busy else 0.25)
        with lock:
            out["failed"].append("%s -> %s: %d %s" % (
                os.path.basename(path), url, status, reply[:200].decode("utf-8", "replace")))

    with concurrent.futures.ThreadPoolExecutor(a.threads) as ex:
        for f in [ex.submit(one, j) for j in jobs]:
            f.result()
    json.dump(out, sys.stdout, sort_keys=True)
    print()
    return 1 if out["failed"] else 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    pp = sub.add_parser("plan")
    pp.add_argument("dir")
    pp.add_argument("seed", type=int)
    pp.add_argument("kiosks", nargs="+")
    pm = sub.add_parser("months")
    pm.add_argument("dir")
    pm.add_argument("seq", type=int)
    pm.add_argument("year", type=int)
    pm.add_argument("kiosks", nargs="+")
    ps = sub.add_parser("send")
    ps.add_argument("threads", type=int)
    ps.add_argument("seed", type=int)
    ps.add_argument("files", nargs="+")
    a = p.parse_args()
    if a.cmd in ("plan", "months"):
        (plan if a.cmd == "plan" else months)(a)
        return 0
    return send(a)


if __name__ == "__main__":
    sys.exit(main())
