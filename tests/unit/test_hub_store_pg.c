/*
 * The hub's store on both drivers (hub/store/dbx.h): hub_db_open() of
 * an SQLite file and of a PostgreSQL server, the modules already on sqlx
 * (audit, units, the unit tree, enrollment, kiosks, heartbeats,
 * installations, tokens, fleet, dossiers, the statistics' rows) run the
 * same on each, the same summary rows giving the same statistics JSON, PostgreSQL's
 * schema (hub/store/pgschema.h) has the columns of SQLite's in the same
 * order, the same uploads through the ingest leave the same summaries
 * and statistics in both, and two connections ingesting at once end
 * where one ingesting alone does.
 *
 * PostgreSQL's half runs when SIPAS_TEST_PG_URI names a server: the
 * wrapper tests/hub/test_sqlx_pg.sh test_hub_store_pg starts one of its
 * own (tests/hub/pg_env.sh). Without it only SQLite's half runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "hub/base/quota.h"
#include "hub/domain/stats.h"
#include "hub/store/db.h"
#include "hub/store/commitq.h"
#include "hub/store/db_sql.h"
#include "hub/store/dbx.h"
#include "hub/base/code.h"
#include "hub/base/crypto.h"
#include "hub/store/dossiers.h"
#include "hub/store/enroll.h"
#include "hub/store/fleet.h"
#include "hub/store/heartbeats.h"
#include "hub/store/installations.h"
#include "hub/store/kiosks.h"
#include "hub/store/tokens.h"
#include "hub/store/pgschema.h"
#include "hub/domain/natpush.h"
#include "hub/store/national.h"
#include "hub/store/stat_rows.h"
#include "hub/store/units.h"
#include "hub/store/unittree.h"
#include "core/vntime.h"
#include "hub/domain/ingest.h"
#include "pg_half.h"
#include "testutil.h"

#define COLS_MAX 1024

typedef struct store_ctx {
    const char *uri; /* PostgreSQL; NULL: a fresh SQLite file */
    char dir[128];
    char target[HUB_DB_PATH_MAX];
    hub_db_t *db;
} store_ctx_t;

static int open_store(store_ctx_t *c)
{
    hub_db_options_t opt = {.create = 1};

    if (c->uri) {
        snprintf(c->target, sizeof(c->target), "%s", c->uri);
    } else {
        if (testutil_make_tmpdir(c->dir, sizeof(c->dir), "store") != 0)
            return -1;
        snprintf(c->target, sizeof(c->target), "%s/hub.db", c->dir);
    }
    if (hub_db_open(c->target, &opt, &c->db) != HUB_OK) {
        fprintf(stderr, "open: %s\n", hub_db_open_error());
        return -1;
    }
    return 0;
}

static void close_store(store_ctx_t *c)
{
    hub_db_close(c->db);
    c->db = NULL;
    if (!c->uri && c->dir[0])
        testutil_remove_tree(c->dir);
    c->dir[0] = '\0';
}

static int setup(void **state)
{
    return open_store(*state);
}

static int teardown(void **state)
{
    close_store(*state);
    return 0;
}

/* "a,b,c": table's columns in their order, from each dialect's catalog;
 * PostgreSQL's explicit rowid (pgschema.h) is SQLite's implicit one. */
static const char sql_cols_sqlite[] =
    "SELECT name FROM pragma_table_info(?1) ORDER BY cid";
static const char sql_cols_pg[] =
    "SELECT column_name::text FROM information_schema.columns"
    " WHERE table_schema = current_schema() AND table_name = ?1"
    " AND column_name <> 'rowid' ORDER BY ordinal_position";

static void list_columns(hub_db_t *db, const char *table, char *out,
                         size_t cap)
{
    sqlx_t *x = hub_dbx(db);
    sqlx_stmt_t *st = sqlx_prepare(
        x, hub_dbx_is_pg(db) ? sql_cols_pg : sql_cols_sqlite);
    size_t n = 0;
    int rc = HUB_OK;

    sqlx_bind_text(st, 1, table, &rc);
    assert_int_equal(rc, HUB_OK);
    out[0] = '\0';
    while ((rc = sqlx_step(st)) == SQLX_ROW) {
        int w = snprintf(out + n, cap - n, "%s%s", n ? "," : "",
                         sqlx_column_text(st, 0));
        assert_true(w > 0 && (size_t)w < cap - n);
        n += (size_t)w;
    }
    assert_int_equal(rc, SQLX_DONE);
    sqlx_reset(st);
}

/* Every table of PostgreSQL's schema has SQLite's columns, in order. */
static void test_schema_matches_sqlite(void **state)
{
    store_ctx_t *pg = *state, lite = {0};
    char a[COLS_MAX], b[COLS_MAX];
    int i;

    assert_int_equal(open_store(&lite), 0);
    for (i = 0; hub_pgschema_tables[i]; i++) {
        list_columns(lite.db, hub_pgschema_tables[i], a, sizeof(a));
        list_columns(pg->db, hub_pgschema_tables[i], b, sizeof(b));
        assert_true(a[0] != '\0');
        if (strcmp(a, b) != 0)
            fprintf(stderr, "%s: sqlite (%s), postgresql (%s)\n",
                    hub_pgschema_tables[i], a, b);
        assert_string_equal(a, b);
    }
    close_store(&lite);
}

/* A second open finds the schema current and leaves it so. */
static void test_reopen_keeps_schema(void **state)
{
    store_ctx_t *c = *state;
    hub_db_t *again = NULL;
    hub_db_options_t opt = {0};

    assert_int_equal(hub_db_audit(c->db, 1, "cli:a", "x.keep", ""), HUB_OK);
    assert_int_equal(hub_db_open(c->target, &opt, &again), HUB_OK);
    assert_int_equal(hub_db_ping(again), HUB_OK);
    hub_db_close(again);
}

typedef struct audit_seen {
    int n;
    char actions[4][32];
    int64_t at[4];
} audit_seen_t;

static int audit_collect(void *ctx, const hub_audit_row_t *row)
{
    audit_seen_t *s = ctx;

    if (s->n >= 4)
        return 1;
    snprintf(s->actions[s->n], sizeof(s->actions[0]), "%s", row->action);
    s->at[s->n++] = row->at_ms;
    return 0;
}

/* The last rows, oldest first, with their text as written. */
static void test_audit_round_trip(void **state)
{
    store_ctx_t *c = *state;
    audit_seen_t seen = {0};
    const int64_t big = INT64_C(1) << 42; /* past int4 */

    assert_int_equal(hub_db_ping(c->db), HUB_OK);
    assert_int_equal(hub_db_begin_write(c->db), HUB_OK);
    assert_int_equal(hub_db_audit(c->db, big, "cli:Nguyễn", "unit.add",
                                  "XA-MINHTAN"), HUB_OK);
    assert_int_equal(hub_db_audit(c->db, big + 1, "cli:b", "unit.rename",
                                  NULL), HUB_OK);
    assert_int_equal(hub_db_audit(c->db, big + 2, "cli:c", "token.use",
                                  "Ủy ban"), HUB_OK);
    assert_int_equal(hub_db_commit(c->db), HUB_OK);
    assert_int_equal(hub_db_each_audit(c->db, 2, audit_collect, &seen),
                     HUB_OK);
    assert_int_equal(seen.n, 2);
    assert_string_equal(seen.actions[0], "unit.rename");
    assert_string_equal(seen.actions[1], "token.use");
    assert_true(seen.at[0] == big + 1 && seen.at[1] == big + 2);
}

/* A rolled back audit row is gone on both. */
static void test_audit_rollback(void **state)
{
    store_ctx_t *c = *state;
    audit_seen_t seen = {0};

    assert_int_equal(hub_db_audit(c->db, 5, "cli:a", "kept", ""), HUB_OK);
    assert_int_equal(hub_db_begin_write(c->db), HUB_OK);
    assert_int_equal(hub_db_audit(c->db, 6, "cli:a", "dropped", ""),
                     HUB_OK);
    hub_db_rollback(c->db);
    assert_int_equal(hub_db_each_audit(c->db, 1, audit_collect, &seen),
                     HUB_OK);
    assert_int_equal(seen.n, 1);
    assert_string_equal(seen.actions[0], "kept");
}

typedef struct joined {
    char text[512];
    size_t n;
} joined_t;

static void join(joined_t *j, const char *a, const char *b, long n)
{
    int w = snprintf(j->text + j->n, sizeof(j->text) - j->n, "%s%s:%s:%ld",
                     j->n ? "," : "", a, b, n);

    assert_true(w > 0 && (size_t)w < sizeof(j->text) - j->n);
    j->n += (size_t)w;
}

static int join_unit(void *ctx, const hub_unit_info_t *u)
{
    join(ctx, u->code, u->parent, u->depth);
    return 0;
}

static int join_change(void *ctx, const hub_unit_change_t *c)
{
    join(ctx, c->code, c->kind, (long)(c->recorded_at % 1000));
    return 0;
}

/* Adds, edits and reads of the unit tree: the same answers, in the same
 * (byte) order, from both. */
static void test_units_tree(void **state)
{
    store_ctx_t *c = *state;
    hub_units_stamp_t stamp = {INT64_C(1) << 40, "cli:test"};
    hub_units_why_t why;
    joined_t all = {{0}, 0}, under = {{0}, 0}, log = {{0}, 0};
    hub_tree_t *t = NULL;
    char name[64];
    int yes = -1, i;

    assert_int_equal(hub_units_add(c->db, "TINH", "Tỉnh", NULL, 1), HUB_OK);
    assert_int_equal(hub_units_add(c->db, "HUYEN-A", "Huyện A", "TINH", 1),
                     HUB_OK);
    assert_int_equal(hub_units_add(c->db, "HUYEN-B", "Huyện B", "TINH", 1),
                     HUB_OK);
    assert_int_equal(hub_units_add(c->db, "XA-2", "Xã 2", "HUYEN-A", 1),
                     HUB_OK);
    assert_int_equal(hub_units_add(c->db, "XA-10", "Xã 10", "HUYEN-A", 1),
                     HUB_OK);
    assert_int_equal(hub_units_add(c->db, "XA-2", "again", "TINH", 1),
                     HUB_EXISTS);
    assert_int_equal(hub_units_add(c->db, "XA-X", "x", "NONE", 1),
                     HUB_NOT_FOUND);
    assert_int_equal(hub_units_contains(c->db, "TINH", "XA-2", &yes),
                     HUB_OK);
    assert_int_equal(yes, 1);
    assert_int_equal(hub_units_contains(c->db, "XA-2", "TINH", &yes),
                     HUB_OK);
    assert_int_equal(yes, 0);
    assert_int_equal(hub_units_get_name(c->db, "NONE", name, sizeof(name)),
                     HUB_NOT_FOUND);

    assert_int_equal(hub_units_rename(c->db, "XA-2", "Xã Hai", "2026-01-01",
                                      &stamp, &why), HUB_OK);
    stamp.now_ms++;
    assert_int_equal(hub_units_move(c->db, "XA-10", "HUYEN-B", "2026-01-05",
                                    &stamp, &why), HUB_OK);
    stamp.now_ms++;
    assert_int_equal(hub_units_merge(c->db, "XA-2", "XA-10", "2026-02-01",
                                     &stamp, &why), HUB_OK);
    assert_int_equal(hub_units_move(c->db, "HUYEN-B", "XA-10", "2026-03-01",
                                    &stamp, &why), HUB_DENIED);
    assert_int_equal(why.refusal, HUB_UNITS_LOOP);
    assert_int_equal(hub_units_rename(c->db, "XA-10", "Xã 10", "2026-03-01",
                                      &stamp, &why), HUB_DENIED);
    assert_int_equal(why.refusal, HUB_UNITS_SAME);
    assert_int_equal(hub_units_is_merged_into(c->db, "XA-2", "XA-10", &yes),
                     HUB_OK);
    assert_int_equal(yes, 1);

    if (hub_units_each(c->db, join_unit, &all) != HUB_OK)
        fail_msg("%s", hub_db_last_error(c->db));
    assert_string_equal(all.text, "TINH::0,HUYEN-A:TINH:1,XA-2:HUYEN-A:2,"
                                  "HUYEN-B:TINH:1,XA-10:HUYEN-B:2");
    assert_int_equal(hub_units_each_under(c->db, "HUYEN-B", join_unit,
                                          &under), HUB_OK);
    assert_string_equal(under.text,
                        "HUYEN-B:TINH:0,XA-10:HUYEN-B:1,XA-2:XA-10:2");
    assert_int_equal(hub_units_each_change(c->db, NULL, join_change, &log),
                     HUB_OK);
    assert_string_equal(log.text, "XA-10:move:777,XA-2:rename:776,"
                                  "XA-2:merge:778");

    assert_int_equal(hub_tree_load(c->db, "2025-12-31", &t), HUB_OK);
    i = hub_tree_find(t, "XA-2");
    assert_true(i >= 0);
    assert_string_equal(t->nodes[i].name, "Xã 2");
    i = hub_tree_find(t, "XA-10");
    assert_true(i >= 0);
    assert_string_equal(t->nodes[i].parent, "HUYEN-A");
    hub_tree_free(t);
}

static int join_kiosk(void *ctx, const hub_kiosk_info_t *k)
{
    joined_t *j = ctx;

    join(j, k->install_id, k->version, (long)(k->revoked_at % 1000));
    join(j, k->heartbeat, k->installation, (long)k->heartbeat_at);
    return 0;
}

static int join_token(void *ctx, const hub_token_info_t *t)
{
    /* Hours past the test's "now" (2^41 ms). */
    join(ctx, t->scope_unit, t->revoked_at ? "revoked" : "active",
         (long)((t->expires_at - (INT64_C(1) << 41)) / 3600000));
    return 0;
}

#define KIOSK_ID "0123456789abcdef0123456789abcdef"
#define KIOSK_SECRET                                                      \
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define OTHER_SECRET                                                      \
    "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"

/* A code redeemed once, a kiosk enrolled with its secret's digest, its
 * reports kept, then revoked; digests found by their bytes on both. */
static void test_enroll_kiosk(void **state)
{
    store_ctx_t *c = *state;
    const int64_t now = INT64_C(1) << 41;
    unsigned char hash[HUB_SHA256_LEN];
    char code[HUB_CODE_TEXT], unit[64];
    int64_t expires_at = 0, code_id = 0;
    json_t *hb_obj = json_pack("{s:i}", "battery", 80);
    json_t *in_obj = json_pack("{s:s}", "result", "pass");
    hub_heartbeat_t hb = {hb_obj, "1.2.4"};
    hub_installation_t rec = {in_obj, KIOSK_ID, "1.2.5", "pass", 5};
    joined_t seen = {{0}, 0};
    int was = -1;

    assert_int_equal(hub_units_add(c->db, "KT-TINH", "Tỉnh", NULL, 1),
                     HUB_OK);
    assert_int_equal(hub_units_add(c->db, "KT-XA", "Xã", "KT-TINH", 1),
                     HUB_OK);
    assert_int_equal(hub_enroll_add_code(c->db, "KT-XA", 24, now, code,
                                         &expires_at), HUB_OK);
    assert_int_equal(hub_enroll_add_code(c->db, "KT-NONE", 24, now, code,
                                         &expires_at), HUB_NOT_FOUND);
    assert_int_equal(hub_enroll_add_code(c->db, "KT-XA", 24, now, code,
                                         &expires_at), HUB_OK);
    assert_int_equal(hub_enroll_find(c->db, code, &code_id, unit,
                                     sizeof(unit)), HUB_OK);
    assert_true(code_id > 0);
    assert_string_equal(unit, "KT-XA");
    assert_int_equal(hub_enroll_find(c->db, "AAAA-BBBB-CCCC", &code_id,
                                     unit, sizeof(unit)), HUB_NOT_FOUND);
    assert_int_equal(hub_enroll_redeem(c->db, code, KIOSK_ID, now + 1,
                                       unit, sizeof(unit)), HUB_OK);
    assert_int_equal(hub_enroll_redeem(c->db, code, KIOSK_ID, now + 2,
                                       unit, sizeof(unit)), HUB_USED);

    assert_int_equal(hub_crypto_hash_text(KIOSK_SECRET, hash), 0);
    assert_int_equal(hub_kiosks_enroll(c->db, KIOSK_ID, "KT-XA", "Quầy 1",
                                       "1.2.3", hash, now), HUB_OK);
    assert_int_equal(hub_kiosks_authenticate(c->db, KIOSK_ID, KIOSK_SECRET,
                                             unit, sizeof(unit)), HUB_OK);
    assert_string_equal(unit, "KT-XA");
    assert_int_equal(hub_kiosks_authenticate(c->db, KIOSK_ID, OTHER_SECRET,
                                             unit, sizeof(unit)),
                     HUB_DENIED);
    assert_int_equal(hub_kiosks_enroll(c->db, KIOSK_ID, "KT-TINH", "", "",
                                       hash, now), HUB_CONFLICT);
    assert_int_equal(hub_heartbeat_store(c->db, KIOSK_ID, &hb, now + 10),
                     HUB_OK);
    assert_int_equal(hub_installation_store(c->db, KIOSK_ID, &rec,
                                            now + 20), HUB_OK);
    assert_int_equal(hub_kiosks_revoke(c->db, KIOSK_ID, now + 30, &was),
                     HUB_OK);
    assert_int_equal(was, 0);
    assert_int_equal(hub_kiosks_revoke(c->db, KIOSK_ID, now + 40, &was),
                     HUB_OK);
    assert_int_equal(was, 1);
    assert_int_equal(hub_kiosks_authenticate(c->db, KIOSK_ID, KIOSK_SECRET,
                                             unit, sizeof(unit)),
                     HUB_REVOKED);
    assert_int_equal(hub_kiosks_each(c->db, join_kiosk, &seen), HUB_OK);
    assert_string_equal(seen.text,
                        KIOSK_ID ":1.2.5:582,{\"battery\":80}:"
                        "{\"result\":\"pass\"}:"
                        "2199023255562");
    json_decref(hb_obj);
    json_decref(in_obj);
}

/* Tokens made, found by their digest, rotated (the old one ending at
 * once or after an overlap) and revoked. */
static void test_tokens(void **state)
{
    store_ctx_t *c = *state;
    const int64_t now = INT64_C(1) << 41, day = HUB_TOKENS_DAY_MS;
    char a[HUB_TOKEN_TEXT], b[HUB_TOKEN_TEXT], d[HUB_TOKEN_TEXT];
    int64_t ia = 0, ib = 0, id = 0, in = 0;
    hub_token_t tok;
    joined_t seen = {{0}, 0};
    int was = -1;

    assert_int_equal(hub_units_add(c->db, "TK-TINH", "Tỉnh", NULL, 1),
                     HUB_OK);
    assert_int_equal(hub_tokens_add(c->db, "TK-TINH", now, a, &ia),
                     HUB_OK);
    assert_int_equal(hub_tokens_create(c->db, NULL, 1, now, now + day, b,
                                       &ib), HUB_OK);
    assert_true(ib > ia && ia > 0);
    assert_int_equal(hub_tokens_add(c->db, "TK-NONE", now, d, &id),
                     HUB_NOT_FOUND);
    assert_int_equal(hub_tokens_find(c->db, a, &tok), HUB_OK);
    assert_true(tok.id == ia && !tok.audit);
    assert_string_equal(tok.scope_unit, "TK-TINH");
    assert_int_equal(hub_tokens_find(c->db, b, &tok), HUB_OK);
    assert_true(tok.id == ib && tok.audit && !tok.scope_unit[0]);
    assert_int_equal(hub_tokens_touch(c->db, ia, now + 1), HUB_OK);
    /* With an overlap the old token lives on until it ends... */
    assert_int_equal(hub_tokens_rotate(c->db, ia, now, 3600000, now + day,
                                       d, &id), HUB_OK);
    assert_int_equal(hub_tokens_find(c->db, a, &tok), HUB_OK);
    assert_true(tok.expires_at == now + 3600000);
    /* ...without one it is revoked at once. */
    assert_int_equal(hub_tokens_rotate(c->db, ib, now, 0, now + day, a,
                                       &in), HUB_OK);
    assert_int_equal(hub_tokens_find(c->db, b, &tok), HUB_DENIED);
    assert_int_equal(hub_tokens_revoke(c->db, id, now, &was), HUB_OK);
    assert_int_equal(was, 0);
    assert_int_equal(hub_tokens_revoke(c->db, id, now, &was), HUB_OK);
    assert_int_equal(was, 1);
    assert_int_equal(hub_tokens_each(c->db, join_token, &seen), HUB_OK);
    assert_string_equal(seen.text, "TK-TINH:active:1,:revoked:0,"
                                   "TK-TINH:revoked:24,:active:24");
}

/* A day_snapshots row as snapshots.c writes it (not yet on sqlx), its
 * month's partition made first on PostgreSQL. */
static int put_snapshot(store_ctx_t *c, const char *install_id,
                        const char *day)
{
    static const char sql[] =
        "INSERT INTO day_snapshots(install_id, day, upto_seq, estimated,"
        " upload_id, received_at) VALUES(?1, ?2, 1, 0, 'up', 1)";
    sqlx_stmt_t *st;
    char err[SQLX_ERR_MAX];
    int rc = HUB_OK;

    if (hub_dbx_is_pg(c->db) &&
        hub_pgschema_add_month(hub_dbx(c->db), atoi(day), atoi(day + 5),
                               err, sizeof(err)) != HUB_OK)
        fail_msg("%s", err);
    st = sqlx_prepare(hub_dbx(c->db), sql);
    sqlx_bind_text(st, 1, install_id, &rc);
    sqlx_bind_text(st, 2, day, &rc);
    return hub_dbx_run(c->db, st, rc, "put snapshot");
}

static int join_fleet_kiosk(void *ctx, const hub_fleet_kiosk_t *k)
{
    join(ctx, k->install_id + 30, k->last_day ? k->last_day : "none",
         (long)(k->revoked_at % 1000));
    join(ctx, k->unit_name, k->heartbeat, (long)k->heartbeat_at);
    return 0;
}

static int join_fleet_active(void *ctx, const hub_fleet_active_t *k)
{
    join(ctx, k->install_id + 30, k->first_day, (long)k->enrolled_at);
    return 0;
}

static int join_fleet_day(void *ctx, const char *install_id, const char *day)
{
    join(ctx, install_id + 30, day, 0);
    return 0;
}

/* The kiosks of a scope with their last day, heartbeat and revocation,
 * the active ones with their first day, and the days they reported. */
static void test_fleet_reads(void **state)
{
    store_ctx_t *c = *state;
    const char *k1 = "f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1k1";
    const char *k2 = "f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2k2";
    unsigned char hash[HUB_SHA256_LEN];
    json_t *hb_obj = json_pack("{s:i}", "battery", 7);
    hub_heartbeat_t hb = {hb_obj, "2.0.0"};
    joined_t kiosks = {{0}, 0}, below = {{0}, 0}, active = {{0}, 0},
             days = {{0}, 0};
    int was = -1;

    assert_int_equal(hub_units_add(c->db, "FL-TINH", "Tỉnh", NULL, 1),
                     HUB_OK);
    assert_int_equal(hub_units_add(c->db, "FL-XA", "Xã", "FL-TINH", 1),
                     HUB_OK);
    assert_int_equal(hub_crypto_hash_text(KIOSK_SECRET, hash), 0);
    assert_int_equal(hub_kiosks_enroll(c->db, k1, "FL-XA", "Quầy 1", "1.0",
                                       hash, 100), HUB_OK);
    assert_int_equal(hub_kiosks_enroll(c->db, k2, "FL-TINH", "Quầy 2",
                                       "1.0", hash, 200), HUB_OK);
    assert_int_equal(hub_heartbeat_store(c->db, k1, &hb, 300), HUB_OK);
    assert_int_equal(put_snapshot(c, k1, "2026-01-30"), HUB_OK);
    assert_int_equal(put_snapshot(c, k1, "2026-02-02"), HUB_OK);
    assert_int_equal(put_snapshot(c, k2, "2026-01-31"), HUB_OK);
    assert_int_equal(put_snapshot(c, k2, "2026-01-31"), HUB_EXISTS);
    assert_int_equal(hub_kiosks_revoke(c->db, k2, 999, &was), HUB_OK);

    assert_int_equal(hub_fleet_each_kiosk(c->db, "FL-TINH", join_fleet_kiosk,
                                          &kiosks), HUB_OK);
    assert_string_equal(kiosks.text, "k2:2026-01-31:999,Tỉnh::0,"
                                     "k1:2026-02-02:0,Xã:{\"battery\":7}:300");
    assert_int_equal(hub_fleet_each_kiosk(c->db, "FL-XA", join_fleet_kiosk,
                                          &below), HUB_OK);
    assert_string_equal(below.text, "k1:2026-02-02:0,Xã:{\"battery\":7}:300");
    assert_int_equal(hub_fleet_each_active(c->db, "FL-TINH",
                                           join_fleet_active, &active),
                     HUB_OK);
    assert_string_equal(active.text, "k1:2026-01-30:100");
    assert_int_equal(hub_fleet_each_day(c->db, "FL-TINH", "2026-01-01",
                                        "2026-02-28", join_fleet_day, &days),
                     HUB_OK);
    /* In no promised order. */
    assert_int_equal(days.n, strlen("k1:2026-01-30:0,k1:2026-02-02:0"));
    assert_non_null(strstr(days.text, "k1:2026-01-30:0"));
    assert_non_null(strstr(days.text, "k1:2026-02-02:0"));
    json_decref(hb_obj);
}

/* No default partition: a month without its partition takes no rows. */
static void test_snapshot_month_needed(void **state)
{
    store_ctx_t *c = *state;
    static const char sql[] =
        "INSERT INTO day_snapshots(install_id, day, upto_seq, estimated,"
        " upload_id, received_at) VALUES('x', '2019-05-01', 1, 0, 'u', 1)";
    char err[SQLX_ERR_MAX];

    /* PostgreSQL's SQLSTATE 23514, a constraint: HUB_EXISTS by class. */
    assert_int_not_equal(hub_dbx_run(c->db,
                                     sqlx_prepare(hub_dbx(c->db), sql),
                                     HUB_OK, "no partition"), HUB_OK);
    assert_non_null(strstr(hub_db_last_error(c->db), "no partition"));
    assert_int_equal(hub_pgschema_add_month(hub_dbx(c->db), 2019, 13, err,
                                            sizeof(err)), HUB_ERROR);
    assert_int_equal(hub_pgschema_add_month(hub_dbx(c->db), 2019, 5, err,
                                            sizeof(err)), HUB_OK);
    assert_int_equal(hub_pgschema_add_month(hub_dbx(c->db), 2019, 5, err,
                                            sizeof(err)), HUB_OK);
    assert_int_equal(hub_dbx_run(c->db, sqlx_prepare(hub_dbx(c->db), sql),
                                 HUB_OK, "partition"), HUB_OK);
}

static int join_dossier(void *ctx, const hub_dossier_rec_t *r)
{
    join(ctx, r->dossier, r->unit, (long)(r->rev * 100 + r->corrects));
    join(ctx, r->answers_json, r->day,
         (long)(r->satisfied * 1000 + r->at_ms % 1000));
    return 0;
}

/* Ratings stored, sent again unchanged and corrected, read back by
 * revision and by unit, and summed per dossier: the same on both. */
static void test_dossiers_log(void **state)
{
    store_ctx_t *c = *state;
    hub_dossier_row_t rows[3] = {
        {1, "HS-001", 1000, "2026-03-01", 0, "DS-A", "f", "i", 1, 0, 1,
         (char *)"[{\"a\":1}]"},
        {2, "HS-001", 2000, "2026-03-01", 0, "DS-B", "f", "i", 1, 0, 0,
         (char *)"[]"},
        {3, "HS-002", 3000, "2026-03-02", 1, "DS-B", "f", "i", 1, 1,
         HUB_DOSSIERS_NO_VERDICT, (char *)"[]"},
    };
    hub_upload_t up = {.install_id = "dsdsdsdsdsdsdsdsdsdsdsdsdsdsdsds",
                       .upload_id = "u1", .n_dos = 3, .dos = rows};
    hub_ingest_result_t res = {0};
    hub_dossier_summary_t sum;
    joined_t all = {{0}, 0}, b = {{0}, 0};
    int64_t rev = -1;

    assert_int_equal(hub_dossiers_get_last(c->db, &rev), HUB_OK);
    assert_int_equal(rev, 0);
    assert_int_equal(hub_dossiers_store(c->db, &up, NULL, 10, &res), HUB_OK);
    rows[0].at_ms += HUB_DOSSIERS_SAME_TIME_MS; /* a correction */
    rows[1].at_ms += 5;                         /* the same rating */
    up.n_dos = 2;
    assert_int_equal(hub_dossiers_store(c->db, &up, NULL, 20, &res), HUB_OK);
    assert_int_equal(res.dossiers_new, 3);
    assert_int_equal(res.dossiers_corrected, 1);
    assert_int_equal(res.dossiers_same, 1);
    assert_int_equal(hub_dossiers_get_last(c->db, &rev), HUB_OK);
    assert_int_equal(rev, 4);

    assert_int_equal(hub_dossiers_each(c->db, 1, 10, NULL, join_dossier,
                                       &all), HUB_OK);
    assert_string_equal(all.text, "HS-001:DS-B:200,[]:2026-03-01:0,"
                                  "HS-002:DS-B:300,[]:2026-03-02:-1000,"
                                  "HS-001:DS-A:401,[{\"a\":1}]:2026-03-01:1000");
    assert_int_equal(hub_dossiers_each(c->db, 0, 2, "[\"DS-B\"]",
                                       join_dossier, &b), HUB_OK);
    assert_string_equal(b.text, "HS-001:DS-B:200,[]:2026-03-01:0,"
                                "HS-002:DS-B:300,[]:2026-03-02:-1000");

    assert_int_equal(hub_dossiers_summarise(c->db, "2026-03-01",
                                            "2026-03-31", NULL, &sum),
                     HUB_OK);
    assert_true(sum.ratings == 3 && sum.dossiers == 2 && sum.judged == 1 &&
                sum.not_satisfied == 1);
    assert_int_equal(hub_dossiers_summarise(c->db, "2026-03-02",
                                            "2026-03-02", "[\"DS-B\"]",
                                            &sum), HUB_OK);
    assert_true(sum.ratings == 1 && sum.dossiers == 1 && sum.judged == 0 &&
                sum.not_satisfied == 0);
}

/* The snapshot rows behind the statistics test: two districts' days at
 * the edges and inside of two months, counters, officers, partial
 * responses, answers and elements, written by SQL: SQLite's triggers
 * make the summaries from them, and PostgreSQL, which has none (the
 * ingest keeps them there, statsums.c), gets those summaries copied. */
static const char stats_rows_sql[] =
    "INSERT INTO day_responses VALUES"
    "('k1', '2031-01-01', 'SJ-X1', 'c1', 'o1', 'dat-dai', 'sipas-short', 1,"
    "  7, 1, 0),"
    "('k1', '2031-01-31', 'SJ-X1', 'c1', 'o2', 'dat-dai', 'sipas-short', 1,"
    "  4, 0, 1),"
    "('k2', '2031-01-15', 'SJ-X2', 'c2', 'o1', 'tu-phap', 'sipas-short', 1,"
    "  9, 2, 0),"
    "('k2', '2031-02-01', 'SJ-X2', 'c2', '', 'tu-phap', 'sipas-short', 1,"
    "  6, 0, 0),"
    "('k1', '2031-02-14', 'SJ-X1', 'c1', 'o1', 'dat-dai', 'sipas-short', 1,"
    "  5, 1, 0);"
    "INSERT INTO day_answers VALUES"
    "('k1', '2031-01-01', 'SJ-X1', 'c1', 'o1', 'dat-dai', 'sipas-short', 1,"
    "  0, 'overall', 'overall', '5', 6),"
    "('k1', '2031-01-01', 'SJ-X1', 'c1', 'o1', 'dat-dai', 'sipas-short', 1,"
    "  0, 'overall', 'overall', '2', 1),"
    "('k1', '2031-01-01', 'SJ-X1', 'c1', 'o1', 'dat-dai', 'sipas-short', 1,"
    "  1, 'overall', 'overall', '4', 1),"
    "('k1', '2031-01-31', 'SJ-X1', 'c1', 'o2', 'dat-dai', 'sipas-short', 1,"
    "  0, 'overall', 'overall', '3', 4),"
    "('k2', '2031-01-15', 'SJ-X2', 'c2', 'o1', 'tu-phap', 'sipas-short', 1,"
    "  0, 'overall', 'overall', '5', 9),"
    "('k2', '2031-02-01', 'SJ-X2', 'c2', '', 'tu-phap', 'sipas-short', 1,"
    "  0, 'overall', 'overall', '1', 6),"
    "('k1', '2031-02-14', 'SJ-X1', 'c1', 'o1', 'dat-dai', 'sipas-short', 1,"
    "  0, 'overall', 'overall', '4', 5);"
    "INSERT INTO day_elements VALUES"
    "('k1', '2031-01-01', 'SJ-X1', 'c1', 'o1', 'dat-dai', 'sipas-short', 1,"
    "  0, 'overall', 7, 1),"
    "('k2', '2031-02-01', 'SJ-X2', 'c2', '', 'tu-phap', 'sipas-short', 1,"
    "  0, 'overall', 6, 0)";

/* "SELECT * FROM table" for each summary table, at a fixed address each
 * (statements are kept by the address of their text). */
static char stats_select_sql[64][96];

/* SQL text of column i of st's row: an integer, NULL or a quoted text. */
static void append_value(char *out, size_t cap, sqlx_stmt_t *st, int i)
{
    size_t n = strlen(out);
    const char *v;

    if (sqlx_column_type(st, i) != SQLX_TEXT) {
        snprintf(out + n, cap - n, "%s%s", i ? ", " : "",
                 sqlx_column_is_null(st, i) ? "NULL"
                                            : sqlx_column_text(st, i));
        return;
    }
    snprintf(out + n, cap - n, "%s'", i ? ", " : "");
    for (v = sqlx_column_text(st, i); *v; v++) {
        n = strlen(out);
        assert_true(*v != '\'' && n + 3 < cap);
        out[n] = *v;
        out[n + 1] = '\0';
    }
    n = strlen(out);
    snprintf(out + n, cap - n, "'");
}

/* Every row of SQLite's summary tables into PostgreSQL's. */
static void copy_summaries(hub_db_t *from, hub_db_t *to)
{
    char insert[1024];
    int i, j, rc;

    for (i = 0; hub_pgschema_tables[i]; i++) {
        const char *t = hub_pgschema_tables[i];
        sqlx_stmt_t *st;

        if (strncmp(t, "stat_", 5) != 0)
            continue;
        assert_true(i < 64);
        snprintf(stats_select_sql[i], sizeof(stats_select_sql[i]),
                 "SELECT * FROM %s", t);
        st = sqlx_prepare(hub_dbx(from), stats_select_sql[i]);
        assert_non_null(st);
        while ((rc = sqlx_step(st)) == SQLX_ROW) {
            snprintf(insert, sizeof(insert), "INSERT INTO %s VALUES(", t);
            for (j = 0; j < sqlx_column_count(st); j++)
                append_value(insert, sizeof(insert), st, j);
            assert_true(strlen(insert) + 2 < sizeof(insert));
            strcat(insert, ")");
            if (sqlx_exec(hub_dbx(to), insert) != HUB_OK)
                fail_msg("%s", sqlx_last_error(hub_dbx(to)));
        }
        assert_int_equal(rc, SQLX_DONE);
        sqlx_reset(st);
    }
}

static void put_stats_rows(store_ctx_t *c)
{
    char err[SQLX_ERR_MAX];

    assert_int_equal(hub_units_add(c->db, "SJ-T", "Tỉnh", NULL, 1), HUB_OK);
    assert_int_equal(hub_units_add(c->db, "SJ-X1", "Xã 1", "SJ-T", 1),
                     HUB_OK);
    assert_int_equal(hub_units_add(c->db, "SJ-X2", "Xã 2", "SJ-T", 1),
                     HUB_OK);
    if (hub_dbx_is_pg(c->db) &&
        (hub_pgschema_add_month(hub_dbx(c->db), 2031, 1, err,
                                sizeof(err)) != HUB_OK ||
         hub_pgschema_add_month(hub_dbx(c->db), 2031, 2, err,
                                sizeof(err)) != HUB_OK))
        fail_msg("%s", err);
    if (sqlx_exec(hub_dbx(c->db), stats_rows_sql) != HUB_OK)
        fail_msg("%s", sqlx_last_error(hub_dbx(c->db)));
}

/* The statistics JSON of q, keys sorted. */
static char *stats_json(hub_db_t *db, const hub_stats_query_t *q)
{
    json_t *out = NULL;
    char *text;

    if (hub_stats_compute(db, q, &out) != HUB_OK)
        fail_msg("stats: %s", hub_db_last_error(db));
    text = json_dumps(out, JSON_SORT_KEYS | JSON_INDENT(1));
    json_decref(out);
    assert_non_null(text);
    return text;
}

/* The same summary and snapshot rows give byte-identical statistics
 * JSON from both drivers: whole months (summaries) and days at the
 * edges (snapshot rows), by unit, day, month, field, counter, officer,
 * for a district and for the whole province, and by unit rolled up to
 * the roots (level 0, the summaries summed in SQL). */
static void test_stats_same_json(void **state)
{
    store_ctx_t *pg = *state, lite = {0};
    static const struct {
        const char *from, *to, *unit;
        hub_stats_group_t group;
        int min_group, level;
    } cases[] = {
        {"2031-01-01", "2031-02-28", "SJ-T", HUB_STATS_BY_UNIT, 1, -1},
        {"2031-01-01", "2031-02-28", "SJ-T", HUB_STATS_BY_MONTH, 5, -1},
        {"2031-01-10", "2031-02-14", "SJ-T", HUB_STATS_BY_DAY, 1, -1},
        {"2031-01-01", "2031-01-31", "SJ-X1", HUB_STATS_BY_COUNTER, 1, -1},
        {"2031-01-01", "2031-02-28", "SJ-T", HUB_STATS_BY_OFFICER, 5, -1},
        {"2031-01-15", "2031-02-28", NULL, HUB_STATS_BY_FIELD, 1, -1},
        {"2031-01-01", "2031-12-31", NULL, HUB_STATS_BY_YEAR, 1, -1},
        {"2031-01-01", "2031-02-28", NULL, HUB_STATS_ALL, 5, -1},
        /* Rolled up, summed in SQL: every root, one root's scope (with
         * its officers weighed), a whole year, days around months. */
        {"2031-01-01", "2031-02-28", NULL, HUB_STATS_BY_UNIT, 1, 0},
        {"2031-01-01", "2031-02-28", "SJ-T", HUB_STATS_BY_UNIT, 5, 0},
        {"2031-01-01", "2031-12-31", NULL, HUB_STATS_BY_UNIT, 5, 0},
        {"2031-01-10", "2031-02-28", "SJ-T", HUB_STATS_BY_UNIT, 1, 0},
    };
    hub_stats_query_t q;
    char *a, *b;
    size_t i;

    assert_int_equal(open_store(&lite), 0);
    put_stats_rows(&lite);
    put_stats_rows(pg);
    copy_summaries(lite.db, pg->db);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        hub_stats_init_query(&q);
        q.from = cases[i].from;
        q.to = cases[i].to;
        q.unit = cases[i].unit;
        q.group = cases[i].group;
        q.min_group = cases[i].min_group;
        q.level = cases[i].level;
        a = stats_json(lite.db, &q);
        b = stats_json(pg->db, &q);
        if (strcmp(a, b) != 0)
            fprintf(stderr, "case %zu:\nsqlite %s\npostgresql %s\n", i, a,
                    b);
        assert_string_equal(a, b);
        assert_non_null(strstr(a, "\"responses\""));
        free(a);
        free(b);
    }
    close_store(&lite);
}

/* A year of 60 communes' answers, 120,000 rows: past the rows one
 * PostgreSQL result may hold (SQLX_RESULT_ROWS_MAX), which a country's
 * units by unit pass at six provinces. One text for both dialects; a
 * year no other case writes, removed again (the server's cases share
 * one database, and later ones read whole tables). */
#define CAP_UNITS 60
#define CAP_ROWS_PER_UNIT 2000
static const char cap_rows_sql[] =
    "INSERT INTO stat_year_answers (year, unit, field, instrument,"
    " question, element, answer, n, pn, rows)"
    " WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s"
    "  WHERE i < 119999)"
    " SELECT '2039', 'CAP-X' || (10 + i / 2000), 'f' || (i / 500 % 4),"
    "  'sipas-short', 'q' || (10 + i / 5 % 100), 'overall',"
    "  CAST(1 + i % 5 AS TEXT), 1 + i % 7, i % 3, 1 FROM s;"
    "INSERT INTO stat_year_responses (year, unit, field, instrument,"
    " complete, partial, suppressed, rows)"
    " WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s"
    "  WHERE i < 239)"
    " SELECT '2039', 'CAP-X' || (10 + i / 4), 'f' || (i % 4),"
    "  'sipas-short', 40 + i % 9, i % 4, i % 2, 1 FROM s";

static const char cap_rows_gone_sql[] =
    "DELETE FROM stat_year_answers WHERE year = '2039';"
    "DELETE FROM stat_year_responses WHERE year = '2039'";

static void put_cap_rows(hub_db_t *db)
{
    char code[16];
    sqlx_stmt_t *st;
    int i;

    assert_true(CAP_UNITS * CAP_ROWS_PER_UNIT > SQLX_RESULT_ROWS_MAX);
    assert_int_equal(hub_units_add(db, "CAP-T", "Tỉnh lớn", NULL, 1),
                     HUB_OK);
    for (i = 0; i < CAP_UNITS; i++) {
        snprintf(code, sizeof(code), "CAP-X%d", 10 + i);
        assert_int_equal(hub_units_add(db, code, "Xã", "CAP-T", 1), HUB_OK);
    }
    if (sqlx_exec(hub_dbx(db), cap_rows_sql) != HUB_OK)
        fail_msg("%s", sqlx_last_error(hub_dbx(db)));
    st = sqlx_prepare(hub_dbx(db), "SELECT count(*) FROM stat_year_answers"
                                   " WHERE year = '2039'");
    assert_int_equal(sqlx_step(st), SQLX_ROW);
    assert_int_equal(sqlx_column_int64(st, 0),
                     CAP_UNITS * CAP_ROWS_PER_UNIT);
    sqlx_reset(st);
}

/* Rows read, the reader stopping at the stop_at-th. */
typedef struct cap_count {
    long rows, stop_at;
} cap_count_t;

static int cap_count_row(void *ctx, const hub_stat_row_t *row)
{
    cap_count_t *c = ctx;

    (void)row;
    return ++c->rows == c->stop_at;
}

/* Year 2039 by unit, for the whole hub (unit NULL) or a scope. */
static void cap_query(hub_stats_query_t *q, const char *unit)
{
    hub_stats_init_query(q);
    q->from = "2039-01-01";
    q->to = "2039-12-31";
    q->unit = unit;
    q->group = HUB_STATS_BY_UNIT;
    q->min_group = 1;
}

/* A year by unit over more rows than one PostgreSQL result holds: the
 * same JSON as SQLite's, for the whole hub and for the province's
 * scope, each commune with its 2,000 rows' answers. */
static void test_stats_past_result_cap(void **state)
{
    store_ctx_t *pg = *state, lite = {0};
    const char *units[2] = {NULL, "CAP-T"};
    hub_stat_read_t rd = {.table = HUB_STAT_YEAR_SUMMARY, .answers = 1,
                          .lo = "2039", .hi = "2039"};
    cap_count_t stop = {0, 15000}, all = {0, -1};
    hub_stats_query_t q;
    json_t *out[2] = {NULL, NULL};
    int i, rc[4];
    char *a, *b;

    assert_int_equal(open_store(&lite), 0);
    put_cap_rows(lite.db);
    put_cap_rows(pg->db);
    /* The server's reads first, its rows removed before any check can
     * stop the case: the later cases read whole tables. */
    for (i = 0; i < 2; i++) {
        cap_query(&q, units[i]);
        rc[i] = hub_stats_compute(pg->db, &q, &out[i]);
    }
    rc[2] = hub_stat_rows_each(pg->db, &rd, cap_count_row, &stop);
    rc[3] = hub_stat_rows_each(pg->db, &rd, cap_count_row, &all);
    assert_int_equal(sqlx_exec(hub_dbx(pg->db), cap_rows_gone_sql), HUB_OK);
    for (i = 0; i < 2; i++) {
        if (rc[i] != HUB_OK)
            fail_msg("stats: %s", hub_db_last_error(pg->db));
        cap_query(&q, units[i]);
        a = stats_json(lite.db, &q);
        b = json_dumps(out[i], JSON_SORT_KEYS | JSON_INDENT(1));
        json_decref(out[i]);
        assert_non_null(b);
        assert_string_equal(a, b);
        assert_non_null(strstr(a, "\"CAP-X69\""));
        free(a);
        free(b);
    }
    close_store(&lite);
    /* Read alone, outside a transaction: every row once; a reader that
     * stops early leaves the next read whole. */
    assert_int_equal(rc[2], HUB_ERROR);
    assert_int_equal(stop.rows, 15000);
    assert_int_equal(rc[3], HUB_OK);
    assert_int_equal(all.rows, CAP_UNITS * CAP_ROWS_PER_UNIT);
}

/* ---- a national push's planner statistics --------------------------- */

/* One month of two communes, as a provincial hub pushes it. */
static const char analyze_body[] =
    "{\"province\": \"AN-T\", \"month\": \"2038-05\", \"seq\": 1,"
    " \"responses\": [[\"AN-X1\", \"khac\", \"sipas-short\", 4, 1, 0],"
    "  [\"AN-X2\", \"khac\", \"sipas-short\", 3, 0, 0]],"
    " \"answers\": [[\"AN-X1\", \"khac\", \"sipas-short\", \"overall\","
    "  \"overall\", \"5\", 4, 1],"
    "  [\"AN-X2\", \"khac\", \"sipas-short\", \"overall\", \"overall\","
    "  \"4\", 3, 0]],"
    " \"elements\": [[\"AN-X1\", \"khac\", \"sipas-short\", \"cong-chuc\","
    "  4, 1, 0]], \"officers\": []}";

/* Whether table has planner statistics (reltuples -1: never analysed). */
static int has_statistics(hub_db_t *db, const char *table)
{
    static char sql[128];
    sqlx_stmt_t *st;
    int yes;

    snprintf(sql, sizeof(sql),
             "SELECT reltuples >= 0 FROM pg_class WHERE oid = "
             "to_regclass('%s')", table);
    st = sqlx_prepare(hub_dbx(db), sql);
    assert_int_equal(sqlx_step(st), SQLX_ROW);
    yes = strcmp(sqlx_column_text(st, 0), "t") == 0 ||
          sqlx_column_int64(st, 0) == 1;
    sqlx_finalize(st);
    return yes;
}

/* A push to fresh national tables leaves them with statistics: planned
 * as one row they made the next push join by nested loop. */
static void test_national_push_analyses(void **state)
{
    store_ctx_t *pg = *state;
    hub_natpush_doc_t doc;
    hub_national_push_t p;
    hub_problem_t pb;
    const char *bad = NULL;
    int64_t held = 0;

    assert_false(has_statistics(pg->db, "national_month_units"));
    assert_int_equal(hub_units_add(pg->db, "AN-T", "Tỉnh", NULL, 1), HUB_OK);
    assert_int_equal(hub_units_add(pg->db, "AN-X1", "Xã 1", "AN-T", 1),
                     HUB_OK);
    assert_int_equal(hub_units_add(pg->db, "AN-X2", "Xã 2", "AN-T", 1),
                     HUB_OK);
    hub_problem_init(&pb);
    assert_int_equal(hub_natpush_parse(analyze_body, strlen(analyze_body),
                                       &doc, &p, &pb), 0);
    assert_int_equal(hub_db_begin_write(pg->db), HUB_OK);
    assert_int_equal(hub_national_replace(pg->db, &p, 1000, &held, &bad),
                     HUB_OK);
    assert_int_equal(hub_db_commit(pg->db), HUB_OK);
    assert_int_equal(hub_national_analyze(pg->db, &p), HUB_OK);
    hub_natpush_doc_free(&doc);
    assert_true(has_statistics(pg->db, "stat_month_answers"));
    assert_true(has_statistics(pg->db, "stat_year_answers"));
    assert_true(has_statistics(pg->db, "national_month_units"));
}

/* One text of the province totals' rows (the year's answers, the
 * month's responses), in key order. */
static char *province_totals_text(hub_db_t *db)
{
    sqlx_stmt_t *st = sqlx_prepare(
        hub_dbx(db),
        "SELECT coalesce((SELECT string_agg(concat_ws('|', year, province,"
        " field, question, answer, n, pn), ',' ORDER BY year, province,"
        " field, question, answer) FROM national_prov_year_answers), '')"
        " || ';' || coalesce((SELECT string_agg(concat_ws('|', month,"
        " province, field, complete, partial), ',' ORDER BY month,"
        " province, field) FROM national_prov_month_responses), '')");
    char *text;

    assert_int_equal(sqlx_step(st), SQLX_ROW);
    text = strdup(sqlx_column_text(st, 0));
    sqlx_finalize(st);
    assert_non_null(text);
    return text;
}

/* After test_national_push_analyses's push: the totals are its sums,
 * and a database of the step before them gets the same from its rows
 * when the schema steps run. */
static void test_national_totals_migrated(void **state)
{
    store_ctx_t *pg = *state;
    char err[SQLX_ERR_MAX], *before, *after;

    before = province_totals_text(pg->db);
    assert_non_null(strstr(before, "2038|AN-T|khac|overall|4|3|0"));
    assert_non_null(strstr(before, "2038|AN-T|khac|overall|5|4|1"));
    assert_non_null(strstr(before, "2038-05|AN-T|khac|7|1"));
    if (sqlx_exec(hub_dbx(pg->db),
                  "DROP TABLE national_prov_month_responses,"
                  " national_prov_month_answers,"
                  " national_prov_month_elements,"
                  " national_prov_month_officers,"
                  " national_prov_year_responses,"
                  " national_prov_year_answers, national_prov_year_elements,"
                  " national_prov_year_officers;"
                  " UPDATE hub_schema SET version = 5") != HUB_OK)
        fail_msg("%s", sqlx_last_error(hub_dbx(pg->db)));
    if (hub_pgschema_apply(hub_dbx(pg->db), err, sizeof(err)) != HUB_OK)
        fail_msg("%s", err);
    after = province_totals_text(pg->db);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

/* ---- uploads through the ingest, on both ---------------------------- */

/* The units of the upload cases: a province, a district with two
 * communes, a commune straight under the province. */
static void put_ingest_units(hub_db_t *db)
{
    assert_int_equal(hub_units_add(db, "IG-T", "Tỉnh", NULL, 1), HUB_OK);
    assert_int_equal(hub_units_add(db, "IG-H", "Huyện", "IG-T", 1), HUB_OK);
    assert_int_equal(hub_units_add(db, "IG-X1", "Xã 1", "IG-H", 1), HUB_OK);
    assert_int_equal(hub_units_add(db, "IG-X2", "Xã 2", "IG-H", 1), HUB_OK);
    assert_int_equal(hub_units_add(db, "IG-X3", "Xã 3", "IG-T", 1), HUB_OK);
}

/* Kiosks a and b share IG-X1 (two counters of one unit). */
static const char *const ingest_kiosks[] = {
    "a0000000000000000000000000000001", "b0000000000000000000000000000002",
    "c0000000000000000000000000000003", "d0000000000000000000000000000004"};
static const char *const ingest_kiosk_units[] = {"IG-X1", "IG-X1", "IG-X2",
                                                 "IG-X3"};
#define INGEST_KIOSKS 4

static void put_ingest_kiosks(hub_db_t *db)
{
    unsigned char hash[HUB_SHA256_LEN] = {7};
    int k;

    for (k = 0; k < INGEST_KIOSKS; k++)
        assert_int_equal(hub_kiosks_enroll(db, ingest_kiosks[k],
                                           ingest_kiosk_units[k],
                                           k == 1 ? "Quầy 2" : "Quầy 1",
                                           "1.0", hash, 1), HUB_OK);
}

static unsigned ingest_rand(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 16) & 0x7FFF;
}

/* One row's dimensions, flat in the row as the upload format has them. */
static json_t *ingest_row(const char *unit, unsigned o, unsigned f)
{
    static const char *const officers[] = {"CB1", "CB2", ""};
    static const char *const fields[] = {"dat-dai", "tu-phap"};

    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:i}", "unit", unit,
                     "counter", o == 1 ? "Quầy 2" : "Quầy 1", "officer",
                     officers[o], "field", fields[f], "instrument",
                     "sipas-short", "version", 1);
}

/* A snapshot of one to three of the year's days (month and year edges
 * among them) of kiosk k at seq, drawn from seed: each key present or
 * not, so successive snapshots change counts, drop and add rows; some
 * days without element counts (the hub's stand-ins), some rows of an
 * unknown unit (ignored). The same (k, seq, seed) gives the same body. */
static char *ingest_body(int k, int64_t seq, unsigned seed, int year)
{
    static const char *const days[] = {"01-01", "01-31", "02-01", "02-28",
                                       "03-15", "12-31"};
    json_t *list = json_array(), *root;
    unsigned rnd = seed, d, o, f, p, a, pick = 0;
    char day[16], *text;

    while (!pick)
        pick = ingest_rand(&rnd) % 64;
    for (d = 0; d < 6; d++) {
        json_t *resp, *ans, *el;
        int n[2];

        if (!(pick & (1u << d)) || json_array_size(list) == 3)
            continue;
        resp = json_array();
        ans = json_array();
        el = json_array();
        assert_true(resp && ans && el);
        for (o = 0; o < 3; o++)
            for (f = 0; f < 2; f++) {
                const char *unit = ingest_rand(&rnd) % 9 == 0
                                       ? "DEMO-UNIT"
                                       : ingest_kiosk_units[k];
                json_t *row;

                n[0] = n[1] = 0;
                if (ingest_rand(&rnd) % 4) {
                    n[0] = 1 + (int)(ingest_rand(&rnd) % 5);
                    n[1] = (int)(ingest_rand(&rnd) % 3);
                    row = ingest_row(unit, o, f);
                    json_object_set_new(row, "complete", json_integer(n[0]));
                    json_object_set_new(row, "partial", json_integer(n[1]));
                    json_object_set_new(row, "suppressed",
                                        json_integer(ingest_rand(&rnd) % 2));
                    json_array_append_new(resp, row);
                }
                for (p = 0; p < 2; p++) {
                    for (a = 4; a <= 5; a++) {
                        if (!n[p] || ingest_rand(&rnd) % 3 == 0)
                            continue;
                        row = ingest_row(unit, o, f);
                        json_object_set_new(row, "partial", json_integer(p));
                        json_object_set_new(row, "question",
                                            json_string("overall"));
                        json_object_set_new(row, "element",
                                            json_string("overall"));
                        json_object_set_new(row, "answer",
                                            json_string(a == 4 ? "4" : "5"));
                        json_object_set_new(row, "n", json_integer(1));
                        json_array_append_new(ans, row);
                    }
                    if (!n[p])
                        continue;
                    row = ingest_row(unit, o, f);
                    json_object_set_new(row, "partial", json_integer(p));
                    json_object_set_new(row, "element",
                                        json_string("overall"));
                    json_object_set_new(row, "n", json_integer(n[p]));
                    json_array_append_new(el, row);
                }
            }
        snprintf(day, sizeof(day), "%04d-%s", d == 5 ? year - 1 : year,
                 days[d]);
        root = json_pack("{s:s, s:i, s:o, s:o}", "day", day, "estimated",
                         (int)(ingest_rand(&rnd) % 2), "responses", resp,
                         "answers", ans);
        assert_non_null(root);
        if (ingest_rand(&rnd) % 4)
            json_object_set_new(root, "elements", el);
        else
            json_decref(el);
        json_array_append_new(list, root);
    }
    root = json_pack("{s:i, s:s, s:s, s:I, s:o}", "format", 2, "install_id",
                     ingest_kiosks[k], "upload_id", "u", "upto_seq",
                     (json_int_t)seq, "days", list);
    assert_non_null(root);
    text = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    assert_non_null(text);
    return text;
}

/* Parses body and stores it through the ingest, as the API does (held
 * to q's quotas, NULL: none); a
 * collision PostgreSQL still reports after the queue's own tries is
 * sent again, as a kiosk would. The result's figures, "r:s:i:d/"
 * (rows added, stale days, ignored rows, rows dropped), are appended to
 * log (may be NULL). */
static int ingest_send(hub_db_t *db, hub_quota_t *q, const char *body,
                       int64_t now, char *log, size_t cap)
{
    hub_upload_t up;
    hub_problem_t pb;
    hub_ingest_result_t res;
    int rc, tries = 0;

    memset(&up, 0, sizeof(up));
    if (hub_ingest_parse(body, strlen(body), now, &up, &pb) != 0)
        fail_msg("parse: %s", body);
    do
        rc = hub_ingest_store_quota(db, q, &up, now, &res);
    while (rc == HUB_BUSY && ++tries < 50);
    hub_ingest_free(&up);
    if (rc != HUB_OK)
        fail_msg("ingest: %d %s", rc, hub_db_last_error(db));
    if (log)
        snprintf(log + strlen(log), cap - strlen(log), "%lld:%zu:%lld:%lld/",
                 (long long)res.rows_added, res.stale_days,
                 (long long)res.ignored_rows, (long long)res.rows_dropped);
    return tries;
}

/* The uploads of the comparison: fresh snapshots, the same upload again,
 * an older snapshot after a newer one (stale), one sent ahead of its
 * predecessor (out of order), and days of a month already summed coming
 * late. Fills bodies (cap of them) and returns how many. */
static size_t ingest_plan(char **bodies, size_t cap, int year)
{
    int64_t seq[INGEST_KIOSKS] = {0};
    size_t last[INGEST_KIOSKS] = {0}, n = 0;
    unsigned seed = 20330101u, rnd = 7u;
    int k, what;

    while (n + 2 <= cap) {
        k = (int)(ingest_rand(&rnd) % INGEST_KIOSKS);
        what = (int)(ingest_rand(&rnd) % 8);
        seed += 7919u;
        if (what == 0 && seq[k] > 0) {
            /* The same upload again: a retry. */
            bodies[n] = strdup(bodies[last[k]]);
            assert_non_null(bodies[n++]);
            continue;
        }
        last[k] = n;
        if (what == 1 && seq[k] > 2) {
            bodies[n++] = ingest_body(k, seq[k] - 2, seed, year);
        } else if (what == 2) {
            bodies[n++] = ingest_body(k, seq[k] + 2, seed, year);
            bodies[n++] = ingest_body(k, seq[k] + 1, seed + 1, year);
            seq[k] += 2;
        } else {
            seq[k] += 1 + (int64_t)(ingest_rand(&rnd) % 3);
            bodies[n++] = ingest_body(k, seq[k], seed, year);
        }
    }
    return n;
}

/* Every row of the summary tables, and the day snapshots, for the year
 * (and the year before, whose last day the uploads carry): one sorted
 * text, rows "table|v|v|...". */
static char *ingest_dump(hub_db_t *db, int year)
{
    static char sql[64][128];
    size_t cap = 1 << 20, len = 0;
    char *out = malloc(cap), line[1024], mark[2][8];
    int i, j, rc;

    assert_non_null(out);
    out[0] = '\0';
    snprintf(mark[0], sizeof(mark[0]), "'%04d", year);
    snprintf(mark[1], sizeof(mark[1]), "'%04d", year - 1);
    for (i = 0; hub_pgschema_tables[i]; i++) {
        const char *t = hub_pgschema_tables[i];
        sqlx_stmt_t *st;

        if (strncmp(t, "stat_", 5) != 0 && strcmp(t, "day_snapshots") != 0)
            continue;
        snprintf(sql[i], sizeof(sql[i]),
                 strcmp(t, "day_snapshots") == 0
                     ? "SELECT install_id, day, upto_seq, estimated,"
                       " received_at FROM %s"
                     : "SELECT * FROM %s",
                 t);
        st = sqlx_prepare(hub_dbx(db), sql[i]);
        assert_non_null(st);
        while ((rc = sqlx_step(st)) == SQLX_ROW) {
            snprintf(line, sizeof(line), "%s|", t);
            for (j = 0; j < sqlx_column_count(st); j++)
                append_value(line, sizeof(line), st, j);
            if (!strstr(line, mark[0]) && !strstr(line, mark[1]))
                continue;
            assert_true(len + strlen(line) + 2 < cap);
            len += (size_t)snprintf(out + len, cap - len, "%s\n", line);
        }
        assert_int_equal(rc, SQLX_DONE);
        sqlx_reset(st);
    }
    return out;
}

static int ingest_cmp_lines(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The dump's lines in byte order, so two databases' row orders do not
 * matter. In place; returns text. */
static char *ingest_sort(char *text)
{
    char *lines[20000], *p, *copy;
    size_t n = 0, i, len = strlen(text), at = 0;

    copy = strdup(text);
    assert_non_null(copy);
    for (p = strtok(copy, "\n"); p; p = strtok(NULL, "\n")) {
        assert_true(n < sizeof(lines) / sizeof(lines[0]));
        lines[n++] = p;
    }
    qsort(lines, n, sizeof(lines[0]), ingest_cmp_lines);
    for (i = 0; i < n; i++)
        at += (size_t)snprintf(text + at, len + 1 - at, "%s\n", lines[i]);
    free(copy);
    return text;
}

/* Statistics JSON for every grouping and scope of the comparison, one
 * text. */
static char *ingest_stats(hub_db_t *db, int year)
{
    static const struct {
        const char *from, *to, *unit;
        hub_stats_group_t group;
    } cases[] = {
        {"01-01", "12-31", "IG-T", HUB_STATS_BY_UNIT},
        {"01-01", "03-31", "IG-T", HUB_STATS_BY_DAY},
        {"01-15", "03-15", NULL, HUB_STATS_BY_MONTH},
        {"01-01", "02-28", "IG-T", HUB_STATS_BY_FIELD},
        {"01-01", "01-31", "IG-X1", HUB_STATS_BY_COUNTER},
        {"01-01", "12-31", "IG-T", HUB_STATS_BY_OFFICER},
        {"01-01", "12-31", NULL, HUB_STATS_BY_YEAR},
        {"01-01", "03-31", "IG-H", HUB_STATS_ALL},
        {"02-01", "02-28", "IG-H", HUB_STATS_BY_UNIT},
    };
    char from[16], to[16], *all = NULL, *one;
    size_t i, len = 0;
    hub_stats_query_t q;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(from, sizeof(from), "%04d-%s", year, cases[i].from);
        snprintf(to, sizeof(to), "%04d-%s", year, cases[i].to);
        hub_stats_init_query(&q);
        q.from = from;
        q.to = to;
        q.unit = cases[i].unit;
        q.group = cases[i].group;
        q.min_group = 1;
        one = stats_json(db, &q);
        assert_non_null(strstr(one, "\"responses\""));
        all = realloc(all, len + strlen(one) + 2);
        assert_non_null(all);
        memcpy(all + len, one, strlen(one));
        len += strlen(one);
        all[len++] = '\n';
        all[len] = '\0';
        free(one);
    }
    return all;
}

/* Both databases' summaries and statistics for the year: the same
 * bytes. */
static void assert_ingest_same(hub_db_t *a, hub_db_t *b, int year)
{
    char *x = ingest_sort(ingest_dump(a, year));
    char *y = ingest_sort(ingest_dump(b, year));

    assert_true(strlen(x) > 1000);
    if (strcmp(x, y) != 0)
        fprintf(stderr, "summaries differ:\nsqlite\n%s\npostgresql\n%s\n", x,
                y);
    assert_string_equal(x, y);
    free(x);
    free(y);
    x = ingest_stats(a, year);
    y = ingest_stats(b, year);
    assert_string_equal(x, y);
    free(x);
    free(y);
}

#define INGEST_UPLOADS 160

/* The same uploads, through the ingest, into SQLite and into
 * PostgreSQL: the same answers to each, the same summary rows (kept by
 * SQLite's triggers' rules in one, by statsums.c alone in the other),
 * the same statistics JSON. */
static void test_ingest_same_as_sqlite(void **state)
{
    store_ctx_t *pg = *state, lite = {0};
    char *bodies[INGEST_UPLOADS];
    static char log_a[INGEST_UPLOADS * 40], log_b[INGEST_UPLOADS * 40];
    int64_t now = vntime_parse_date("2033-12-31") + 3600000;
    /* A quota on rows held, never reached: each kiosk's rows are
     * counted in the database at its first upload. */
    hub_quota_limits_t lim = {0, 0, INT64_C(1000000000)};
    hub_quota_t *q[2] = {hub_quota_new(&lim, 16), hub_quota_new(&lim, 16)};
    size_t n, i;

    assert_true(q[0] && q[1]);
    assert_int_equal(open_store(&lite), 0);
    put_ingest_units(lite.db);
    put_ingest_units(pg->db);
    put_ingest_kiosks(lite.db);
    put_ingest_kiosks(pg->db);
    n = ingest_plan(bodies, INGEST_UPLOADS, 2033);
    log_a[0] = log_b[0] = '\0';
    for (i = 0; i < n; i++) {
        ingest_send(lite.db, q[0], bodies[i], now + (int64_t)i, log_a,
                    sizeof(log_a));
        ingest_send(pg->db, q[1], bodies[i], now + (int64_t)i, log_b,
                    sizeof(log_b));
        free(bodies[i]);
    }
    hub_quota_free(q[0]);
    hub_quota_free(q[1]);
    assert_string_equal(log_a, log_b);
    assert_non_null(strstr(log_a, ":1:")); /* some day was stale */
    assert_ingest_same(lite.db, pg->db, 2033);
    close_store(&lite);
}

typedef struct ingest_thread {
    const char *uri;
    char **bodies;
    size_t n;
    int64_t now;
    int busy; /* collisions the queue gave up on, sent again */
    size_t again; /* transactions the queue ran again */
} ingest_thread_t;

static void *ingest_thread_run(void *arg)
{
    ingest_thread_t *t = arg;
    hub_db_t *db = NULL;
    size_t i;

    if (hub_db_open(t->uri, NULL, &db) != HUB_OK)
        fail_msg("open: %s", hub_db_open_error());
    for (i = 0; i < t->n; i++)
        t->busy += ingest_send(db, NULL, t->bodies[i], t->now, NULL, 0);
    t->again = hub_commitq_get_tries_again(hub_db_commitq(db), db);
    hub_db_close(db);
    return NULL;
}

/* Two hubs' connections ingesting at once: each sends every upload of
 * the plan (so one kiosk's snapshots arrive twice, interleaved, in
 * either order, and kiosks of one unit write the same summary rows at
 * the same moment), the second in reverse. The end is exactly what
 * SQLite holds after the plan sent once, in order. Years apart from the
 * first case's (2033 and the last day of 2032), whose kiosks these are. */
static void test_ingest_concurrent(void **state)
{
    store_ctx_t *pg = *state, lite = {0};
    char *bodies[INGEST_UPLOADS], *reversed[INGEST_UPLOADS];
    int64_t now = vntime_parse_date("2036-12-31") + 3600000;
    ingest_thread_t t[2];
    pthread_t th[2];
    size_t n, i;

    assert_int_equal(open_store(&lite), 0);
    put_ingest_units(lite.db);
    put_ingest_kiosks(lite.db);
    n = ingest_plan(bodies, INGEST_UPLOADS, 2036);
    for (i = 0; i < n; i++) {
        ingest_send(lite.db, NULL, bodies[i], now, NULL, 0);
        reversed[n - 1 - i] = bodies[i];
    }
    memset(t, 0, sizeof(t));
    for (i = 0; i < 2; i++) {
        t[i].uri = pg->uri;
        t[i].bodies = i ? reversed : bodies;
        t[i].n = n;
        t[i].now = now;
    }
    /* The units and kiosks of the earlier case are there already when it
     * ran first; this case runs alone too. */
    if (hub_units_get_name(pg->db, "IG-T", (char[HUB_NAME_MAX + 1]){0},
                           HUB_NAME_MAX + 1) == HUB_NOT_FOUND)
        put_ingest_units(pg->db);
    put_ingest_kiosks(pg->db);
    for (i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, ingest_thread_run,
                                        &t[i]), 0);
    for (i = 0; i < 2; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    printf("concurrent ingest: 2 x %zu upload transactions, %zu run again"
           " after a collision, %d sent again\n", n, t[0].again + t[1].again,
           t[0].busy + t[1].busy);
    assert_ingest_same(lite.db, pg->db, 2036);
    for (i = 0; i < n; i++)
        free(bodies[i]);
    close_store(&lite);
}

int main(void)
{
    store_ctx_t sqlite_ctx = {0}, pg_ctx = {0};
    const struct CMUnitTest all[] = {
        BOTH(test_audit_round_trip), BOTH(test_audit_rollback),
        BOTH(test_reopen_keeps_schema), BOTH(test_units_tree),
        BOTH(test_enroll_kiosk), BOTH(test_tokens), BOTH(test_fleet_reads),
        BOTH(test_dossiers_log), PG_ONLY(test_snapshot_month_needed),
        PG_ONLY(test_schema_matches_sqlite), PG_ONLY(test_stats_same_json),
        PG_ONLY(test_stats_past_result_cap),
        PG_ONLY(test_national_push_analyses),
        PG_ONLY(test_national_totals_migrated),
        PG_ONLY(test_ingest_same_as_sqlite),
        PG_ONLY(test_ingest_concurrent),
    };
    return pg_half_run("hub store", all, sizeof(all) / sizeof(all[0]),
                       &pg_ctx, &pg_ctx.uri);
}
