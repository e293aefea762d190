/*
 * sipas-hub enroll-code: a one-time code that enrolls one kiosk into a unit,
 * or a provisioning file per kiosk for a batch of SD cards.
 */
#include "hub/cmd/cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/provfile.h"
#include "core/vntime.h"
#include "platform/pfile.h"
#include "hub/base/clock.h"
#include "hub/base/valid.h"
#include "hub/store/enroll.h"
#include "hub/store/units.h"

#define CODE_CMD "enroll-code"
#define CODE_TTL_DEFAULT 72
#define CODE_COUNT_MAX 500
#define CODE_URL_MAX 512   /* as the kiosk's provisioning file */
#define CODE_COUNTER_MAX 48
#define CODE_PATH_MAX 1024
#define CODE_FILE_NAME "sipas-provision.json"
/* The hub's CA beside each file, as its "ca" names it. */
#define CODE_CA_NAME "sipas-hub-ca.pem"
#define CODE_FILE_MAX 2048
#define CODE_COUNTER_DEFAULT "Quầy"
#define CODE_FORMAT 1

static void code_print_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sipas-hub enroll-code --unit CODE [--ttl-hours N]"
            " --db PATH\n"
            "       sipas-hub enroll-code --unit CODE --hub-url URL"
            " --out DIR\n"
            "                 [--count N] [--counter NAME] [--ca FILE]"
            " [--ttl-hours N]\n"
            "                 --db PATH\n"
            "\n"
            "Prints a one-time enrollment code (XXXX-XXXX-XXXX) on stdout."
            " A technician\nenters it on a kiosk (sipasctl provision"
            " --code ...); the kiosk is then\nenrolled into the unit and"
            " the code is used up. The hub keeps only the\ncode's SHA-256."
            "\n"
            "\n"
            "With --out, writes instead one provisioning file per kiosk,"
            " DIR/UNIT-NN/" CODE_FILE_NAME "\n(mode 0600), each with its"
            " own code, ready to copy onto an SD card's boot\npartition"
            " (docs/PROVISIONING.md). Either every file and code is made,"
            " or none.\n"
            "With --ca, the CA bundle that signs the hub's certificate is"
            " copied beside\neach file as " CODE_CA_NAME " (mode 0644) and"
            " named in it (\"ca\"): for a hub\nwhose certificate comes from"
            " a private or government CA that kiosks do not\ncarry.\n"
            "\n"
            "  -u, --unit CODE     the unit the kiosk will belong to (must"
            " exist)\n"
            "  -t, --ttl-hours N   hours the code stays valid, 0 to %d"
            " (default %d)\n"
            "  -U, --hub-url URL   the hub address the kiosks will use"
            " (https://...)\n"
            "  -o, --out DIR       where the provisioning files go (created;"
            " must not\n"
            "                      hold files of the same names)\n"
            "  -n, --count N       kiosks, 1 to %d (default 1)\n"
            "  -c, --counter NAME  counter name; with --count above 1, or"
            " without it,\n"
            "                      each kiosk gets NAME (default \"Quầy\")"
            " and its number\n"
            "                      (\"Quầy 1\", \"Quầy 2\", ...)\n"
            "  -a, --ca FILE       the hub's CA bundle (PEM, at most %d KiB),"
            " copied\n"
            "                      beside each file as " CODE_CA_NAME "\n"
            "  -d, --db PATH       the hub database\n"
            "  -h, --help          this text\n"
            "\n"
            "Exit status: 0 printed or written; 1 no such unit, a file"
            " that cannot be\nwritten or database error; 2 usage error.\n",
            HUB_ENROLL_TTL_MAX_HOURS, CODE_TTL_DEFAULT, CODE_COUNT_MAX,
            PROVFILE_CA_SOURCE_MAX / 1024);
}

typedef struct code_opts {
    const char *db, *unit, *hub_url, *out, *counter, *ca;
    long ttl, count;
    char *ca_text;  /* --ca read and checked, NUL-terminated; freed by main */
} code_opts_t;

/* The kiosk refuses anything else; refusing here spares a wasted trip to
 * fifty counters. Plain http is for a hub on the kiosk's own loopback. */
static int code_valid_url(const char *url)
{
    size_t n = strlen(url);
    int https = strncmp(url, "https://", 8) == 0;

    if (n >= CODE_URL_MAX || (!https && strncmp(url, "http://", 7) != 0))
        return 0;
    if (n == (https ? 8u : 7u))
        return 0;
    for (const unsigned char *p = (const unsigned char *)url; *p; p++)
        if (*p <= ' ' || *p == 0x7f || *p == '"' || *p == '\\')
            return 0;
    return 1;
}

static int code_valid_counter(const char *name)
{
    size_t n = strlen(name);

    if (n == 0 || n > CODE_COUNTER_MAX - 5) /* room for " 500" */
        return 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p < ' ' || *p == 0x7f)
            return 0;
    return 1;
}

static int code_parse(int argc, char **argv, code_opts_t *o)
{
    static const struct option longs[] = {
        {"db", required_argument, NULL, 'd'},
        {"unit", required_argument, NULL, 'u'},
        {"ttl-hours", required_argument, NULL, 't'},
        {"hub-url", required_argument, NULL, 'U'},
        {"out", required_argument, NULL, 'o'},
        {"count", required_argument, NULL, 'n'},
        {"counter", required_argument, NULL, 'c'},
        {"ca", required_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    memset(o, 0, sizeof(*o));
    o->ttl = CODE_TTL_DEFAULT;
    o->count = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":d:u:t:U:o:n:c:a:h", longs, NULL)) !=
           -1) {
        switch (c) {
        case 'd':
            o->db = optarg;
            break;
        case 'u':
            o->unit = optarg;
            break;
        case 't':
            if (hub_cmd_parse_long(CODE_CMD, "--ttl-hours", optarg, 0,
                                   HUB_ENROLL_TTL_MAX_HOURS, &o->ttl) != 0)
                return -1;
            break;
        case 'U':
            o->hub_url = optarg;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'n':
            if (hub_cmd_parse_long(CODE_CMD, "--count", optarg, 1,
                                   CODE_COUNT_MAX, &o->count) != 0)
                return -1;
            break;
        case 'c':
            o->counter = optarg;
            break;
        case 'a':
            o->ca = optarg;
            break;
        case 'h':
            code_print_help(stdout);
            return 1;
        default:
            hub_cmd_report_bad_option(CODE_CMD, c, argv[optind - 1]);
            return -1;
        }
    }
    if (optind < argc) {
        hub_cmd_say(CODE_CMD, "unexpected argument \"%s\"", argv[optind]);
        return -1;
    }
    if (!o->db || !o->unit) {
        hub_cmd_say(CODE_CMD, "--unit CODE and --db PATH are required");
        return -1;
    }
    if (!hub_valid_code(o->unit)) {
        hub_cmd_say(CODE_CMD, "--unit \"%s\" is not a unit code", o->unit);
        return -1;
    }
    if (!o->out && (o->hub_url || o->count != 1 || o->counter || o->ca)) {
        hub_cmd_say(CODE_CMD, "--hub-url, --count, --counter and --ca go"
                    " with --out DIR");
        return -1;
    }
    if (o->out && !o->hub_url) {
        hub_cmd_say(CODE_CMD, "--out needs --hub-url URL, the address the"
                    " kiosks will use");
        return -1;
    }
    if (o->hub_url && !code_valid_url(o->hub_url)) {
        hub_cmd_say(CODE_CMD, "--hub-url \"%s\" is not an http(s) address"
                    " (https:// unless the hub is on the kiosk itself)",
                    o->hub_url);
        return -1;
    }
    if (o->counter && !code_valid_counter(o->counter)) {
        hub_cmd_say(CODE_CMD, "--counter must be 1 to %d characters without"
                    " control characters", CODE_COUNTER_MAX - 5);
        return -1;
    }
    if (o->out && strlen(o->out) > CODE_PATH_MAX - 64) {
        hub_cmd_say(CODE_CMD, "--out path too long");
        return -1;
    }
    return 0;
}

/* --ca FILE, checked as the kiosk checks it, into o->ca_text before any
 * code is made: a wrong file found at fifty counters costs fifty trips. */
static int code_read_ca(code_opts_t *o)
{
    char why[256];
    size_t n;

    if (pfile_read_small(o->ca, 0, PROVFILE_CA_SOURCE_MAX, &o->ca_text,
                         &n) != 0) {
        if (errno == EINVAL)
            hub_cmd_say(CODE_CMD, "--ca: %s is not a regular file", o->ca);
        else
            hub_cmd_say(CODE_CMD, "--ca: cannot read %s: %s", o->ca,
                        strerror(errno));
        return -1;
    }
    if (provfile_check_ca_pem(o->ca_text, n, why, sizeof(why)) != 0) {
        hub_cmd_say(CODE_CMD, "--ca: %s %s", o->ca, why);
        free(o->ca_text);
        o->ca_text = NULL;
        return -1;
    }
    return 0;
}

static int code_write(hub_db_t *db, const code_opts_t *o,
                      char code[HUB_CODE_TEXT], int64_t *expires)
{
    char detail[HUB_CMD_DETAIL_MAX];
    char until[VNTIME_ISO_MAX];
    int64_t now = hub_clock_now_ms();
    int rc;

    rc = hub_db_begin_write(db);
    if (rc != HUB_OK)
        return rc;
    rc = hub_enroll_add_code(db, o->unit, (int)o->ttl, now, code, expires);
    hub_cmd_format_time(*expires, until, sizeof(until));
    /* The code itself stays out of the audit trail: it is a secret. */
    snprintf(detail, sizeof(detail), "unit=%s expires=%s", o->unit, until);
    return hub_cmd_audit_write(db, rc, now, "enroll-code.add", detail);
}

/* One kiosk's file: created, never overwritten (a card already written
 * from an earlier batch must not silently get a different code), 0600
 * because it carries a secret. 0, or -1 with errno. */
static int code_write_file(const char *dir, const char *text)
{
    char path[CODE_PATH_MAX], buf[CODE_FILE_MAX];
    int len = snprintf(buf, sizeof(buf), "%s\n", text);
    ssize_t w;
    int fd, ok;

    if (len < 0 || (size_t)len >= sizeof(buf)) {
        errno = EOVERFLOW;
        return -1;
    }

    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return -1;
    snprintf(path, sizeof(path), "%s/" CODE_FILE_NAME, dir);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    w = write(fd, buf, (size_t)len);
    ok = w == (ssize_t)len && fsync(fd) == 0;
    explicit_bzero(buf, sizeof(buf));
    if (close(fd) != 0 || !ok) {
        int e = errno ? errno : EIO;
        unlink(path);
        errno = e;
        return -1;
    }
    return 0;
}

/* The hub's CA beside a kiosk's file: public, so 0644; written under a
 * temporary name and renamed, replacing one an earlier batch left (the
 * same hub's CA). 0, or -1 with errno. */
static int code_write_ca(const char *dir, const char *ca)
{
    char path[CODE_PATH_MAX], tmp[CODE_PATH_MAX + 8];
    size_t len = strlen(ca), off = 0;
    ssize_t w;
    int fd, ok = 1, e;

    snprintf(path, sizeof(path), "%s/" CODE_CA_NAME, dir);
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
              0644);
    if (fd < 0)
        return -1;
    while (ok && off < len) {
        w = write(fd, ca + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        ok = w > 0;
        if (ok)
            off += (size_t)w;
    }
    ok = ok && fchmod(fd, 0644) == 0 && fsync(fd) == 0;
    e = errno ? errno : EIO;
    if (close(fd) != 0 || !ok || rename(tmp, path) != 0) {
        e = errno ? errno : e;
        unlink(tmp);
        errno = e;
        return -1;
    }
    return 0;
}

/* One kiosk's folder: its file first (refused when a card's file is
 * already there), then the CA, so an earlier batch's folder is never
 * touched; a CA that cannot be written takes the file with it. */
static int code_write_kiosk(const code_opts_t *o, const char *dir,
                            const char *text)
{
    char path[CODE_PATH_MAX];
    int e;

    if (code_write_file(dir, text) != 0)
        return -1;
    if (!o->ca_text || code_write_ca(dir, o->ca_text) == 0)
        return 0;
    e = errno;
    snprintf(path, sizeof(path), "%s/" CODE_FILE_NAME, dir);
    unlink(path);
    errno = e;
    return -1;
}

/* The provisioning file of kiosk i (1-based) holding code, as text the
 * caller frees. */
static char *code_format_file(const code_opts_t *o, long i, const char *code)
{
    char counter[CODE_COUNTER_MAX];
    json_t *doc;
    char *text;

    doc = json_pack("{s:i, s:s, s:s}", "format", CODE_FORMAT, "hub",
                    o->hub_url, "code", code);
    if (!doc)
        return NULL;
    /* The kiosk needs a counter name: without one, the counters are
     * numbered "Quầy 1", "Quầy 2", ... */
    if (o->counter && o->count == 1)
        snprintf(counter, sizeof(counter), "%s", o->counter);
    else
        snprintf(counter, sizeof(counter), "%s %ld",
                 o->counter ? o->counter : CODE_COUNTER_DEFAULT, i);
    if (json_object_set_new(doc, "counter", json_string(counter)) != 0 ||
        (o->ca_text &&
         json_object_set_new(doc, "ca", json_string(CODE_CA_NAME)) != 0)) {
        json_decref(doc);
        return NULL;
    }
    text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(doc);
    return text;
}

/* Every code in one transaction, every file written before it commits:
 * a failure leaves neither codes without files nor files with codes the
 * hub does not know (a file written before the failure is removed). */
static int code_write_batch(hub_db_t *db, const code_opts_t *o, long *made)
{
    char code[HUB_CODE_TEXT], dir[CODE_PATH_MAX], detail[HUB_CMD_DETAIL_MAX];
    char until[VNTIME_ISO_MAX];
    int64_t now = hub_clock_now_ms(), expires = 0;
    long i;
    int rc;

    *made = 0;
    if (mkdir(o->out, 0700) != 0 && errno != EEXIST) {
        hub_cmd_say(CODE_CMD, "cannot create %s: %s", o->out,
                    strerror(errno));
        return HUB_ERROR;
    }
    rc = hub_db_begin_write(db);
    for (i = 1; rc == HUB_OK && i <= o->count; i++) {
        char *text;

        rc = hub_enroll_add_code(db, o->unit, (int)o->ttl, now, code,
                                 &expires);
        if (rc != HUB_OK)
            break;
        text = code_format_file(o, i, code);
        snprintf(dir, sizeof(dir), "%s/%s-%02ld", o->out, o->unit, i);
        if (!text || code_write_kiosk(o, dir, text) != 0) {
            hub_cmd_say(CODE_CMD, "cannot write %s/" CODE_FILE_NAME "%s: %s",
                        dir, o->ca_text ? " and " CODE_CA_NAME : "",
                        text ? strerror(errno) : "out of memory");
            rc = HUB_ERROR;
        }
        if (text) {
            explicit_bzero(text, strlen(text));
            free(text);
        }
        explicit_bzero(code, sizeof(code));
        if (rc == HUB_OK)
            (*made)++;
    }
    hub_cmd_format_time(expires, until, sizeof(until));
    snprintf(detail, sizeof(detail), "unit=%s files=%ld expires=%s", o->unit,
             o->count, until);
    if (rc != HUB_OK) {
        hub_db_rollback(db);
        for (i = 1; i <= *made; i++) {
            char path[CODE_PATH_MAX + 32];
            snprintf(path, sizeof(path), "%s/%s-%02ld/" CODE_FILE_NAME,
                     o->out, o->unit, i);
            unlink(path);
            if (!o->ca_text)
                continue;
            snprintf(path, sizeof(path), "%s/%s-%02ld/" CODE_CA_NAME,
                     o->out, o->unit, i);
            unlink(path);
        }
        *made = 0;
        return rc;
    }
    rc = hub_cmd_audit_write(db, HUB_OK, now, "enroll-code.files", detail);
    if (rc == HUB_OK)
        hub_cmd_say(CODE_CMD, "%ld provisioning file(s) for %s in %s, codes"
                    " valid until %s", o->count, o->unit, o->out, until);
    return rc;
}

int hub_cmd_code_main(int argc, char **argv)
{
    char code[HUB_CODE_TEXT], until[VNTIME_ISO_MAX];
    int64_t expires = 0;
    code_opts_t o;
    hub_db_t *db;
    int rc, ex;

    rc = code_parse(argc, argv, &o);
    if (rc != 0)
        return rc > 0 ? HUB_EXIT_OK : HUB_EXIT_USAGE;
    if (o.ca && code_read_ca(&o) != 0)
        return HUB_EXIT_FAIL;
    ex = hub_cmd_open_db(CODE_CMD, o.db, 0, &db);
    if (ex != HUB_EXIT_OK) {
        free(o.ca_text);
        return ex;
    }
    if (o.out) {
        long made = 0;
        rc = code_write_batch(db, &o, &made);
        free(o.ca_text);
        if (rc == HUB_NOT_FOUND)
            hub_cmd_say(CODE_CMD, "no unit %s (see sipas-hub unit list)",
                        o.unit);
        else if (rc != HUB_OK && rc != HUB_ERROR)
            hub_cmd_report_db(CODE_CMD, db, rc);
        hub_db_close(db);
        return rc == HUB_OK ? HUB_EXIT_OK : HUB_EXIT_FAIL;
    }
    rc = code_write(db, &o, code, &expires);
    if (rc == HUB_NOT_FOUND) {
        hub_cmd_say(CODE_CMD, "no unit %s (see sipas-hub unit list)", o.unit);
        ex = HUB_EXIT_FAIL;
    } else if (rc != HUB_OK) {
        ex = hub_cmd_report_db(CODE_CMD, db, rc);
    } else {
        printf("%s\n", code);
        hub_cmd_format_time(expires, until, sizeof(until));
        hub_cmd_say(CODE_CMD, "one-time code for %s, valid until %s", o.unit,
                    until);
        if (fflush(stdout) != 0) {
            hub_cmd_say(CODE_CMD, "cannot write the code");
            ex = HUB_EXIT_FAIL;
        }
    }
    hub_db_close(db);
    return ex;
}
