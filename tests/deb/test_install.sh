#!/usr/bin/env bash
# The packages on a clean Debian 12 root: mmdebstrap builds a minimal
# bookworm system from Debian's mirror, apt installs the four .deb files
# there (pulling their Depends), and inside it, as the packages' own
# system users, the hub starts, a kiosk is provisioned, a citizen rates on
# the kiosk (dummy video), sipasctl uploads, and the hub counts the rating.
# Then the packages are removed without purge and installed again: the
# hub's and the kiosk's data are still there.
#   tests/deb/test_install.sh DEBDIR      (needs root and Debian's mirror)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
debdir=$(cd "${1:-$root/build/deb}" && pwd)
arch=$(dpkg --print-architecture)
version=$(dpkg-parsechangelog -l "$root/firmware/debian/changelog" -S Version)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ "$(id -u)" = 0 ] || { echo "SKIP: installing packages into a root needs root"; exit 0; }
command -v mmdebstrap >/dev/null || { echo "FAIL: mmdebstrap missing (make deps-deb)"; exit 1; }

mkdir -p "$work/debs"
for p in sipas-kiosk sipasctl sipas-hub sipas-report; do
  cp "$debdir/${p}_${version}_${arch}.deb" "$work/debs/"
done
python3 "$root/tests/sync/ratings.py" 3 --seed 7 > "$work/ratings"

cat > "$work/inside.sh" <<'IN'
#!/bin/sh
# Runs in the new root, as root, with /proc, /sys and /dev mounted.
set -eu
fail() { echo "FAIL: $*"; exit 1; }
getent passwd sipas > /dev/null || fail "no system user sipas"
getent passwd sipas-hub > /dev/null || fail "no system user sipas-hub"
id -nG sipas | grep -qw input || fail "sipas is not in the input group"
for f in /etc/sipas-kiosk/kiosk.json /etc/default/sipas-hub; do
  dpkg-query -W -f='${Conffiles}\n' sipas-kiosk sipas-hub | grep -q " $f " ||
    fail "$f is not a conffile"
done
[ -f /lib/systemd/system/sipas-kiosk.service ] || fail "no kiosk unit"
for u in sipas-provision.service sipas-provision.timer; do
  [ -f /lib/systemd/system/$u ] || fail "no $u"
done
# Enabled: the first boot of a card provisions itself.
[ -L /etc/systemd/system/multi-user.target.wants/sipas-provision.service ] ||
  fail "sipas-provision.service is not enabled"
systemd-analyze verify --man=no /lib/systemd/system/sipas-kiosk.service \
  /lib/systemd/system/sipas-hub.service \
  /lib/systemd/system/sipas-provision.service \
  /lib/systemd/system/sipas-provision.timer 2> /tmp/verify.err || true
grep -v "^$" /tmp/verify.err | grep -iv "failed to .*bus\|offline\|not running" &&
  fail "systemd-analyze verify complains" || true
for m in sipas-kiosk sipasctl sipas-hub sipas-report; do
  [ -f /usr/share/man/man1/$m.1.gz ] || fail "no manual page for $m"
done

# What systemd's StateDirectory= does at boot.
install -d -o sipas-hub -g sipas-hub -m 0750 /var/lib/sipas-hub
install -d -o sipas -g sipas -m 0750 /var/lib/sipas-kiosk
hub() { runuser -u sipas-hub -- sipas-hub "$@" --db /var/lib/sipas-hub/hub.db; }
if [ ! -f /var/lib/sipas-hub/hub.db ]; then
  hub unit add XA-THU "Xã Thử" 2> /dev/null
  hub token add --scope province > /var/lib/sipas-hub/token 2> /dev/null
fi
runuser -u sipas-hub -- sipas-hub serve --db /var/lib/sipas-hub/hub.db \
  --listen 127.0.0.1:18080 --quiet 2> /tmp/hub.err &
hubpid=$!
i=0; until grep -q "listening on" /tmp/hub.err; do
  i=$((i + 1)); [ $i -lt 100 ] || { cat /tmp/hub.err; fail "hub did not start"; }
  sleep 0.1
done
kiosk() {
  runuser -u sipas -- env SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy \
    sipas-kiosk --config /etc/sipas-kiosk/kiosk.json --data /var/lib/sipas-kiosk \
    --window 800x480 "$@"
}
if [ "${1:-}" = first ]; then
  code=$(hub enroll-code --unit XA-THU 2> /dev/null)
  runuser -u sipas -- sipasctl provision --data /var/lib/sipas-kiosk \
    --hub http://127.0.0.1:18080 --code "$code" --counter "Quầy 1" || fail "provision"
fi
kiosk --script /tmp/ratings || fail "the kiosk did not take the ratings"
runuser -u sipas -- sipasctl sync --data /var/lib/sipas-kiosk || fail "sync"
n=$(curl -fsS -H "Authorization: Bearer $(cat /var/lib/sipas-hub/token)" \
  "http://127.0.0.1:18080/api/v1/stats?from=$(date -d '-30 days' +%F)&to=$(date -d '+30 days' +%F)" |
  grep -o '"responses":[0-9]*' | head -1 | cut -d: -f2)
echo "hub counts $n responses"
echo "$n" > /tmp/count
curl -fsS -o /dev/null http://127.0.0.1:18080/dashboard/ || fail "no dashboard"
kill "$hubpid"; wait "$hubpid" || true
IN
chmod +x "$work/inside.sh"

start=$(date +%s)
# Hooks: the packages in, a first run, removal without purge, the
# packages again, a second run that must find the first run's data.
mmdebstrap --quiet --variant=apt --include=systemd,curl,ca-certificates \
  --customize-hook="mkdir -p \$1/tmp/debs && cp $work/debs/*.deb \$1/tmp/debs/ && cp $work/ratings $work/inside.sh \$1/tmp/" \
  --customize-hook="chroot \$1 sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends /tmp/debs/*.deb > /tmp/apt.log 2>&1 || { tail -20 /tmp/apt.log; exit 1; }'" \
  --customize-hook="chroot \$1 /tmp/inside.sh first" \
  --customize-hook="cp \$1/tmp/count $work/count1" \
  --customize-hook="chroot \$1 sh -c 'apt-get remove -y -q sipas-kiosk sipasctl sipas-hub sipas-report > /dev/null'" \
  --customize-hook="chroot \$1 sh -c 'test -f /var/lib/sipas-hub/hub.db && test -f /var/lib/sipas-kiosk/kiosk.db && test -f /etc/default/sipas-hub'" \
  --customize-hook="chroot \$1 sh -c 'apt-get install -y -q --no-install-recommends /tmp/debs/*.deb > /dev/null'" \
  --customize-hook="chroot \$1 /tmp/inside.sh again" \
  --customize-hook="cp \$1/tmp/count $work/count2" \
  bookworm "$work/root.tar" > "$work/mmdebstrap.log" 2>&1 ||
  { tail -40 "$work/mmdebstrap.log"; echo "FAIL: the clean-root install"; exit 1; }
c1=$(cat "$work/count1"); c2=$(cat "$work/count2")
echo "clean bookworm root: installed, rated and uploaded in $(( $(date +%s) - start )) s; hub counted $c1, then $c2 after remove and reinstall"
# Three citizens per run; only complete responses count.
[ "$c1" -ge 1 ] || { echo "FAIL: the hub counted no rating"; exit 1; }
[ "$c2" -gt "$c1" ] || { echo "FAIL: data lost across remove and reinstall ($c1 then $c2)"; exit 1; }
echo "ok    packages install on a clean root, a rating reaches the hub, data survive removal"
