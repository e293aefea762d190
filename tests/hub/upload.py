#!/usr/bin/env python3
"""Writes an ingest body (docs/SYNC_PROTOCOL.md) on stdout.

upload.py INSTALL_ID SEQ DAY[,DAY...] [--complete N] [--fives N]
          [--rows R] [--unit CODE] [--counter NAME] [--officer CODE]
          [--share P] [--heartbeat]

Each day gets one response row (complete N) and answer rows: N5 fives for
the overall question, plus enough extra rows (one per officer) to reach R
rows in all, so a benchmark can send realistic sizes. With --share P
instead of the extra rows: every element's question answered by all N,
about P (0..1) of them 4 or 5 and the rest 3, so that the index is near
100 P.
"""
import argparse
import json
import sys


def day_snapshot(day, a):
    dims = {"unit": a.unit, "counter": a.counter, "officer": a.officer,
            "field": "dat-dai", "instrument": "sipas-short", "version": 1}
    responses = [dict(dims, complete=a.complete, partial=1, suppressed=0)]
    answers = [dict(dims, partial=0, question="overall", element="overall",
                    answer="5", n=a.fives)]
    if getattr(a, "share", None) is not None:
        happy = round(a.complete * a.share)
        for question in ["tiep-can", "thu-tuc", "cong-chuc", "ket-qua", "gop-y"]:
            for answer, n in (("5", happy * 2 // 3), ("4", happy - happy * 2 // 3),
                              ("3", a.complete - happy)):
                if n:
                    answers.append(dict(dims, partial=0, question=question,
                                        element=question, answer=answer, n=n))
        return {"day": day, "estimated": 0, "responses": responses,
                "answers": answers}
    i = 0
    while len(responses) + len(answers) < a.rows:
        officer = "CB%03d" % (i // 20)
        question = ["tiep-can", "thu-tuc", "cong-chuc", "ket-qua", "gop-y"][i % 5]
        answer = str(1 + (i // 5) % 4)
        answers.append(dict(dims, officer=officer, partial=0, question=question,
                            element=question, answer=answer, n=1))
        i += 1
    return {"day": day, "estimated": 0, "responses": responses,
            "answers": answers}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("install_id")
    p.add_argument("seq", type=int)
    p.add_argument("days")
    p.add_argument("--complete", type=int, default=3)
    p.add_argument("--fives", type=int, default=2)
    p.add_argument("--rows", type=int, default=2)
    p.add_argument("--unit", default="XA-MINHTAN")
    p.add_argument("--counter", default="Quầy 1")
    p.add_argument("--officer", default="CB001")
    p.add_argument("--share", type=float, default=None)
    p.add_argument("--heartbeat", action="store_true")
    a = p.parse_args()
    body = {"install_id": a.install_id,
            "upload_id": "%s:%d" % (a.install_id, a.seq),
            "upto_seq": a.seq,
            "days": [day_snapshot(d, a) for d in a.days.split(",")]}
    if a.heartbeat:
        body["heartbeat"] = {"version": "0.1.0", "uptime_s": 3600,
                             "clock_synced": True, "clock_offset_ms": -120,
                             "free_bytes": 5210000000, "integrity": "ok",
                             "pending": 0, "acked_seq": a.seq,
                             "last_response_at": 1763779000000,
                             "sent_at": 1763780000000}
    json.dump(body, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
