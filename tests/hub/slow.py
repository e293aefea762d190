#!/usr/bin/env python3
"""Slow and greedy HTTP clients against a hub on loopback; prints JSON.

slow.py attack PORT --addrs 127.0.0.2,... --per N --every S --seconds S
        --probe-from ADDR
    From each address, keeps N connections open that trickle a request
    head one byte every S seconds (reconnecting when the hub closes one),
    while GET /healthz is probed from another address every 0.25 s.
    Prints probes answered 200 within 2 seconds and not, the slowest
    probe, the most connections an address held at once for over 0.3 s,
    and how long the hub let tricklers live.
slow.py slow PORT --from ADDR --mode head|body|rate|keep
    head: a request head one byte every 0.2 s; body: a head, then a body
    of 100000 declared bytes at 20 B/s; rate: the same body at 2000 B/s;
    keep: one whole request on a kept-alive connection, then nothing.
    Prints when the hub cut it (for keep: after its answer) and the status
    it answered, if any (for keep: after the first answer).
slow.py flood PORT --from ADDR --count N [--probe-from ADDR]
    Opens N connections with half a request head each and prints how many
    the hub still holds half a second later, and whether /healthz then
    answers another address.
Loopback addresses 127.0.0.x need no setup on Linux.
"""
import argparse
import json
import select
import socket
import sys
import threading
import time

HEAD = b"GET /healthz HTTP/1.1\r\nHost: hub\r\n"


def connect(port, src, timeout=2.0):
    s = socket.socket()
    s.bind((src, 0))
    s.settimeout(timeout)
    s.connect(("127.0.0.1", port))
    return s


def is_closed(s):
    """True when the hub is done with a connection that has not sent a
    whole request: it closed it, reset it, or answered (408) before."""
    r, _, _ = select.select([s], [], [], 0)
    return bool(r)


class Attacker(threading.Thread):
    def __init__(self, port, src, per, every, stop_at):
        super().__init__(daemon=True)
        self.port, self.src, self.per = port, src, per
        self.every, self.stop_at = every, stop_at
        self.held_max = 0
        self.lives = []  # seconds the hub let each cut trickler live

    def run(self):
        socks = {}  # socket -> time it connected
        last_drip = 0.0
        while time.time() < self.stop_at:
            while len(socks) < self.per:
                try:
                    s = connect(self.port, self.src, 1.0)
                    s.setblocking(False)
                    s.send(HEAD)
                except OSError:
                    break
                socks[s] = time.time()
            now = time.time()
            for s in [s for s in socks if is_closed(s)]:
                self.lives.append(now - socks.pop(s))
                s.close()
            held = sum(1 for t in socks.values() if now - t > 0.3)
            self.held_max = max(self.held_max, held)
            if now - last_drip >= self.every:
                last_drip = now
                for s in socks:
                    try:
                        s.send(b"X")
                    except OSError:
                        pass
            time.sleep(0.02)
        for s in socks:
            s.close()


def probe(port, src):
    """Milliseconds for a 200 from /healthz, or None."""
    t = time.time()
    try:
        s = connect(port, src, 2.0)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: hub\r\n"
                  b"Connection: close\r\n\r\n")
        data = s.recv(64)
        s.close()
    except OSError:
        return None
    ms = (time.time() - t) * 1000
    return ms if data.startswith(b"HTTP/1.1 200") and ms < 2000 else None


def cmd_attack(a):
    stop_at = time.time() + a.seconds
    attackers = [Attacker(a.port, src, a.per, a.every, stop_at)
                 for src in a.addrs.split(",")]
    for t in attackers:
        t.start()
    ok, failed, slowest = 0, 0, 0.0
    time.sleep(0.5)  # the attack is in place before the first probe
    while time.time() < stop_at - 0.25:
        ms = probe(a.port, a.probe_from)
        if ms is None:
            failed += 1
        else:
            ok += 1
            slowest = max(slowest, ms)
        time.sleep(0.25)
    for t in attackers:
        t.join()
    lives = [x for t in attackers for x in t.lives]
    print(json.dumps({
        "probes_ok": ok, "probes_failed": failed,
        "probe_max_ms": round(slowest),
        "held_max": max(t.held_max for t in attackers),
        "cut": len([x for x in lives if x > 0.3]),
        "cut_max_ms": round(max(lives) * 1000) if lives else None}))


def cmd_slow(a):
    s = connect(a.port, a.src)
    t0 = time.time()
    if a.mode == "keep":
        s.sendall(HEAD + b"\r\n")
        answer = s.recv(4096)
        assert answer.startswith(b"HTTP/1.1 200"), answer
        t0 = time.time()
        todo, every, chunk = b"", 0.05, 0
    elif a.mode == "head":
        todo, every, chunk = HEAD + b"X-Pad: " + b"a" * 10000, 0.2, 1
    else:
        s.sendall(b"POST /api/v1/ingest HTTP/1.1\r\nHost: hub\r\n"
                  b"Content-Type: application/json\r\n"
                  b"Content-Length: 100000\r\n\r\n")
        todo, every = b"[" * 100000, 0.05
        chunk = 1 if a.mode == "body" else 100
    s.setblocking(False)
    got = b""
    closed = False
    while time.time() - t0 < 15 and not closed:
        try:
            while True:
                d = s.recv(4096)
                if not d:
                    closed = True
                    break
                got += d
        except BlockingIOError:
            pass
        except OSError:
            closed = True
        if not closed and todo:
            try:
                s.send(todo[:chunk])
                todo = todo[chunk:]
            except BlockingIOError:
                pass
            except OSError:
                closed = True
        time.sleep(every)
    status = None
    if got.startswith(b"HTTP/1.1 "):
        status = int(got[9:12])
    print(json.dumps({"cut_after_ms": round((time.time() - t0) * 1000)
                      if closed else None, "status": status,
                      "json": got.split(b"\r\n\r\n", 1)[-1].decode()
                      if status else None}))


def cmd_flood(a):
    socks = []
    for _ in range(a.count):
        try:
            s = connect(a.port, a.src)
            s.send(HEAD)
            socks.append(s)
        except OSError:
            pass
    time.sleep(0.5)
    held = sum(1 for s in socks if not is_closed(s))
    ms = probe(a.port, a.probe_from) if a.probe_from else None
    print(json.dumps({"held": held, "probe_ok": ms is not None}))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    at = sub.add_parser("attack")
    at.add_argument("port", type=int)
    at.add_argument("--addrs", required=True)
    at.add_argument("--per", type=int, default=40)
    at.add_argument("--every", type=float, default=0.5)
    at.add_argument("--seconds", type=float, default=5)
    at.add_argument("--probe-from", required=True)
    sl = sub.add_parser("slow")
    sl.add_argument("port", type=int)
    sl.add_argument("--from", dest="src", required=True)
    sl.add_argument("--mode", choices=["head", "body", "rate", "keep"],
                    required=True)
    fl = sub.add_parser("flood")
    fl.add_argument("port", type=int)
    fl.add_argument("--from", dest="src", required=True)
    fl.add_argument("--count", type=int, default=40)
    fl.add_argument("--probe-from")
    a = p.parse_args()
    {"attack": cmd_attack, "slow": cmd_slow, "flood": cmd_flood}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
