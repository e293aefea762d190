/*
 * What `sipasctl status` tells about provisioning from the SD card: the
 * last result recorded in DIR/provision-result.json, in the same words
 * the kiosk shows.
 */
#include "ctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/provresult.h"
#include "core/vntime.h"

/* 0 with *r read, 1 when there is no record, -1 when it is unreadable. */
static int provstatus_read(const char *dir, provresult_t *r)
{
    char path[STORE_PATH_MAX + 32], *text;
    size_t len;
    FILE *fp;
    int rc;

    snprintf(path, sizeof(path), "%s/%s", dir, PROVRESULT_NAME);
    fp = fopen(path, "rb");
    if (!fp)
        return 1;
    text = malloc(PROVRESULT_SOURCE_MAX + 1);
    len = text ? fread(text, 1, PROVRESULT_SOURCE_MAX + 1, fp) : 0;
    fclose(fp);
    rc = text ? provresult_parse(text, len, r) : -1;
    free(text);
    return rc;
}

void ctl_provision_print_text(const char *dir)
{
    char what[PROVRESULT_SAY_MAX], todo[PROVRESULT_SAY_MAX];
    char when[VNTIME_ISO_MAX];
    provresult_t r;
    int rc = provstatus_read(dir, &r);

    if (rc != 0) {
        printf("provisioning  %s\n", rc > 0 ? "no file from the SD card"
                                            : "result unreadable");
        return;
    }
    if (vntime_format_iso(r.time_ms, when, sizeof(when)) != 0)
        snprintf(when, sizeof(when), "?");
    provresult_say_what(&r, what, sizeof(what));
    provresult_say_todo(&r, todo, sizeof(todo));
    printf("provisioning  %s at %s\n", provresult_status_word(r.status), when);
    printf("  %s%s%s\n", what, todo[0] ? " " : "", todo);
    if (r.detail[0])
        printf("  %s\n", r.detail);
}

json_t *ctl_provision_build_json(const char *dir)
{
    char what[PROVRESULT_SAY_MAX], todo[PROVRESULT_SAY_MAX];
    char when[VNTIME_ISO_MAX];
    provresult_t r;

    if (provstatus_read(dir, &r) != 0)
        return json_null();
    if (vntime_format_iso(r.time_ms, when, sizeof(when)) != 0)
        when[0] = '\0';
    provresult_say_what(&r, what, sizeof(what));
    provresult_say_todo(&r, todo, sizeof(todo));
    return json_pack("{s:s, s:s, s:s?, s:s?, s:s?}", "status",
                     provresult_status_word(r.status), "at", when, "message",
                     what, "todo", todo, "detail", r.detail);
}
