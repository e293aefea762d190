/*
 * sipas-hub serve: the HTTP API over the hub database until SIGTERM.
 */
#include "hub/cmd/cmd.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <semaphore.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "hub/api/api.h"
#include "hub/api/api_stats.h"
#include "hub/base/log.h"
#include "hub/base/marker.h"
#include "hub/domain/checker.h"
#include "hub/domain/partmaint.h"
#include "hub/store/partitions.h"
#include "hub/store/sqlx.h"
#include "hub/http/http.h"

#define SERVE_CMD "serve"
#define SERVE_PEM_MAX (1024 * 1024)
#define SERVE_MAX_CONN_DEFAULT 256
/* An office behind one NAT address (a few kiosks, an analyst's browser)
 * needs far fewer; an attacker needs 16 addresses to fill the table. */
#define SERVE_PER_IP_DEFAULT 16
#define SERVE_TIMEOUT_DEFAULT 30
/* A kiosk's request head is a few hundred bytes: 10 s covers a bad
 * mobile link. 120 s brings the largest upload (1 MiB) through at
 * 9 KiB/s; a day's upload is a few KiB. 256 B/s is far below any link a
 * kiosk can sync over, and far above a byte every few seconds. */
#define SERVE_HEADER_TIMEOUT_DEFAULT 10
#define SERVE_REQUEST_TIMEOUT_DEFAULT 120
#define SERVE_MIN_RATE_DEFAULT 256
#define SERVE_RATE_KEYS_MAX 200000 /* far above any province's kiosks */
#define SERVE_ENROLL_KEYS_MAX 10000
/* Failed enrollment attempts on one code the hub issued (a used or
 * expired code, a takeover refused), and on all the codes of one unit,
 * in an hour. An honest technician fails a few times at most; beyond
 * these someone is probing which kiosks exist or trying a code that
 * leaked, and the code (or the unit's codes) answer 429 for the rest of
 * the hour. */
#define SERVE_CODE_FAILS 10
#define SERVE_UNIT_FAILS 60
#define SERVE_FAIL_WINDOW_MS (60 * 60 * 1000)
#define SERVE_FAIL_KEYS_MAX 10000
/* Audit rows for refusals nobody authenticated, a minute per address: a
 * flood is logged on stderr beyond it rather than filling the disk. */
#define SERVE_AUDIT_REFUSALS 120
/* Per-kiosk quotas (docs/HUB.md "Quotas" argues the figures): an honest
 * busy counter sends at most ~60 MiB an hour and adds at most ~11,400
 * rows a day, ~700,000 when it uploads 60 days of backlog at once. */
#define SERVE_QUOTA_UPLOAD_MB_DEFAULT 256
#define SERVE_QUOTA_ROWS_DAY_DEFAULT 1000000
#define SERVE_QUOTA_ROWS_TOTAL_DEFAULT 20000000
#define SERVE_QUOTA_KEYS_MAX SERVE_RATE_KEYS_MAX
/* While a check holds its snapshot the WAL cannot start over: at the
 * uploads of 2,000 kiosks a 50 s check adds tens of MiB, so 512 MiB is
 * reached only by a writer far busier than a province, or a check far
 * slower than a disk's. */
#define SERVE_INTEGRITY_WAL_MB_DEFAULT 512

typedef struct serve_opts {
    const char *db, *listen, *cert_file, *key_file, *targets, *province;
    const char *read_db; /* NULL: statistics read db */
    hub_peer_list_t trusted;
    long max_conn, per_ip, timeout_s, max_db_kb, rate;
    long header_timeout_s, request_timeout_s, min_rate;
    long min_free_mb; /* -1: the default of base/disk.h */
    long quota_upload_mb, quota_rows_day, quota_rows_total;
    long min_group_floor;
    long integrity_every_h; /* 0: no scheduled integrity check */
    long integrity_wal_mb;  /* how far a check may let the WAL grow */
    int quiet;
} serve_opts_t;

static void serve_print_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sipas-hub serve --db PATH --listen HOST:PORT"
            " [--tls-cert FILE --tls-key FILE]\n"
            "                       [--max-connections N] [--max-per-ip N]"
            " [--timeout-s N]\n"
            "                       [--header-timeout-s N]"
            " [--request-timeout-s N] [--min-rate N]\n"
            "                       [--max-db-kb N] [--min-free-mb N]"
            " [--rate-limit N]\n"
            "                       [--quota-upload-mb N]"
            " [--quota-rows-day N]\n"
            "                       [--quota-rows-total N] [--quiet]\n"
            "                       [--targets FILE] [--province SLUG]\n"
            "                       [--trusted-proxy ADDR[/BITS][,...]]\n"
            "                       [--min-group-floor N]"
            " [--integrity-every HOURS]\n"
            "                       [--integrity-wal-mb N] [--read-db URI]\n"
            "\n"
            "Serves the kiosk and analyst API (docs/SYNC_PROTOCOL.md,"
            " docs/HUB.md) until\nSIGTERM or SIGINT, then finishes the"
            " requests in progress and closes the\ndatabase. Prints"
            " \"listening on URL\" on stderr once ready.\n"
            "\n"
            "  -d, --db PATH            the hub database: an SQLite file"
            " (created when\n"
            "                           missing), or postgresql://... (the"
            " schema and the\n"
            "                           month partitions made at start and"
            " daily)\n"
            "  -l, --listen HOST:PORT   address to listen on, e.g."
            " 127.0.0.1:8080,\n"
            "                           0.0.0.0:8443 or [::1]:8080; port 0"
            " picks a free one\n"
            "      --tls-cert FILE      serve HTTPS with this PEM"
            " certificate (chain)\n"
            "      --tls-key FILE       ... and this PEM private key\n"
            "      --max-connections N  connections at once (default %d)\n"
            "      --max-per-ip N       connections at once from one address"
            " (default %d;\n"
            "                           at most 7/8 of --max-connections)\n"
            "      --timeout-s N        close connections idle this long"
            " (default %d)\n"
            "      --header-timeout-s N a request's headers must arrive"
            " within N s of its\n"
            "                           connection or of the previous reply"
            " (default %d)\n"
            "      --request-timeout-s N  ... and its body within N s of the"
            " same moment\n"
            "                           (default %d); a reply must be taken"
            " within N s too\n"
            "      --min-rate N         a body must average N bytes/s once"
            " it has taken\n"
            "                           --header-timeout-s (default %d;"
            " 0 = no minimum)\n"
            "      --max-db-kb N        cap the database file at N KiB;"
            " writes beyond it\n"
            "                           answer 503 storage-full (default:"
            " no cap)\n"
            "      --min-free-mb N      answer 503 storage-full while the"
            " disk holding the\n"
            "                           database has less than N MiB free"
            " (default: 5%%\n"
            "                           of the disk, at most 512 MiB;"
            " 0 = no reserve)\n"
            "      --quota-upload-mb N  MiB of uploads a kiosk may send an"
            " hour (default\n"
            "                           %d; 0 = no quota)\n"
            "      --quota-rows-day N   rows a kiosk may add to the"
            " database a day (UTC+7)\n"
            "                           (default %d; 0 = no quota)\n"
            "      --quota-rows-total N rows the hub keeps for one kiosk"
            " (default %d;\n"
            "                           0 = no quota); over a quota an"
            " upload answers\n"
            "                           429 quota-exceeded\n"
            "      --rate-limit N       requests a minute per kiosk, and"
            " enrollments a\n"
            "                           minute per address (default %d;"
            " 0 = no limit)\n"
            "  -q, --quiet              no line per request (errors are"
            " still logged)\n"
            "      --targets FILE       the targets statistics are held"
            " against (default:\n"
            "                           assets/targets/default.json as"
            " shipped)\n"
            "      --province SLUG      whose targets apply, e.g."
            " hau-giang (default *)\n"
            "      --min-group-floor N  officer figures under N responses"
            " stay hidden, and\n"
            "                           no grouping reveals them; a"
            " request may raise\n"
            "                           min_group, only an audit token"
            " lower it (1 to\n"
            "                           %d, default %d)\n"
            "      --trusted-proxy LIST proxies (addresses or networks,"
            " comma-separated)\n"
            "                           whose X-Forwarded-For or X-Real-IP"
            " names the client;\n"
            "                           from any other peer those headers"
            " are ignored\n"
            "      --integrity-every HOURS  check the database (PRAGMA"
            " quick_check) in the\n"
            "                           background this long after the"
            " last completed check\n"
            "                           (default %d; 0 = never on a"
            " schedule); after an\n"
            "                           unclean shutdown it is checked at"
            " start whatever\n"
            "                           this says. Serving never waits for"
            " a check: the\n"
            "                           result is in /healthz and the"
            " audit trail\n"
            "      --integrity-wal-mb N a check gives up (interrupted) once"
            " the WAL has grown\n"
            "                           N MiB while it held it"
            " (default %d)\n"
            "      --read-db URI        statistics read from this"
            " PostgreSQL database, a\n"
            "                           streaming replica of --db (its"
            " schema checked,\n"
            "                           never written); tokens are still"
            " checked on --db\n"
            "  -h, --help               this text\n"
            "\n"
            "Without --tls-cert the API is plain HTTP: listen on a loopback"
            " address behind\na TLS proxy then (see docs/HUB.md).\n"
            "\n"
            "Exit status: 0 stopped cleanly; 1 cannot open the database,"
            " listen, or read\nthe certificate or the targets; 2 usage"
            " error.\n",
            SERVE_MAX_CONN_DEFAULT, SERVE_PER_IP_DEFAULT,
            SERVE_TIMEOUT_DEFAULT, SERVE_HEADER_TIMEOUT_DEFAULT,
            SERVE_REQUEST_TIMEOUT_DEFAULT, SERVE_MIN_RATE_DEFAULT,
            SERVE_QUOTA_UPLOAD_MB_DEFAULT,
            SERVE_QUOTA_ROWS_DAY_DEFAULT, SERVE_QUOTA_ROWS_TOTAL_DEFAULT,
            HUB_API_RATE_DEFAULT, HUB_STATS_MIN_GROUP_MAX,
            HUB_STATS_MIN_GROUP_DEFAULT, HUB_CHECKER_EVERY_HOURS_DEFAULT,
            SERVE_INTEGRITY_WAL_MB_DEFAULT);
}

enum {
    SERVE_OPT_CERT = 256,
    SERVE_OPT_KEY,
    SERVE_OPT_MAX_CONN,
    SERVE_OPT_PER_IP,
    SERVE_OPT_TIMEOUT,
    SERVE_OPT_HEADER_TIMEOUT,
    SERVE_OPT_REQUEST_TIMEOUT,
    SERVE_OPT_MIN_RATE,
    SERVE_OPT_MAX_DB,
    SERVE_OPT_RATE,
    SERVE_OPT_TARGETS,
    SERVE_OPT_PROVINCE,
    SERVE_OPT_MIN_FREE,
    SERVE_OPT_QUOTA_UPLOAD,
    SERVE_OPT_QUOTA_DAY,
    SERVE_OPT_QUOTA_TOTAL,
    SERVE_OPT_TRUSTED,
    SERVE_OPT_MIN_GROUP_FLOOR,
    SERVE_OPT_INTEGRITY_EVERY,
    SERVE_OPT_INTEGRITY_WAL,
    SERVE_OPT_READ_DB
};

static int serve_set_number(int c, const char *arg, serve_opts_t *o)
{
    switch (c) {
    case SERVE_OPT_MAX_CONN:
        return hub_cmd_parse_long(SERVE_CMD, "--max-connections", arg, 1,
                                  10000, &o->max_conn);
    case SERVE_OPT_PER_IP:
        return hub_cmd_parse_long(SERVE_CMD, "--max-per-ip", arg, 1, 10000,
                                  &o->per_ip);
    case SERVE_OPT_TIMEOUT:
        return hub_cmd_parse_long(SERVE_CMD, "--timeout-s", arg, 1, 3600,
                                  &o->timeout_s);
    case SERVE_OPT_HEADER_TIMEOUT:
        return hub_cmd_parse_long(SERVE_CMD, "--header-timeout-s", arg, 1,
                                  3600, &o->header_timeout_s);
    case SERVE_OPT_REQUEST_TIMEOUT:
        return hub_cmd_parse_long(SERVE_CMD, "--request-timeout-s", arg, 1,
                                  3600, &o->request_timeout_s);
    case SERVE_OPT_MIN_RATE:
        return hub_cmd_parse_long(SERVE_CMD, "--min-rate", arg, 0,
                                  1024L * 1024, &o->min_rate);
    case SERVE_OPT_MAX_DB:
        return hub_cmd_parse_long(SERVE_CMD, "--max-db-kb", arg, 1,
                                  1024L * 1024 * 1024, &o->max_db_kb);
    case SERVE_OPT_MIN_FREE:
        return hub_cmd_parse_long(SERVE_CMD, "--min-free-mb", arg, 0,
                                  1024L * 1024 * 1024, &o->min_free_mb);
    case SERVE_OPT_QUOTA_UPLOAD:
        return hub_cmd_parse_long(SERVE_CMD, "--quota-upload-mb", arg, 0,
                                  HUB_QUOTA_BYTES_MAX >> 20,
                                  &o->quota_upload_mb);
    case SERVE_OPT_QUOTA_DAY:
        return hub_cmd_parse_long(SERVE_CMD, "--quota-rows-day", arg, 0,
                                  HUB_QUOTA_ROWS_MAX, &o->quota_rows_day);
    case SERVE_OPT_QUOTA_TOTAL:
        return hub_cmd_parse_long(SERVE_CMD, "--quota-rows-total", arg, 0,
                                  HUB_QUOTA_ROWS_MAX, &o->quota_rows_total);
    case SERVE_OPT_MIN_GROUP_FLOOR:
        return hub_cmd_parse_long(SERVE_CMD, "--min-group-floor", arg, 1,
                                  HUB_STATS_MIN_GROUP_MAX,
                                  &o->min_group_floor);
    case SERVE_OPT_INTEGRITY_EVERY:
        return hub_cmd_parse_long(SERVE_CMD, "--integrity-every", arg, 0,
                                  HUB_CHECKER_EVERY_HOURS_MAX,
                                  &o->integrity_every_h);
    case SERVE_OPT_INTEGRITY_WAL:
        return hub_cmd_parse_long(SERVE_CMD, "--integrity-wal-mb", arg, 1,
                                  1024L * 1024, &o->integrity_wal_mb);
    default:
        return hub_cmd_parse_long(SERVE_CMD, "--rate-limit", arg, 0, 100000,
                                  &o->rate);
    }
}

static int serve_check_opts(const serve_opts_t *o)
{
    if (!o->db || !o->listen) {
        hub_cmd_say(SERVE_CMD, "--db PATH and --listen HOST:PORT are"
                               " required");
        return -1;
    }
    if (!o->cert_file != !o->key_file) {
        hub_cmd_say(SERVE_CMD, "--tls-cert and --tls-key go together");
        return -1;
    }
    if (o->request_timeout_s < o->header_timeout_s) {
        hub_cmd_say(SERVE_CMD, "--request-timeout-s covers the headers too:"
                               " it cannot be below --header-timeout-s");
        return -1;
    }
    if (o->read_db && (sqlx_target_dialect(o->db) != SQLX_DIALECT_POSTGRES ||
                       sqlx_target_dialect(o->read_db) !=
                           SQLX_DIALECT_POSTGRES)) {
        hub_cmd_say(SERVE_CMD, "--read-db is a PostgreSQL replica of a"
                               " PostgreSQL --db");
        return -1;
    }
    if (o->province && !hub_api_stats_is_province(o->province)) {
        hub_cmd_say(SERVE_CMD, "--province is * or a slug such as"
                               " hau-giang");
        return -1;
    }
    return 0;
}

/* 0 to go on, 1 when help was printed, -1 on a usage error. */
static int serve_parse(int argc, char **argv, serve_opts_t *o)
{
    static const struct option longs[] = {
        {"db", required_argument, NULL, 'd'},
        {"listen", required_argument, NULL, 'l'},
        {"tls-cert", required_argument, NULL, SERVE_OPT_CERT},
        {"tls-key", required_argument, NULL, SERVE_OPT_KEY},
        {"max-connections", required_argument, NULL, SERVE_OPT_MAX_CONN},
        {"max-per-ip", required_argument, NULL, SERVE_OPT_PER_IP},
        {"timeout-s", required_argument, NULL, SERVE_OPT_TIMEOUT},
        {"header-timeout-s", required_argument, NULL,
         SERVE_OPT_HEADER_TIMEOUT},
        {"request-timeout-s", required_argument, NULL,
         SERVE_OPT_REQUEST_TIMEOUT},
        {"min-rate", required_argument, NULL, SERVE_OPT_MIN_RATE},
        {"max-db-kb", required_argument, NULL, SERVE_OPT_MAX_DB},
        {"rate-limit", required_argument, NULL, SERVE_OPT_RATE},
        {"min-free-mb", required_argument, NULL, SERVE_OPT_MIN_FREE},
        {"quota-upload-mb", required_argument, NULL, SERVE_OPT_QUOTA_UPLOAD},
        {"quota-rows-day", required_argument, NULL, SERVE_OPT_QUOTA_DAY},
        {"quota-rows-total", required_argument, NULL, SERVE_OPT_QUOTA_TOTAL},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"targets", required_argument, NULL, SERVE_OPT_TARGETS},
        {"province", required_argument, NULL, SERVE_OPT_PROVINCE},
        {"trusted-proxy", required_argument, NULL, SERVE_OPT_TRUSTED},
        {"min-group-floor", required_argument, NULL,
         SERVE_OPT_MIN_GROUP_FLOOR},
        {"integrity-every", required_argument, NULL,
         SERVE_OPT_INTEGRITY_EVERY},
        {"integrity-wal-mb", required_argument, NULL,
         SERVE_OPT_INTEGRITY_WAL},
        {"read-db", required_argument, NULL, SERVE_OPT_READ_DB},
        {NULL, 0, NULL, 0},
    };
    char err[128];
    int c;

    memset(o, 0, sizeof(*o));
    o->max_conn = SERVE_MAX_CONN_DEFAULT;
    o->per_ip = SERVE_PER_IP_DEFAULT;
    o->timeout_s = SERVE_TIMEOUT_DEFAULT;
    o->header_timeout_s = SERVE_HEADER_TIMEOUT_DEFAULT;
    o->request_timeout_s = SERVE_REQUEST_TIMEOUT_DEFAULT;
    o->min_rate = SERVE_MIN_RATE_DEFAULT;
    o->rate = HUB_API_RATE_DEFAULT;
    o->min_free_mb = -1;
    o->quota_upload_mb = SERVE_QUOTA_UPLOAD_MB_DEFAULT;
    o->quota_rows_day = SERVE_QUOTA_ROWS_DAY_DEFAULT;
    o->quota_rows_total = SERVE_QUOTA_ROWS_TOTAL_DEFAULT;
    o->min_group_floor = HUB_STATS_MIN_GROUP_DEFAULT;
    o->integrity_every_h = HUB_CHECKER_EVERY_HOURS_DEFAULT;
    o->integrity_wal_mb = SERVE_INTEGRITY_WAL_MB_DEFAULT;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":d:l:qh", longs, NULL)) != -1) {
        switch (c) {
        case 'd':
            o->db = optarg;
            break;
        case 'l':
            o->listen = optarg;
            break;
        case SERVE_OPT_CERT:
            o->cert_file = optarg;
            break;
        case SERVE_OPT_KEY:
            o->key_file = optarg;
            break;
        case SERVE_OPT_TARGETS:
            o->targets = optarg;
            break;
        case SERVE_OPT_PROVINCE:
            o->province = optarg;
            break;
        case SERVE_OPT_READ_DB:
            o->read_db = optarg;
            break;
        case SERVE_OPT_TRUSTED:
            if (hub_peer_parse_list(optarg, &o->trusted, err,
                                    sizeof(err)) != 0) {
                hub_cmd_say(SERVE_CMD, "--trusted-proxy: %s", err);
                return -1;
            }
            break;
        case SERVE_OPT_MAX_CONN:
        case SERVE_OPT_PER_IP:
        case SERVE_OPT_TIMEOUT:
        case SERVE_OPT_HEADER_TIMEOUT:
        case SERVE_OPT_REQUEST_TIMEOUT:
        case SERVE_OPT_MIN_RATE:
        case SERVE_OPT_MAX_DB:
        case SERVE_OPT_MIN_FREE:
        case SERVE_OPT_QUOTA_UPLOAD:
        case SERVE_OPT_QUOTA_DAY:
        case SERVE_OPT_QUOTA_TOTAL:
        case SERVE_OPT_MIN_GROUP_FLOOR:
        case SERVE_OPT_INTEGRITY_EVERY:
        case SERVE_OPT_INTEGRITY_WAL:
        case SERVE_OPT_RATE:
            if (serve_set_number(c, optarg, o) != 0)
                return -1;
            break;
        case 'q':
            o->quiet = 1;
            break;
        case 'h':
            serve_print_help(stdout);
            return 1;
        default:
            hub_cmd_report_bad_option(SERVE_CMD, c, argv[optind - 1]);
            return -1;
        }
    }
    if (optind < argc) {
        hub_cmd_say(SERVE_CMD, "unexpected argument \"%s\"", argv[optind]);
        return -1;
    }
    return serve_check_opts(o);
}

/* A whole PEM file as text (at most 1 MiB); NULL with a message. */
static char *serve_read_pem(const char *path)
{
    FILE *fp = fopen(path, "rb");
    char *buf;
    size_t n;
    int bad;

    if (!fp) {
        hub_cmd_say(SERVE_CMD, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    buf = malloc(SERVE_PEM_MAX + 1);
    n = buf ? fread(buf, 1, SERVE_PEM_MAX + 1, fp) : 0;
    bad = !buf || ferror(fp) || n > SERVE_PEM_MAX || n == 0;
    if (fclose(fp) != 0)
        bad = 1;
    if (bad) {
        hub_cmd_say(SERVE_CMD, "cannot read %s (empty, unreadable or over"
                               " 1 MiB)", path);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

/* Blocks the stop signals in every thread (request threads inherit the
 * mask), so only sigwait() in the main thread ever sees them. */
static int serve_block_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    /* libmicrohttpd sends with MSG_NOSIGNAL; this covers the rest. */
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
        return -1;
    return pthread_sigmask(SIG_BLOCK, set, NULL) == 0 ? 0 : -1;
}

static int serve_wait_for_stop(const sigset_t *set)
{
    int sig = 0;

    while (sigwait(set, &sig) != 0)
        ;
    return sig;
}

static int serve_run(const serve_opts_t *o, hub_ctx_t *ctx, const char *cert,
                     const char *key)
{
    hub_http_options_t hopt;
    char url[HUB_HTTP_URL_MAX], err[512];
    hub_http_t *http;
    sigset_t set;
    int sig;

    if (serve_block_signals(&set) != 0) {
        hub_cmd_say(SERVE_CMD, "cannot set up signal handling");
        return HUB_EXIT_FAIL;
    }
    memset(&hopt, 0, sizeof(hopt));
    hopt.listen = o->listen;
    hopt.cert_pem = cert;
    hopt.key_pem = key;
    hopt.max_connections = (unsigned int)o->max_conn;
    hopt.max_per_ip = (unsigned int)o->per_ip;
    hopt.timeout_s = (unsigned int)o->timeout_s;
    hopt.trusted = &o->trusted;
    hopt.header_timeout_s = (unsigned int)o->header_timeout_s;
    hopt.request_timeout_s = (unsigned int)o->request_timeout_s;
    hopt.min_rate = (unsigned int)o->min_rate;
    if (hub_http_start(ctx, &hopt, &http, url, sizeof(url), err,
                       sizeof(err)) != 0) {
        hub_cmd_say(SERVE_CMD, "%s", err);
        return HUB_EXIT_FAIL;
    }
    /* The one line scripts and tests wait for. */
    fprintf(stderr, "listening on %s\n", url);
    sig = serve_wait_for_stop(&set);
    hub_log_say("%s: stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
    hub_http_stop(http);
    /* After the requests: a check cut short is recorded through the
     * database, which stays open until the checker has ended. */
    hub_checker_stop(ctx->checker);
    ctx->checker = NULL;
    return HUB_EXIT_OK;
}

/* The marker of a server at work (base/marker.h), then the checker: at
 * once when the marker was left by a server that did not stop cleanly. */
static int serve_start_checker(const serve_opts_t *o, hub_ctx_t *ctx,
                               int *marked)
{
    hub_checker_options_t co;
    char err[512];
    int unclean = 0;

    memset(&co, 0, sizeof(co));
    co.every_ms = (int64_t)o->integrity_every_h * 3600 * 1000;
    /* PostgreSQL recovers from its own WAL after a crash and checks its
     * pages itself: no marker file, and a check that only asks it. */
    if (hub_db_is_server(ctx->db)) {
        co.server_checked = 1;
        ctx->checker = hub_checker_start(ctx->db, &co);
        if (!ctx->checker) {
            hub_cmd_say(SERVE_CMD, "cannot start the integrity check's"
                                   " thread");
            return -1;
        }
        return 0;
    }
    if (hub_marker_create(o->db, &unclean, err, sizeof(err)) != 0) {
        hub_cmd_say(SERVE_CMD, "%s", err);
        return -1;
    }
    *marked = 1;
    if (unclean)
        hub_log_say("the previous server did not stop cleanly: checking"
                    " the database in the background");
    co.db_path = o->db;
    co.after_unclean = unclean;
    co.wal_growth_max = (int64_t)o->integrity_wal_mb << 20;
    ctx->checker = hub_checker_start(ctx->db, &co);
    if (!ctx->checker) {
        hub_cmd_say(SERVE_CMD, "cannot start the integrity check's thread");
        return -1;
    }
    return 0;
}

/* On PostgreSQL, the months' partitions made before the first request
 * and each day after (domain/partmaint.h); nothing on SQLite. */
static int serve_start_partitions(hub_ctx_t *ctx, hub_partmaint_t **out)
{
    char err[512];

    *out = NULL;
    if (!hub_db_is_server(ctx->db))
        return 0;
    *out = hub_partmaint_start(ctx->db, HUB_PARTITIONS_AHEAD, NULL, err,
                               sizeof(err));
    if (*out)
        return 0;
    hub_cmd_say(SERVE_CMD, "cannot make the month partitions: %s", err);
    return -1;
}

/* The database is closed (also when the server could not listen): only
 * now is the stop clean. 0, or -1 with a message. */
static int serve_remove_marker(const serve_opts_t *o)
{
    char err[512];

    if (hub_marker_remove(o->db, err, sizeof(err)) == 0)
        return 0;
    hub_cmd_say(SERVE_CMD, "%s", err);
    return -1;
}

static int serve_with_db(const serve_opts_t *o, const char *cert,
                         const char *key)
{
    /* No quick_check at open: it reads the whole file (tens of seconds
     * for a province's year) before the first request; the checker does
     * it in the background instead. */
    hub_db_options_t dopt = {1, 0, o->max_db_kb};
    hub_quota_limits_t ql = {(int64_t)o->quota_upload_mb << 20,
                             o->quota_rows_day, o->quota_rows_total};
    hub_partmaint_t *parts = NULL;
    sem_t slots;
    hub_ctx_t ctx;
    int rc, ex, marked = 0;

    memset(&ctx, 0, sizeof(ctx));
    if (sem_init(&slots, 0, HUB_API_PARSE_SLOTS) != 0) {
        hub_cmd_say(SERVE_CMD, "cannot create a semaphore: %s",
                    strerror(errno));
        return HUB_EXIT_FAIL;
    }
    ctx.parse_slots = &slots;
    rc = hub_db_open(o->db, &dopt, &ctx.db);
    if (rc != HUB_OK) {
        hub_cmd_say(SERVE_CMD, "cannot open %s: %s", o->db,
                    hub_db_open_error());
        (void)sem_destroy(&slots); /* nobody waits on it */
        return HUB_EXIT_FAIL;
    }
    hub_db_set_reserve(ctx.db, o->min_free_mb < 0 ? -1
                                                  : o->min_free_mb * 1024);
    if (o->read_db && hub_db_open_read(o->read_db, &ctx.read_db) != HUB_OK) {
        /* The URI may hold a password: not in the message. */
        hub_cmd_say(SERVE_CMD, "cannot open --read-db: %s",
                    hub_db_open_error());
        hub_db_close(ctx.db);
        (void)sem_destroy(&slots);
        return HUB_EXIT_FAIL;
    }
    ctx.kiosk_limit = hub_ratelimit_new((int)o->rate, HUB_API_RATE_WINDOW_MS,
                                        SERVE_RATE_KEYS_MAX);
    ctx.enroll_limit = hub_ratelimit_new(
        (int)o->rate, HUB_API_RATE_WINDOW_MS, SERVE_ENROLL_KEYS_MAX);
    ctx.code_limit = hub_ratelimit_new(SERVE_CODE_FAILS, SERVE_FAIL_WINDOW_MS,
                                       SERVE_FAIL_KEYS_MAX);
    ctx.unit_limit = hub_ratelimit_new(SERVE_UNIT_FAILS, SERVE_FAIL_WINDOW_MS,
                                       SERVE_FAIL_KEYS_MAX);
    ctx.audit_limit = hub_ratelimit_new(
        SERVE_AUDIT_REFUSALS, HUB_API_RATE_WINDOW_MS, SERVE_ENROLL_KEYS_MAX);
    ctx.quota = hub_quota_new(&ql, SERVE_QUOTA_KEYS_MAX);
    if (!ctx.kiosk_limit || !ctx.enroll_limit || !ctx.quota ||
        !ctx.code_limit || !ctx.unit_limit || !ctx.audit_limit) {
        hub_cmd_say(SERVE_CMD, "out of memory");
        ex = HUB_EXIT_FAIL;
    } else if (serve_start_checker(o, &ctx, &marked) != 0 ||
               serve_start_partitions(&ctx, &parts) != 0) {
        ex = HUB_EXIT_FAIL;
    } else {
        ex = serve_run(o, &ctx, cert, key);
    }
    hub_partmaint_stop(parts);
    hub_checker_stop(ctx.checker); /* when serve_run() did not */
    hub_ratelimit_free(ctx.kiosk_limit);
    hub_ratelimit_free(ctx.enroll_limit);
    hub_ratelimit_free(ctx.code_limit);
    hub_ratelimit_free(ctx.unit_limit);
    hub_ratelimit_free(ctx.audit_limit);
    hub_quota_free(ctx.quota);
    hub_db_close(ctx.read_db);
    hub_db_close(ctx.db);
    (void)sem_destroy(&slots); /* every request thread has ended */
    if (ex == HUB_EXIT_OK)
        hub_log_say("database closed");
    if (marked && serve_remove_marker(o) != 0)
        ex = HUB_EXIT_FAIL;
    return ex;
}

int hub_cmd_serve_main(int argc, char **argv)
{
    char *cert = NULL, *key = NULL, msg[512];
    targets_t *targets = NULL;
    serve_opts_t o;
    int rc, ex;

    rc = serve_parse(argc, argv, &o);
    if (rc != 0)
        return rc > 0 ? HUB_EXIT_OK : HUB_EXIT_USAGE;
    if (hub_api_stats_open_targets(o.targets, &targets, msg,
                                   sizeof(msg)) != 0) {
        hub_cmd_say(SERVE_CMD, "%s", msg);
        return HUB_EXIT_FAIL;
    }
    if (msg[0])
        hub_cmd_say(SERVE_CMD, "%s", msg);
    hub_api_stats_configure(targets, o.province);
    hub_api_stats_set_floor((int)o.min_group_floor);
    if (o.cert_file) {
        cert = serve_read_pem(o.cert_file);
        key = cert ? serve_read_pem(o.key_file) : NULL;
        if (!cert || !key) {
            free(cert);
            free(key);
            targets_free(targets);
            return HUB_EXIT_FAIL;
        }
    }
    hub_log_set_quiet(o.quiet);
    /* jansson seeds its hash function on first use; doing it here, before
     * any thread exists, keeps that first use free of races. */
    json_object_seed(0);
    ex = serve_with_db(&o, cert, key);
    if (key)
        explicit_bzero(key, strlen(key));
    free(cert);
    free(key);
    hub_api_stats_configure(NULL, NULL);
    targets_free(targets);
    return ex;
}
