# The soak of a busy counter, short: three virtual days of 300 responses
# through one kiosk process beside sipas-sync and a hub that is stopped,
# started and killed on the way; the hub's counts exact, memory and open
# files flat, databases linear (tests/bench/soak.sh; `make soak` runs 60
# days). The seed is random and printed: SOAK_SEED replays a failure.
SOAK_DAYS=${SOAK_DAYS:-3} SOAK_DOC= exec bash "$(dirname "$0")/../bench/soak.sh" "${BUILD:-build}"
