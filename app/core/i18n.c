#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonload.h"

#define I18N_CODE_MAX 8
#define I18N_PATH_MAX JSONLOAD_PATH_MAX
#define I18N_REFERENCE "vi"
/* Not a language: the state of each language's wording, for translators
 * ({"km": "machine-drafted, awaiting review ..."}). Checked, not kept. */
#define I18N_REVIEW "review"

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
    jsonload_t j;
    i18n_t *t;
} i18n_ctx_t;

/* A UI key is 1 to I18N_KEY_MAX - 1 of these characters. Keys hold dots
 * ("button.back"), so their paths are always written in the quoted form
 * that jsonpos_locate understands: en["button.back"]. */
static int i18n_is_key_char(int ch)
{
    return jsonload_is_slug_char(ch) || ch == '_' || ch == '.';
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

/* Vietnamese defines the set of keys. */
static int i18n_parse_reference(i18n_ctx_t *c, json_t *obj)
{
    i18n_t *t = c->t;
    const char *key;
    json_t *v;
    char p[I18N_PATH_MAX];

    json_object_foreach(obj, key, v) {
        jsonload_quote_key(p, I18N_REFERENCE, key);
        if (!jsonload_is_word(key, I18N_KEY_MAX, i18n_is_key_char))
            return jsonload_set_error(
                &c->j, p,
                "a key must be 1 to %d characters from a-z, "
                "0-9, \".\", \"-\" and \"_\"",
                I18N_KEY_MAX - 1);
        if (t->n_keys >= I18N_ENTRY_MAX)
            return jsonload_set_error(&c->j, p, "at most %d keys are allowed",
                                      I18N_ENTRY_MAX);
        if (jsonload_store_text(&c->j, key, strlen(key), p,
                                &t->keys[t->n_keys]) != 0)
            return -1;
        if (jsonload_read_pooled(&c->j, v, p, I18N_TEXT_MAX,
                                 &t->texts[0][t->n_keys]) != 0)
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
        jsonload_quote_key(p, lang, key);
        ki = i18n_find_key(t, key);
        if (ki < 0)
            return jsonload_set_error(&c->j, p, "is not a key of \"%s\"",
                                      I18N_REFERENCE);
        if (jsonload_read_pooled(&c->j, v, p, I18N_TEXT_MAX,
                                 &t->texts[li][ki]) != 0)
            return -1;
    }
    /* A key the language lacks stays NULL and i18n_get() shows the
     * Vietnamese text: a province can offer a language while its
     * translation is still being completed (sipasctl check lists what is
     * missing). A key Vietnamese lacks is refused above: it is a typo. */
    return 0;
}

/* "review": {"<lang>": "note", ...}, each lang one the file defines. */
static int i18n_check_review(i18n_ctx_t *c, json_t *root, json_t *review)
{
    const char *lang;
    json_t *v;
    char p[I18N_PATH_MAX], *text;
    size_t n;

    if (!json_is_object(review))
        return jsonload_set_error(&c->j, I18N_REVIEW,
                                  "must be an object of language: note");
    json_object_foreach(review, lang, v) {
        jsonload_quote_key(p, I18N_REVIEW, lang);
        if (strcmp(lang, I18N_REVIEW) == 0 || !jsonload_is_lang_code(lang) ||
            json_object_get(root, lang) == NULL)
            return jsonload_set_error(&c->j, p,
                                      "is not a language of this file");
        if (jsonload_read_text(&c->j, v, p, I18N_TEXT_MAX, &text, &n) != 0)
            return -1;
        free(text);
    }
    return 0;
}

static int i18n_check_langs(i18n_ctx_t *c, json_t *root)
{
    const char *lang;
    json_t *v, *review;
    size_t n_langs;

    if (!json_is_object(root))
        return jsonload_set_error(&c->j, "",
                                  "must be a JSON object of languages");
    review = json_object_get(root, I18N_REVIEW);
    n_langs = json_object_size(root) - (review != NULL);
    if (n_langs > I18N_LANG_MAX)
        return jsonload_set_error(
            &c->j, "", "at most %d languages are allowed", I18N_LANG_MAX);
    json_object_foreach(root, lang, v) {
        if (strcmp(lang, I18N_REVIEW) == 0)
            continue;
        if (!jsonload_is_lang_code(lang))
            return jsonload_set_error(
                &c->j, lang,
                "a language must be a code of 2 or 3 letters "
                "a-z, such as \"vi\"");
        if (!json_is_object(v))
            return jsonload_set_error(&c->j, lang,
                                      "must be an object of key: text");
    }
    if (json_object_get(root, I18N_REFERENCE) == NULL)
        return jsonload_set_error(
            &c->j, "",
            "must define \"%s\": Vietnamese is the reference "
            "language",
            I18N_REFERENCE);
    if (review != NULL && i18n_check_review(c, root, review) != 0)
        return -1;
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
        if (strcmp(lang, I18N_REFERENCE) == 0 || strcmp(lang, I18N_REVIEW) == 0)
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
    json_t *root;
    int rc;

    jsonload_reset_err(err, name);
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
    root = jsonload_parse_text(text, len, err);
    if (root == NULL)
        return -1;
    c.t = calloc(1, sizeof(*c.t));
    if (c.t == NULL) {
        json_decref(root);
        err_set(err, "", "out of memory");
        return -1;
    }
    c.j = (jsonload_t){
        .text = text,
        .len = len,
        .err = err,
        .wording = JSONLOAD_WORD_BREAKS,
        .pool = c.t->pool,
        .pool_cap = sizeof(c.t->pool),
        .pool_used = &c.t->pool_used,
        .pool_what = "texts",
    };
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
