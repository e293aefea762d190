#!/usr/bin/env python3
"""Checks the shapes of a soak (tests/bench/soak.sh) and writes its section
of docs/BENCHMARKS.md on stdout; exit 1 when a shape is off.

Expected shapes, from the day the kiosk is warm (day 5; day 1 in runs
shorter than 10 days) to the last:
 - the kiosk's VmRSS and VmHWM and sipas-sync's VmRSS flat: the last
   within RSS_TOLERANCE (sipas-sync: SYNC_RSS_TOLERANCE, and only in runs
   of LONG_DAYS or more: it is still warming up in the first days) of the
   warm day's, and in runs of LONG_DAYS or
   more, of the first day kiosk.db fills SQLite's page cache, and still
   over the last quarter of the run (sipas-sync: the last half): its slope (Theil-Sen, so a sample
   caught mid-upload does not tilt it) would not add RSS_TOLERANCE in a
   year (a leak keeps growing to the end; the
   allocator and SQLite's caches settle, which a 60-day run showed ending
   on day 44);
 - open files of the kiosk and of sipas-sync: the same count at every
   sample;
 - the kiosk's database linear in the responses it stored, the hub's
   linear in days (it keeps day counts): a least-squares line with
   R^2 >= R2_MIN, and, over HALVES_MIN samples or more, the bytes per
   response (per day) of the first half of the run within SLOPE_TOLERANCE
   of the second half's;
 - the kiosk's WAL bounded: its largest size in the second half no more
   than WAL_TOLERANCE above the first half's (plus a page).

  soak_fit.py --samples TSV --seed S --days D --per-day N --stored N
              --counted N --partial N --suppressed N --empty N --stops N
              --kills N --starts N --wall-s S --load "1 5 15"
"""
import argparse
import csv
import datetime
import sys

RSS_TOLERANCE = 0.10
# sipas-sync's RSS between passes moves by about 1.5 MB either way from
# one sample to the next (14.8 to 17.5 MB over the second month of the
# 60-day run): a tenth of it is that noise, not a shape
SYNC_RSS_TOLERANCE = 0.25
# sipas-sync's slope is judged over the last half of the run, not the
# last quarter: its page caches are capped at 256 KiB (app/sync/syncdb.h)
# and full within days, and its samples scatter by some 100 kB either way
# (one upload pass's pages), which over 14 samples tilts a slope by
# 5 kB/day, a tenth of its RSS a year; 30 samples halve that. A leak of a
# few kB a pass still shows: it adds every day of the half.
SYNC_TAIL_PART = 2
R2_MIN = 0.99
SLOPE_TOLERANCE = 0.20
WAL_TOLERANCE = 0.10
PAGE = 4096
# SQLite's page cache of kiosk.db (its default, 2,000 KiB) fills while the
# database grows to that size, about two weeks at 300 a day: only longer
# runs show whether memory stays still after.
LONG_DAYS = 30
PAGE_CACHE = 2000 * 1024
HALVES_MIN = 6


def fit(xs, ys):
    """Least squares y = a + b x: (a, b, r2)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0:
        return my, 0.0, 1.0
    b = sxy / sxx
    r2 = 1.0 if syy == 0 else sxy * sxy / (sxx * syy)
    return my - b * mx, b, r2


def robust_slope(xs, ys):
    """Theil-Sen: the median of the slopes between every two samples. A
    sample taken while a process is busy (a spike) moves it hardly at all,
    where it tilts a least-squares line over a short tail."""
    slopes = sorted((ys[j] - ys[i]) / (xs[j] - xs[i])
                    for i in range(len(xs)) for j in range(i + 1, len(xs))
                    if xs[j] != xs[i])
    if not slopes:
        return 0.0
    mid = len(slopes) // 2
    return slopes[mid] if len(slopes) % 2 else (slopes[mid - 1] + slopes[mid]) / 2


def halves(xs, ys):
    """Slopes (dy/dx) of the first and the second half of the run."""
    m = len(xs) // 2
    if m < 1:
        return None, None
    first = (ys[m] - ys[0]) / (xs[m] - xs[0]) if xs[m] != xs[0] else 0.0
    second = (ys[-1] - ys[m]) / (xs[-1] - xs[m]) if xs[-1] != xs[m] else first
    return first, second


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", required=True)
    for name in ("seed", "days", "per-day", "stored", "counted", "partial",
                 "suppressed", "empty", "stops", "kills", "starts", "wall-s"):
        ap.add_argument("--" + name, type=int, required=True)
    ap.add_argument("--load", default="?")
    a = ap.parse_args()
    with open(a.samples, encoding="utf-8") as f:
        rows = [{k: (int(v) if v.lstrip("-").isdigit() else None)
                 for k, v in r.items()} for r in csv.DictReader(f, delimiter="\t")]
    if len(rows) < 2:
        print("soak: fewer than two samples, no shape to check", file=sys.stderr)
        return 1
    warm_day = 5 if a.days >= 10 else 1
    warm = [r for r in rows if r["day"] >= warm_day]
    full = warm
    if a.days >= LONG_DAYS:
        full = [r for r in warm if r["kiosk_used"] >= PAGE_CACHE] or warm
    checks = []

    def check(what, ok, value):
        checks.append((what, ok, value))

    def flat(key, label, tolerance=RSS_TOLERANCE, tail_part=4):
        w0, last = full[0], full[-1]
        base, end = w0[key], last[key]
        _, slope, _ = fit([r["day"] for r in full], [r[key] for r in full])
        tail = warm[len(warm) * (tail_part - 1) // tail_part:]
        tail_slope = robust_slope([r["day"] for r in tail], [r[key] for r in tail])
        growth = (end - base) / base if base else 0.0
        check("%s flat (day %d within %d%% of day %d)" % (
            label, last["day"], tolerance * 100, w0["day"]),
            abs(growth) <= tolerance,
            "%d kB -> %d kB (%+.1f%%); slope %+.1f kB/day" % (
                base, end, growth * 100, slope))
        if a.days >= LONG_DAYS:
            year = tail_slope * 365 / end if end else 0.0
            check("%s still from day %d (its slope, over a year, within "
                  "%d%%)" % (label, tail[0]["day"], RSS_TOLERANCE * 100),
                  year <= RSS_TOLERANCE,
                  "%+.1f kB/day: %+.0f%% a year" % (tail_slope, year * 100))

    flat("rss_kb", "kiosk VmRSS")
    flat("hwm_kb", "kiosk VmHWM")
    if a.days >= LONG_DAYS:
        flat("sync_rss_kb", "sipas-sync VmRSS", SYNC_RSS_TOLERANCE,
             SYNC_TAIL_PART)
    for key, label in (("kiosk_fds", "kiosk"), ("sync_fds", "sipas-sync")):
        seen = sorted({r[key] for r in rows})
        check("%s open files equal at every sample" % label, len(seen) == 1,
              "/".join(str(s) for s in seen))

    def linear(key, xkey, label, unit, sample_rows):
        xs = [r[xkey] for r in sample_rows]
        ys = [r[key] for r in sample_rows]
        _, b, r2 = fit(xs, ys)
        f, s = halves(xs, ys)
        check("%s linear (R^2 >= %.2f)" % (label, R2_MIN), r2 >= R2_MIN,
              "%.0f B/%s, R^2 %.4f" % (b, unit, r2))
        # a day or two moves by whole pages and B-tree splits: halves are
        # judged over HALVES_MIN samples or more
        if f is not None and len(xs) >= HALVES_MIN:
            ok = f > 0 and abs(s - f) / f <= SLOPE_TOLERANCE
            check("%s B/%s stable (halves within %d%%)" % (
                label, unit, SLOPE_TOLERANCE * 100), ok,
                "%.0f then %.0f" % (f, s))
        return b

    k_slope = linear("kiosk_used", "stored", "kiosk.db", "response", warm)
    hub_rows = [r for r in warm if r["hub_counted"] is not None]
    h_slope = linear("hub_used", "day", "hub database", "day", hub_rows) \
        if len(hub_rows) >= 2 else 0.0
    m = len(warm) // 2
    wal1 = max(r["kiosk_wal"] for r in warm[:m + 1])
    wal2 = max(r["kiosk_wal"] for r in warm[m:])
    check("kiosk WAL bounded (second half within %d%% of the first)" %
          (WAL_TOLERANCE * 100), wal2 <= wal1 * (1 + WAL_TOLERANCE) + PAGE,
          "largest %d kB, then %d kB" % (wal1 // 1024, wal2 // 1024))

    ok = all(c[1] for c in checks)
    # CPU per day at the start and at the end: work per response that grew
    # with the data would show here (reported, not judged: the machine's
    # load moves it)
    fifth = max(1, len(rows) // 5)

    def per_day(key, part):
        span = part[-1]["day"] - part[0]["day"]
        return (part[-1][key] - part[0][key]) / span if span else 0.0
    cpu_line = ("CPU per virtual day, days %d-%d then %d-%d: kiosk %.0f then "
                "%.0f ms, sipas-sync %.0f then %.0f ms." % (
                    rows[0]["day"], rows[fifth]["day"], rows[-1 - fifth]["day"],
                    rows[-1]["day"], per_day("kiosk_cpu_ms", rows[:fifth + 1]),
                    per_day("kiosk_cpu_ms", rows[-1 - fifth:]),
                    per_day("sync_cpu_ms", rows[:fifth + 1]),
                    per_day("sync_cpu_ms", rows[-1 - fifth:])))
    first, end = rows[0], rows[-1]
    cpu_k = end["kiosk_cpu_ms"] / a.stored
    cpu_s = end["sync_cpu_ms"] / a.stored
    when = datetime.datetime.now(datetime.timezone.utc).strftime(
        "%Y-%m-%d %H:%M UTC")
    out = []
    out.append("## Soak: %d days of a busy counter" % a.days)
    out.append("")
    out.append("Generated by `make soak` (tests/bench/soak.sh, also run by "
               "`make bench` unless `BENCH_SOAK=0`) on %s, seed %d "
               "(`SOAK_SEED=%d make soak` replays it). Load average at the "
               "end: %s (2 cores shared with other work)." % (
                   when, a.seed, a.seed, a.load))
    out.append("")
    out.append(
        "One `sipas-kiosk --script` process, fed day by day through a FIFO, "
        "lives through %d virtual days from 2 March 2026 (virtual clock, "
        "`SIPAS_CLOCK_OFFSET_S`), %d responses a day; `sipas-sync` uploads "
        "beside it to `sipas-hub serve` on loopback. The hub was stopped %d "
        "times, killed with SIGKILL %d time(s) and started %d times, "
        "between half-days (tests/bench/soak_plan.py). Wall time %d s; CPU "
        "per stored response: kiosk %.2f ms, sipas-sync %.2f ms." % (
            a.days, a.per_day, a.stops, a.kills, a.starts, a.wall_s, cpu_k,
            cpu_s) + " " + cpu_line)
    out.append("")
    out.append(
        "Counts, exact at the end: the kiosk stored %d responses (%d kept "
        "partial after the citizen walked away, %d suppressed by the misuse "
        "rules, as the plan predicted from its own clock; %d more citizens "
        "walked away before the first answer and left nothing), and the "
        "hub's statistics count %d: every complete, unsuppressed response, "
        "equal to `sipasctl export` per unit and field, question and answer, "
        "and its element rows per day (tests/sync/check_totals.py "
        "--hub-db)." % (a.stored, a.partial, a.suppressed, a.empty,
                        a.counted))
    out.append("")
    out.append("| Check | Result | |")
    out.append("|---|---|---|")
    for what, good, value in checks:
        out.append("| %s | %s | %s |" % (what, value, "ok" if good else "**off**"))
    out.append("")
    # where each process's memory settled: the first sample of the run of
    # equal values it ends with
    def settled(key):
        i = len(rows) - 1
        while i > 0 and rows[i - 1][key] == rows[-1][key]:
            i -= 1
        return rows[i]["day"], rows[-1][key]
    k_day, k_rss = settled("rss_kb")
    second = [r["sync_rss_kb"] for r in rows[len(rows) // 2:]]
    out.append("The kiosk's VmRSS held %d kB from day %d to day %d; "
               "sipas-sync's moved between %d and %d kB from day %d." % (
                   k_rss, k_day, end["day"], min(second), max(second),
                   rows[len(rows) // 2]["day"]))
    out.append("")
    hub_line = ("the hub's database %.0f bytes per day of this one counter"
                % h_slope if len(hub_rows) >= 2 else
                "the hub was up at fewer than two samples: no line for it")
    out.append("kiosk.db grows %.0f bytes per stored response (%.1f MB a "
               "year at %d a day on 250 working days); %s." % (
                   k_slope, k_slope * a.per_day * 250 / 1e6, a.per_day,
                   hub_line))
    out.append("")
    step = max(1, len(rows) // 12)
    shown = rows[::step]
    if shown[-1] is not end:
        shown.append(end)
    out.append("| Day | Stored | Kiosk VmRSS / VmHWM kB | Open files kiosk / sync "
               "| kiosk.db used / WAL kB | Hub DB kB | Kiosk CPU s |")
    out.append("|---:|---:|---:|---:|---:|---:|---:|")
    for r in shown:
        out.append("| %d | %d | %d / %d | %d / %d | %d / %d | %d | %.1f |" % (
            r["day"], r["stored"], r["rss_kb"], r["hwm_kb"], r["kiosk_fds"],
            r["sync_fds"], r["kiosk_used"] // 1024, r["kiosk_wal"] // 1024,
            r["hub_used"] // 1024, r["kiosk_cpu_ms"] / 1000))
    out.append("")
    out.append(
        "Samples after each virtual day, with the kiosk waiting for its "
        "next step: VmRSS and VmHWM from /proc/PID/status, open files as "
        "entries of /proc/PID/fd (both, and VmRSS, the fewest of ten looks "
        "over a second: between sipas-sync's passes and the kiosk's reads "
        "of sync.db), a database's used size as page_count x "
        "page_size read beside its writer (its files lag: pages wait in "
        "the WAL until a checkpoint), the hub's once it counts what the "
        "plan expects (samples taken while it is down are left out of its "
        "line). Shapes are judged from day %d on" % warm_day +
        ("; memory from day %d, the first on which kiosk.db outgrew "
         "SQLite's default page cache (2,000 KiB), which RSS grows with "
         "until then." % full[0]["day"] if a.days >= LONG_DAYS else "."))
    print("\n".join(out))
    if not ok:
        for what, good, value in checks:
            if not good:
                print("soak: off: %s: %s" % (what, value), file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
