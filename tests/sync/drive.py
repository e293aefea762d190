#!/usr/bin/env python3
"""Drives a running kiosk (script mode, steps through a pipe) in real time,
so its own upload thread works while citizens rate, and measures how long
the screen takes to answer.

  drive.py --steps FILE [--max-latency-ms N] [--max-exit-ms N] -- KIOSK ARGS

The kiosk is started as `KIOSK ARGS --script - --events -`. Lines of FILE
are script steps sent one by one, or directives:
  @sleep S            wait S seconds (real time)
  @sh CMD             run CMD in a shell; it must succeed
  @until CMD [S]      keep the kiosk turning ("wait 100") until CMD succeeds
  @event KIND [S]     ... until the kiosk reports an event of KIND
A "tap start" or "tap field.*" step must be answered by a screen event
within --max-latency-ms; at the end the kiosk must exit within
--max-exit-ms of its input closing. Prints one JSON summary line.
"""
import argparse
import json
import subprocess
import sys
import threading
import time


class Kiosk:
    def __init__(self, argv):
        self.p = subprocess.Popen(argv + ["--script", "-", "--events", "-"],
                                  stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True,
                                  bufsize=1)
        self.events = []
        self.cv = threading.Condition()
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        for line in self.p.stdout:
            try:
                e = json.loads(line)
            except ValueError:
                continue
            with self.cv:
                self.events.append((time.monotonic(), e))
                self.cv.notify_all()

    def send(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()

    def wait_event(self, since, pred, timeout):
        end = time.monotonic() + timeout
        with self.cv:
            while True:
                for t, e in self.events[since:]:
                    if pred(e):
                        return t
                left = end - time.monotonic()
                if left <= 0:
                    return None
                self.cv.wait(left)


def fail(msg):
    print("drive: " + msg, file=sys.stderr)
    sys.exit(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", required=True)
    ap.add_argument("--max-latency-ms", type=float, default=300)
    ap.add_argument("--max-exit-ms", type=float, default=2000)
    ap.add_argument("kiosk", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    argv = a.kiosk[1:] if a.kiosk and a.kiosk[0] == "--" else a.kiosk
    k = Kiosk(argv)
    worst = 0.0
    for raw in open(a.steps):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if k.p.poll() is not None:
            fail("the kiosk exited early (%d) before: %s" % (k.p.returncode,
                                                            line))
        word, _, rest = line.partition(" ")
        if word == "@sleep":
            time.sleep(float(rest))
        elif word == "@sh":
            if subprocess.run(rest, shell=True).returncode != 0:
                fail("command failed: " + rest)
        elif word in ("@until", "@event"):
            parts = rest.rsplit(" ", 1)
            limit = 20.0
            if len(parts) == 2 and parts[1].replace(".", "").isdigit():
                rest, limit = parts[0], float(parts[1])
            end = time.monotonic() + limit
            while True:
                if word == "@until":
                    if subprocess.run(rest, shell=True,
                                      stderr=subprocess.DEVNULL,
                                      stdout=subprocess.DEVNULL).returncode == 0:
                        break
                elif k.wait_event(0, lambda e: e.get("event") == rest, 0):
                    break
                if time.monotonic() > end:
                    fail("gave up waiting for: " + rest)
                k.send("wait 100")
                time.sleep(0.1)
        else:
            with k.cv:
                mark = len(k.events)
            sent = time.monotonic()
            k.send(line)
            if line == "tap start" or line.startswith("tap field."):
                got = k.wait_event(mark, lambda e: e.get("event") == "screen",
                                   5.0)
                if got is None:
                    fail("no screen change after: " + line)
                worst = max(worst, (got - sent) * 1000)
    closed = time.monotonic()
    k.p.stdin.close()
    try:
        rc = k.p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        k.p.kill()
        fail("the kiosk did not exit after its input closed")
    exit_ms = (time.monotonic() - closed) * 1000
    print(json.dumps({"max_latency_ms": round(worst, 1),
                      "exit_ms": round(exit_ms, 1), "rc": rc,
                      "events": len(k.events)}))
    if rc != 0:
        fail("the kiosk failed (%d)" % rc)
    if worst > a.max_latency_ms:
        fail("the screen took %.0f ms to answer a tap" % worst)
    if exit_ms > a.max_exit_ms:
        fail("the kiosk took %.0f ms to exit" % exit_ms)


if __name__ == "__main__":
    main()
