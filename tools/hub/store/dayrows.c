/*
 * A day's rows as a difference: read the held rows of (kiosk, day), match
 * each to the upload's row of the same key (domain/rowkey.h), then write
 * only the deletions, changed counts and new keys.
 */
#include "hub/store/dayrows.h"

#include <stdlib.h>
#include <string.h>

#include "hub/store/dbx.h"
#include "hub/store/pgarray.h"
#include "hub/store/rowkey.h"
#include "hub/store/statsums.h"

/* Rows one (kiosk, day) may hold: an upload holds at most 20,000, so a
 * day with more is not the hub's own writing. */
#define HUB_DAYROWS_HELD_MAX 100000

enum { HUB_DAYROWS_RESP, HUB_DAYROWS_ANS, HUB_DAYROWS_EL };

#define HUB_DAYROWS_DIMS "unit, counter, officer, field, instrument, version"

static const char *const hub_dayrows_sql_held[] = {
    ("SELECT rowid, " HUB_DAYROWS_DIMS ", complete, partial, suppressed"
     " FROM day_responses WHERE install_id = ?1 AND day = ?2"),
    ("SELECT rowid, " HUB_DAYROWS_DIMS ", partial, question, element, answer,"
     " n FROM day_answers WHERE install_id = ?1 AND day = ?2"),
    ("SELECT rowid, " HUB_DAYROWS_DIMS ", partial, element, n"
     " FROM day_elements WHERE install_id = ?1 AND day = ?2 AND exact = ?3"),
};
/* A held row by its rowid and ?5 its day: on PostgreSQL the rowid is a
 * column of the rows by month (pgschema.c), and the day picks the one
 * month's partition to look in. */
#define HUB_DAYROWS_BY_ROWID " WHERE rowid = ?1 AND day = ?5"
static const char *const hub_dayrows_sql_update[] = {
    ("UPDATE day_responses SET complete = ?2, partial = ?3, suppressed = ?4"
     HUB_DAYROWS_BY_ROWID),
    "UPDATE day_answers SET n = ?2" HUB_DAYROWS_BY_ROWID,
    "UPDATE day_elements SET n = ?2" HUB_DAYROWS_BY_ROWID,
};
static const char *const hub_dayrows_sql_delete[] = {
    "DELETE FROM day_responses" HUB_DAYROWS_BY_ROWID,
    "DELETE FROM day_answers" HUB_DAYROWS_BY_ROWID,
    "DELETE FROM day_elements" HUB_DAYROWS_BY_ROWID,
};
#define HUB_DAYROWS_INTO_RESP                                              \
    "INSERT INTO day_responses(install_id, day, " HUB_DAYROWS_DIMS ","    \
    " complete, partial, suppressed)"
#define HUB_DAYROWS_INTO_ANS                                               \
    "INSERT INTO day_answers(install_id, day, " HUB_DAYROWS_DIMS ","      \
    " partial, question, element, answer, n)"
#define HUB_DAYROWS_INTO_EL                                                \
    "INSERT INTO day_elements(install_id, day, " HUB_DAYROWS_DIMS ","     \
    " partial, element, n, exact)"
static const char *const hub_dayrows_sql_insert[] = {
    HUB_DAYROWS_INTO_RESP " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    (HUB_DAYROWS_INTO_ANS
     " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"),
    (HUB_DAYROWS_INTO_EL
     " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"),
};

/* PostgreSQL writes a kind's rows of the day in one statement each: the
 * same parameters, but each (after the kiosk and the day) an array of
 * every row's value (pgarray.h), opened by unnest(). */
#define HUB_DAYROWS_T(n) "CAST(?" #n " AS TEXT[])"
#define HUB_DAYROWS_N(n) "CAST(?" #n " AS BIGINT[])"
#define HUB_DAYROWS_DIMS_ARRAYS                                            \
    HUB_DAYROWS_T(3) ", " HUB_DAYROWS_T(4) ", " HUB_DAYROWS_T(5) ", "      \
    HUB_DAYROWS_T(6) ", " HUB_DAYROWS_T(7) ", " HUB_DAYROWS_N(8) ", "
#define HUB_DAYROWS_SELECT " SELECT CAST(?1 AS TEXT), CAST(?2 AS TEXT), u.*"
static const char *const hub_dayrows_pg_insert[] = {
    (HUB_DAYROWS_INTO_RESP HUB_DAYROWS_SELECT " FROM unnest("
     HUB_DAYROWS_DIMS_ARRAYS HUB_DAYROWS_N(9) ", " HUB_DAYROWS_N(10) ", "
     HUB_DAYROWS_N(11) ") AS u(p3, p4, p5, p6, p7, p8, p9, p10, p11)"),
    (HUB_DAYROWS_INTO_ANS HUB_DAYROWS_SELECT " FROM unnest("
     HUB_DAYROWS_DIMS_ARRAYS HUB_DAYROWS_N(9) ", " HUB_DAYROWS_T(10) ", "
     HUB_DAYROWS_T(11) ", " HUB_DAYROWS_T(12) ", " HUB_DAYROWS_N(13)
     ") AS u(p3, p4, p5, p6, p7, p8, p9, p10, p11, p12, p13)"),
    (HUB_DAYROWS_INTO_EL HUB_DAYROWS_SELECT " FROM unnest("
     HUB_DAYROWS_DIMS_ARRAYS HUB_DAYROWS_N(9) ", " HUB_DAYROWS_T(10) ", "
     HUB_DAYROWS_N(11) ", " HUB_DAYROWS_N(12)
     ") AS u(p3, p4, p5, p6, p7, p8, p9, p10, p11, p12)"),
};
/* The held rows to change (?1 their rowids, ?2 to ?4 their counts) or
 * delete, ?5 the day and ?6 the kiosk: its index finds the day's few
 * rows. */
#define HUB_DAYROWS_PG_HELD " AND d.day = ?5 AND d.install_id = ?6"
#define HUB_DAYROWS_PG_SET(table, set, arrays, cols)                       \
    "UPDATE " table " AS d SET " set " FROM unnest(" HUB_DAYROWS_N(1)      \
    ", " arrays ") AS u(p1, " cols ") WHERE d.rowid = u.p1"                \
    HUB_DAYROWS_PG_HELD
static const char *const hub_dayrows_pg_update[] = {
    HUB_DAYROWS_PG_SET("day_responses",
                       "complete = u.p2, partial = u.p3, suppressed = u.p4",
                       HUB_DAYROWS_N(2) ", " HUB_DAYROWS_N(3) ", "
                       HUB_DAYROWS_N(4), "p2, p3, p4"),
    HUB_DAYROWS_PG_SET("day_answers", "n = u.p2", HUB_DAYROWS_N(2), "p2"),
    HUB_DAYROWS_PG_SET("day_elements", "n = u.p2", HUB_DAYROWS_N(2), "p2"),
};
#define HUB_DAYROWS_PG_DELETE(table)                                       \
    "DELETE FROM " table " AS d WHERE d.rowid = ANY(" HUB_DAYROWS_N(1) ")" \
    HUB_DAYROWS_PG_HELD
static const char *const hub_dayrows_pg_delete[] = {
    HUB_DAYROWS_PG_DELETE("day_responses"),
    HUB_DAYROWS_PG_DELETE("day_answers"),
    HUB_DAYROWS_PG_DELETE("day_elements"),
};
/* Parameters of a row beyond the kiosk and the day (?3 on), and of a
 * held row's counts (?2 on). */
#define HUB_DAYROWS_ROW_PARAMS 11
#define HUB_DAYROWS_COUNT_PARAMS 3

/* The rows the day should hold, of one kind: one of the three arrays,
 * with skip flags (NULL: keep all). */
typedef struct hub_dayrows_set {
    int kind;
    int exact; /* elements: 1 the kiosk's counts, 0 stand-ins */
    const hub_resp_row_t *resp;
    const hub_ans_row_t *ans;
    const hub_elem_row_t *el;
    const unsigned char *skip;
    size_t n;
} hub_dayrows_set_t;

/* One held row, its strings pointing into the statement's row. */
typedef struct hub_dayrows_held {
    int64_t rowid;
    hub_resp_row_t resp;
    hub_ans_row_t ans;
    hub_elem_row_t el;
} hub_dayrows_held_t;

/* What to write for a held row: delete it (row == SIZE_MAX) or set its
 * counts to those of the upload's row. */
typedef struct hub_dayrows_act {
    int64_t rowid;
    size_t row;
} hub_dayrows_act_t;

typedef struct hub_dayrows_plan {
    hub_dayrows_act_t *act;
    size_t n, cap;
    unsigned char *seen; /* per row of the set: held already */
    int64_t held;
} hub_dayrows_plan_t;

/* Finds the upload's row of a held row's key. The held rows come back in
 * the order the kiosk's rows were first written, which is the order it
 * sends them in, so the row after the last one found is tried first; the
 * index by hash is built only when that misses (a row new or gone). */
typedef struct hub_dayrows_matcher {
    hub_rowkey_index_t idx;
    int built;
    size_t next;
} hub_dayrows_matcher_t;

static uint64_t hub_dayrows_hash(const hub_dayrows_set_t *s, size_t i)
{
    if (s->kind == HUB_DAYROWS_RESP)
        return hub_rowkey_dims(HUB_ROWKEY_SEED, &s->resp[i].d);
    if (s->kind == HUB_DAYROWS_ANS)
        return hub_rowkey_ans(HUB_ROWKEY_SEED, &s->ans[i]);
    return hub_rowkey_el(HUB_ROWKEY_SEED, &s->el[i]);
}

static uint64_t hub_dayrows_hash_held(const hub_dayrows_set_t *s,
                                      const hub_dayrows_held_t *h)
{
    if (s->kind == HUB_DAYROWS_RESP)
        return hub_rowkey_dims(HUB_ROWKEY_SEED, &h->resp.d);
    if (s->kind == HUB_DAYROWS_ANS)
        return hub_rowkey_ans(HUB_ROWKEY_SEED, &h->ans);
    return hub_rowkey_el(HUB_ROWKEY_SEED, &h->el);
}

static int hub_dayrows_same_key(const hub_dayrows_set_t *s, size_t i,
                                const hub_dayrows_held_t *h)
{
    if (s->kind == HUB_DAYROWS_RESP)
        return hub_rowkey_same_dims(&s->resp[i].d, &h->resp.d);
    if (s->kind == HUB_DAYROWS_ANS)
        return hub_rowkey_same_ans(&s->ans[i], &h->ans);
    return hub_rowkey_same_el(&s->el[i], &h->el);
}

static int hub_dayrows_same_counts(const hub_dayrows_set_t *s, size_t i,
                                   const hub_dayrows_held_t *h)
{
    if (s->kind == HUB_DAYROWS_RESP)
        return s->resp[i].complete == h->resp.complete &&
               s->resp[i].partial == h->resp.partial &&
               s->resp[i].suppressed == h->resp.suppressed;
    if (s->kind == HUB_DAYROWS_ANS)
        return s->ans[i].n == h->ans.n;
    return s->el[i].n == h->el.n;
}

/* What a row of the set adds to the summaries (sign +1) or, written
 * over or deleted, takes away (-1). */
static int hub_dayrows_sum_row(hub_statsums_t *sums,
                               const hub_dayrows_set_t *s, size_t i, int sign)
{
    if (s->kind == HUB_DAYROWS_RESP)
        return hub_statsums_add_resp(sums, &s->resp[i], sign);
    if (s->kind == HUB_DAYROWS_ANS)
        return hub_statsums_add_ans(sums, &s->ans[i], sign);
    return hub_statsums_add_el(sums, &s->el[i], s->exact, sign);
}

static int hub_dayrows_sum_held(hub_statsums_t *sums,
                                const hub_dayrows_set_t *s,
                                const hub_dayrows_held_t *h)
{
    if (s->kind == HUB_DAYROWS_RESP)
        return hub_statsums_add_resp(sums, &h->resp, -1);
    if (s->kind == HUB_DAYROWS_ANS)
        return hub_statsums_add_ans(sums, &h->ans, -1);
    return hub_statsums_add_el(sums, &h->el, s->exact, -1);
}

static void hub_dayrows_read_dims(sqlx_stmt_t *st, hub_dims_t *d)
{
    d->unit = sqlx_column_text(st, 1);
    d->counter = sqlx_column_text(st, 2);
    d->officer = sqlx_column_text(st, 3);
    d->field = sqlx_column_text(st, 4);
    d->instrument = sqlx_column_text(st, 5);
    d->version = sqlx_column_int64(st, 6);
}

static void hub_dayrows_read_held(const hub_dayrows_set_t *s,
                                  sqlx_stmt_t *st, hub_dayrows_held_t *h)
{
    h->rowid = sqlx_column_int64(st, 0);
    if (s->kind == HUB_DAYROWS_RESP) {
        hub_dayrows_read_dims(st, &h->resp.d);
        h->resp.complete = sqlx_column_int64(st, 7);
        h->resp.partial = sqlx_column_int64(st, 8);
        h->resp.suppressed = sqlx_column_int64(st, 9);
    } else if (s->kind == HUB_DAYROWS_ANS) {
        hub_dayrows_read_dims(st, &h->ans.d);
        h->ans.partial = sqlx_column_int64(st, 7);
        h->ans.question = sqlx_column_text(st, 8);
        h->ans.element = sqlx_column_text(st, 9);
        h->ans.answer = sqlx_column_text(st, 10);
        h->ans.n = sqlx_column_int64(st, 11);
    } else {
        hub_dayrows_read_dims(st, &h->el.d);
        h->el.partial = sqlx_column_int64(st, 7);
        h->el.element = sqlx_column_text(st, 8);
        h->el.n = sqlx_column_int64(st, 9);
    }
}

static int hub_dayrows_push(hub_dayrows_plan_t *p, int64_t rowid, size_t row)
{
    hub_dayrows_act_t *grown;
    size_t cap;

    if (p->n == p->cap) {
        cap = p->cap ? 2 * p->cap : 64;
        if (cap > HUB_DAYROWS_HELD_MAX)
            return -1;
        if (!(grown = realloc(p->act, cap * sizeof(*grown))))
            return -1;
        p->act = grown;
        p->cap = cap;
    }
    p->act[p->n].rowid = rowid;
    p->act[p->n].row = row;
    p->n++;
    return 0;
}

static int hub_dayrows_index(const hub_dayrows_set_t *s,
                             hub_dayrows_matcher_t *m)
{
    size_t i, k = 0;

    if (hub_rowkey_index_alloc(&m->idx, s->n) != 0)
        return HUB_ERROR;
    for (i = 0; i < s->n; i++)
        if (!s->skip || !s->skip[i]) {
            m->idx.e[k].hash = hub_dayrows_hash(s, i);
            m->idx.e[k++].row = i;
        }
    m->idx.n = k;
    hub_rowkey_index_sort(&m->idx);
    m->built = 1;
    return HUB_OK;
}

/* The upload's row of the held row's key in *row, or SIZE_MAX. A row
 * already matched (a key held twice) is only found by the index, which
 * returns it again for the caller to refuse. */
static int hub_dayrows_match(const hub_dayrows_set_t *s,
                             hub_dayrows_matcher_t *m,
                             const unsigned char *seen,
                             const hub_dayrows_held_t *h, size_t *row)
{
    uint64_t hash;
    size_t k;

    while (m->next < s->n && s->skip && s->skip[m->next])
        m->next++;
    if (m->next < s->n && !seen[m->next] &&
        hub_dayrows_same_key(s, m->next, h)) {
        *row = m->next++;
        return HUB_OK;
    }
    if (!m->built && hub_dayrows_index(s, m) != HUB_OK)
        return HUB_ERROR;
    *row = SIZE_MAX;
    hash = hub_dayrows_hash_held(s, h);
    for (k = hub_rowkey_index_first(&m->idx, hash);
         k < m->idx.n && m->idx.e[k].hash == hash; k++)
        if (hub_dayrows_same_key(s, m->idx.e[k].row, h)) {
            *row = m->idx.e[k].row;
            m->next = *row + 1;
            break;
        }
    return HUB_OK;
}

/* Reads the held rows and decides what each needs; the writes come after
 * the read has ended. */
static int hub_dayrows_plan(hub_db_t *db, const hub_dayrows_set_t *s,
                            const char *install_id, const char *day,
                            hub_dayrows_matcher_t *m,
                            hub_statsums_t *sums, hub_dayrows_plan_t *p)
{
    sqlx_stmt_t *st =
        sqlx_prepare(hub_dbx(db), hub_dayrows_sql_held[s->kind]);
    hub_dayrows_held_t h;
    size_t row;
    int rc = HUB_OK;

    sqlx_bind_text(st, 1, install_id, &rc);
    sqlx_bind_text(st, 2, day, &rc);
    if (s->kind == HUB_DAYROWS_EL)
        sqlx_bind_int64(st, 3, s->exact, &rc);
    while ((rc = hub_dbx_next(db, st, rc, "held rows")) == HUB_OK) {
        hub_dayrows_read_held(s, st, &h);
        p->held++;
        if (hub_dayrows_match(s, m, p->seen, &h, &row) != HUB_OK) {
            sqlx_reset(st);
            return HUB_ERROR;
        }
        if (row != SIZE_MAX && !p->seen[row]) {
            p->seen[row] = 1;
            if (hub_dayrows_same_counts(s, row, &h))
                continue;
        } else {
            row = SIZE_MAX;
        }
        if (hub_dayrows_sum_held(sums, s, &h) != HUB_OK ||
            (row != SIZE_MAX &&
             hub_dayrows_sum_row(sums, s, row, 1) != HUB_OK) ||
            hub_dayrows_push(p, h.rowid, row) != 0) {
            sqlx_reset(st);
            return HUB_ERROR;
        }
    }
    return rc == HUB_NOT_FOUND ? HUB_OK : rc;
}

/* One value of a row's parameter: text, or a number when text is
 * NULL. */
typedef struct hub_dayrows_val {
    const char *text;
    int64_t i;
} hub_dayrows_val_t;

static void hub_dayrows_dims_values(const hub_dims_t *d,
                                    hub_dayrows_val_t *v)
{
    v[0].text = d->unit;
    v[1].text = d->counter;
    v[2].text = d->officer;
    v[3].text = d->field;
    v[4].text = d->instrument;
    v[5].i = d->version;
}

/* Row i's parameters from ?3 on into v (HUB_DAYROWS_ROW_PARAMS): how
 * many. */
static int hub_dayrows_row_values(const hub_dayrows_set_t *s, size_t i,
                                  hub_dayrows_val_t *v)
{
    memset(v, 0, HUB_DAYROWS_ROW_PARAMS * sizeof(*v));
    if (s->kind == HUB_DAYROWS_RESP) {
        hub_dayrows_dims_values(&s->resp[i].d, v);
        v[6].i = s->resp[i].complete;
        v[7].i = s->resp[i].partial;
        v[8].i = s->resp[i].suppressed;
        return 9;
    }
    if (s->kind == HUB_DAYROWS_ANS) {
        hub_dayrows_dims_values(&s->ans[i].d, v);
        v[6].i = s->ans[i].partial;
        v[7].text = s->ans[i].question;
        v[8].text = s->ans[i].element;
        v[9].text = s->ans[i].answer;
        v[10].i = s->ans[i].n;
        return 11;
    }
    hub_dayrows_dims_values(&s->el[i].d, v);
    v[6].i = s->el[i].partial;
    v[7].text = s->el[i].element;
    v[8].i = s->el[i].n;
    v[9].i = s->exact;
    return 10;
}

/* The counts of the set's row that a held row takes (?2 on): how
 * many. */
static int hub_dayrows_count_values(const hub_dayrows_set_t *s, size_t row,
                                    int64_t *v)
{
    if (s->kind == HUB_DAYROWS_RESP) {
        v[0] = s->resp[row].complete;
        v[1] = s->resp[row].partial;
        v[2] = s->resp[row].suppressed;
        return 3;
    }
    v[0] = s->kind == HUB_DAYROWS_ANS ? s->ans[row].n : s->el[row].n;
    return 1;
}

static int hub_dayrows_insert(hub_db_t *db, const hub_dayrows_set_t *s,
                              const char *install_id, const char *day,
                              size_t i)
{
    sqlx_stmt_t *st =
        sqlx_prepare(hub_dbx(db), hub_dayrows_sql_insert[s->kind]);
    hub_dayrows_val_t v[HUB_DAYROWS_ROW_PARAMS];
    int k, n = hub_dayrows_row_values(s, i, v), rc = HUB_OK;

    sqlx_bind_text(st, 1, install_id, &rc);
    sqlx_bind_text(st, 2, day, &rc);
    for (k = 0; k < n; k++) {
        if (v[k].text)
            sqlx_bind_text(st, 3 + k, v[k].text, &rc);
        else
            sqlx_bind_int64(st, 3 + k, v[k].i, &rc);
    }
    return hub_dbx_run(db, st, rc, "add day row");
}

static int hub_dayrows_apply(hub_db_t *db, const hub_dayrows_set_t *s,
                             const char *day, const hub_dayrows_act_t *a)
{
    const char *sql = a->row == SIZE_MAX ? hub_dayrows_sql_delete[s->kind]
                                         : hub_dayrows_sql_update[s->kind];
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), sql);
    int64_t v[HUB_DAYROWS_COUNT_PARAMS];
    int k, n, rc = HUB_OK;

    sqlx_bind_int64(st, 1, a->rowid, &rc);
    sqlx_bind_text(st, 5, day, &rc);
    if (a->row != SIZE_MAX) {
        n = hub_dayrows_count_values(s, a->row, v);
        for (k = 0; k < n; k++)
            sqlx_bind_int64(st, 2 + k, v[k], &rc);
    }
    return hub_dbx_run(db, st, rc, "change day row");
}

/* PostgreSQL: the arrays of one statement, ?1 to ?HUB_DAYROWS_PG_ARRAYS
 * (the kiosk and the day are bound by themselves). */
#define HUB_DAYROWS_PG_ARRAYS (2 + HUB_DAYROWS_ROW_PARAMS)

typedef struct hub_dayrows_pg {
    hub_pgarray_t a[HUB_DAYROWS_PG_ARRAYS + 1]; /* [k]: ?k */
    int top;                                    /* the highest ?k used */
} hub_dayrows_pg_t;

static void hub_dayrows_pg_reset(hub_dayrows_pg_t *p)
{
    int k;

    for (k = 0; k <= HUB_DAYROWS_PG_ARRAYS; k++)
        hub_pgarray_reset(&p->a[k]);
    p->top = 0;
}

/* Binds the arrays ?first..?top, then the texts given (NULL: none) to
 * their parameters, and runs sql. */
static int hub_dayrows_pg_run(hub_db_t *db, hub_dayrows_pg_t *p,
                              const char *sql, int first,
                              const char *const *texts, const int *at,
                              int n_texts)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), sql);
    const char *lit;
    int k, rc = HUB_OK;

    for (k = first; k <= p->top; k++) {
        if (!(lit = hub_pgarray_text(&p->a[k])) && rc == HUB_OK)
            rc = HUB_ERROR;
        sqlx_bind_text(st, k, lit, &rc);
    }
    for (k = 0; k < n_texts; k++)
        sqlx_bind_text(st, at[k], texts[k], &rc);
    return hub_dbx_run(db, st, rc, "write day rows");
}

static int hub_dayrows_act_cmp(const void *pa, const void *pb)
{
    const hub_dayrows_act_t *a = pa, *b = pb;

    return (a->rowid > b->rowid) - (a->rowid < b->rowid);
}

/* The plan's changes and deletions, each kind of them in one statement,
 * by rowid so that two transactions lock the rows in one order. */
static int hub_dayrows_apply_pg(hub_db_t *db, const hub_dayrows_set_t *s,
                                const char *install_id, const char *day,
                                hub_dayrows_plan_t *plan,
                                hub_dayrows_pg_t *p)
{
    static const int at[] = {5, 6};
    const char *texts[] = {day, install_id};
    int64_t v[HUB_DAYROWS_COUNT_PARAMS];
    size_t i, n_del = 0;
    int k, n, rc = HUB_OK;

    if (plan->n)
        qsort(plan->act, plan->n, sizeof(*plan->act), hub_dayrows_act_cmp);
    hub_dayrows_pg_reset(p);
    for (i = 0; i < plan->n; i++) {
        if (plan->act[i].row == SIZE_MAX) {
            n_del++;
            continue;
        }
        hub_pgarray_add_int64(&p->a[1], plan->act[i].rowid);
        n = hub_dayrows_count_values(s, plan->act[i].row, v);
        for (k = 0; k < n; k++)
            hub_pgarray_add_int64(&p->a[2 + k], v[k]);
        p->top = 1 + n;
    }
    if (p->top)
        rc = hub_dayrows_pg_run(db, p, hub_dayrows_pg_update[s->kind], 1,
                                texts, at, 2);
    if (rc != HUB_OK || !n_del)
        return rc;
    hub_dayrows_pg_reset(p);
    for (i = 0; i < plan->n; i++)
        if (plan->act[i].row == SIZE_MAX)
            hub_pgarray_add_int64(&p->a[1], plan->act[i].rowid);
    p->top = 1;
    return hub_dayrows_pg_run(db, p, hub_dayrows_pg_delete[s->kind], 1,
                              texts, at, 2);
}

/* The set's rows no held row matched, in one INSERT. */
static int hub_dayrows_insert_pg(hub_db_t *db, const hub_dayrows_set_t *s,
                                 const char *install_id, const char *day,
                                 const unsigned char *seen,
                                 hub_dayrows_pg_t *p)
{
    static const int at[] = {1, 2};
    const char *texts[] = {install_id, day};
    hub_dayrows_val_t v[HUB_DAYROWS_ROW_PARAMS];
    size_t i;
    int k, n;

    hub_dayrows_pg_reset(p);
    for (i = 0; i < s->n; i++) {
        if (seen[i] || (s->skip && s->skip[i]))
            continue;
        n = hub_dayrows_row_values(s, i, v);
        for (k = 0; k < n; k++) {
            if (v[k].text)
                hub_pgarray_add_text(&p->a[3 + k], v[k].text);
            else
                hub_pgarray_add_int64(&p->a[3 + k], v[k].i);
        }
        p->top = 2 + n;
    }
    if (!p->top)
        return HUB_OK;
    return hub_dayrows_pg_run(db, p, hub_dayrows_pg_insert[s->kind], 3,
                              texts, at, 2);
}

/* SQLite: a statement a row, each a function call. */
static int hub_dayrows_write_lite(hub_db_t *db, const hub_dayrows_set_t *s,
                                  const char *install_id, const char *day,
                                  const hub_dayrows_plan_t *plan)
{
    size_t i;
    int rc = HUB_OK;

    for (i = 0; rc == HUB_OK && i < plan->n; i++)
        rc = hub_dayrows_apply(db, s, day, &plan->act[i]);
    for (i = 0; rc == HUB_OK && i < s->n; i++)
        if (!plan->seen[i] && (!s->skip || !s->skip[i]))
            rc = hub_dayrows_insert(db, s, install_id, day, i);
    return rc;
}

/* PostgreSQL: a statement a kind of change, each a round trip. */
static int hub_dayrows_write_pg(hub_db_t *db, const hub_dayrows_set_t *s,
                                const char *install_id, const char *day,
                                hub_dayrows_plan_t *plan)
{
    hub_dayrows_pg_t p;
    int k, rc;

    for (k = 0; k <= HUB_DAYROWS_PG_ARRAYS; k++)
        hub_pgarray_init(&p.a[k]);
    rc = hub_dayrows_apply_pg(db, s, install_id, day, plan, &p);
    if (rc == HUB_OK)
        rc = hub_dayrows_insert_pg(db, s, install_id, day, plan->seen, &p);
    for (k = 0; k <= HUB_DAYROWS_PG_ARRAYS; k++)
        hub_pgarray_free(&p.a[k]);
    return rc;
}

/* Makes the held rows of one kind equal to the set. */
static int hub_dayrows_sync(hub_db_t *db, const hub_dayrows_set_t *s,
                            const char *install_id, const char *day,
                            hub_statsums_t *sums, int64_t *dropped)
{
    hub_dayrows_matcher_t m;
    hub_dayrows_plan_t p;
    size_t i;
    int rc;

    memset(&p, 0, sizeof(p));
    memset(&m, 0, sizeof(m));
    if (!(p.seen = calloc(s->n + 1, 1)))
        return HUB_ERROR;
    rc = hub_dayrows_plan(db, s, install_id, day, &m, sums, &p);
    if (rc == HUB_OK)
        rc = hub_dbx_is_pg(db)
                 ? hub_dayrows_write_pg(db, s, install_id, day, &p)
                 : hub_dayrows_write_lite(db, s, install_id, day, &p);
    for (i = 0; rc == HUB_OK && i < s->n; i++)
        if (!p.seen[i] && (!s->skip || !s->skip[i]))
            rc = hub_dayrows_sum_row(sums, s, i, 1);
    if (rc == HUB_OK)
        *dropped += p.held;
    free(p.act);
    free(p.seen);
    hub_rowkey_index_free(&m.idx);
    return rc;
}

/* The stand-ins of a day sent without element counts: one row with n 0
 * per (dimensions, partial, element) its kept answers name, so the
 * figures know to fall back. *out is the caller's to free. */
static int hub_dayrows_standins(const hub_upload_t *up, const hub_day_t *day,
                                const unsigned char *skip,
                                hub_elem_row_t **out, size_t *n_out)
{
    hub_rowkey_index_t idx;
    hub_elem_row_t *el, *kept;
    size_t i, j, n = 0, n_kept = 0;

    *out = NULL;
    *n_out = 0;
    if (!(el = calloc(day->ans_n + 1, sizeof(*el))))
        return HUB_ERROR;
    if (!(kept = calloc(day->ans_n + 1, sizeof(*kept))) ||
        hub_rowkey_index_alloc(&idx, day->ans_n) != 0) {
        free(el);
        free(kept);
        return HUB_ERROR;
    }
    for (i = day->ans_first; i < day->ans_first + day->ans_n; i++) {
        const hub_ans_row_t *a = &up->ans[i];

        if (skip[i] || !a->element[0])
            continue;
        el[n].d = a->d;
        el[n].partial = a->partial;
        el[n].element = a->element;
        idx.e[n].hash = hub_rowkey_el(HUB_ROWKEY_SEED, &el[n]);
        idx.e[n].row = n;
        n++;
    }
    idx.n = n;
    hub_rowkey_index_sort(&idx);
    /* Within a run of equal hashes, a key is kept at its first row. */
    for (i = 0; i < n; i++) {
        for (j = i; j-- > 0 && idx.e[j].hash == idx.e[i].hash;)
            if (hub_rowkey_same_el(&el[idx.e[j].row], &el[idx.e[i].row]))
                break;
        if (j == SIZE_MAX || idx.e[j].hash != idx.e[i].hash)
            kept[n_kept++] = el[idx.e[i].row];
    }
    hub_rowkey_index_free(&idx);
    free(el);
    *out = kept;
    *n_out = n_kept;
    return HUB_OK;
}

/* The four kinds of rows of one day, their summary changes summed in
 * sums. */
static int hub_dayrows_sync_all(hub_db_t *db, const hub_upload_t *up,
                                const hub_day_t *day,
                                const hub_dayrows_skip_t *skip,
                                hub_statsums_t *sums, int64_t *dropped)
{
    hub_dayrows_set_t s;
    hub_elem_row_t *standins = NULL;
    size_t n_standins = 0;
    int64_t not_counted = 0;
    int rc;

    memset(&s, 0, sizeof(s));
    s.kind = HUB_DAYROWS_RESP;
    s.resp = up->resp + day->resp_first;
    s.skip = skip->resp + day->resp_first;
    s.n = day->resp_n;
    rc = hub_dayrows_sync(db, &s, up->install_id, day->day, sums, dropped);
    if (rc != HUB_OK)
        return rc;
    memset(&s, 0, sizeof(s));
    s.kind = HUB_DAYROWS_ANS;
    s.ans = up->ans + day->ans_first;
    s.skip = skip->ans + day->ans_first;
    s.n = day->ans_n;
    rc = hub_dayrows_sync(db, &s, up->install_id, day->day, sums, dropped);
    if (rc != HUB_OK)
        return rc;
    if (!day->has_elements) {
        rc = hub_dayrows_standins(up, day, skip->ans, &standins, &n_standins);
        if (rc != HUB_OK)
            return rc;
    }
    /* The kiosk's own counts are its rows; the hub's stand-ins are not
     * counted against it. */
    memset(&s, 0, sizeof(s));
    s.kind = HUB_DAYROWS_EL;
    s.exact = 1;
    if (day->has_elements) {
        s.el = up->el + day->el_first;
        s.skip = skip->el + day->el_first;
        s.n = day->el_n;
    }
    rc = hub_dayrows_sync(db, &s, up->install_id, day->day, sums, dropped);
    if (rc == HUB_OK) {
        memset(&s, 0, sizeof(s));
        s.kind = HUB_DAYROWS_EL;
        s.exact = 0;
        s.el = standins;
        s.n = n_standins;
        rc = hub_dayrows_sync(db, &s, up->install_id, day->day, sums,
                              &not_counted);
    }
    free(standins);
    return rc;
}

int hub_dayrows_write(hub_db_t *db, const hub_upload_t *up,
                      const hub_day_t *day, const hub_dayrows_skip_t *skip,
                      int64_t *dropped)
{
    hub_statsums_t sums;
    int rc, end_rc;

    hub_statsums_init(&sums);
    rc = hub_statsums_begin(db);
    if (rc == HUB_OK)
        rc = hub_dayrows_sync_all(db, up, day, skip, &sums, dropped);
    if (rc == HUB_OK)
        rc = hub_statsums_apply(db, &sums, day->day);
    /* Even after a failure: the triggers must never be found standing
     * aside by a later write of this transaction. */
    end_rc = hub_statsums_end(db);
    hub_statsums_free(&sums);
    return rc != HUB_OK ? rc : end_rc;
}
