#!/usr/bin/env bash
# Lets this machine run arm64 programs (the root's maintainer scripts)
# through qemu-user-static: binfmt_misc mounted, qemu-aarch64 registered
# with the F flag so it works inside the chroot. Containers and minimal
# systems often have neither.
set -euo pipefail
dir=/proc/sys/fs/binfmt_misc
mountpoint -q "$dir" || mount -t binfmt_misc binfmt_misc "$dir"
if [ ! -e "$dir/qemu-aarch64" ]; then
  grep -v '^#' /usr/lib/binfmt.d/qemu-aarch64.conf > "$dir/register"
fi
grep -q '^flags:.*F' "$dir/qemu-aarch64"
