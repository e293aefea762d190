#!/usr/bin/env bash
# sipas-tryboot, the module that passes the Pi firmware's tryboot flag
# (firmware/image/tryboot/), without an image build:
#   - it compiles warning-free (W=1, -Werror) against Debian's kernel
#     headers installed on this machine (linux-headers-amd64: there the
#     Raspberry Pi firmware calls are the header's stubs, so this catches a
#     change of the kernel's interfaces, not the Pi's behaviour);
#   - the Pi image builds it for the root's own kernel, installs it under
#     updates/, runs depmod for that version and loads it at boot, with no
#     headers or compiler left in the root and nothing in the initramfs.
# The static part runs on the tree, then on copies each broken in one way,
# each of which it must refuse.
#   tests/image/test_tryboot_module.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# ---- the build against the host's Debian kernel headers
kdir=$(ls -d /usr/src/linux-headers-*-"$(dpkg --print-architecture)" 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$kdir" ] || [ ! -f "$kdir/Makefile" ]; then
  echo "FAIL: no Debian kernel headers in /usr/src (install linux-headers-$(dpkg --print-architecture): make deps-test)"
  exit 1
fi
kver=${kdir#/usr/src/linux-headers-}
cp -r "$root/firmware/image/tryboot" "$work/m"
if ! make -C "$work/m" KDIR="$kdir" W=1 KCFLAGS=-Werror > "$work/build.log" 2>&1; then
  sed 's/^/  /' "$work/build.log"; echo "FAIL: sipas-tryboot does not build against $kdir"; exit 1
fi
if grep -i 'warning' "$work/build.log" | grep -v 'Skipping BTF'; then
  echo "FAIL: sipas-tryboot builds with warnings against $kdir"; exit 1
fi
ko=$work/m/sipas_tryboot.ko
[ -f "$ko" ] || { echo "FAIL: no sipas_tryboot.ko"; exit 1; }
# .modinfo: NUL-separated key=value strings
tr '\0' '\n' < "$ko" > "$work/strings"
for want in "license=GPL" "vermagic=$kver " "name=sipas_tryboot" "parm=armed:"; do
  grep -q "^$want" "$work/strings" || { echo "FAIL: sipas_tryboot.ko: no $want in .modinfo"; exit 1; }
done
echo "ok: sipas-tryboot builds warning-free against $kver (W=1, -Werror)"

# ---- the module's source and the image's build of it
check() { # FIRMWARE-DIR
  python3 - "$1" <<'PY'
import re, sys
img = sys.argv[1] + "/image"
bad = []
def need(cond, what):
    if not cond: bad.append(what)
def read(p): return open(p, encoding="utf-8").read()
def lines(p): return [l.strip() for l in read(p).splitlines() if l.strip() and not l.lstrip().startswith("#")]

c = read(img + "/tryboot/sipas_tryboot.c")
need(re.search(r"^MODULE_LICENSE\(\"GPL\"\);", c, re.M), "module: MODULE_LICENSE(\"GPL\") (rpi_firmware_property is GPL-only)")
need(re.search(r"#define SIPAS_FW_SET_REBOOT_FLAGS 0x00038064\b", c), "module: SET_REBOOT_FLAGS is tag 0x00038064")
need(re.search(r"#define SIPAS_FW_REBOOT_FLAG_TRYBOOT 0x1\b", c), "module: the tryboot flag is bit 0")
need("register_reboot_notifier(" in c and "unregister_reboot_notifier(" in c, "module: a reboot notifier, removed at unload")
need(re.search(r"action != SYS_RESTART\b", c) and 'has_word(cmd, "tryboot")' in c, "module: only a restart whose command has the word tryboot")
need('"raspberrypi,bcm2835-firmware"' in c and "rpi_firmware_get(" in c and "rpi_firmware_put(" in c, "module: the firmware from its node, reference put back")
need(re.search(r"return -ENODEV;", c), "module: -ENODEV without the firmware node")
need(c.count("of_node_put(") >= 2, "module: the node's reference put back")
need(re.search(r"^obj-m\s*:?=\s*sipas_tryboot\.o$", read(img + "/tryboot/Kbuild"), re.M), "Kbuild: obj-m sipas_tryboot.o")

b = read(img + "/build-image.sh")
t = read(img + "/build-tryboot.sh")
need(re.search(r'^ko=\$\("\$here/build-tryboot\.sh" "\$out" "\$r"', b, re.M), "build: builds sipas-tryboot for the root")
need(re.search(r'^install -D -m 0644 "\$ko" "\$r/lib/modules/\$kver/updates/sipas_tryboot\.ko"$', b, re.M), "build: installs it in updates/ of the root's kernel")
need(re.search(r'^chroot "\$r" /sbin/depmod "\$kver"$', b, re.M), "build: depmod for that kernel")
need(b.index("build-tryboot.sh") < b.index("depmod") < b.index("-newermt"), "build: module and depmod before the dates are set")
need(re.search(r'modules-load\.conf" "\$r/etc/modules-load\.d/sipas-tryboot\.conf"', b), "build: the Pi loads it at boot (modules-load.d)")
need(re.search(r'linux-headers-\$kver=\$kpkg', t), "build-tryboot: the headers of the root's kernel package, version pinned")
need(re.search(r'dpkg-query --admindir="\$r/var/lib/dpkg" .*linux-image-\$kver', t), "build-tryboot: the version from the root's dpkg database")
need("strip --strip-debug" in t, "build-tryboot: debug sections stripped as Debian's modules")
need(re.search(r"mmdebstrap --arch=arm64 ", t) and "$r" not in t.split("mmdebstrap", 1)[1].split("bookworm", 1)[0], "build-tryboot: a chroot of its own, not the root")
need(lines(img + "/variant/rpi4/modules-load.conf") == ["sipas_tryboot"], "rpi4: modules-load.d names sipas_tryboot")
pk = lines(img + "/packages.list")
need(not any(re.match(r"(linux-headers|linux-kbuild|gcc|build-essential|make$)", p) for p in pk), "packages.list: no headers, no compiler in the root")
need("sipas_tryboot" not in lines(img + "/modules.list"), "initramfs: sipas_tryboot not in it (loaded from the root)")
for x in bad: print("wrong:", x)
sys.exit(1 if bad else 0)
PY
}

check "$root/firmware" || { echo "FAIL: the image's build of sipas-tryboot"; exit 1; }
echo "ok: the Pi image builds, installs and loads sipas-tryboot"

# Each mutation: FILE (under firmware/) | sed expression. Every one must fail.
mutations=(
  "image/tryboot/sipas_tryboot.c|s#^MODULE_LICENSE(\"GPL\");#MODULE_LICENSE(\"Proprietary\");#"
  "image/tryboot/sipas_tryboot.c|s#SET_REBOOT_FLAGS 0x00038064#SET_REBOOT_FLAGS 0x00030064#"
  "image/tryboot/sipas_tryboot.c|s#action != SYS_RESTART#action != SYS_POWER_OFF#"
  "image/tryboot/sipas_tryboot.c|s#return -ENODEV;#return 0;#"
  "image/build-image.sh|/\/sbin\/depmod/d"
  "image/build-image.sh|s#/updates/sipas_tryboot.ko#/extra/sipas_tryboot.ko#"
  "image/build-image.sh|/modules-load.d\/sipas-tryboot.conf/d"
  "image/build-tryboot.sh|s#linux-headers-\$kver=\$kpkg#linux-headers-arm64#"
  "image/build-tryboot.sh|s#strip --strip-debug#true#"
  "image/variant/rpi4/modules-load.conf|s#^sipas_tryboot#sipas-tryboot-missing#"
  "image/packages.list|s#^linux-image-arm64#linux-image-arm64\nlinux-headers-arm64#"
  "image/modules.list|s#^ext4#ext4\nsipas_tryboot#"
)
n=0
for m in "${mutations[@]}"; do
  file=${m%%|*} expr=${m#*|}
  rm -rf "$work/fw" && cp -r "$root/firmware" "$work/fw"
  sed -i "$expr" "$work/fw/$file"
  if cmp -s "$root/firmware/$file" "$work/fw/$file"; then
    echo "FAIL: mutation changed nothing: $file: $expr"; exit 1
  fi
  if check "$work/fw" > "$work/out" 2>&1; then
    echo "FAIL: not refused: $file: $expr"; exit 1
  fi
  n=$((n + 1))
done
echo "ok: $n broken copies refused"
