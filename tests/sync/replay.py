#!/usr/bin/env python3
"""Sends uploads recorded by faultproxy.py to the hub again, as a
misbehaving network or a stuck retry would: the same upload many times,
or all of them in reverse order.

  replay.py --log proxy.log --hub URL [--action fake-ack] [--last]
            [--times N] [--reverse] [--shuffle SEED]

Exit 0 when the hub answered every one with its acknowledgement.
"""
import argparse
import json
import random
import sys
import urllib.error
import urllib.request


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--hub", required=True)
    ap.add_argument("--action", help="only requests the proxy handled so")
    ap.add_argument("--last", action="store_true", help="only the last one")
    ap.add_argument("--times", type=int, default=1)
    ap.add_argument("--reverse", action="store_true")
    ap.add_argument("--shuffle", type=int)
    a = ap.parse_args()
    ups = []
    for line in open(a.log):
        e = json.loads(line)
        if e["path"] != "/api/v1/ingest" or "body" not in e:
            continue
        if a.action and e["action"] != a.action:
            continue
        ups.append(e)
    if a.last:
        ups = ups[-1:]
    if a.reverse:
        ups.reverse()
    if a.shuffle is not None:
        random.Random(a.shuffle).shuffle(ups)
    if not ups:
        sys.exit("no recorded uploads to replay")
    sent = 0
    for e in ups:
        for _ in range(a.times):
            h = {k: v for k, v in e["headers"].items()
                 if k.lower() in ("authorization", "x-sipas-kiosk",
                                  "content-type")}
            req = urllib.request.Request(
                a.hub.rstrip("/") + "/api/v1/ingest",
                data=e["body"].encode("utf-8"), headers=h, method="POST")
            try:
                with urllib.request.urlopen(req, timeout=10) as r:
                    doc = json.load(r)
            except urllib.error.HTTPError as err:
                sys.exit("replay %d: HTTP %d %s" % (sent, err.code,
                                                    err.read()[:200]))
            body = json.loads(e["body"])
            if not doc.get("ok") or doc.get("upload_id") != body["upload_id"]:
                sys.exit("replay %d: not acknowledged: %s" % (sent, doc))
            sent += 1
    print("replayed %d uploads (%d distinct), all acknowledged" %
          (sent, len(ups)))


if __name__ == "__main__":
    main()
