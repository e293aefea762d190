#!/usr/bin/env bash
# docs/ARCHITECTURE.md's module table says what each module may include
# and which packages it may use; the build enforces USES_ and PC_ in the
# Makefile. The two must say the same: every module of the Makefile has
# its row, with the same arrows and packages, and no row names a module
# the Makefile does not know.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
doc="$root/docs/ARCHITECTURE.md"
fail() { echo "FAIL: $*" >&2; exit 1; }

lines=$(make -s -C "$root" --no-print-directory print-modules) ||
  fail "make print-modules failed"
[ "$(printf '%s\n' "$lines" | wc -l)" -ge 10 ] ||
  fail "make print-modules lists too few modules: $lines"

# "a b c" -> "`a` → `b`"-free form: "a, b, c", or "—" when empty.
list() { if [ -z "$1" ]; then echo "—"; else echo "$1" | sed 's/ /, /g'; fi; }

rows=$(sed -n '/^| module | may include | packages |/,/^$/p' "$doc" | sed '1,2d')
[ -n "$rows" ] || fail "$doc has no module table (| module | may include | packages | ...)"

while IFS='|' read -r m uses pkgs; do
  want="| \`$m\` | $(list "$uses") | $(list "$pkgs") |"
  printf '%s\n' "$rows" | grep -qF -- "$want" ||
    fail "docs/ARCHITECTURE.md: row for $m should begin: $want (got: $(printf '%s\n' "$rows" | grep -F "\`$m\`" | head -1))"
done <<< "$lines"

while read -r row; do
  m=$(printf '%s\n' "$row" | sed -n 's/^| `\([^`]*\)` |.*/\1/p')
  [ -n "$m" ] || fail "docs/ARCHITECTURE.md: module row without a module name: $row"
  printf '%s\n' "$lines" | grep -q "^$m|" ||
    fail "docs/ARCHITECTURE.md names module $m, which the Makefile does not have"
done <<< "$rows"
echo "ok    module table agrees with the Makefile ($(printf '%s\n' "$lines" | wc -l) modules)"
