"""A hub that lies, for the kiosk side's attack tests: plain HTTP on
127.0.0.1 (a free port, written to --port-file), answering every POST with
what the JSON file --plan says: {"status": N, "body": {...}}. In the body,
the string "$INSTALL_ID" stands for the install id the request sent (an
enrollment answer must echo it) and "$UPLOAD_ID" for its upload id.
Every request is appended to --log as one JSON line."""
import argparse
import http.server
import json
import os
import sys


def fill(v, req):
    if isinstance(v, str):
        return (v.replace("$INSTALL_ID", str(req.get("install_id", "")))
                 .replace("$UPLOAD_ID", str(req.get("upload_id", ""))))
    if isinstance(v, dict):
        return {k: fill(x, req) for k, x in v.items()}
    if isinstance(v, list):
        return [fill(x, req) for x in v]
    return v


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(n)
        try:
            req = json.loads(raw)
        except ValueError:
            req = {}
        with open(self.server.args.plan) as f:
            plan = json.load(f)
        body = json.dumps(fill(plan["body"], req)).encode()
        with open(self.server.args.log, "a") as f:
            f.write(json.dumps({"path": self.path, "status": plan["status"]}) + "\n")
        self.send_response(plan["status"])
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plan", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    args = ap.parse_args()
    srv = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    srv.args = args
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, args.port_file)
    sys.stdout.flush()
    srv.serve_forever()


if __name__ == "__main__":
    main()
