#!/usr/bin/env bash
# Builds the Debian packages (sipas-kiosk, sipas-sync, sipasctl, sipas-hub,
# sipas-report) from the files git knows in this tree, then runs lintian.
#   firmware/build-deb.sh [OUTDIR]          for this machine's architecture
#   DEB_HOST_ARCH=arm64 firmware/build-deb.sh   cross-built (multiarch -dev
#                                           packages and aarch64-linux-gnu-gcc)
# The packaging is firmware/debian; the source tree is staged under OUTDIR
# so the checkout is never written to.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "${1:-$root/build/deb}" && cd "${1:-$root/build/deb}" && pwd)
host=${DEB_HOST_ARCH:-$(dpkg --print-architecture)}
src="$out/src-$host"

rm -rf "$src" && mkdir -p "$src"
# Tracked and new files, not build output or local data.
(cd "$root" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) |
  tar -C "$src" -xf -
ln -s firmware/debian "$src/debian"

args=(-b -us -uc)
if [ "$host" != "$(dpkg --print-architecture)" ]; then
  args+=(-a"$host" -Pcross,nocheck)
fi
(cd "$src" && dpkg-buildpackage "${args[@]}") > "$out/build-$host.log" 2>&1 || {
  tail -40 "$out/build-$host.log"; echo "package build failed: $out/build-$host.log"; exit 1; }
version=$(dpkg-parsechangelog -l "$root/firmware/debian/changelog" -S Version)
mv -f "$out"/*_"${version}"_"$host".deb "$out"/*_"${version}"_"$host".changes \
  "$out"/*_"${version}"_"$host".buildinfo "$out/" 2>/dev/null || true
changes="$out/sipas-kiosk_${version}_${host}.changes"
ls -1 "$out"/*_"${version}"_"$host".deb
# Warnings and errors fail the build; each accepted tag is argued in
# firmware/debian/*.lintian-overrides.
lintian --fail-on error,warning "$changes"
echo "lintian: clean ($changes)"
