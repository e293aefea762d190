#!/bin/sh
# Runs inside a Debian root that has the packages installed (as root, with
# /proc, /sys and /dev mounted): checks what the packages put in place,
# starts the hub as its system user, provisions the kiosk on the first
# run, lets three citizens rate (dummy video), uploads, and writes what
# the hub and the kiosk hold to /tmp/count, /tmp/kcount and /tmp/schema.
#   inside.sh first|again
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
units="sipas-kiosk.service sipas-hub.service"
# Provisioning from the SD card came with 0.2.0.
if dpkg --compare-versions "$(dpkg-query -W -f='${Version}' sipas-kiosk)" ge 0.2.0; then
  for u in sipas-provision.service sipas-provision.timer; do
    [ -f /lib/systemd/system/$u ] || fail "no $u"
  done
  # Enabled: the first boot of a card provisions itself.
  [ -L /etc/systemd/system/multi-user.target.wants/sipas-provision.service ] ||
    fail "sipas-provision.service is not enabled"
  units="$units sipas-provision.service sipas-provision.timer"
fi
# The uploader as a package of its own: its unit and page.
if dpkg-query -W -f='${Status}' sipas-sync 2> /dev/null | grep -q 'install ok installed'; then
  [ -f /lib/systemd/system/sipas-sync.service ] || fail "no sipas-sync unit"
  [ -L /etc/systemd/system/multi-user.target.wants/sipas-sync.service ] ||
    fail "sipas-sync.service is not enabled"
  [ -f /usr/share/man/man1/sipas-sync.1.gz ] || fail "no manual page for sipas-sync"
  units="$units sipas-sync.service"
fi
(cd /lib/systemd/system && systemd-analyze verify --man=no $units) 2> /tmp/verify.err || true
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
# A test may bring its own configuration (/tmp/kiosk.json): runs minutes
# apart on one virtual day would otherwise meet the burst rule.
cfg=/etc/sipas-kiosk/kiosk.json
[ -f /tmp/kiosk.json ] && cfg=/tmp/kiosk.json
kiosk() {
  runuser -u sipas -- env SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy \
    sipas-kiosk --config "$cfg" --data /var/lib/sipas-kiosk \
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
runuser -u sipas -- sipasctl status --data /var/lib/sipas-kiosk --json |
  grep -o '"responses": *[0-9]*' | head -1 | grep -o '[0-9]*$' > /tmp/kcount
curl -fsS -o /dev/null http://127.0.0.1:18080/dashboard/ || fail "no dashboard"
kill "$hubpid"; wait "$hubpid" || true
if command -v sqlite3 > /dev/null; then
  sqlite3 /var/lib/sipas-hub/hub.db "PRAGMA user_version" > /tmp/schema
fi
