#!/usr/bin/env bash
# Writes the manual pages of the five programs from their --help, with
# each command's own --help for sipas-hub and sipasctl, so the pages never
# drift from the programs. Run by `make man` after a build; the pages are
# kept in the repository because a cross-build cannot run the programs.
#   firmware/man/make-man.sh BUILD OUTDIR
set -euo pipefail
build=${1:-build}
out=${2:-firmware/man}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

commands_of() {   # the command names listed under "Commands:" in --help
  "$build/$1" --help | awk '/^Commands:/{on=1; next} on && /^  [a-z]/{print $1} on && /^$/{exit}'
}

for prog in sipas-kiosk sipas-sync sipasctl sipas-hub sipas-report; do
  inc="$work/$prog.h2m"
  cp "$here/$prog.h2m" "$inc"
  if [ "$prog" = sipas-hub ] || [ "$prog" = sipasctl ]; then
    { echo "[COMMANDS]"
      for c in $(commands_of "$prog"); do
        echo ".SS $c"
        echo ".nf"
        "$build/$prog" "$c" --help 2>&1 | sed -e 's/\\/\\e/g' -e 's/^\./\\\&./'
        echo ".fi"
      done
    } >> "$inc"
  fi
  help2man --no-info --no-discard-stderr --section=1 --include="$inc" \
    --name="$(sed -n 's/^# name: //p' "$here/$prog.h2m")" \
    --output="$out/$prog.1" "$build/$prog"
  # The page's date is the release's, so a rebuild gives the same file.
  sed -i "s/^\(\.TH [^ ]* [^ ]* \)\"[^\"]*\"/\1\"$(dpkg-parsechangelog -l "$here/../debian/changelog" -S Date | date -u -f - +'%B %Y')\"/" "$out/$prog.1"
done
