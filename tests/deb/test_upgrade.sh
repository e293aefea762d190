#!/usr/bin/env bash
# An upgrade from the previous release on a clean Debian 12 root: the
# previous release's packages (built from its commit with its own
# packaging) are installed, the hub and a kiosk take three ratings, then
# this tree's packages are installed over them. The new hub migrates its
# database to a newer schema; every stored response must still be there,
# on the kiosk and at the hub, and three more ratings count on top.
# Downgrading keeps every file: the older hub refuses the newer schema by
# name instead of touching it, and upgrading again finds all ratings.
#   tests/deb/test_upgrade.sh DEBDIR [PREVIOUS_COMMIT]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
debdir=$(cd "${1:-$root/build/deb}" && pwd)
# 0.1.0, the first packaged release.
prev_rev=${2:-7456800}
arch=$(dpkg --print-architecture)
version=$(dpkg-parsechangelog -l "$root/firmware/debian/changelog" -S Version)
work=$(mktemp -d)
cleanup() {
  git -C "$root" worktree remove --force "$work/prev-src" 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
[ "$(id -u)" = 0 ] || { echo "SKIP: installing packages into a root needs root"; exit 0; }
command -v mmdebstrap > /dev/null || { echo "FAIL: mmdebstrap missing (make deps-deb)"; exit 1; }
git -C "$root" cat-file -e "$prev_rev^{commit}" 2> /dev/null ||
  { echo "FAIL: the previous release's commit $prev_rev is not in this clone (git fetch --unshallow)"; exit 1; }

start=$(date +%s)
git -C "$root" worktree add -q --detach "$work/prev-src" "$prev_rev"
prev_version=$(dpkg-parsechangelog -l "$work/prev-src/firmware/debian/changelog" -S Version)
dpkg --compare-versions "$prev_version" lt "$version" ||
  { echo "FAIL: $version is not newer than the previous release $prev_version"; exit 1; }
"$work/prev-src/firmware/build-deb.sh" "$work/prev-deb" > "$work/prev-build.log" 2>&1 ||
  { tail -20 "$work/prev-build.log"; echo "FAIL: the previous release $prev_version did not build"; exit 1; }
echo "previous release $prev_version built from $prev_rev in $(( $(date +%s) - start )) s"

mkdir -p "$work/old" "$work/new"
for p in sipas-kiosk sipasctl sipas-hub sipas-report; do
  cp "$work/prev-deb/${p}_${prev_version}_${arch}.deb" "$work/old/"
  cp "$debdir/${p}_${version}_${arch}.deb" "$work/new/"
done
# The uploader became a package of its own after the first release.
cp "$debdir/sipas-sync_${version}_${arch}.deb" "$work/new/"
python3 "$root/tests/sync/ratings.py" 3 --seed 11 > "$work/ratings"
# Three runs of three citizens minutes apart: the burst rule would
# (rightly) set the last ones aside; every rating must count here.
python3 - "$root/assets/config/default.json" > "$work/kiosk.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c.setdefault("misuse", {})["burst_count"] = 0
print(json.dumps(c, ensure_ascii=False, indent=2))
PY

cat > "$work/downgraded.sh" <<'IN'
#!/bin/sh
# The older hub meets the newer schema: it must refuse by name and leave
# the file as it was.
set -eu
sum=$(sha256sum /var/lib/sipas-hub/hub.db)
runuser -u sipas-hub -- sipas-hub serve --db /var/lib/sipas-hub/hub.db \
  --listen 127.0.0.1:18081 --quiet 2> /tmp/old.err &
pid=$!
sleep 2
if kill -0 "$pid" 2> /dev/null; then
  kill "$pid"; echo "FAIL: the older hub serves a database of a newer schema"; exit 1
fi
grep -q "newer than this program" /tmp/old.err ||
  { cat /tmp/old.err; echo "FAIL: the older hub's refusal does not say why"; exit 1; }
[ "$sum" = "$(sha256sum /var/lib/sipas-hub/hub.db)" ] ||
  { echo "FAIL: the older hub changed the newer database"; exit 1; }
test -f /var/lib/sipas-kiosk/kiosk.db
echo "downgraded: data kept, the older hub refuses the newer schema"
IN
chmod +x "$work/downgraded.sh"

install() { echo "chroot \$1 sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q --allow-downgrades --no-install-recommends /tmp/$1/*.deb > /tmp/apt.log 2>&1 || { tail -20 /tmp/apt.log; exit 1; }'"; }
keep() { echo "cp \$1/tmp/count $work/count$1 && cp \$1/tmp/kcount $work/kcount$1 && cp \$1/tmp/schema $work/schema$1"; }
mmdebstrap --quiet --variant=apt --include=systemd,curl,ca-certificates,sqlite3 \
  --customize-hook="mkdir -p \$1/tmp/old \$1/tmp/new && cp $work/old/*.deb \$1/tmp/old/ && cp $work/new/*.deb \$1/tmp/new/ && cp $work/ratings $work/kiosk.json $work/downgraded.sh $root/tests/deb/inside.sh \$1/tmp/" \
  --customize-hook="$(install old)" \
  --customize-hook="chroot \$1 /tmp/inside.sh first" \
  --customize-hook="$(keep 1)" \
  --customize-hook="$(install new)" \
  --customize-hook="chroot \$1 /tmp/inside.sh again" \
  --customize-hook="$(keep 2)" \
  --customize-hook="$(install old)" \
  --customize-hook="chroot \$1 /tmp/downgraded.sh" \
  --customize-hook="$(install new)" \
  --customize-hook="chroot \$1 /tmp/inside.sh again" \
  --customize-hook="$(keep 3)" \
  bookworm "$work/root.tar" > "$work/mmdebstrap.log" 2>&1 ||
  { tail -40 "$work/mmdebstrap.log"; echo "FAIL: the upgrade on a clean root"; exit 1; }
r() { cat "$work/$1"; }
# What the runs said, for a failure below.
said() { grep -v "^[IW]: " "$work/mmdebstrap.log" | tail -40; }
echo "$prev_version → $version on a clean bookworm root in $(( $(date +%s) - start )) s:" \
  "hub schema $(r schema1) → $(r schema2); hub counted $(r count1), $(r count2), $(r count3);" \
  "kiosk held $(r kcount1), $(r kcount2), $(r kcount3)"
[ "$(r schema2)" -gt "$(r schema1)" ] ||
  { echo "FAIL: no schema migration between $prev_version and $version"; exit 1; }
[ "$(r kcount1)" -eq 3 ] && [ "$(r kcount2)" -eq 6 ] && [ "$(r kcount3)" -eq 9 ] ||
  { said; echo "FAIL: the kiosk lost or doubled responses across upgrade and downgrade"; exit 1; }
[ "$(r count1)" -ge 1 ] && [ "$(r count2)" -eq $(( $(r count1) * 2 )) ] &&
  [ "$(r count3)" -eq $(( $(r count1) * 3 )) ] ||
  { said; echo "FAIL: the hub lost or doubled ratings across upgrade and downgrade"; exit 1; }
echo "ok    upgrade $prev_version → $version keeps every response and migrates the hub; a downgrade keeps the data"
