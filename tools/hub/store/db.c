#include "hub/store/db_sql.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hub/base/clock.h"
#include "hub/base/disk.h"
#include "hub/store/commitq.h"
#include "hub/store/dbx.h"
#include "hub/store/pgschema.h"
#include "hub/store/provtotals.h"
#include "hub/store/tokens.h"

#define HUB_DB_BUSY_TIMEOUT_MS 5000
#define HUB_DB_CACHE_KIB 131072 /* 128 MiB of pages, at most */
#define HUB_DB_SQL_WAL_LIMIT "PRAGMA journal_size_limit=67108864" /* 64 MiB */

/* Schema version 1. Snapshot rows are keyed by (install_id, day) through
 * the *_kiosk indexes, which is how an upload replaces a day; the *_day
 * indexes serve statistics over a date range and a unit. Codes and tokens
 * are stored as SHA-256 digests only. */
static const char hub_db_schema_v1[] =
    "CREATE TABLE units("
    " code TEXT PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " parent TEXT REFERENCES units(code),"
    " created_at INTEGER NOT NULL);"
    "CREATE INDEX units_parent ON units(parent);"
    "CREATE TABLE enroll_codes("
    " hash BLOB PRIMARY KEY,"
    " unit TEXT NOT NULL REFERENCES units(code),"
    " created_at INTEGER NOT NULL,"
    " expires_at INTEGER NOT NULL,"
    " used_at INTEGER,"
    " used_by TEXT);"
    "CREATE TABLE kiosks("
    " install_id TEXT PRIMARY KEY,"
    " unit TEXT NOT NULL REFERENCES units(code),"
    " counter TEXT NOT NULL DEFAULT '',"
    " version TEXT NOT NULL DEFAULT '',"
    " secret_hash BLOB NOT NULL,"
    " enrolled_at INTEGER NOT NULL,"
    " last_seen_at INTEGER,"
    " revoked_at INTEGER);"
    "CREATE TABLE tokens("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " hash BLOB NOT NULL UNIQUE,"
    " scope_unit TEXT REFERENCES units(code),"
    " created_at INTEGER NOT NULL,"
    " revoked_at INTEGER);"
    "CREATE TABLE day_snapshots("
    " install_id TEXT NOT NULL,"
    " day TEXT NOT NULL,"
    " upto_seq INTEGER NOT NULL,"
    " estimated INTEGER NOT NULL,"
    " upload_id TEXT NOT NULL,"
    " received_at INTEGER NOT NULL,"
    " PRIMARY KEY(install_id, day)) WITHOUT ROWID;"
    "CREATE TABLE day_responses("
    " install_id TEXT NOT NULL,"
    " day TEXT NOT NULL,"
    " unit TEXT NOT NULL,"
    " counter TEXT NOT NULL,"
    " officer TEXT NOT NULL,"
    " field TEXT NOT NULL,"
    " instrument TEXT NOT NULL,"
    " version INTEGER NOT NULL,"
    " complete INTEGER NOT NULL,"
    " partial INTEGER NOT NULL,"
    " suppressed INTEGER NOT NULL);"
    "CREATE INDEX day_responses_kiosk ON day_responses(install_id, day);"
    "CREATE INDEX day_responses_day ON day_responses(day, unit);"
    "CREATE TABLE day_answers("
    " install_id TEXT NOT NULL,"
    " day TEXT NOT NULL,"
    " unit TEXT NOT NULL,"
    " counter TEXT NOT NULL,"
    " officer TEXT NOT NULL,"
    " field TEXT NOT NULL,"
    " instrument TEXT NOT NULL,"
    " version INTEGER NOT NULL,"
    " partial INTEGER NOT NULL,"
    " question TEXT NOT NULL,"
    " element TEXT NOT NULL,"
    " answer TEXT NOT NULL,"
    " n INTEGER NOT NULL);"
    "CREATE INDEX day_answers_kiosk ON day_answers(install_id, day);"
    "CREATE INDEX day_answers_day ON day_answers(day, unit);"
    "CREATE TABLE heartbeats("
    " install_id TEXT PRIMARY KEY,"
    " seen_at INTEGER NOT NULL,"
    " body TEXT NOT NULL);"
    "CREATE TABLE audit("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " at INTEGER NOT NULL,"
    " actor TEXT NOT NULL,"
    " action TEXT NOT NULL,"
    " detail TEXT NOT NULL DEFAULT '');";

/* Schema version 2: the unit tree with history, and summaries for
 * statistics.
 *
 * units.merged_into / merged_from: from that local date the unit is part
 * of another one (its ratings keep its own code). unit_changes: every
 * rename, move and merge with the date it takes effect and the value it
 * replaced, so the tree can be seen as it stood on any date.
 *
 * stat_day_*: complete answers and response counts per day and unit;
 * stat_month_*: the same per month and unit; stat_staff_*: per unit,
 * month, counter and officer. Triggers on the snapshot rows keep them
 * equal to the sums of day_responses and day_answers at every commit: an
 * upload replaces a day by deleting its rows and inserting the new ones,
 * and each row adds or takes away exactly what it holds. "rows" counts the snapshot rows behind a summary row,
 * which is dropped when it reaches 0, so a summary row exists exactly when
 * a snapshot row does. Existing rows are summed in at migration. */
#define HUB_DB_DAY_KEY_OLD                                                \
    "day = old.day AND unit = old.unit"                                   \
    " AND field = old.field AND instrument = old.instrument"
#define HUB_DB_MONTH_KEY_NEW                                              \
    "substr(new.day, 1, 7), new.unit, new.field, new.instrument"
#define HUB_DB_MONTH_KEY_OLD                                              \
    "month = substr(old.day, 1, 7) AND unit = old.unit"                   \
    " AND field = old.field AND instrument = old.instrument"
#define HUB_DB_STAFF_KEY_OLD                                              \
    "unit = old.unit AND month = substr(old.day, 1, 7)"                   \
    " AND counter = old.counter AND officer = old.officer"                \
    " AND field = old.field AND instrument = old.instrument"
#define HUB_DB_ANSWER_KEY_OLD                                             \
    " AND question = old.question AND element = old.element"              \
    " AND answer = old.answer"
#define HUB_DB_RESP_ADD                                                   \
    "INSERT INTO stat_day_responses(day, unit, field, instrument,"        \
    " complete, partial, suppressed, rows) SELECT new.day, new.unit,"     \
    " new.field, new.instrument, new.complete, new.partial,"              \
    " new.suppressed, 1 WHERE 1"                                          \
    " ON CONFLICT(day, unit, field, instrument) DO UPDATE SET"            \
    " complete = complete + excluded.complete,"                           \
    " partial = partial + excluded.partial,"                              \
    " suppressed = suppressed + excluded.suppressed, rows = rows + 1;"    \
    "INSERT INTO stat_month_responses(month, unit, field, instrument,"    \
    " complete, partial, suppressed, rows) SELECT " HUB_DB_MONTH_KEY_NEW  \
    ", new.complete, new.partial, new.suppressed, 1 WHERE 1"              \
    " ON CONFLICT(month, unit, field, instrument) DO UPDATE SET"          \
    " complete = complete + excluded.complete,"                           \
    " partial = partial + excluded.partial,"                              \
    " suppressed = suppressed + excluded.suppressed, rows = rows + 1;"    \
    "INSERT INTO stat_staff_responses(unit, month, counter, officer,"     \
    " field, instrument, complete, partial, suppressed, rows)"            \
    " SELECT new.unit, substr(new.day, 1, 7), new.counter, new.officer,"  \
    " new.field, new.instrument, new.complete, new.partial,"              \
    " new.suppressed, 1 WHERE 1"                                          \
    " ON CONFLICT(unit, month, counter, officer, field, instrument)"      \
    " DO UPDATE SET complete = complete + excluded.complete,"             \
    " partial = partial + excluded.partial,"                              \
    " suppressed = suppressed + excluded.suppressed, rows = rows + 1;"
#define HUB_DB_RESP_DROP                                                  \
    "UPDATE stat_day_responses SET complete = complete - old.complete,"   \
    " partial = partial - old.partial,"                                   \
    " suppressed = suppressed - old.suppressed, rows = rows - 1"          \
    " WHERE " HUB_DB_DAY_KEY_OLD ";"                                      \
    "UPDATE stat_month_responses SET complete = complete - old.complete," \
    " partial = partial - old.partial,"                                   \
    " suppressed = suppressed - old.suppressed, rows = rows - 1"          \
    " WHERE " HUB_DB_MONTH_KEY_OLD ";"                                    \
    "UPDATE stat_staff_responses SET complete = complete - old.complete," \
    " partial = partial - old.partial,"                                   \
    " suppressed = suppressed - old.suppressed, rows = rows - 1"          \
    " WHERE " HUB_DB_STAFF_KEY_OLD ";"
#define HUB_DB_ANS_ADD                                                    \
    "INSERT INTO stat_day_answers(day, unit, field, instrument, question," \
    " element, answer, n, rows) SELECT new.day, new.unit, new.field,"     \
    " new.instrument, new.question, new.element, new.answer, new.n, 1"    \
    " WHERE new.partial = 0 ON CONFLICT(day, unit, field, instrument,"    \
    " question, element, answer) DO UPDATE SET n = n + excluded.n,"       \
    " rows = rows + 1;"                                                   \
    "INSERT INTO stat_month_answers(month, unit, field, instrument,"      \
    " question, element, answer, n, rows) SELECT " HUB_DB_MONTH_KEY_NEW   \
    ", new.question, new.element, new.answer, new.n, 1"                   \
    " WHERE new.partial = 0 ON CONFLICT(month, unit, field, instrument,"  \
    " question, element, answer) DO UPDATE SET n = n + excluded.n,"       \
    " rows = rows + 1;"                                                   \
    "INSERT INTO stat_staff_answers(unit, month, counter, officer, field," \
    " instrument, question, element, answer, n, rows) SELECT new.unit,"   \
    " substr(new.day, 1, 7), new.counter, new.officer, new.field,"        \
    " new.instrument, new.question, new.element, new.answer, new.n, 1"    \
    " WHERE new.partial = 0 ON CONFLICT(unit, month, counter, officer,"   \
    " field, instrument, question, element, answer) DO UPDATE SET"        \
    " n = n + excluded.n, rows = rows + 1;"
#define HUB_DB_ANS_DROP                                                   \
    "UPDATE stat_day_answers SET n = n - old.n, rows = rows - 1"          \
    " WHERE old.partial = 0 AND " HUB_DB_DAY_KEY_OLD                      \
    HUB_DB_ANSWER_KEY_OLD ";"                                             \
    "UPDATE stat_month_answers SET n = n - old.n, rows = rows - 1"        \
    " WHERE old.partial = 0 AND " HUB_DB_MONTH_KEY_OLD                    \
    HUB_DB_ANSWER_KEY_OLD ";"                                             \
    "UPDATE stat_staff_answers SET n = n - old.n, rows = rows - 1"        \
    " WHERE old.partial = 0 AND " HUB_DB_STAFF_KEY_OLD                    \
    HUB_DB_ANSWER_KEY_OLD ";"

/* A summary row goes when its last snapshot row goes: a trigger on the
 * summary itself, so the common case (rows still above 0) costs no
 * second lookup. */
#define HUB_DB_GONE(table, key)                                           \
    "CREATE TRIGGER " table "_gone AFTER UPDATE OF rows ON " table        \
    " WHEN new.rows <= 0 BEGIN DELETE FROM " table " WHERE " key "; END;"
#define HUB_DB_KEY_NEW(first)                                             \
    first " AND unit = new.unit AND field = new.field"                    \
    " AND instrument = new.instrument"
#define HUB_DB_STAFF_KEY_NEW                                              \
    "unit = new.unit AND month = new.month AND counter = new.counter"     \
    " AND officer = new.officer AND field = new.field"                    \
    " AND instrument = new.instrument"
#define HUB_DB_ANSWER_KEY_NEW                                             \
    " AND question = new.question AND element = new.element"              \
    " AND answer = new.answer"

static const char hub_db_schema_v2[] =
    "ALTER TABLE units ADD COLUMN merged_into TEXT REFERENCES units(code);"
    "ALTER TABLE units ADD COLUMN merged_from TEXT;"
    "CREATE TABLE unit_changes("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " code TEXT NOT NULL REFERENCES units(code),"
    " kind TEXT NOT NULL CHECK(kind IN ('rename', 'move', 'merge')),"
    " valid_from TEXT NOT NULL,"
    " old_value TEXT NOT NULL,"
    " new_value TEXT NOT NULL,"
    " recorded_at INTEGER NOT NULL,"
    " actor TEXT NOT NULL);"
    "CREATE INDEX unit_changes_code ON unit_changes(code, valid_from, id);"
    "CREATE TABLE stat_day_responses("
    " day TEXT NOT NULL, unit TEXT NOT NULL, field TEXT NOT NULL,"
    " instrument TEXT NOT NULL, complete INTEGER NOT NULL,"
    " partial INTEGER NOT NULL, suppressed INTEGER NOT NULL,"
    " rows INTEGER NOT NULL,"
    " PRIMARY KEY(day, unit, field, instrument)) WITHOUT ROWID;"
    "CREATE TABLE stat_day_answers("
    " day TEXT NOT NULL, unit TEXT NOT NULL, field TEXT NOT NULL,"
    " instrument TEXT NOT NULL, question TEXT NOT NULL,"
    " element TEXT NOT NULL, answer TEXT NOT NULL, n INTEGER NOT NULL,"
    " rows INTEGER NOT NULL,"
    " PRIMARY KEY(day, unit, field, instrument, question, element,"
    " answer)) WITHOUT ROWID;"
    "CREATE TABLE stat_month_responses("
    " month TEXT NOT NULL, unit TEXT NOT NULL, field TEXT NOT NULL,"
    " instrument TEXT NOT NULL, complete INTEGER NOT NULL,"
    " partial INTEGER NOT NULL, suppressed INTEGER NOT NULL,"
    " rows INTEGER NOT NULL,"
    " PRIMARY KEY(month, unit, field, instrument)) WITHOUT ROWID;"
    "CREATE TABLE stat_month_answers("
    " month TEXT NOT NULL, unit TEXT NOT NULL, field TEXT NOT NULL,"
    " instrument TEXT NOT NULL, question TEXT NOT NULL,"
    " element TEXT NOT NULL, answer TEXT NOT NULL, n INTEGER NOT NULL,"
    " rows INTEGER NOT NULL,"
    " PRIMARY KEY(month, unit, field, instrument, question, element,"
    " answer)) WITHOUT ROWID;"
    "CREATE TABLE stat_staff_responses("
    " unit TEXT NOT NULL, month TEXT NOT NULL, counter TEXT NOT NULL,"
    " officer TEXT NOT NULL, field TEXT NOT NULL, instrument TEXT NOT NULL,"
    " complete INTEGER NOT NULL, partial INTEGER NOT NULL,"
    " suppressed INTEGER NOT NULL, rows INTEGER NOT NULL,"
    " PRIMARY KEY(unit, month, counter, officer, field, instrument))"
    " WITHOUT ROWID;"
    "CREATE TABLE stat_staff_answers("
    " unit TEXT NOT NULL, month TEXT NOT NULL, counter TEXT NOT NULL,"
    " officer TEXT NOT NULL, field TEXT NOT NULL, instrument TEXT NOT NULL,"
    " question TEXT NOT NULL, element TEXT NOT NULL, answer TEXT NOT NULL,"
    " n INTEGER NOT NULL, rows INTEGER NOT NULL,"
    " PRIMARY KEY(unit, month, counter, officer, field, instrument,"
    " question, element, answer)) WITHOUT ROWID;"
    HUB_DB_GONE("stat_day_responses", HUB_DB_KEY_NEW("day = new.day"))
    HUB_DB_GONE("stat_month_responses", HUB_DB_KEY_NEW("month = new.month"))
    HUB_DB_GONE("stat_staff_responses", HUB_DB_STAFF_KEY_NEW)
    HUB_DB_GONE("stat_day_answers",
                HUB_DB_KEY_NEW("day = new.day") HUB_DB_ANSWER_KEY_NEW)
    HUB_DB_GONE("stat_month_answers",
                HUB_DB_KEY_NEW("month = new.month") HUB_DB_ANSWER_KEY_NEW)
    HUB_DB_GONE("stat_staff_answers",
                HUB_DB_STAFF_KEY_NEW HUB_DB_ANSWER_KEY_NEW)
    "CREATE TRIGGER stat_responses_add AFTER INSERT ON day_responses"
    " BEGIN " HUB_DB_RESP_ADD " END;"
    "CREATE TRIGGER stat_responses_drop AFTER DELETE ON day_responses"
    " BEGIN " HUB_DB_RESP_DROP " END;"
    "CREATE TRIGGER stat_responses_change AFTER UPDATE ON day_responses"
    " BEGIN " HUB_DB_RESP_DROP HUB_DB_RESP_ADD " END;"
    "CREATE TRIGGER stat_answers_add AFTER INSERT ON day_answers"
    " BEGIN " HUB_DB_ANS_ADD " END;"
    "CREATE TRIGGER stat_answers_drop AFTER DELETE ON day_answers"
    " BEGIN " HUB_DB_ANS_DROP " END;"
    "CREATE TRIGGER stat_answers_change AFTER UPDATE ON day_answers"
    " BEGIN " HUB_DB_ANS_DROP HUB_DB_ANS_ADD " END;"
    "INSERT INTO stat_day_responses SELECT day, unit, field, instrument,"
    " sum(complete), sum(partial), sum(suppressed), count(*)"
    " FROM day_responses GROUP BY 1, 2, 3, 4;"
    "INSERT INTO stat_day_answers SELECT day, unit, field, instrument,"
    " question, element, answer, sum(n), count(*) FROM day_answers"
    " WHERE partial = 0 GROUP BY 1, 2, 3, 4, 5, 6, 7;"
    "INSERT INTO stat_month_responses SELECT substr(day, 1, 7), unit,"
    " field, instrument, sum(complete), sum(partial), sum(suppressed),"
    " count(*) FROM day_responses GROUP BY 1, 2, 3, 4;"
    "INSERT INTO stat_staff_responses SELECT unit, substr(day, 1, 7),"
    " counter, officer, field, instrument, sum(complete), sum(partial),"
    " sum(suppressed), count(*) FROM day_responses"
    " GROUP BY 1, 2, 3, 4, 5, 6;"
    "INSERT INTO stat_month_answers SELECT substr(day, 1, 7), unit, field,"
    " instrument, question, element, answer, sum(n), count(*)"
    " FROM day_answers WHERE partial = 0 GROUP BY 1, 2, 3, 4, 5, 6, 7;"
    "INSERT INTO stat_staff_answers SELECT unit, substr(day, 1, 7),"
    " counter, officer, field, instrument, question, element, answer,"
    " sum(n), count(*) FROM day_answers WHERE partial = 0"
    " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;";

/* Schema version 3: analyst tokens expire (expires_at, Unix ms), a
 * rotated token names its successor (replaced_by), and the hub keeps the
 * last time each was used. Tokens made before have no expiry: they get
 * HUB_TOKENS_MIGRATED_DAYS from the migration, not from their creation,
 * so an upgrade never locks every analyst out at once. */
static const char hub_db_schema_v3[] =
    "ALTER TABLE tokens ADD COLUMN expires_at INTEGER;"
    "ALTER TABLE tokens ADD COLUMN last_used_at INTEGER;"
    "ALTER TABLE tokens ADD COLUMN replaced_by INTEGER;";
static const char hub_db_sql_expire_old_tokens[] =
    "UPDATE tokens SET expires_at = ?1 WHERE expires_at IS NULL";

static int hub_db_seed_v3(sqldb_t *sql, void *ctx)
{
    sqlite3_stmt *st;
    int rc = SQLITE_OK;

    (void)ctx;
    st = sqldb_stmt(sql, hub_db_sql_expire_old_tokens);
    if (!st)
        return SQLITE_ERROR;
    sqldb_bind_int64(st, 1,
                     hub_clock_now_ms() +
                         HUB_TOKENS_MIGRATED_DAYS * HUB_TOKENS_DAY_MS,
                     &rc);
    return sqldb_run(sql, st, rc, "expire old tokens");
}

/* Schema version 4: rows of units the hub does not know are test
 * ratings kiosks recorded before enrollment (the demo unit); ingest has
 * left them out since, and those taken before go now, with the days made
 * only of them (they were no days of service). The triggers take them out
 * of the summaries too. */
#define HUB_DB_UNKNOWN_UNIT "unit NOT IN (SELECT code FROM units)"
#define HUB_DB_SAME_DAY(t)                                                \
    t ".install_id = day_snapshots.install_id AND " t                     \
    ".day = day_snapshots.day"
static const char hub_db_schema_v4[] =
    "DELETE FROM day_snapshots WHERE"
    " EXISTS (SELECT 1 FROM day_responses r WHERE " HUB_DB_SAME_DAY("r")
    "  AND r." HUB_DB_UNKNOWN_UNIT ")"
    " AND NOT EXISTS (SELECT 1 FROM day_responses r WHERE "
    HUB_DB_SAME_DAY("r") " AND r.unit IN (SELECT code FROM units))"
    " AND NOT EXISTS (SELECT 1 FROM day_answers a WHERE "
    HUB_DB_SAME_DAY("a") " AND a.unit IN (SELECT code FROM units));"
    "DELETE FROM day_responses WHERE " HUB_DB_UNKNOWN_UNIT ";"
    "DELETE FROM day_answers WHERE " HUB_DB_UNKNOWN_UNIT ";";

/* Schema version 5: a token may carry the audit role, which lets its
 * holder ask for officer figures below the server's min_group floor
 * (docs/STATS_API.md). Every token made before is an ordinary one. */
static const char hub_db_schema_v5[] =
    "ALTER TABLE tokens ADD COLUMN audit INTEGER NOT NULL DEFAULT 0;";

/* Schema version 6: dossier-bound ratings, one row per rating as a log
 * (store/dossiers.h). rev is the export's cursor: AUTOINCREMENT so a
 * revision is never handed out twice, even after the last row goes.
 * IF NOT EXISTS: a database whose user_version was set back by hand (an
 * old backup's version restored over a newer file) still opens. */
static const char hub_db_schema_v6[] =
    "CREATE TABLE IF NOT EXISTS dossier_ratings("
    " rev INTEGER PRIMARY KEY AUTOINCREMENT,"
    " install_id TEXT NOT NULL, seq INTEGER NOT NULL,"
    " dossier TEXT NOT NULL, at INTEGER NOT NULL, day TEXT NOT NULL,"
    " estimated INTEGER NOT NULL, unit TEXT NOT NULL, field TEXT NOT NULL,"
    " instrument TEXT NOT NULL, version INTEGER NOT NULL,"
    " partial INTEGER NOT NULL, satisfied INTEGER, answers TEXT NOT NULL,"
    " corrects INTEGER, upload_id TEXT NOT NULL,"
    " received_at INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS dossier_ratings_response"
    " ON dossier_ratings(install_id, seq, rev);"
    "CREATE INDEX IF NOT EXISTS dossier_ratings_corrects"
    " ON dossier_ratings(corrects) WHERE corrects IS NOT NULL;"
    "CREATE INDEX IF NOT EXISTS dossier_ratings_day"
    " ON dossier_ratings(day, unit);";

/* Schema version 7: partial responses count for the questions they
 * answered (domain §3d), so the answer summaries hold their answers too,
 * apart: n = answers of complete responses (as before), pn = answers of
 * partial ones. The answer triggers are replaced by ones that add both,
 * and the partial rows already held are summed in (hub_db_seed_v7). */
#define HUB_DB_V7_N(r) "CASE WHEN " r ".partial = 0 THEN " r ".n ELSE 0 END"
#define HUB_DB_V7_PN(r) "CASE WHEN " r ".partial = 0 THEN 0 ELSE " r ".n END"
#define HUB_DB_V7_ANS_ADD                                                 \
    "INSERT INTO stat_day_answers(day, unit, field, instrument, question," \
    " element, answer, n, pn, rows) SELECT new.day, new.unit, new.field,"  \
    " new.instrument, new.question, new.element, new.answer, "            \
    HUB_DB_V7_N("new") ", " HUB_DB_V7_PN("new") ", 1"                     \
    " WHERE 1 ON CONFLICT(day, unit, field, instrument,"                  \
    " question, element, answer) DO UPDATE SET n = n + excluded.n,"       \
    " pn = pn + excluded.pn, rows = rows + 1;"                            \
    "INSERT INTO stat_month_answers(month, unit, field, instrument,"      \
    " question, element, answer, n, pn, rows) SELECT "                    \
    HUB_DB_MONTH_KEY_NEW ", new.question, new.element, new.answer, "      \
    HUB_DB_V7_N("new") ", " HUB_DB_V7_PN("new") ", 1"                     \
    " WHERE 1 ON CONFLICT(month, unit, field, instrument,"                \
    " question, element, answer) DO UPDATE SET n = n + excluded.n,"       \
    " pn = pn + excluded.pn, rows = rows + 1;"                            \
    "INSERT INTO stat_staff_answers(unit, month, counter, officer, field," \
    " instrument, question, element, answer, n, pn, rows) SELECT"         \
    " new.unit, substr(new.day, 1, 7), new.counter, new.officer,"         \
    " new.field, new.instrument, new.question, new.element, new.answer, " \
    HUB_DB_V7_N("new") ", " HUB_DB_V7_PN("new") ", 1"                     \
    " WHERE 1 ON CONFLICT(unit, month, counter, officer,"                 \
    " field, instrument, question, element, answer) DO UPDATE SET"        \
    " n = n + excluded.n, pn = pn + excluded.pn, rows = rows + 1;"
#define HUB_DB_V7_ANS_SET                                                 \
    " SET n = n - " HUB_DB_V7_N("old") ", pn = pn - " HUB_DB_V7_PN("old") \
    ", rows = rows - 1 WHERE "
#define HUB_DB_V7_ANS_DROP                                                \
    "UPDATE stat_day_answers" HUB_DB_V7_ANS_SET HUB_DB_DAY_KEY_OLD        \
    HUB_DB_ANSWER_KEY_OLD ";"                                             \
    "UPDATE stat_month_answers" HUB_DB_V7_ANS_SET HUB_DB_MONTH_KEY_OLD    \
    HUB_DB_ANSWER_KEY_OLD ";"                                             \
    "UPDATE stat_staff_answers" HUB_DB_V7_ANS_SET HUB_DB_STAFF_KEY_OLD    \
    HUB_DB_ANSWER_KEY_OLD ";"
static const char hub_db_sql_v7_partial[] =
    "ALTER TABLE stat_day_answers ADD COLUMN pn INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE stat_month_answers ADD COLUMN pn INTEGER NOT NULL"
    " DEFAULT 0;"
    "ALTER TABLE stat_staff_answers ADD COLUMN pn INTEGER NOT NULL"
    " DEFAULT 0;"
    "DROP TRIGGER stat_answers_add;"
    "DROP TRIGGER stat_answers_drop;"
    "DROP TRIGGER stat_answers_change;"
    "CREATE TRIGGER stat_answers_add AFTER INSERT ON day_answers"
    " BEGIN " HUB_DB_V7_ANS_ADD " END;"
    "CREATE TRIGGER stat_answers_drop AFTER DELETE ON day_answers"
    " BEGIN " HUB_DB_V7_ANS_DROP " END;"
    "CREATE TRIGGER stat_answers_change AFTER UPDATE ON day_answers"
    " BEGIN " HUB_DB_V7_ANS_DROP HUB_DB_V7_ANS_ADD " END;"
    "INSERT INTO stat_day_answers(day, unit, field, instrument, question,"
    " element, answer, n, pn, rows) SELECT day, unit, field, instrument,"
    " question, element, answer, 0, sum(n), count(*) FROM day_answers"
    " WHERE partial <> 0 GROUP BY 1, 2, 3, 4, 5, 6, 7"
    " ON CONFLICT(day, unit, field, instrument, question, element, answer)"
    " DO UPDATE SET pn = pn + excluded.pn, rows = rows + excluded.rows;"
    "INSERT INTO stat_month_answers(month, unit, field, instrument,"
    " question, element, answer, n, pn, rows) SELECT substr(day, 1, 7),"
    " unit, field, instrument, question, element, answer, 0, sum(n),"
    " count(*) FROM day_answers WHERE partial <> 0"
    " GROUP BY 1, 2, 3, 4, 5, 6, 7"
    " ON CONFLICT(month, unit, field, instrument, question, element,"
    " answer) DO UPDATE SET pn = pn + excluded.pn,"
    " rows = rows + excluded.rows;"
    "INSERT INTO stat_staff_answers(unit, month, counter, officer, field,"
    " instrument, question, element, answer, n, pn, rows) SELECT unit,"
    " substr(day, 1, 7), counter, officer, field, instrument, question,"
    " element, answer, 0, sum(n), count(*) FROM day_answers"
    " WHERE partial <> 0 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9"
    " ON CONFLICT(unit, month, counter, officer, field, instrument,"
    " question, element, answer) DO UPDATE SET pn = pn + excluded.pn,"
    " rows = rows + excluded.rows;";
static const char hub_db_sql_has_pn[] =
    "SELECT count(*) FROM pragma_table_info('stat_day_answers')"
    " WHERE name = 'pn'";

/* Summaries that already have pn (a file whose user_version was set back
 * by hand, as an operator restoring a copy might) already count partial
 * answers under the version 7 triggers: adding the column again would
 * fail the whole upgrade, summing them in again would count them twice. */
static int hub_db_seed_v7(sqldb_t *sql, void *ctx)
{
    int64_t has_pn = 0;
    int rc;

    (void)ctx;
    rc = sqldb_query_int(sql, hub_db_sql_has_pn, &has_pn);
    if (rc != SQLITE_OK || has_pn)
        return rc;
    return sqldb_exec(sql, hub_db_sql_v7_partial);
}

/* Schema version 8: per element, the responses that answered at least
 * one of its questions (upload format 2), which the figures weigh survey
 * forms by (docs/INDICES.md). day_elements holds a snapshot's rows:
 * exact = 1 as the kiosk counted them, exact = 0 one row per element the
 * day's answers name, n = 0, for a snapshot without them (older kiosks,
 * and every snapshot held before this version): the summaries count
 * those in "approx", and a figure whose rows have any falls back to the
 * approximation. The summaries mirror the answer summaries' keys, n of
 * complete responses and pn of partial ones, kept by triggers. IF NOT
 * EXISTS: as for version 6. */
#define HUB_DB_V8_VALUES(r)                                                   HUB_DB_V7_N(r) ", " HUB_DB_V7_PN(r) ", 1 - " r ".exact, 1"
#define HUB_DB_V8_SUM                                                         " DO UPDATE SET n = n + excluded.n, pn = pn + excluded.pn,"               " approx = approx + excluded.approx, rows = rows + 1;"
#define HUB_DB_V8_EL_ADD                                                      "INSERT INTO stat_day_elements(day, unit, field, instrument, element,"     " n, pn, approx, rows) SELECT new.day, new.unit, new.field,"              " new.instrument, new.element, " HUB_DB_V8_VALUES("new")                  " WHERE 1 ON CONFLICT(day, unit, field, instrument, element)"             HUB_DB_V8_SUM                                                             "INSERT INTO stat_month_elements(month, unit, field, instrument,"         " element, n, pn, approx, rows) SELECT " HUB_DB_MONTH_KEY_NEW             ", new.element, " HUB_DB_V8_VALUES("new")                                 " WHERE 1 ON CONFLICT(month, unit, field, instrument, element)"           HUB_DB_V8_SUM                                                             "INSERT INTO stat_staff_elements(unit, month, counter, officer,"          " field, instrument, element, n, pn, approx, rows) SELECT new.unit,"      " substr(new.day, 1, 7), new.counter, new.officer, new.field,"            " new.instrument, new.element, " HUB_DB_V8_VALUES("new")                  " WHERE 1 ON CONFLICT(unit, month, counter, officer, field,"              " instrument, element)" HUB_DB_V8_SUM
#define HUB_DB_V8_EL_SET                                                      " SET n = n - " HUB_DB_V7_N("old") ", pn = pn - " HUB_DB_V7_PN("old")     ", approx = approx - (1 - old.exact), rows = rows - 1 WHERE "
#define HUB_DB_V8_EL_KEY_OLD " AND element = old.element"
#define HUB_DB_V8_EL_DROP                                                     "UPDATE stat_day_elements" HUB_DB_V8_EL_SET HUB_DB_DAY_KEY_OLD            HUB_DB_V8_EL_KEY_OLD ";"                                                  "UPDATE stat_month_elements" HUB_DB_V8_EL_SET HUB_DB_MONTH_KEY_OLD        HUB_DB_V8_EL_KEY_OLD ";"                                                  "UPDATE stat_staff_elements" HUB_DB_V8_EL_SET HUB_DB_STAFF_KEY_OLD        HUB_DB_V8_EL_KEY_OLD ";"
#define HUB_DB_V8_EL_KEY_NEW " AND element = new.element"
#define HUB_DB_V8_GONE(table, key)                                            "CREATE TRIGGER IF NOT EXISTS " table "_gone AFTER UPDATE OF rows ON "     table " WHEN new.rows <= 0 BEGIN DELETE FROM " table " WHERE " key        "; END;"
static const char hub_db_schema_v8[] =
    "CREATE TABLE IF NOT EXISTS day_elements("
    " install_id TEXT NOT NULL, day TEXT NOT NULL, unit TEXT NOT NULL,"
    " counter TEXT NOT NULL, officer TEXT NOT NULL, field TEXT NOT NULL,"
    " instrument TEXT NOT NULL, version INTEGER NOT NULL,"
    " partial INTEGER NOT NULL, element TEXT NOT NULL, n INTEGER NOT NULL,"
    " exact INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS day_elements_kiosk"
    " ON day_elements(install_id, day);"
    "CREATE INDEX IF NOT EXISTS day_elements_day ON day_elements(day, unit);"
    "CREATE TABLE IF NOT EXISTS stat_day_elements("
    " day TEXT NOT NULL, unit TEXT NOT NULL, field TEXT NOT NULL,"
    " instrument TEXT NOT NULL, element TEXT NOT NULL, n INTEGER NOT NULL,"
    " pn INTEGER NOT NULL, approx INTEGER NOT NULL, rows INTEGER NOT NULL,"
    " PRIMARY KEY(day, unit, field, instrument, element)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS stat_month_elements("
    " month TEXT NOT NULL, unit TEXT NOT NULL, field TEXT NOT NULL,"
    " instrument TEXT NOT NULL, element TEXT NOT NULL, n INTEGER NOT NULL,"
    " pn INTEGER NOT NULL, approx INTEGER NOT NULL, rows INTEGER NOT NULL,"
    " PRIMARY KEY(month, unit, field, instrument, element)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS stat_staff_elements("
    " unit TEXT NOT NULL, month TEXT NOT NULL, counter TEXT NOT NULL,"
    " officer TEXT NOT NULL, field TEXT NOT NULL, instrument TEXT NOT NULL,"
    " element TEXT NOT NULL, n INTEGER NOT NULL, pn INTEGER NOT NULL,"
    " approx INTEGER NOT NULL, rows INTEGER NOT NULL,"
    " PRIMARY KEY(unit, month, counter, officer, field, instrument,"
    " element)) WITHOUT ROWID;"
    HUB_DB_V8_GONE("stat_day_elements",
                   HUB_DB_KEY_NEW("day = new.day") HUB_DB_V8_EL_KEY_NEW)
    HUB_DB_V8_GONE("stat_month_elements",
                   HUB_DB_KEY_NEW("month = new.month") HUB_DB_V8_EL_KEY_NEW)
    HUB_DB_V8_GONE("stat_staff_elements",
                   HUB_DB_STAFF_KEY_NEW HUB_DB_V8_EL_KEY_NEW)
    "CREATE TRIGGER IF NOT EXISTS stat_elements_add AFTER INSERT"
    " ON day_elements BEGIN " HUB_DB_V8_EL_ADD " END;"
    "CREATE TRIGGER IF NOT EXISTS stat_elements_drop AFTER DELETE"
    " ON day_elements BEGIN " HUB_DB_V8_EL_DROP " END;"
    "CREATE TRIGGER IF NOT EXISTS stat_elements_change AFTER UPDATE"
    " ON day_elements BEGIN " HUB_DB_V8_EL_DROP HUB_DB_V8_EL_ADD " END;"
    /* Snapshots held so far came without element counts. A file set back
     * by hand already has its rows: NOT EXISTS keeps them once. */
    "INSERT INTO day_elements SELECT DISTINCT install_id, day, unit,"
    " counter, officer, field, instrument, version, partial, element, 0, 0"
    " FROM day_answers a WHERE element <> '' AND NOT EXISTS (SELECT 1"
    " FROM day_elements e WHERE e.install_id = a.install_id"
    " AND e.day = a.day);";

/* Schema version 9: each kiosk's installation records (the report of
 * `sipasctl selftest`), newest last; store/installations.c keeps a
 * bounded history per kiosk. IF NOT EXISTS: as for version 6. */
static const char hub_db_schema_v9[] =
    "CREATE TABLE IF NOT EXISTS installations("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " install_id TEXT NOT NULL,"
    " received_at INTEGER NOT NULL,"
    " result TEXT NOT NULL,"
    " body TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS installations_kiosk"
    " ON installations(install_id, id);";

/* Schema version 10: the ingest keeps the summaries itself, one upsert
 * per summary key a day's upload changed (store/statsums.h), instead of
 * six statements per changed row. While a row is in stat_writer_sums,
 * inside that writer's transaction and never committed, the snapshot
 * triggers stand aside; every other writer (the migrations above, an
 * operator's sqlite3) finds the table empty and is kept exact by them as
 * before. The summaries themselves do not change. */
#define HUB_DB_V10_WHEN " WHEN NOT EXISTS (SELECT 1 FROM stat_writer_sums)"
#define HUB_DB_V10_TRIGGER(name, ev, table, body)                         \
    "DROP TRIGGER IF EXISTS " name ";"                                    \
    "CREATE TRIGGER " name " AFTER " ev " ON " table HUB_DB_V10_WHEN     \
    " BEGIN " body " END;"
/* A kind's three triggers, their bodies as versions 2, 7 and 8 left them. */
#define HUB_DB_V10_TRIGGERS(kind, table, add, drop)                       \
    HUB_DB_V10_TRIGGER("stat_" kind "_add", "INSERT", table, add)         \
    HUB_DB_V10_TRIGGER("stat_" kind "_drop", "DELETE", table, drop)       \
    HUB_DB_V10_TRIGGER("stat_" kind "_change", "UPDATE", table, drop add)
static const char hub_db_schema_v10[] =
    "CREATE TABLE IF NOT EXISTS stat_writer_sums("
    " one INTEGER PRIMARY KEY CHECK(one = 1));"
    HUB_DB_V10_TRIGGERS("responses", "day_responses", HUB_DB_RESP_ADD,
                        HUB_DB_RESP_DROP)
    HUB_DB_V10_TRIGGERS("answers", "day_answers", HUB_DB_V7_ANS_ADD,
                        HUB_DB_V7_ANS_DROP)
    HUB_DB_V10_TRIGGERS("elements", "day_elements", HUB_DB_V8_EL_ADD,
                        HUB_DB_V8_EL_DROP)
    /* A file whose user_version was set back by hand, with a row left
     * by nothing this program does: the triggers must be in force. */
    "DELETE FROM stat_writer_sums;";

/* Schema version 11: the same summaries per calendar year, so a
 * statistics request over whole years reads one row where the month
 * summaries have twelve (a year by unit: about 20,000 answer rows instead
 * of 230,000; its officers 3,000 staff rows instead of 169,000). Kept like
 * the others: by the ingest's own upserts (statsums.c), by the triggers
 * for every other writer. Built from the month summaries, whose sums they
 * are; emptied first, so a file whose user_version was set back by hand
 * is built again rather than counted twice. */
#define HUB_DB_V11_YEAR_NEW "substr(new.day, 1, 4)"
#define HUB_DB_V11_KEY "year, unit, field, instrument"
#define HUB_DB_V11_STAFF_KEY "unit, year, counter, officer, field, instrument"
#define HUB_DB_V11_VALS_NEW                                               \
    HUB_DB_V11_YEAR_NEW ", new.unit, new.field, new.instrument"
#define HUB_DB_V11_STAFF_VALS_NEW                                         \
    "new.unit, " HUB_DB_V11_YEAR_NEW ", new.counter, new.officer,"        \
    " new.field, new.instrument"
#define HUB_DB_V11_KEY_OLD                                                \
    "year = substr(old.day, 1, 4) AND unit = old.unit"                    \
    " AND field = old.field AND instrument = old.instrument"
#define HUB_DB_V11_STAFF_KEY_OLD                                          \
    "unit = old.unit AND year = substr(old.day, 1, 4)"                    \
    " AND counter = old.counter AND officer = old.officer"                \
    " AND field = old.field AND instrument = old.instrument"
#define HUB_DB_V11_STAFF_KEY_NEW                                          \
    "unit = new.unit AND year = new.year AND counter = new.counter"       \
    " AND officer = new.officer AND field = new.field"                    \
    " AND instrument = new.instrument"
#define HUB_DB_V11_RESP_ADD(table, key, vals)                             \
    "INSERT INTO " table "(" key ", complete, partial, suppressed, rows)" \
    " SELECT " vals ", new.complete, new.partial, new.suppressed, 1"      \
    " WHERE 1 ON CONFLICT(" key ") DO UPDATE SET"                         \
    " complete = complete + excluded.complete,"                           \
    " partial = partial + excluded.partial,"                              \
    " suppressed = suppressed + excluded.suppressed, rows = rows + 1;"
#define HUB_DB_V11_RESP_DROP(table, key_old)                              \
    "UPDATE " table " SET complete = complete - old.complete,"            \
    " partial = partial - old.partial,"                                   \
    " suppressed = suppressed - old.suppressed, rows = rows - 1"          \
    " WHERE " key_old ";"
#define HUB_DB_V11_ANS_ADD(table, key, vals)                              \
    "INSERT INTO " table "(" key ", question, element, answer, n, pn,"    \
    " rows) SELECT " vals ", new.question, new.element, new.answer, "     \
    HUB_DB_V7_N("new") ", " HUB_DB_V7_PN("new") ", 1 WHERE 1"             \
    " ON CONFLICT(" key ", question, element, answer) DO UPDATE SET"      \
    " n = n + excluded.n, pn = pn + excluded.pn, rows = rows + 1;"
#define HUB_DB_V11_ANS_DROP(table, key_old)                               \
    "UPDATE " table HUB_DB_V7_ANS_SET key_old HUB_DB_ANSWER_KEY_OLD ";"
#define HUB_DB_V11_EL_ADD(table, key, vals)                               \
    "INSERT INTO " table "(" key ", element, n, pn, approx, rows) SELECT " \
    vals ", new.element, " HUB_DB_V8_VALUES("new")                        \
    " WHERE 1 ON CONFLICT(" key ", element)" HUB_DB_V8_SUM
#define HUB_DB_V11_EL_DROP(table, key_old)                                \
    "UPDATE " table HUB_DB_V8_EL_SET key_old HUB_DB_V8_EL_KEY_OLD ";"
/* A kind's statements for both year tables. */
#define HUB_DB_V11_BOTH_ADD(m, kind)                                      \
    m("stat_year_" kind, HUB_DB_V11_KEY, HUB_DB_V11_VALS_NEW)             \
    m("stat_staff_year_" kind, HUB_DB_V11_STAFF_KEY,                      \
      HUB_DB_V11_STAFF_VALS_NEW)
#define HUB_DB_V11_BOTH_DROP(m, kind)                                     \
    m("stat_year_" kind, HUB_DB_V11_KEY_OLD)                              \
    m("stat_staff_year_" kind, HUB_DB_V11_STAFF_KEY_OLD)
#define HUB_DB_V11_KEY_DECL                                               \
    "year TEXT NOT NULL, unit TEXT NOT NULL, field TEXT NOT NULL,"        \
    " instrument TEXT NOT NULL,"
#define HUB_DB_V11_STAFF_KEY_DECL                                         \
    "unit TEXT NOT NULL, year TEXT NOT NULL, counter TEXT NOT NULL,"      \
    " officer TEXT NOT NULL, field TEXT NOT NULL,"                        \
    " instrument TEXT NOT NULL,"
#define HUB_DB_V11_RESP_DECL                                              \
    " complete INTEGER NOT NULL, partial INTEGER NOT NULL,"               \
    " suppressed INTEGER NOT NULL, rows INTEGER NOT NULL,"
#define HUB_DB_V11_ANS_DECL                                               \
    " question TEXT NOT NULL, element TEXT NOT NULL,"                     \
    " answer TEXT NOT NULL, n INTEGER NOT NULL, pn INTEGER NOT NULL,"     \
    " rows INTEGER NOT NULL,"
#define HUB_DB_V11_EL_DECL                                                \
    " element TEXT NOT NULL, n INTEGER NOT NULL, pn INTEGER NOT NULL,"    \
    " approx INTEGER NOT NULL, rows INTEGER NOT NULL,"
#define HUB_DB_V11_TABLE(table, decl, own, key, own_key)                  \
    "CREATE TABLE IF NOT EXISTS " table "(" decl own " PRIMARY KEY("      \
    key own_key ")) WITHOUT ROWID;"
/* Emptied and summed again from the month table src. */
#define HUB_DB_V11_SEED(table, key, sel, own, kind, src)                  \
    "DELETE FROM " table ";"                                              \
    "INSERT INTO " table "(" key own HUB_DB_V11_##kind##_COLS ") SELECT " \
    sel own HUB_DB_V11_##kind##_SUMS " FROM " src " GROUP BY " sel own ";"
#define HUB_DB_V11_SEL "substr(month, 1, 4), unit, field, instrument"
#define HUB_DB_V11_STAFF_SEL                                              \
    "unit, substr(month, 1, 4), counter, officer, field, instrument"
#define HUB_DB_V11_RESP_SUMS                                              \
    ", sum(complete), sum(partial), sum(suppressed), sum(rows)"
#define HUB_DB_V11_RESP_COLS ", complete, partial, suppressed, rows"
#define HUB_DB_V11_ANS_COLS ", n, pn, rows"
#define HUB_DB_V11_EL_COLS ", n, pn, approx, rows"
#define HUB_DB_V11_ANS_OWN ", question, element, answer"
#define HUB_DB_V11_ANS_SUMS ", sum(n), sum(pn), sum(rows)"
#define HUB_DB_V11_EL_OWN ", element"
#define HUB_DB_V11_EL_SUMS ", sum(n), sum(pn), sum(approx), sum(rows)"
/* The trigger bodies of version 11, which version 12 adds to. */
#define HUB_DB_V11_RESP_ADD_ALL                                           \
    HUB_DB_RESP_ADD HUB_DB_V11_BOTH_ADD(HUB_DB_V11_RESP_ADD, "responses")
#define HUB_DB_V11_RESP_DROP_ALL                                          \
    HUB_DB_RESP_DROP HUB_DB_V11_BOTH_DROP(HUB_DB_V11_RESP_DROP, "responses")
#define HUB_DB_V11_ANS_ADD_ALL                                            \
    HUB_DB_V7_ANS_ADD HUB_DB_V11_BOTH_ADD(HUB_DB_V11_ANS_ADD, "answers")
#define HUB_DB_V11_ANS_DROP_ALL                                           \
    HUB_DB_V7_ANS_DROP HUB_DB_V11_BOTH_DROP(HUB_DB_V11_ANS_DROP, "answers")
#define HUB_DB_V11_EL_ADD_ALL                                             \
    HUB_DB_V8_EL_ADD HUB_DB_V11_BOTH_ADD(HUB_DB_V11_EL_ADD, "elements")
#define HUB_DB_V11_EL_DROP_ALL                                            \
    HUB_DB_V8_EL_DROP HUB_DB_V11_BOTH_DROP(HUB_DB_V11_EL_DROP, "elements")
static const char hub_db_schema_v11[] =
    HUB_DB_V11_TABLE("stat_year_responses", HUB_DB_V11_KEY_DECL,
                     HUB_DB_V11_RESP_DECL, HUB_DB_V11_KEY, "")
    HUB_DB_V11_TABLE("stat_year_answers", HUB_DB_V11_KEY_DECL,
                     HUB_DB_V11_ANS_DECL, HUB_DB_V11_KEY, HUB_DB_V11_ANS_OWN)
    HUB_DB_V11_TABLE("stat_year_elements", HUB_DB_V11_KEY_DECL,
                     HUB_DB_V11_EL_DECL, HUB_DB_V11_KEY, HUB_DB_V11_EL_OWN)
    HUB_DB_V11_TABLE("stat_staff_year_responses", HUB_DB_V11_STAFF_KEY_DECL,
                     HUB_DB_V11_RESP_DECL, HUB_DB_V11_STAFF_KEY, "")
    HUB_DB_V11_TABLE("stat_staff_year_answers", HUB_DB_V11_STAFF_KEY_DECL,
                     HUB_DB_V11_ANS_DECL, HUB_DB_V11_STAFF_KEY,
                     HUB_DB_V11_ANS_OWN)
    HUB_DB_V11_TABLE("stat_staff_year_elements", HUB_DB_V11_STAFF_KEY_DECL,
                     HUB_DB_V11_EL_DECL, HUB_DB_V11_STAFF_KEY,
                     HUB_DB_V11_EL_OWN)
    HUB_DB_V8_GONE("stat_year_responses", HUB_DB_KEY_NEW("year = new.year"))
    HUB_DB_V8_GONE("stat_year_answers",
                   HUB_DB_KEY_NEW("year = new.year") HUB_DB_ANSWER_KEY_NEW)
    HUB_DB_V8_GONE("stat_year_elements",
                   HUB_DB_KEY_NEW("year = new.year") HUB_DB_V8_EL_KEY_NEW)
    HUB_DB_V8_GONE("stat_staff_year_responses", HUB_DB_V11_STAFF_KEY_NEW)
    HUB_DB_V8_GONE("stat_staff_year_answers",
                   HUB_DB_V11_STAFF_KEY_NEW HUB_DB_ANSWER_KEY_NEW)
    HUB_DB_V8_GONE("stat_staff_year_elements",
                   HUB_DB_V11_STAFF_KEY_NEW HUB_DB_V8_EL_KEY_NEW)
    HUB_DB_V10_TRIGGERS("responses", "day_responses",
                        HUB_DB_V11_RESP_ADD_ALL, HUB_DB_V11_RESP_DROP_ALL)
    HUB_DB_V10_TRIGGERS("answers", "day_answers", HUB_DB_V11_ANS_ADD_ALL,
                        HUB_DB_V11_ANS_DROP_ALL)
    HUB_DB_V10_TRIGGERS("elements", "day_elements", HUB_DB_V11_EL_ADD_ALL,
                        HUB_DB_V11_EL_DROP_ALL)
    HUB_DB_V11_SEED("stat_year_responses", HUB_DB_V11_KEY, HUB_DB_V11_SEL,
                    "", RESP, "stat_month_responses")
    HUB_DB_V11_SEED("stat_year_answers", HUB_DB_V11_KEY, HUB_DB_V11_SEL,
                    HUB_DB_V11_ANS_OWN, ANS,
                    "stat_month_answers")
    HUB_DB_V11_SEED("stat_year_elements", HUB_DB_V11_KEY, HUB_DB_V11_SEL,
                    HUB_DB_V11_EL_OWN, EL,
                    "stat_month_elements")
    HUB_DB_V11_SEED("stat_staff_year_responses", HUB_DB_V11_STAFF_KEY,
                    HUB_DB_V11_STAFF_SEL, "", RESP,
                    "stat_staff_responses")
    HUB_DB_V11_SEED("stat_staff_year_answers", HUB_DB_V11_STAFF_KEY,
                    HUB_DB_V11_STAFF_SEL, HUB_DB_V11_ANS_OWN,
                    ANS, "stat_staff_answers")
    HUB_DB_V11_SEED("stat_staff_year_elements", HUB_DB_V11_STAFF_KEY,
                    HUB_DB_V11_STAFF_SEL, HUB_DB_V11_EL_OWN,
                    EL, "stat_staff_elements")
    "DELETE FROM stat_writer_sums;";

/* Schema version 12: the day and month summaries again without the unit,
 * for a request over the whole province grouped by period, field or not
 * at all (a quarter by day: about 32,000 answer rows instead of 706,000),
 * and each officer's complete responses by day and by month, by unit and
 * counter but not field, which weighing officers for privacy reads for
 * every grouping but by field (a quarter: 130,000 compact rows instead of
 * 319,000 snapshot rows; a year by month: 36,000 instead of 169,000 staff
 * rows). Kept like the others: by the ingest's upserts (statsums.c), by
 * the triggers for every other writer. Built from the summaries of
 * version 2 and the snapshot rows; emptied first, as for version 11. */
#define HUB_DB_V12_KEY(per) per ", field, instrument"
#define HUB_DB_V12_OFF_KEY(per)                                           \
    per ", unit, counter, instrument, officer"
#define HUB_DB_V12_DAY_NEW "new.day, new.field, new.instrument"
#define HUB_DB_V12_MONTH_NEW                                              \
    "substr(new.day, 1, 7), new.field, new.instrument"
#define HUB_DB_V12_DAY_OLD                                                \
    "day = old.day AND field = old.field AND instrument = old.instrument"
#define HUB_DB_V12_MONTH_OLD                                              \
    "month = substr(old.day, 1, 7) AND field = old.field"                 \
    " AND instrument = old.instrument"
#define HUB_DB_V12_KEY_NEW(per)                                           \
    per " = new." per " AND field = new.field"                            \
    " AND instrument = new.instrument"
#define HUB_DB_V12_OFF_KEY_NEW(per)                                       \
    per " = new." per " AND unit = new.unit AND counter = new.counter"    \
    " AND instrument = new.instrument AND officer = new.officer"
/* Officers: rows with one only, complete responses only. */
#define HUB_DB_V12_OFF_ADD(per, vals)                                     \
    "INSERT INTO stat_" per "_officers(" HUB_DB_V12_OFF_KEY(per)          \
    ", complete, rows) SELECT " vals ", new.unit, new.counter,"           \
    " new.instrument, new.officer, new.complete, 1"                       \
    " WHERE new.officer <> ''"                                            \
    " ON CONFLICT(" HUB_DB_V12_OFF_KEY(per) ") DO UPDATE SET"             \
    " complete = complete + excluded.complete, rows = rows + 1;"
#define HUB_DB_V12_OFF_DROP(per, old_per)                                 \
    "UPDATE stat_" per "_officers SET complete = complete"                \
    " - old.complete, rows = rows - 1 WHERE old.officer <> '' AND " per   \
    " = " old_per " AND unit = old.unit AND counter = old.counter"        \
    " AND instrument = old.instrument AND officer = old.officer;"
/* A kind's statements for both levels. */
#define HUB_DB_V12_BOTH_ADD(m, kind)                                      \
    m("stat_prov_day_" kind, HUB_DB_V12_KEY("day"), HUB_DB_V12_DAY_NEW)   \
    m("stat_prov_month_" kind, HUB_DB_V12_KEY("month"),                   \
      HUB_DB_V12_MONTH_NEW)
#define HUB_DB_V12_BOTH_DROP(m, kind)                                     \
    m("stat_prov_day_" kind, HUB_DB_V12_DAY_OLD)                          \
    m("stat_prov_month_" kind, HUB_DB_V12_MONTH_OLD)
#define HUB_DB_V12_KEY_DECL(per)                                          \
    per " TEXT NOT NULL, field TEXT NOT NULL, instrument TEXT NOT NULL,"
#define HUB_DB_V12_OFF_TABLE(per)                                         \
    "CREATE TABLE IF NOT EXISTS stat_" per "_officers(" per               \
    " TEXT NOT NULL, unit TEXT NOT NULL, counter TEXT NOT NULL,"          \
    " instrument TEXT NOT NULL, officer TEXT NOT NULL,"                   \
    " complete INTEGER NOT NULL, rows INTEGER NOT NULL,"                  \
    " PRIMARY KEY(" HUB_DB_V12_OFF_KEY(per) ")) WITHOUT ROWID;"
/* A level's three tables, their "_gone" triggers, and their sums from the
 * summaries by unit of the same level, src. */
#define HUB_DB_V12_LEVEL(per, src)                                        \
    HUB_DB_V11_TABLE("stat_prov_" per "_responses",                       \
                     HUB_DB_V12_KEY_DECL(per), HUB_DB_V11_RESP_DECL,      \
                     HUB_DB_V12_KEY(per), "")                             \
    HUB_DB_V11_TABLE("stat_prov_" per "_answers",                         \
                     HUB_DB_V12_KEY_DECL(per), HUB_DB_V11_ANS_DECL,       \
                     HUB_DB_V12_KEY(per), HUB_DB_V11_ANS_OWN)             \
    HUB_DB_V11_TABLE("stat_prov_" per "_elements",                        \
                     HUB_DB_V12_KEY_DECL(per), HUB_DB_V11_EL_DECL,        \
                     HUB_DB_V12_KEY(per), HUB_DB_V11_EL_OWN)              \
    HUB_DB_V12_OFF_TABLE(per)                                             \
    HUB_DB_V8_GONE("stat_prov_" per "_responses", HUB_DB_V12_KEY_NEW(per)) \
    HUB_DB_V8_GONE("stat_prov_" per "_answers",                           \
                   HUB_DB_V12_KEY_NEW(per) HUB_DB_ANSWER_KEY_NEW)         \
    HUB_DB_V8_GONE("stat_prov_" per "_elements",                          \
                   HUB_DB_V12_KEY_NEW(per) HUB_DB_V8_EL_KEY_NEW)          \
    HUB_DB_V8_GONE("stat_" per "_officers",                               \
                   HUB_DB_V12_OFF_KEY_NEW(per))                           \
    HUB_DB_V11_SEED("stat_prov_" per "_responses", HUB_DB_V12_KEY(per),   \
                    HUB_DB_V12_KEY(per), "", RESP, "stat_" src "_responses") \
    HUB_DB_V11_SEED("stat_prov_" per "_answers", HUB_DB_V12_KEY(per),     \
                    HUB_DB_V12_KEY(per), HUB_DB_V11_ANS_OWN, ANS,         \
                    "stat_" src "_answers")                               \
    HUB_DB_V11_SEED("stat_prov_" per "_elements", HUB_DB_V12_KEY(per),    \
                    HUB_DB_V12_KEY(per), HUB_DB_V11_EL_OWN, EL,           \
                    "stat_" src "_elements")
static const char hub_db_schema_v12[] =
    HUB_DB_V12_LEVEL("day", "day")
    HUB_DB_V12_LEVEL("month", "month")
    HUB_DB_V10_TRIGGERS(
        "responses", "day_responses",
        HUB_DB_V11_RESP_ADD_ALL
        HUB_DB_V12_BOTH_ADD(HUB_DB_V11_RESP_ADD, "responses")
        HUB_DB_V12_OFF_ADD("day", "new.day")
        HUB_DB_V12_OFF_ADD("month", "substr(new.day, 1, 7)"),
        HUB_DB_V11_RESP_DROP_ALL
        HUB_DB_V12_BOTH_DROP(HUB_DB_V11_RESP_DROP, "responses")
        HUB_DB_V12_OFF_DROP("day", "old.day")
        HUB_DB_V12_OFF_DROP("month", "substr(old.day, 1, 7)"))
    HUB_DB_V10_TRIGGERS("answers", "day_answers",
                        HUB_DB_V11_ANS_ADD_ALL
                        HUB_DB_V12_BOTH_ADD(HUB_DB_V11_ANS_ADD, "answers"),
                        HUB_DB_V11_ANS_DROP_ALL
                        HUB_DB_V12_BOTH_DROP(HUB_DB_V11_ANS_DROP, "answers"))
    HUB_DB_V10_TRIGGERS("elements", "day_elements",
                        HUB_DB_V11_EL_ADD_ALL
                        HUB_DB_V12_BOTH_ADD(HUB_DB_V11_EL_ADD, "elements"),
                        HUB_DB_V11_EL_DROP_ALL
                        HUB_DB_V12_BOTH_DROP(HUB_DB_V11_EL_DROP, "elements"))
    /* Officers by day from the snapshot rows, by month from the staff
     * summaries, whose sums they are. */
    "DELETE FROM stat_day_officers;"
    "INSERT INTO stat_day_officers(day, unit, counter, instrument, officer,"
    " complete, rows) SELECT day, unit, counter, instrument, officer,"
    " sum(complete), count(*) FROM day_responses WHERE officer <> ''"
    " GROUP BY 1, 2, 3, 4, 5;"
    "DELETE FROM stat_month_officers;"
    "INSERT INTO stat_month_officers(month, unit, counter, instrument,"
    " officer, complete, rows) SELECT month, unit, counter, instrument,"
    " officer, sum(complete), sum(rows) FROM stat_staff_responses"
    " WHERE officer <> '' GROUP BY 1, 2, 3, 4, 5;"
    "DELETE FROM stat_writer_sums;";

/* Schema version 13: each day table's change trigger only passes the old
 * and new row to a view, whose INSTEAD OF trigger holds the summaries'
 * statements as version 12 left them. SQLite enters a trigger's program
 * (and clears a frame of all its registers) before it evaluates the WHEN
 * that makes the ingest's UPDATEs stand aside; the program is now one
 * INSERT, and every other writer gets the same statements as before, one
 * trigger deeper. The bodies are read back from the schema, so this step
 * moves whatever the change triggers hold. */
#define HUB_DB_V13_SQL_MAX (512 * 1024)

typedef struct hub_db_v13_buf {
    char *p;
    size_t n, cap;
} hub_db_v13_buf_t;

static int hub_db_v13_put(hub_db_v13_buf_t *b, const char *s, size_t n)
{
    char *grown;
    size_t cap;

    if (b->n + n + 1 > b->cap) {
        cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n + 1)
            cap *= 2;
        if (cap > HUB_DB_V13_SQL_MAX || !(grown = realloc(b->p, cap)))
            return SQLITE_NOMEM;
        b->p = grown;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
    return SQLITE_OK;
}

static int hub_db_v13_puts(hub_db_v13_buf_t *b, const char *s)
{
    return hub_db_v13_put(b, s, strlen(s));
}

/* Each string of a NULL-ended list, in order. */
static int hub_db_v13_put_all(hub_db_v13_buf_t *b, const char *const *s)
{
    int rc = SQLITE_OK;

    for (; rc == SQLITE_OK && *s; s++)
        rc = hub_db_v13_puts(b, *s);
    return rc;
}

static int hub_db_v13_is_name(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
}

/* The body with old.c and new.c turned into the view's new.o_c and
 * new.n_c. The bodies hold no such text inside a string literal. */
static int hub_db_v13_rewrite(hub_db_v13_buf_t *b, const char *body,
                              size_t n)
{
    size_t i = 0, from = 0;
    int rc = SQLITE_OK;

    for (i = 0; rc == SQLITE_OK && i + 4 <= n; i++) {
        const char *to;

        if (i > 0 && hub_db_v13_is_name(body[i - 1]))
            continue;
        if (strncmp(body + i, "old.", 4) == 0)
            to = "new.o_";
        else if (strncmp(body + i, "new.", 4) == 0)
            to = "new.n_";
        else
            continue;
        rc = hub_db_v13_put(b, body + from, i - from);
        if (rc == SQLITE_OK)
            rc = hub_db_v13_puts(b, to);
        from = i + 4;
        i += 3;
    }
    return rc == SQLITE_OK ? hub_db_v13_put(b, body + from, n - from) : rc;
}

/* Each column of table as pre name (then post name when post is set),
 * joined by commas, then tail. */
static int hub_db_v13_columns(sqldb_t *sql, const char *table,
                              hub_db_v13_buf_t *b, const char *pre,
                              const char *post, const char *tail)
{
    char q[128];
    sqlite3_stmt *st = NULL;
    int rc, first = 1;

    if (snprintf(q, sizeof(q), "SELECT name FROM pragma_table_info('%s')",
                 table) >= (int)sizeof(q))
        return SQLITE_TOOBIG;
    rc = sqlite3_prepare_v2(sql->conn, q, -1, &st, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(st, 0);

        rc = c ? SQLITE_OK : SQLITE_NOMEM;
        if (rc == SQLITE_OK && !first)
            rc = hub_db_v13_puts(b, ", ");
        first = 0;
        if (rc == SQLITE_OK)
            rc = hub_db_v13_puts(b, pre);
        if (rc == SQLITE_OK)
            rc = hub_db_v13_puts(b, c);
        if (rc == SQLITE_OK && post) {
            rc = hub_db_v13_puts(b, post);
            if (rc == SQLITE_OK)
                rc = hub_db_v13_puts(b, c);
        }
    }
    if (rc == SQLITE_DONE)
        rc = first ? SQLITE_CORRUPT : SQLITE_OK;
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? hub_db_v13_puts(b, tail) : rc;
}

/* The change trigger's body: between its BEGIN and its last END. */
static int hub_db_v13_body(sqldb_t *sql, const char *trigger,
                           hub_db_v13_buf_t *b)
{
    static const char q[] =
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1";
    sqlite3_stmt *st = NULL;
    const char *text, *begin, *end, *at;
    int rc = sqlite3_prepare_v2(sql->conn, q, -1, &st, NULL);

    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 1, trigger, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st) == SQLITE_ROW ? SQLITE_OK : SQLITE_CORRUPT;
    text = rc == SQLITE_OK ? (const char *)sqlite3_column_text(st, 0) : NULL;
    begin = text ? strstr(text, " BEGIN ") : NULL;
    for (end = NULL, at = begin; at && (at = strstr(at, " END")); at++)
        end = at;
    if (rc == SQLITE_OK && (!begin || !end || end < begin))
        rc = SQLITE_CORRUPT;
    if (rc == SQLITE_OK)
        rc = hub_db_v13_rewrite(b, begin + 7, (size_t)(end - begin - 7));
    sqlite3_finalize(st);
    return rc;
}

static int hub_db_v13_kind(sqldb_t *sql, const char *kind)
{
    char table[64], view[64], trigger[64], q[256];
    hub_db_v13_buf_t b = {NULL, 0, 0};
    int64_t moved = 0;
    int rc = SQLITE_OK;

    if (snprintf(table, sizeof(table), "day_%s", kind) >= (int)sizeof(table) ||
        snprintf(view, sizeof(view), "stat_%s_changed", kind) >=
            (int)sizeof(view) ||
        snprintf(trigger, sizeof(trigger), "stat_%s_change", kind) >=
            (int)sizeof(trigger))
        return SQLITE_TOOBIG;
    /* A file whose user_version was set back by hand may have moved the
     * bodies already: moving them again would lose them. */
    if (snprintf(q, sizeof(q), "SELECT count(*) FROM sqlite_master WHERE"
                 " type = 'trigger' AND name = '%s' AND sql LIKE"
                 " '%% BEGIN INSERT INTO %s VALUES(%%'", trigger, view) >=
        (int)sizeof(q))
        return SQLITE_TOOBIG;
    rc = sqldb_query_int(sql, q, &moved);
    if (rc != SQLITE_OK || moved)
        return rc;
    /* The view, of the old row's columns and the new row's. */
    rc = hub_db_v13_put_all(&b, (const char *const[]){
        "DROP VIEW IF EXISTS ", view, "; CREATE VIEW ", view, " AS SELECT ",
        NULL});
    if (rc == SQLITE_OK)
        rc = hub_db_v13_columns(sql, table, &b, "", " AS o_", ", ");
    if (rc == SQLITE_OK)
        rc = hub_db_v13_columns(sql, table, &b, "", " AS n_", " FROM ");
    if (rc == SQLITE_OK)
        rc = hub_db_v13_put_all(&b, (const char *const[]){
            table, " WHERE 0; CREATE TRIGGER ", view,
            "_sums INSTEAD OF INSERT ON ", view, " BEGIN ", NULL});
    if (rc == SQLITE_OK)
        rc = hub_db_v13_body(sql, trigger, &b);
    /* The change trigger, its WHEN as before, its body one INSERT. */
    if (rc == SQLITE_OK)
        rc = hub_db_v13_put_all(&b, (const char *const[]){
            " END; DROP TRIGGER ", trigger, "; CREATE TRIGGER ", trigger,
            " AFTER UPDATE ON ", table, HUB_DB_V10_WHEN " BEGIN INSERT INTO ",
            view, " VALUES(", NULL});
    if (rc == SQLITE_OK)
        rc = hub_db_v13_columns(sql, table, &b, "old.", NULL, ", ");
    if (rc == SQLITE_OK)
        rc = hub_db_v13_columns(sql, table, &b, "new.", NULL, "); END;");
    if (rc == SQLITE_OK)
        rc = sqldb_exec(sql, b.p);
    free(b.p);
    return rc;
}

static int hub_db_seed_v13(sqldb_t *sql, void *ctx)
{
    static const char *const kinds[] = {"responses", "answers", "elements"};
    size_t i;
    int rc = SQLITE_OK;

    (void)ctx;
    for (i = 0; rc == SQLITE_OK && i < sizeof(kinds) / sizeof(*kinds); i++)
        rc = hub_db_v13_kind(sql, kinds[i]);
    return rc;
}

/* Schema version 14: a national hub's province credentials and pushed
 * months (store/national.c), and a provincial hub's forwarding state. */
static const char hub_db_schema_v14[] =
    "CREATE TABLE IF NOT EXISTS national_credentials("
    " id INTEGER PRIMARY KEY, hash BLOB NOT NULL UNIQUE,"
    " province TEXT NOT NULL, created_at INTEGER NOT NULL,"
    " revoked_at INTEGER);"
    "CREATE TABLE IF NOT EXISTS national_months("
    " province TEXT NOT NULL, month TEXT NOT NULL, seq INTEGER NOT NULL,"
    " pushed_at INTEGER NOT NULL, PRIMARY KEY(province, month))"
    " WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS national_month_units("
    " province TEXT NOT NULL, month TEXT NOT NULL, unit TEXT NOT NULL,"
    " PRIMARY KEY(province, month, unit)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS forward_months("
    " month TEXT NOT NULL PRIMARY KEY, seq INTEGER NOT NULL, digest BLOB,"
    " acked_at INTEGER) WITHOUT ROWID;";

/* Schema version 15: each province's targets at a national hub, as its
 * forwarder pushes them (the file its own `serve --targets` reads, and
 * whose rows are its own, by slug), and the address of its own dashboard,
 * where the national one sends whoever wants its counters. */
static const char hub_db_schema_v15[] =
    "CREATE TABLE IF NOT EXISTS national_targets("
    " province TEXT NOT NULL PRIMARY KEY, slug TEXT NOT NULL,"
    " body TEXT NOT NULL, dashboard TEXT NOT NULL,"
    " pushed_at INTEGER NOT NULL) WITHOUT ROWID;";

/* Schema version 16: a national hub's totals by province (provtotals.h),
 * filled from the month rows already pushed. */
#define HUB_DB_V16_T(name) " " name " TEXT NOT NULL,"
#define HUB_DB_V16_N(name) " " name " INTEGER NOT NULL,"
static const char hub_db_schema_v16[] =
    HUB_PROVTOTALS_SQL_TABLES(HUB_DB_V16_T, HUB_DB_V16_N, " WITHOUT ROWID")
    HUB_PROVTOTALS_SQL_REBUILD;

/* Applied in order, each with its PRAGMA user_version bump in one
 * transaction. A later version appends an entry, never edits one. */
static const sqldb_migration_t hub_db_migrations[] = {
    {hub_db_schema_v1, NULL},
    {hub_db_schema_v2, NULL},
    {hub_db_schema_v3, hub_db_seed_v3},
    {hub_db_schema_v4, NULL},
    {hub_db_schema_v5, NULL},
    {hub_db_schema_v6, NULL},
    {"", hub_db_seed_v7},
    {hub_db_schema_v8, NULL},
    {hub_db_schema_v9, NULL},
    {hub_db_schema_v10, NULL},
    {hub_db_schema_v11, NULL},
    {hub_db_schema_v12, NULL},
    {"", hub_db_seed_v13},
    {hub_db_schema_v14, NULL},
    {hub_db_schema_v15, NULL},
    {hub_db_schema_v16, NULL},
};

#define HUB_DB_SCHEMA_VERSION \
    ((int)(sizeof(hub_db_migrations) / sizeof(hub_db_migrations[0])))

/* A failed open has no handle to keep its reason. */
static _Thread_local char hub_db_open_failure[SQLDB_ERR_MAX];

static const char hub_db_sql_audit[] =
    "INSERT INTO audit(at, actor, action, detail) VALUES(?1, ?2, ?3, ?4)";
static const char hub_db_sql_ping[] = "SELECT 1";
static const char hub_db_sql_each_audit[] =
    "SELECT id, at, actor, action, detail FROM"
    " (SELECT * FROM audit ORDER BY id DESC LIMIT ?1) AS recent"
    " ORDER BY id";

/* ---- errors ------------------------------------------------------------ */

const char *hub_db_open_error(void)
{
    return hub_db_open_failure;
}

int hub_db_schema_version(void)
{
    return HUB_DB_SCHEMA_VERSION;
}

int hub_db_is_short_of_room(hub_db_t *db, int64_t *free_kb,
                            int64_t *reserve_kb)
{
    int64_t size_kb;

    *reserve_kb = db->min_free_kb;
    /* A filesystem that cannot be asked is not called full: SQLite's own
     * SQLITE_FULL still stops a write that does not fit. */
    if (hub_disk_get_space(db->sql.path, free_kb, &size_kb) != 0) {
        *free_kb = -1;
        return 0;
    }
    return db->min_free_kb > 0 && *free_kb < db->min_free_kb;
}

int hub_db_check_room(hub_db_t *db)
{
    int64_t free_kb, reserve_kb;

    /* No reserve (the admin commands): no question to the filesystem. */
    if (db->min_free_kb <= 0 ||
        !hub_db_is_short_of_room(db, &free_kb, &reserve_kb))
        return HUB_OK;
    sqldb_set_error(&db->sql, "%s: %lld MiB free on its disk, below the"
                    " reserve of %lld MiB (--min-free-mb)", db->sql.path,
                    (long long)(free_kb / 1024),
                    (long long)(reserve_kb / 1024));
    return HUB_FULL;
}

/* On PostgreSQL the transactions are sqlx's; a read one is one
 * snapshot, as SQLite's deferred BEGIN gives. */
static const char hub_db_pg_begin_read[] =
    "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";

static int hub_db_pg_ended(hub_db_t *db, int rc, const char *what)
{
    return rc == HUB_OK ? rc : hub_dbx_fail(db, rc, what);
}

int hub_db_begin_write(hub_db_t *db)
{
    int rc = hub_db_check_room(db);

    if (rc != HUB_OK)
        return rc;
    if (hub_dbx_is_pg(db))
        return hub_db_pg_ended(db, sqlx_begin(db->x), "begin");
    return hub_db_rc(sqldb_begin_write(&db->sql));
}

int hub_db_commit(hub_db_t *db)
{
    if (hub_dbx_is_pg(db))
        return hub_db_pg_ended(db, sqlx_commit(db->x), "commit");
    return hub_db_rc(sqldb_commit(&db->sql));
}

void hub_db_rollback(hub_db_t *db)
{
    if (hub_dbx_is_pg(db))
        sqlx_rollback(db->x);
    else
        sqldb_rollback(&db->sql);
}

int hub_db_begin_read(hub_db_t *db)
{
    if (hub_dbx_is_pg(db))
        return hub_db_pg_ended(db, sqlx_exec(db->x, hub_db_pg_begin_read),
                               "begin read");
    return hub_db_rc(sqldb_begin_read(&db->sql));
}

void hub_db_end_read(hub_db_t *db)
{
    if (!hub_dbx_is_pg(db))
        sqldb_end_read(&db->sql);
    else if (sqlx_commit(db->x) != HUB_OK)
        sqlx_rollback(db->x);
}

const char *hub_db_last_error(hub_db_t *db)
{
    return sqldb_last_error(&db->sql);
}

int hub_db_rc(int sqlite_rc)
{
    switch (sqlite_rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
        return HUB_OK;
    case SQLITE_DONE:
        return HUB_NOT_FOUND;
    case SQLITE_FULL:
        return HUB_FULL;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return HUB_BUSY;
    case SQLITE_CONSTRAINT:
        return HUB_EXISTS;
    default:
        return HUB_ERROR;
    }
}

/* ---- locking ----------------------------------------------------------- */

void hub_db_lock(hub_db_t *db)
{
    /* Only fails on a programming error (an uninitialised or re-locked
     * default mutex); nothing sensible can continue then. */
    if (pthread_mutex_lock(&db->mutex) != 0)
        abort();
}

struct hub_commitq *hub_db_commitq(hub_db_t *db)
{
    return db->commitq;
}

void hub_db_unlock(hub_db_t *db)
{
    if (pthread_mutex_unlock(&db->mutex) != 0)
        abort();
}

/* ---- open and close ---------------------------------------------------- */

static int hub_db_fail_open(hub_db_t *db, int rc)
{
    snprintf(hub_db_open_failure, sizeof(hub_db_open_failure), "%s",
             sqldb_last_error(&db->sql));
    hub_db_close(db);
    return rc;
}

/* The reserve is fixed at open: the default follows the size of the
 * filesystem the file is on (base/disk.h). */
void hub_db_set_reserve(hub_db_t *db, int64_t min_free_kb)
{
    int64_t free_kb, size_kb;

    db->min_free_kb = min_free_kb > 0 ? min_free_kb : 0;
    if (min_free_kb < 0 &&
        hub_disk_get_space(db->sql.path, &free_kb, &size_kb) == 0)
        db->min_free_kb = hub_disk_default_reserve_kb(size_kb);
}

static int hub_db_connect(hub_db_t *db, const hub_db_options_t *opt)
{
    char check[SQLDB_ERR_MAX];
    int64_t wal_limit = 0;
    /* WAL and synchronous=FULL: NORMAL can lose acknowledged
     * transactions on power loss. Statistics read the summaries (tens of
     * MiB for a province-year) again and again: keep them in the
     * connection's own cache rather than copying them from the OS on
     * every request. The file holds digests of every secret and the
     * province's ratings: readable by the hub's user only. */
    sqldb_options_t o = {
        .create = SQLDB_CREATE_NEVER,
        .busy_timeout_ms = HUB_DB_BUSY_TIMEOUT_MS,
        .quick_check = opt->check,
        .foreign_keys = 1,
        .wal = 1,
        .synchronous_full = 1,
        .cache_kib = HUB_DB_CACHE_KIB,
        .write_lock = 1,
    };
    int rc;

    if (access(db->sql.path, F_OK) != 0) {
        if (!opt->create) {
            sqldb_set_error(&db->sql, "no hub database at %s", db->sql.path);
            return HUB_NOT_FOUND;
        }
        o.create = SQLDB_CREATE_PRIVATE;
    }
    rc = sqldb_open(&db->sql, &o, check, sizeof(check));
    if (rc == SQLITE_CORRUPT && check[0])
        sqldb_set_error(&db->sql, "%s is damaged (quick_check: %s); restore"
                        " it from a backup", db->sql.path, check);
    if (rc == SQLITE_CORRUPT)
        return HUB_ERROR;
    if (rc == SQLITE_OK)
        rc = sqldb_migrate(&db->sql, hub_db_migrations,
                           HUB_DB_SCHEMA_VERSION, NULL, NULL);
    /* The WAL grows past its usual few MiB while a reader holds an old
     * snapshot (the background integrity check, domain/checker.h): once
     * a checkpoint has caught up, SQLite truncates it back to this. */
    if (rc == SQLITE_OK)
        rc = sqldb_query_int(&db->sql, HUB_DB_SQL_WAL_LIMIT, &wal_limit);
    /* The cap goes on after the schema exists, so a tiny cap still leaves
     * a usable (if full) database. */
    if (rc == SQLITE_OK && opt->max_kb > 0)
        rc = sqldb_cap_size(&db->sql, opt->max_kb * 1024);
    if (rc != SQLITE_OK)
        return hub_db_rc(rc);
    rc = sqlx_open_sqldb(&db->sql, &db->x, check, sizeof(check));
    if (rc != HUB_OK)
        sqldb_set_error(&db->sql, "%s", check);
    return rc;
}

/* The sqldb connection stays unopened under this name, so a module not
 * yet on sqlx is refused with it (sqldb.c) rather than misbehaving; the
 * URI, which may hold a password, never reaches a message. */
#define HUB_DB_PG_NOT_YET "not yet on PostgreSQL"

static int hub_db_connect_pg(hub_db_t *db, const char *uri, int read_only)
{
    char err[SQLX_ERR_MAX];
    int rc;

    (void)sqldb_init(&db->sql, HUB_DB_PG_NOT_YET);
    rc = sqlx_open(uri, NULL, &db->x, err, sizeof(err));
    if (rc == HUB_OK)
        rc = read_only ? hub_pgschema_check(db->x, err, sizeof(err))
                       : hub_pgschema_apply(db->x, err, sizeof(err));
    if (rc != HUB_OK)
        sqldb_set_error(&db->sql, "%s", err);
    return rc;
}

/* read_only: PostgreSQL's schema checked, not applied. */
static int hub_db_open_as(const char *path, const hub_db_options_t *opt,
                          int read_only, hub_db_t **out)
{
    hub_db_options_t none = {0, 0, 0};
    hub_db_t *db;
    int rc;

    *out = NULL;
    if (!opt)
        opt = &none;
    if (!path || !path[0] || strlen(path) >= HUB_DB_PATH_MAX) {
        snprintf(hub_db_open_failure, sizeof(hub_db_open_failure),
                 "bad database path");
        return HUB_ERROR;
    }
    db = calloc(1, sizeof(*db));
    if (!db) {
        snprintf(hub_db_open_failure, sizeof(hub_db_open_failure),
                 "out of memory");
        return HUB_ERROR;
    }
    /* Fits: HUB_DB_PATH_MAX is below SQLDB_PATH_MAX. */
    (void)sqldb_init(&db->sql, path);
    if (pthread_mutex_init(&db->mutex, NULL) != 0) {
        free(db);
        snprintf(hub_db_open_failure, sizeof(hub_db_open_failure),
                 "cannot create a mutex");
        return HUB_ERROR;
    }
    if (!(db->commitq = hub_commitq_new())) {
        (void)pthread_mutex_destroy(&db->mutex);
        free(db);
        snprintf(hub_db_open_failure, sizeof(hub_db_open_failure),
                 "out of memory");
        return HUB_ERROR;
    }
    if (sqlx_target_dialect(path) == SQLX_DIALECT_POSTGRES)
        rc = hub_db_connect_pg(db, path, read_only);
    else
        rc = hub_db_connect(db, opt);
    if (rc != HUB_OK)
        return hub_db_fail_open(db, rc);
    *out = db;
    return HUB_OK;
}

int hub_db_open(const char *path, const hub_db_options_t *opt,
                hub_db_t **out)
{
    return hub_db_open_as(path, opt, 0, out);
}

int hub_db_open_read(const char *uri, hub_db_t **out)
{
    *out = NULL;
    if (!uri || sqlx_target_dialect(uri) != SQLX_DIALECT_POSTGRES) {
        snprintf(hub_db_open_failure, sizeof(hub_db_open_failure),
                 "a read connection is PostgreSQL's: postgresql://...");
        return HUB_UNSUPPORTED;
    }
    return hub_db_open_as(uri, NULL, 1, out);
}

void hub_db_close(hub_db_t *db)
{
    if (!db)
        return;
    sqlx_close(db->x); /* first: SQLite's view borrows db->sql */
    sqldb_close(&db->sql);
    hub_commitq_free(db->commitq);
    (void)pthread_mutex_destroy(&db->mutex);
    free(db);
}

/* ---- small shared queries ------------------------------------------- */

int hub_db_audit(hub_db_t *db, int64_t at_ms, const char *actor,
                 const char *action, const char *detail)
{
    sqlx_stmt_t *st = sqlx_prepare(db->x, hub_db_sql_audit);
    int rc = HUB_OK;

    sqlx_bind_int64(st, 1, at_ms, &rc);
    sqlx_bind_text(st, 2, actor, &rc);
    sqlx_bind_text(st, 3, action, &rc);
    sqlx_bind_text(st, 4, detail ? detail : "", &rc);
    return hub_dbx_run(db, st, rc, "audit");
}

/* The caller's callback and its context, for hub_dbx_each(). */
typedef struct hub_db_audit_walk {
    int (*fn)(void *ctx, const hub_audit_row_t *row);
    void *ctx;
} hub_db_audit_walk_t;

static int hub_db_read_audit(void *ctx, sqlx_stmt_t *st)
{
    const hub_db_audit_walk_t *w = ctx;
    hub_audit_row_t row;

    row.id = sqlx_column_int64(st, 0);
    row.at_ms = sqlx_column_int64(st, 1);
    row.actor = sqlx_column_text(st, 2);
    row.action = sqlx_column_text(st, 3);
    row.detail = sqlx_column_text(st, 4);
    return w->fn(w->ctx, &row);
}

int hub_db_each_audit(hub_db_t *db, int limit,
                      int (*fn)(void *ctx, const hub_audit_row_t *row),
                      void *ctx)
{
    sqlx_stmt_t *st = sqlx_prepare(db->x, hub_db_sql_each_audit);
    hub_db_audit_walk_t w = {fn, ctx};
    int rc = HUB_OK;

    sqlx_bind_int64(st, 1, limit, &rc);
    return hub_dbx_each(db, st, rc, "audit list", hub_db_read_audit, &w);
}

int hub_db_ping(hub_db_t *db)
{
    sqlx_stmt_t *st = sqlx_prepare(db->x, hub_db_sql_ping);
    int rc = hub_dbx_next(db, st, HUB_OK, "ping");
    int64_t one;

    if (rc != HUB_OK)
        return rc == HUB_NOT_FOUND ? HUB_ERROR : rc;
    one = sqlx_column_int64(st, 0);
    sqlx_reset(st);
    return one == 1 ? HUB_OK : HUB_ERROR;
}
