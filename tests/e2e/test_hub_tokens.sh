# Attacks on the hub's analyst side and on enrollment, over real HTTP on
# loopback: scopes after a unit merge, tokens that expire and rotate, the
# audit of every token use and enrollment attempt, enrollment limits per
# code and per address, and client addresses behind a trusted proxy.
. "$(dirname "$0")/../hub/lib.sh"
DB="$T/hub.db"
TODAY=$(TZ=Asia/Ho_Chi_Minh date +%F)
DAY=86400

enroll() { # CODE INSTALL_ID [curl options...]
  local code=$1 id=$2
  shift 2
  req POST /api/v1/enroll -H 'Content-Type: application/json' "$@" \
    --data-binary "{\"code\": \"$code\", \"install_id\": \"$id\"}"
}
analyst() { # TOKEN PATH
  req GET "$2" -H "Authorization: Bearer $1"
}

# ---- a merged unit's kiosks belong to the unit it joined ---------------------
"$HUB" unit add TINH "Tỉnh" --db "$DB" 2> /dev/null
"$HUB" unit add HA "Huyện A" --parent TINH --db "$DB" 2> /dev/null
"$HUB" unit add HB "Huyện B" --parent TINH --db "$DB" 2> /dev/null
"$HUB" unit add XA-CU "Xã cũ" --parent HA --db "$DB" 2> /dev/null
"$HUB" unit add XA-MOI "Xã mới" --parent HB --db "$DB" 2> /dev/null
TOK_HA=$("$HUB" token add --scope unit:HA --db "$DB" 2> /dev/null)
TOK_HB=$("$HUB" token add --scope unit:HB --db "$DB" 2> /dev/null)
CODE=$("$HUB" enroll-code --unit XA-CU --db "$DB" 2> /dev/null)
K1=$(new_install_id)
hub_start "$DB" --quiet
expect_status 200 "$(enroll "$CODE" "$K1")" "enroll in XA-CU"
expect_status 200 "$(analyst "$TOK_HA" /api/v1/kiosks)" "HA kiosks before the merge"
[ "$(jget 'len(d["kiosks"])')" = 1 ] || fail "HA sees its kiosk before the merge"
"$HUB" unit merge XA-CU --into XA-MOI --from "$TODAY" --db "$DB" 2> /dev/null || fail "merge"

expect_status 200 "$(analyst "$TOK_HA" /api/v1/kiosks)" "HA kiosks after the merge"
[ "$(jget 'len(d["kiosks"])')" = 0 ] || fail "the old parent still lists the merged unit's kiosk: $(cat "$T/body")"
expect_status 200 "$(analyst "$TOK_HB" /api/v1/kiosks)" "HB kiosks after the merge"
[ "$(jget '[k["install_id"] for k in d["kiosks"]]')" = "[\"$K1\"]" ] || fail "the new parent does not see the kiosk: $(cat "$T/body")"
expect_status 200 "$(analyst "$TOK_HA" "/api/v1/completeness?from=$TODAY&to=$TODAY")" "HA completeness"
[ "$(jget 'sorted(u["code"] for u in d["units"])')" = '["HA"]' ] || fail "HA completeness still holds XA-CU: $(jget 'd["units"]')"
[ "$(jget 'sum(u["kiosks"] for u in d["units"] if u["code"] == "HA")')" = 0 ] || fail "HA completeness counts the kiosk"
expect_status 200 "$(analyst "$TOK_HB" "/api/v1/completeness?from=$TODAY&to=$TODAY")" "HB completeness"
[ "$(jget 'sorted(u["code"] for u in d["units"])')" = '["HB", "XA-CU", "XA-MOI"]' ] || fail "HB completeness: $(jget 'd["units"]')"
[ "$(jget '[(u["parent"], u["kiosks"]) for u in d["units"] if u["code"] == "XA-CU"]')" = '[["XA-MOI", 1]]' ] || fail "XA-CU not below XA-MOI: $(jget 'd["units"]')"
[ "$(jget '[u["kiosks"] for u in d["units"] if u["code"] == "HB"]')" = '[1]' ] || fail "HB does not count the kiosk: $(jget 'd["units"]')"
expect_status 403 "$(analyst "$TOK_HA" "/api/v1/kiosks?unit=XA-CU")" "HA asking for the merged unit"
expect_status 200 "$(analyst "$TOK_HB" "/api/v1/kiosks?unit=XA-CU")" "HB asking for the merged unit"
hub_stop

echo "test_hub_tokens: ok"
