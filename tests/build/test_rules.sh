#!/usr/bin/env bash
# The build's own promises: `make` only builds (no package installer, no
# network), packagers' CFLAGS, CPPFLAGS and LDFLAGS reach every compile and
# link, a module that includes what its rules forbid does not build,
# `make kiosk` gives a sipasctl without PDF or spreadsheet libraries, the
# citizen's process (sipas-kiosk) loads no network library and no image
# codec, and `make clean` leaves the kiosk's data alone.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
T=$(mktemp -d)
probes=()
cleanup() { rm -rf "$T"; rm -f "${probes[@]}"; rmdir var/.clean-probe-$$ 2>/dev/null; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
B=$T/build

# 1. A dry run of the default goal names no installer and no download.
make -n BUILD="$B" all > "$T/dry" 2>&1 || fail "make -n all failed: $(tail -3 "$T/dry")"
grep -Eq '(^|[ ;&|])(apt-get|apt|sudo|npm|wget|curl) ' "$T/dry" &&
  fail "make all would run: $(grep -Em1 '(apt-get|apt|sudo|npm|wget|curl) ' "$T/dry")"
grep -q 'sipas-kiosk' "$T/dry" || fail "make -n all does not build the kiosk"

# 2. Packagers' flags reach every compile and every link.
make -n BUILD="$B" CFLAGS="-O1 -DPROBE_CFLAGS" CPPFLAGS="-DPROBE_CPPFLAGS" \
  LDFLAGS="-Wl,-z,probe-ldflags" all > "$T/flags" 2>&1 || fail "make -n with flags failed"
compiles=$(grep -c -- ' -c .*\.c -o ' "$T/flags")
[ "$compiles" -gt 50 ] || fail "expected the compiles in the dry run, found $compiles"
for f in -DPROBE_CFLAGS -DPROBE_CPPFLAGS; do
  n=$(grep -- ' -c .*\.c -o ' "$T/flags" | grep -c -- "$f")
  [ "$n" = "$compiles" ] || fail "$f in $n of $compiles compiles"
done
links=$(grep -Ec -- '-o [^ ]*/(sipas-kiosk|sipas-sync|sipasctl|sipas-hub|sipas-report) ' "$T/flags")
[ "$links" = 5 ] || fail "expected 5 program links, found $links"
n=$(grep -E -- '-o [^ ]*/(sipas-kiosk|sipas-sync|sipasctl|sipas-hub|sipas-report) ' "$T/flags" | grep -c -- '-Wl,-z,probe-ldflags')
[ "$n" = 5 ] || fail "LDFLAGS in $n of 5 program links"

# 3. Module rules: a probe source inside a module is compiled by the same
# rule as the module's own files (dot files are not part of the module's
# library, so nothing else picks them up).
probe() { # module include expect(ok|fail) [message]
  local src="$1/.probe-$$-$RANDOM.c" out
  probes+=("$src")
  printf '#include %s\nint probe_value(void);\nint probe_value(void) { return 1; }\n' "$2" > "$src"
  if out=$(make BUILD="$B" "$B/obj/${src%.c}.o" 2>&1); then
    [ "$3" = ok ] || fail "$1 including $2 built"
  else
    [ "$3" = fail ] || fail "$1 including $2 did not build: $(printf '%s\n' "$out" | grep -m1 error)"
    printf '%s\n' "$out" | grep -q -- "$4" || fail "$1 including $2: no clear message in: $out"
  fi
}
probe app/core '<sqlite3.h>' fail 'app/core may not use <sqlite3.h>'
probe app/core '<SDL.h>' fail 'app/core may not use <SDL.h>'
probe app/core '<curl/curl.h>' fail 'app/core may not use <curl/curl.h>'
probe app/core '<microhttpd.h>' fail 'app/core may not use <microhttpd.h>'
probe app/core '"store/store.h"' fail 'app/core may not include app/store'
probe app/ui '<sqlite3.h>' fail 'app/ui may not use <sqlite3.h>'
probe app/store '<SDL.h>' fail 'app/store may not use <SDL.h>'
probe app/sync '"ui/layout.h"' fail 'app/sync may not include app/ui'
# The kiosk's side of uploading reads sync.db; the network is sipas-sync's.
probe app/sync '<curl/curl.h>' fail 'app/sync may not use <curl/curl.h>'
probe app/sync '"upload/worker.h"' fail 'app/sync may not include app/upload'
probe app/kiosk '<curl/curl.h>' fail 'app/kiosk may not use <curl/curl.h>'
probe app/kiosk '"upload/thread.h"' fail 'app/kiosk may not include app/upload'
probe app/kiosk '<SDL_image.h>' fail 'app/kiosk may not use <SDL_image.h>'
probe app/ui '<SDL_image.h>' fail 'app/ui may not use <SDL_image.h>'
probe app/upload '<curl/curl.h>' ok
probe tools/ctl '<cairo.h>' fail 'tools/ctl may not use <cairo.h>'
probe tools/ctl '<pango/pangocairo.h>' fail 'tools/ctl may not use <pango/pangocairo.h>'
probe tools/ctl '<xlsxwriter.h>' fail 'tools/ctl may not use <xlsxwriter.h>'
probe tools/report '<sqlite3.h>' fail 'tools/report may not use <sqlite3.h>'
probe tools/report '"store/store.h"' fail 'tools/report may not include app/store'
probe app/store '<sqlite3.h>' ok
probe tools/report '<cairo.h>' ok
probe tools/report '<xlsxwriter.h>' ok
probe app/ui '<SDL.h>' ok
probe app/core '"core/vntime.h"' ok
# The hub's layers: arrows point down, SQL in store, HTTP in http.
probe tools/hub/domain '"hub/http/http.h"' fail 'tools/hub/domain may not include tools/hub/http'
probe tools/hub/domain '"hub/api/reply.h"' fail 'tools/hub/domain may not include tools/hub/api'
probe tools/hub/store '"hub/domain/stats.h"' fail 'tools/hub/store may not include tools/hub/domain'
probe tools/hub/base '"hub/store/db.h"' fail 'tools/hub/base may not include tools/hub/store'
probe tools/hub/domain '<sqlite3.h>' fail 'tools/hub/domain may not use <sqlite3.h>'
probe tools/hub/api '<microhttpd.h>' fail 'tools/hub/api may not use <microhttpd.h>'
probe tools/hub/store '<sqlite3.h>' ok
probe tools/hub/domain '"hub/store/units.h"' ok
probe tools/hub/http '<microhttpd.h>' ok

# 4. `make kiosk` builds the device's programs only, and its sipasctl needs
# no PDF or spreadsheet library (those come with sipas-report).
make -n BUILD="$B" kiosk > "$T/kiosk" 2>&1 || fail "make -n kiosk failed: $(tail -3 "$T/kiosk")"
grep -Eq -- '-o [^ ]*/sipasctl ' "$T/kiosk" || fail "make kiosk does not link sipasctl"
grep -Eq -- '-o [^ ]*/sipas-sync ' "$T/kiosk" || fail "make kiosk does not link sipas-sync"
grep -Eq -- '-o [^ ]*/(sipas-report|sipas-hub) ' "$T/kiosk" && fail "make kiosk links more than the device's programs"
grep -E -- '-o [^ ]*/sipasctl ' "$T/kiosk" | grep -Eq -- '-l(cairo|pango[a-z0-9.-]*|xlsxwriter)( |$)' &&
  fail "make kiosk links sipasctl with: $(grep -E -- '-o [^ ]*/sipasctl ' "$T/kiosk" | grep -Eo -- '-l(cairo|pango|xlsxwriter)[^ ]*' | tr '\n' ' ')"
KB=${BUILD:-build}
make BUILD="$KB" kiosk > "$T/kiosk" 2>&1 || fail "make kiosk failed: $(tail -3 "$T/kiosk")"
ldd "$KB/sipasctl" > "$T/ldd" 2>&1 || fail "ldd $KB/sipasctl: $(cat "$T/ldd")"
grep -Eq 'libcurl' "$T/ldd" || fail "ldd $KB/sipasctl lists no libcurl: $(cat "$T/ldd")"
grep -Eq 'lib(cairo|pango|xlsxwriter)' "$T/ldd" &&
  fail "sipasctl needs: $(grep -Eo 'lib(cairo|pango|xlsxwriter)[^ ]*' "$T/ldd" | tr '\n' ' ')"

# 4b. The citizen's process: nothing of the network (libcurl and what it
# pulls in: TLS, Kerberos, LDAP, SSH, RTMP, HTTP/2, IDN) and no image
# codec, neither on its link line nor among everything the loader maps
# (ldd follows NEEDED recursively). libpng comes with FreeType (fonts),
# not with an image loader. The uploader, sipas-sync, has libcurl.
banned_net='lib(curl|gnutls|ssl|crypto\.|krb5|k5crypto|gssapi|ldap|lber|ssh|rtmp|nghttp|psl|idn2)'
banned_img='lib(SDL2_image|jpeg|tiff|webp|avif|jxl)'
grep -E -- '-o [^ ]*/sipas-kiosk ' "$T/kiosk" | grep -Eq -- '-l(curl|SDL2_image)( |$)' &&
  fail "make kiosk links sipas-kiosk with libcurl or SDL2_image"
ldd "$KB/sipas-kiosk" > "$T/ldd-kiosk" 2>&1 || fail "ldd $KB/sipas-kiosk: $(cat "$T/ldd-kiosk")"
grep -Eq "$banned_net" "$T/ldd-kiosk" &&
  fail "sipas-kiosk loads network libraries: $(grep -Eo "$banned_net[^ ]*" "$T/ldd-kiosk" | sort -u | tr '\n' ' ')"
grep -Eq "$banned_img" "$T/ldd-kiosk" &&
  fail "sipas-kiosk loads image codecs: $(grep -Eo "$banned_img[^ ]*" "$T/ldd-kiosk" | sort -u | tr '\n' ' ')"
readelf -d "$KB/sipas-kiosk" | grep -E 'NEEDED' | grep -Eq "$banned_net|$banned_img" &&
  fail "sipas-kiosk names a network library or image codec as NEEDED"
ldd "$KB/sipas-sync" > "$T/ldd-sync" 2>&1 || fail "ldd $KB/sipas-sync: $(cat "$T/ldd-sync")"
grep -q 'libcurl' "$T/ldd-sync" || fail "sipas-sync lists no libcurl: $(cat "$T/ldd-sync")"
grep -q 'libSDL2' "$T/ldd-sync" && fail "sipas-sync loads SDL: $(grep -o 'libSDL2[^ ]*' "$T/ldd-sync" | tr '\n' ' ')"

# 5. The programs report the version their packages carry (the hub lists
# each kiosk's, and an update is judged by it).
deb=$(sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' firmware/debian/changelog)
[ -n "$deb" ] || fail "no version in firmware/debian/changelog"
grep -qx "#define SIPAS_VERSION \"$deb\"" app/core/version.h ||
  fail "app/core/version.h does not say $deb, the version of firmware/debian/changelog"

# 6. make clean removes the build, never the demo kiosk's data.
mkdir -p var/.clean-probe-$$ "$B"
make clean BUILD="$B" > /dev/null 2>&1 || fail "make clean failed"
[ -d var/.clean-probe-$$ ] || fail "make clean deleted var/"
[ ! -e "$B" ] || fail "make clean left the build directory"
echo "build rules: ok"
