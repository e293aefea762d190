#!/usr/bin/env bash
# The appliance image's configuration, read from the tree (no root build,
# no emulation): fstab, the partition table, RAUC for both boards, the
# mark-good unit, journald and watchdog settings, the kernel command line,
# what a keyboard left attached can do (Ctrl+Alt+Del, power keys, SysRq,
# other consoles).
# The checks run on the tree, then on copies each broken in one way, each
# of which they must refuse: a check that cannot fail checks nothing.
#   tests/image/test_image_config.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# check FIRMWARE-DIR: prints what is wrong, fails on the first section
# with a fault.
check() {
  local fw=$1 img=$1/image
  python3 - "$fw" <<'PY' || return 1
import configparser, re, sys
fw = sys.argv[1]; img = fw + "/image"
bad = []
def need(cond, what):
    if not cond: bad.append(what)
def read(p): return open(p, encoding="utf-8").read()
def seconds(v):
    m = re.fullmatch(r"(\d+)\s*(s|sec|min|)", v.strip())
    if not m: return None
    return int(m.group(1)) * (60 if m.group(2) == "min" else 1)

# fstab: ro root, the labels build-image.sh gives, data's options, /var in RAM
tab = {}
for line in read(img + "/rootfs/etc/fstab").splitlines():
    f = line.split()
    if f and not f[0].startswith("#"): tab[f[1]] = f
build = read(img + "/build-image.sh")
need("/" in tab and tab["/"][2] == "ext4" and "ro" in tab["/"][3].split(","), "fstab: root ext4 ro")
need(tab.get("/boot/config", [""])[0] == "LABEL=SIPASCFG" and tab["/boot/config"][2] == "vfat", "fstab: SIPASCFG vfat at /boot/config")
need("mkvfat \"$work/config.vfat\" 32 SIPASCFG" in build, "build: config partition labelled SIPASCFG")
d = tab.get("/data", ["", "", "", ""])
need(d[0] == "LABEL=SIPASDATA" and d[2] == "ext4", "fstab: SIPASDATA ext4 at /data")
opts = d[3].split(",")
need("noatime" in opts and ("data=ordered" in opts or "data=journal" in opts), "fstab: data noatime, data=ordered|journal")
need(re.search(r'mkext4 "\$work/data.ext4" \d+ SIPASDATA \S+ "\$d" has_journal', build), "build: data ext4 with journal")
need(re.search(r'mkext4 "\$work/system.ext4" \d+ \S+ \S+ "\$r" \^has_journal', build), "build: root ext4 without journal")
need(tab.get("/var", [""] * 3)[2] == "tmpfs", "fstab: /var tmpfs")
for p in ("/var/lib/sipas-kiosk", "/var/lib/systemd/timesync"):
    need(p in tab and tab[p][0].startswith("/data/") and "bind" in tab[p][3], "fstab: %s bound from /data" % p)

# genimage: GPT, the order autoboot.txt and RAUC name, the FAT config first
g = read(img + "/genimage.cfg")
parts = re.findall(r"partition (\w+) \{(.*?)\n\t\}", g, re.S)
names = [n for n, _ in parts]
need(names == ["config", "boot_a", "boot_b", "system_a", "system_b", "data"], "genimage: order %s" % names)
need('partition-table-type = "gpt"' in g, "genimage: gpt")
body = dict(parts)
def size(n):
    m = re.search(r"size = (\d+)M", body.get(n, "")); return int(m.group(1)) if m else 0
need('image = "config.vfat"' in body.get("config", "") and "ebd0a0a2" in body.get("config", ""), "genimage: config first, FAT data type")
need(size("config") and size("config") <= 64, "genimage: config small")
need(size("boot_a") == size("boot_b") >= 64, "genimage: boot_a = boot_b")
need(size("system_a") == size("system_b") >= 1024, "genimage: system_a = system_b")
need(size("data") >= 256, "genimage: data size")
for n in ("boot_a", "boot_b"):
    need("c12a7328" in body.get(n, ""), "genimage: %s is an EFI system partition" % n)
need(all("partition-uuid" in b for _, b in parts) and "disk-uuid" in g, "genimage: fixed UUIDs")

# RAUC, both boards
for board, loader in (("rpi4", "custom"), ("qemu", "efi")):
    c = configparser.ConfigParser(); c.read(img + "/rauc/system-%s.conf" % board)
    s = c["system"] if c.has_section("system") else {}
    need(s.get("compatible", "").startswith("sipas-kiosk-") and board[:3] in s.get("compatible", ""), "rauc %s: compatible" % board)
    need(s.get("bootloader") == loader, "rauc %s: bootloader=%s" % (board, loader))
    need(s.get("data-directory", "").startswith("/data/"), "rauc %s: data-directory on /data" % board)
    need(s.get("mountprefix", "").startswith("/run/"), "rauc %s: mountprefix in /run (the root is read-only)" % board)
    need(c.has_section("keyring") and c["keyring"].get("path") == "/etc/rauc/keyring.pem", "rauc %s: keyring" % board)
    for i, ab in ((0, "a"), (1, "b")):
        r = c["slot.rootfs.%d" % i] if c.has_section("slot.rootfs.%d" % i) else {}
        b = c["slot.boot.%d" % i] if c.has_section("slot.boot.%d" % i) else {}
        need(r.get("device") == "/dev/disk/by-partlabel/system_" + ab and r.get("bootname") == "system_" + ab, "rauc %s: rootfs.%d" % (board, i))
        need(b.get("device") == "/dev/disk/by-partlabel/boot_" + ab and b.get("parent") == "rootfs.%d" % i, "rauc %s: boot.%d" % (board, i))
    if loader == "custom":
        h = c["handlers"] if c.has_section("handlers") else {}
        need(h.get("bootloader-custom-backend") == "/usr/libexec/sipas/rauc-tryboot", "rauc rpi4: tryboot backend")
need(read(img + "/rauc/system-rpi4.conf").count("compatible=") == 1, "rauc: one compatible")

# journald in RAM with a cap; the watchdogs within bcm2835's 15 s
j = configparser.ConfigParser(); j.read(img + "/rootfs/etc/systemd/journald.conf.d/10-sipas.conf")
need(j.get("Journal", "Storage", fallback="") == "volatile", "journald: Storage=volatile")
cap = j.get("Journal", "RuntimeMaxUse", fallback="")
need(re.fullmatch(r"\d+M", cap) and int(cap[:-1]) <= 64, "journald: RuntimeMaxUse <= 64M")
w = configparser.ConfigParser(); w.read(fw + "/system.conf.d/10-watchdog.conf")
for k in ("RuntimeWatchdogSec", "RebootWatchdogSec"):
    v = seconds(w.get("Manager", k, fallback="x"))
    need(v is not None and 0 < v <= 15, "watchdog: %s within 15 s" % k)
need(re.search(r"^dtparam=watchdog=on$", read(img + "/variant/rpi4/config.txt"), re.M), "config.txt: dtparam=watchdog=on")

# kernel command line
cl = read(img + "/cmdline.txt").split()
for t in ("consoleblank=0", "quiet", "ro", "root=PARTLABEL=system_a"):
    need(t in cl, "cmdline: " + t)
need("rauc.slot=system_a" in cl, "cmdline: rauc.slot names the slot")
need("rw" not in cl, "cmdline: no rw")
need(re.search(r"^MODULES=list$", read(img + "/initramfs/sipas.conf"), re.M), "initramfs: MODULES=list")

# mark-good: after the kiosk (Type=notify: READY=1), rauc mark-good
u = read(img + "/rootfs/etc/systemd/system/sipas-mark-good.service")
need(re.search(r"^After=.*\bsipas-kiosk\.service", u, re.M) and re.search(r"^(Wants|Requires)=.*\bsipas-kiosk\.service", u, re.M), "mark-good: after the kiosk")
need(re.search(r"^Type=notify$", read(fw + "/systemd/sipas-kiosk.service"), re.M), "kiosk: Type=notify")
mg = read(img + "/rootfs/usr/libexec/sipas/mark-good")
need("rauc status mark-good" in mg and "systemctl is-active" in mg and "mark-bad" in mg, "mark-good: marks good when ready, bad otherwise")
# a keyboard left attached: Ctrl+Alt+Del, the power keys, SysRq and the
# other consoles do nothing (README, "A keyboard left attached")
ku = read(fw + "/systemd/sipas-kiosk.service")
need(re.search(r"^StandardInput=null$", ku, re.M) and not re.search(r"^TTYPath=", ku, re.M), "kiosk: no terminal (StandardInput=null, no TTYPath=)")
# the citizen's process has no network; the uploader runs beside it
need(re.search(r"^PrivateNetwork=yes$", ku, re.M), "kiosk: PrivateNetwork=yes")
fams = re.findall(r"^RestrictAddressFamilies=(.*)$", ku, re.M)
need(len(fams) == 1 and "AF_UNIX" in fams[0].split() and not {"AF_INET", "AF_INET6", "AF_PACKET"} & set(fams[0].split()), "kiosk: RestrictAddressFamilies without AF_INET")
su = read(fw + "/systemd/sipas-sync.service")
need(re.search(r"^Type=notify$", su, re.M) and re.search(r"^WatchdogSec=", su, re.M) and re.search(r"^Restart=always$", su, re.M), "sync: Type=notify, watchdog, Restart=always")
need(re.search(r"^Wants=.*\bnetwork-online\.target", su, re.M) and re.search(r"^After=.*\bnetwork-online\.target", su, re.M), "sync: after network-online")
need(re.search(r"^User=sipas$", su, re.M) and re.search(r"^ReadWritePaths=/var/lib/sipas-kiosk$", su, re.M), "sync: the kiosk's user and data directory")
need(re.search(r'^  sipas-kiosk\.service sipas-sync\.service ', build, re.M), "build: sipas-sync.service enabled beside the kiosk")
need(re.search(r'^systemctl -q --root="\$r" mask ctrl-alt-del\.target$', build, re.M), "build: ctrl-alt-del.target masked")
need(re.search(r'^systemctl -q --root="\$r" disable getty@tty1\.service$', build, re.M), "build: no getty on tty1")
sc = configparser.ConfigParser(); sc.read(img + "/rootfs/etc/systemd/system.conf.d/20-sipas-keyboard.conf")
need(sc.get("Manager", "CtrlAltDelBurstAction", fallback="") == "none", "system.conf: CtrlAltDelBurstAction=none")
lg = configparser.ConfigParser(); lg.optionxform = str
lg.read(img + "/rootfs/etc/systemd/logind.conf.d/10-sipas-keyboard.conf")
for k in ("NAutoVTs", "ReserveVT"):
    need(lg.get("Login", k, fallback="") == "0", "logind: %s=0" % k)
for key in ("Power", "Reboot", "Suspend", "Hibernate"):
    for press in ("", "LongPress"):
        k = "Handle%sKey%s" % (key, press)
        need(lg.get("Login", k, fallback="") == "ignore", "logind: %s=ignore" % k)
sysrq = re.findall(r"^\s*kernel\.sysrq\s*=\s*(\S+)\s*$", read(img + "/rootfs/etc/sysctl.d/90-sipas-keyboard.conf"), re.M)
need(sysrq == ["0"], "sysctl: kernel.sysrq = 0")
for b in bad: print("wrong:", b)
sys.exit(1 if bad else 0)
PY
  # systemd's own reading of the units, with their programs where the
  # units name them (copied) and the fstab's /data as a stand-in mount
  local v=$work/verify
  rm -rf "$v" && mkdir -p "$v/units" "$v/bin"
  cp "$img"/rootfs/usr/libexec/sipas/* "$v/bin/"
  cp "$img"/rootfs/etc/systemd/system/sipas-*.service "$img"/rootfs/etc/systemd/system/sipas-*.timer \
    "$fw/systemd/sipas-kiosk.service" "$fw/systemd/sipas-sync.service" "$v/units/"
  sed -i "s#/usr/libexec/sipas/#$v/bin/#; s#^ExecStart=/usr/bin/sipas-\(kiosk\|sync\) #ExecStart=/bin/true #" "$v"/units/*
  printf '[Mount]\nWhat=tmpfs\nWhere=/data\nType=tmpfs\n' > "$v/units/data.mount"
  (cd "$v/units" && SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no \
      sipas-mark-good.service sipas-update.service sipas-update.timer sipas-data.service \
      sipas-sync.service) \
    > "$work/verify.log" 2>&1 || { sed 's/^/wrong: systemd-analyze: /' "$work/verify.log"; return 1; }
  ! grep -q . "$work/verify.log" || { sed 's/^/wrong: systemd-analyze: /' "$work/verify.log"; return 1; }
}

check "$root/firmware" || { echo "FAIL: the image's configuration"; exit 1; }
echo "ok: the tree's configuration"

# Each mutation: FILE (under firmware/) | sed expression. Every one must fail.
mutations=(
  "image/rootfs/etc/fstab|s#^/dev/root\(.*\)ro,noatime#/dev/root\1rw,noatime#"
  "image/rootfs/etc/fstab|s#data=ordered#data=writeback#"
  "image/rootfs/etc/fstab|s#LABEL=SIPASCFG#LABEL=BOOT#"
  "image/rootfs/etc/fstab|/^tmpfs .*\/var /d"
  "image/genimage.cfg|s#partition config {#partition configx {#"
  "image/genimage.cfg|/^\tpartition system_b {/,/^\t}/s#size = 1280M#size = 1024M#"
  "image/rauc/system-qemu.conf|s#^bootloader=efi#bootloader=uboot#"
  "image/rauc/system-rpi4.conf|s#^data-directory=.*#data-directory=/var/lib/rauc#"
  "image/rauc/system-rpi4.conf|s#bootname=system_b#bootname=system_a#"
  "image/rauc/system-qemu.conf|s#^compatible=.*#compatible=other#"
  "image/rauc/system-qemu.conf|/^mountprefix=/d"
  "image/rootfs/etc/systemd/system/sipas-mark-good.service|s#^After=sipas-kiosk.service#After=network.target#"
  "image/rootfs/etc/systemd/system/sipas-mark-good.service|s#^Type=oneshot#Type=oneshoot#"
  "image/rootfs/etc/systemd/journald.conf.d/10-sipas.conf|s#volatile#persistent#"
  "image/rootfs/etc/systemd/journald.conf.d/10-sipas.conf|s#^RuntimeMaxUse=.*#RuntimeMaxUse=512M#"
  "system.conf.d/10-watchdog.conf|s#^RuntimeWatchdogSec=.*#RuntimeWatchdogSec=30s#"
  "system.conf.d/10-watchdog.conf|s#^RebootWatchdogSec=.*#RebootWatchdogSec=10min#"
  "image/variant/rpi4/config.txt|/dtparam=watchdog=on/d"
  "image/cmdline.txt|s# consoleblank=0##"
  "image/cmdline.txt|s# ro # rw #"
  "image/cmdline.txt|s# quiet##"
  "image/initramfs/sipas.conf|s#MODULES=list#MODULES=most#"
  "systemd/sipas-kiosk.service|s#^StandardInput=null#StandardInput=tty#"
  "systemd/sipas-kiosk.service|/^PrivateNetwork=yes/d"
  "systemd/sipas-kiosk.service|s#^RestrictAddressFamilies=AF_UNIX#RestrictAddressFamilies=AF_UNIX AF_INET#"
  "systemd/sipas-sync.service|/^Wants=network-online.target/d"
  "image/build-image.sh|s# sipas-sync.service##"
  "image/build-image.sh|/mask ctrl-alt-del.target/d"
  "image/build-image.sh|/disable getty@tty1.service/d"
  "image/rootfs/etc/systemd/system.conf.d/20-sipas-keyboard.conf|s#=none#=reboot-force#"
  "image/rootfs/etc/systemd/logind.conf.d/10-sipas-keyboard.conf|s#^NAutoVTs=0#NAutoVTs=6#"
  "image/rootfs/etc/systemd/logind.conf.d/10-sipas-keyboard.conf|/^ReserveVT=0/d"
  "image/rootfs/etc/systemd/logind.conf.d/10-sipas-keyboard.conf|s#^HandlePowerKey=ignore#HandlePowerKey=poweroff#"
  "image/rootfs/etc/systemd/logind.conf.d/10-sipas-keyboard.conf|/^HandleRebootKeyLongPress=/d"
  "image/rootfs/etc/sysctl.d/90-sipas-keyboard.conf|s#^kernel.sysrq = 0#kernel.sysrq = 438#"
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
