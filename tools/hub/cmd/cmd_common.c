#include "hub/cmd/cmd.h"

#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/vntime.h"
#include "hub/base/clock.h"

void hub_cmd_say(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "sipas-hub %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void hub_cmd_report_bad_option(const char *cmd, int opt, const char *arg)
{
    if (opt == ':')
        hub_cmd_say(cmd, "%s needs a value", arg);
    else
        hub_cmd_say(cmd, "unknown option %s", arg);
    fprintf(stderr, "Try 'sipas-hub %s --help'.\n", cmd);
}

int hub_cmd_open_db(const char *cmd, const char *path, int create,
                    hub_db_t **out)
{
    hub_db_options_t opt = {create, 0, 0};
    int rc = hub_db_open(path, &opt, out);

    if (rc == HUB_OK)
        return HUB_EXIT_OK;
    if (rc == HUB_NOT_FOUND)
        hub_cmd_say(cmd, "no hub database at %s (`sipas-hub unit add` makes"
                         " one)", path);
    else
        hub_cmd_say(cmd, "cannot open %s: %s", path, hub_db_open_error());
    return HUB_EXIT_FAIL;
}

int hub_cmd_report_db(const char *cmd, hub_db_t *db, int rc)
{
    if (rc == HUB_FULL)
        hub_cmd_say(cmd, "the database is full; nothing was changed (%s)",
                    hub_db_last_error(db));
    else if (rc == HUB_BUSY)
        hub_cmd_say(cmd, "the database stayed locked; nothing was changed,"
                         " try again (%s)", hub_db_last_error(db));
    else
        hub_cmd_say(cmd, "database error: %s", hub_db_last_error(db));
    return HUB_EXIT_FAIL;
}

int hub_cmd_parse_long(const char *cmd, const char *flag, const char *text,
                       long lo, long hi, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v < lo || v > hi) {
        hub_cmd_say(cmd, "%s: \"%s\" is not a whole number from %ld to %ld",
                    flag, text, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

void hub_cmd_get_actor(char *buf, size_t cap)
{
    struct passwd pw, *found = NULL;
    char scratch[1024];
    uid_t uid = getuid();

    /* getpwuid_r: the name stays ours whatever else reads passwd. */
    if (getpwuid_r(uid, &pw, scratch, sizeof(scratch), &found) == 0 && found)
        snprintf(buf, cap, "cli:%s", found->pw_name);
    else
        snprintf(buf, cap, "cli:uid-%lu", (unsigned long)uid);
}

void hub_cmd_audit_read(const char *cmd, hub_db_t *db, const char *action,
                        const char *detail)
{
    char actor[HUB_CMD_ACTOR_MAX];
    int rc;

    hub_cmd_get_actor(actor, sizeof(actor));
    rc = hub_db_begin_write(db);
    if (rc == HUB_OK) {
        rc = hub_db_audit(db, hub_clock_now_ms(), actor, action, detail);
        if (rc == HUB_OK)
            rc = hub_db_commit(db);
        else
            hub_db_rollback(db);
    }
    if (rc != HUB_OK)
        hub_cmd_say(cmd, "warning: could not record this in the audit"
                         " trail: %s", hub_db_last_error(db));
}

int hub_cmd_audit_write(hub_db_t *db, int rc, int64_t now, const char *action,
                        const char *detail)
{
    char actor[HUB_CMD_ACTOR_MAX];

    hub_cmd_get_actor(actor, sizeof(actor));
    if (rc == HUB_OK)
        rc = hub_db_audit(db, now, actor, action, detail);
    if (rc == HUB_OK)
        return hub_db_commit(db);
    hub_db_rollback(db);
    return rc;
}

void hub_cmd_format_time(int64_t ms, char *buf, size_t cap)
{
    if (ms == 0 || vntime_format_iso(ms, buf, cap) != 0)
        snprintf(buf, cap, "-");
}
