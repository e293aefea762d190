# English is offered on the idle screen; the choice is recorded and the
# next citizen starts in Vietnamese again.
. "$(dirname "$0")/lib.sh"
kiosk_ok "tap lang.en
tap start
tap field.khac
$(answers 5 6)
tap done
tap start
tap field.khac
$(answers 5 6)
tap done
tap start
expect field" --lang vi
export_csv
expect_eq "[r['lang'] for r in rows if r['question']=='overall']" "['en', 'vi']"
# --lang makes English the kiosk's first language: a citizen who taps
# nothing else is recorded in English
kiosk_ok "tap start
tap field.khac
$(answers 5 6)
expect thanks" --lang en
export_csv
expect_eq "[r['lang'] for r in rows if r['question']=='overall']" "['en', 'vi', 'en']"
echo ok
