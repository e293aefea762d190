#!/usr/bin/env bash
# The translation review sheet as PDF (docs/LANGUAGES.md):
#   review-sheet.sh OUT.pdf LANG [ASSETS-DIR | UI-FILE SURVEY-FILE...]
# With an assets directory (default: the repository's assets/), the sheet
# covers its i18n/ui.json and every surveys/NAME.json. langsheet.py writes
# the HTML; Chromium, headless, prints it with the project's Noto fonts, so
# Vietnamese and Khmer shape as on the kiosk.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[ $# -ge 2 ] || { echo "usage: $0 OUT.pdf LANG [ASSETS-DIR | UI-FILE SURVEY-FILE...]" >&2; exit 2; }
out=$1 lang=$2; shift 2
args=()
if [ $# -le 1 ]; then
  assets=${1:-$root/assets}
  args+=(--ui "$assets/i18n/ui.json" --base "$assets")
  for s in "$assets"/surveys/*.json; do [ -e "$s" ] && args+=(--survey "$s"); done
else
  args+=(--ui "$1"); shift
  for s in "$@"; do args+=(--survey "$s"); done
fi
# A fixed date makes the committed sheet reproducible (SHEET_DATE).
[ -z "${SHEET_DATE:-}" ] || args+=(--date "$SHEET_DATE")

browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "$0: chromium is not installed (apt-get install chromium)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$here/langsheet.py" --lang "$lang" --fonts "$root/assets/fonts" "${args[@]}" > "$work/sheet.html"
mkdir -p "$(dirname "$out")"
# Its own profile and no network: nothing of the user's browser is read,
# and the fonts come from the files named in the page.
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
  --user-data-dir="$work/profile" --no-pdf-header-footer \
  --print-to-pdf="$work/sheet.pdf" "file://$work/sheet.html" > "$work/log" 2>&1 || {
  cat "$work/log" >&2; echo "$0: chromium could not print the sheet" >&2; exit 1; }
[ -s "$work/sheet.pdf" ] || { cat "$work/log" >&2; echo "$0: no PDF written" >&2; exit 1; }
mv "$work/sheet.pdf" "$out"
echo "$out"
