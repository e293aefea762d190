#!/usr/bin/env bash
# The bundle-signing key and certificate: IMAGE_KEY and IMAGE_CERT when
# given (production: see README.md), otherwise a development pair made
# once in OUT/keys and kept, so every image of this tree trusts the
# bundles it signs. Prints "KEY CERT".
set -euo pipefail
out=$1
if [ -n "${IMAGE_KEY:-}" ] || [ -n "${IMAGE_CERT:-}" ]; then
  [ -r "${IMAGE_KEY:-}" ] && [ -r "${IMAGE_CERT:-}" ] || {
    echo "IMAGE_KEY and IMAGE_CERT must both name readable files" >&2; exit 1; }
  echo "$IMAGE_KEY $IMAGE_CERT"; exit 0
fi
dir="$out/keys"
if [ ! -f "$dir/development.cert.pem" ]; then
  mkdir -p "$dir" && chmod 0700 "$dir"
  openssl req -x509 -newkey rsa:3072 -nodes -days 3650 -sha256 \
    -subj "/O=SIPAS kiosk development/CN=sipas-kiosk development bundles" \
    -keyout "$dir/development.key.pem" -out "$dir/development.cert.pem" 2>/dev/null
fi
echo "$dir/development.key.pem $dir/development.cert.pem"
