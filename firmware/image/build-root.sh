#!/usr/bin/env bash
# The image's root, in two cached stages under OUT/cache:
#   base-<key>.tar  Debian's packages with kernel and initramfs (mmdebstrap,
#                   arm64 under qemu-user: the slow part, ~25 min), keyed on
#                   packages.list, the initramfs files and this script;
#   root-<key>.tar  the base plus our .debs installed by apt, keyed on the
#                   base's key and the .debs' hashes (a minute).
#   firmware/image/build-root.sh OUT DEB...    prints the root tarball's path
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$1; shift
debs=("$@")
cache="$out/cache"
mkdir -p "$cache"
mirror=${IMAGE_MIRROR:-http://deb.debian.org/debian}
security=${IMAGE_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$here" log -1 --format=%ct)}

base_key=$(cat "$here/packages.list" "$here/modules.list" "$here"/initramfs/* \
  "$here/build-root.sh" | sha256sum | cut -c1-16)
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

# No .debs: the base only (started early, while the packages build).
[ ${#debs[@]} -gt 0 ] || { echo "$base"; exit 0; }
root_key=$(
  echo "$base_key"
  sha256sum "${debs[@]}" | cut -d' ' -f1
)
root_key=$(echo "$root_key" | sha256sum | cut -c1-16)
rootball="$cache/root-$root_key.tar"
if [ ! -f "$rootball" ]; then
  tmp=$(mktemp -d "$cache/root.XXXXXX")
  trap 'umount -R "$tmp/dir/proc" "$tmp/dir/dev" 2>/dev/null || true; rm -rf "$tmp"' EXIT
  mkdir "$tmp/dir"
  tar -C "$tmp/dir" -xpf "$base"
  mkdir -p "$tmp/dir/tmp/debs"
  cp "${debs[@]}" "$tmp/dir/tmp/debs/"
  mount -t proc proc "$tmp/dir/proc"
  mount --rbind /dev "$tmp/dir/dev"
  # apt resolves the .debs' dependencies, all already in the base: no
  # download, and the maintainer scripts run (system users, units).
  chroot "$tmp/dir" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends --no-download /tmp/debs/*.deb >&2
  umount -R "$tmp/dir/proc" "$tmp/dir/dev"
  rm -rf "$tmp/dir/tmp/debs" "$tmp/dir"/var/cache/apt/*.bin
  tar -C "$tmp/dir" --sort=name --numeric-owner --xattrs \
    --mtime="@$SOURCE_DATE_EPOCH" --clamp-mtime -cf "$rootball.tmp" .
  mv "$rootball.tmp" "$rootball"
fi
echo "$rootball"
