#!/usr/bin/env bash
# One bootable disk image of the kiosk from the cached root:
#   firmware/image/build-image.sh OUT BOARD [VARIANT] DEB...
#     BOARD    rpi4 (Raspberry Pi firmware, tryboot) | qemu (QEMU virt, UEFI)
#     VARIANT  test   serial autologin on ttyAMA0 (QEMU tests only)
#              broken a kiosk that never sends READY=1 (rollback tests)
# Leaves OUT/sipas-kiosk-BOARD[-VARIANT]-arm64.img and, for bundles, the
# slot images in OUT/work-BOARD[-VARIANT]/ (boot.vfat, system.ext4).
# Everything is dated SOURCE_DATE_EPOCH (the last commit) and every UUID,
# label and volume id is fixed, so two builds of a commit match.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
fw=$(cd "$here/.." && pwd)
out=$1 board=$2 variant=${3:-}
shift 3 || shift $#
case $board in rpi4|qemu) ;; *) echo "board: rpi4 or qemu" >&2; exit 2 ;; esac
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$here" log -1 --format=%ct)}
export E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH MTOOLS_SKIP_CHECK=1 TZ=UTC
name=sipas-kiosk-$board${variant:+-$variant}-arm64
mkdir -p "$out"
out=$(cd "$out" && pwd)
work="$out/work-$board${variant:+-$variant}"
start=$(date +%s)

"$here/binfmt.sh"
read -r key cert < <("$here/keys.sh" "$out")
rootball=$("$here/build-root.sh" "$out" "$@" | tail -n 1)

rm -rf "$work"
mkdir -p "$work/root" "$work/boot" "$work/config" "$work/data"
r="$work/root"
tar -C "$r" --numeric-owner -xpf "$rootball"

# ---- the root: our files over Debian's
tar -C "$here/rootfs" --owner=0 --group=0 --mode=go-w --mtime="@$SOURCE_DATE_EPOCH" -cf - . |
  tar -C "$r" -xpf -
install -D -m 0644 "$fw/system.conf.d/10-watchdog.conf" "$r/etc/systemd/system.conf.d/10-watchdog.conf"
install -D -m 0644 "$here/rauc/system-$board.conf" "$r/etc/rauc/system.conf"
install -D -m 0644 "$cert" "$r/etc/rauc/keyring.pem"
install -D -m 0755 "$here/rauc/rauc-tryboot" "$r/usr/libexec/sipas/rauc-tryboot"
install -d "$r/boot/config" "$r/data" "$r/etc/wpa_supplicant"
# Wi-Fi: the network provisioning wrote, on the data partition.
ln -sfn /var/lib/sipas-kiosk/network/wpa_supplicant-wlan0.conf \
  "$r/etc/wpa_supplicant/wpa_supplicant-wlan0.conf"
# DNS from systemd-resolved (DHCP's servers); the root stays unwritten.
ln -sfn /run/systemd/resolve/stub-resolv.conf "$r/etc/resolv.conf"
echo sipas-kiosk > "$r/etc/hostname"
# The release this root is, as its bundle's manifest names it
# (build-bundle.sh): sipas-update installs a release only once.
printf 'VERSION=%s\nBUILD=%s\n' "$(dpkg-parsechangelog -l "$fw/debian/changelog" -S Version)" \
  "$SOURCE_DATE_EPOCH${variant:+-$variant}" > "$r/etc/sipas-release"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tsipas-kiosk\n::1\tlocalhost ip6-localhost\n' > "$r/etc/hosts"
# Empty: systemd makes a transient id at boot, sipas-data keeps it.
: > "$r/etc/machine-id"
rm -f "$r/var/lib/dbus/machine-id"
rm -rf "$r/boot/firmware"
# The kernel the slot boots, and sipas-tryboot built for it (tryboot/):
# the Pi firmware's one-shot flag on reboot "0 tryboot", which Debian's
# kernel does not pass. One root for both boards; the Pi loads it.
kver=$(basename "$(ls -1 "$r"/boot/vmlinuz-* | sort -V | tail -n 1)" | sed 's/^vmlinuz-//')
ko=$("$here/build-tryboot.sh" "$out" "$r" | tail -n 1)
install -D -m 0644 "$ko" "$r/lib/modules/$kver/updates/sipas_tryboot.ko"
chroot "$r" /sbin/depmod "$kver"
if [ "$board" = rpi4 ]; then
  install -D -m 0644 "$here/variant/rpi4/modules-load.conf" "$r/etc/modules-load.d/sipas-tryboot.conf"
fi
if [ "$board" = qemu ]; then
  install -D -m 0755 "$here/variant/qemu/sipas-efi-entries" "$r/usr/libexec/sipas/sipas-efi-entries"
  install -D -m 0644 "$here/variant/qemu/sipas-efi-entries.service" "$r/etc/systemd/system/sipas-efi-entries.service"
  systemctl -q --root="$r" enable sipas-efi-entries.service
fi
case $variant in
  test)
    # Tests only: a root shell on the serial console, nothing else.
    install -d "$r/etc/systemd/system/serial-getty@ttyAMA0.service.d"
    printf '[Service]\nExecStart=\nExecStart=-/sbin/agetty --autologin root --noclear --keep-baud 115200,57600,38400,9600 %%I $TERM\n' \
      > "$r/etc/systemd/system/serial-getty@ttyAMA0.service.d/autologin.conf"
    ;;
  broken)
    # A kiosk that starts and never becomes ready.
    printf '[Service]\nExecStart=\nExecStart=/bin/sleep infinity\nTimeoutStartSec=30\n' \
      > "$r/etc/systemd/system/sipas-kiosk.service.d/90-broken.conf"
    ;;
  '') ;;
  *) echo "variant: test or broken" >&2; exit 2 ;;
esac
systemctl -q --root="$r" enable systemd-networkd.service systemd-timesyncd.service systemd-resolved.service \
  sipas-kiosk.service sipas-sync.service sipas-mark-good.service \
  sipas-data.service sipas-update.timer
# Wi-Fi starts when a wlan0 appears (a board without one waits for nothing).
install -d "$r/etc/systemd/system/sys-subsystem-net-devices-wlan0.device.wants"
ln -sfn /lib/systemd/system/wpa_supplicant@.service \
  "$r/etc/systemd/system/sys-subsystem-net-devices-wlan0.device.wants/wpa_supplicant@wlan0.service"
# The kiosk owns the display; nothing writes /var/lib behind its back.
systemctl -q --root="$r" disable getty@tty1.service
# A keyboard's Ctrl+Alt+Del reaches PID 1 as ctrl-alt-del.target, Debian's
# reboot.target: masked, it does nothing (see README, "A keyboard").
systemctl -q --root="$r" mask ctrl-alt-del.target
systemctl -q --root="$r" mask apt-daily.timer apt-daily-upgrade.timer \
  dpkg-db-backup.timer e2scrub_all.timer e2scrub_reap.service \
  systemd-networkd-wait-online.service
# Dates: what we added is as old as the commit.
find "$r" -newermt "@$SOURCE_DATE_EPOCH" -print0 | xargs -0r touch -h -d "@$SOURCE_DATE_EPOCH"

# ---- the slot's boot files
b="$work/boot"
cmdline="$(cat "$here/cmdline.txt") $(cat "$here/variant/$board/cmdline.extra")"
if [ "$board" = rpi4 ]; then
  cp "$r"/usr/lib/raspi-firmware/*.elf "$r"/usr/lib/raspi-firmware/*.dat \
    "$r"/usr/lib/raspi-firmware/bootcode.bin "$b/"
  cp "$r"/usr/lib/linux-image-"$kver"/broadcom/bcm2711-rpi-*.dtb \
    "$r"/usr/lib/linux-image-"$kver"/broadcom/bcm2837-rpi-3-*.dtb "$b/"
  cp "$r/boot/vmlinuz-$kver" "$b/vmlinuz"
  cp "$r/boot/initrd.img-$kver" "$b/initrd.img"
  cp "$here/variant/rpi4/config.txt" "$b/config.txt"
  echo "$cmdline" > "$b/cmdline.txt"
  cp "$here/variant/rpi4/autoboot.txt" "$work/config/autoboot.txt"
else
  install -d "$b/EFI/BOOT" "$b/loader/entries"
  cp "$r/usr/lib/systemd/boot/efi/systemd-bootaa64.efi" "$b/EFI/BOOT/BOOTAA64.EFI"
  cp "$here/variant/qemu/loader.conf" "$b/loader/loader.conf"
  # systemd-boot starts the kernel's EFI stub (Debian's arm64 vmlinuz is
  # the uncompressed Image).
  cp "$r/boot/vmlinuz-$kver" "$b/Image"
  cp "$r/boot/initrd.img-$kver" "$b/initrd.img"
  printf 'title SIPAS kiosk\nlinux /Image\ninitrd /initrd.img\noptions %s\n' "$cmdline" \
    > "$b/loader/entries/sipas.conf"
fi
cat > "$work/config/README.txt" <<'TXT'
SIPAS kiosk configuration partition. Put sipas-provision.json here to
provision the kiosk at its next boot (see the technician's guide).
TXT

# ---- the data partition's first contents (owners from the root's users)
d="$work/data"
install -d -m 0755 "$d/rauc" "$d/timesync" "$d/log" "$d/update"
install -d -m 0750 "$d/sipas-kiosk" "$d/sipas-kiosk/network"
sipas_ids=$(awk -F: '$1 == "sipas" { print $3 ":" $4 }' "$r/etc/passwd")
sync_ids=$(awk -F: '$1 == "systemd-timesync" { print $3 ":" $4 }' "$r/etc/passwd")
chown -R "$sipas_ids" "$d/sipas-kiosk"
[ -z "$sync_ids" ] || chown "$sync_ids" "$d/timesync"
find "$work/boot" "$work/config" "$d" -print0 | xargs -0 touch -h -d "@$SOURCE_DATE_EPOCH"

# ---- file systems, then the partition table
mkvfat() { # IMAGE SIZE-MiB LABEL VOLUME-ID DIR
  rm -f "$1"; truncate -s "$2M" "$1"
  mkfs.vfat -n "$3" -i "$4" --invariant "$1" > /dev/null
  if [ -n "$(ls -A "$5")" ]; then mcopy -i "$1" -s -p -m -Q "$5"/* ::; fi
}
mkext4() { # IMAGE SIZE-MiB LABEL UUID DIR FEATURES
  rm -f "$1"
  mke2fs -q -t ext4 -O "$6" -L "$3" -U "$4" -E "hash_seed=$4,root_owner=0:0" \
    -d "$5" "$1" "$2M" > /dev/null
  # mke2fs -d copies each file's ctime and atime, which are the moment of
  # this build: set them to SOURCE_DATE_EPOCH, inode by inode.
  (cd "$5" && find . -mindepth 1 -printf '%P\n') |
    awk -v t="$SOURCE_DATE_EPOCH" '{ gsub(/"/, "\\\""); \
      printf "sif \"/%s\" ctime @%s\nsif \"/%s\" atime @%s\n", $0, t, $0, t }' > "$1.times"
  printf 'sif / ctime @%s\nsif / atime @%s\n' "$SOURCE_DATE_EPOCH" "$SOURCE_DATE_EPOCH" >> "$1.times"
  debugfs -w -f "$1.times" "$1" > /dev/null 2>&1
  rm -f "$1.times"
}
mkvfat "$work/config.vfat" 32 SIPASCFG 5C1A0001 "$work/config"
mkvfat "$work/boot.vfat" 128 SIPASBOOT 5C1A0002 "$work/boot"
mkext4 "$work/system.ext4" 1280 SIPASROOT 5e1a5c0d-0104-4000-8000-000000000104 "$r" ^has_journal
mkext4 "$work/data.ext4" 512 SIPASDATA 5e1a5c0d-0106-4000-8000-000000000106 "$d" has_journal
rm -rf "$work/genimage-tmp"
genimage --config "$here/genimage.cfg" --rootpath "$work/config" \
  --tmppath "$work/genimage-tmp" --inputpath "$work" --outputpath "$work" > "$work/genimage.log" 2>&1 ||
  { cat "$work/genimage.log"; exit 1; }
mv "$work/disk.img" "$out/$name.img"
rm -rf "$work/genimage-tmp"
echo "$out/$name.img: $(du -h --apparent-size "$out/$name.img" | cut -f1)" \
  "(root $(du -sh "$r" | cut -f1), $(( $(date +%s) - start )) s)"
