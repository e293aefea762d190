#include "provshow.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "kiosk/assets.h"
#include "core/provfile.h"
#include "core/provresult.h"

/* DATA/name read whole into a; 0, or -1 with why in msg (errno kept). */
static int provshow_read(const char *data, const char *name, size_t max,
                         asset_t *a, char *msg, size_t cap)
{
    char path[ASSET_PATH_MAX];

    snprintf(path, sizeof(path), "%s/%s", data, name);
    return assets_read(path, max, a, msg, cap);
}

int provshow_apply_settings(const char *data, config_t *c, err_t *e,
                            char *note, size_t cap)
{
    char msg[ERR_MSG_MAX];
    provfile_t p;
    asset_t a;
    int rc;

    note[0] = '\0';
    if (provshow_read(data, PROVSHOW_SETTINGS, PROVFILE_SOURCE_MAX, &a, msg,
                      sizeof(msg)) != 0) {
        if (errno == ENOENT)
            return 0;
        err_clear(e);
        snprintf(e->file, sizeof(e->file), "%s/%s", data, PROVSHOW_SETTINGS);
        err_set(e, "", "%s", msg);
        return -1;
    }
    rc = provfile_parse(a.data, a.len, a.name, PROVFILE_KIND_SETTINGS, NULL,
                        &p, e);
    asset_free(&a);
    if (rc != 0)
        return -1;
    if (provfile_apply_config(&p, c) != 0)
        snprintf(note, cap, "%s/%s: language \"%s\" is not offered by the"
                 " configuration; the configuration's first is shown", data,
                 PROVSHOW_SETTINGS, p.language);
    provfile_wipe(&p);
    return 0;
}

void provshow_read_banner(const char *data, int64_t now_ms, char *out,
                          size_t cap, int *failed)
{
    char msg[ERR_MSG_MAX];
    char what[PROVRESULT_SAY_MAX], todo[PROVRESULT_SAY_MAX];
    provresult_t r;
    asset_t a;
    int rc;

    out[0] = '\0';
    *failed = 0;
    if (provshow_read(data, PROVRESULT_NAME, PROVRESULT_SOURCE_MAX, &a, msg,
                      sizeof(msg)) != 0)
        return;
    rc = provresult_parse(a.data, a.len, &r);
    asset_free(&a);
    /* A clock set back by a first time sync still shows a fresh result. */
    if (rc != 0 || r.time_ms > now_ms + PROVSHOW_BANNER_MS ||
        now_ms - r.time_ms > PROVSHOW_BANNER_MS)
        return;
    provresult_say_what(&r, what, sizeof(what));
    provresult_say_todo(&r, todo, sizeof(todo));
    snprintf(out, cap, "%s%s%s", what, todo[0] ? " " : "", todo);
    *failed = r.status != PROVRESULT_OK;
}

int provshow_result_changed(const char *data, int64_t *seen)
{
    char path[ASSET_PATH_MAX];
    struct stat st;
    int64_t ns = 0;

    snprintf(path, sizeof(path), "%s/%s", data, PROVRESULT_NAME);
    if (stat(path, &st) == 0)
        ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    if (ns == *seen)
        return 0;
    *seen = ns;
    return 1;
}
