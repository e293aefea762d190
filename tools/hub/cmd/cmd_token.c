/*
 * sipas-hub token add|create|list|rotate|revoke: analyst tokens for the
 * statistics API.
 */
#include "hub/cmd/cmd.h"

#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include "core/vntime.h"
#include "hub/base/clock.h"
#include "hub/base/valid.h"
#include "hub/store/tokens.h"

#define TOKEN_CMD "token"
#define TOKEN_SCOPE_UNIT "unit:"

static void token_print_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sipas-hub token add --scope province|unit:CODE"
            " [--audit]\n"
            "                           [--expires-days N] --db PATH\n"
            "       sipas-hub token list --db PATH\n"
            "       sipas-hub token rotate ID [--overlap-hours N]"
            " [--expires-days N] --db PATH\n"
            "       sipas-hub token revoke ID --db PATH\n"
            "\n"
            "Analyst tokens open GET /api/v1/stats (Authorization: Bearer"
            " TOKEN). add (or\ncreate) prints a new token (64 hex) on"
            " stdout, once: the hub keeps only its\nSHA-256. A unit token"
            " sees that unit and everything below it, and nothing\nelse."
            " Every token expires; past its expiry it gets 401"
            " token-expired.\nrotate prints a new token with the same"
            " scope; the old one keeps working\nfor the overlap (0: revoked"
            " at once, for a token that leaked).\n"
            "An audit token (province only) may ask for officer figures"
            " below the server's\nmin_group floor (serve --min-group-floor);"
            " each such request is audited.\n"
            "\n"
            "  -s, --scope SCOPE        province, or unit:CODE for one"
            " unit's subtree\n"
            "  -a, --audit              add: the audit role (with --scope"
            " province)\n"
            "  -e, --expires-days N     valid N days, 1 to %d (default"
            " %d)\n"
            "  -o, --overlap-hours N    rotate: the old token ends N hours"
            " later, 0 to %d\n"
            "                           (default %d)\n"
            "  -d, --db PATH            the hub database\n"
            "  -h, --help               this text\n"
            "\n"
            "list prints ID, SCOPE, CREATED, EXPIRES, LAST-USED, REVOKED,"
            " REPLACED-BY (- when\nnone) and ROLE (analyst or audit),"
            " tab-separated.\n"
            "\n"
            "Exit status: 0 done; 1 no such unit or token, a revoked or"
            " expired token to\nrotate, or database error; 2 usage"
            " error.\n",
            HUB_TOKENS_DAYS_MAX, HUB_TOKENS_DAYS_DEFAULT,
            HUB_TOKENS_OVERLAP_HOURS_MAX, HUB_TOKENS_OVERLAP_HOURS_DEFAULT);
}

typedef struct token_opts {
    const char *db, *scope;
    long days, overlap_h;
    int days_set, overlap_set, audit;
} token_opts_t;

static int token_parse(int argc, char **argv, token_opts_t *o)
{
    static const struct option longs[] = {
        {"db", required_argument, NULL, 'd'},
        {"scope", required_argument, NULL, 's'},
        {"expires-days", required_argument, NULL, 'e'},
        {"overlap-hours", required_argument, NULL, 'o'},
        {"audit", no_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    memset(o, 0, sizeof(*o));
    o->days = HUB_TOKENS_DAYS_DEFAULT;
    o->overlap_h = HUB_TOKENS_OVERLAP_HOURS_DEFAULT;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":d:s:e:o:ah", longs, NULL)) != -1) {
        switch (c) {
        case 'd':
            o->db = optarg;
            break;
        case 's':
            o->scope = optarg;
            break;
        case 'e':
            if (hub_cmd_parse_long(TOKEN_CMD, "--expires-days", optarg, 1,
                                   HUB_TOKENS_DAYS_MAX, &o->days) != 0)
                return -1;
            o->days_set = 1;
            break;
        case 'o':
            if (hub_cmd_parse_long(TOKEN_CMD, "--overlap-hours", optarg, 0,
                                   HUB_TOKENS_OVERLAP_HOURS_MAX,
                                   &o->overlap_h) != 0)
                return -1;
            o->overlap_set = 1;
            break;
        case 'a':
            o->audit = 1;
            break;
        case 'h':
            token_print_help(stdout);
            return 1;
        default:
            hub_cmd_report_bad_option(TOKEN_CMD, c, argv[optind - 1]);
            return -1;
        }
    }
    if (!o->db) {
        hub_cmd_say(TOKEN_CMD, "--db PATH is required");
        return -1;
    }
    return 0;
}

/* A new token on stdout, the rest on stderr; the token is wiped. */
static int token_print_new(char token[HUB_TOKEN_TEXT], int64_t id,
                           const char *what, int64_t expires_at)
{
    char until[VNTIME_ISO_MAX];
    int ex = HUB_EXIT_OK;

    hub_cmd_format_time(expires_at, until, sizeof(until));
    printf("%s\n", token);
    hub_cmd_say(TOKEN_CMD,
                "token %" PRId64 " for %s, valid until %s; it is shown only"
                " this once", id, what, until);
    if (fflush(stdout) != 0) {
        hub_cmd_say(TOKEN_CMD, "cannot write the token");
        ex = HUB_EXIT_FAIL;
    }
    explicit_bzero(token, HUB_TOKEN_TEXT);
    return ex;
}

/* The unit of a scope ("" for the province); NULL when malformed. */
static const char *token_scope_unit(const char *scope)
{
    size_t n = strlen(TOKEN_SCOPE_UNIT);

    if (strcmp(scope, "province") == 0)
        return "";
    if (strncmp(scope, TOKEN_SCOPE_UNIT, n) == 0 &&
        hub_valid_code(scope + n))
        return scope + n;
    return NULL;
}

static int token_write_add(hub_db_t *db, const char *unit, int audit,
                           int64_t now, int64_t expires_at,
                           char out[HUB_TOKEN_TEXT], int64_t *id)
{
    char detail[HUB_CMD_DETAIL_MAX];
    int rc;

    rc = hub_db_begin_write(db);
    if (rc != HUB_OK)
        return rc;
    rc = hub_tokens_create(db, unit, audit, now, expires_at, out, id);
    snprintf(detail, sizeof(detail),
             "id=%" PRId64 " scope=%s days=%" PRId64 "%s", *id,
             unit[0] ? unit : "province",
             (expires_at - now) / HUB_TOKENS_DAY_MS,
             audit ? " role=audit" : "");
    return hub_cmd_audit_write(db, rc, now, "token.add", detail);
}

static int token_add(int argc, char **argv)
{
    char token[HUB_TOKEN_TEXT];
    const char *unit;
    token_opts_t o;
    int64_t id = 0, now = hub_clock_now_ms(), until;
    hub_db_t *db;
    int rc, ex;

    rc = token_parse(argc, argv, &o);
    if (rc != 0)
        return rc > 0 ? HUB_EXIT_OK : HUB_EXIT_USAGE;
    if (optind < argc || !o.scope || o.overlap_set) {
        hub_cmd_say(TOKEN_CMD, "add needs --scope province|unit:CODE, takes"
                               " --expires-days and nothing else");
        return HUB_EXIT_USAGE;
    }
    unit = token_scope_unit(o.scope);
    if (!unit) {
        hub_cmd_say(TOKEN_CMD, "--scope \"%s\" is neither province nor"
                               " unit:CODE", o.scope);
        return HUB_EXIT_USAGE;
    }
    if (o.audit && unit[0]) {
        hub_cmd_say(TOKEN_CMD, "--audit goes with --scope province only:"
                               " the audit role is the province's");
        return HUB_EXIT_USAGE;
    }
    ex = hub_cmd_open_db(TOKEN_CMD, o.db, 0, &db);
    if (ex != HUB_EXIT_OK)
        return ex;
    until = now + o.days * HUB_TOKENS_DAY_MS;
    rc = token_write_add(db, unit, o.audit, now, until, token, &id);
    if (rc == HUB_NOT_FOUND) {
        hub_cmd_say(TOKEN_CMD, "no unit %s (see sipas-hub unit list)", unit);
        ex = HUB_EXIT_FAIL;
    } else if (rc != HUB_OK) {
        ex = hub_cmd_report_db(TOKEN_CMD, db, rc);
    } else {
        ex = token_print_new(token, id,
                             unit[0]   ? unit
                             : o.audit ? "the province (audit role)"
                                       : "the province",
                             until);
    }
    explicit_bzero(token, sizeof(token));
    hub_db_close(db);
    return ex;
}

static int token_print_one(void *ctx, const hub_token_info_t *t)
{
    char created[VNTIME_ISO_MAX], revoked[VNTIME_ISO_MAX];
    char expires[VNTIME_ISO_MAX], used[VNTIME_ISO_MAX], next[24] = "-";

    (void)ctx;
    hub_cmd_format_time(t->created_at, created, sizeof(created));
    hub_cmd_format_time(t->revoked_at, revoked, sizeof(revoked));
    hub_cmd_format_time(t->expires_at, expires, sizeof(expires));
    hub_cmd_format_time(t->last_used_at, used, sizeof(used));
    if (t->replaced_by)
        snprintf(next, sizeof(next), "%" PRId64, t->replaced_by);
    printf("%" PRId64 "\t%s%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t->id,
           t->scope_unit[0] ? TOKEN_SCOPE_UNIT : "province", t->scope_unit,
           created, expires, used, revoked, next,
           t->audit ? "audit" : "analyst");
    return 0;
}

static int token_list(int argc, char **argv)
{
    token_opts_t o;
    hub_db_t *db;
    int rc, ex;

    rc = token_parse(argc, argv, &o);
    if (rc != 0)
        return rc > 0 ? HUB_EXIT_OK : HUB_EXIT_USAGE;
    if (optind < argc || o.scope || o.days_set || o.overlap_set || o.audit) {
        hub_cmd_say(TOKEN_CMD, "list takes only --db");
        return HUB_EXIT_USAGE;
    }
    ex = hub_cmd_open_db(TOKEN_CMD, o.db, 0, &db);
    if (ex != HUB_EXIT_OK)
        return ex;
    hub_cmd_audit_read(TOKEN_CMD, db, "token.list", "");
    printf("ID\tSCOPE\tCREATED\tEXPIRES\tLAST-USED\tREVOKED"
           "\tREPLACED-BY\tROLE\n");
    rc = hub_tokens_each(db, token_print_one, NULL);
    ex = rc == HUB_OK ? HUB_EXIT_OK : hub_cmd_report_db(TOKEN_CMD, db, rc);
    if (fflush(stdout) != 0)
        ex = HUB_EXIT_FAIL;
    hub_db_close(db);
    return ex;
}

/* The ID argument of revoke and rotate, then the database: HUB_EXIT_OK
 * with *db open, or the exit status. flags: other options allowed. */
static int token_open_id(int argc, char **argv, const token_opts_t *o,
                         int flags_ok, const char *verb, long *id,
                         hub_db_t **db)
{
    if (argc - optind != 1 || o->scope || o->audit ||
        (!flags_ok && (o->days_set || o->overlap_set))) {
        hub_cmd_say(TOKEN_CMD, "%s needs the token's ID (see token list)",
                    verb);
        return HUB_EXIT_USAGE;
    }
    if (hub_cmd_parse_long(TOKEN_CMD, "ID", argv[optind], 1, INT32_MAX,
                           id) != 0)
        return HUB_EXIT_USAGE;
    return hub_cmd_open_db(TOKEN_CMD, o->db, 0, db);
}

static int token_write_revoke(hub_db_t *db, int64_t id, int *was)
{
    char detail[HUB_CMD_DETAIL_MAX];
    int64_t now = hub_clock_now_ms();
    int rc;

    rc = hub_db_begin_write(db);
    if (rc != HUB_OK)
        return rc;
    rc = hub_tokens_revoke(db, id, now, was);
    snprintf(detail, sizeof(detail), "id=%" PRId64, id);
    return hub_cmd_audit_write(db, rc, now, "token.revoke", detail);
}

static int token_revoke(int argc, char **argv)
{
    token_opts_t o;
    hub_db_t *db;
    long id;
    int rc, ex, was = 0;

    rc = token_parse(argc, argv, &o);
    if (rc != 0)
        return rc > 0 ? HUB_EXIT_OK : HUB_EXIT_USAGE;
    ex = token_open_id(argc, argv, &o, 0, "revoke", &id, &db);
    if (ex != HUB_EXIT_OK)
        return ex;
    rc = token_write_revoke(db, id, &was);
    if (rc == HUB_NOT_FOUND) {
        hub_cmd_say(TOKEN_CMD, "no token %ld", id);
        ex = HUB_EXIT_FAIL;
    } else if (rc != HUB_OK) {
        ex = hub_cmd_report_db(TOKEN_CMD, db, rc);
    } else {
        hub_cmd_say(TOKEN_CMD, was ? "token %ld was revoked already"
                                   : "token %ld revoked", id);
    }
    hub_db_close(db);
    return ex;
}

static int token_write_rotate(hub_db_t *db, int64_t id, int64_t now,
                              const token_opts_t *o, char out[HUB_TOKEN_TEXT],
                              int64_t *new_id)
{
    char detail[HUB_CMD_DETAIL_MAX];
    int rc;

    rc = hub_db_begin_write(db);
    if (rc != HUB_OK)
        return rc;
    rc = hub_tokens_rotate(db, id, now, o->overlap_h * 3600 * INT64_C(1000),
                           now + o->days * HUB_TOKENS_DAY_MS, out, new_id);
    snprintf(detail, sizeof(detail),
             "id=%" PRId64 " new=%" PRId64 " overlap_h=%ld days=%ld", id,
             *new_id, o->overlap_h, o->days);
    return hub_cmd_audit_write(db, rc, now, "token.rotate", detail);
}

static int token_rotate(int argc, char **argv)
{
    char token[HUB_TOKEN_TEXT], what[48];
    int64_t now = hub_clock_now_ms(), new_id = 0;
    token_opts_t o;
    hub_db_t *db;
    long id;
    int rc, ex;

    rc = token_parse(argc, argv, &o);
    if (rc != 0)
        return rc > 0 ? HUB_EXIT_OK : HUB_EXIT_USAGE;
    ex = token_open_id(argc, argv, &o, 1, "rotate", &id, &db);
    if (ex != HUB_EXIT_OK)
        return ex;
    rc = token_write_rotate(db, id, now, &o, token, &new_id);
    if (rc == HUB_NOT_FOUND || rc == HUB_REVOKED || rc == HUB_EXPIRED) {
        hub_cmd_say(TOKEN_CMD, rc == HUB_NOT_FOUND ? "no token %ld"
                               : rc == HUB_REVOKED
                                   ? "token %ld is revoked; make a new one"
                                     " with token add"
                                   : "token %ld has expired; make a new one"
                                     " with token add", id);
        ex = HUB_EXIT_FAIL;
    } else if (rc != HUB_OK) {
        ex = hub_cmd_report_db(TOKEN_CMD, db, rc);
    } else {
        snprintf(what, sizeof(what), "the scope of token %ld", id);
        ex = token_print_new(token, new_id, what,
                             now + o.days * HUB_TOKENS_DAY_MS);
        if (o.overlap_h)
            hub_cmd_say(TOKEN_CMD, "token %ld keeps working for %ld h",
                        id, o.overlap_h);
        else
            hub_cmd_say(TOKEN_CMD, "token %ld revoked", id);
    }
    explicit_bzero(token, sizeof(token));
    hub_db_close(db);
    return ex;
}

int hub_cmd_token_main(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "add") == 0 ||
                      strcmp(argv[1], "create") == 0))
        return token_add(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "rotate") == 0)
        return token_rotate(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "list") == 0)
        return token_list(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "revoke") == 0)
        return token_revoke(argc - 1, argv + 1);
    if (argc >= 2 &&
        (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        token_print_help(stdout);
        return HUB_EXIT_OK;
    }
    token_print_help(stderr);
    return HUB_EXIT_USAGE;
}
