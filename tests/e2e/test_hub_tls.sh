# sipas-hub with its own TLS: a throw-away CA and a server certificate for
# 127.0.0.1/localhost; curl verifies against the CA (enroll, ingest, stats
# work) and refuses the hub without it.
. "$(dirname "$0")/../hub/lib.sh"
DB=$(hub_db hub)
PKI="$T/pki"
TODAY=$(TZ=Asia/Ho_Chi_Minh date +%F)
mkdir -p "$PKI"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -days 2 -subj "/CN=sipas test CA" -keyout "$PKI/ca.key" -out "$PKI/ca.pem" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2> "$T/openssl.log" \
  || fail "CA: $(cat "$T/openssl.log")"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -subj "/CN=127.0.0.1" -keyout "$PKI/server.key" -out "$PKI/server.csr" \
  2> "$T/openssl.log" || fail "server key: $(cat "$T/openssl.log")"
printf '%s\n' "basicConstraints=CA:FALSE" \
  "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" \
  "subjectAltName=IP:127.0.0.1,DNS:localhost" > "$PKI/server.ext"
openssl x509 -req -in "$PKI/server.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" \
  -CAcreateserial -days 2 -extfile "$PKI/server.ext" -out "$PKI/server.pem" \
  2> "$T/openssl.log" || fail "server certificate: $(cat "$T/openssl.log")"

"$HUB" unit add XA-MINHTAN "UBND xã Minh Tân" --db "$DB" 2> /dev/null
CODE=$("$HUB" enroll-code --unit XA-MINHTAN --db "$DB" 2> /dev/null)
TOKEN=$("$HUB" token add --scope province --db "$DB" 2> /dev/null)

# Certificate and key go together; a file that is no PEM is an error.
rc=0; "$HUB" serve --db "$DB" --listen 127.0.0.1:0 --tls-cert "$PKI/server.pem" 2> /dev/null || rc=$?
[ "$rc" = 2 ] || fail "--tls-cert alone: exit $rc"
rc=0; "$HUB" serve --db "$DB" --listen 127.0.0.1:0 --tls-cert "$PKI/server.csr" --tls-key "$PKI/server.key" 2> "$T/err" || rc=$?
[ "$rc" = 1 ] || fail "a CSR as certificate: exit $rc"
rc=0; "$HUB" serve --db "$DB" --listen 127.0.0.1:0 --tls-cert "$T/none.pem" --tls-key "$PKI/server.key" 2> /dev/null || rc=$?
[ "$rc" = 1 ] || fail "missing certificate file: exit $rc"

hub_start "$DB" --tls-cert "$PKI/server.pem" --tls-key "$PKI/server.key"
[[ "$HUB_URL" =~ ^https://127\.0\.0\.1:[0-9]+$ ]] || fail "url $HUB_URL"
CURL_TLS="--cacert $PKI/ca.pem"

expect_status 200 "$(req GET /healthz)" "healthz over TLS"
K=$(new_install_id)
expect_status 200 "$(req POST /api/v1/enroll -H 'Content-Type: application/json' \
  --data-binary "{\"code\": \"$CODE\", \"install_id\": \"$K\"}")" "enroll over TLS"
S=$(jget 'd["secret"]')
python3 "$UPLOAD" "$K" 7 "$TODAY" --complete 5 --fives 4 --heartbeat > "$T/up.json"
expect_status 200 "$(kiosk_req POST /api/v1/ingest "$K" "$S" --data-binary "@$T/up.json")" "ingest over TLS"
[ "$(jget 'd["ok"] is True and d["upto_seq"] == 7')" = True ] || fail "ack over TLS"
expect_status 200 "$(req GET "/api/v1/stats?from=$TODAY&to=$TODAY" -H "Authorization: Bearer $TOKEN")" "stats over TLS"
[ "$(jget 'd["groups"][0]["responses"]')" = 5 ] || fail "stats over TLS"
# The name in the certificate matters too: localhost is in it.
PORT=${HUB_URL##*:}
curl -sS -o /dev/null --cacert "$PKI/ca.pem" "https://localhost:$PORT/healthz" || fail "localhost name"

# Without the CA, verification fails and nothing is exchanged.
rc=0; curl -sS -o "$T/none" "$HUB_URL/healthz" 2> "$T/curl.err" || rc=$?
[ "$rc" = 60 ] || fail "curl without the CA: exit $rc ($(cat "$T/curl.err"))"
[ ! -s "$T/none" ] || fail "a body arrived without verification"
# Plain HTTP to the TLS port is not served.
rc=0; curl -sS -o /dev/null --max-time 5 "http://127.0.0.1:$PORT/healthz" 2> /dev/null || rc=$?
[ "$rc" != 0 ] || fail "plain HTTP answered on the TLS port"
hub_stop
echo ok
