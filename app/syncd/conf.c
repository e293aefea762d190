#include "conf.h"

#include <stdio.h>

#include "core/err.h"
#include "kiosk/assets.h"
#include "kiosk/provshow.h"

int syncd_load_config(const char *path, const char *data, config_t *c,
                      char *note, size_t cap)
{
    char msg[512];
    asset_t a;
    err_t e;
    int rc;

    note[0] = '\0';
    config_defaults(c);
    if (path) {
        if (assets_read(path, CONFIG_SOURCE_MAX, &a, msg, sizeof(msg)) != 0) {
            snprintf(note, cap, "%s; built-in upload settings", msg);
            config_defaults(c);
            return 1;
        }
        err_clear(&e);
        rc = config_parse(a.data, a.len, a.name, c, &e);
        asset_free(&a);
        if (rc != 0) {
            err_format(&e, msg, sizeof(msg));
            snprintf(note, cap, "%s; built-in upload settings", msg);
            config_defaults(c);
            return 1;
        }
    }
    err_clear(&e);
    if (provshow_apply_settings(data, c, &e, msg, sizeof(msg)) != 0) {
        err_format(&e, msg, sizeof(msg));
        snprintf(note, cap, "%s; built-in upload settings", msg);
        config_defaults(c);
        return 1;
    }
    return 0;
}
