#include "jsonload.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "fields.h"
#include "jsonpos.h"

/* ---- document -------------------------------------------------------- */

void jsonload_reset_err(err_t *err, const char *name)
{
    err_clear(err);
    snprintf(err->file, sizeof(err->file), "%s", name ? name : "");
}

json_t *jsonload_parse_text(const char *text, size_t len, err_t *err)
{
    json_error_t je;
    json_t *root;

    root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (root == NULL) {
        err->line = je.line > 0 ? je.line : 0;
        err->column = je.column > 0 ? je.column : 0;
        err_set(err, "", "invalid JSON: %s", je.text);
    }
    return root;
}

int jsonload_set_error(const jsonload_t *j, const char *path, const char *fmt,
                       ...)
{
    va_list ap;
    int line = 0, column = 0;

    snprintf(j->err->field, sizeof(j->err->field), "%s", path);
    va_start(ap, fmt);
    vsnprintf(j->err->msg, sizeof(j->err->msg), fmt, ap);
    va_end(ap);
    if (jsonpos_locate(j->text, j->len, path, &line, &column) < 0)
        line = column = 0;
    j->err->line = line;
    j->err->column = column;
    return -1;
}

/* ---- paths ----------------------------------------------------------- */

static int jsonload_is_plain_key(const char *key)
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

void jsonload_append_key(char out[JSONLOAD_PATH_MAX], const char *parent,
                         const char *key)
{
    if (!jsonload_is_plain_key(key)) {
        jsonload_quote_key(out, parent, key);
        return;
    }
    if (snprintf(out, JSONLOAD_PATH_MAX, "%s%s%s", parent,
                 parent[0] ? "." : "", key) >= JSONLOAD_PATH_MAX)
        out[JSONLOAD_PATH_MAX - 1] = '\0';
}

void jsonload_quote_key(char out[JSONLOAD_PATH_MAX], const char *parent,
                        const char *key)
{
    size_t n;
    const char *k;

    n = (size_t)snprintf(out, JSONLOAD_PATH_MAX, "%s[\"", parent);
    if (n + 3 >= JSONLOAD_PATH_MAX) {
        out[JSONLOAD_PATH_MAX - 1] = '\0';
        return;
    }
    for (k = key; *k != '\0' && n + 4 < JSONLOAD_PATH_MAX; k++) {
        if (*k == '"' || *k == '\\')
            out[n++] = '\\';
        out[n++] = *k;
    }
    out[n++] = '"';
    out[n++] = ']';
    out[n] = '\0';
}

void jsonload_append_index(char out[JSONLOAD_PATH_MAX], const char *parent,
                           size_t index)
{
    if (snprintf(out, JSONLOAD_PATH_MAX, "%s[%zu]", parent, index) >=
        JSONLOAD_PATH_MAX)
        out[JSONLOAD_PATH_MAX - 1] = '\0';
}

/* ---- words and keys -------------------------------------------------- */

int jsonload_find_word(const char *word, const char *const *list)
{
    size_t i;

    for (i = 0; list[i] != NULL; i++)
        if (strcmp(word, list[i]) == 0)
            return (int)i;
    return -1;
}

void jsonload_join_words(char *out, size_t cap, const char *const *list)
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

int jsonload_check_keys(const jsonload_t *j, json_t *obj, const char *path,
                        const char *const *allowed)
{
    const char *key;
    json_t *v;
    char p[JSONLOAD_PATH_MAX], names[200];

    if (!json_is_object(obj))
        return jsonload_set_error(j, path, "must be an object");
    json_object_foreach(obj, key, v) {
        if (jsonload_find_word(key, allowed) >= 0)
            continue;
        jsonload_append_key(p, path, key);
        jsonload_join_words(names, sizeof(names), allowed);
        return jsonload_set_error(j, p, "unknown key; expected one of: %s",
                                  names);
    }
    return 0;
}

int jsonload_require_member(const jsonload_t *j, json_t *obj,
                            const char *path, const char *key, json_t **out)
{
    char p[JSONLOAD_PATH_MAX];

    *out = json_object_get(obj, key);
    if (*out != NULL)
        return 0;
    jsonload_append_key(p, path, key);
    return jsonload_set_error(j, p, "is required");
}

int jsonload_check_list(const jsonload_t *j, json_t *v, const char *path,
                        size_t lo, size_t hi, const char *what)
{
    if (!json_is_array(v) || json_array_size(v) < lo ||
        json_array_size(v) > hi)
        return jsonload_set_error(j, path, "must be a list of %zu to %zu %s",
                                  lo, hi, what);
    return 0;
}

/* ---- numbers and flags ----------------------------------------------- */

int jsonload_read_int(const jsonload_t *j, json_t *v, const char *path,
                      int lo, int hi, int *out)
{
    json_int_t n;

    n = json_is_integer(v) ? json_integer_value(v) : (json_int_t)lo - 1;
    if (n < lo || n > hi)
        return jsonload_set_error(j, path, "must be an integer from %d to %d",
                                  lo, hi);
    *out = (int)n;
    return 0;
}

int jsonload_read_int_member(const jsonload_t *j, json_t *obj,
                             const char *path, const char *key, int lo,
                             int hi, int *out)
{
    json_t *v = json_object_get(obj, key);
    char p[JSONLOAD_PATH_MAX];

    if (v == NULL)
        return 0;
    jsonload_append_key(p, path, key);
    return jsonload_read_int(j, v, p, lo, hi, out);
}

int jsonload_read_bool_member(const jsonload_t *j, json_t *obj,
                              const char *path, const char *key, int *out)
{
    json_t *v = json_object_get(obj, key);
    char p[JSONLOAD_PATH_MAX];

    if (v == NULL)
        return 0;
    jsonload_append_key(p, path, key);
    if (!json_is_boolean(v))
        return jsonload_set_error(j, p, "must be true or false");
    *out = json_is_true(v);
    return 0;
}

/* ---- identifiers and languages --------------------------------------- */

int jsonload_is_slug_char(int ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
}

int jsonload_is_word(const char *s, size_t cap, int (*ok)(int))
{
    size_t n = strlen(s), i;

    if (n == 0 || n >= cap)
        return 0;
    for (i = 0; i < n; i++)
        if (!ok((unsigned char)s[i]))
            return 0;
    return 1;
}

/* Codes end up in stored records, reports and file names: plain ASCII. */
int jsonload_read_code(const jsonload_t *j, json_t *v, const char *path,
                       char *out, size_t cap, int (*ok)(int),
                       const char *what)
{
    if (!json_is_string(v) || !jsonload_is_word(json_string_value(v), cap, ok))
        return jsonload_set_error(j, path,
                                  "must be 1 to %zu characters from %s",
                                  cap - 1, what);
    snprintf(out, cap, "%s", json_string_value(v));
    return 0;
}

int jsonload_is_lang_code(const char *code)
{
    size_t n = strlen(code), i;

    if (n < 2 || n > 3)
        return 0;
    for (i = 0; i < n; i++)
        if (code[i] < 'a' || code[i] > 'z')
            return 0;
    return 1;
}

int jsonload_read_langs(const jsonload_t *j, json_t *v, const char *path,
                        size_t max, const char **codes, size_t *n)
{
    char p[JSONLOAD_PATH_MAX];
    size_t i, k;
    int has_vi = 0;

    if (jsonload_check_list(j, v, path, 1, max, "language codes") != 0)
        return -1;
    *n = json_array_size(v);
    for (i = 0; i < *n; i++) {
        json_t *e = json_array_get(v, i);

        jsonload_append_index(p, path, i);
        if (!json_is_string(e) || !jsonload_is_lang_code(json_string_value(e)))
            return jsonload_set_error(j, p,
                                      "must be a language code of 2 or 3 "
                                      "letters a-z, such as \"vi\"");
        codes[i] = json_string_value(e);
        for (k = 0; k < i; k++)
            if (strcmp(codes[k], codes[i]) == 0)
                return jsonload_set_error(j, p, "\"%s\" is listed twice",
                                          codes[i]);
        has_vi |= strcmp(codes[i], "vi") == 0;
    }
    if (!has_vi)
        return jsonload_set_error(j, path, "must include \"vi\" (Vietnamese)");
    return 0;
}

/* ---- procedure fields ------------------------------------------------ */

int jsonload_read_field(const jsonload_t *j, json_t *v, const char *path,
                        char *out, size_t cap)
{
    if (!json_is_string(v) || !fields_is_known(json_string_value(v)))
        return jsonload_set_error(
            j, path,
            "must be a procedure field: dat-dai, xay-dung, "
            "dau-tu, tu-phap, moi-truong, lao-dong, y-te, "
            "giao-duc or khac");
    snprintf(out, cap, "%s", json_string_value(v));
    return 0;
}

int jsonload_read_fields(const jsonload_t *j, json_t *v, const char *path,
                         size_t max, char *out, size_t cap, int *n)
{
    char p[JSONLOAD_PATH_MAX];
    size_t i, k, count;

    if (jsonload_check_list(j, v, path, 1, max, "field slugs") != 0)
        return -1;
    count = json_array_size(v);
    for (i = 0; i < count; i++) {
        jsonload_append_index(p, path, i);
        if (jsonload_read_field(j, json_array_get(v, i), p, out + i * cap,
                                cap) != 0)
            return -1;
        for (k = 0; k < i; k++)
            if (strcmp(out + k * cap, out + i * cap) == 0)
                return jsonload_set_error(j, p, "\"%s\" is listed twice",
                                          out + i * cap);
    }
    *n = (int)count;
    return 0;
}

/* ---- text ------------------------------------------------------------ */

static int jsonload_check_text(const jsonload_t *j, const char *s, size_t n,
                               size_t max, const char *path)
{
    size_t i;
    int blank = 1;

    for (i = 0; i < n; i++) {
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
            return jsonload_set_error(
                j, path, "must not contain control characters%s",
                (j->wording & JSONLOAD_WORD_BREAKS) ? " (line breaks, tabs)"
                                                    : "");
        if (s[i] != ' ')
            blank = 0;
    }
    if (blank)
        return jsonload_set_error(j, path, "must not be empty");
    if (n > max)
        return jsonload_set_error(j, path,
                                  "is %zu bytes long; at most %zu allowed", n,
                                  max);
    return 0;
}

int jsonload_read_text(const jsonload_t *j, json_t *v, const char *path,
                       size_t max, char **out, size_t *n)
{
    utf8proc_uint8_t *nfc = NULL;
    utf8proc_ssize_t len;

    if (!json_is_string(v))
        return jsonload_set_error(j, path, "must be a string");
    len = utf8proc_map((const utf8proc_uint8_t *)json_string_value(v),
                       (utf8proc_ssize_t)json_string_length(v), &nfc,
                       UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (len < 0) {
        free(nfc);
        if (!(j->wording & JSONLOAD_WORD_UTF8))
            return jsonload_set_error(j, path, "is not valid text: %s",
                                      utf8proc_errmsg(len));
        if (len == UTF8PROC_ERROR_INVALIDUTF8)
            return jsonload_set_error(j, path, "is not valid UTF-8");
        return jsonload_set_error(j, path, "cannot be normalised: %s",
                                  utf8proc_errmsg(len));
    }
    if (jsonload_check_text(j, (const char *)nfc, (size_t)len, max, path) !=
        0) {
        free(nfc);
        return -1;
    }
    *out = (char *)nfc;
    *n = (size_t)len;
    return 0;
}

int jsonload_store_text(const jsonload_t *j, const char *s, size_t n,
                        const char *path, const char **out)
{
    char *dst;

    if (n + 1 > j->pool_cap - *j->pool_used)
        return jsonload_set_error(j, path, "the %s exceed %zu bytes in total",
                                  j->pool_what, j->pool_cap);
    dst = j->pool + *j->pool_used;
    memcpy(dst, s, n);
    dst[n] = '\0';
    *out = dst;
    *j->pool_used += n + 1;
    return 0;
}

int jsonload_read_pooled(const jsonload_t *j, json_t *v, const char *path,
                         size_t max, const char **out)
{
    char *text;
    size_t n;
    int rc;

    if (jsonload_read_text(j, v, path, max, &text, &n) != 0)
        return -1;
    rc = jsonload_store_text(j, text, n, path, out);
    free(text);
    return rc;
}
