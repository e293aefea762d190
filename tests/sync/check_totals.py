#!/usr/bin/env python3
"""Compares the hub's statistics with what the kiosk recorded.

Expected numbers come from `sipasctl export --format csv` (complete,
non-suppressed responses: partial = 0 and suppressed = 0; test ratings,
recorded before enrollment, never count; with --from/--to only the
responses whose `day` lies in the range); the hub's from
GET /api/v1/stats grouped by unit and by field. Exit 0 when every group's
response count and every question's answer counts are exactly equal,
1 with the differences otherwise.

  check_totals.py --export CSV --hub URL --token T [--ca FILE]
                  [--from DATE --to DATE] [--groups unit,field]
                  [--expect-responses N] [--hub-db FILE]

With --hub-db (the hub's database, read only: an SQLite file or a
postgresql:// URI, read with psql) the element rows the
kiosk uploaded are compared too: per unit, day, survey form, element and
complete/partial, the responses that answered at least one question of
the element (suppressed ones and tests never count), all exact.
"""
import argparse
import collections
import csv
import datetime
import json
import os
import sqlite3
import ssl
import subprocess
import sys
import urllib.request

VN = datetime.timezone(datetime.timedelta(hours=7))


def expected(path, group, day_from=None, day_to=None):
    seqs = collections.defaultdict(set)
    counts = collections.defaultdict(collections.Counter)
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["partial"] != "0" or row["suppressed"] != "0":
                continue
            if row["test"] != "0":
                continue
            if (day_from and row["day"] < day_from) or (
                    day_to and row["day"] > day_to):
                continue
            key = row[group]
            seqs[key].add(row["seq"])
            counts[key][(row["question"], row["answer"])] += 1
    return {k: (len(v), counts[k]) for k, v in seqs.items()}


def expected_elements(path, day_from=None, day_to=None):
    seqs = collections.defaultdict(set)
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["suppressed"] != "0" or row["test"] != "0":
                continue
            if not row["element"]:
                continue
            if (day_from and row["day"] < day_from) or (
                    day_to and row["day"] > day_to):
                continue
            key = (row["unit"], row["day"], row["instrument"], row["element"],
                   row["partial"])
            seqs[key].add(row["seq"])
    return {k: len(v) for k, v in seqs.items()}


ELEMENTS_SQL = ("SELECT unit, day, instrument, element, partial, sum(n),"
                " min(exact) FROM day_elements WHERE day BETWEEN %s AND %s"
                " GROUP BY 1, 2, 3, 4, 5")


def hub_elements(db, day_from, day_to):
    if db.startswith("postgresql://"):
        rows = hub_elements_pg(db, day_from, day_to)
    else:
        con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
        try:
            rows = con.execute(ELEMENTS_SQL % ("?", "?"),
                               (day_from, day_to)).fetchall()
        finally:
            con.close()
    return {(u, d, i, e, str(p)): (int(n), int(exact))
            for u, d, i, e, p, n, exact in rows}


def hub_elements_pg(uri, day_from, day_to):
    # psql, not a Python driver: the tests' PostgreSQL needs only the
    # server's package. The days are checked dates, safe as literals.
    for day in (day_from, day_to):
        datetime.date.fromisoformat(day)
    psql = os.path.join(os.environ.get("PG_ENV_BIN", "/usr/lib/postgresql/15/bin"), "psql")
    out = subprocess.run(
        [psql, uri, "-XAtq", "-F", "\t", "-c",
         ELEMENTS_SQL % ("'%s'" % day_from, "'%s'" % day_to)],
        check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def compare_elements(a, day_from, day_to):
    bad = []
    want = expected_elements(a.export, a.day_from, a.day_to)
    got = hub_elements(a.hub_db, day_from, day_to)
    if not want and not a.allow_empty:
        bad.append("the export names no element: nothing compared")
    for key in sorted(set(want) | set(got)):
        n, exact = got.get(key, (0, 1))
        if not exact:
            bad.append("elements %s: the hub holds no exact count" % (key,))
        elif want.get(key, 0) != n:
            bad.append("elements %s: kiosk %d, hub %d" %
                       (key, want.get(key, 0), n))
    return bad


def hub_stats(a, group, day_from, day_to):
    url = "%s/api/v1/stats?from=%s&to=%s&group=%s" % (
        a.hub.rstrip("/"), day_from, day_to, group)
    req = urllib.request.Request(
        url, headers={"Authorization": "Bearer " + a.token})
    ctx = ssl.create_default_context(cafile=a.ca) if a.ca else None
    with urllib.request.urlopen(req, timeout=10, context=ctx) as r:
        doc = json.load(r)
    got = {}
    for g in doc["groups"]:
        key = g["key"][group]
        c = collections.Counter()
        for q in g["questions"]:
            for answer, n in q["counts"].items():
                if n:
                    c[(q["id"], answer)] += n
        if g["responses"] or c:
            got[key] = (g["responses"], c)
    return got


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--export", required=True)
    ap.add_argument("--hub", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--ca")
    ap.add_argument("--from", dest="day_from")
    ap.add_argument("--to", dest="day_to")
    ap.add_argument("--groups", default="unit,field")
    ap.add_argument("--expect-responses", type=int)
    ap.add_argument("--hub-db")
    ap.add_argument("--allow-empty", action="store_true",
                    help="no counted response at all is fine")
    a = ap.parse_args()
    today = datetime.datetime.now(VN).date()
    day_from = a.day_from or str(today - datetime.timedelta(days=3600))
    day_to = a.day_to or str(today + datetime.timedelta(days=1))
    bad = []
    if not a.allow_empty and not expected(a.export, "unit", a.day_from,
                                          a.day_to):
        bad.append("the export holds no counted response: nothing compared")
    for group in a.groups.split(","):
        want = expected(a.export, group, a.day_from, a.day_to)
        got = hub_stats(a, group, day_from, day_to)
        for key in sorted(set(want) | set(got)):
            w = want.get(key, (0, collections.Counter()))
            g = got.get(key, (0, collections.Counter()))
            if w[0] != g[0]:
                bad.append("%s=%s: responses: kiosk %d, hub %d" %
                           (group, key, w[0], g[0]))
            for qa in sorted(set(w[1]) | set(g[1])):
                if w[1][qa] != g[1][qa]:
                    bad.append("%s=%s: %s=%s: kiosk %d, hub %d" %
                               (group, key, qa[0], qa[1], w[1][qa], g[1][qa]))
        total = sum(v[0] for v in got.values())
        if a.expect_responses is not None and total != a.expect_responses:
            bad.append("%s: hub total %d, expected %d" %
                       (group, total, a.expect_responses))
    if a.hub_db:
        bad += compare_elements(a, day_from, day_to)
    if bad:
        print("hub totals differ from the kiosk's export:", file=sys.stderr)
        for b in bad[:40]:
            print("  " + b, file=sys.stderr)
        sys.exit(1)
    print("totals equal: %s" % ", ".join(
        "%s=%d" % (k, v[0]) for k, v in sorted(
            expected(a.export, a.groups.split(",")[0], a.day_from,
                     a.day_to).items())))


if __name__ == "__main__":
    main()
