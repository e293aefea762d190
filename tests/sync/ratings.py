#!/usr/bin/env python3
"""Prints a kiosk script of N citizens rating through the default short
survey, varied but repeatable (--seed): fields, scale answers, skipped
element questions, reasons after a low answer; every --partial-every-th
citizen walks away (kept as partial) and every --quick-every-th rates too
soon after the previous one (kept, suppressed by the misuse rules).

  ratings.py N [--seed S] [--partial-every K] [--quick-every K]
             [--fields a,b,c]
"""
import argparse
import random

QUESTIONS = ["overall", "tiep-can", "thu-tuc", "cong-chuc", "ket-qua", "gop-y"]
REASONS = ["di-lai-nhieu-lan", "cho-lau", "thai-do", "huong-dan-kho-hieu",
           "tre-hen"]


def citizen(rng, fields, out, walk_away):
    out.append("tap start")
    out.append("tap field.%s" % rng.choice(fields))
    asked_reasons = False
    stop_after = rng.randint(1, 3) if walk_away else len(QUESTIONS)
    for i, q in enumerate(QUESTIONS[:stop_after]):
        if i > 0 and rng.random() < 0.15:
            out.append("tap skip")
            continue
        v = rng.choice([1, 2, 3, 4, 4, 5, 5, 5])
        out.append("tap answer.%d" % v)
        if v <= 2 and not asked_reasons:
            asked_reasons = True
            for r in rng.sample(REASONS, rng.randint(1, 2)):
                out.append("tap reason.%s" % r)
            out.append("tap next")
    if walk_away:
        out.append("wait 31000")  # the inactivity timeout keeps it partial
    else:
        out.append("expect thanks")
        out.append("wait 6000")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--partial-every", type=int, default=0)
    ap.add_argument("--quick-every", type=int, default=0)
    ap.add_argument("--fields", default="dat-dai,xay-dung,dau-tu,tu-phap,khac")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    fields = a.fields.split(",")
    out = []
    for i in range(a.n):
        walk = a.partial_every and i % a.partial_every == a.partial_every - 1
        citizen(rng, fields, out, walk)
        quick = a.quick_every and i % a.quick_every == a.quick_every - 1
        if not quick:
            out.append("wait 11000")  # past the misuse rules' interval
    out.append("expect idle")
    print("\n".join(out))


if __name__ == "__main__":
    main()
