# tests/pool.sh - the suite runners' queue (tests/run-all.sh,
# tests/run-anytime.sh): tests run several at a time and are reported in
# the order they were queued, each as soon as it and those before it are
# done.
#
# Most tests spend their time in one process at a time (a kiosk drawing,
# a hub answering, a browser, a sleep on a timeout), so on two cores three
# at once finish the suite in about half the time. Every test already
# works in its own mktemp directory, on ports its servers choose
# (127.0.0.1:0), with its own PostgreSQL server: none shares state with
# another.
#
#   TEST_JOBS   tests at once (default: processors + 1); each test is
#               given TEST_JOBS=1, so a runner it calls runs its own
#               parts one by one.
#
# A test's cleanup kills the processes it started by their PIDs; once one
# has ended, its PID may be another test's process. So each test runs in
# a PID namespace of its own (unshare, as root), where a PID can only be
# its own and whatever it leaves running ends with it; where that cannot
# be had, tests run one at a time.
#
# The runner sourcing this defines nothing; it reads pool_passed,
# pool_failed and pool_failures when pool_run returns.
#
#   pool_section TITLE                      a heading, printed in its place
#   pool_add LABEL [VAR=VALUE...] -- CMD... a test: one pass or one failure
#   pool_add_unit LABEL [VAR=VALUE...] -- CMD...
#                                           a tests/run-unit.sh run: its
#                                           output whole, its cases counted
#   pool_run                                runs the queue, empties it

pool_passed=0 pool_failed=0 pool_failures=()
pool_kind=() pool_label=() pool_cmd=()

pool_ns=()
if unshare --pid --fork --mount-proc --kill-child true 2> /dev/null; then
  pool_ns=(unshare --pid --fork --mount-proc --kill-child)
fi

pool_jobs() {
  local n=${TEST_JOBS:-$(( $(nproc 2>/dev/null || echo 1) + 1 ))}
  case $n in '' | *[!0-9]* | 0) n=1 ;; esac
  [ "${#pool_ns[@]}" -gt 0 ] || n=1
  echo "$n"
}

pool_count() { # label exit-code
  if [ "$2" = 0 ]; then
    pool_passed=$((pool_passed + 1))
  else
    pool_failed=$((pool_failed + 1)); pool_failures+=("$1")
  fi
}

# pool_count_unit LABEL LOG EXIT-CODE: one count per cmocka case, from the
# "unit (BUILD): N passed, M failed" line; a run that stopped before it
# counts as one failure.
pool_count_unit() {
  local p f
  p=$(sed -n 's/^unit ([^)]*): \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$2")
  f=$(sed -n 's/^unit ([^)]*): \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$2")
  pool_passed=$((pool_passed + ${p:-0}))
  pool_failed=$((pool_failed + ${f:-0}))
  if [ "$3" != 0 ]; then
    pool_failures+=("$1"); [ "${f:-0}" != 0 ] || pool_failed=$((pool_failed + 1))
  fi
}

pool_queue() { # kind label [VAR=VALUE...] -- cmd...
  local kind=$1 label=$2 cmd="${pool_ns[*]} env TEST_JOBS=1"
  shift 2
  while [ "$#" -gt 0 ] && [ "$1" != -- ]; do cmd+=" $(printf '%q' "$1")"; shift; done
  [ "$#" -gt 0 ] && shift
  [ "$#" -gt 0 ] || { echo "pool_add $label: no command" >&2; return 1; }
  cmd+=" $(printf '%q ' "$@")"
  pool_kind+=("$kind"); pool_label+=("$label"); pool_cmd+=("$cmd")
}
pool_add() { pool_queue script "$@"; }
pool_add_unit() { pool_queue unit "$@"; }
pool_section() { pool_kind+=(section); pool_label+=("$*"); pool_cmd+=(:); }

pool_run() {
  local dir jobs i n=${#pool_kind[@]} next=0 started=0 secs=0 rc ms
  dir=$(mktemp -d)
  jobs=$(pool_jobs)

  pool_done() { local f c=0; for f in "$dir"/*.rc; do [ -e "$f" ] && c=$((c + 1)); done; echo "$c"; }
  pool_flush() {
    while [ "$next" -lt "$n" ] && [ -f "$dir/$next.rc" ]; do
      read -r rc ms < "$dir/$next.rc"
      case ${pool_kind[$next]} in
        section) printf '\n== %s\n' "${pool_label[$next]}" ;;
        unit)
          cat "$dir/$next.out"
          pool_count_unit "${pool_label[$next]}" "$dir/$next.out" "$rc" ;;
        *)
          if [ "$rc" = 0 ]; then
            printf 'ok    %-44s %6d ms\n' "${pool_label[$next]}" "$ms"
          else
            printf 'FAIL  %s (exit %s, %d ms)\n' "${pool_label[$next]}" "$rc" "$ms"
            tail -25 "$dir/$next.out" | sed 's/^/      /'
          fi
          pool_count "${pool_label[$next]}" "$rc" ;;
      esac
      next=$((next + 1))
    done
  }

  for ((i = 0; i < n; i++)); do
    if [ "${pool_kind[$i]}" = section ]; then
      echo "0 0" > "$dir/$i.rc"
      secs=$((secs + 1))
      pool_flush
      continue
    fi
    while [ $((started + secs - $(pool_done))) -ge "$jobs" ]; do
      wait -n 2>/dev/null || sleep 0.2
      pool_flush
    done
    started=$((started + 1))
    (
      start=$(date +%s%N)
      eval "${pool_cmd[$i]}" > "$dir/$i.out" 2>&1 < /dev/null
      r=$?
      # written whole, then renamed: the reader never sees half a line
      echo "$r $(( ($(date +%s%N) - start) / 1000000 ))" > "$dir/$i.tmp"
      mv "$dir/$i.tmp" "$dir/$i.rc"
    ) &
  done
  while [ "$next" -lt "$n" ]; do
    wait -n 2>/dev/null || sleep 0.2
    pool_flush
  done
  wait
  rm -rf "$dir"
  pool_kind=() pool_label=() pool_cmd=()
}

# pool_order SCRIPT...: the scripts, the longest first (by the names in
# tests/e2e/slow, longest at the top), so that the last to start are
# short ones and the cores stay busy to the end.
pool_order() {
  local slow=() s t
  mapfile -t slow < <(sed -n 's/^\(test_[a-z0-9_]*\.sh\)$/\1/p' "$(dirname "${BASH_SOURCE[0]}")/e2e/slow")
  for s in "${slow[@]}"; do
    for t in "$@"; do [ "$(basename "$t")" = "$s" ] && echo "$t"; done
  done
  for t in "$@"; do
    case " ${slow[*]} " in *" $(basename "$t") "*) ;; *) echo "$t" ;; esac
  done
}
