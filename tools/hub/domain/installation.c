#include "hub/domain/installation.h"

#include <string.h>

#include "core/hex.h"
#include "hub/base/valid.h"
#include "hub/domain/jv.h"

static const char *const hub_installation_keys[] = {
    "format", "install_id", "version", "tested_at", "result", "checks", NULL,
};
static const char *const hub_installation_check_keys[] = {
    "id", "status", "value", "message", "action", NULL,
};

static int hub_installation_is_id(const char *s)
{
    return hex_is_lower(s, HUB_INSTALL_ID_LEN);
}

/* The three verdicts a check or a whole record may have. */
static int hub_installation_is_status(const char *s)
{
    return strcmp(s, "pass") == 0 || strcmp(s, "warn") == 0 ||
           strcmp(s, "fail") == 0;
}

static int hub_installation_parse_check(const json_t *c, const char *path,
                                        hub_problem_t *pb)
{
    const int opt = HUB_JV_OPTIONAL | HUB_JV_EMPTY;
    const char *s;

    if (hub_jv_check_object(c, path, hub_installation_check_keys, pb) != 0)
        return -1;
    if (hub_jv_read_code(c, path, "id", HUB_JV_REQUIRED, &s, pb) < 0 ||
        hub_jv_read_text(c, path, "status", HUB_JV_REQUIRED,
                         hub_installation_is_status,
                         "\"pass\", \"warn\" or \"fail\"", &s, pb) < 0 ||
        hub_jv_read_name(c, path, "value", opt, HUB_INSTALLATION_VALUE_MAX,
                         &s, pb) < 0 ||
        hub_jv_read_name(c, path, "message", opt,
                         HUB_INSTALLATION_MESSAGE_MAX, &s, pb) < 0 ||
        hub_jv_read_name(c, path, "action", opt,
                         HUB_INSTALLATION_MESSAGE_MAX, &s, pb) < 0)
        return -1;
    return 0;
}

int hub_installation_parse(const json_t *v, hub_installation_t *rec,
                           hub_problem_t *pb)
{
    char path[HUB_JV_PATH_MAX];
    const json_t *checks;
    int64_t format;
    size_t i;

    memset(rec, 0, sizeof(*rec));
    if (hub_jv_check_object(v, "", hub_installation_keys, pb) != 0)
        return -1;
    if (hub_jv_read_int(v, "", "format", HUB_JV_REQUIRED,
                        HUB_INSTALLATION_FORMAT, HUB_INSTALLATION_FORMAT,
                        &format, pb) < 0 ||
        hub_jv_read_text(v, "", "install_id", HUB_JV_REQUIRED,
                         hub_installation_is_id,
                         "an install id (32 lowercase hex digits)",
                         &rec->install_id, pb) < 0 ||
        hub_jv_read_text(v, "", "version", HUB_JV_REQUIRED,
                         hub_valid_version,
                         "a version of 1 to 64 printable ASCII characters",
                         &rec->version, pb) < 0 ||
        hub_jv_read_int(v, "", "tested_at", HUB_JV_REQUIRED, 0,
                        HUB_JV_SAFE_INT_MAX, &rec->tested_at, pb) < 0 ||
        hub_jv_read_text(v, "", "result", HUB_JV_REQUIRED,
                         hub_installation_is_status,
                         "\"pass\", \"warn\" or \"fail\"", &rec->result,
                         pb) < 0 ||
        hub_jv_read_array(v, "", "checks", HUB_JV_REQUIRED,
                          HUB_INSTALLATION_CHECKS_MAX, &checks, pb) < 0)
        return -1;
    if (json_array_size(checks) == 0)
        return hub_problem_set(pb, HUB_PROBLEM_INVALID,
                               "checks: must name at least one check");
    for (i = 0; i < json_array_size(checks); i++) {
        hub_jv_path_index(path, sizeof(path), "checks", i);
        if (hub_installation_parse_check(json_array_get(checks, i), path,
                                         pb) != 0)
            return -1;
    }
    rec->obj = v;
    return 0;
}
