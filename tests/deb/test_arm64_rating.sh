#!/usr/bin/env bash
# The arm64 kiosk under qemu-aarch64 user emulation: three citizens rate
# through a script (dummy video), the arm64 sipasctl reads the database,
# and this machine's sipasctl reads the same file: the database written
# on a Pi is the one a technician's laptop reads.
#   tests/deb/test_arm64_rating.sh ARM64_BUILD [NATIVE_BUILD]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
a64=${1:-build/arm64}
native=${2:-build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
q=qemu-aarch64-static
file -b "$a64/sipas-kiosk" | grep -q aarch64 || { echo "FAIL: $a64/sipas-kiosk is not arm64"; exit 1; }
python3 "$root/tests/sync/ratings.py" 3 --seed 7 > "$work/ratings"
SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy $q "$a64/sipas-kiosk" --window 1280x800 \
  --data "$work/data" --assets "$root/assets" --script "$work/ratings" \
  --events "$work/events" --screenshots "$work/shots" 2> "$work/kiosk.err" ||
  { cat "$work/kiosk.err"; echo "FAIL: the arm64 kiosk did not finish the ratings"; exit 1; }
$q "$a64/sipasctl" status --data "$work/data" --json > "$work/a64.json"
"$root/$native/sipasctl" status --data "$work/data" --json > "$work/native.json"
python3 - "$work/a64.json" "$work/native.json" <<'PY'
import json, sys
a, n = (json.load(open(p)) for p in sys.argv[1:3])
assert a["responses"] == 3, "arm64 sipasctl counts %r responses" % a["responses"]
assert n["responses"] == a["responses"], "the two architectures disagree"
PY
echo "ok    arm64 kiosk under qemu: 3 ratings stored, read alike by arm64 and $(dpkg --print-architecture) sipasctl"
