#include "i18n.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "jsonpos.h"

#define I18N_CODE_MAX 8
#define I18N_PATH_MAX ERR_FIELD_MAX
#define I18N_REFERENCE "vi"

/* Language 0 is always Vietnamese, the reference and the fallback. */
struct i18n {
    int n_langs;
    char langs[I18N_LANG_MAX][I18N_CODE_MAX];
    int n_keys;
    const char *keys[I18N_ENTRY_MAX];
    const char *texts[I18N_LANG_MAX][I18N_ENTRY_MAX];
    size_t pool_used;
    char pool[I18N_POOL_MAX];
};

typedef struct i18n_ctx {
    const char *text;
    size_t len;
    err_t *err;
    i18n_t *t;
} i18n_ctx_t;

static int i18n_fail(i18n_ctx_t *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int i18n_fail(i18n_ctx_t *c, const char *path, const char *fmt, ...)
{
    va_list ap;
    int line = 0, column = 0;

    snprintf(c->err->field, sizeof(c->err->field), "%s", path);
    va_start(ap, fmt);
    vsnprintf(c->err->msg, sizeof(c->err->msg), fmt, ap);
    va_end(ap);
    if (jsonpos_locate(c->text, c->len, path, &line, &column) < 0)
        line = column = 0;
    c->err->line = line;
    c->err->column = column;
    return -1;
}

/* UI keys hold dots ("button.back"), so they are always written in the
 * quoted form that jsonpos_locate understands: en["button.back"]. */
static void i18n_path_key(char out[I18N_PATH_MAX], const char *lang,
                          const char *key)
{
    size_t n;
    const char *k;

    n = (size_t)snprintf(out, I18N_PATH_MAX, "%s[\"", lang);
    if (n + 3 >= I18N_PATH_MAX) {
        out[I18N_PATH_MAX - 1] = '\0';
        return;
    }
    for (k = key; *k != '\0' && n + 4 < I18N_PATH_MAX; k++) {
        if (*k == '"' || *k == '\\')
            out[n++] = '\\';
        out[n++] = *k;
    }
    out[n++] = '"';
    out[n++] = ']';
    out[n] = '\0';
}

static int i18n_lang_code_is_valid(const char *code)
{
    size_t n = strlen(code), i;

    if (n < 2 || n > 3)
        return 0;
    for (i = 0; i < n; i++)
        if (code[i] < 'a' || code[i] > 'z')
            return 0;
    return 1;
}

static int i18n_key_is_valid(const char *key)
{
    size_t n = strlen(key), i;

    if (n == 0 || n >= I18N_KEY_MAX)
        return 0;
    for (i = 0; i < n; i++)
        if (!((key[i] >= 'a' && key[i] <= 'z') ||
              (key[i] >= '0' && key[i] <= '9') || key[i] == '-' ||
              key[i] == '_' || key[i] == '.'))
            return 0;
    return 1;
}

static int i18n_find_lang(const i18n_t *t, const char *lang)
{
    int i;

    for (i = 0; i < t->n_langs; i++)
        if (strcmp(t->langs[i], lang) == 0)
            return i;
    return -1;
}

static int i18n_find_key(const i18n_t *t, const char *key)
{
    int i;

    for (i = 0; i < t->n_keys; i++)
        if (strcmp(t->keys[i], key) == 0)
            return i;
    return -1;
}

static int i18n_pool_add(i18n_ctx_t *c, const char *s, size_t n,
                         const char *path, const char **out)
{
    i18n_t *t = c->t;

    if (n + 1 > I18N_POOL_MAX - t->pool_used)
        return i18n_fail(c, path, "the texts exceed %d bytes in total",
                         I18N_POOL_MAX);
    memcpy(t->pool + t->pool_used, s, n);
    t->pool[t->pool_used + n] = '\0';
    *out = t->pool + t->pool_used;
    t->pool_used += n + 1;
    return 0;
}

static int i18n_text_check(i18n_ctx_t *c, const char *s, size_t n,
                           const char *path)
{
    size_t i;
    int blank = 1;

    for (i = 0; i < n; i++) {
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
            return i18n_fail(c, path,
                             "must not contain control characters (line "
                             "breaks, tabs)");
        if (s[i] != ' ')
            blank = 0;
    }
    if (blank)
        return i18n_fail(c, path, "must not be empty");
    if (n > I18N_TEXT_MAX)
        return i18n_fail(c, path, "is %zu bytes long; at most %d allowed", n,
                         I18N_TEXT_MAX);
    return 0;
}

/* NFC, so that text typed on any keyboard renders and compares the same. */
static int i18n_text_value(i18n_ctx_t *c, json_t *v, const char *path,
                           const char **out)
{
    utf8proc_uint8_t *nfc = NULL;
    utf8proc_ssize_t n;
    int rc;

    if (!json_is_string(v))
        return i18n_fail(c, path, "must be a string");
    n = utf8proc_map((const utf8proc_uint8_t *)json_string_value(v),
                     (utf8proc_ssize_t)json_string_length(v), &nfc,
                     UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (n < 0) {
        free(nfc);
        return i18n_fail(c, path, "is not valid text: %s",
                         utf8proc_errmsg(n));
    }
    rc = i18n_text_check(c, (const char *)nfc, (size_t)n, path);
    if (rc == 0)
        rc = i18n_pool_add(c, (const char *)nfc, (size_t)n, path, out);
    free(nfc);
    return rc;
}

/* Vietnamese defines the set of keys. */
static int i18n_parse_reference(i18n_ctx_t *c, json_t *obj)
{
    i18n_t *t = c->t;
    const char *key;
    json_t *v;
    char p[I18N_PATH_MAX];

    json_object_foreach(obj, key, v) {
        i18n_path_key(p, I18N_REFERENCE, key);
        if (!i18n_key_is_valid(key))
            return i18n_fail(c, p,
                             "a key must be 1 to %d characters from a-z, "
                             "0-9, \".\", \"-\" and \"_\"",
                             I18N_KEY_MAX - 1);
        if (t->n_keys >= I18N_ENTRY_MAX)
            return i18n_fail(c, p, "at most %d keys are allowed",
                             I18N_ENTRY_MAX);
        if (i18n_pool_add(c, key, strlen(key), p, &t->keys[t->n_keys]) != 0)
            return -1;
        if (i18n_text_value(c, v, p, &t->texts[0][t->n_keys]) != 0)
            return -1;
        t->n_keys++;
    }
    return 0;
}

static int i18n_parse_other(i18n_ctx_t *c, const char *lang, json_t *obj,
                            int li)
{
    i18n_t *t = c->t;
    const char *key;
    json_t *v;
    char p[I18N_PATH_MAX];
    int ki;

    json_object_foreach(obj, key, v) {
        i18n_path_key(p, lang, key);
        ki = i18n_find_key(t, key);
        if (ki < 0)
            return i18n_fail(c, p, "is not a key of \"%s\"", I18N_REFERENCE);
        if (i18n_text_value(c, v, p, &t->texts[li][ki]) != 0)
            return -1;
    }
    for (ki = 0; ki < t->n_keys; ki++) {
        if (t->texts[li][ki] != NULL)
            continue;
        i18n_path_key(p, lang, t->keys[ki]);
        return i18n_fail(c, p,
                         "is missing; every language needs every key \"%s\" "
                         "has",
                         I18N_REFERENCE);
    }
    return 0;
}

static int i18n_check_langs(i18n_ctx_t *c, json_t *root)
{
    const char *lang;
    json_t *v;

    if (!json_is_object(root))
        return i18n_fail(c, "", "must be a JSON object of languages");
    if (json_object_size(root) > I18N_LANG_MAX)
        return i18n_fail(c, "", "at most %d languages are allowed",
                         I18N_LANG_MAX);
    json_object_foreach(root, lang, v) {
        if (!i18n_lang_code_is_valid(lang))
            return i18n_fail(c, lang,
                             "a language must be a code of 2 or 3 letters "
                             "a-z, such as \"vi\"");
        if (!json_is_object(v))
            return i18n_fail(c, lang, "must be an object of key: text");
    }
    if (json_object_get(root, I18N_REFERENCE) == NULL)
        return i18n_fail(c, "",
                         "must define \"%s\": Vietnamese is the reference "
                         "language",
                         I18N_REFERENCE);
    return 0;
}

static int i18n_parse_root(i18n_ctx_t *c, json_t *root)
{
    i18n_t *t = c->t;
    const char *lang;
    json_t *v;

    if (i18n_check_langs(c, root) != 0)
        return -1;
    snprintf(t->langs[0], I18N_CODE_MAX, "%s", I18N_REFERENCE);
    t->n_langs = 1;
    if (i18n_parse_reference(c, json_object_get(root, I18N_REFERENCE)) != 0)
        return -1;
    json_object_foreach(root, lang, v) {
        if (strcmp(lang, I18N_REFERENCE) == 0)
            continue;
        snprintf(t->langs[t->n_langs], I18N_CODE_MAX, "%s", lang);
        if (i18n_parse_other(c, lang, v, t->n_langs) != 0)
            return -1;
        t->n_langs++;
    }
    return 0;
}

int i18n_parse(const char *text, size_t len, const char *name, i18n_t **out,
               err_t *err)
{
    i18n_ctx_t c;
    json_error_t je;
    json_t *root;
    int rc;

    err_clear(err);
    snprintf(err->file, sizeof(err->file), "%s", name ? name : "");
    if (out == NULL) {
        err_set(err, "", "no place for the result");
        return -1;
    }
    *out = NULL;
    if (text == NULL || len > I18N_POOL_MAX * 4) {
        err_set(err, "", "UI words must be text of at most %d bytes",
                I18N_POOL_MAX * 4);
        return -1;
    }
    root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (root == NULL) {
        err->line = je.line > 0 ? je.line : 0;
        err->column = je.column > 0 ? je.column : 0;
        err_set(err, "", "invalid JSON: %s", je.text);
        return -1;
    }
    c.text = text;
    c.len = len;
    c.err = err;
    c.t = calloc(1, sizeof(*c.t));
    if (c.t == NULL) {
        json_decref(root);
        err_set(err, "", "out of memory");
        return -1;
    }
    rc = i18n_parse_root(&c, root);
    json_decref(root);
    if (rc != 0) {
        free(c.t);
        return -1;
    }
    *out = c.t;
    return 0;
}

void i18n_free(i18n_t *t)
{
    free(t);
}

int i18n_has_lang(const i18n_t *t, const char *lang)
{
    return t != NULL && lang != NULL && i18n_find_lang(t, lang) >= 0;
}

const char *i18n_get(const i18n_t *t, const char *lang, const char *key)
{
    int li, ki;

    if (key == NULL)
        return "";
    if (t == NULL)
        return key;
    ki = i18n_find_key(t, key);
    if (ki < 0)
        return key;
    li = lang != NULL ? i18n_find_lang(t, lang) : -1;
    if (li >= 0 && t->texts[li][ki] != NULL)
        return t->texts[li][ki];
    return t->texts[0][ki];
}
