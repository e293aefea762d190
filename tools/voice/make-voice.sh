#!/bin/bash
# The spoken prompts, generated with espeak-ng from the shipped surveys
# and UI words (docs/VOICE.md):
#   tools/voice/make-voice.sh TEXTS-TOOL OUTDIR VARIANT...
# writes OUTDIR/<folder>/<name>.wav for each VARIANT (north, central,
# south): folders vi, vi-central and vi-south; names as in app/core/voice.h.
# 16 kHz mono IMA ADPCM (4 bits a sample). A set is written to a scratch folder and moved in
# whole, so an interrupted build never leaves half a set. The sets are
# made side by side.
set -eu
tool=$1 out=$2
shift 2
command -v espeak-ng >/dev/null 2>&1 || {
  echo "make-voice: espeak-ng is missing (make deps-kiosk installs it)" >&2
  exit 1
}
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"

wait_all() { # every background job of this shell; 1 if any failed
  local rc=0 p
  for p in $(jobs -p); do wait "$p" || rc=1; done
  return $rc
}

make_set() { # variant
  case $1 in
    north) folder=vi espeak=vi ;;
    central) folder=vi-central espeak=vi-vn-x-central ;;
    south) folder=vi-south espeak=vi-vn-x-south ;;
    *) echo "make-voice: unknown variant $1 (north, central, south)" >&2; return 1 ;;
  esac
  tmp="$out/.$folder.tmp"
  rm -rf "$tmp" && mkdir -p "$tmp/raw"
  "$tool" texts vi "$root/assets/i18n/ui.json" "$root"/assets/surveys/*.json >"$tmp/texts.tsv"
  tab=$(printf '\t')
  # espeak-ng spends most of each run waiting on its own start and stop:
  # four run side by side per set, each on every fourth line.
  for part in 0 1 2 3; do
    awk -v p="$part" 'NR % 4 == p' "$tmp/texts.tsv" | while IFS="$tab" read -r name text; do
      # -s 150: a little slower than espeak-ng's 175 words a minute, for
      # citizens who asked to listen.
      espeak-ng -v "$espeak" -s 150 -w "$tmp/raw/$name.wav" -- "$text" || exit 1
    done &
  done
  wait_all || return 1
  set --
  while IFS="$tab" read -r name text; do
    set -- "$@" "$tmp/raw/$name.wav" "$tmp/$name.wav"
  done <"$tmp/texts.tsv"
  "$tool" encode 16000 "$@" || return 1
  rm -rf "$tmp/raw" "$tmp/texts.tsv"
  rm -rf "${out:?}/$folder"
  mv "$tmp" "$out/$folder"
}

pids=
for variant in "$@"; do
  make_set "$variant" &
  pids="$pids $!"
done
rc=0
for p in $pids; do wait "$p" || rc=1; done
exit $rc
