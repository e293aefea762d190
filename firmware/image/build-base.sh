#!/usr/bin/env bash
# Stage 1 of the image's root: Debian's packages with kernel and initramfs
# (mmdebstrap, arm64 under qemu-user: the slow part), cached as
# OUT/cache/base-KEY.tar, KEY hashing packages.list, the initramfs files
# and this script. Prints the tarball's path.
#   firmware/image/build-base.sh OUT
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache="$1/cache"
mkdir -p "$cache"
mirror=${IMAGE_MIRROR:-http://deb.debian.org/debian}
security=${IMAGE_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$here" log -1 --format=%ct)}

base_key=$(cat "$here/packages.list" "$here/modules.list" "$here"/initramfs/* \
  "$here/build-base.sh" | sha256sum | cut -c1-16)
base="$cache/base-$base_key.tar"
if [ ! -f "$base" ]; then
  pkgs=$(grep -v '^#' "$here/packages.list" | paste -sd, -)
  start=$(date +%s)
  # The initramfs settings go in before any package, so the kernel's
  # installation builds the one initramfs the image keeps.
  mmdebstrap --arch=arm64 --variant=minbase --mode=root \
    --components="main non-free-firmware" --include="$pkgs" \
    --aptopt='Acquire::Retries "3"' \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --setup-hook='mkdir -p "$1/etc/initramfs-tools/conf.d" "$1/etc/initramfs-tools/hooks"' \
    --setup-hook="upload $here/initramfs/sipas.conf /etc/initramfs-tools/conf.d/sipas.conf" \
    --setup-hook="upload $here/initramfs/sipas-modules /etc/initramfs-tools/hooks/sipas-modules" \
    --setup-hook="upload $here/modules.list /etc/initramfs-tools/sipas-modules.list" \
    --setup-hook='chmod 0755 "$1/etc/initramfs-tools/hooks/sipas-modules"' \
    --customize-hook='rm -f "$1"/var/cache/apt/*.bin "$1"/var/lib/apt/lists/*_Packages' \
    --customize-hook='ln -sfn /run/systemd/resolve/stub-resolv.conf "$1/etc/resolv.conf"' \
    bookworm "$base.tmp.tar" \
    "deb $mirror bookworm main non-free-firmware" \
    "deb $mirror bookworm-updates main non-free-firmware" \
    "deb $security bookworm-security main non-free-firmware" >&2
  mv "$base.tmp.tar" "$base"
  echo "base root: $(( $(date +%s) - start )) s, $(du -h "$base" | cut -f1)" >&2
fi

echo "$base"
