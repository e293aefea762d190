# A hub behind a link that stalls: a TCP proxy holds the hub's answers
# back. The low-speed limit gives up on a stalled transfer (no short total
# timeout), the upload is retried, and the totals end exact - although the
# hub had stored the stalled upload already.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/sync/lib.sh"

hub_init
hub_start
# connection 0 is the enrollment; 1 stalls for 9 s, later ones flow. (curl
# judges speed over its last five seconds, so a stall shows after about
# six.)
proxy_start tcp --delays 0,9000
provision "$PROXY_URL"
rate 6 --seed 70 --partial-every 4
start=$(date +%s%N)
sync_ok --timeout 60 --stall-timeout 1
took=$((($(date +%s%N) - start) / 1000000))
expect_in "$T/sync.err" "hub too slow"
expect_in "$T/sync.err" "retrying in"
# gave up on the stall before the hub's answer came
[ "$took" -lt 9000 ] || fail "stalled transfers were not given up in time ($took ms)"
totals
echo ok
