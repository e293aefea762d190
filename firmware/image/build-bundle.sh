#!/usr/bin/env bash
# A signed RAUC bundle of one image's slots (boot files and root):
#   firmware/image/build-bundle.sh OUT BOARD [VARIANT]
# after build-image.sh made OUT/work-BOARD[-VARIANT]. Writes
# OUT/sipas-kiosk-BOARD[-VARIANT]-arm64.raucb, signed with the key of
# keys.sh (IMAGE_KEY/IMAGE_CERT or the development pair).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(cd "$1" && pwd) board=$2 variant=${3:-}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$here" log -1 --format=%ct)}
work="$out/work-$board${variant:+-$variant}"
name=sipas-kiosk-$board${variant:+-$variant}-arm64
[ -f "$work/system.ext4" ] || { echo "no image built for $board ${variant}: make image first" >&2; exit 1; }
read -r key cert < <("$here/keys.sh" "$out")
compatible=$(sed -n 's/^compatible=//p' "$here/rauc/system-$board.conf")
version=$(dpkg-parsechangelog -l "$here/../debian/changelog" -S Version)

dir="$work/bundle"
rm -rf "$dir" && mkdir -p "$dir"
ln "$work/boot.vfat" "$dir/boot.vfat"
ln "$work/system.ext4" "$dir/system.ext4"
install -m 0755 "$here/rauc/bundle-hook" "$dir/hook"
cat > "$dir/manifest.raucm" <<MANIFEST
[update]
compatible=$compatible
version=$version
build=$SOURCE_DATE_EPOCH${variant:+-$variant}

[bundle]
format=verity

[hooks]
filename=hook

[image.boot]
filename=boot.vfat
hooks=post-install

[image.rootfs]
filename=system.ext4
MANIFEST
rm -f "$out/$name.raucb"
rauc bundle --cert="$cert" --key="$key" --mksquashfs-args="-comp zstd" "$dir" "$out/$name.raucb" > "$work/bundle.log" 2>&1 ||
  { cat "$work/bundle.log"; exit 1; }
rm -rf "$dir"
echo "$out/$name.raucb: $(du -h "$out/$name.raucb" | cut -f1)"
