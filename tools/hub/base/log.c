#include "hub/base/log.h"

#include <stdarg.h>
#include <stdio.h>

#include "core/vntime.h"
#include "hub/base/clock.h"

#define HUB_LOG_LINE_MAX 1024

static int hub_log_quiet;

void hub_log_set_quiet(int quiet)
{
    hub_log_quiet = quiet;
}

int hub_log_is_quiet(void)
{
    return hub_log_quiet;
}

void hub_log_say(const char *fmt, ...)
{
    char stamp[VNTIME_ISO_MAX], line[HUB_LOG_LINE_MAX];
    va_list ap;

    if (vntime_format_iso(hub_clock_now_ms(), stamp, sizeof(stamp)) != 0)
        stamp[0] = '\0';
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    /* One fprintf per line: stdio locks the stream for the call. A failed
     * write to stderr has nowhere better to be reported. */
    (void)fprintf(stderr, "sipas-hub: %s %s\n", stamp, line);
}
