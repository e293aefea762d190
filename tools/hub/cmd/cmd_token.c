/*
 * sipas-hub token add|list|revoke: analyst tokens for the statistics API.
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
            " --db PATH\n"
            "       sipas-hub token list --db PATH\n"
            "       sipas-hub token revoke ID --db PATH\n"
            "\n"
            "Analyst tokens open GET /api/v1/stats (Authorization: Bearer"
            " TOKEN). add\nprints a new token (64 hex) on stdout, once: the"
            " hub keeps only its SHA-256.\nA unit token sees that unit and"
            " everything below it, and nothing else.\n"
            "\n"
            "  -s, --scope SCOPE   province, or unit:CODE for one unit's"
            " subtree\n"
            "  -d, --db PATH       the hub database\n"
            "  -h, --help          this text\n"
            "\n"
            "list prints ID, SCOPE, CREATED and REVOKED (- when active),"
            " tab-separated.\n"
            "\n"
            "Exit status: 0 done; 1 no such unit or token, or database error;"
            " 2 usage\nerror.\n");
}

static int token_parse(int argc, char **argv, const char **db,
                       const char **scope)
{
    static const struct option longs[] = {
        {"db", required_argument, NULL, 'd'},
        {"scope", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    *db = *scope = NULL;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":d:s:h", longs, NULL)) != -1) {
        switch (c) {
        case 'd':
            *db = optarg;
            break;
        case 's':
            *scope = optarg;
            break;
        case 'h':
            token_print_help(stdout);
            return 1;
        default:
            hub_cmd_report_bad_option(TOKEN_CMD, c, argv[optind - 1]);
            return -1;
        }
    }
    if (!*db) {
        hub_cmd_say(TOKEN_CMD, "--db PATH is required");
        return -1;
    }
    return 0;
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

static int token_write_add(hub_db_t *db, const char *unit,
                           char out[HUB_TOKEN_TEXT], int64_t *id)
{
    char detail[HUB_CMD_DETAIL_MAX];
    int64_t now = hub_clock_now_ms();
    int rc;

    rc = hub_db_begin_write(db);
    if (rc != HUB_OK)
        return rc;
    rc = hub_tokens_add(db, unit, now, out, id);
    snprintf(detail, sizeof(detail), "id=%" PRId64 " scope=%s", *id,
             unit[0] ? unit : "province");
    return hub_cmd_audit_write(db, rc, now, "token.add", detail);
}

static int token_add(int argc, char **argv)
{
    char token[HUB_TOKEN_TEXT];
    const char *path, *scope, *unit;
    int64_t id = 0;
    hub_db_t *db;
    int rc, ex;

    rc = token_parse(argc, argv, &path, &scope);
    if (rc != 0)
        return rc > 0 ? HUB_EXIT_OK : HUB_EXIT_USAGE;
    if (optind < argc || !scope) {
        hub_cmd_say(TOKEN_CMD, "add needs --scope province|unit:CODE and"
                               " nothing else");
        return HUB_EXIT_USAGE;
    }
    unit = token_scope_unit(scope);
    if (!unit) {
        hub_cmd_say(TOKEN_CMD, "--scope \"%s\" is neither province nor"
                               " unit:CODE", scope);
        return HUB_EXIT_USAGE;
    }
    ex = hub_cmd_open_db(TOKEN_CMD, path, 0, &db);
    if (ex != HUB_EXIT_OK)
        return ex;
    rc = token_write_add(db, unit, token, &id);
    if (rc == HUB_NOT_FOUND) {
        hub_cmd_say(TOKEN_CMD, "no unit %s (see sipas-hub unit list)", unit);
        ex = HUB_EXIT_FAIL;
    } else if (rc != HUB_OK) {
        ex = hub_cmd_report_db(TOKEN_CMD, db, rc);
    } else {
        printf("%s\n", token);
        hub_cmd_say(TOKEN_CMD,
                    "token %" PRId64 " for %s; it is shown only this once",
                    id, unit[0] ? unit : "the province");
        if (fflush(stdout) != 0) {
            hub_cmd_say(TOKEN_CMD, "cannot write the token");
            ex = HUB_EXIT_FAIL;
        }
    }
    explicit_bzero(token, sizeof(token));
    hub_db_close(db);
    return ex;
}

static int token_print_one(void *ctx, const hub_token_info_t *t)
{
    char created[VNTIME_ISO_MAX], revoked[VNTIME_ISO_MAX];

    (void)ctx;
    hub_cmd_format_time(t->created_at, created, sizeof(created));
    hub_cmd_format_time(t->revoked_at, revoked, sizeof(revoked));
    printf("%" PRId64 "\t%s%s\t%s\t%s\n", t->id,
           t->scope_unit[0] ? TOKEN_SCOPE_UNIT : "province", t->scope_unit,
           created, revoked);
    return 0;
}

static int token_list(int argc, char **argv)
{
    const char *path, *scope;
    hub_db_t *db;
    int rc, ex;

    rc = token_parse(argc, argv, &path, &scope);
    if (rc != 0)
        return rc > 0 ? HUB_EXIT_OK : HUB_EXIT_USAGE;
    if (optind < argc || scope) {
        hub_cmd_say(TOKEN_CMD, "list takes only --db");
        return HUB_EXIT_USAGE;
    }
    ex = hub_cmd_open_db(TOKEN_CMD, path, 0, &db);
    if (ex != HUB_EXIT_OK)
        return ex;
    hub_cmd_audit_read(TOKEN_CMD, db, "token.list", "");
    printf("ID\tSCOPE\tCREATED\tREVOKED\n");
    rc = hub_tokens_each(db, token_print_one, NULL);
    ex = rc == HUB_OK ? HUB_EXIT_OK : hub_cmd_report_db(TOKEN_CMD, db, rc);
    if (fflush(stdout) != 0)
        ex = HUB_EXIT_FAIL;
    hub_db_close(db);
    return ex;
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
    const char *path, *scope;
    hub_db_t *db;
    long id;
    int rc, ex, was = 0;

    rc = token_parse(argc, argv, &path, &scope);
    if (rc != 0)
        return rc > 0 ? HUB_EXIT_OK : HUB_EXIT_USAGE;
    if (argc - optind != 1 || scope) {
        hub_cmd_say(TOKEN_CMD, "revoke needs the token's ID (see token"
                               " list)");
        return HUB_EXIT_USAGE;
    }
    if (hub_cmd_parse_long(TOKEN_CMD, "ID", argv[optind], 1, INT32_MAX,
                           &id) != 0)
        return HUB_EXIT_USAGE;
    ex = hub_cmd_open_db(TOKEN_CMD, path, 0, &db);
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

int hub_cmd_token_main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "add") == 0)
        return token_add(argc - 1, argv + 1);
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
