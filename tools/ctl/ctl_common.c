#include "ctl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/vntime.h"
#include "platform/pclock.h"

void ctl_say(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "sipasctl %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void ctl_report_bad_option(const char *cmd, int opt, const char *arg)
{
    if (opt == ':')
        ctl_say(cmd, "%s needs a value", arg);
    else
        ctl_say(cmd, "unknown option %s", arg);
    fprintf(stderr, "Try 'sipasctl %s --help'.\n", cmd);
}

int ctl_open_data(const char *cmd, const char *dir, store_t **out)
{
    int rc = store_open_readonly(dir, out);

    switch (rc) {
    case STORE_OK:
        /* stdout stays the command's output; the technician learns why
         * the card should be replaced. */
        if (store_medium(*out) != STORE_MEDIUM_IN_PLACE)
            ctl_say(cmd, "%s: %s", dir, store_medium_text(store_medium(*out)));
        return CTL_EXIT_OK;
    case STORE_MISSING:
        ctl_say(cmd, "no kiosk database in %s", dir);
        break;
    case STORE_SCHEMA:
    case STORE_CORRUPT:
        ctl_say(cmd, "the kiosk database in %s is %s: %s", dir,
                rc == STORE_SCHEMA ? "unusable" : "damaged",
                store_last_error(NULL));
        fputs(rc == STORE_SCHEMA
                  ? "The kiosk is out of service until the database is"
                    " replaced.\n"
                  : "The kiosk moves a damaged database aside and starts a"
                    " fresh one at its next start.\n",
              stderr);
        break;
    default:
        ctl_say(cmd, "cannot open the kiosk database in %s: %s", dir,
                store_last_error(NULL));
        break;
    }
    return CTL_EXIT_FAIL;
}

int ctl_parse_date_flag(const char *cmd, const char *flag, const char *text,
                        int64_t *ms)
{
    *ms = vntime_parse_date(text);
    if (*ms == -1) {
        ctl_say(cmd, "%s: \"%s\" is not a date (YYYY-MM-DD, e.g. 2026-11-22)",
                flag, text);
        return -1;
    }
    return 0;
}

/* The kiosk's wall clock: SIPAS_CLOCK_OFFSET_S moves it as it moves the
 * kiosk's, so "today" here is the kiosk's today. */
int ctl_parse_long(const char *cmd, const char *flag, const char *text,
                   long lo, long hi, long *out)
{
    char *end;

    errno = 0;
    *out = strtol(text, &end, 10);
    if (errno == 0 && end != text && *end == '\0' && *out >= lo &&
        *out <= hi)
        return 0;
    ctl_say(cmd, "%s: expected %ld to %ld, got \"%s\"", flag, lo, hi, text);
    return -1;
}

int64_t ctl_now_ms(void)
{
    pclock_t c;

    pclock_init(&c, 0);
    return pclock_wall_ms(&c);
}

void ctl_format_bytes(int64_t bytes, char *buf, size_t cap)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
    double v = (double)bytes;
    size_t i = 0;

    if (bytes < 1024) {
        snprintf(buf, cap, "%lld B", (long long)bytes);
        return;
    }
    v /= 1024.0;
    while (v >= 1024.0 && i + 1 < sizeof(units) / sizeof(units[0])) {
        v /= 1024.0;
        i++;
    }
    snprintf(buf, cap, "%.1f %s", v, units[i]);
}
