# The small province the report tests share: a province, a district with
# two communes, the provincial service centre (two kiosks, one of them on
# the Circular 01 form) and a hospital; then a period of uploads from
# tests/report/make_data.py through the real protocol.
# Sourced after tests/hub/lib.sh, with DB set and the hub not yet started.

# report_province: the units. Sets TOKEN (province scope).
report_province() {
  unit() { "$HUB" unit add "$@" --db "$DB" 2> /dev/null || fail "unit add $*"; }
  unit HG "Tỉnh Hậu Giang"
  unit HUYEN-CT "UBND huyện Châu Thành" --parent HG
  unit XA-DONGPHUOC "UBND xã Đông Phước" --parent HUYEN-CT
  unit XA-PHUTAN "UBND xã Phú Tân" --parent HUYEN-CT
  unit TTPVHCC "Trung tâm Phục vụ hành chính công tỉnh" --parent HG
  unit BV-DK "Bệnh viện Đa khoa tỉnh Hậu Giang" --parent HG
  TOKEN=$("$HUB" token add --scope province --db "$DB" 2> /dev/null)
}

# report_upload PERIOD: five kiosks enroll and upload PERIOD's days, each
# upload acknowledged. The hub must be running.
report_upload() {
  local period=$1 u code id k body
  IDS=() SECRETS=()
  for u in XA-DONGPHUOC XA-PHUTAN TTPVHCC TTPVHCC BV-DK; do
    code=$("$HUB" enroll-code --unit "$u" --db "$DB" 2> /dev/null)
    id=$(new_install_id)
    expect_status 200 "$(req POST /api/v1/enroll -H 'Content-Type: application/json' \
      --data-binary "{\"code\": \"$code\", \"install_id\": \"$id\", \"counter\": \"Quầy 1\", \"version\": \"0.1.0\"}")" "enroll $u"
    IDS+=("$id") SECRETS+=("$(jget 'd["secret"]')")
  done
  python3 "$ROOT/tests/report/make_data.py" "$T/data" "$period" "${IDS[@]}" || fail "make_data.py"
  for ((k = 0; k < ${#IDS[@]}; k++)); do
    for body in "$T/data/$k"-*.json; do
      expect_status 200 "$(kiosk_req POST /api/v1/ingest "${IDS[$k]}" "${SECRETS[$k]}" \
        --data-binary "@$body")" "upload $(basename "$body")"
      [ "$(jget 'd["ok"]')" = True ] || fail "upload not acknowledged"
    done
  done
}
