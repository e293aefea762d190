#!/usr/bin/env python3
"""Fills a running hub that holds assets/units/example-2025.json with a
province's ratings on both sides of 2025-07-01, the way kiosks would.

province_seed.py HUB_BINARY DB URL  ->  prints {"province": TOKEN,
                                           "scope": "QUANGTRI", ...}

Quảng Trị as it is since 2025-07-01: kiosks at its communes and wards
(one at a commune's public-service centre, one at the province's centre)
upload July to September 2025; the kiosk of the old thị trấn Hồ Xá goes on
recording its old code after the merge, which rolls into Xã Vĩnh Linh.
Before the merge, June 2025 is recorded at the district of Vĩnh Linh (its
one-stop counter and Hồ Xá) and at Quảng Bình's Đồng Hới. Every upload
goes through POST /api/v1/enroll and POST /api/v1/ingest with the days
given here, never today's: the same figures on any day. The ratings come
from tests/web/seed.py's day generator with a fixed seed.
"""
import datetime
import json
import random
import sys

from seed import day_snapshot, hub, post

SCOPE = "QUANGTRI"
JUNE = ("2025-06-01", "2025-06-30")
Q3 = ("2025-07-01", "2025-09-30")
# (unit, counter, base satisfaction, periods uploaded)
KIOSKS = [
    ("XA-VINHLINH.TTHCC", "Quầy 1", 0.92, [Q3]),
    ("XA-CUATUNG", "Quầy 1", 0.86, [Q3]),
    ("XA-VINHHOANG", "Quầy 1", 0.81, [Q3]),
    ("XA-BENQUAN", "Quầy 1", 0.74, [Q3]),
    ("PH-DONGHOI", "Quầy 2", 0.90, [Q3]),
    ("QUANGTRI.TTHCC", "Quầy 3 – Đất đai", 0.94, [Q3]),
    ("QUANGTRI.VINHLINH.HOXA", "Quầy 1", 0.88, [JUNE, Q3]),
    ("QUANGTRI.VINHLINH.MOTCUA", "Quầy 1", 0.85, [JUNE]),
    ("QUANGBINH.DONGHOI", "Quầy 1", 0.89, [JUNE]),
]


def days_of(period):
    first = datetime.date.fromisoformat(period[0])
    last = datetime.date.fromisoformat(period[1])
    return [first + datetime.timedelta(days=i)
            for i in range((last - first).days + 1)]


def upload(url, iid, secret, unit, counter, base, days, rng, seq):
    """Per-day snapshots in batches of 20 days; returns the last seq."""
    for start in range(0, len(days), 20):
        batch = days[start:start + 20]
        snaps = [day_snapshot(rng, unit, counter, base, d,
                              0.04 * (d - days[0]).days / len(days))
                 for d in batch]
        seq += sum(r["complete"] + r["partial"]
                   for s in snaps for r in s["responses"]) + 1
        res = post(url, "/api/v1/ingest",
                   {"install_id": iid, "upload_id": "%s:%d" % (iid, seq),
                    "upto_seq": seq, "days": snaps},
                   {"Authorization": "Bearer " + secret,
                    "X-Sipas-Kiosk": iid})
        assert res.get("ok") is True, res
    return seq


def fill(binary, db, url):
    rng = random.Random(20250701)
    for n, (unit, counter, base, periods) in enumerate(KIOSKS):
        iid = "%02x" % (0x30 + n) * 16
        code = hub(binary, db, "enroll-code", "--unit", unit)
        res = post(url, "/api/v1/enroll", {"code": code, "install_id": iid,
                                           "counter": counter,
                                           "version": "0.3.1"})
        seq = 0
        for period in periods:
            seq = upload(url, iid, res["secret"], unit, counter, base,
                         days_of(period), rng, seq)
    print(json.dumps({
        "province": hub(binary, db, "token", "add", "--scope", "province"),
        "unit": hub(binary, db, "token", "add", "--scope", "unit:" + SCOPE),
        "scope": SCOPE, "after": Q3, "before": JUNE,
    }))


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    fill(*sys.argv[1:4])


if __name__ == "__main__":
    main()
