#include "config.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "fields.h"
#include "jsonpos.h"

#define CFG_PATH_MAX ERR_FIELD_MAX
#define CFG_LANG_CODE_MAX 8
#define CFG_SURVEY_ID_MAX 48
#define CFG_STORAGE_MIN_KB 64
/* Fits a 32-bit long once multiplied by 1024, the same on every board. */
#define CFG_STORAGE_MAX_KB 2097151
#define CFG_TOUCH_LO (-0.5)
#define CFG_TOUCH_HI 1.5

/* yescrypt hash of the demo PIN "1234"; a real kiosk sets its own. */
#define CFG_DEMO_PIN_HASH                                                     \
    "$y$j9T$Pi5jPLvMgKP9GQsR3Llpw0$E7MwMVK3D7rjymjsB6UIhOMlKWTeaimg2qkWkL793NA"

typedef struct cfg_ctx {
    const char *text;
    size_t len;
    err_t *err;
    config_t *c;
} cfg_ctx_t;

typedef int (*cfg_section_fn)(cfg_ctx_t *x, json_t *v, const char *path);

typedef struct cfg_section {
    const char *key;
    cfg_section_fn parse;
} cfg_section_t;

static const char *const cfg_default_fields[] = {
    "dat-dai", "xay-dung", "dau-tu", "tu-phap", "khac",
};

static const config_officer_t cfg_default_officers[] = {
    {"CB001", "Nguyễn Thị Hoa"},
    {"CB002", "Trần Văn Bình"},
};

/* ---- defaults -------------------------------------------------------- */

void config_defaults(config_t *c)
{
    size_t i;

    memset(c, 0, sizeof(*c));
    snprintf(c->unit_code, sizeof(c->unit_code), "DEMO-XA-01");
    snprintf(c->unit_name, sizeof(c->unit_name),
             "UBND xã Minh Tân – Bộ phận Một cửa");
    snprintf(c->counter, sizeof(c->counter), "Quầy 1");
    for (i = 0; i < sizeof(cfg_default_fields) / sizeof(cfg_default_fields[0]);
         i++)
        snprintf(c->fields[c->n_fields++], CONFIG_CODE_MAX, "%s",
                 cfg_default_fields[i]);
    snprintf(c->dossier_field, sizeof(c->dossier_field), "khac");
    snprintf(c->survey, sizeof(c->survey), "sipas-short");
    snprintf(c->langs[c->n_langs++], sizeof(c->langs[0]), "vi");
    snprintf(c->langs[c->n_langs++], sizeof(c->langs[0]), "en");
    c->inactivity_ms = 30000;
    c->thanks_ms = 5000;
    c->highlight_ms = 250;
    c->min_interval_ms = 10000;
    c->burst_count = 6;
    c->burst_window_ms = 120000;
    snprintf(c->admin_pin_hash, sizeof(c->admin_pin_hash), "%s",
             CFG_DEMO_PIN_HASH);
    c->admin_taps = 5;
    c->admin_window_ms = 3000;
    snprintf(c->badge_prefix, sizeof(c->badge_prefix), "CB:");
    for (i = 0;
         i < sizeof(cfg_default_officers) / sizeof(cfg_default_officers[0]);
         i++)
        c->officers[c->n_officers++] = cfg_default_officers[i];
    c->dpi = 133;
    c->touch.rotation = 0;
    c->touch.min_x = 0.0;
    c->touch.max_x = 1.0;
    c->touch.min_y = 0.0;
    c->touch.max_y = 1.0;
    c->show_public_figure = 0;
    c->max_db_bytes = 0;
}

const config_officer_t *config_find_officer(const config_t *c,
                                            const char *code)
{
    int i;

    if (c == NULL || code == NULL)
        return NULL;
    for (i = 0; i < c->n_officers; i++)
        if (strcmp(c->officers[i].code, code) == 0)
            return &c->officers[i];
    return NULL;
}

/* ---- errors and paths ------------------------------------------------ */

static int cfg_fail(cfg_ctx_t *x, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int cfg_fail(cfg_ctx_t *x, const char *path, const char *fmt, ...)
{
    va_list ap;
    int line = 0, column = 0;

    snprintf(x->err->field, sizeof(x->err->field), "%s", path);
    va_start(ap, fmt);
    vsnprintf(x->err->msg, sizeof(x->err->msg), fmt, ap);
    va_end(ap);
    if (jsonpos_locate(x->text, x->len, path, &line, &column) < 0)
        line = column = 0;
    x->err->line = line;
    x->err->column = column;
    return -1;
}

static int cfg_key_is_plain(const char *key)
{
    const char *k;

    if (key[0] == '\0')
        return 0;
    for (k = key; *k != '\0'; k++)
        if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
              (*k >= '0' && *k <= '9') || *k == '-' || *k == '_'))
            return 0;
    return 1;
}

/* parent.key, or parent["key"] for keys jsonpos_locate could misread. */
static void cfg_path_key(char out[CFG_PATH_MAX], const char *parent,
                         const char *key)
{
    size_t n;
    const char *k;

    if (cfg_key_is_plain(key)) {
        if (snprintf(out, CFG_PATH_MAX, "%s%s%s", parent,
                     parent[0] ? "." : "", key) >= CFG_PATH_MAX)
            out[CFG_PATH_MAX - 1] = '\0';
        return;
    }
    n = (size_t)snprintf(out, CFG_PATH_MAX, "%s[\"", parent);
    if (n + 3 >= CFG_PATH_MAX) {
        out[CFG_PATH_MAX - 1] = '\0';
        return;
    }
    for (k = key; *k != '\0' && n + 4 < CFG_PATH_MAX; k++) {
        if (*k == '"' || *k == '\\')
            out[n++] = '\\';
        out[n++] = *k;
    }
    out[n++] = '"';
    out[n++] = ']';
    out[n] = '\0';
}

static void cfg_path_index(char out[CFG_PATH_MAX], const char *parent,
                           size_t index)
{
    if (snprintf(out, CFG_PATH_MAX, "%s[%zu]", parent, index) >= CFG_PATH_MAX)
        out[CFG_PATH_MAX - 1] = '\0';
}

/* ---- generic checks -------------------------------------------------- */

static int cfg_in_list(const char *word, const char *const *list)
{
    size_t i;

    for (i = 0; list[i] != NULL; i++)
        if (strcmp(word, list[i]) == 0)
            return 1;
    return 0;
}

static void cfg_join(char *out, size_t cap, const char *const *list)
{
    size_t i, n = 0;
    int w;

    out[0] = '\0';
    for (i = 0; list[i] != NULL && n < cap; i++) {
        w = snprintf(out + n, cap - n, "%s%s", i ? ", " : "", list[i]);
        if (w < 0)
            return;
        n += (size_t)w;
    }
}

/* A typo in a key must stop the kiosk, not silently keep a default. */
static int cfg_check_object(cfg_ctx_t *x, json_t *obj, const char *path,
                            const char *const *allowed)
{
    const char *key;
    json_t *v;
    char p[CFG_PATH_MAX], names[200];

    if (!json_is_object(obj))
        return cfg_fail(x, path, "must be an object");
    json_object_foreach(obj, key, v) {
        if (cfg_in_list(key, allowed))
            continue;
        cfg_path_key(p, path, key);
        cfg_join(names, sizeof(names), allowed);
        return cfg_fail(x, p, "unknown key; expected one of: %s", names);
    }
    return 0;
}

/* Absent keys keep what *c already holds. */
static int cfg_int_member(cfg_ctx_t *x, json_t *obj, const char *path,
                          const char *key, int lo, int hi, int *out)
{
    json_t *v = json_object_get(obj, key);
    char p[CFG_PATH_MAX];
    json_int_t n;

    if (v == NULL)
        return 0;
    cfg_path_key(p, path, key);
    n = json_is_integer(v) ? json_integer_value(v) : (json_int_t)lo - 1;
    if (n < lo || n > hi)
        return cfg_fail(x, p, "must be an integer from %d to %d", lo, hi);
    *out = (int)n;
    return 0;
}

/* Seconds in the file, milliseconds in memory. */
static int cfg_seconds_member(cfg_ctx_t *x, json_t *obj, const char *path,
                              const char *key, int lo, int hi, int *out_ms)
{
    int s = *out_ms / 1000;

    if (cfg_int_member(x, obj, path, key, lo, hi, &s) != 0)
        return -1;
    if (json_object_get(obj, key) != NULL)
        *out_ms = s * 1000;
    return 0;
}

static int cfg_bool_member(cfg_ctx_t *x, json_t *obj, const char *path,
                           const char *key, int *out)
{
    json_t *v = json_object_get(obj, key);
    char p[CFG_PATH_MAX];

    if (v == NULL)
        return 0;
    cfg_path_key(p, path, key);
    if (!json_is_boolean(v))
        return cfg_fail(x, p, "must be true or false");
    *out = json_is_true(v);
    return 0;
}

static int cfg_touch_member(cfg_ctx_t *x, json_t *obj, const char *path,
                            const char *key, double *out)
{
    json_t *v = json_object_get(obj, key);
    char p[CFG_PATH_MAX];
    double d;

    if (v == NULL)
        return 0;
    cfg_path_key(p, path, key);
    d = json_is_number(v) ? json_number_value(v) : CFG_TOUCH_LO - 1.0;
    if (!(d >= CFG_TOUCH_LO && d <= CFG_TOUCH_HI))
        return cfg_fail(x, p, "must be a number from %.1f to %.1f",
                        CFG_TOUCH_LO, CFG_TOUCH_HI);
    *out = d;
    return 0;
}

static int cfg_is_code_char(int ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.';
}

static int cfg_is_slug_char(int ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
}

static int cfg_is_visible_ascii(int ch)
{
    return ch > 0x20 && ch < 0x7F;
}

static int cfg_string_matches(const char *s, size_t cap, int (*ok)(int))
{
    size_t n = strlen(s), i;

    if (n == 0 || n >= cap)
        return 0;
    for (i = 0; i < n; i++)
        if (!ok((unsigned char)s[i]))
            return 0;
    return 1;
}

/* Codes end up in reports and file names: plain ASCII only. */
static int cfg_code_value(cfg_ctx_t *x, json_t *v, const char *path,
                          char *out, size_t cap, int (*ok)(int),
                          const char *what)
{
    if (!json_is_string(v) || !cfg_string_matches(json_string_value(v), cap, ok))
        return cfg_fail(x, path, "must be 1 to %zu characters from %s",
                        cap - 1, what);
    snprintf(out, cap, "%s", json_string_value(v));
    return 0;
}

static int cfg_text_check(cfg_ctx_t *x, const char *s, size_t n, size_t cap,
                          const char *path)
{
    size_t i;
    int blank = 1;

    for (i = 0; i < n; i++) {
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
            return cfg_fail(x, path, "must not contain control characters");
        if (s[i] != ' ')
            blank = 0;
    }
    if (blank)
        return cfg_fail(x, path, "must not be empty");
    if (n >= cap)
        return cfg_fail(x, path, "is %zu bytes long; at most %zu allowed", n,
                        cap - 1);
    return 0;
}

/* Names are shown and reported: NFC, so equal names are equal bytes. */
static int cfg_text_value(cfg_ctx_t *x, json_t *v, const char *path,
                          char *out, size_t cap)
{
    utf8proc_uint8_t *nfc = NULL;
    utf8proc_ssize_t n;
    int rc;

    if (!json_is_string(v))
        return cfg_fail(x, path, "must be a string");
    n = utf8proc_map((const utf8proc_uint8_t *)json_string_value(v),
                     (utf8proc_ssize_t)json_string_length(v), &nfc,
                     UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (n < 0) {
        free(nfc);
        return cfg_fail(x, path, "is not valid text: %s",
                        utf8proc_errmsg(n));
    }
    rc = cfg_text_check(x, (const char *)nfc, (size_t)n, cap, path);
    if (rc == 0)
        snprintf(out, cap, "%s", (const char *)nfc);
    free(nfc);
    return rc;
}

static int cfg_text_member(cfg_ctx_t *x, json_t *obj, const char *path,
                           const char *key, char *out, size_t cap)
{
    json_t *v = json_object_get(obj, key);
    char p[CFG_PATH_MAX];

    if (v == NULL)
        return 0;
    cfg_path_key(p, path, key);
    return cfg_text_value(x, v, p, out, cap);
}

static int cfg_array(cfg_ctx_t *x, json_t *v, const char *path, size_t lo,
                     size_t hi, const char *what)
{
    if (!json_is_array(v) || json_array_size(v) < lo ||
        json_array_size(v) > hi)
        return cfg_fail(x, path, "must be a list of %zu to %zu %s", lo, hi,
                        what);
    return 0;
}

/* ---- sections -------------------------------------------------------- */

static int cfg_parse_unit(cfg_ctx_t *x, json_t *v, const char *path)
{
    static const char *const keys[] = {"code", "name", NULL};
    config_t *c = x->c;
    json_t *code = json_object_get(v, "code");
    char p[CFG_PATH_MAX];

    if (cfg_check_object(x, v, path, keys) != 0)
        return -1;
    cfg_path_key(p, path, "code");
    if (code != NULL &&
        cfg_code_value(x, code, p, c->unit_code, sizeof(c->unit_code),
                       cfg_is_code_char, "A-Z, a-z, 0-9, \".\", \"-\", \"_\"") != 0)
        return -1;
    return cfg_text_member(x, v, path, "name", c->unit_name,
                           sizeof(c->unit_name));
}

static int cfg_parse_counter(cfg_ctx_t *x, json_t *v, const char *path)
{
    return cfg_text_value(x, v, path, x->c->counter, sizeof(x->c->counter));
}

static int cfg_field_value(cfg_ctx_t *x, json_t *v, const char *path,
                           char out[CONFIG_CODE_MAX])
{
    if (!json_is_string(v) || !fields_is_known(json_string_value(v)))
        return cfg_fail(x, path,
                        "must be a procedure field: dat-dai, xay-dung, "
                        "dau-tu, tu-phap, moi-truong, lao-dong, y-te, "
                        "giao-duc or khac");
    snprintf(out, CONFIG_CODE_MAX, "%s", json_string_value(v));
    return 0;
}

static int cfg_parse_fields(cfg_ctx_t *x, json_t *v, const char *path)
{
    config_t *c = x->c;
    char p[CFG_PATH_MAX];
    size_t i, n;
    int j;

    if (cfg_array(x, v, path, 1, CONFIG_FIELD_MAX, "field slugs") != 0)
        return -1;
    n = json_array_size(v);
    for (i = 0; i < n; i++) {
        cfg_path_index(p, path, i);
        if (cfg_field_value(x, json_array_get(v, i), p, c->fields[i]) != 0)
            return -1;
        for (j = 0; j < (int)i; j++)
            if (strcmp(c->fields[j], c->fields[i]) == 0)
                return cfg_fail(x, p, "\"%s\" is listed twice", c->fields[i]);
    }
    c->n_fields = (int)n;
    return 0;
}

static int cfg_parse_dossier_field(cfg_ctx_t *x, json_t *v, const char *path)
{
    return cfg_field_value(x, v, path, x->c->dossier_field);
}

/* Without a '/', the value names a shipped survey by id; with one, it is a
 * file path, which the host resolves. */
static int cfg_parse_survey(cfg_ctx_t *x, json_t *v, const char *path)
{
    config_t *c = x->c;
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;

    if (s == NULL || s[0] == '\0' || strlen(s) >= sizeof(c->survey))
        return cfg_fail(x, path,
                        "must be a survey id or a path of at most %zu bytes",
                        sizeof(c->survey) - 1);
    if (strchr(s, '/') == NULL &&
        !cfg_string_matches(s, CFG_SURVEY_ID_MAX, cfg_is_slug_char))
        return cfg_fail(x, path,
                        "must be a survey id (a-z, 0-9, \"-\") or a path "
                        "containing \"/\"");
    snprintf(c->survey, sizeof(c->survey), "%s", s);
    return 0;
}

static int cfg_lang_is_valid(const char *code)
{
    size_t n = strlen(code), i;

    if (n < 2 || n > 3)
        return 0;
    for (i = 0; i < n; i++)
        if (code[i] < 'a' || code[i] > 'z')
            return 0;
    return 1;
}

static int cfg_parse_languages(cfg_ctx_t *x, json_t *v, const char *path)
{
    config_t *c = x->c;
    char p[CFG_PATH_MAX];
    size_t i, n;
    int j, has_vi = 0;

    if (cfg_array(x, v, path, 1, CONFIG_LANG_MAX, "language codes") != 0)
        return -1;
    n = json_array_size(v);
    for (i = 0; i < n; i++) {
        json_t *e = json_array_get(v, i);

        cfg_path_index(p, path, i);
        if (!json_is_string(e) || !cfg_lang_is_valid(json_string_value(e)))
            return cfg_fail(x, p,
                            "must be a language code of 2 or 3 letters a-z, "
                            "such as \"vi\"");
        snprintf(c->langs[i], sizeof(c->langs[i]), "%s",
                 json_string_value(e));
        for (j = 0; j < (int)i; j++)
            if (strcmp(c->langs[j], c->langs[i]) == 0)
                return cfg_fail(x, p, "\"%s\" is listed twice", c->langs[i]);
        has_vi |= strcmp(c->langs[i], "vi") == 0;
    }
    if (!has_vi)
        return cfg_fail(x, path, "must include \"vi\" (Vietnamese)");
    c->n_langs = (int)n;
    return 0;
}

static int cfg_parse_timeouts(cfg_ctx_t *x, json_t *v, const char *path)
{
    static const char *const keys[] = {"inactivity_s", "thanks_s",
                                       "highlight_ms", NULL};
    config_t *c = x->c;

    if (cfg_check_object(x, v, path, keys) != 0 ||
        cfg_seconds_member(x, v, path, "inactivity_s", 5, 600,
                           &c->inactivity_ms) != 0 ||
        cfg_seconds_member(x, v, path, "thanks_s", 1, 60, &c->thanks_ms) !=
            0 ||
        cfg_int_member(x, v, path, "highlight_ms", 0, 400,
                       &c->highlight_ms) != 0)
        return -1;
    return 0;
}

static int cfg_parse_misuse(cfg_ctx_t *x, json_t *v, const char *path)
{
    static const char *const keys[] = {"min_interval_s", "burst_count",
                                       "burst_window_s", NULL};
    config_t *c = x->c;

    if (cfg_check_object(x, v, path, keys) != 0 ||
        cfg_seconds_member(x, v, path, "min_interval_s", 0, 3600,
                           &c->min_interval_ms) != 0 ||
        cfg_int_member(x, v, path, "burst_count", 0, 1000,
                       &c->burst_count) != 0 ||
        cfg_seconds_member(x, v, path, "burst_window_s", 1, 86400,
                           &c->burst_window_ms) != 0)
        return -1;
    return 0;
}

static int cfg_parse_pin_hash(cfg_ctx_t *x, json_t *obj, const char *path)
{
    config_t *c = x->c;
    json_t *v = json_object_get(obj, "pin_hash");
    char p[CFG_PATH_MAX];

    if (v == NULL)
        return 0;
    cfg_path_key(p, path, "pin_hash");
    if (!json_is_string(v) || json_string_value(v)[0] != '$' ||
        !cfg_string_matches(json_string_value(v), sizeof(c->admin_pin_hash),
                            cfg_is_visible_ascii))
        return cfg_fail(x, p,
                        "must be a crypt(3) hash starting with \"$\", at most "
                        "%zu characters (never the PIN itself)",
                        sizeof(c->admin_pin_hash) - 1);
    snprintf(c->admin_pin_hash, sizeof(c->admin_pin_hash), "%s",
             json_string_value(v));
    return 0;
}

static int cfg_parse_admin(cfg_ctx_t *x, json_t *v, const char *path)
{
    static const char *const keys[] = {"pin_hash", "taps", "window_s", NULL};
    config_t *c = x->c;

    if (cfg_check_object(x, v, path, keys) != 0 ||
        cfg_parse_pin_hash(x, v, path) != 0 ||
        cfg_int_member(x, v, path, "taps", 3, 10, &c->admin_taps) != 0 ||
        cfg_seconds_member(x, v, path, "window_s", 1, 10,
                           &c->admin_window_ms) != 0)
        return -1;
    return 0;
}

static int cfg_parse_officer(cfg_ctx_t *x, json_t *v, const char *path,
                             int oi)
{
    static const char *const keys[] = {"code", "name", NULL};
    config_officer_t *o = &x->c->officers[oi];
    json_t *e;
    char p[CFG_PATH_MAX];
    int j;

    if (cfg_check_object(x, v, path, keys) != 0)
        return -1;
    cfg_path_key(p, path, "code");
    e = json_object_get(v, "code");
    if (e == NULL)
        return cfg_fail(x, p, "is required");
    if (cfg_code_value(x, e, p, o->code, sizeof(o->code), cfg_is_code_char,
                       "A-Z, a-z, 0-9, \".\", \"-\", \"_\"") != 0)
        return -1;
    for (j = 0; j < oi; j++)
        if (strcmp(x->c->officers[j].code, o->code) == 0)
            return cfg_fail(x, p, "\"%s\" is listed twice", o->code);
    cfg_path_key(p, path, "name");
    e = json_object_get(v, "name");
    if (e == NULL)
        return cfg_fail(x, p, "is required");
    return cfg_text_value(x, e, p, o->name, sizeof(o->name));
}

static int cfg_parse_officer_list(cfg_ctx_t *x, json_t *v, const char *path)
{
    char p[CFG_PATH_MAX];
    size_t i, n;

    if (cfg_array(x, v, path, 0, CONFIG_OFFICER_MAX, "officers") != 0)
        return -1;
    n = json_array_size(v);
    for (i = 0; i < n; i++) {
        cfg_path_index(p, path, i);
        if (cfg_parse_officer(x, json_array_get(v, i), p, (int)i) != 0)
            return -1;
    }
    x->c->n_officers = (int)n;
    return 0;
}

static int cfg_parse_officers(cfg_ctx_t *x, json_t *v, const char *path)
{
    static const char *const keys[] = {"badge_prefix", "list", NULL};
    config_t *c = x->c;
    json_t *e;
    char p[CFG_PATH_MAX];

    if (cfg_check_object(x, v, path, keys) != 0)
        return -1;
    e = json_object_get(v, "badge_prefix");
    cfg_path_key(p, path, "badge_prefix");
    if (e != NULL &&
        cfg_code_value(x, e, p, c->badge_prefix, sizeof(c->badge_prefix),
                       cfg_is_visible_ascii, "visible ASCII") != 0)
        return -1;
    e = json_object_get(v, "list");
    if (e == NULL)
        return 0;
    cfg_path_key(p, path, "list");
    return cfg_parse_officer_list(x, e, p);
}

/* min < max must hold after merging with what *c held before, so the
 * message names whichever bound the file actually set. */
static int cfg_check_touch_range(cfg_ctx_t *x, json_t *v, const char *path,
                                 double lo, double hi, const char *lo_key,
                                 const char *hi_key)
{
    char p[CFG_PATH_MAX];

    if (lo < hi)
        return 0;
    cfg_path_key(p, path,
                 json_object_get(v, hi_key) != NULL ? hi_key : lo_key);
    return cfg_fail(x, p, "%s must be less than %s", lo_key, hi_key);
}

static int cfg_parse_touch(cfg_ctx_t *x, json_t *v, const char *path)
{
    static const char *const keys[] = {"rotation", "min_x", "max_x",
                                       "min_y",    "max_y", NULL};
    config_touch_t *t = &x->c->touch;
    json_t *r = json_object_get(v, "rotation");
    char p[CFG_PATH_MAX];
    json_int_t deg;

    if (cfg_check_object(x, v, path, keys) != 0)
        return -1;
    if (r != NULL) {
        cfg_path_key(p, path, "rotation");
        deg = json_is_integer(r) ? json_integer_value(r) : -1;
        if (deg != 0 && deg != 90 && deg != 180 && deg != 270)
            return cfg_fail(x, p, "must be 0, 90, 180 or 270");
        t->rotation = (int)deg;
    }
    if (cfg_touch_member(x, v, path, "min_x", &t->min_x) != 0 ||
        cfg_touch_member(x, v, path, "max_x", &t->max_x) != 0 ||
        cfg_touch_member(x, v, path, "min_y", &t->min_y) != 0 ||
        cfg_touch_member(x, v, path, "max_y", &t->max_y) != 0)
        return -1;
    if (cfg_check_touch_range(x, v, path, t->min_x, t->max_x, "min_x",
                              "max_x") != 0)
        return -1;
    return cfg_check_touch_range(x, v, path, t->min_y, t->max_y, "min_y",
                                 "max_y");
}

static int cfg_parse_display(cfg_ctx_t *x, json_t *v, const char *path)
{
    static const char *const keys[] = {"dpi", "public_figure", "touch", NULL};
    config_t *c = x->c;
    json_t *t;
    char p[CFG_PATH_MAX];

    if (cfg_check_object(x, v, path, keys) != 0 ||
        cfg_int_member(x, v, path, "dpi", 50, 600, &c->dpi) != 0 ||
        cfg_bool_member(x, v, path, "public_figure",
                        &c->show_public_figure) != 0)
        return -1;
    t = json_object_get(v, "touch");
    if (t == NULL)
        return 0;
    cfg_path_key(p, path, "touch");
    return cfg_parse_touch(x, t, p);
}

static int cfg_parse_storage(cfg_ctx_t *x, json_t *v, const char *path)
{
    static const char *const keys[] = {"max_kb", NULL};
    json_t *e;
    char p[CFG_PATH_MAX];
    json_int_t kb;

    if (cfg_check_object(x, v, path, keys) != 0)
        return -1;
    e = json_object_get(v, "max_kb");
    if (e == NULL)
        return 0;
    cfg_path_key(p, path, "max_kb");
    kb = json_is_integer(e) ? json_integer_value(e) : -1;
    if (kb != 0 && (kb < CFG_STORAGE_MIN_KB || kb > CFG_STORAGE_MAX_KB))
        return cfg_fail(x, p,
                        "must be 0 (no cap) or an integer from %d to %d",
                        CFG_STORAGE_MIN_KB, CFG_STORAGE_MAX_KB);
    x->c->max_db_bytes = (long)kb * 1024L;
    return 0;
}

static const cfg_section_t cfg_sections[] = {
    {"unit", cfg_parse_unit},
    {"counter", cfg_parse_counter},
    {"fields", cfg_parse_fields},
    {"dossier_field", cfg_parse_dossier_field},
    {"survey", cfg_parse_survey},
    {"languages", cfg_parse_languages},
    {"timeouts", cfg_parse_timeouts},
    {"misuse", cfg_parse_misuse},
    {"admin", cfg_parse_admin},
    {"officers", cfg_parse_officers},
    {"display", cfg_parse_display},
    {"storage", cfg_parse_storage},
};

#define CFG_SECTION_COUNT (sizeof(cfg_sections) / sizeof(cfg_sections[0]))

static int cfg_parse_root(cfg_ctx_t *x, json_t *root)
{
    const char *names[CFG_SECTION_COUNT + 1];
    char p[CFG_PATH_MAX];
    size_t i;
    json_t *v;

    for (i = 0; i < CFG_SECTION_COUNT; i++)
        names[i] = cfg_sections[i].key;
    names[CFG_SECTION_COUNT] = NULL;
    if (cfg_check_object(x, root, "", names) != 0)
        return -1;
    for (i = 0; i < CFG_SECTION_COUNT; i++) {
        v = json_object_get(root, cfg_sections[i].key);
        if (v == NULL)
            continue;
        cfg_path_key(p, "", cfg_sections[i].key);
        if (cfg_sections[i].parse(x, v, p) != 0)
            return -1;
    }
    return 0;
}

/* Parsed into a copy: on any error *c keeps exactly what it held. */
int config_parse(const char *text, size_t len, const char *name, config_t *c,
                 err_t *err)
{
    cfg_ctx_t x;
    json_error_t je;
    json_t *root;
    int rc;

    err_clear(err);
    snprintf(err->file, sizeof(err->file), "%s", name ? name : "");
    if (c == NULL || text == NULL || len > CONFIG_SOURCE_MAX) {
        err_set(err, "", "a configuration must be text of at most %d bytes",
                CONFIG_SOURCE_MAX);
        return -1;
    }
    root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (root == NULL) {
        err->line = je.line > 0 ? je.line : 0;
        err->column = je.column > 0 ? je.column : 0;
        err_set(err, "", "invalid JSON: %s", je.text);
        return -1;
    }
    x.text = text;
    x.len = len;
    x.err = err;
    x.c = malloc(sizeof(*x.c));
    if (x.c == NULL) {
        json_decref(root);
        err_set(err, "", "out of memory");
        return -1;
    }
    *x.c = *c;
    rc = cfg_parse_root(&x, root);
    json_decref(root);
    if (rc == 0)
        *c = *x.c;
    free(x.c);
    return rc;
}
