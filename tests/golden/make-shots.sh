#!/usr/bin/env bash
# Screenshots of every kiosk screen at every supported resolution.
#   tests/golden/make-shots.sh BUILD OUTDIR
# Writes OUTDIR/<W>x<H>/<screen>.png. Each resolution runs with the pixel
# density of a typical panel of that size, so touch targets are judged in mm.
# At the resolutions of SHOT_VIEW_RESOLUTIONS the citizen's screens are
# also taken in each view a citizen can switch on at idle, as
# <screen>-contrast.png, <screen>-large.png and <screen>-contrast-large.png.
# At the resolutions of SHOT_KHMER_RESOLUTIONS the citizen's screens are
# taken in Khmer too, in each view: <screen>-km.png, <screen>-km-contrast.png
# and so on.
# Listening is taken at every resolution as idle-listen, question-listen,
# reasons-listen and question-nosound.
# At the portrait resolutions of SHOT_REACH_RESOLUTIONS the citizen's
# screens are taken with display.reach "low" as <screen>-reach.png, and
# in high contrast with large text as <screen>-reach-contrast-large.png.
set -euo pipefail
build=${1:-build}
out=${2:-docs/screenshots}
mkdir -p "$out"
# Absolute: the out-of-service case runs from another directory.
out=$(cd "$out" && pwd)
kiosk="$(cd "$build" && pwd)/sipas-kiosk"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy

# resolution:dpi (7" 800x480, 7" 1024x600, 10.1" 1280x800, 15.6" 1920x1080,
# 7" portrait 720x1280)
resolutions=${SHOT_RESOLUTIONS:-"800x480:133 1024x600:170 1280x800:149 1920x1080:141 720x1280:210"}

answers() { # n answers of value $1
  local i; for ((i = 0; i < $2; i++)); do echo "tap answer.$1"; done
}

# "@view" marks where the flow is on the idle screen for a new citizen:
# there a view is switched on (it is reset at every return to idle).
cat > "$work/main.script" <<S
@view
shot idle
tap start
shot field
tap field.dat-dai
shot question
tap answer.2
shot reasons
tap reason.cho-lau
tap reason.thai-do
shot reasons-chosen
tap next
$(answers 5 5)
expect thanks
shot thanks
wait 6000
@view
type CB:CB001
shot idle-officer
wait 5000
type 000.00.07.H42-230815-0005
shot question-dossier
$(answers 4 6)
wait 6000
@view
type 000.00.07.H42-230815-0005
expect already-rated
shot already-rated
wait 6000
@view
tap admin.corner
tap admin.corner
tap admin.corner
tap admin.corner
tap admin.corner
tap pin.1
tap pin.2
shot pin
tap pin.3
tap pin.4
tap pin.ok
expect admin
shot admin
tap done
@view
tap lang.en
shot idle-en
tap start
tap field.xay-dung
shot question-en
tap answer.1
shot reasons-en
S

# Khmer, chosen on the idle screen, from the idle screen to the thanks;
# the full questionnaire's multi-choice screen and the Circular 01 form.
cat > "$work/km.script" <<S
@view
tap lang.km
shot idle-km
tap start
shot field-km
tap field.dat-dai
shot question-km
tap answer.2
shot reasons-km
tap reason.cho-lau
tap reason.thai-do
shot reasons-chosen-km
tap next
$(answers 5 5)
expect thanks
shot thanks-km
S

# A tall panel set for low reach: the citizen's controls below the top
# third, from the idle screen to the thanks.
cat > "$work/reach.script" <<S
@view
shot idle-reach
tap start
shot field-reach
tap field.dat-dai
shot question-reach
tap answer.2
shot reasons-reach
tap reason.cho-lau
tap next
$(answers 5 5)
expect thanks
shot thanks-reach
S
printf '{"display": {"reach": "low"}}\n' > "$work/reach.json"

# Listening ("Nghe"): switched on, an answer and a choice heard once
# (awaiting their second touch); and the cue where a prompt has no sound
# (no English set is generated).
cat > "$work/listen.script" <<S
tap view.listen
shot idle-listen
tap start
tap field.dat-dai
tap answer.4
shot question-listen
tap answer.1
tap answer.1
tap reason.cho-lau
shot reasons-listen
S
printf 'tap lang.en\ntap view.listen\ntap start\ntap field.dat-dai\nshot question-nosound\n' > "$work/nosound.script"

# The full questionnaire, up to its multi-choice "expectations" screen.
{
  echo "@view"; echo "tap start"; echo "tap field.dau-tu"; echo "tap answer.5"
  for ((i = 0; i < 20; i++)); do echo "tap skip"; done
  echo "expect choices"; echo "shot choices"
} > "$work/full.script"
printf '{"survey": "sipas-full"}\n' > "$work/full.json"
sed -e 's/^tap start$/tap lang.km\ntap start/' -e 's/^shot choices$/shot choices-km/' \
  "$work/full.script" > "$work/full-km.script"

# The admin screen's touch grid, part tapped and all tapped.
{
  echo "@view"
  for ((i = 0; i < 5; i++)); do echo "tap admin.corner"; done
  printf 'tap pin.%s\n' 1 2 3 4 ok
  echo "expect admin"; echo "tap admin.selftest"
  printf 'tap grid.%s\n' 0 5 6 11
  echo "shot selftest"
  printf 'tap grid.%s\n' 1 2 3 4 7 8 9 10
  echo "shot selftest-done"
} > "$work/selftest.script"

# Circular 01 counter form: it applies until 2025-06-30, so its kiosk's
# clock is put on a day it applies.
c01_clock=$(( $(date -d '2025-06-16T09:00:00+07:00' +%s) - $(date +%s) ))
printf '@view\ntap start\ntap field.tu-phap\nshot c01-question\n' > "$work/c01.script"
printf '@view\ntap lang.km\ntap start\ntap field.tu-phap\nshot c01-question-km\n' > "$work/c01-km.script"
printf '{"survey": "c01-counter"}\n' > "$work/c01.json"

# Storage full: a database capped at 64 KB fills up.
{ for ((i = 0; i < 400; i++)); do
    echo "tap start"; echo "tap field.khac"; answers 5 6; echo "wait 11000"
  done; } > "$work/full-disk.script"
printf '{"storage": {"max_kb": 64}, "misuse": {"min_interval_s": 0, "burst_count": 0}}\n' > "$work/disk.json"

# A survey with a mistake puts the kiosk out of service. It is named
# relative to the working directory, so the message on screen is the same
# on every run (tests/e2e/test_wording.sh compares the screen).
printf '{"format": "sipas-survey/1", "id": "broken", "version": 1,\n "languages": ["vi"], "title": {"vi": "x"},\n "scales": {}, "questions": []}\n' > "$work/broken.json"
printf '{"survey": "./broken.json"}\n' > "$work/oos.json"
printf 'expect out-of-service\nshot out-of-service\n' > "$work/oos.script"

# What provisioning from the SD card left for the technician: enrolled,
# a refused code, and the hub's CA file missing beside the card's file
# (docs/PROVISIONING.md), as sipasctl records them.
prov_result() { # data-dir status unit counter [more members]
  printf '{"format": 1, "status": "%s", "time_ms": %s, "unit_name": "%s", "counter": "%s"%s}\n' \
    "$2" "$(date +%s000)" "$3" "$4" "${5:+, $5}" > "$1/provision-result.json"
}
printf 'expect idle\nshot provision-ok\n' > "$work/prov-ok.script"
printf 'expect idle\nshot provision-refused\n' > "$work/prov-refused.script"
printf 'expect idle\nshot provision-ca\n' > "$work/prov-ca.script"
prov_ca='"line": 8, "field": "ca", "ca_file": "sipas-hub-ca.pem"'

# A script in a view: "" (default), contrast, large or contrast-large.
# Its @view lines switch the view on; its shots are named for it.
in_view() { # view script > script
  local taps=""
  case $1 in
    contrast) taps='tap view.contrast' ;;
    large) taps='tap view.large' ;;
    contrast-large) taps='tap view.contrast\ntap view.large' ;;
  esac
  if [ -z "$1" ]; then
    grep -v '^@view$' "$2"
  else
    sed -e "s/^@view\$/$taps/" -e "s/^shot \(.*\)\$/shot \1-$1/" "$2"
  fi
}

run() { # res dpi config script [view]
  local res=$1 dpi=$2 cfg=$3 script=$4 view=${5:-} data
  data=$(mktemp -d "$work/data.XXXX")
  in_view "$view" "$script" > "$script.run"
  "$kiosk" --window "$res" --dpi "$dpi" ${cfg:+--config "$cfg"} \
    --data "$data" --script "$script.run" --screenshots "$out/$res" 2> "$work/err.txt" || {
      cat "$work/err.txt" >&2; echo "make-shots: $script failed at $res" >&2; return 1; }
}

for rd in $resolutions; do
  res=${rd%%:*}; dpi=${rd##*:}
  mkdir -p "$out/$res"
  run "$res" "$dpi" "" "$work/main.script"
  run "$res" "$dpi" "$work/full.json" "$work/full.script"
  run "$res" "$dpi" "" "$work/selftest.script"
  run "$res" "$dpi" "" "$work/listen.script"
  run "$res" "$dpi" "" "$work/nosound.script"
  SIPAS_CLOCK_OFFSET_S=$c01_clock run "$res" "$dpi" "$work/c01.json" "$work/c01.script"
  (cd "$work" && run "$res" "$dpi" "$work/oos.json" "$work/oos.script")
  for st in ok:ok refused:code-refused ca:bad-file; do
    data=$(mktemp -d "$work/data.XXXX")
    more=; [ "${st%%:*}" = ca ] && more=$prov_ca
    prov_result "$data" "${st#*:}" "Trung tâm Phục vụ hành chính công xã Minh Tân" "Quầy 1" "$more"
    "$kiosk" --window "$res" --dpi "$dpi" --data "$data" --script "$work/prov-${st%%:*}.script" \
      --screenshots "$out/$res" 2> "$work/err.txt" || {
        cat "$work/err.txt" >&2; echo "make-shots: provisioning banner failed at $res" >&2; exit 1; }
  done
  # Fill a capped database until the kiosk pauses (the script then stops,
  # having no start button to tap); a second run on the full database
  # pauses at its first commit and is photographed.
  data=$(mktemp -d "$work/data.XXXX")
  "$kiosk" --window "$res" --dpi "$dpi" --config "$work/disk.json" --data "$data" \
    --script "$work/full-disk.script" 2> /dev/null || true
  printf 'tap start\ntap field.khac\n%s\nexpect paused\nshot paused\n' "$(answers 5 6)" > "$work/paused.script"
  "$kiosk" --window "$res" --dpi "$dpi" --config "$work/disk.json" --data "$data" \
    --script "$work/paused.script" --screenshots "$out/$res" 2> "$work/err.txt" || {
      cat "$work/err.txt" >&2; echo "make-shots: paused screen failed at $res" >&2; exit 1; }
done
views=${SHOT_VIEW_RESOLUTIONS-"800x480:133 1280x800:149"}
for rd in $views; do
  res=${rd%%:*}; dpi=${rd##*:}
  mkdir -p "$out/$res"
  for view in contrast large contrast-large; do
    run "$res" "$dpi" "" "$work/main.script" "$view"
    run "$res" "$dpi" "$work/full.json" "$work/full.script" "$view"
    run "$res" "$dpi" "" "$work/selftest.script" "$view"
    SIPAS_CLOCK_OFFSET_S=$c01_clock run "$res" "$dpi" "$work/c01.json" "$work/c01.script" "$view"
  done
done
khmer=${SHOT_KHMER_RESOLUTIONS-"800x480:133 1280x800:149"}
for rd in $khmer; do
  res=${rd%%:*}; dpi=${rd##*:}
  mkdir -p "$out/$res"
  for view in "" contrast large contrast-large; do
    run "$res" "$dpi" "" "$work/km.script" "$view"
    run "$res" "$dpi" "$work/full.json" "$work/full-km.script" "$view"
    SIPAS_CLOCK_OFFSET_S=$c01_clock run "$res" "$dpi" "$work/c01.json" "$work/c01-km.script" "$view"
  done
done
reaches=${SHOT_REACH_RESOLUTIONS-"720x1280:210"}
for rd in $reaches; do
  res=${rd%%:*}; dpi=${rd##*:}
  mkdir -p "$out/$res"
  run "$res" "$dpi" "$work/reach.json" "$work/reach.script"
  run "$res" "$dpi" "$work/reach.json" "$work/reach.script" contrast-large
done
echo "screenshots in $out"
