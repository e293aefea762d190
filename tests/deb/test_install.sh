#!/usr/bin/env bash
# The packages on a clean Debian 12 root: mmdebstrap builds a minimal
# bookworm system from Debian's mirror, apt installs the five .deb files
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
for p in sipas-kiosk sipas-sync sipasctl sipas-hub sipas-report; do
  cp "$debdir/${p}_${version}_${arch}.deb" "$work/debs/"
done
python3 "$root/tests/sync/ratings.py" 3 --seed 7 > "$work/ratings"


start=$(date +%s)
# Hooks: the packages in, a first run, removal without purge, the
# packages again, a second run that must find the first run's data.
mmdebstrap --quiet --variant=apt --include=systemd,curl,ca-certificates \
  --customize-hook="mkdir -p \$1/tmp/debs && cp $work/debs/*.deb \$1/tmp/debs/ && cp $work/ratings $root/tests/deb/inside.sh \$1/tmp/" \
  --customize-hook="chroot \$1 sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends /tmp/debs/*.deb > /tmp/apt.log 2>&1 || { tail -20 /tmp/apt.log; exit 1; }'" \
  --customize-hook="chroot \$1 /tmp/inside.sh first" \
  --customize-hook="cp \$1/tmp/count $work/count1" \
  --customize-hook="chroot \$1 sh -c 'apt-get remove -y -q sipas-kiosk sipas-sync sipasctl sipas-hub sipas-report > /dev/null'" \
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
