#!/usr/bin/env python3
"""Writes a quarter of kiosk uploads (docs/SYNC_PROTOCOL.md) for the report
test: one ingest body per kiosk and month, as a real kiosk would send them.

make_data.py OUT_DIR QUARTER KIOSK_ID...

QUARTER is "2026-Q3". KIOSK_ID are the enrolled install ids, in the order of
KIOSKS below. Writes OUT_DIR/<n>-<month>.json and OUT_DIR/expected.json (the
generator's own totals per unit: complete, partial, suppressed responses),
so the test can tell the hub lost nothing before it compares the report
with the hub. OUT_DIR/<n>-lead.json adds, after the quarter, the days just
outside it that the data cut-off of Decree 09/2019 (Art. 12) takes in or
leaves out: the 10th to the end of the month before the quarter, and the
15th of its last month even when the counters are closed that day, so a
report one day off at either end shows it. expected.json counts the
calendar quarter only.

The numbers are pseudo-random with a fixed seed: every run is the same.
Quality rises a little month by month, so the month chart has a shape; one
commune gets fewer than 30 responses (a small group); one kiosk runs the
Circular 01 survey (indicators 3, 4, 7 and a three-level overall question).
"""
import calendar
import datetime
import json
import os
import random
import sys

# unit, counter, instrument, fields, responses a working day, quality
KIOSKS = [
    ("XA-DONGPHUOC", "Quầy 1", "sipas-short",
     ["dat-dai", "tu-phap", "xay-dung", "khac"], 4, 0.86),
    ("XA-PHUTAN", "Quầy 1", "sipas-short", ["tu-phap", "dat-dai"], 0.4, 0.70),
    ("TTPVHCC", "Quầy 3", "sipas-short",
     ["dau-tu", "xay-dung", "dat-dai", "moi-truong", "lao-dong"], 6, 0.93),
    ("TTPVHCC", "Quầy 5", "c01-counter", ["dat-dai", "dau-tu"], 3, 0.80),
    ("BV-DK", "Quầy tiếp đón", "sipas-short", ["y-te"], 3, 0.88),
]
ELEMENTS = ["tiep-can", "thu-tuc", "cong-chuc", "ket-qua", "gop-y"]
REASONS = ["di-lai-nhieu-lan", "cho-lau", "thai-do", "huong-dan-kho-hieu",
           "phi-sai-quy-dinh", "tre-hen", "thu-tuc-ruom-ra",
           "noi-cho-chua-tien-nghi"]


def scale5(rng, q):
    """One answer on 1..5: satisfied (4-5) with probability q."""
    x = rng.random()
    if x < q:
        return 5 if rng.random() < 0.55 else 4
    return rng.choice([3, 3, 2, 1])


def add(table, key, n=1):
    table[key] = table.get(key, 0) + n


def one_response(rng, instrument, q, answers, field):
    """Answers of one complete response into answers[(field, question,
    element, answer)]."""
    if instrument == "c01-counter":
        level = 3 if rng.random() < q * 0.6 else (2 if rng.random() < q else 1)
        add(answers, (field, "overall", "overall", str(level)))
        for ind in ("c01-3", "c01-4", "c01-7"):
            x = rng.random()
            pts = 2 if x < q - 0.15 else (1 if x < q + 0.1 else 0)
            add(answers, (field, ind, ind, str(pts)))
        if level == 1:
            add(answers, (field, "reasons", "reasons", rng.choice(REASONS)))
        return
    overall = scale5(rng, q)
    add(answers, (field, "overall", "overall", str(overall)))
    for i, el in enumerate(ELEMENTS):
        add(answers, (field, el, el, str(scale5(rng, q - 0.04 * (i % 3)))))
    if overall <= 2:
        for code in rng.sample(REASONS, rng.choice([1, 1, 2])):
            add(answers, (field, "reasons", "reasons", code))


def day_snapshot(rng, kiosk, day, month_no):
    unit, counter, instrument, fields, rate, quality = kiosk
    q = min(0.98, quality + 0.025 * month_no)
    resp, answers, partial_answers = {}, {}, {}
    n = int(rate) + (1 if rng.random() < rate - int(rate) else 0)
    n += rng.choice([-1, 0, 0, 1]) if n > 1 else 0
    for _ in range(n):
        field = rng.choice(fields)
        r = resp.setdefault(field, [0, 0, 0])
        x = rng.random()
        if x < 0.05:
            r[1] += 1  # abandoned after the overall question
            add(partial_answers, (field, "overall", "overall",
                                  "3" if instrument != "c01-counter" else "2"))
        elif x < 0.08:
            r[2] += 1  # held back by the misuse rules: no answers sent
        else:
            r[0] += 1
            one_response(rng, instrument, q, answers, field)
    dims = {"unit": unit, "counter": counter, "officer": "CB001",
            "instrument": instrument, "version": 1}
    rows_r = [dict(dims, field=f, complete=c, partial=p, suppressed=s)
              for f, (c, p, s) in sorted(resp.items())]
    rows_a = []
    for partial, table in ((0, answers), (1, partial_answers)):
        for (f, qid, el, ans), cnt in sorted(table.items()):
            rows_a.append(dict(dims, field=f, partial=partial, question=qid,
                               element=el, answer=ans, n=cnt))
    return {"day": day.isoformat(), "estimated": 0, "responses": rows_r,
            "answers": rows_a}


def add_tie(bodies):
    """A few more reasons on the first kiosk's last day, so that one
    reason's share of all reasons chosen is a tie in hundredths of a
    percent (as 5 of 32 = 15.625%): the report must round it up."""
    count = {}
    for _, body in bodies:
        for day in body["days"]:
            for a in day["answers"]:
                if a["question"] == "reasons" and not a["partial"]:
                    add(count, a["answer"], a["n"])
    total = sum(count.values())
    for extra in range(0, 400):
        for code in REASONS:
            n, t = count.get(code, 0) + extra, total + extra
            if n and (20000 * n) % t == 0 and (20000 * n // t) % 2 == 1:
                day = next(b for name, b in bodies
                           if name.startswith("0-"))["days"][-1]
                same = [a for a in day["answers"] if a["partial"] == 0 and
                        a["question"] == "reasons" and a["answer"] == code]
                if same:
                    same[0]["n"] += extra
                elif extra:
                    row = dict(day["answers"][0])
                    row.update(question="reasons", element="reasons",
                               answer=code, n=extra, partial=0)
                    day["answers"].append(row)
                return
    sys.exit("make_data.py: no tie within reach")


def main():
    out, quarter, ids = sys.argv[1], sys.argv[2], sys.argv[3:]
    if len(ids) != len(KIOSKS):
        sys.exit("make_data.py: %d install ids needed" % len(KIOSKS))
    year, qn = int(quarter[:4]), int(quarter[-1])
    months = [3 * qn - 2, 3 * qn - 1, 3 * qn]
    os.makedirs(out, exist_ok=True)
    expected, bodies, lead = {}, [], []
    for k, (kiosk, install_id) in enumerate(zip(KIOSKS, ids)):
        rng = random.Random(1000 + k)
        seq = 0
        for mi, month in enumerate(months):
            days = []
            for d in range(1, calendar.monthrange(year, month)[1] + 1):
                day = datetime.date(year, month, d)
                # The counters open on working days; the 15th of the last
                # month always, the first day after a cut-off quarter.
                if day.weekday() < 5 or (mi == 2 and d == 15):
                    days.append(day_snapshot(rng, kiosk, day, mi))
            seq += 1000
            for day in days:
                for r in day["responses"]:
                    e = expected.setdefault(r["unit"], [0, 0, 0])
                    e[0] += r["complete"]
                    e[1] += r["partial"]
                    e[2] += r["suppressed"]
            body = {"install_id": install_id,
                    "upload_id": "%s:%d" % (install_id, seq),
                    "upto_seq": seq, "days": days}
            bodies.append(("%d-%02d.json" % (k, month), body))
        # The month before the quarter from the 10th: a report cut off on
        # the 15th (Decree 09/2019) counts its last days, a calendar one not.
        lead_year, lead_month = (year - 1, 12) if qn == 1 else (year, months[0] - 1)
        days = [day_snapshot(rng, kiosk, datetime.date(lead_year, lead_month, d), 0)
                for d in range(10, calendar.monthrange(lead_year, lead_month)[1] + 1)]
        seq += 1000
        lead.append(("%d-lead.json" % k,
                     {"install_id": install_id,
                      "upload_id": "%s:%d" % (install_id, seq),
                      "upto_seq": seq, "days": days}))
    add_tie(bodies)
    for name, body in bodies + lead:
        with open(os.path.join(out, name), "w", encoding="utf-8") as fp:
            json.dump(body, fp, ensure_ascii=False)
    with open(os.path.join(out, "expected.json"), "w", encoding="utf-8") as fp:
        json.dump(expected, fp, sort_keys=True)


if __name__ == "__main__":
    main()
