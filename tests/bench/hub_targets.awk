# The hub's targets against this run's lines of hub_bench.sh and
# hub_scale.sh (stdin): ingest at 2,000 uploads/s on the machine's 2 cores,
# judged by hub CPU per upload (the rate on a shared machine is the
# machine's), every statistics query and report under 100 ms, start
# within 1 s. A markdown table on stdout; where each miss is explained,
# the hand-written sections below it.
# pgconf LINE: "1 process", "2 processes behind nginx"; pgnum LINE WORDS:
# the number just before WORDS.
function pgconf(line) { sub(/^hub pg ingest, /, "", line); sub(/: .*/, "", line); return line }
function pgnum(line, words,  i) {
  i = index(line, " " words); line = substr(line, 1, i - 1); sub(/.* /, "", line); return line + 0
}
function row(what, got, target, unit, ratio) {
  printf "| %s | %s %s | %s %s | %s |\n", what, got, unit, target, unit,
    ratio <= 1 ? "met" : sprintf("**missed**, %.2f×", ratio)
}
BEGIN {
  print "| Hub target (this run) | measured | target | |"
  print "|---|---:|---:|---|"
}
/^hub ingest: [0-9.]+ ms of hub CPU per upload/ { cpu = $3 }
/^hub ingest: load generator [0-9.]+ ms/ { gen = $5 }
/^hub ingest: [0-9]+ uploads\/s/ { rate = $3 }
/^hub scale: serving after [0-9]+ ms/ { serving = $5 }
# tests/bench/hub_pg.sh: per configuration (1 process, N behind nginx),
# the hub's, the PostgreSQL server's (and nginx's) CPU per upload, together
# judged against the same budget; its queries beside SQLite's on a smaller province.
/^hub pg ingest, [0-9]+ process.*: [0-9.]+ ms of hub CPU per upload/ {
  c = pgconf($0); if (!(c in pgcpu)) pgorder[++npg] = c
  pgcpu[c] = pgnum($0, "ms of hub CPU")
}
/^hub pg ingest, [0-9]+ process.*: [0-9.]+ ms of PostgreSQL server CPU/ { pgsrv[pgconf($0)] = pgnum($0, "ms of PostgreSQL") }
/^hub pg ingest, [0-9]+ process.*: [0-9.]+ ms of nginx CPU/ { pgngx[pgconf($0)] = pgnum($0, "ms of nginx") }
/^hub pg ingest, [0-9]+ process.*: [0-9]+ uploads\/s/ { pgrate[pgconf($0)] = pgnum($0, "uploads/s") }
/^hub pg province: [0-9]+ kiosks x [0-9]+ days/ { pgprov = $4 " kiosks × " $7 " days" }
/^hub pg (stats |quarterly report).* ratio [0-9.]+$/ {
  line = $0; sub(/^hub pg /, "", line); sub(/ +SQLite .*/, "", line)
  npq++; pqname[npq] = line; pqms[npq] = $(NF - 3)
}
/^(stats|quarterly report)/ {
  line = $0
  sub(/ +\(median.*/, "", line)
  if (!match(line, / +[0-9.]+ ms$/)) next
  ms = substr(line, RSTART); gsub(/[^0-9.]/, "", ms)
  nq++; qname[nq] = substr(line, 1, RSTART - 1); qms[nq] = ms
}
END {
  if (cpu != "") {
    # 2 cores: 1,000 ms of CPU per second each, less the load generator's
    budget = 2000 / 2000 - gen
    row("Ingest, hub CPU per upload for 2,000/s on 2 cores (" rate " uploads/s measured on the shared machine)",
        cpu, sprintf("%.2f", budget), "ms", cpu / budget)
  }
  for (i = 1; i <= npg; i++) {
    # The generator's share as in the SQLite run: at a few uploads a
    # second its own per-upload cost is mostly its start.
    c = pgorder[i]; b = 2000 / 2000 - gen
    t = pgcpu[c] + pgsrv[c] + pgngx[c]
    row("Ingest on PostgreSQL, " c ": hub " pgcpu[c] " + server " pgsrv[c] \
        (c ~ /nginx/ ? " + nginx " pgngx[c] : "") " ms CPU per upload for 2,000/s on 2 cores (" \
        pgrate[c] " uploads/s measured)", sprintf("%.2f", t), sprintf("%.2f", b), "ms", t / b)
  }
  for (i = 1; i <= npq; i++)
    row("PostgreSQL, " pgprov ": " pqname[i] " (wall, median of 5)", pqms[i], 100, "ms", pqms[i] / 100)
  if (serving != "") row("Start to serving, generated province", serving, 1000, "ms", serving / 1000)
  for (i = 1; i <= nq; i++)
    row(qname[i] " (wall, median of 5)", qms[i], 100, "ms", qms[i] / 100)
}
