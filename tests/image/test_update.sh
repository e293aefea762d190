#!/usr/bin/env bash
# sipas-update's decisions, with real bundles (rauc bundle, rauc info and
# its signature check), real curl and a real HTTP server on loopback.
# Only what needs the device is recorded instead of done: `rauc install`
# (writes a slot) and `systemctl reboot`; make image-test does both.
#   tests/image/test_update.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
script="$root/firmware/image/rootfs/usr/libexec/sipas/sipas-update"
command -v rauc > /dev/null || { echo "FAIL: rauc missing (make deps-test)"; exit 1; }
t=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$t"' EXIT
fails=0
ok() { echo "ok    $1"; }
bad() { echo "FAIL  $1"; fails=$((fails + 1)); }

cd "$t"
ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
# shellcheck disable=SC2086
openssl req -x509 $ec -keyout key.pem -out cert.pem -subj "/CN=Province release key" 2> /dev/null
# shellcheck disable=SC2086
openssl req -x509 $ec -keyout other.key -out other.pem -subj "/CN=Someone else" 2> /dev/null
# bundle NAME BUILD [KEY CERT]: a signed bundle of release 0.2.0+BUILD
bundle() {
  rm -rf b && mkdir b
  head -c 200000 /dev/urandom > b/system.ext4
  printf '[update]\ncompatible=sipas-kiosk-qemu-arm64\nversion=0.2.0\nbuild=%s\n[bundle]\nformat=verity\n[image.rootfs]\nfilename=system.ext4\n' \
    "$2" > b/manifest.raucm
  rauc bundle --cert="${4:-cert.pem}" --key="${3:-key.pem}" b "$1.raucb" > /dev/null 2>&1
  rm -rf b
}
bundle a 100
bundle b 101
bundle forged 102 other.key other.pem

# The device's side: its release, its data directory, the kiosk's events;
# rauc's install and the reboot are written to calls.log.
mkdir -p bin data www
cat > bin/rauc <<RAUC
#!/bin/sh
case \$1 in
  info) shift; exec $(command -v rauc) --keyring="$t/cert.pem" info "\$@" 2> /dev/null ;;
  install) echo "install \$2" >> "$t/calls.log" ;;
  *) exit 1 ;;
esac
RAUC
printf '#!/bin/sh\necho "systemctl $*" >> "%s/calls.log"\n' "$t" > bin/systemctl
chmod +x bin/rauc bin/systemctl
printf 'VERSION=0.2.0\nBUILD=99\n' > release
printf '{"event":"screen","screen":"idle"}\n' > events

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server -b 127.0.0.1 -d www "$port" > www.log 2>&1 &
pid=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
url="http://127.0.0.1:$port/kiosk.raucb"
# offer NAME [AGE-SECONDS]: the server's bundle, dated AGE seconds ago
offer() { cp "$1.raucb" www/kiosk.raucb; touch -d "@$(( $(date +%s) - ${2:-0} ))" www/kiosk.raucb; }
run() {
  : > calls.log
  set +e
  PATH="$t/bin:$PATH" SIPAS_UPDATE_DIR="$t/data" SIPAS_EVENTS="$t/events" SIPAS_RELEASE="$t/release" \
    IDLE_WAIT=0 sh "$script" "$url" > out.log 2>&1
  rc=$?
  set -e
  gets=$(grep -c '"GET /kiosk.raucb HTTP/1.1" 200' www.log || true)
}
installs() { grep -c '^install ' calls.log || true; }

offer a 3000
run
if [ $rc = 0 ] && [ "$(installs)" = 1 ] && grep -q 'systemctl reboot' calls.log &&
   grep -q 'update 0.2.0 100 installed' out.log && [ ! -e data/bundle.raucb ]; then
  ok "a new release is fetched, installed at the idle screen and rebooted into"
else bad "new release: rc=$rc $(cat out.log calls.log)"; fi

run
if [ $rc = 0 ] && [ "$(installs)" = 0 ] && [ "$gets" = 1 ] && grep -q unchanged out.log &&
   grep -q '"GET /kiosk.raucb HTTP/1.1" 304' www.log; then
  ok "an unchanged bundle is not downloaded again (304)"
else bad "unchanged: rc=$rc gets=$gets $(cat out.log)"; fi

# The trial of 100 was rolled back: the device still runs 99. The server
# re-dates the same release (a copy, a re-upload): it is fetched but
# not installed again.
offer a 2000
run
if [ $rc = 0 ] && [ "$(installs)" = 0 ] && [ "$gets" = 2 ] && grep -q 'tried and rolled back' out.log; then
  ok "a release that was rolled back is not installed again"
else bad "rolled back: rc=$rc gets=$gets $(cat out.log calls.log)"; fi

# A citizen keeps the kiosk busy: nothing installed, exit 75, and the
# bundle is fetched again next time (its date is not kept).
offer b 1000
printf '{"event":"screen","screen":"question"}\n' >> events
run
if [ $rc = 75 ] && [ "$(installs)" = 0 ] && [ "$gets" = 3 ]; then
  ok "a busy kiosk is left alone (75)"
else bad "busy: rc=$rc gets=$gets $(cat out.log calls.log)"; fi
printf '{"event":"screen","screen":"idle"}\n' >> events
run
if [ $rc = 0 ] && [ "$(installs)" = 1 ] && [ "$gets" = 4 ] && grep -q 'update 0.2.0 101 installed' out.log; then
  ok "the bundle put off while busy is installed at the next idle run"
else bad "after busy: rc=$rc gets=$gets $(cat out.log calls.log)"; fi

# 101 booted and was kept: the same release, re-dated, is running.
printf 'VERSION=0.2.0\nBUILD=101\n' > release
offer b 500
run
if [ $rc = 0 ] && [ "$(installs)" = 0 ] && grep -q 'already running' out.log; then
  ok "the running release is not installed again"
else bad "running: rc=$rc $(cat out.log calls.log)"; fi

# A bundle signed by another key, and a truncated one: refused, nothing
# installed, nothing left on the data partition.
offer forged 100
run
f1="$rc $(installs) $(ls data | grep -c raucb || true)"
head -c 100000 a.raucb > www/kiosk.raucb
run
f2="$rc $(installs) $(ls data | grep -c raucb || true)"
if [ "$f1" = "1 0 0" ] && [ "$f2" = "1 0 0" ]; then
  ok "a bundle of another key or a truncated one is refused, nothing kept"
else bad "forged/truncated: '$f1' '$f2' $(cat out.log)"; fi

[ $fails = 0 ] || exit 1
