#!/usr/bin/env bash
# The appliance under emulation: the QEMU virt variant of the image's root
# (same packages, systemd-boot on each EFI boot slot) booted with UEFI,
# TCG, 2 cores, 1 GiB. On one machine, in order:
#   1. the kiosk reaches READY=1 and shows the idle screen (a screendump,
#      kept as docs/screenshots/image-qemu-idle.png), the root is read-only, the
#      journal in RAM, the watchdog armed, the slot marked good;
#      and a keyboard's VT switches, Ctrl+Alt+Del and the rest change
#      neither the picture nor the screen, nor reboot the machine;
#   2. a rating survives a hard reset (QMP system_reset right after the
#      kiosk reports it committed);
#   3. the kiosk provisions itself at its first boot from the technician's
#      file on the card's SIPASCFG partition (sipas-hub enroll-code --out,
#      the hub's private CA beside it): enrolled with the hub on the host
#      (10.0.2.2) over TLS, the file deleted, the result on the idle screen;
#   4. a broken bundle (its kiosk never ready) installs to B, boots once
#      and the machine returns to A by itself;
#   5. a good bundle installs (sipas-update, at the idle screen), boots B,
#      is marked good, and B stays after a hard reset; sipas-update then
#      neither fetches it again nor retries the rolled-back one.
#   tests/image/test_qemu.sh IMAGE-DIR BUILD-DIR DEB...   (root; ~40 min)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# One date for every image and bundle of the run, whatever is committed
# meanwhile: a bundle names the release its image carries.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct)}
out=$(mkdir -p "$1" && cd "$1" && pwd) build=$(cd "$2" && pwd)
shift 2
hub="$build/sipas-hub"
t="$out/qemu-test"
rm -rf "$t" && mkdir -p "$t"
start=$(date +%s)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
[ -x "$hub" ] || { echo "FAIL: $hub missing (make hub)"; exit 1; }

# ---- images and bundles: the machine's disk is the test image of the day
# before (an older release: sipas-update installs a release only once),
# the good bundle today's test image, the broken one a kiosk never ready
SOURCE_DATE_EPOCH=$((SOURCE_DATE_EPOCH - 86400)) \
  "$root/firmware/image/build-image.sh" "$out" qemu test "$@"
cp --sparse=always "$out/sipas-kiosk-qemu-test-arm64.img" "$t/disk.img"
for v in test broken; do
  "$root/firmware/image/build-image.sh" "$out" qemu "$v" "$@"
  "$root/firmware/image/build-bundle.sh" "$out" qemu "$v"
done
echo "images and bundles: $(( $(date +%s) - start )) s"
cp /usr/share/AAVMF/AAVMF_VARS.fd "$t/vars.fd"

# ---- the bundles over HTTP and a hub over TLS, on the host's loopback
# (QEMU's user network shows the host as 10.0.2.2)
mkdir -p "$t/www"
ln "$out/sipas-kiosk-qemu-test-arm64.raucb" "$t/www/good.raucb"
ln "$out/sipas-kiosk-qemu-broken-arm64.raucb" "$t/www/broken.raucb"
www_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server -b 127.0.0.1 -d "$t/www" "$www_port" > "$t/www.log" 2>&1 &
pids+=($!)
ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
(cd "$t" &&
  openssl req -x509 $ec -keyout ca.key -out ca.pem -days 2 -subj "/CN=Test Province CA" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign &&
  openssl req $ec -keyout hub.key -out hub.csr -subj "/CN=10.0.2.2" &&
  printf 'subjectAltName=IP:10.0.2.2\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > ext &&
  openssl x509 -req -in hub.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out hub.pem -days 2 \
    -extfile ext) 2> /dev/null
"$hub" unit add XA-MINHTAN "UBND xã Minh Tân" --db "$t/hub.db" 2> /dev/null
: > "$t/hub.log"
"$hub" serve --db "$t/hub.db" --listen 127.0.0.1:0 --tls-cert "$t/hub.pem" --tls-key "$t/hub.key" \
  2> "$t/hub.log" &
pids+=($!)
for _ in $(seq 100); do grep -q 'listening on' "$t/hub.log" && break; sleep 0.1; done
hub_port=$(sed -n 's/.*listening on https:[^ ]*:\([0-9]*\).*/\1/p' "$t/hub.log")
[ -n "$hub_port" ] || { cat "$t/hub.log"; echo "FAIL: hub did not start"; exit 1; }
# What a technician copies onto the card, written into the disk's first
# partition (SIPASCFG, FAT) as mtools would onto a card reader's.
"$hub" enroll-code --unit XA-MINHTAN --hub-url "https://10.0.2.2:$hub_port" --out "$t/card" \
  --counter "Quầy" --ca "$t/ca.pem" --db "$t/hub.db" > /dev/null
# The first GPT entry's first LBA (entries from LBA 2, 512-byte sectors).
off=$(python3 -c 'import struct,sys; f=open(sys.argv[1],"rb"); f.seek(1024+32); print(struct.unpack("<Q", f.read(8))[0] * 512)' "$t/disk.img")
MTOOLS_SKIP_CHECK=1 mcopy -i "$t/disk.img@@$off" "$t"/card/XA-MINHTAN-01/* ::/
MTOOLS_SKIP_CHECK=1 mdir -b -i "$t/disk.img@@$off" ::/ | grep -q sipas-provision.json ||
  { echo "FAIL: provisioning file not on SIPASCFG"; exit 1; }

shot="$root/docs/screenshots/image-qemu-idle.png"
export T="$t" WWW_PORT="$www_port"
python3 - "$t/steps.json" <<'PY'
import json, os, sys
e = os.environ
www = "http://10.0.2.2:%s" % e["WWW_PORT"]
# A citizen's rating through the kiosk's script mode (dummy video, the
# running kiosk's database), its events on the console.
rating = r"expect idle\ntap start\nexpect field\ntap field.xay-dung\nexpect question\n" \
    r"tap answer.5\ntap answer.4\ntap answer.5\ntap answer.4\ntap answer.5\ntap answer.5\nexpect thanks\nwait 60000\n"
rate = ("printf '%s' > /tmp/rating && runuser -u sipas -- env SDL_VIDEODRIVER=dummy "
        "SDL_AUDIODRIVER=dummy sipas-kiosk --window 800x480 --data /var/lib/sipas-kiosk "
        "--script /tmp/rating --events -\n") % rating
ready = "until systemctl is-active -q sipas-kiosk; do sleep 2; done; systemctl show -p ActiveState,SubState sipas-kiosk"
marked = ("until systemctl is-active -q sipas-mark-good || systemctl is-failed -q sipas-mark-good; "
          "do sleep 3; done; journalctl -b -u sipas-mark-good -o cat | tail -n 3")
slot = "rauc status --output-format=shell | grep -E '^RAUC_(SYSTEM_BOOTED_BOOTNAME|BOOT_PRIMARY|SLOT_[0-9]+_BOOT_STATUS)='"
count = "sipasctl export --data /var/lib/sipas-kiosk --format csv | grep -c ',xay-dung,'"
steps = [
  ["boot"],
  ["login", 900],
  # 1. provisioned from the card at the first boot, ready, idle with the
  # result's banner, read-only, journal in RAM, watchdog, marked good
  ["run", ready, 600, r"ActiveState=active"],
  ["run", "systemctl show -p Result -p ExecMainStatus sipas-provision; cat /var/lib/sipas-kiosk/provision-result.json", 60, r"ExecMainStatus=0"],
  ["run", "ls /boot/config; test -e /boot/config/sipas-provision.json || echo card-file-deleted", 60, r"card-file-deleted"],
  ["run", "sipasctl status --data /var/lib/sipas-kiosk 2>&1 | head -n 20", 60, r"provisioning\s+ok at"],
  ["run", "sleep 5; grep '\"event\":\"screen\"' /run/sipas-kiosk/events | tail -n 1", 60, r'"screen":"idle"'],
  ["screendump", e["T"] + "/idle.png"],
  # a keyboard left attached: VT switches, Ctrl+Alt+Del, Alt+F4 … leave the
  # kiosk up, on its screen, with its picture, and the machine running
  ["screendump", e["T"] + "/keys-before.ppm"],
] + [["keys", k] for k in ["ctrl-alt-f1", "alt-f4", "esc", "ctrl-c", "meta_l", "ctrl-alt-backspace"]
     + ["ctrl-alt-delete"] * 8 + ["alt-f3", "ctrl-alt-f2"]] + [
  # (the refused ctrl-alt-del.target in the journal shows the keys arrived)
  ["run", "sleep 5; cat /sys/class/tty/tty0/active; systemctl is-active sipas-kiosk; "
          "tail -n 1 /run/sipas-kiosk/events; systemctl list-units --no-legend 'autovt@*' 'getty@tty*' | wc -l; "
          "journalctl -b -o cat | grep -ci 'ctrl-alt-del'",
   60, r"^tty\d+\s+active\s+\{.*\"screen\":\"idle\"[,}].*\s+0\s+[1-9]\d*$"],
  ["screendump", e["T"] + "/keys-after.ppm"],
  ["same", e["T"] + "/keys-before.ppm", e["T"] + "/keys-after.ppm", 0.99],
  ["run", "findmnt -no FSTYPE,OPTIONS /", 30, r"^ext4\s+ro,"],
  ["run", "touch /usr/probe", 30, r"Read-only file system"],
  ["run", "findmnt -no FSTYPE,OPTIONS /data", 30, r"^ext4\s+rw,noatime.*data=ordered"],
  ["run", "findmnt -no FSTYPE /var; findmnt -no SOURCE,TARGET /var/lib/sipas-kiosk", 30, r"^tmpfs"],
  ["run", "journalctl --header | grep -m1 'File path'", 30, r"/run/log/journal"],
  ["run", "systemctl show -p RuntimeWatchdogUSec -p RebootWatchdogUSec; cat /sys/class/watchdog/watchdog0/identity", 30, r"RuntimeWatchdogUSec=10s"],
  ["run", marked, 600, r"marked good"],
  ["run", slot + "; efibootmgr", 60, r"RAUC_SYSTEM_BOOTED_BOOTNAME='system_a'"],
  ["run", "cat /proc/cmdline; systemd-analyze", 60, r"consoleblank=0"],
  # 2. a rating, a hard reset the moment it is committed, the rating kept
  ["send", rate],
  ["expect", r'"event":"committed"', 600],
  ["reset"],
  ["login", 900],
  ["run", count, 120, r"^[1-9]"],
  # 4. a broken bundle: B boots once, its kiosk is never ready, back to A
  ["run", ready, 600, r"ActiveState=active"],
  ["send", "/usr/libexec/sipas/sipas-update %s/broken.raucb\n" % www],
  ["expect", r"update [^ ]+ [^ ]+ installed: rebooting", 1200],
  ["expect", r'starting Boot\w+ "system_b"', 600],
  ["expect", r'starting Boot\w+ "system_a"', 1200],
  ["login", 900],
  ["run", slot, 60, r"RAUC_SYSTEM_BOOTED_BOOTNAME='system_a'"],
  ["run", "rauc status --detailed | sed 's/\\x1b\\[[0-9;]*m//g' | grep -A12 'rootfs.1'", 60, r"boot status:\s+bad"],
  # 5. a good bundle: installs at the idle screen, boots B, marked good,
  # B again after a hard reset
  ["run", ready, 600, r"ActiveState=active"],
  ["send", "echo %s/good.raucb > /data/update/url && /usr/libexec/sipas/sipas-update\n" % www],
  ["expect", r"update [^ ]+ [^ ]+ installed: rebooting", 1200],
  ["expect", r'starting Boot\w+ "system_b"', 600],
  ["login", 900],
  ["run", ready, 600, r"ActiveState=active"],
  ["run", marked, 600, r"marked good"],
  ["run", slot, 60, r"RAUC_BOOT_PRIMARY='rootfs.1'"],
  ["run", count, 120, r"^[1-9]"],
  ["reset"],
  ["expect", r'starting Boot\w+ "system_b"', 600],
  ["login", 900],
  ["run", slot, 60, r"RAUC_SYSTEM_BOOTED_BOOTNAME='system_b'"],
  # once installed, a release is neither fetched again nor retried
  ["run", "/usr/libexec/sipas/sipas-update; echo rc=$?", 300, r"unchanged on the server: nothing to do\s+rc=0"],
  ["run", "/usr/libexec/sipas/sipas-update %s/broken.raucb; echo rc=$?" % www, 600, r"tried and rolled back: not installing it again\s+rc=0"],
]
json.dump(steps, open(sys.argv[1], "w"), indent=1)
PY
python3 "$root/tests/image/qemu_vm.py" "$t" "$t/steps.json" | tee "$t/steps.log"
rc=${PIPESTATUS[0]}
# The hub's side of the card's enrolment: the kiosk is listed, with the
# ratings it sent (the one that survived the reset among them).
"$hub" kiosk list --db "$t/hub.db" > "$t/kiosks.txt" 2>&1 || true
cat "$t/kiosks.txt"
grep -q "XA-MINHTAN" "$t/kiosks.txt" || { echo "FAIL: the hub lists no kiosk of XA-MINHTAN"; rc=1; }
# The picture QEMU shows, not only the kiosk's word: a black frame fails.
if [ -f "$t/idle.png" ] && python3 - "$t/idle.png" <<'PNG'
import struct, sys, zlib
d = open(sys.argv[1], "rb").read(); i, idat = 8, b""
while i < len(d):
    n = struct.unpack(">I", d[i:i + 4])[0]
    if d[i + 4:i + 8] == b"IDAT": idat += d[i + 8:i + 8 + n]
    i += 12 + n
sys.exit(0 if any(zlib.decompress(idat)[1:]) else 1)
PNG
then cp "$t/idle.png" "$shot"
else echo "FAIL: the idle screen's screendump is black ($t/idle.png)"; rc=1; fi
echo "image-test: $(( $(date +%s) - start )) s in all; serial console in $t/serial.log"
[ "$rc" = 0 ] || { echo "FAIL: image-test"; exit 1; }
echo "ok: image-test"
