# Sourced by the browser tests: Debian's chromium ($CHROMIUM) and
# playwright-core (which downloads no browser), pinned by the lock file.
WEB_TESTS="$ROOT/tests/web"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

web_browser_ready() {
  local stamp="$WEB_TESTS/node_modules/.sipas-installed" sudo=
  [ -f "$BUILD/web/.built" ] || fail "$BUILD/web is not built (make)"
  command -v node > /dev/null || fail "node is not installed (make installs it with the dashboard)"
  # Browser suites running at once install chromium and the modules once: the first
  # holds the lock, the others then find its stamp.
  exec 9> "${TMPDIR:-/tmp}/sipas-web-modules.lock"
  flock 9 || fail "cannot lock ${TMPDIR:-/tmp}/sipas-web-modules.lock"
  if [ ! -x "$CHROMIUM" ]; then
    echo "installing: chromium" >&2
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive \
      $sudo apt-get install -y -q --no-install-recommends chromium >&2 || fail "cannot install chromium"
  fi
  if [ ! -f "$stamp" ] || [ "$WEB_TESTS/package-lock.json" -nt "$stamp" ]; then
    npm ci --prefix "$WEB_TESTS" --no-audit --no-fund --loglevel=error >&2 || fail "npm ci in tests/web failed"
    touch "$stamp"
  fi
  exec 9>&-
}
