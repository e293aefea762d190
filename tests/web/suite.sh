# Sourced first by each browser suite (tests/web/NAME.sh [BUILD]): BUILD
# from the suite's argument or the environment, the hub's test library
# (tests/hub/lib.sh), Debian's chromium and the page modules ready
# (browser.sh), and $SHOTS, where screenshots go (build/web-shots unless
# set; `make shots` publishes them in docs/screenshots/), made.
set -euo pipefail
if [ $# -gt 0 ]; then BUILD=$1; fi
export BUILD=${BUILD:-build}
# shellcheck source=../hub/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../hub/lib.sh"
# shellcheck source=browser.sh
source "$ROOT/tests/web/browser.sh"
SHOTS=${SHOTS:-$ROOT/build/web-shots}
web_browser_ready
mkdir -p "$SHOTS"
