# The national view with the national hub on PostgreSQL: the whole of
# test_hub_national.sh (pushes, credentials, targets, refusals, officers,
# the same figures byte for byte as the province's hub on its file).
# Skips only when PostgreSQL's binaries are missing.
NATIONAL_DB=pg exec bash "$(dirname "$0")/test_hub_national.sh"
