#!/usr/bin/env python3
"""Plans a soak of a busy counter: one kiosk script per virtual day and the
hub's outages, all from one seed, with what each day should store.

  soak_plan.py --seed S --days D --per-day N --dir DIR

Writes DIR/day-NNN.a and DIR/day-NNN.b (the two halves of each day's
script; the hub may go down or come back between them and after the
second) and prints one line per half-day on stdout:

  DAY HALF ACTION stored complete partial soon burst empty

ACTION is none, stop, kill9 or start (done after that half ran); stored
is what the kiosk commits (complete + partial), soon and burst the
complete responses the misuse rules suppress (min interval, burst),
empty the citizens who walk away before the first answer (nothing
stored). The counts come from replaying the kiosk's default misuse rules
(config.c: 10 s minimum interval, more than 6 in 120 s is a burst) over
the script's own virtual clock: each answer's highlight lasts 250 ms and
`wait` moves the clock, every other step takes no virtual time. Every
gap is built at least a second away from a rule's threshold, so this
count and the kiosk's judgement agree whatever rounding the kiosk does.

Citizens: most rate the whole survey (reasons after a low answer, some
questions skipped) with 20-100 s between them; some walk away after one
to three answers (kept partial); some walk away on the field screen;
some start right after the previous one's thanks (suppressed, too soon);
once a day or so seven rate in a quick line (the seventh is a burst).
The day starts at 07:30 and the script waits for the next morning.
"""
import argparse
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "sync"))
from ratings import citizen  # noqa: E402  (the same citizens as the sync tests)

FIELDS = ["dat-dai", "xay-dung", "dau-tu", "tu-phap", "khac"]
DAY_MS = 86400000
HIGHLIGHT_MS = 250
MIN_INTERVAL_MS = 10000
BURST_COUNT = 6
BURST_WINDOW_MS = 120000
BURST_LINE = BURST_COUNT + 1


class Clock:
    """The script's virtual clock and the misuse rules over it."""

    def __init__(self):
        self.ms = 0
        self.history = []  # accepted finish times

    def run(self, lines):
        for line in lines:
            if line.startswith("tap answer."):
                self.ms += HIGHLIGHT_MS
            elif line.startswith("wait "):
                self.ms += int(line.split()[1])

    def judge(self, finished):
        if self.history and finished - self.history[-1] < MIN_INTERVAL_MS:
            return "soon"
        since = finished - BURST_WINDOW_MS
        if sum(1 for t in self.history if t >= since) >= BURST_COUNT:
            return "burst"
        self.history.append(finished)
        return "ok"


def one(rng, clock, out, counts, kind):
    """One citizen of KIND (full, walk, empty); returns the verdict."""
    lines = []
    if kind == "empty":
        lines = ["tap start", "tap field.%s" % rng.choice(FIELDS),
                 "wait 31000", "expect idle"]
        clock.run(lines)
        out.extend(lines)
        counts["empty"] += 1
        return "none"
    citizen(rng, FIELDS, lines, kind == "walk")
    # the response ends with the last answer (before thanks or the wait)
    body = [l for l in lines if not l.startswith(("wait ", "expect "))]
    clock.run(body)
    finished = clock.ms
    clock.run(lines[len(body):])
    out.extend(lines)
    counts["stored"] += 1
    if kind == "walk":
        counts["partial"] += 1
        return "none"
    counts["complete"] += 1
    verdict = clock.judge(finished)
    if verdict != "ok":
        counts[verdict] += 1
    return verdict


def day_script(rng, per_day):
    """Returns (halves, counts of each half) of one day."""
    clock = Clock()
    halves = [[], []]
    counts = [dict.fromkeys(("stored", "complete", "partial", "soon",
                             "burst", "empty"), 0) for _ in halves]
    burst_at = rng.randrange(per_day // 4, per_day * 3 // 4)
    n = 0
    last = "none"
    while n < per_day:
        h = 0 if n < per_day // 2 else 1
        out, c = halves[h], counts[h]
        if n == burst_at and per_day - n >= BURST_LINE:
            # a line of seven: clear the window first and after
            out.append("wait 125000")
            clock.run(["wait 125000"])
            for _ in range(BURST_LINE):
                one(rng, clock, out, c, "full")
                out.append("wait 5000")
                clock.run(["wait 5000"])
            n += BURST_LINE
            out.append("wait 125000")
            clock.run(["wait 125000"])
            last = "none"
            continue
        r = rng.random()
        if r < 0.03:
            one(rng, clock, out, c, "empty")
            continue
        if r < 0.10:
            kind = "walk"
        elif r < 0.16 and last == "ok":
            kind = "quick"
        else:
            kind = "full"
        if kind != "quick":
            gap = "wait %d" % rng.randint(20000, 100000)
            out.append(gap)
            clock.run([gap])
        last = one(rng, clock, out, c, "full" if kind == "quick" else kind)
        n += 1
    left = DAY_MS - clock.ms % DAY_MS
    halves[1].append("expect idle")
    halves[1].append("wait %d" % left)
    return halves, counts, clock.ms


def hub_plan(rng, slots):
    """Action after each half-day: the hub killed once (SIGKILL), stopped
    at other times, and up at the end."""
    acts = ["none"] * slots
    kill = rng.randrange(0, max(1, slots // 3))
    acts[kill] = "kill9"
    up = True
    for s in range(slots):
        if s == kill:
            up = False
            continue
        if not up:
            if s == kill + 1 or rng.random() < 0.4:
                acts[s] = "start"
                up = True
        elif s > kill + 1 and s < slots - 1 and rng.random() < 0.12:
            acts[s] = "stop"
            up = False
    if acts.count("stop") < 2:
        # at least two clean stops: each at a slot where the hub is up
        for s in (slots // 2, slots * 3 // 4):
            if s > kill + 1 and s + 1 < slots and acts[s] == acts[s + 1] == "none":
                if hub_up_at(acts, s):
                    acts[s], acts[s + 1] = "stop", "start"
    if not hub_up_at(acts, slots):
        acts[slots - 1] = "start"
    return acts


def hub_up_at(acts, s):
    """Whether the hub is up before the action of slot s."""
    up = True
    for a in acts[:s]:
        if a in ("stop", "kill9"):
            up = False
        elif a == "start":
            up = True
    return up


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--days", type=int, required=True)
    ap.add_argument("--per-day", type=int, default=300)
    ap.add_argument("--dir", required=True)
    a = ap.parse_args()
    if a.per_day < 2 * BURST_LINE or a.days < 1:
        ap.error("at least one day of %d citizens" % (2 * BURST_LINE))
    rng = random.Random(a.seed)
    acts = hub_plan(rng, 2 * a.days)
    for d in range(1, a.days + 1):
        halves, counts, _ = day_script(rng, a.per_day)
        for h, name in enumerate("ab"):
            with open(os.path.join(a.dir, "day-%03d.%s" % (d, name)), "w") as f:
                f.write("\n".join(halves[h]) + "\n")
            c = counts[h]
            print(d, name, acts[2 * (d - 1) + h], c["stored"], c["complete"],
                  c["partial"], c["soon"], c["burst"], c["empty"])


if __name__ == "__main__":
    main()
