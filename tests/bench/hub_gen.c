/*
 * hub-gen: a year of a realistic province written into a hub database
 * through the hub's own ingest code (hub_ingest_store, the function behind
 * POST /api/v1/ingest, minus HTTP and JSON parsing), so the snapshot rows
 * and the summaries (kept by the ingest, store/statsums.c) are exactly what
 * kiosks would leave.
 *
 *   hub-gen DB [--kiosks N] [--days N] [--year Y] [--seed S]
 *
 * The province: 10 districts of 10 communes each, a provincial service
 * centre, the health and education departments with hospitals and schools.
 * Kiosks: 6 per commune, the rest spread over district one-stop centres
 * (25 each), the provincial centre, hospitals and schools; one in twenty
 * district kiosks runs the Circular 01 survey (c01-counter), the others the
 * short SIPAS survey. Ratings per kiosk and working day follow a Poisson
 * law (4 to 15 on average by kind of unit), none on Sundays, a few kiosks
 * open on Saturday mornings; about 85% of answers are 4 or 5; answers of
 * 1 or 2 bring one or two reasons; 4% of responses are abandoned, 1%
 * flagged by the misuse rules. Each kiosk uploads a month per upload, one
 * transaction each, as a backlog would drain. The database runs with
 * synchronous=OFF while generating (durability is not what is measured);
 * everything else is the hub's normal path.
 *
 * Prints one line: kiosks, days, responses, snapshot rows, seconds.
 */
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/vntime.h"
#include "hub/base/crypto.h"
#include "hub/store/db_sql.h"
#include "hub/store/db.h"
#include "hub/store/kiosks.h"
#include "hub/store/snapshots.h"
#include "hub/store/units.h"

#define GEN_DISTRICTS 10
#define GEN_COMMUNES 10 /* per district */
#define GEN_HOSPITALS 5
#define GEN_SCHOOLS 5
#define GEN_OFFICERS 3 /* per kiosk */
#define GEN_DAYS_PER_UPLOAD 31
#define GEN_FIELDS 9
#define GEN_QUESTIONS 7 /* the last one is "reasons" */
#define GEN_ANSWERS 8   /* values 0..5, or reason codes 0..7 */
#define GEN_ROWS_MAX 20000
#define GEN_UNITS_MAX 256
_Static_assert(4 + GEN_HOSPITALS + GEN_SCHOOLS +
                   GEN_DISTRICTS * (1 + GEN_COMMUNES) <=
               GEN_UNITS_MAX,
               "the province fits in GEN_UNITS_MAX units");

enum {
    K_PROVINCE,
    K_DISTRICT,
    K_COMMUNE,
    K_CENTRE,
    K_DEPT,
    K_HOSPITAL,
    K_SCHOOL
};

static const char *const gen_fields[GEN_FIELDS] = {
    "dat-dai",  "xay-dung", "dau-tu",   "tu-phap", "moi-truong",
    "lao-dong", "y-te",     "giao-duc", "khac"};
/* Share of ratings per field (percent) by kind of unit. */
static const int gen_field_mix[][GEN_FIELDS] = {
    [K_DISTRICT] = {30, 15, 5, 20, 10, 10, 0, 0, 10},
    [K_COMMUNE] = {25, 0, 0, 40, 0, 15, 0, 0, 20},
    [K_CENTRE] = {20, 20, 25, 0, 15, 0, 0, 0, 20},
    [K_HOSPITAL] = {0, 0, 0, 0, 0, 0, 100, 0, 0},
    [K_SCHOOL] = {0, 0, 0, 0, 0, 0, 0, 100, 0},
};
/* Mean ratings per working day by kind of unit. */
static const double gen_volume[] = {
    [K_DISTRICT] = 10, [K_COMMUNE] = 5, [K_CENTRE] = 15,
    [K_HOSPITAL] = 10, [K_SCHOOL] = 4,
};
static const char *const gen_sipas_q[GEN_QUESTIONS] = {
    "overall", "tiep-can", "thu-tuc", "cong-chuc",
    "ket-qua", "gop-y",    "reasons"};
static const char *const gen_c01_q[GEN_QUESTIONS] = {
    "overall", "c01-3", "c01-4", "c01-7", NULL, NULL, "reasons"};
static const char *const gen_values[GEN_ANSWERS] = {"0", "1", "2", "3",
                                                    "4", "5", "6", "7"};
static const char *const gen_reasons[GEN_ANSWERS] = {
    "di-lai-nhieu-lan", "cho-lau", "thai-do",         "huong-dan-kho-hieu",
    "phi-sai-quy-dinh", "tre-hen", "thu-tuc-ruom-ra", "noi-cho-chua-tien-nghi"};

typedef struct gen_unit {
    char code[32], name[96], parent[32];
    int kind;
} gen_unit_t;

typedef struct gen_kiosk {
    char id[33], counter[32];
    char officers[GEN_OFFICERS][24];
    int unit, c01;
} gen_kiosk_t;

/* One day of one kiosk: counts by officer, field, question, answer. */
typedef struct gen_day {
    int64_t resp[GEN_OFFICERS][GEN_FIELDS][3]; /* complete, partial, supp. */
    int64_t ans[GEN_OFFICERS][GEN_FIELDS][GEN_QUESTIONS][GEN_ANSWERS][2];
} gen_day_t;

static uint64_t gen_rng = 88172645463325252ULL;

static uint64_t gen_next(void)
{
    gen_rng ^= gen_rng >> 12;
    gen_rng ^= gen_rng << 25;
    gen_rng ^= gen_rng >> 27;
    return gen_rng * 2685821657736338717ULL;
}

static double gen_get_uniform(void)
{
    return (double)(gen_next() >> 11) / 9007199254740992.0;
}

static int gen_pick(const int *weights, int n)
{
    int total = 0, i, r;

    for (i = 0; i < n; i++)
        total += weights[i];
    r = (int)(gen_get_uniform() * total);
    for (i = 0; i < n; i++) {
        if (r < weights[i])
            return i;
        r -= weights[i];
    }
    return n - 1;
}

static int gen_draw_poisson(double mean)
{
    double l = exp(-mean), p = 1;
    int k = 0;

    /* Knuth's method: the means here are small. */
    do {
        k++;
        p *= gen_get_uniform();
    } while (p > l);
    return k - 1;
}

/* ---- the province ------------------------------------------------------ */

static int gen_make_units(gen_unit_t *u)
{
    int n = 0, d, c;

#define GEN_UNIT(k, p, ...)                                                    \
    do {                                                                       \
        snprintf(u[n].code, sizeof(u[n].code), __VA_ARGS__);                   \
        snprintf(u[n].parent, sizeof(u[n].parent), "%s", p);                   \
        u[n].kind = k;                                                         \
        n++;                                                                   \
    } while (0)
    GEN_UNIT(K_PROVINCE, "", "TINH");
    snprintf(u[0].name, sizeof(u[0].name), "Tỉnh Mẫu");
    GEN_UNIT(K_CENTRE, "TINH", "TTPVHCC");
    snprintf(u[n - 1].name, sizeof(u[0].name),
             "Trung tâm Phục vụ hành chính công tỉnh");
    GEN_UNIT(K_DEPT, "TINH", "SO-YTE");
    snprintf(u[n - 1].name, sizeof(u[0].name), "Sở Y tế");
    GEN_UNIT(K_DEPT, "TINH", "SO-GDDT");
    snprintf(u[n - 1].name, sizeof(u[0].name), "Sở Giáo dục và Đào tạo");
    for (c = 1; c <= GEN_HOSPITALS; c++) {
        GEN_UNIT(K_HOSPITAL, "SO-YTE", "BV-%02d", c);
        snprintf(u[n - 1].name, sizeof(u[0].name), "Bệnh viện số %d", c);
    }
    for (c = 1; c <= GEN_SCHOOLS; c++) {
        GEN_UNIT(K_SCHOOL, "SO-GDDT", "THPT-%02d", c);
        snprintf(u[n - 1].name, sizeof(u[0].name), "Trường THPT số %d", c);
    }
    for (d = 1; d <= GEN_DISTRICTS; d++) {
        GEN_UNIT(K_DISTRICT, "TINH", "HUYEN-%02d", d);
        snprintf(u[n - 1].name, sizeof(u[0].name), "UBND huyện số %d", d);
        for (c = 1; c <= GEN_COMMUNES; c++) {
            GEN_UNIT(K_COMMUNE, u[n - c].code, "XA-%02d-%02d", d, c);
            snprintf(u[n - 1].name, sizeof(u[0].name), "UBND xã %d huyện %d", c,
                     d);
        }
    }
#undef GEN_UNIT
    return n;
}

/* Kiosks: 6 per commune, then district centres, the provincial centre,
 * hospitals and schools in turn until n. */
static void gen_make_kiosks(const gen_unit_t *u, int n_units, gen_kiosk_t *k,
                            int n)
{
    int i = 0, j, round, per, scale = (n + 999) / 1000;

    for (round = 0; i < n; round++) {
        for (j = 0; j < n_units && i < n; j++) {
            per = u[j].kind == K_COMMUNE    ? 6
                  : u[j].kind == K_DISTRICT ? 25
                  : u[j].kind == K_CENTRE   ? 100
                  : u[j].kind == K_HOSPITAL ? 6
                  : u[j].kind == K_SCHOOL   ? 4
                                            : 0;
            if (round >= per * scale)
                continue;
            snprintf(k[i].id, sizeof(k[i].id), "%032x", i + 1);
            snprintf(k[i].counter, sizeof(k[i].counter), "Quầy %d", round + 1);
            k[i].unit = j;
            k[i].c01 = u[j].kind == K_DISTRICT && round % 20 == 7;
            for (per = 0; per < GEN_OFFICERS; per++)
                snprintf(k[i].officers[per], sizeof(k[i].officers[per]),
                         "CB%04d-%d", i + 1, per + 1);
            i++;
        }
        if (round > 1000 * scale)
            break;
    }
}

/* ---- one citizen ------------------------------------------------------- */

static const int gen_overall_mix[5] = {2, 4, 9, 35, 50}; /* 1..5 */

static int gen_draw_near(int base)
{
    static const int drift[5] = {10, 20, 45, 20, 5}; /* -2..+2 */
    int v = base + gen_pick(drift, 5) - 2;

    return v < 1 ? 1 : v > 5 ? 5 : v;
}

static void gen_add_reasons(int64_t (*ans)[GEN_ANSWERS][2], int partial)
{
    int i, n = 1 + (gen_get_uniform() < 0.35);

    for (i = 0; i < n; i++)
        ans[GEN_QUESTIONS - 1][gen_next() % GEN_ANSWERS][partial]++;
}

static void gen_add_sipas(int64_t (*ans)[GEN_ANSWERS][2], int partial)
{
    static const double skip[GEN_QUESTIONS] = {0,   0.05, 0.05, 0.05,
                                               0.3, 0.6,  0};
    int base = 1 + gen_pick(gen_overall_mix, 5), q, v, low = base <= 2;
    int last = partial ? 1 + (int)(gen_next() % 3) : GEN_QUESTIONS - 1;

    ans[0][base][partial]++;
    for (q = 1; q < last && q < GEN_QUESTIONS - 1; q++) {
        if (gen_get_uniform() < skip[q])
            continue;
        v = gen_draw_near(base);
        low |= v <= 2;
        ans[q][v][partial]++;
    }
    if (low && !partial)
        gen_add_reasons(ans, partial);
}

static void gen_add_c01(int64_t (*ans)[GEN_ANSWERS][2], int partial)
{
    static const int level[3] = {8, 32, 60};       /* 1..3 */
    static const int points[3][3] = {{5, 20, 75},  /* c01-3: 0..2 */
                                     {3, 27, 70},  /* c01-4 */
                                     {2, 68, 30}}; /* c01-7 */
    int v = 1 + gen_pick(level, 3), q;

    ans[0][v][partial]++;
    for (q = 1; q <= 3 && !(partial && q > 1); q++)
        ans[q][gen_pick(points[q - 1], 3)][partial]++;
    if (v == 1 && !partial)
        gen_add_reasons(ans, partial);
}

static void gen_make_day(const gen_unit_t *u, const gen_kiosk_t *k, int day,
                         int weekday, gen_day_t *g)
{
    double mean = gen_volume[u->kind];
    int n, i, off, field, r;

    memset(g, 0, sizeof(*g));
    if (weekday == 0)
        return;
    if (weekday == 6) {
        if (strtoul(k->id + 24, NULL, 16) % 10 >= 3)
            return;
        mean *= 0.4;
    }
    n = gen_draw_poisson(mean);
    for (i = 0; i < n; i++) {
        off = (day + (int)(gen_next() % 2)) % GEN_OFFICERS;
        field = gen_pick(gen_field_mix[u->kind], GEN_FIELDS);
        r = (int)(gen_next() % 100);
        if (r == 0) {
            g->resp[off][field][2]++; /* suppressed: no answers counted */
        } else if (r <= 4) {
            g->resp[off][field][1]++;
            (k->c01 ? gen_add_c01 : gen_add_sipas)(g->ans[off][field], 1);
        } else {
            g->resp[off][field][0]++;
            (k->c01 ? gen_add_c01 : gen_add_sipas)(g->ans[off][field], 0);
        }
    }
}

/* ---- uploads ------------------------------------------------------------ */

typedef struct gen_ctx {
    hub_db_t *db;
    gen_unit_t *units;
    gen_kiosk_t *kiosks;
    char (*days)[VNTIME_DATE_MAX];
    int *weekdays;
    int n_days;
    hub_upload_t up;
    gen_day_t day;
    int64_t responses, rows, now_ms;
} gen_ctx_t;

static void gen_fill_dims(const gen_ctx_t *c, const gen_kiosk_t *k, int off,
                          int field, hub_dims_t *d)
{
    d->unit = c->units[k->unit].code;
    d->counter = k->counter;
    d->officer = k->officers[off];
    d->field = gen_fields[field];
    d->instrument = k->c01 ? "c01-counter" : "sipas-short";
    d->version = 1;
}

/* The rows of one day, appended to the upload. */
static int gen_add_day(gen_ctx_t *c, const gen_kiosk_t *k, int day)
{
    hub_upload_t *up = &c->up;
    hub_day_t *d = &up->days[up->n_days++];
    const char *const *qs = k->c01 ? gen_c01_q : gen_sipas_q;
    int o, f, q, a, p;

    memset(d, 0, sizeof(*d));
    d->day = c->days[day];
    d->resp_first = up->n_resp;
    d->ans_first = up->n_ans;
    for (o = 0; o < GEN_OFFICERS; o++) {
        for (f = 0; f < GEN_FIELDS; f++) {
            const int64_t *r = c->day.resp[o][f];

            if (r[0] + r[1] + r[2] == 0)
                continue;
            if (up->n_resp + up->n_ans >= GEN_ROWS_MAX)
                return -1;
            gen_fill_dims(c, k, o, f, &up->resp[up->n_resp].d);
            up->resp[up->n_resp].complete = r[0];
            up->resp[up->n_resp].partial = r[1];
            up->resp[up->n_resp].suppressed = r[2];
            up->n_resp++;
            c->responses += r[0];
            for (q = 0; q < GEN_QUESTIONS; q++) {
                for (a = 0; a < GEN_ANSWERS; a++) {
                    for (p = 0; p < 2; p++) {
                        hub_ans_row_t *x = &up->ans[up->n_ans];

                        if (!qs[q] || c->day.ans[o][f][q][a][p] == 0)
                            continue;
                        if (up->n_resp + up->n_ans >= GEN_ROWS_MAX)
                            return -1;
                        gen_fill_dims(c, k, o, f, &x->d);
                        x->partial = p;
                        x->question = qs[q];
                        x->element = qs[q];
                        x->answer = q == GEN_QUESTIONS - 1 ? gen_reasons[a]
                                                           : gen_values[a];
                        x->n = c->day.ans[o][f][q][a][p];
                        up->n_ans++;
                    }
                }
            }
        }
    }
    d->resp_n = up->n_resp - d->resp_first;
    d->ans_n = up->n_ans - d->ans_first;
    return 0;
}

static int gen_upload_year(gen_ctx_t *c, int i)
{
    const gen_kiosk_t *k = &c->kiosks[i];
    hub_ingest_result_t res;
    int day = 0, seq = 0, rc;

    while (day < c->n_days) {
        c->up.n_days = 0;
        c->up.n_resp = c->up.n_ans = 0;
        for (; day < c->n_days && c->up.n_days < GEN_DAYS_PER_UPLOAD; day++) {
            gen_make_day(&c->units[k->unit], k, day, c->weekdays[day], &c->day);
            if (gen_add_day(c, k, day) != 0)
                return -1;
        }
        c->up.install_id = k->id;
        c->up.upload_id = "hub-gen";
        c->up.upto_seq = ++seq;
        rc = hub_ingest_store(c->db, &c->up, c->now_ms, &res);
        if (rc != HUB_OK) {
            fprintf(stderr, "hub-gen: ingest: %s\n",
                    hub_db_last_error(c->db));
            return -1;
        }
        c->rows += (int64_t)(c->up.n_resp + c->up.n_ans);
    }
    return 0;
}

/* ---- setup ------------------------------------------------------------- */

static int gen_setup_units(hub_db_t *db, const gen_unit_t *u, int n)
{
    int i, rc = hub_db_begin_write(db);

    for (i = 0; rc == HUB_OK && i < n; i++)
        rc = hub_units_add(db, u[i].code, u[i].name,
                           u[i].parent[0] ? u[i].parent : NULL, 1);
    if (rc != HUB_OK) {
        hub_db_rollback(db);
        return rc;
    }
    return hub_db_commit(db);
}

static int gen_setup_kiosks(gen_ctx_t *c, int n)
{
    unsigned char hash[HUB_SHA256_LEN];
    int i, rc = hub_db_begin_write(c->db);

    memset(hash, 0x5a, sizeof(hash)); /* no kiosk will ever sign in */
    for (i = 0; rc == HUB_OK && i < n; i++)
        rc = hub_kiosks_enroll(c->db, c->kiosks[i].id,
                               c->units[c->kiosks[i].unit].code,
                               c->kiosks[i].counter, "0.1.0", hash, c->now_ms);
    if (rc != HUB_OK) {
        hub_db_rollback(c->db);
        return rc;
    }
    return hub_db_commit(c->db);
}

static int gen_setup_days(gen_ctx_t *c, int year)
{
    char first[VNTIME_DATE_MAX];
    int64_t ms;
    vntime_civil_t civ;
    int i;

    snprintf(first, sizeof(first), "%04d-01-01", year);
    ms = vntime_parse_date(first);
    c->days = calloc((size_t)c->n_days, sizeof(*c->days));
    c->weekdays = calloc((size_t)c->n_days, sizeof(int));
    if (ms == -1 || !c->days || !c->weekdays)
        return -1;
    for (i = 0; i < c->n_days; i++) {
        vntime_split_ms(ms + (int64_t)i * VNTIME_DAY_MS + 3600000, &civ);
        c->weekdays[i] = civ.weekday;
        if (vntime_format_date(ms + (int64_t)i * VNTIME_DAY_MS + 3600000,
                               c->days[i], VNTIME_DATE_MAX) != 0)
            return -1;
    }
    c->now_ms = ms + (int64_t)(c->n_days + 1) * VNTIME_DAY_MS;
    return 0;
}

int main(int argc, char **argv)
{
    hub_db_options_t opt = {1, 0, 0};
    int n_kiosks = 1000, year = 2025, i, n_units, failed = 0;
    gen_unit_t units[GEN_UNITS_MAX];
    struct timespec t0, t1;
    gen_ctx_t c;

    memset(&c, 0, sizeof(c));
    c.n_days = 365;
    if (argc < 2) {
        fprintf(stderr, "usage: hub-gen DB [--kiosks N] [--days N] [--year Y]"
                        " [--seed S]\n");
        return 2;
    }
    for (i = 2; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--kiosks") == 0)
            n_kiosks = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--days") == 0)
            c.n_days = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--year") == 0)
            year = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--seed") == 0)
            gen_rng ^= strtoull(argv[i + 1], NULL, 10) * 0x9E3779B97F4A7C15ULL;
        else
            return 2;
    }
    if (n_kiosks < 1 || n_kiosks > 100000 || c.n_days < 1 || c.n_days > 366 ||
        year < 2000 || year > 2100)
        return 2;
    if (clock_gettime(CLOCK_MONOTONIC, &t0) != 0)
        return 1;
    n_units = gen_make_units(units);
    c.units = units;
    c.kiosks = calloc((size_t)n_kiosks, sizeof(*c.kiosks));
    c.up.resp = calloc(GEN_ROWS_MAX, sizeof(*c.up.resp));
    c.up.ans = calloc(GEN_ROWS_MAX, sizeof(*c.up.ans));
    if (!c.kiosks || !c.up.resp || !c.up.ans || gen_setup_days(&c, year) != 0)
        return 1;
    gen_make_kiosks(units, n_units, c.kiosks, n_kiosks);
    if (hub_db_open(argv[1], &opt, &c.db) != HUB_OK) {
        fprintf(stderr, "hub-gen: %s\n", hub_db_open_error());
        return 1;
    }
    /* Generation only: the hub itself always runs synchronous=FULL. */
    if (sqlite3_exec(c.db->sql.conn, "PRAGMA synchronous=OFF", NULL, NULL,
                     NULL) != SQLITE_OK ||
        gen_setup_units(c.db, units, n_units) != HUB_OK ||
        gen_setup_kiosks(&c, n_kiosks) != HUB_OK)
        failed = 1;
    for (i = 0; !failed && i < n_kiosks; i++)
        failed = gen_upload_year(&c, i) != 0;
    hub_db_close(c.db);
    if (clock_gettime(CLOCK_MONOTONIC, &t1) != 0)
        t1 = t0;
    printf("kiosks=%d days=%d units=%d responses=%lld rows=%lld seconds=%.1f\n",
           n_kiosks, c.n_days, n_units, (long long)c.responses,
           (long long)c.rows,
           (double)(t1.tv_sec - t0.tv_sec) +
               (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    free(c.kiosks);
    free(c.up.resp);
    free(c.up.ans);
    free(c.days);
    free(c.weekdays);
    return failed;
}
