#!/usr/bin/env bash
# sipas-tryboot (tryboot/), the module that passes the Pi firmware's
# tryboot flag, built for the kernel of an unpacked root: Debian's
# linux-headers of that very version in a throwaway arm64 chroot (never in
# the root, which gets no headers and no compiler). Both are cached in
# OUT/cache: kbuild-KEY.tar (the chroot, per kernel package version) and
# sipas-tryboot-KEY.ko (per chroot and source). Prints the module's path.
#   firmware/image/build-tryboot.sh OUT ROOT
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache="$1/cache" r=$2
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
mirror=${IMAGE_MIRROR:-http://deb.debian.org/debian}
security=${IMAGE_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$here" log -1 --format=%ct)}
export LC_ALL=C TZ=UTC

kver=$(basename "$(ls -1 "$r"/boot/vmlinuz-* | sort -V | tail -n 1)" | sed 's/^vmlinuz-//')
kpkg=$(dpkg-query --admindir="$r/var/lib/dpkg" -W -f='${Version}' "linux-image-$kver")
[ -n "$kpkg" ] || { echo "build-tryboot: no linux-image-$kver in the root" >&2; exit 1; }

# The headers of exactly the root's kernel package: its version is pinned
# (a build of an older root fails here rather than building for another
# kernel; IMAGE_MIRROR at a snapshot of the root's date finds it).
kb_key=$(printf '%s\n' "$kver" "$kpkg" "$mirror" "$security" |
  cat - "$here/build-tryboot.sh" | sha256sum | cut -c1-16)
kbuild="$cache/kbuild-$kb_key.tar"
if [ ! -f "$kbuild" ]; then
  start=$(date +%s)
  mmdebstrap --arch=arm64 --variant=minbase --mode=root \
    --include="linux-headers-$kver=$kpkg,make,kmod" \
    --aptopt='Acquire::Retries "3"' \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --customize-hook='rm -f "$1"/var/cache/apt/*.bin "$1"/var/lib/apt/lists/*_Packages' \
    bookworm "$kbuild.tmp.tar" \
    "deb $mirror bookworm main" \
    "deb $mirror bookworm-updates main" \
    "deb $security bookworm-security main" >&2
  mv "$kbuild.tmp.tar" "$kbuild"
  echo "kbuild chroot for $kver ($kpkg): $(( $(date +%s) - start )) s" >&2
fi

src=("$here"/tryboot/Kbuild "$here"/tryboot/Makefile "$here"/tryboot/*.c)
ko_key=$(cat <(echo "$kb_key") "${src[@]}" | sha256sum | cut -c1-16)
ko="$cache/sipas-tryboot-$ko_key.ko"
if [ ! -f "$ko" ]; then
  start=$(date +%s)
  tmp=$(mktemp -d "$cache/kbuild.XXXXXX")
  trap 'umount -R "$tmp/dir/proc" "$tmp/dir/dev" 2>/dev/null || true; rm -rf "$tmp"' EXIT
  mkdir "$tmp/dir"
  tar -C "$tmp/dir" -xpf "$kbuild"
  # Always the same path: the compiler records it in the debug sections
  # that go into the build id.
  m=/usr/src/sipas-tryboot
  install -d "$tmp/dir$m"
  cp "${src[@]}" "$tmp/dir$m/"
  mount -t proc proc "$tmp/dir/proc"
  mount --rbind /dev "$tmp/dir/dev"
  chroot "$tmp/dir" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C TZ=UTC \
    SOURCE_DATE_EPOCH="$SOURCE_DATE_EPOCH" KBUILD_BUILD_TIMESTAMP="@$SOURCE_DATE_EPOCH" \
    KBUILD_BUILD_USER=sipas KBUILD_BUILD_HOST=sipas \
    make -C "/usr/src/linux-headers-$kver" M="$m" KCFLAGS=-Werror modules >&2
  # As Debian's own modules (INSTALL_MOD_STRIP): no debug sections.
  chroot "$tmp/dir" strip --strip-debug "$m/sipas_tryboot.ko"
  chroot "$tmp/dir" /sbin/modinfo -F vermagic "$m/sipas_tryboot.ko" |
    sed 's/^/sipas-tryboot vermagic: /' >&2
  umount -R "$tmp/dir/proc" "$tmp/dir/dev"
  cp "$tmp/dir$m/sipas_tryboot.ko" "$ko.tmp"
  mv "$ko.tmp" "$ko"
  echo "sipas-tryboot for $kver: $(( $(date +%s) - start )) s" >&2
fi
echo "$ko"
