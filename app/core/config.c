#include "config.h"
#include "voice.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonload.h"

#define CFG_PATH_MAX JSONLOAD_PATH_MAX
#define CFG_LANG_CODE_MAX 8
#define CFG_SURVEY_ID_MAX 48
#define CFG_STORAGE_MIN_KB 64
/* Fits a 32-bit long once multiplied by 1024, the same on every board. */
#define CFG_STORAGE_MAX_KB 2097151
#define CFG_TOUCH_LO (-0.5)
#define CFG_TOUCH_HI 1.5
#define CFG_CODE_CHARS "A-Z, a-z, 0-9, \".\", \"-\", \"_\""

/* yescrypt hash of the demo PIN "1234"; a real kiosk sets its own. */
#define CFG_DEMO_PIN_HASH                                                     \
    "$y$j9T$Pi5jPLvMgKP9GQsR3Llpw0$E7MwMVK3D7rjymjsB6UIhOMlKWTeaimg2qkWkL793NA"

typedef struct cfg_ctx {
    jsonload_t j;
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
    snprintf(c->unit_code, sizeof(c->unit_code), "%s", CONFIG_DEMO_UNIT);
    snprintf(c->unit_name, sizeof(c->unit_name),
             "Trung tâm Phục vụ hành chính công xã Minh Tân");
    snprintf(c->counter, sizeof(c->counter), "Quầy 1");
    for (i = 0; i < sizeof(cfg_default_fields) / sizeof(cfg_default_fields[0]);
         i++)
        snprintf(c->fields[c->n_fields++], CONFIG_CODE_MAX, "%s",
                 cfg_default_fields[i]);
    snprintf(c->dossier_field, sizeof(c->dossier_field), "khac");
    /* The shape every receipt had before 2025; the shipped list in
     * assets/config/dossier-formats.json adds the later ones. */
    snprintf(c->dossier_formats[0].id, DOSSIERFMT_ID_MAX, "%s",
             DOSSIER_TT01_ID);
    snprintf(c->dossier_formats[0].name, DOSSIERFMT_NAME_MAX, "%s",
             DOSSIER_TT01_NAME);
    if (dossierfmt_compile(DOSSIER_TT01_TEMPLATE, &c->dossier_formats[0],
                           NULL, 0) == 0)
        c->n_dossier_formats = 1;
    snprintf(c->survey, sizeof(c->survey), "sipas-short");
    snprintf(c->langs[c->n_langs++], sizeof(c->langs[0]), "vi");
    snprintf(c->langs[c->n_langs++], sizeof(c->langs[0]), "en");
    snprintf(c->langs[c->n_langs++], sizeof(c->langs[0]), "km");
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
    c->reach = CONFIG_REACH_FULL;
    c->voice_variant = VOICE_NORTH;
    c->max_db_bytes = 0;
    c->sync.enabled = 1;
    c->sync.interval_s = 300;
    c->sync.retention_days = 0;
    c->sync.batch = 2000;
    c->sync.connect_timeout_s = 15;
    c->sync.stall_timeout_s = 60;
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

/* ---- checks of this file ------------------------------------------- */

/* Seconds in the file, milliseconds in memory. */
static int cfg_seconds_member(cfg_ctx_t *x, json_t *obj, const char *path,
                              const char *key, int lo, int hi, int *out_ms)
{
    int s = *out_ms / 1000;

    if (jsonload_read_int_member(&x->j, obj, path, key, lo, hi, &s) != 0)
        return -1;
    if (json_object_get(obj, key) != NULL)
        *out_ms = s * 1000;
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
    jsonload_append_key(p, path, key);
    d = json_is_number(v) ? json_number_value(v) : CFG_TOUCH_LO - 1.0;
    if (!(d >= CFG_TOUCH_LO && d <= CFG_TOUCH_HI))
        return jsonload_set_error(&x->j, p,
                                  "must be a number from %.1f to %.1f",
                                  CFG_TOUCH_LO, CFG_TOUCH_HI);
    *out = d;
    return 0;
}

static int cfg_is_code_char(int ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.';
}

static int cfg_is_visible_ascii(int ch)
{
    return ch > 0x20 && ch < 0x7F;
}

/* Names are shown and reported: NFC, so equal names are equal bytes. */
static int cfg_text_value(cfg_ctx_t *x, json_t *v, const char *path,
                          char *out, size_t cap)
{
    char *text;
    size_t n;

    if (jsonload_read_text(&x->j, v, path, cap - 1, &text, &n) != 0)
        return -1;
    snprintf(out, cap, "%s", text);
    free(text);
    return 0;
}

/* ---- sections -------------------------------------------------------- */

static int cfg_parse_unit(cfg_ctx_t *x, json_t *v, const char *path)
{
    static const char *const keys[] = {"code", "name", NULL};
    config_t *c = x->c;
    json_t *e;
    char p[CFG_PATH_MAX];

    if (jsonload_check_keys(&x->j, v, path, keys) != 0)
        return -1;
    e = json_object_get(v, "code");
    jsonload_append_key(p, path, "code");
    if (e != NULL &&
        jsonload_read_code(&x->j, e, p, c->unit_code, sizeof(c->unit_code),
                           cfg_is_code_char, CFG_CODE_CHARS) != 0)
        return -1;
    e = json_object_get(v, "name");
    if (e == NULL)
        return 0;
    jsonload_append_key(p, path, "name");
    return cfg_text_value(x, e, p, c->unit_name, sizeof(c->unit_name));
}

static int cfg_parse_counter(cfg_ctx_t *x, json_t *v, const char *path)
{
    return cfg_text_value(x, v, path, x->c->counter, sizeof(x->c->counter));
}

static int cfg_parse_fields(cfg_ctx_t *x, json_t *v, const char *path)
{
    return jsonload_read_fields(&x->j, v, path, CONFIG_FIELD_MAX,
                                &x->c->fields[0][0], CONFIG_CODE_MAX,
                                &x->c->n_fields);
}

static int cfg_parse_dossier_field(cfg_ctx_t *x, json_t *v, const char *path)
{
    return jsonload_read_field(&x->j, v, path, x->c->dossier_field,
                               sizeof(x->c->dossier_field));
}

static int cfg_parse_dossier_format(cfg_ctx_t *x, json_t *v,
                                    const char *path, int index)
{
    static const char *const keys[] = {"id", "name", "template", "note",
                                       NULL};
    dossierfmt_t *f = &x->c->dossier_formats[index];
    char p[CFG_PATH_MAX];
    char msg[DOSSIERFMT_MSG_MAX];
    char note[CONFIG_NAME_MAX * 2];
    json_t *e;
    int i;

    if (jsonload_check_keys(&x->j, v, path, keys) != 0 ||
        jsonload_require_member(&x->j, v, path, "id", &e) != 0)
        return -1;
    memset(f, 0, sizeof(*f));
    jsonload_append_key(p, path, "id");
    if (jsonload_read_code(&x->j, e, p, f->id, sizeof(f->id),
                           jsonload_is_slug_char, "a-z, 0-9, \"-\"") != 0)
        return -1;
    for (i = 0; i < index; i++)
        if (strcmp(x->c->dossier_formats[i].id, f->id) == 0)
            return jsonload_set_error(&x->j, p, "\"%s\" is listed twice",
                                      f->id);
    if (jsonload_require_member(&x->j, v, path, "name", &e) != 0)
        return -1;
    jsonload_append_key(p, path, "name");
    if (cfg_text_value(x, e, p, f->name, sizeof(f->name)) != 0)
        return -1;
    /* A note is for the people who maintain the file: checked, not kept. */
    e = json_object_get(v, "note");
    jsonload_append_key(p, path, "note");
    if (e != NULL && cfg_text_value(x, e, p, note, sizeof(note)) != 0)
        return -1;
    if (jsonload_require_member(&x->j, v, path, "template", &e) != 0)
        return -1;
    jsonload_append_key(p, path, "template");
    if (!json_is_string(e))
        return jsonload_set_error(&x->j, p, "must be a template string");
    if (dossierfmt_compile(json_string_value(e), f, msg, sizeof(msg)) != 0)
        return jsonload_set_error(&x->j, p, "%s", msg);
    return 0;
}

static int cfg_parse_dossier_formats(cfg_ctx_t *x, json_t *v,
                                     const char *path)
{
    char p[CFG_PATH_MAX];
    size_t i, n;

    if (jsonload_check_list(&x->j, v, path, 1, DOSSIER_FORMAT_MAX,
                            "dossier code formats") != 0)
        return -1;
    n = json_array_size(v);
    for (i = 0; i < n; i++) {
        jsonload_append_index(p, path, i);
        if (cfg_parse_dossier_format(x, json_array_get(v, i), p, (int)i) != 0)
            return -1;
    }
    x->c->n_dossier_formats = (int)n;
    return 0;
}

/* Without a '/', the value names a shipped survey by id; with one, it is a
 * file path, which the host resolves. */
static int cfg_parse_survey(cfg_ctx_t *x, json_t *v, const char *path)
{
    config_t *c = x->c;
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;

    if (s == NULL || s[0] == '\0' || strlen(s) >= sizeof(c->survey))
        return jsonload_set_error(
            &x->j, path, "must be a survey id or a path of at most %zu bytes",
            sizeof(c->survey) - 1);
    if (strchr(s, '/') == NULL &&
        !jsonload_is_word(s, CFG_SURVEY_ID_MAX, jsonload_is_slug_char))
        return jsonload_set_error(
            &x->j, path,
            "must be a survey id (a-z, 0-9, \"-\") or a path "
            "containing \"/\"");
    snprintf(c->survey, sizeof(c->survey), "%s", s);
    return 0;
}

static int cfg_parse_languages(cfg_ctx_t *x, json_t *v, const char *path)
{
    config_t *c = x->c;
    const char *codes[CONFIG_LANG_MAX];
    size_t i, n;

    if (jsonload_read_langs(&x->j, v, path, CONFIG_LANG_MAX, codes, &n) != 0)
        return -1;
    for (i = 0; i < n; i++)
        snprintf(c->langs[i], sizeof(c->langs[i]), "%s", codes[i]);
    c->n_langs = (int)n;
    c->langs_given = 1;
    return 0;
}

static int cfg_parse_timeouts(cfg_ctx_t *x, json_t *v, const char *path)
{
    static const char *const keys[] = {"inactivity_s", "thanks_s",
                                       "highlight_ms", NULL};
    config_t *c = x->c;

    if (jsonload_check_keys(&x->j, v, path, keys) != 0 ||
        cfg_seconds_member(x, v, path, "inactivity_s", 5, 600,
                           &c->inactivity_ms) != 0 ||
        cfg_seconds_member(x, v, path, "thanks_s", 1, 60, &c->thanks_ms) !=
            0 ||
        jsonload_read_int_member(&x->j, v, path, "highlight_ms", 0, 400,
                                 &c->highlight_ms) != 0)
        return -1;
    return 0;
}

static int cfg_parse_misuse(cfg_ctx_t *x, json_t *v, const char *path)
{
    static const char *const keys[] = {"min_interval_s", "burst_count",
                                       "burst_window_s", NULL};
    config_t *c = x->c;

    if (jsonload_check_keys(&x->j, v, path, keys) != 0 ||
        cfg_seconds_member(x, v, path, "min_interval_s", 0, 3600,
                           &c->min_interval_ms) != 0 ||
        jsonload_read_int_member(&x->j, v, path, "burst_count", 0, 1000,
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
    jsonload_append_key(p, path, "pin_hash");
    if (!json_is_string(v) || json_string_value(v)[0] != '$' ||
        !jsonload_is_word(json_string_value(v), sizeof(c->admin_pin_hash),
                          cfg_is_visible_ascii))
        return jsonload_set_error(
            &x->j, p,
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

    if (jsonload_check_keys(&x->j, v, path, keys) != 0 ||
        cfg_parse_pin_hash(x, v, path) != 0 ||
        jsonload_read_int_member(&x->j, v, path, "taps", 3, 10,
                                 &c->admin_taps) != 0 ||
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
    int k;

    if (jsonload_check_keys(&x->j, v, path, keys) != 0)
        return -1;
    jsonload_append_key(p, path, "code");
    if (jsonload_require_member(&x->j, v, path, "code", &e) != 0 ||
        jsonload_read_code(&x->j, e, p, o->code, sizeof(o->code),
                           cfg_is_code_char, CFG_CODE_CHARS) != 0)
        return -1;
    for (k = 0; k < oi; k++)
        if (strcmp(x->c->officers[k].code, o->code) == 0)
            return jsonload_set_error(&x->j, p, "\"%s\" is listed twice",
                                      o->code);
    jsonload_append_key(p, path, "name");
    if (jsonload_require_member(&x->j, v, path, "name", &e) != 0)
        return -1;
    return cfg_text_value(x, e, p, o->name, sizeof(o->name));
}

static int cfg_parse_officer_list(cfg_ctx_t *x, json_t *v, const char *path)
{
    char p[CFG_PATH_MAX];
    size_t i, n;

    if (jsonload_check_list(&x->j, v, path, 0, CONFIG_OFFICER_MAX,
                            "officers") != 0)
        return -1;
    n = json_array_size(v);
    for (i = 0; i < n; i++) {
        jsonload_append_index(p, path, i);
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

    if (jsonload_check_keys(&x->j, v, path, keys) != 0)
        return -1;
    e = json_object_get(v, "badge_prefix");
    jsonload_append_key(p, path, "badge_prefix");
    if (e != NULL &&
        jsonload_read_code(&x->j, e, p, c->badge_prefix,
                           sizeof(c->badge_prefix), cfg_is_visible_ascii,
                           "visible ASCII") != 0)
        return -1;
    e = json_object_get(v, "list");
    if (e == NULL)
        return 0;
    jsonload_append_key(p, path, "list");
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
    jsonload_append_key(p, path,
                        json_object_get(v, hi_key) != NULL ? hi_key : lo_key);
    return jsonload_set_error(&x->j, p, "%s must be less than %s", lo_key,
                              hi_key);
}

static int cfg_parse_touch(cfg_ctx_t *x, json_t *v, const char *path)
{
    static const char *const keys[] = {"rotation", "min_x", "max_x",
                                       "min_y",    "max_y", NULL};
    config_touch_t *t = &x->c->touch;
    json_t *r = json_object_get(v, "rotation");
    char p[CFG_PATH_MAX];
    json_int_t deg;

    if (jsonload_check_keys(&x->j, v, path, keys) != 0)
        return -1;
    if (r != NULL) {
        jsonload_append_key(p, path, "rotation");
        deg = json_is_integer(r) ? json_integer_value(r) : -1;
        if (deg != 0 && deg != 90 && deg != 180 && deg != 270)
            return jsonload_set_error(&x->j, p, "must be 0, 90, 180 or 270");
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

/* Indexed by config_reach_t. */
static const char *const cfg_reach_words[] = {"full", "low", NULL};

static int cfg_parse_reach(cfg_ctx_t *x, json_t *obj, const char *path)
{
    json_t *v = json_object_get(obj, "reach");
    char p[CFG_PATH_MAX];
    int i;

    if (v == NULL)
        return 0;
    jsonload_append_key(p, path, "reach");
    i = json_is_string(v)
            ? jsonload_find_word(json_string_value(v), cfg_reach_words)
            : -1;
    if (i < 0)
        return jsonload_set_error(&x->j, p, "must be \"full\" or \"low\"");
    x->c->reach = (config_reach_t)i;
    return 0;
}

static int cfg_parse_display(cfg_ctx_t *x, json_t *v, const char *path)
{
    static const char *const keys[] = {"dpi", "public_figure", "reach",
                                       "touch", NULL};
    config_t *c = x->c;
    json_t *t;
    char p[CFG_PATH_MAX];

    if (jsonload_check_keys(&x->j, v, path, keys) != 0 ||
        jsonload_read_int_member(&x->j, v, path, "dpi", 50, 600,
                                 &c->dpi) != 0 ||
        jsonload_read_bool_member(&x->j, v, path, "public_figure",
                                  &c->show_public_figure) != 0 ||
        cfg_parse_reach(x, v, path) != 0)
        return -1;
    t = json_object_get(v, "touch");
    if (t == NULL)
        return 0;
    jsonload_append_key(p, path, "touch");
    return cfg_parse_touch(x, t, p);
}

/* "voice": {"variant": "north"|"central"|"south"}: which generated set of
 * Vietnamese prompts the kiosk plays (docs/VOICE.md). */
static int cfg_parse_voice(cfg_ctx_t *x, json_t *v, const char *path)
{
    static const char *const keys[] = {"variant", NULL};
    json_t *e;
    char p[CFG_PATH_MAX];
    int i;

    if (jsonload_check_keys(&x->j, v, path, keys) != 0)
        return -1;
    e = json_object_get(v, "variant");
    if (e == NULL)
        return 0;
    jsonload_append_key(p, path, "variant");
    i = json_is_string(e) ? voice_variant_parse(json_string_value(e)) : -1;
    if (i < 0)
        return jsonload_set_error(
            &x->j, p, "must be \"north\", \"central\" or \"south\"");
    x->c->voice_variant = i;
    return 0;
}

static int cfg_parse_storage(cfg_ctx_t *x, json_t *v, const char *path)
{
    static const char *const keys[] = {"max_kb", NULL};
    json_t *e;
    char p[CFG_PATH_MAX];
    json_int_t kb;

    if (jsonload_check_keys(&x->j, v, path, keys) != 0)
        return -1;
    e = json_object_get(v, "max_kb");
    if (e == NULL)
        return 0;
    jsonload_append_key(p, path, "max_kb");
    kb = json_is_integer(e) ? json_integer_value(e) : -1;
    if (kb != 0 && (kb < CFG_STORAGE_MIN_KB || kb > CFG_STORAGE_MAX_KB))
        return jsonload_set_error(
            &x->j, p, "must be 0 (no cap) or an integer from %d to %d",
            CFG_STORAGE_MIN_KB, CFG_STORAGE_MAX_KB);
    x->c->max_db_bytes = (long)kb * 1024L;
    return 0;
}

static int cfg_parse_sync(cfg_ctx_t *x, json_t *v, const char *path)
{
    static const char *const keys[] = {
        "enabled",   "interval_s",        "retention_days",
        "batch",     "connect_timeout_s", "stall_timeout_s", NULL};
    config_sync_t *s = &x->c->sync;

    /* The batch bound is the hub's row limit per upload; retention up to
     * ten years. */
    if (jsonload_check_keys(&x->j, v, path, keys) != 0 ||
        jsonload_read_bool_member(&x->j, v, path, "enabled", &s->enabled) !=
            0 ||
        jsonload_read_int_member(&x->j, v, path, "interval_s", 1, 86400,
                                 &s->interval_s) != 0 ||
        jsonload_read_int_member(&x->j, v, path, "retention_days", 0, 3650,
                                 &s->retention_days) != 0 ||
        jsonload_read_int_member(&x->j, v, path, "batch", 1, 20000,
                                 &s->batch) != 0 ||
        jsonload_read_int_member(&x->j, v, path, "connect_timeout_s", 1, 600,
                                 &s->connect_timeout_s) != 0 ||
        jsonload_read_int_member(&x->j, v, path, "stall_timeout_s", 1, 3600,
                                 &s->stall_timeout_s) != 0)
        return -1;
    return 0;
}

static const cfg_section_t cfg_sections[] = {
    {"unit", cfg_parse_unit},
    {"counter", cfg_parse_counter},
    {"fields", cfg_parse_fields},
    {"dossier_field", cfg_parse_dossier_field},
    {"dossier_formats", cfg_parse_dossier_formats},
    {"survey", cfg_parse_survey},
    {"languages", cfg_parse_languages},
    {"timeouts", cfg_parse_timeouts},
    {"misuse", cfg_parse_misuse},
    {"admin", cfg_parse_admin},
    {"officers", cfg_parse_officers},
    {"display", cfg_parse_display},
    {"storage", cfg_parse_storage},
    {"voice", cfg_parse_voice},
    {"sync", cfg_parse_sync},
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
    if (jsonload_check_keys(&x->j, root, "", names) != 0)
        return -1;
    for (i = 0; i < CFG_SECTION_COUNT; i++) {
        v = json_object_get(root, cfg_sections[i].key);
        if (v == NULL)
            continue;
        jsonload_append_key(p, "", cfg_sections[i].key);
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
    json_t *root;
    int rc;

    jsonload_reset_err(err, name);
    if (c == NULL || text == NULL || len > CONFIG_SOURCE_MAX) {
        err_set(err, "", "a configuration must be text of at most %d bytes",
                CONFIG_SOURCE_MAX);
        return -1;
    }
    root = jsonload_parse_text(text, len, err);
    if (root == NULL)
        return -1;
    x.j = (jsonload_t){.text = text, .len = len, .err = err};
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
