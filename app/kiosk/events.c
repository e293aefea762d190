#include "events.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct events {
    FILE *f;
    int owned;
    const pclock_t *clock; /* NULL: events carry no "ms" */
    uint64_t base_ms;
};

int events_open(events_t **out, const char *path)
{
    events_t *e = calloc(1, sizeof(*e));

    if (!e)
        return -1;
    if (path && strcmp(path, "-") == 0) {
        e->f = stdout;
    } else if (path) {
        e->f = fopen(path, "a");
        if (!e->f) {
            free(e);
            return -1;
        }
        e->owned = 1;
    }
    *out = e;
    return 0;
}

void events_set_clock(events_t *e, const pclock_t *c)
{
    if (!e)
        return;
    e->clock = c;
    e->base_ms = c ? pclock_boot_ms(c) : 0;
}

void events_close(events_t *e)
{
    if (!e)
        return;
    if (e->owned)
        fclose(e->f);
    else if (e->f)
        fflush(e->f);
    free(e);
}

/* Writes and frees obj; the line is flushed before return so a reader
 * sees it even if the kiosk is killed right after. */
static void events_emit(events_t *e, json_t *obj)
{
    char *line;

    if (!obj)
        return;
    if (e && e->f) {
        if (e->clock)
            json_object_set_new(obj, "ms",
                                json_integer((json_int_t)(
                                    pclock_boot_ms(e->clock) - e->base_ms)));
        line = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (line) {
            fprintf(e->f, "%s\n", line);
            fflush(e->f);
            free(line);
        }
    }
    json_decref(obj);
}

void events_screen(events_t *e, const char *screen)
{
    if (e && e->f)
        events_emit(e, json_pack("{s:s, s:s}", "event", "screen", "screen",
                                 screen));
}

void events_committed(events_t *e, int64_t seq, const char *instrument,
                      int partial, int suppressed)
{
    if (e && e->f)
        events_emit(e, json_pack("{s:s, s:I, s:s, s:b, s:i}", "event",
                                 "committed", "seq", (json_int_t)seq,
                                 "instrument", instrument, "partial", partial,
                                 "suppressed", suppressed));
}

void events_view(events_t *e, int contrast, int large, int listen)
{
    if (e && e->f)
        events_emit(e, json_pack("{s:s, s:b, s:b, s:b}", "event", "view",
                                 "contrast", contrast, "large", large,
                                 "listen", listen));
}

void events_prompt(events_t *e, const char *name, const char *file,
                   int played)
{
    if (e && e->f)
        events_emit(e, json_pack("{s:s, s:s, s:o, s:b}", "event", "prompt",
                                 "name", name, "file",
                                 file ? json_string(file) : json_null(),
                                 "played", played));
}

void events_note(events_t *e, const char *kind, const char *message)
{
    if (e && e->f)
        events_emit(e, json_pack("{s:s, s:s}", "event", kind, "message",
                                 message));
}
