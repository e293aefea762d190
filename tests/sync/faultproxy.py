#!/usr/bin/env python3
"""A misbehaving network between a kiosk and its hub, for the sync tests.

Listens on 127.0.0.1 (a free port, written to --port-file) and forwards to
the hub named in --upstream-file ("HOST:PORT", read again for every
connection, so a restarted hub may come back on another port).

--mode http (default): reads each request and, per path, takes the next
action from the plan (--plan, JSON {"/api/v1/ingest": ["status:503:1",
"forward", ...], "*": [...]}; re-read when the file changes, which also
restarts the counting). Once a path's list is used up, requests are
forwarded. Actions:
  forward            pass the request to the hub, the answer back
  status:CODE[:S]    answer CODE with a JSON error, Retry-After S if given
  portal             answer 200 with an HTML login page (a captive portal)
  redirect           answer 302 to a login page (a captive portal)
  fake-ack           answer an acknowledgement without telling the hub
  wrong-ack          answer 200 {"ok": true} naming another upload
  reset-request      read half the body, then reset the connection
  reset-response     forward, send back half the answer, then reset
  delay:MS           forward, hold the answer MS milliseconds
  hold               forward the headers and half the body, create
                     --hold-file and wait until it is removed (the test
                     kills the hub meanwhile), then go on
Every request is logged (--log, one JSON object a line: path, headers,
body, action, status) so a test can replay it.

--mode tcp: copies bytes both ways; the n-th connection waits --delays[n]
milliseconds (comma list) before passing the hub's bytes back.
"""
import argparse
import json
import os
import socket
import socketserver
import struct
import threading
import time

LOCK = threading.Lock()
STATE = {"plan": {}, "mtime": None, "used": {}, "n": 0, "conns": 0}


def upstream(args):
    with open(args.upstream_file) as f:
        text = f.read().strip()
    text = text.split("://")[-1].rstrip("/")
    host, port = text.rsplit(":", 1)
    return host, int(port)


def reset(sock):
    """Close with RST instead of FIN: a connection cut mid-way."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                        struct.pack("ii", 1, 0))
    finally:
        sock.close()


def next_action(args, path):
    with LOCK:
        if args.plan and os.path.exists(args.plan):
            mtime = os.stat(args.plan).st_mtime_ns
            if mtime != STATE["mtime"]:
                with open(args.plan) as f:
                    STATE["plan"] = json.load(f)
                STATE["mtime"] = mtime
                STATE["used"] = {}
        STATE["n"] += 1
        n = STATE["n"]
        for key in (path, "*"):
            todo = STATE["plan"].get(key)
            if todo is None:
                continue
            i = STATE["used"].get(key, 0)
            if i < len(todo):
                STATE["used"][key] = i + 1
                return n, todo[i]
            return n, "forward"
        return n, "forward"


def log(args, entry):
    if not args.log:
        return
    with LOCK, open(args.log, "a") as f:
        f.write(json.dumps(entry) + "\n")


def read_head(rfile):
    line = rfile.readline(65536)
    if not line:
        return None, None
    headers = []
    while True:
        h = rfile.readline(65536)
        if h in (b"\r\n", b"\n", b""):
            break
        name, _, value = h.decode("latin-1").partition(":")
        headers.append((name.strip(), value.strip()))
    return line.decode("latin-1").rstrip("\r\n"), headers


def header(headers, name):
    for k, v in headers:
        if k.lower() == name.lower():
            return v
    return None


def answer(wfile, status, body, ctype="application/json", extra=()):
    reason = {200: "OK", 408: "Request Timeout", 429: "Too Many Requests",
              500: "Internal Server Error", 502: "Bad Gateway",
              503: "Service Unavailable", 504: "Gateway Timeout"}.get(
                  status, "Status")
    data = body.encode()
    head = ["HTTP/1.1 %d %s" % (status, reason), "Content-Type: " + ctype,
            "Content-Length: %d" % len(data), "Connection: close"]
    head += ["%s: %s" % kv for kv in extra]
    wfile.write(("\r\n".join(head) + "\r\n\r\n").encode() + data)
    wfile.flush()


def forward_raw(args, request_line, headers, body_parts, hold=None):
    """Sends the request to the hub; returns the raw answer bytes."""
    host, port = upstream(args)
    up = socket.create_connection((host, port), timeout=30)
    try:
        lines = [request_line]
        lines += ["%s: %s" % (k, v) for k, v in headers
                  if k.lower() != "connection"]
        lines.append("Connection: close")
        up.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        for i, part in enumerate(body_parts):
            if i == 1 and hold:
                hold()
            up.sendall(part)
        chunks = []
        while True:
            c = up.recv(65536)
            if not c:
                break
            chunks.append(c)
        return b"".join(chunks)
    finally:
        up.close()


def status_of(raw):
    try:
        return int(raw.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return 0


class HttpHandler(socketserver.StreamRequestHandler):
    def handle(self):
        args = self.server.args
        request_line, headers = read_head(self.rfile)
        if request_line is None:
            return
        method, path = request_line.split(" ")[:2]
        length = int(header(headers, "Content-Length") or 0)
        n, action = next_action(args, path.split("?")[0])
        entry = {"n": n, "method": method, "path": path,
                 "headers": dict(headers), "action": action}
        if action == "reset-request":
            self.rfile.read(length // 2)
            entry["status"] = 0
            log(args, entry)
            reset(self.connection)
            return
        body = self.rfile.read(length) if length else b""
        entry["body"] = body.decode("utf-8", "replace")
        kind, _, rest = action.partition(":")
        status = 0
        if kind == "status":
            code, _, after = rest.partition(":")
            status = int(code)
            extra = [("Retry-After", after)] if after else []
            answer(self.wfile, status, json.dumps(
                {"error": "injected", "message": "injected by the test"}),
                extra=extra)
        elif kind == "portal":
            status = 200
            answer(self.wfile, 200, "<html><body><form>Đăng nhập Wi-Fi"
                   "</form></body></html>", ctype="text/html")
        elif kind == "redirect":
            status = 302
            answer(self.wfile, 302, "<html><body>Moved</body></html>",
                   ctype="text/html",
                   extra=[("Location", "http://login.example.vn/")])
        elif kind in ("fake-ack", "wrong-ack"):
            status = 200
            doc = json.loads(body) if body else {}
            upload = doc.get("upload_id", "") if kind == "fake-ack" else \
                "someone-else:1"
            answer(self.wfile, 200, json.dumps(
                {"ok": True, "upload_id": upload,
                 "upto_seq": doc.get("upto_seq", 0), "days": 0,
                 "stale_days": 0, "hub_time": int(time.time() * 1000)}))
        else:
            hold = None
            parts = [body]
            if kind == "hold":
                parts = [body[:len(body) // 2], body[len(body) // 2:]]

                def hold():
                    open(args.hold_file, "w").close()
                    while os.path.exists(args.hold_file):
                        time.sleep(0.02)
            try:
                raw = forward_raw(args, request_line, headers, parts, hold)
            except OSError as e:
                entry["status"] = 0
                entry["error"] = str(e)
                log(args, entry)
                reset(self.connection)
                return
            status = status_of(raw)
            if kind == "delay":
                # Logged first: the hub has the request already, whatever
                # becomes of the held answer.
                entry["status"] = status
                log(args, entry)
                time.sleep(int(rest) / 1000.0)
                try:
                    self.wfile.write(raw)
                    self.wfile.flush()
                except OSError:
                    pass
                return
            if kind == "reset-response":
                cut = raw.find(b"\r\n\r\n") + 4
                cut += (len(raw) - cut) // 2
                entry["status"] = status
                log(args, entry)
                try:
                    self.wfile.write(raw[:cut])
                    self.wfile.flush()
                finally:
                    reset(self.connection)
                return
            try:
                self.wfile.write(raw)
                self.wfile.flush()
            except OSError:
                pass
        entry["status"] = status
        log(args, entry)


class TcpHandler(socketserver.BaseRequestHandler):
    def handle(self):
        args = self.server.args
        with LOCK:
            i = STATE["conns"]
            STATE["conns"] += 1
        delays = [int(x) for x in args.delays.split(",") if x] \
            if args.delays else []
        delay = delays[i] / 1000.0 if i < len(delays) else 0.0
        up = socket.create_connection(upstream(args), timeout=60)
        client = self.request
        done = threading.Event()

        def to_hub():
            try:
                while not done.is_set():
                    c = client.recv(65536)
                    if not c:
                        break
                    up.sendall(c)
            except OSError:
                pass

        t = threading.Thread(target=to_hub, daemon=True)
        t.start()
        start = time.time()
        try:
            while True:
                c = up.recv(65536)
                if not c:
                    break
                wait = delay - (time.time() - start)
                if wait > 0:
                    time.sleep(wait)
                client.sendall(c)
        except OSError:
            pass
        finally:
            done.set()
            up.close()


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=("http", "tcp"), default="http")
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--upstream-file", required=True)
    ap.add_argument("--plan")
    ap.add_argument("--log")
    ap.add_argument("--hold-file")
    ap.add_argument("--delays", default="")
    args = ap.parse_args()
    handler = HttpHandler if args.mode == "http" else TcpHandler
    srv = Server(("127.0.0.1", 0), handler)
    srv.args = args
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, args.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
