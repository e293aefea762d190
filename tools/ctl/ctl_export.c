/*
 * sipasctl export: every stored answer, one row each, as CSV or JSON.
 */
#include "ctl.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/csv.h"
#include "core/vntime.h"
#include "platform/pclock.h"
#include "sync/dayclock.h"

#define EXPORT_CMD "export"
#define EXPORT_PATH_MAX 4096

typedef enum export_format { EXPORT_CSV, EXPORT_JSON } export_format_t;

typedef struct export_opts {
    const char *data, *output;
    int64_t from_ms, to_ms; /* to is exclusive: the day after --to */
    const char *from, *to;  /* the same as days, NULL: no bound */
    export_format_t format;
    int excel;
} export_opts_t;

/* Where a response counts: the day the hub counts it in (dayclock.h). */
typedef struct export_place {
    char day[AGG_DAY_TEXT];
    int64_t corrected_ms;
    int estimated;
} export_place_t;

typedef struct export_ctx {
    FILE *fp;
    const export_opts_t *opts;
    const char *eol;
    int64_t rows;
    dayclock_t *dc;
    int64_t place_seq;      /* the response place belongs to, 0: none */
    export_place_t place;
    int (*put)(struct export_ctx *x, const store_row_t *row);
    char err[256];
} export_ctx_t;

/* Column order is part of the interface: scripts and spreadsheets index
 * by position as often as by name. Append new columns, never reorder. */
static const char *const export_columns[] = {
    "seq",        "recorded_at", "clock_synced", "unit",
    "counter",    "field",       "instrument",   "question",
    "element",    "answer",      "install_id",   "instrument_version",
    "officer",    "dossier",     "lang",         "partial",
    "suppressed", "boot_id",     "device_time",  "day",
    "day_estimated", "test",
};

#define EXPORT_N_COLUMNS (sizeof(export_columns) / sizeof(export_columns[0]))

static void export_print_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sipasctl export --data DIR --format csv|json"
            " [--from DATE] [--to DATE]\n"
            "                       [--output FILE] [--excel]\n"
            "\n"
            "Writes every stored answer, one row per answer, ordered by the"
            " kiosk's\nsequence number. Reads the database read-only; safe"
            " while the kiosk runs.\n"
            "\n"
            "  -d, --data DIR      the kiosk's data directory (holds "
            STORE_DB_NAME ")\n"
            "  -f, --format FMT    csv (RFC 4180, UTF-8, header line) or json"
            "\n"
            "                      (an array, one object per line)\n"
            "      --from DATE     first local day to include (YYYY-MM-DD)\n"
            "      --to DATE       last local day to include (YYYY-MM-DD)\n"
            "  -o, --output FILE   write FILE (complete or not at all)"
            " instead of stdout\n"
            "      --excel         CSV with a byte-order mark and CRLF line"
            " ends, so\n"
            "                      spreadsheet programs show Vietnamese"
            " correctly\n"
            "  -h, --help          this text\n"
            "\n"
            "Dates are local days of the province (UTC+7) and both ends are"
            " inclusive.\nA response belongs to the day the hub counts it in:"
            " a time recorded\nbefore the device clock was synchronised is"
            " corrected through its boot's\nclock anchor, as the uploader"
            " corrects it (docs/SYNC_PROTOCOL.md, Clock).\n"
            "\n"
            "Columns: seq, recorded_at (ISO 8601, +07:00; the corrected time),"
            "\nclock_synced (0/1), unit, counter, field, instrument, question,"
            " element,\nanswer (the 1-5 value of a scale answer, the option"
            " code of a multiple-\nchoice one), install_id,"
            " instrument_version, officer, dossier, lang,\npartial (0/1),"
            " suppressed (0, or the misuse rule that held the response\n"
            "back: 1 too soon, 2 burst), boot_id, device_time (the time the"
            " device\nclock showed, as recorded), day (the local day the"
            " response counts in),\nday_estimated (1: its clock could not be"
            " corrected; the day is the device's),\ntest (1: a test rating"
            " recorded before the kiosk was enrolled with a hub:\nnever"
            " uploaded, never counted).\n"
            "\n"
            "Exit status: 0 written; 1 no or damaged database, write error;"
            " 2 usage error.\n");
}

/* ---- options ------------------------------------------------------------ */

enum { EXPORT_OPT_FROM = 256, EXPORT_OPT_TO, EXPORT_OPT_EXCEL };

static int export_set_format(export_opts_t *o, const char *text)
{
    if (strcmp(text, "csv") == 0)
        o->format = EXPORT_CSV;
    else if (strcmp(text, "json") == 0)
        o->format = EXPORT_JSON;
    else {
        ctl_say(EXPORT_CMD, "--format: \"%s\" is neither csv nor json", text);
        return -1;
    }
    return 0;
}

/* Checks what getopt cannot: required flags and how they combine. */
static int export_check_opts(const export_opts_t *o, int have_format,
                             const char *from, const char *to)
{
    if (!o->data) {
        ctl_say(EXPORT_CMD, "--data DIR is required");
        return -1;
    }
    if (!have_format) {
        ctl_say(EXPORT_CMD, "--format csv|json is required");
        return -1;
    }
    if (o->excel && o->format != EXPORT_CSV) {
        ctl_say(EXPORT_CMD, "--excel applies only to --format csv");
        return -1;
    }
    if (from && to && o->from_ms >= o->to_ms) {
        ctl_say(EXPORT_CMD, "--from %s is after --to %s", from, to);
        return -1;
    }
    return 0;
}

/* 0 to go on, 1 when help was printed, -1 on a usage error. */
static int export_parse(int argc, char **argv, export_opts_t *o)
{
    static const struct option longs[] = {
        {"data", required_argument, NULL, 'd'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"from", required_argument, NULL, EXPORT_OPT_FROM},
        {"to", required_argument, NULL, EXPORT_OPT_TO},
        {"excel", no_argument, NULL, EXPORT_OPT_EXCEL},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *from = NULL, *to = NULL;
    int c, have_format = 0;

    memset(o, 0, sizeof(*o));
    o->from_ms = INT64_MIN;
    o->to_ms = INT64_MAX;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":d:f:o:h", longs, NULL)) != -1) {
        switch (c) {
        case 'd':
            o->data = optarg;
            break;
        case 'f':
            if (export_set_format(o, optarg) != 0)
                return -1;
            have_format = 1;
            break;
        case 'o':
            o->output = optarg;
            break;
        case EXPORT_OPT_FROM:
            from = o->from = optarg;
            if (ctl_parse_date_flag(EXPORT_CMD, "--from", optarg,
                                    &o->from_ms) != 0)
                return -1;
            break;
        case EXPORT_OPT_TO:
            to = o->to = optarg;
            if (ctl_parse_date_flag(EXPORT_CMD, "--to", optarg, &o->to_ms) !=
                0)
                return -1;
            o->to_ms += VNTIME_DAY_MS;
            break;
        case EXPORT_OPT_EXCEL:
            o->excel = 1;
            break;
        case 'h':
            export_print_help(stdout);
            return 1;
        default:
            ctl_report_bad_option(EXPORT_CMD, c, argv[optind - 1]);
            return -1;
        }
    }
    if (optind < argc) {
        ctl_say(EXPORT_CMD, "unexpected argument \"%s\"", argv[optind]);
        return -1;
    }
    return export_check_opts(o, have_format, from, to);
}

/* ---- CSV ---------------------------------------------------------------- */

static void export_put_header(export_ctx_t *x)
{
    size_t i;

    if (x->opts->excel)
        fputs(CSV_BOM, x->fp);
    for (i = 0; i < EXPORT_N_COLUMNS; i++) {
        if (i)
            fputc(',', x->fp);
        fputs(export_columns[i], x->fp);
    }
    fputs(x->eol, x->fp);
}

static void export_put_answer(FILE *fp, const store_row_t *row)
{
    if (row->code[0])
        csv_put_text(fp, row->code, CSV_PLAIN);
    else
        csv_put_int(fp, row->value);
}

/* Field order follows export_columns. */
static int export_put_row(export_ctx_t *x, const store_row_t *row)
{
    char when[VNTIME_ISO_MAX], device[VNTIME_ISO_MAX];
    FILE *fp = x->fp;

    if (vntime_format_iso(x->place.corrected_ms, when, sizeof(when)) != 0)
        when[0] = '\0';
    if (vntime_format_iso(row->recorded_at_ms, device, sizeof(device)) != 0)
        device[0] = '\0';
    csv_put_int(fp, row->seq);
    fputc(',', fp);
    fputs(when, fp);
    fprintf(fp, ",%d,", row->clock_synced ? 1 : 0);
    csv_put_text(fp, row->unit, CSV_PLAIN);
    fputc(',', fp);
    csv_put_text(fp, row->counter, CSV_PLAIN);
    fputc(',', fp);
    csv_put_text(fp, row->field, CSV_PLAIN);
    fputc(',', fp);
    csv_put_text(fp, row->instrument, CSV_PLAIN);
    fputc(',', fp);
    csv_put_text(fp, row->question, CSV_PLAIN);
    fputc(',', fp);
    csv_put_text(fp, row->element, CSV_PLAIN);
    fputc(',', fp);
    export_put_answer(fp, row);
    fputc(',', fp);
    csv_put_text(fp, row->install_id, CSV_PLAIN);
    fprintf(fp, ",%d,", row->instrument_version);
    csv_put_text(fp, row->officer, CSV_PLAIN);
    fputc(',', fp);
    csv_put_text(fp, row->dossier, CSV_PLAIN);
    fputc(',', fp);
    csv_put_text(fp, row->lang, CSV_PLAIN);
    fprintf(fp, ",%d,%d,", row->partial ? 1 : 0, row->suppressed);
    csv_put_text(fp, row->boot_id, CSV_PLAIN);
    fprintf(fp, ",%s,%s,%d,%d", device, x->place.day,
            x->place.estimated ? 1 : 0, row->test ? 1 : 0);
    fputs(x->eol, fp);
    x->rows++;
    /* Stop at the first failed write (full disk, closed pipe). */
    return ferror(fp) ? 1 : 0;
}

/* ---- JSON --------------------------------------------------------------- */

/* Adds one key; a NULL value (jansson refuses text that is not UTF-8)
 * makes the whole object fail rather than silently drop a field. */
static void json_add(json_t *obj, const char *key, json_t *value, int *bad)
{
    if (json_object_set_new(obj, key, value) != 0)
        *bad = 1;
}

static json_t *json_build_answer(const store_row_t *row)
{
    return row->code[0] ? json_string(row->code) : json_integer(row->value);
}

static json_t *json_build_row(const store_row_t *row,
                              const export_place_t *place)
{
    char when[VNTIME_ISO_MAX], device[VNTIME_ISO_MAX];
    json_t *o = json_object();
    int bad = 0;

    if (!o)
        return NULL;
    if (vntime_format_iso(place->corrected_ms, when, sizeof(when)) != 0)
        when[0] = '\0';
    if (vntime_format_iso(row->recorded_at_ms, device, sizeof(device)) != 0)
        device[0] = '\0';
    json_add(o, "seq", json_integer(row->seq), &bad);
    json_add(o, "recorded_at", json_string(when), &bad);
    json_add(o, "clock_synced", json_integer(row->clock_synced ? 1 : 0), &bad);
    json_add(o, "unit", json_string(row->unit), &bad);
    json_add(o, "counter", json_string(row->counter), &bad);
    json_add(o, "field", json_string(row->field), &bad);
    json_add(o, "instrument", json_string(row->instrument), &bad);
    json_add(o, "question", json_string(row->question), &bad);
    json_add(o, "element", json_string(row->element), &bad);
    json_add(o, "answer", json_build_answer(row), &bad);
    json_add(o, "install_id", json_string(row->install_id), &bad);
    json_add(o, "instrument_version", json_integer(row->instrument_version),
             &bad);
    json_add(o, "officer", json_string(row->officer), &bad);
    json_add(o, "dossier", json_string(row->dossier), &bad);
    json_add(o, "lang", json_string(row->lang), &bad);
    json_add(o, "partial", json_integer(row->partial ? 1 : 0), &bad);
    json_add(o, "suppressed", json_integer(row->suppressed), &bad);
    json_add(o, "boot_id", json_string(row->boot_id), &bad);
    json_add(o, "device_time", json_string(device), &bad);
    json_add(o, "day", json_string(place->day), &bad);
    json_add(o, "day_estimated", json_integer(place->estimated ? 1 : 0),
             &bad);
    json_add(o, "test", json_integer(row->test ? 1 : 0), &bad);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int json_put_row(export_ctx_t *x, const store_row_t *row)
{
    json_t *o = json_build_row(row, &x->place);
    int rc;

    if (!o) {
        snprintf(x->err, sizeof(x->err),
                 "response %lld holds text that is not UTF-8",
                 (long long)row->seq);
        return 1;
    }
    fputs(x->rows ? ",\n" : "[\n", x->fp);
    rc = json_dumpf(o, x->fp, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    x->rows++;
    return (rc != 0 || ferror(x->fp)) ? 1 : 0;
}

static void json_put_end(export_ctx_t *x)
{
    fputs(x->rows ? "\n]\n" : "[]\n", x->fp);
}

/* ---- run ---------------------------------------------------------------- */

/* Places each response once (its rows come together, by seq) and keeps
 * the rows of the days asked for. The range is of corrected days, so
 * every row is read: a wrong clock can put a response years away from
 * the day it counts in. */
static int export_each_row(void *ctx, const store_row_t *row)
{
    export_ctx_t *x = ctx;
    agg_response_t r;

    if (row->seq != x->place_seq) {
        memset(&r, 0, sizeof(r));
        r.seq = row->seq;
        r.wall_ms = row->recorded_at_ms;
        r.boot_ms = row->boot_ms;
        r.boot_id = row->boot_id ? row->boot_id : "";
        r.clock_synced = row->clock_synced;
        if (dayclock_place(x->dc, &r, x->place.day, &x->place.corrected_ms,
                           &x->place.estimated) != 0) {
            snprintf(x->err, sizeof(x->err), "placing response %lld: %s",
                     (long long)row->seq, dayclock_last_error(x->dc));
            return 1;
        }
        x->place_seq = row->seq;
    }
    if ((x->opts->from && strcmp(x->place.day, x->opts->from) < 0) ||
        (x->opts->to && strcmp(x->place.day, x->opts->to) > 0))
        return 0;
    return x->put(x, row);
}

static int export_write(store_t *s, export_ctx_t *x)
{
    int rc;

    if (x->opts->format == EXPORT_CSV) {
        export_put_header(x);
        x->put = export_put_row;
    } else {
        x->put = json_put_row;
    }
    rc = store_each_row(s, INT64_MIN, INT64_MAX, export_each_row, x);
    if (rc == STORE_OK && x->opts->format == EXPORT_JSON)
        json_put_end(x);
    if (rc < 0) {
        ctl_say(EXPORT_CMD, "reading the database failed: %s",
                store_last_error(s));
        return CTL_EXIT_FAIL;
    }
    if (rc > 0 && x->err[0]) {
        ctl_say(EXPORT_CMD, "%s", x->err);
        return CTL_EXIT_FAIL;
    }
    if (fflush(x->fp) != 0 || ferror(x->fp) || rc > 0) {
        ctl_say(EXPORT_CMD, "writing the export failed");
        return CTL_EXIT_FAIL;
    }
    return CTL_EXIT_OK;
}

/* A file is written under a temporary name and renamed at the end, so a
 * script never picks up half an export. */
static int export_to_file(store_t *s, export_ctx_t *x)
{
    char tmp[EXPORT_PATH_MAX];
    int n, rc;

    n = snprintf(tmp, sizeof(tmp), "%s.partial", x->opts->output);
    if (n < 0 || (size_t)n >= sizeof(tmp)) {
        ctl_say(EXPORT_CMD, "--output: path too long");
        return CTL_EXIT_USAGE;
    }
    x->fp = fopen(tmp, "w");
    if (!x->fp) {
        ctl_say(EXPORT_CMD, "cannot write %s: %s", tmp, strerror(errno));
        return CTL_EXIT_FAIL;
    }
    rc = export_write(s, x);
    if (fclose(x->fp) != 0 && rc == CTL_EXIT_OK) {
        ctl_say(EXPORT_CMD, "writing %s failed: %s", tmp, strerror(errno));
        rc = CTL_EXIT_FAIL;
    }
    if (rc == CTL_EXIT_OK && rename(tmp, x->opts->output) != 0) {
        ctl_say(EXPORT_CMD, "cannot rename %s to %s: %s", tmp,
                x->opts->output, strerror(errno));
        rc = CTL_EXIT_FAIL;
    }
    if (rc != CTL_EXIT_OK && unlink(tmp) != 0 && errno != ENOENT)
        ctl_say(EXPORT_CMD, "cannot remove %s: %s", tmp, strerror(errno));
    return rc;
}

/* The clock anchors the uploader froze live in sync.db: without it (never
 * provisioned, or damaged: then nothing is uploaded either) days come from
 * kiosk.db alone, as the uploader would place them. */
static syncdb_t *export_open_anchors(const char *dir)
{
    char err[SYNCDB_ERROR_MAX];
    syncdb_t *db = NULL;
    int rc = syncdb_open(dir, 1, &db, err, sizeof(err));

    if (rc == SYNCDB_OK)
        return db;
    if (rc != SYNCDB_MISSING)
        ctl_say(EXPORT_CMD, "%s/%s cannot be read (%s): days are placed"
                " from %s alone", dir, SYNCDB_NAME, err, STORE_DB_NAME);
    return NULL;
}

int ctl_export_main(int argc, char **argv)
{
    export_opts_t opts;
    export_ctx_t x;
    pclock_t clock;
    store_t *s = NULL;
    syncdb_t *db;
    int rc;

    rc = export_parse(argc, argv, &opts);
    if (rc != 0)
        return rc > 0 ? CTL_EXIT_OK : CTL_EXIT_USAGE;
    if (ctl_open_data(EXPORT_CMD, opts.data, &s) != CTL_EXIT_OK)
        return CTL_EXIT_FAIL;
    memset(&x, 0, sizeof(x));
    x.opts = &opts;
    x.eol = opts.excel ? "\r\n" : "\n";
    pclock_init(&clock, 0);
    db = export_open_anchors(opts.data);
    if (dayclock_open(&x.dc, db, s, &clock) != 0) {
        ctl_say(EXPORT_CMD, "reading the clock anchors failed: %s",
                db ? syncdb_last_error(db) : "out of memory");
        syncdb_close(db);
        store_close(s);
        return CTL_EXIT_FAIL;
    }
    if (opts.output) {
        rc = export_to_file(s, &x);
    } else {
        x.fp = stdout;
        rc = export_write(s, &x);
    }
    dayclock_free(x.dc);
    syncdb_close(db);
    store_close(s);
    return rc;
}
