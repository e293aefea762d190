/*
 * sipas-hub forward: a provincial hub pushing its month summary rows to
 * the national hub (docs/HUB.md, "The national view").
 *
 * Each round reads every month the summaries hold; a month whose rows
 * differ from the last ones the national hub acknowledged (by SHA-256 of
 * the push body without its sequence number) is pushed under the next
 * sequence number, recorded in the database before it is sent, so that a
 * restart never reuses one. A 409 naming the sequence number just sent
 * means the push arrived and its answer was lost; naming a higher one
 * (this database restored from a backup), the next push goes above it.
 * Network failures and 5xx are retried with doubling waits; a refused
 * month (400, 401, 403) is not retried within the round, since sending
 * the same again cannot help, but the other months go on.
 *
 * Officers go as keys: HMAC-SHA256 of the name under an officer key that
 * never leaves the province (a file beside the credential, made on the
 * first run). The national hub holds the credential's digest only, but
 * sees the credential itself in every push, so the credential cannot be
 * that key. The same officer has the same key in every month, which is
 * what the privacy rule needs of a whole year.
 */
#include "hub/cmd/cmd.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "core/hex.h"
#include "hub/base/clock.h"
#include "hub/base/crypto.h"
#include "hub/domain/natpush.h"
#include "hub/store/national.h"
#include "hub/store/stat_rows.h"
#include "upload/client.h"

#define FORWARD_CMD "forward"
#define FORWARD_PATH "/api/v1/national/months"
#define FORWARD_TARGETS_PATH "/api/v1/national/targets"
#define FORWARD_MONTHS_MAX 1200 /* a century of months */
#define FORWARD_CRED_MAX (HUB_CODE_MAX + 1 + HUB_SECRET_LEN + 2)
#define FORWARD_PATH_MAX 4096
#define FORWARD_OFFICER_KEY_SUFFIX ".officer-key"
#define FORWARD_INTERVAL_DEFAULT 300
#define FORWARD_BACKOFF_FIRST_S 2
#define FORWARD_TRIES_DEFAULT 6

static volatile sig_atomic_t forward_stop;

static void forward_on_signal(int sig)
{
    (void)sig;
    forward_stop = 1;
}

static void forward_print_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sipas-hub forward --to URL --credential FILE --db PATH"
            " [--once]\n"
            "                         [--interval S] [--tries N]"
            " [--ca-file FILE] [--pin PIN]\n"
            "                         [--officer-key FILE]"
            " [--targets FILE --province SLUG]\n"
            "\n"
            "Pushes this hub's month summary rows (unit, field, instrument,"
            " question,\nanswer counts; no counter; each officer's complete"
            " responses under a key\nonly this province can link to a name)"
            " to the national hub at URL, each\nmonth again whenever its"
            " rows changed since the national hub acknowledged\nthem. The"
            " state is in the database: a restart goes on where it"
            " stopped.\n"
            "\n"
            "  -t, --to URL            the national hub (https://, or"
            " http:// on loopback)\n"
            "  -c, --credential FILE   CODE:SECRET from `sipas-hub national"
            " credential add`\n"
            "  -k, --officer-key FILE  the key officers' names are hashed"
            " under (default\n"
            "                          FILE" FORWARD_OFFICER_KEY_SUFFIX
            " beside the credential, made when\n"
            "                          missing); keep it with the province,"
            " never send it\n"
            "  -T, --targets FILE      the targets file this hub's serve"
            " reads, pushed\n"
            "                          whenever it changes; the national"
            " hub holds this\n"
            "                          province's units against it\n"
            "  -p, --province SLUG     whose rows of it are this"
            " province's (as serve's)\n"
            "  -D, --dashboard URL     this hub's address, which the"
            " national dashboard\n"
            "                          links for the counters (with"
            " --targets)\n"
            "  -d, --db PATH           this hub's database\n"
            "  -1, --once              one round, then exit (0 only when"
            " every month is\n"
            "                          acknowledged)\n"
            "  -i, --interval S        seconds between rounds (default %d)\n"
            "  -n, --tries N           attempts of a push that fails"
            " transiently, with\n"
            "                          doubling waits from %d s (default"
            " %d)\n"
            "      --ca-file FILE      CA bundle for the national hub's"
            " certificate\n"
            "      --pin PIN           its public key's SHA-256, as"
            " sipas-sync takes it\n"
            "  -h, --help              this text\n"
            "\n"
            "Exit status: 0 done; 1 a push refused or never acknowledged;"
            " 2 usage error.\n",
            FORWARD_INTERVAL_DEFAULT, FORWARD_BACKOFF_FIRST_S,
            FORWARD_TRIES_DEFAULT);
}

typedef struct forward_opts {
    const char *to, *cred_path, *db, *ca_file, *pin, *key_path;
    const char *targets_path, *slug, *dashboard;
    long interval_s, tries;
    int once;
} forward_opts_t;

static int forward_parse(int argc, char **argv, forward_opts_t *o)
{
    static const struct option longs[] = {
        {"to", required_argument, NULL, 't'},
        {"credential", required_argument, NULL, 'c'},
        {"db", required_argument, NULL, 'd'},
        {"once", no_argument, NULL, '1'},
        {"interval", required_argument, NULL, 'i'},
        {"tries", required_argument, NULL, 'n'},
        {"ca-file", required_argument, NULL, 'C'},
        {"pin", required_argument, NULL, 'P'},
        {"officer-key", required_argument, NULL, 'k'},
        {"targets", required_argument, NULL, 'T'},
        {"province", required_argument, NULL, 'p'},
        {"dashboard", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    memset(o, 0, sizeof(*o));
    o->interval_s = FORWARD_INTERVAL_DEFAULT;
    o->tries = FORWARD_TRIES_DEFAULT;
    opterr = 0;
    optind = 0;
    while ((c = getopt_long(argc, argv, ":t:c:d:1i:n:k:T:p:D:h", longs, NULL)) !=
           -1) {
        switch (c) {
        case 't': o->to = optarg; break;
        case 'c': o->cred_path = optarg; break;
        case 'd': o->db = optarg; break;
        case '1': o->once = 1; break;
        case 'C': o->ca_file = optarg; break;
        case 'P': o->pin = optarg; break;
        case 'k': o->key_path = optarg; break;
        case 'T': o->targets_path = optarg; break;
        case 'p': o->slug = optarg; break;
        case 'D': o->dashboard = optarg; break;
        case 'i':
            if (hub_cmd_parse_long(FORWARD_CMD, "--interval", optarg, 1,
                                   86400, &o->interval_s) != 0)
                return -1;
            break;
        case 'n':
            if (hub_cmd_parse_long(FORWARD_CMD, "--tries", optarg, 1, 100,
                                   &o->tries) != 0)
                return -1;
            break;
        case 'h':
            forward_print_help(stdout);
            return 1;
        default:
            hub_cmd_report_bad_option(FORWARD_CMD, c, argv[optind - 1]);
            return -1;
        }
    }
    if (!o->targets_path != !o->slug || (o->dashboard && !o->slug)) {
        hub_cmd_say(FORWARD_CMD, "--targets FILE and --province SLUG go"
                                 " together, and --dashboard with them");
        return -1;
    }
    if (optind < argc || !o->to || !o->cred_path || !o->db) {
        hub_cmd_say(FORWARD_CMD, "--to URL, --credential FILE and --db PATH"
                                 " are required; see --help");
        return -1;
    }
    return 0;
}

/* CODE:SECRET from the file's first line into province and secret. */
static int forward_read_credential(const char *path,
                                   char province[HUB_CODE_MAX + 1],
                                   char secret[HUB_SECRET_LEN + 1])
{
    char line[FORWARD_CRED_MAX + 1];
    FILE *fp = fopen(path, "r");
    char *colon;
    size_t n;
    int ok;

    if (!fp) {
        hub_cmd_say(FORWARD_CMD, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    ok = fgets(line, sizeof(line), fp) != NULL;
    fclose(fp);
    n = ok ? strcspn(line, "\r\n") : 0;
    line[n] = '\0';
    colon = strchr(line, ':');
    if (!ok || !colon || strlen(colon + 1) != HUB_SECRET_LEN ||
        (size_t)(colon - line) > HUB_CODE_MAX) {
        hub_cmd_say(FORWARD_CMD, "%s does not hold CODE:SECRET", path);
        explicit_bzero(line, sizeof(line));
        return -1;
    }
    *colon = '\0';
    snprintf(province, HUB_CODE_MAX + 1, "%s", line);
    memcpy(secret, colon + 1, HUB_SECRET_LEN + 1);
    explicit_bzero(line, sizeof(line));
    return hub_valid_code(province) ? 0 : -1;
}

/* The officer key at path, made (0600, never replaced) when missing. */
static int forward_load_officer_key(const char *path,
                                    unsigned char key[HUB_SECRET_BYTES])
{
    char text[HUB_SECRET_LEN + 2];
    unsigned char unused[HUB_SHA256_LEN];
    FILE *fp = fopen(path, "r");
    int fd, ok;

    if (!fp && errno == ENOENT) {
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        ok = fd >= 0 && hub_crypto_new_secret(text, unused) == 0;
        if (ok) {
            text[HUB_SECRET_LEN] = '\n';
            ok = write(fd, text, HUB_SECRET_LEN + 1) == HUB_SECRET_LEN + 1;
        }
        if (fd >= 0 && close(fd) != 0)
            ok = 0;
        if (!ok) {
            hub_cmd_say(FORWARD_CMD, "cannot make %s: %s", path,
                        strerror(errno));
            explicit_bzero(text, sizeof(text));
            return -1;
        }
        hub_cmd_say(FORWARD_CMD, "made the officer key %s; keep it with"
                    " the province's backups", path);
        fp = fopen(path, "r");
    }
    if (!fp) {
        hub_cmd_say(FORWARD_CMD, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    ok = fgets(text, sizeof(text), fp) != NULL;
    fclose(fp);
    if (ok)
        text[strcspn(text, "\r\n")] = '\0';
    ok = ok && hex_is_lower(text, HUB_SECRET_LEN) &&
         hex_decode(text, key, HUB_SECRET_BYTES) == 0;
    explicit_bzero(text, sizeof(text));
    if (!ok)
        hub_cmd_say(FORWARD_CMD, "%s does not hold 64 lowercase hex digits",
                    path);
    return ok ? 0 : -1;
}

/* ---- one month's rows ---------------------------------------------------- */

typedef struct forward_rows {
    hub_stat_row_t *rows;
    char **blocks; /* each row's strings, one allocation per row */
    size_t n, cap;
    const unsigned char *officer_key; /* the officers' list only */
} forward_rows_t;

static void forward_rows_free(forward_rows_t *fr)
{
    size_t i;

    for (i = 0; i < fr->n; i++)
        free(fr->blocks[i]);
    free(fr->rows);
    free(fr->blocks);
    memset(fr, 0, sizeof(*fr));
}

/* Copies s into *at, moving it on; returns the copy. */
static const char *forward_put_text(char **at, const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy = *at;

    memcpy(copy, s, n);
    *at += n;
    return copy;
}

static int forward_keep_row(void *ctx, const hub_stat_row_t *row)
{
    forward_rows_t *fr = ctx;
    const char *t[7] = {row->unit, row->field, row->instrument,
                        row->question, row->element, row->answer,
                        row->officer};
    size_t len = 0, i;
    hub_stat_row_t *r;
    char *block, *at;

    if (fr->n == HUB_NATPUSH_ROWS_MAX)
        return HUB_ERROR;
    if (fr->n == fr->cap) {
        size_t cap = fr->cap ? 2 * fr->cap : 256;
        hub_stat_row_t *rows = realloc(fr->rows, cap * sizeof(*rows));
        char **blocks;

        if (!rows)
            return HUB_ERROR;
        fr->rows = rows;
        blocks = realloc(fr->blocks, cap * sizeof(*blocks));
        if (!blocks)
            return HUB_ERROR;
        fr->blocks = blocks;
        fr->cap = cap;
    }
    for (i = 0; i < 7; i++)
        len += strlen(t[i] ? t[i] : "") + 1;
    block = malloc(len);
    if (!block)
        return HUB_ERROR;
    r = &fr->rows[fr->n];
    *r = *row;
    at = block;
    r->unit = forward_put_text(&at, t[0]);
    r->field = forward_put_text(&at, t[1]);
    r->instrument = forward_put_text(&at, t[2]);
    r->question = forward_put_text(&at, t[3] ? t[3] : "");
    r->element = forward_put_text(&at, t[4] ? t[4] : "");
    r->answer = forward_put_text(&at, t[5] ? t[5] : "");
    r->officer = forward_put_text(&at, t[6] ? t[6] : "");
    r->sub = r->bucket = "";
    fr->blocks[fr->n++] = block;
    return 0;
}

/* An officer's row, the name replaced by its key. */
static int forward_keep_officer(void *ctx, const hub_stat_row_t *row)
{
    forward_rows_t *fr = ctx;
    unsigned char mac[HUB_SHA256_LEN];
    char key[HUB_NATIONAL_OFFICER_LEN + 1];
    hub_stat_row_t r = *row;

    if (hub_crypto_hmac_sha256(fr->officer_key, HUB_SECRET_BYTES,
                               row->officer, strlen(row->officer),
                               mac) != 0)
        return HUB_ERROR;
    hex_encode(mac, HUB_SHA256_LEN, key);
    key[HUB_NATIONAL_OFFICER_LEN] = '\0';
    r.officer = key;
    return forward_keep_row(ctx, &r);
}

/* The month's four kinds of rows, in one read transaction. */
static int forward_read_month(hub_db_t *db, const char *month,
                              forward_rows_t fr[HUB_NATIONAL_KINDS])
{
    static const int answers[3] = {0, 1, HUB_STAT_ELEMENTS};
    hub_stat_read_t rd;
    int k, rc;

    hub_db_lock(db);
    rc = hub_db_begin_read(db);
    for (k = 0; rc == HUB_OK && k < 3; k++) {
        memset(&rd, 0, sizeof(rd));
        rd.table = HUB_STAT_MONTH_SUMMARY;
        rd.answers = answers[k];
        rd.lo = rd.hi = month;
        rc = hub_stat_rows_each(db, &rd, forward_keep_row, &fr[k]);
    }
    if (rc == HUB_OK)
        rc = hub_national_each_officer(db, month, forward_keep_officer,
                                       &fr[HUB_NATIONAL_OFF]);
    if (rc != HUB_ERROR || k > 0)
        hub_db_end_read(db);
    hub_db_unlock(db);
    return rc;
}

/* ---- a push ------------------------------------------------------------ */

typedef struct forward_run {
    hub_db_t *db;
    sync_client_t *client;
    const forward_opts_t *o;
    char province[HUB_CODE_MAX + 1];
    char secret[HUB_SECRET_LEN + 1];
    unsigned char officer_key[HUB_SECRET_BYTES];
    char (*months)[HUB_NATIONAL_MONTH_LEN + 1];
    size_t n_months;
    int pushed, unchanged;
    /* The targets body the national hub acknowledged (digest), if any. */
    unsigned char targets_digest[HUB_SHA256_LEN];
    int targets_acked;
} forward_run_t;

enum { FORWARD_DONE = 0, FORWARD_AGAIN = 1, FORWARD_REFUSED = 2 };

static int forward_write(hub_db_t *db, const char *month, int64_t seq,
                         const unsigned char *acked)
{
    int rc;

    hub_db_lock(db);
    rc = hub_db_begin_write(db);
    if (rc == HUB_OK)
        rc = acked ? hub_national_set_forward_acked(db, month, acked,
                                                    hub_clock_now_ms())
                   : hub_national_set_forward_seq(db, month, seq);
    if (rc == HUB_OK)
        rc = hub_db_commit(db);
    else if (rc != HUB_BUSY)
        hub_db_rollback(db);
    hub_db_unlock(db);
    return rc;
}

/* The body with sequence number seq, and (seq 0) the digest of the rows. */
static char *forward_body(const hub_national_push_t *p,
                          unsigned char digest[HUB_SHA256_LEN])
{
    json_t *o = hub_natpush_to_json(p);
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;

    json_decref(o);
    if (text && digest &&
        hub_crypto_hash_sha256(text, strlen(text), digest) != 0) {
        free(text);
        text = NULL;
    }
    return text;
}

/* The sequence number a 409 says the national hub holds, or -1. */
static int64_t forward_held_seq(const sync_reply_t *r)
{
    json_t *v = r->body ? json_object_get(r->body, "held_seq") : NULL;

    return json_is_integer(v) ? (int64_t)json_integer_value(v) : -1;
}

static int forward_send(forward_run_t *run, hub_national_push_t *p,
                        const unsigned char digest[HUB_SHA256_LEN])
{
    sync_reply_t r;
    char *body = forward_body(p, NULL);
    int64_t held;
    int out;

    if (!body) {
        hub_cmd_say(FORWARD_CMD, "out of memory");
        return FORWARD_AGAIN;
    }
    sync_client_post(run->client, FORWARD_PATH, NULL, run->secret, body,
                     strlen(body), NULL, &r);
    free(body);
    held = r.status == 409 ? forward_held_seq(&r) : -1;
    if (r.status == 200 && r.cls == SYNC_ACKED) {
        out = forward_write(run->db, p->month, 0, digest) == HUB_OK
                  ? FORWARD_DONE : FORWARD_AGAIN;
        run->pushed++;
    } else if (held == p->seq) {
        /* This very push was applied; its answer was lost. */
        out = forward_write(run->db, p->month, 0, digest) == HUB_OK
                  ? FORWARD_DONE : FORWARD_AGAIN;
    } else if (held > p->seq) {
        hub_cmd_say(FORWARD_CMD, "%s: the national hub holds seq %" PRId64
                    ", above ours; going on from there", p->month, held);
        out = forward_write(run->db, p->month, held, NULL) == HUB_OK
                  ? FORWARD_AGAIN : FORWARD_REFUSED;
    } else if (r.cls == SYNC_TRANSIENT) {
        hub_cmd_say(FORWARD_CMD, "%s: %s", p->month, r.message);
        out = FORWARD_AGAIN;
    } else {
        hub_cmd_say(FORWARD_CMD, "%s refused (HTTP %ld %s): %s", p->month,
                    r.status, r.error_code, r.message);
        out = FORWARD_REFUSED;
    }
    sync_reply_clear(&r);
    return out;
}

/* The targets body from the file as it is now; NULL (said why) when it
 * cannot be read or is not a targets file. */
static char *forward_targets_body(const forward_run_t *run)
{
    char *text = malloc(TARGETS_SOURCE_MAX + 1), *body = NULL;
    FILE *fp = fopen(run->o->targets_path, "rb");
    targets_t *t = NULL;
    json_t *o = NULL;
    size_t n = 0;
    err_t err;

    if (text && fp)
        n = fread(text, 1, TARGETS_SOURCE_MAX + 1, fp);
    if (fp && fclose(fp) != 0)
        n = 0;
    if (text && n <= TARGETS_SOURCE_MAX)
        text[n] = '\0';
    err_clear(&err);
    if (!text || !fp || n == 0 || n > TARGETS_SOURCE_MAX)
        hub_cmd_say(FORWARD_CMD, "cannot read %s (or over %d bytes)",
                    run->o->targets_path, TARGETS_SOURCE_MAX);
    else if (targets_parse(text, n, run->o->targets_path, &t, &err) != 0) {
        char msg[256];

        err_format(&err, msg, sizeof(msg));
        hub_cmd_say(FORWARD_CMD, "%s", msg);
    } else if (!(o = hub_natpush_targets_json(run->province, run->o->slug,
                                              run->o->dashboard, text, n)) ||
               !(body = json_dumps(o, JSON_COMPACT)))
        hub_cmd_say(FORWARD_CMD, "out of memory");
    targets_free(t);
    json_decref(o);
    free(text);
    return body;
}

/* The province's targets, pushed when the file changed since the last
 * acknowledgement of this process (a restart pushes them once). */
static int forward_targets(forward_run_t *run)
{
    unsigned char digest[HUB_SHA256_LEN];
    char *body;
    sync_reply_t r;
    int out;

    if (!run->o->targets_path)
        return FORWARD_DONE;
    body = forward_targets_body(run);
    if (!body || hub_crypto_hash_sha256(body, strlen(body), digest) != 0) {
        free(body);
        return FORWARD_REFUSED;
    }
    if (run->targets_acked &&
        hub_crypto_equal(digest, run->targets_digest, HUB_SHA256_LEN)) {
        free(body);
        return FORWARD_DONE;
    }
    sync_client_post(run->client, FORWARD_TARGETS_PATH, NULL, run->secret,
                     body, strlen(body), NULL, &r);
    free(body);
    if (r.status == 200 && r.cls == SYNC_ACKED) {
        memcpy(run->targets_digest, digest, HUB_SHA256_LEN);
        run->targets_acked = 1;
        hub_cmd_say(FORWARD_CMD, "targets pushed (%s)", run->o->slug);
        out = FORWARD_DONE;
    } else {
        hub_cmd_say(FORWARD_CMD, "targets refused (HTTP %ld %s): %s",
                    r.status, r.error_code, r.message);
        out = r.cls == SYNC_TRANSIENT ? FORWARD_AGAIN : FORWARD_REFUSED;
    }
    sync_reply_clear(&r);
    return out;
}

/* One month: pushed when its rows changed since the acknowledged ones. */
static int forward_month(forward_run_t *run, const char *month)
{
    forward_rows_t fr[HUB_NATIONAL_KINDS];
    hub_national_push_t p;
    unsigned char digest[HUB_SHA256_LEN], held_digest[HUB_SHA256_LEN];
    int64_t seq = 0;
    int acked = 0, rc, k, out = FORWARD_AGAIN;
    char *body;

    memset(fr, 0, sizeof(fr));
    memset(&p, 0, sizeof(p));
    fr[HUB_NATIONAL_OFF].officer_key = run->officer_key;
    rc = forward_read_month(run->db, month, fr);
    p.province = run->province;
    snprintf(p.month, sizeof(p.month), "%s", month);
    for (k = 0; k < HUB_NATIONAL_KINDS; k++) {
        p.rows[k] = fr[k].rows;
        p.n[k] = fr[k].n;
    }
    body = rc == HUB_OK ? forward_body(&p, digest) : NULL;
    free(body);
    if (body) {
        hub_db_lock(run->db);
        rc = hub_national_get_forward(run->db, month, &seq, held_digest,
                                      &acked);
        hub_db_unlock(run->db);
    }
    if (!body || rc != HUB_OK)
        hub_cmd_say(FORWARD_CMD, "%s: cannot read its rows", month);
    else if (acked &&
             hub_crypto_equal(digest, held_digest, HUB_SHA256_LEN)) {
        run->unchanged++;
        out = FORWARD_DONE;
    } else if (forward_write(run->db, month, seq + 1, NULL) == HUB_OK) {
        p.seq = seq + 1;
        out = forward_send(run, &p, digest);
    }
    for (k = 0; k < HUB_NATIONAL_KINDS; k++)
        forward_rows_free(&fr[k]);
    return out;
}

static int forward_collect_month(void *ctx, const char *month)
{
    forward_run_t *run = ctx;

    if (run->n_months == FORWARD_MONTHS_MAX ||
        strlen(month) != HUB_NATIONAL_MONTH_LEN)
        return HUB_ERROR;
    memcpy(run->months[run->n_months++], month, HUB_NATIONAL_MONTH_LEN + 1);
    return 0;
}

/* Sleeps s seconds unless a stop signal comes first. */
static void forward_sleep(long s)
{
    struct timespec ts = {1, 0};

    while (s-- > 0 && !forward_stop)
        (void)nanosleep(&ts, NULL);
}

/* One round: every month, each with its retries. FORWARD_DONE when all
 * are acknowledged. */
static int forward_round(forward_run_t *run)
{
    size_t i;
    long wait, tries;
    int rc, out, worst = FORWARD_DONE;

    run->n_months = 0;
    run->pushed = run->unchanged = 0;
    hub_db_lock(run->db);
    rc = hub_national_each_month(run->db, forward_collect_month, run);
    hub_db_unlock(run->db);
    if (rc != HUB_OK) {
        hub_cmd_say(FORWARD_CMD, "cannot list the months: %s",
                    hub_db_last_error(run->db));
        return FORWARD_AGAIN;
    }
    worst = forward_targets(run);
    for (i = 0; i < run->n_months && !forward_stop; i++) {
        wait = FORWARD_BACKOFF_FIRST_S;
        for (tries = 1;; tries++) {
            out = forward_month(run, run->months[i]);
            if (out != FORWARD_AGAIN || tries >= run->o->tries ||
                forward_stop)
                break;
            forward_sleep(wait);
            wait = wait * 2 > run->o->interval_s ? run->o->interval_s
                                                 : wait * 2;
        }
        /* A refused month (a unit the national tree lacks) leaves the
         * others to go. */
        if (out > worst)
            worst = out;
    }
    hub_cmd_say(FORWARD_CMD, "%zu months: %d pushed, %d unchanged%s",
                run->n_months, run->pushed, run->unchanged,
                worst == FORWARD_DONE ? "" : ", some not acknowledged");
    return worst;
}

static int forward_open_client(forward_run_t *run)
{
    sync_client_opts_t co;
    char err[SYNC_MESSAGE_MAX];

    memset(&co, 0, sizeof(co));
    co.hub_url = run->o->to;
    co.ca_file = run->o->ca_file;
    co.pin = run->o->pin;
    co.user_agent = "sipas-hub-forward";
    if (sync_client_open(&run->client, &co, err, sizeof(err)) != 0) {
        hub_cmd_say(FORWARD_CMD, "%s", err);
        return -1;
    }
    return 0;
}

int hub_cmd_forward_main(int argc, char **argv)
{
    static char months[FORWARD_MONTHS_MAX][HUB_NATIONAL_MONTH_LEN + 1];
    forward_opts_t o;
    forward_run_t run;
    int rc, out = FORWARD_AGAIN;

    rc = forward_parse(argc, argv, &o);
    if (rc != 0)
        return rc > 0 ? HUB_EXIT_OK : HUB_EXIT_USAGE;
    memset(&run, 0, sizeof(run));
    run.o = &o;
    run.months = months;
    if (forward_read_credential(o.cred_path, run.province, run.secret) != 0)
        return HUB_EXIT_USAGE;
    if (!o.key_path) {
        static char key_path[FORWARD_PATH_MAX];

        if (snprintf(key_path, sizeof(key_path), "%s%s", o.cred_path,
                     FORWARD_OFFICER_KEY_SUFFIX) >= (int)sizeof(key_path)) {
            hub_cmd_say(FORWARD_CMD, "the credential's path is too long");
            return HUB_EXIT_USAGE;
        }
        o.key_path = key_path;
    }
    if (forward_load_officer_key(o.key_path, run.officer_key) != 0)
        return HUB_EXIT_USAGE;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        hub_cmd_say(FORWARD_CMD, "cannot start libcurl");
        return HUB_EXIT_FAIL;
    }
    if (forward_open_client(&run) != 0) {
        curl_global_cleanup();
        return HUB_EXIT_USAGE;
    }
    if (hub_cmd_open_db(FORWARD_CMD, o.db, 0, &run.db) != HUB_EXIT_OK) {
        sync_client_close(run.client);
        curl_global_cleanup();
        return HUB_EXIT_FAIL;
    }
    if (signal(SIGINT, forward_on_signal) == SIG_ERR ||
        signal(SIGTERM, forward_on_signal) == SIG_ERR ||
        signal(SIGPIPE, SIG_IGN) == SIG_ERR)
        hub_cmd_say(FORWARD_CMD, "cannot catch signals; stop with SIGKILL");
    /* Running on, a refusal is tried again each round: whoever reads the
     * log fixes its cause (the national tree, the credential) without a
     * restart. */
    while (!forward_stop) {
        out = forward_round(&run);
        if (o.once)
            break;
        forward_sleep(o.interval_s);
    }
    hub_db_close(run.db);
    sync_client_close(run.client);
    curl_global_cleanup();
    explicit_bzero(run.secret, sizeof(run.secret));
    explicit_bzero(run.officer_key, sizeof(run.officer_key));
    return out == FORWARD_DONE || !o.once ? HUB_EXIT_OK : HUB_EXIT_FAIL;
}
