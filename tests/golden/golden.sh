#!/usr/bin/env bash
# Golden-image test: a few kiosk screens rendered now must match the
# references in tests/golden/ref/ within a small tolerance (imgdiff).
#   tests/golden/golden.sh BUILD           compare
#   tests/golden/golden.sh BUILD --update  rewrite the references
set -euo pipefail
build=${1:-build}
update=${2:-}
root=$(cd "$(dirname "$0")/../.." && pwd)
ref="$root/tests/golden/ref"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy

cat > "$work/g.script" <<S
shot idle
tap start
shot field
tap field.dat-dai
shot question
tap answer.1
tap reason.thai-do
shot reasons
S
# The admin screen shows times and ids that change: not a golden screen.
for res in 800x480 720x1280; do
  "$root/$build/sipas-kiosk" --window "$res" --dpi 133 --data "$work/var-$res" \
    --script "$work/g.script" --screenshots "$work/$res"
done
if [ "$update" = --update ]; then
  mkdir -p "$ref"
  for f in "$work"/*/*.png; do
    cp "$f" "$ref/$(basename "$(dirname "$f")")-$(basename "$f")"
  done
  echo "golden references updated in $ref"
  exit 0
fi
bad=0
for f in "$work"/*/*.png; do
  name="$(basename "$(dirname "$f")")-$(basename "$f")"
  if res=$("$root/$build/tools/imgdiff" "$ref/$name" "$f" 0.5); then
    echo "ok    $name ($res)"
  else
    echo "FAIL  $name ($res)"; bad=1
  fi
done
exit $bad
