# tests/bench/hub_gen_build.sh - to source after tests/hub/lib.sh:
# hub_gen_build builds tests/bench/hub_gen.c into $GEN against the built
# hub libraries in $BUILD (fails the script when it cannot).
hub_gen_build() {
  local lib
  for lib in libsipashub.a libsipascore.a; do
    [ -f "$BUILD/$lib" ] || fail "$BUILD/$lib is missing (run make first)"
  done
  mkdir -p "$BUILD/bench"
  cc -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow \
    -Wstrict-prototypes -I"$ROOT/app" -I"$ROOT/tools" "$ROOT/tests/bench/hub_gen.c" \
    "$BUILD/libsipashub.a" "$BUILD/libsipasdb.a" "$BUILD/libsipascore.a" \
    $(pkg-config --cflags --libs sqlite3 jansson libutf8proc gnutls libmicrohttpd) \
    -lm -lpthread -o "$GEN" || fail "cannot build hub-gen"
}
