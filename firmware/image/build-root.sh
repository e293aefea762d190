#!/usr/bin/env bash
# The image's root, in two cached stages under OUT/cache:
#   base-<key>.tar  Debian's packages with kernel and initramfs
#                   (build-base.sh: mmdebstrap under qemu-user, ~20 min);
#   root-<key>.tar  the base plus our .debs installed by apt, keyed on the
#                   base's name and the .debs' hashes (a minute).
#   firmware/image/build-root.sh OUT DEB...    prints the root tarball's path
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$1; shift
debs=("$@")
cache="$out/cache"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$here" log -1 --format=%ct)}
base=$("$here/build-base.sh" "$out" | tail -n 1)
base_key=$(basename "$base" .tar)

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
  # apt resolves the .debs' dependencies, all already in the base (none
  # to download), and the maintainer scripts run (system users, units).
  inside=()
  for f in "${debs[@]}"; do inside+=("/tmp/debs/$(basename "$f")"); done
  chroot "$tmp/dir" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${inside[@]}" >&2
  umount -R "$tmp/dir/proc" "$tmp/dir/dev"
  rm -rf "$tmp/dir/tmp/debs" "$tmp/dir"/var/cache/apt/*.bin
  tar -C "$tmp/dir" --sort=name --numeric-owner --xattrs \
    --mtime="@$SOURCE_DATE_EPOCH" --clamp-mtime -cf "$rootball.tmp" .
  mv "$rootball.tmp" "$rootball"
fi
echo "$rootball"
