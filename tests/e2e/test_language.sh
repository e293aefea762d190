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
kiosk_ok "expect idle" --lang en
echo ok
