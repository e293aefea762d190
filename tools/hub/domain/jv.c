#include "hub/domain/jv.h"

#include <stdio.h>
#include <string.h>

#include "hub/base/valid.h"

static const char *hub_jv_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a number with a fraction or exponent";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    }
    return "something else";
}

void hub_jv_path_key(char *buf, size_t cap, const char *path,
                     const char *key)
{
    snprintf(buf, cap, "%s%s%s", path, path[0] ? "." : "", key);
}

void hub_jv_path_index(char *buf, size_t cap, const char *path, size_t i)
{
    snprintf(buf, cap, "%s[%zu]", path, i);
}

static int hub_jv_refuse(hub_problem_t *pb, const char *path, const char *key,
                         const char *what)
{
    char p[HUB_JV_PATH_MAX];

    hub_jv_path_key(p, sizeof(p), path, key);
    hub_problem_set(pb, HUB_PROBLEM_INVALID, "%s: %s", p, what);
    return -1;
}

int hub_jv_check_object(const json_t *v, const char *path,
                        const char *const *known, hub_problem_t *pb)
{
    const char *key;
    json_t *value;
    size_t i;

    if (!json_is_object(v)) {
        hub_problem_set(pb, HUB_PROBLEM_INVALID,
                        "%s: must be an object, got %s",
                        path[0] ? path : "body", hub_jv_type_name(v));
        return -1;
    }
    json_object_foreach((json_t *)v, key, value) {
        for (i = 0; known[i]; i++)
            if (strcmp(known[i], key) == 0)
                break;
        if (!known[i]) {
            char p[HUB_JV_PATH_MAX];
            char shown[HUB_CODE_MAX + 1];

            /* A foreign key is shown only as far as it is a plain code,
             * so the message stays short and printable. */
            snprintf(shown, sizeof(shown), "%s", key);
            if (!hub_valid_code(shown))
                snprintf(shown, sizeof(shown), "(unprintable)");
            hub_jv_path_key(p, sizeof(p), path, shown);
            hub_problem_set(pb, HUB_PROBLEM_INVALID, "%s: unknown key", p);
            return -1;
        }
        (void)value;
    }
    return 0;
}

/* The member, or NULL when it is absent and optional or null and
 * nullable; *rc is -1 after a refusal, 0 otherwise. */
static const json_t *hub_jv_member(const json_t *obj, const char *path,
                                   const char *key, int flags, int *rc,
                                   hub_problem_t *pb)
{
    const json_t *v = json_object_get(obj, key);

    *rc = 0;
    if (!v) {
        if (!(flags & HUB_JV_OPTIONAL))
            *rc = hub_jv_refuse(pb, path, key, "is required");
        return NULL;
    }
    return json_is_null(v) && (flags & HUB_JV_NULLABLE) ? NULL : v;
}

int hub_jv_read_int(const json_t *obj, const char *path, const char *key,
                    int flags, int64_t lo, int64_t hi, int64_t *out,
                    hub_problem_t *pb)
{
    char what[128];
    const json_t *v;
    json_int_t x;
    int rc;

    v = hub_jv_member(obj, path, key, flags, &rc, pb);
    if (!v)
        return rc;
    x = json_is_integer(v) ? json_integer_value(v) : 0;
    if (!json_is_integer(v) || x < lo || x > hi) {
        snprintf(what, sizeof(what), "must be an integer from %lld to %lld%s%s",
                 (long long)lo, (long long)hi,
                 json_is_integer(v) ? "" : ", got ",
                 json_is_integer(v) ? "" : hub_jv_type_name(v));
        return hub_jv_refuse(pb, path, key, what);
    }
    *out = x;
    return 1;
}

int hub_jv_read_bool(const json_t *obj, const char *path, const char *key,
                     int flags, int *out, hub_problem_t *pb)
{
    const json_t *v;
    int rc;

    v = hub_jv_member(obj, path, key, flags, &rc, pb);
    if (!v)
        return rc;
    if (!json_is_boolean(v))
        return hub_jv_refuse(pb, path, key, "must be true or false");
    *out = json_is_true(v);
    return 1;
}

static int hub_jv_read_string(const json_t *obj, const char *path,
                              const char *key, int flags, const char **out,
                              hub_problem_t *pb)
{
    const json_t *v;
    int rc;

    v = hub_jv_member(obj, path, key, flags, &rc, pb);
    if (!v)
        return rc;
    if (!json_is_string(v)) {
        char what[64];

        snprintf(what, sizeof(what), "must be a string, got %s",
                 hub_jv_type_name(v));
        return hub_jv_refuse(pb, path, key, what);
    }
    /* JSON strings may hold NUL as \u0000; text with an embedded NUL
     * would be cut short in C and in SQLite, so it is refused. */
    if (strlen(json_string_value(v)) != json_string_length(v))
        return hub_jv_refuse(pb, path, key, "must not contain NUL");
    *out = json_string_value(v);
    return 1;
}

int hub_jv_read_code(const json_t *obj, const char *path, const char *key,
                     int flags, const char **out, hub_problem_t *pb)
{
    const char *s;
    int rc = hub_jv_read_string(obj, path, key, flags, &s, pb);

    if (rc != 1)
        return rc;
    if (!hub_valid_code(s) && !(s[0] == '\0' && (flags & HUB_JV_EMPTY)))
        return hub_jv_refuse(pb, path, key,
                             "must be a code of 1 to 64 letters, digits,"
                             " '.', '_' or '-'");
    *out = s;
    return 1;
}

int hub_jv_read_name(const json_t *obj, const char *path, const char *key,
                     int flags, size_t max, const char **out, hub_problem_t *pb)
{
    char what[128];
    const char *s;
    int rc = hub_jv_read_string(obj, path, key, flags, &s, pb);

    if (rc != 1)
        return rc;
    if (!hub_valid_name(s, max, (flags & HUB_JV_EMPTY) != 0)) {
        snprintf(what, sizeof(what),
                 "must be text of %s%zu bytes without control characters",
                 (flags & HUB_JV_EMPTY) ? "0 to " : "1 to ", max);
        return hub_jv_refuse(pb, path, key, what);
    }
    *out = s;
    return 1;
}

int hub_jv_read_text(const json_t *obj, const char *path, const char *key,
                     int flags, int (*ok)(const char *s), const char *what,
                     const char **out, hub_problem_t *pb)
{
    char msg[160];
    const char *s;
    int rc = hub_jv_read_string(obj, path, key, flags, &s, pb);

    if (rc != 1)
        return rc;
    if (!ok(s)) {
        snprintf(msg, sizeof(msg), "must be %s", what);
        return hub_jv_refuse(pb, path, key, msg);
    }
    *out = s;
    return 1;
}

int hub_jv_read_array(const json_t *obj, const char *path, const char *key,
                      int flags, size_t max, const json_t **out,
                      hub_problem_t *pb)
{
    char what[96];
    const json_t *v;
    int rc;

    v = hub_jv_member(obj, path, key, flags, &rc, pb);
    if (!v)
        return rc;
    if (!json_is_array(v)) {
        snprintf(what, sizeof(what), "must be an array, got %s",
                 hub_jv_type_name(v));
        return hub_jv_refuse(pb, path, key, what);
    }
    if (json_array_size(v) > max) {
        snprintf(what, sizeof(what), "must have at most %zu elements", max);
        return hub_jv_refuse(pb, path, key, what);
    }
    *out = v;
    return 1;
}
