#include "survey.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonload.h"
#include "jsonpos.h"
#include "vntime.h"

#define SURVEY_FORMAT_NAME "sipas-survey/1"
#define SV_SCALE_MAX 16
#define SV_SCALE_OPTIONS_MIN 2
#define SV_SCALE_OPTIONS_MAX 7
#define SV_VALUE_MAX 10
#define SV_PATH_MAX JSONLOAD_PATH_MAX
#define SV_LANG_LIST_MAX (SURVEY_LANG_MAX * (SURVEY_LANG_CODE_MAX + 2))

/* A named scale, parsed once: its labels sit in the pool once and every
 * question that uses it copies the option records. */
typedef struct sv_scale {
    char name[SURVEY_ID_MAX];
    int n_options;
    survey_option_t options[SV_SCALE_OPTIONS_MAX];
} sv_scale_t;

typedef struct sv_ctx {
    jsonload_t j;
    survey_t *s;
    char lang_list[SV_LANG_LIST_MAX]; /* "vi, en" for messages */
    int n_scales;
    sv_scale_t scales[SV_SCALE_MAX];
    /* follow_up.question of each question, resolved once all are known,
     * since a follow-up may be defined after the question that opens it. */
    char follow_up[SURVEY_QUESTION_MAX][SURVEY_ID_MAX];
} sv_ctx_t;

static const char *const sv_face_names[] = {
    "none", "very-sad", "sad", "neutral", "happy", "very-happy", NULL,
};

static const char *const sv_root_keys[] = {
    "format", "id", "version", "valid_from", "valid_to", "languages",
    "title", "scales", "questions", "note", "review", NULL,
};

static const char *const sv_question_keys[] = {
    "id",        "type",           "element",     "scale",
    "text",      "hint",           "skippable",   "follow_up",
    "follow_up_only", "max_choices", "options",   NULL,
};

static const char *const sv_scale_option_keys[] = {"value", "face", "label",
                                                   NULL};
static const char *const sv_multi_option_keys[] = {"code", "label", NULL};
static const char *const sv_follow_up_keys[] = {"question", "when_le", NULL};
static const char *const sv_scale_only_keys[] = {"scale", "follow_up", NULL};
static const char *const sv_multi_only_keys[] = {
    "options", "max_choices", "follow_up_only", NULL,
};

static int sv_forbid_keys(sv_ctx_t *c, json_t *obj, const char *path,
                          const char *const *keys, const char *kind)
{
    size_t i;
    char p[SV_PATH_MAX];

    for (i = 0; keys[i] != NULL; i++) {
        if (json_object_get(obj, keys[i]) == NULL)
            continue;
        jsonload_append_key(p, path, keys[i]);
        return jsonload_set_error(&c->j, p,
                                  "is not allowed on a \"%s\" question", kind);
    }
    return 0;
}

/* Identifiers end up in stored responses and exports: keep them plain. */
static int sv_id_value(sv_ctx_t *c, json_t *v, const char *path,
                       char out[SURVEY_ID_MAX])
{
    return jsonload_read_code(&c->j, v, path, out, SURVEY_ID_MAX,
                              jsonload_is_slug_char, "a-z, 0-9 and \"-\"");
}

/* ---- text ------------------------------------------------------------ */

/* A text object holds a Vietnamese string and one for any other declared
 * language, never one for a language the survey does not declare. */
static int sv_text_object(sv_ctx_t *c, json_t *v, const char *path,
                          const char *out[SURVEY_LANG_MAX])
{
    const survey_t *s = c->s;
    const char *lang;
    json_t *t;
    char p[SV_PATH_MAX];
    int li;

    if (!json_is_object(v))
        return jsonload_set_error(
            &c->j, path, "must be an object with one text per language (%s)",
            c->lang_list);
    json_object_foreach(v, lang, t) {
        if (survey_find_lang(s, lang) >= 0)
            continue;
        jsonload_append_key(p, path, lang);
        return jsonload_set_error(&c->j, p,
                                  "is not one of the survey's languages (%s)",
                                  c->lang_list);
    }
    for (li = 0; li < s->n_langs; li++) {
        jsonload_append_key(p, path, s->langs[li]);
        t = json_object_get(v, s->langs[li]);
        /* Language 0 is Vietnamese, the fallback every other language
         * shows where its translation is not written yet (survey_text()). */
        if (t == NULL && li > 0)
            continue;
        if (t == NULL)
            return jsonload_set_error(
                &c->j, p,
                "is missing; every text needs Vietnamese, which the "
                "other languages (%s) fall back to",
                c->lang_list);
        if (jsonload_read_pooled(&c->j, t, p, SURVEY_TEXT_MAX, &out[li]) != 0)
            return -1;
    }
    return 0;
}

static int sv_text_member(sv_ctx_t *c, json_t *obj, const char *path,
                          const char *key, int required,
                          const char *out[SURVEY_LANG_MAX])
{
    json_t *v = json_object_get(obj, key);
    char p[SV_PATH_MAX];

    jsonload_append_key(p, path, key);
    if (v == NULL)
        return required ? jsonload_set_error(&c->j, p, "is required") : 0;
    return sv_text_object(c, v, p, out);
}

/* ---- header ---------------------------------------------------------- */

static void sv_lang_list_build(sv_ctx_t *c)
{
    const survey_t *s = c->s;
    size_t n = 0;
    int li, w;

    c->lang_list[0] = '\0';
    for (li = 0; li < s->n_langs && n < sizeof(c->lang_list); li++) {
        w = snprintf(c->lang_list + n, sizeof(c->lang_list) - n, "%s%s",
                     li ? ", " : "", s->langs[li]);
        if (w < 0)
            return;
        n += (size_t)w;
    }
}

/* Vietnamese is stored first whatever the file order: language 0 is the
 * fallback of survey_text(), and the reference language of the product. */
static void sv_langs_store(survey_t *s, const char *const codes[], int n)
{
    int i;

    s->n_langs = 0;
    snprintf(s->langs[s->n_langs++], SURVEY_LANG_CODE_MAX, "vi");
    for (i = 0; i < n; i++)
        if (strcmp(codes[i], "vi") != 0)
            snprintf(s->langs[s->n_langs++], SURVEY_LANG_CODE_MAX, "%s",
                     codes[i]);
}

static int sv_parse_languages(sv_ctx_t *c, json_t *arr)
{
    const char *codes[SURVEY_LANG_MAX];
    size_t n;

    if (jsonload_read_langs(&c->j, arr, "languages", SURVEY_LANG_MAX, codes,
                            &n) != 0)
        return -1;
    sv_langs_store(c->s, codes, (int)n);
    sv_lang_list_build(c);
    return 0;
}

static int sv_parse_format(sv_ctx_t *c, json_t *v)
{
    if (!json_is_string(v) ||
        strcmp(json_string_value(v), SURVEY_FORMAT_NAME) != 0)
        return jsonload_set_error(&c->j, "format", "must be \"%s\"",
                                  SURVEY_FORMAT_NAME);
    return 0;
}

/* ---- scales ---------------------------------------------------------- */

static int sv_parse_face(sv_ctx_t *c, json_t *obj, const char *path,
                         survey_face_t *out)
{
    json_t *v = json_object_get(obj, "face");
    char p[SV_PATH_MAX], names[120];
    int face;

    *out = SURVEY_FACE_NONE;
    if (v == NULL)
        return 0;
    jsonload_append_key(p, path, "face");
    face = json_is_string(v)
               ? jsonload_find_word(json_string_value(v), sv_face_names)
               : -1;
    if (face < 0) {
        jsonload_join_words(names, sizeof(names), sv_face_names);
        return jsonload_set_error(&c->j, p, "must be one of: %s", names);
    }
    *out = (survey_face_t)face;
    return 0;
}

static int sv_parse_scale_option(sv_ctx_t *c, json_t *obj, const char *path,
                                 survey_option_t *o)
{
    json_t *v;
    char p[SV_PATH_MAX];

    if (!json_is_object(obj))
        return jsonload_set_error(&c->j, path,
                                  "must be an object with value and label");
    if (jsonload_check_keys(&c->j, obj, path, sv_scale_option_keys) != 0)
        return -1;
    jsonload_append_key(p, path, "value");
    if (jsonload_require_member(&c->j, obj, path, "value", &v) != 0 ||
        jsonload_read_int(&c->j, v, p, 0, SV_VALUE_MAX, &o->value) != 0)
        return -1;
    if (sv_parse_face(c, obj, path, &o->face) != 0)
        return -1;
    o->code[0] = '\0';
    return sv_text_member(c, obj, path, "label", 1, o->label);
}

static int sv_parse_scale(sv_ctx_t *c, const char *name, json_t *arr,
                          const char *path)
{
    sv_scale_t *sc = &c->scales[c->n_scales];
    char p[SV_PATH_MAX], pv[SV_PATH_MAX];
    size_t i, n;
    int k;

    if (!jsonload_is_word(name, SURVEY_ID_MAX, jsonload_is_slug_char))
        return jsonload_set_error(
            &c->j, path,
            "a scale name must be 1 to %d characters from a-z, "
            "0-9 and \"-\"",
            SURVEY_ID_MAX - 1);
    if (jsonload_check_list(&c->j, arr, path, SV_SCALE_OPTIONS_MIN,
                            SV_SCALE_OPTIONS_MAX, "options") != 0)
        return -1;
    n = json_array_size(arr);
    snprintf(sc->name, sizeof(sc->name), "%s", name);
    for (i = 0; i < n; i++) {
        survey_option_t *o = &sc->options[i];

        jsonload_append_index(p, path, i);
        if (sv_parse_scale_option(c, json_array_get(arr, i), p, o) != 0)
            return -1;
        for (k = 0; k < (int)i; k++) {
            if (sc->options[k].value != o->value)
                continue;
            jsonload_append_key(pv, p, "value");
            return jsonload_set_error(
                &c->j, pv, "value %d is used twice in this scale", o->value);
        }
    }
    sc->n_options = (int)n;
    c->n_scales++;
    return 0;
}

static int sv_parse_scales(sv_ctx_t *c, json_t *obj)
{
    const char *name;
    json_t *v;
    char p[SV_PATH_MAX];

    if (!json_is_object(obj))
        return jsonload_set_error(&c->j, "scales",
                                  "must be an object of named option lists");
    if (json_object_size(obj) > SV_SCALE_MAX)
        return jsonload_set_error(
            &c->j, "scales", "at most %d scales are allowed", SV_SCALE_MAX);
    json_object_foreach(obj, name, v) {
        jsonload_append_key(p, "scales", name);
        if (sv_parse_scale(c, name, v, p) != 0)
            return -1;
    }
    return 0;
}

static const sv_scale_t *sv_find_scale(const sv_ctx_t *c, const char *name)
{
    int i;

    for (i = 0; i < c->n_scales; i++)
        if (strcmp(c->scales[i].name, name) == 0)
            return &c->scales[i];
    return NULL;
}

static int sv_scale_min(const sv_scale_t *sc)
{
    int i, lo = sc->options[0].value;

    for (i = 1; i < sc->n_options; i++)
        if (sc->options[i].value < lo)
            lo = sc->options[i].value;
    return lo;
}

static int sv_scale_max(const sv_scale_t *sc)
{
    int i, hi = sc->options[0].value;

    for (i = 1; i < sc->n_options; i++)
        if (sc->options[i].value > hi)
            hi = sc->options[i].value;
    return hi;
}

/* ---- questions ------------------------------------------------------- */

/* A threshold outside [lowest, highest - 1] would never or always open the
 * follow-up: either way the author meant something else. */
static int sv_parse_follow_up(sv_ctx_t *c, json_t *obj, const char *path,
                              int qi, const sv_scale_t *sc)
{
    survey_question_t *q = &c->s->questions[qi];
    json_t *v;
    char p[SV_PATH_MAX];

    if (!json_is_object(obj))
        return jsonload_set_error(
            &c->j, path,
            "must be an object with \"question\" and \"when_le\"");
    if (jsonload_check_keys(&c->j, obj, path, sv_follow_up_keys) != 0)
        return -1;
    jsonload_append_key(p, path, "question");
    if (jsonload_require_member(&c->j, obj, path, "question", &v) != 0 ||
        sv_id_value(c, v, p, c->follow_up[qi]) != 0)
        return -1;
    jsonload_append_key(p, path, "when_le");
    if (jsonload_require_member(&c->j, obj, path, "when_le", &v) != 0)
        return -1;
    return jsonload_read_int(&c->j, v, p, sv_scale_min(sc),
                             sv_scale_max(sc) - 1, &q->follow_up_le);
}

static int sv_parse_scale_question(sv_ctx_t *c, json_t *obj,
                                   const char *path, int qi)
{
    survey_question_t *q = &c->s->questions[qi];
    const sv_scale_t *sc;
    json_t *v;
    char p[SV_PATH_MAX];

    if (sv_forbid_keys(c, obj, path, sv_multi_only_keys, "scale") != 0)
        return -1;
    jsonload_append_key(p, path, "scale");
    if (jsonload_require_member(&c->j, obj, path, "scale", &v) != 0)
        return -1;
    sc = json_is_string(v) ? sv_find_scale(c, json_string_value(v)) : NULL;
    if (sc == NULL)
        return jsonload_set_error(
            &c->j, p, "must name one of the lists under \"scales\"");
    q->kind = SURVEY_KIND_SCALE;
    snprintf(q->scale, sizeof(q->scale), "%s", sc->name);
    q->n_options = sc->n_options;
    memcpy(q->options, sc->options,
           (size_t)sc->n_options * sizeof(q->options[0]));
    v = json_object_get(obj, "follow_up");
    if (v == NULL)
        return 0;
    jsonload_append_key(p, path, "follow_up");
    return sv_parse_follow_up(c, v, p, qi, sc);
}

static int sv_parse_multi_option(sv_ctx_t *c, json_t *obj, const char *path,
                                 survey_question_t *q, int oi)
{
    survey_option_t *o = &q->options[oi];
    json_t *v;
    char p[SV_PATH_MAX];
    int j;

    if (!json_is_object(obj))
        return jsonload_set_error(&c->j, path,
                                  "must be an object with code and label");
    if (jsonload_check_keys(&c->j, obj, path, sv_multi_option_keys) != 0)
        return -1;
    jsonload_append_key(p, path, "code");
    if (jsonload_require_member(&c->j, obj, path, "code", &v) != 0 ||
        sv_id_value(c, v, p, o->code) != 0)
        return -1;
    for (j = 0; j < oi; j++)
        if (strcmp(q->options[j].code, o->code) == 0)
            return jsonload_set_error(
                &c->j, p, "\"%s\" is used twice in this question", o->code);
    o->value = 0;
    o->face = SURVEY_FACE_NONE;
    return sv_text_member(c, obj, path, "label", 1, o->label);
}

static int sv_parse_multi_question(sv_ctx_t *c, json_t *obj,
                                   const char *path, int qi)
{
    survey_question_t *q = &c->s->questions[qi];
    json_t *arr;
    char p[SV_PATH_MAX];
    size_t i, n;

    if (sv_forbid_keys(c, obj, path, sv_scale_only_keys, "multi") != 0)
        return -1;
    q->kind = SURVEY_KIND_MULTI;
    jsonload_append_key(p, path, "options");
    if (jsonload_require_member(&c->j, obj, path, "options", &arr) != 0)
        return -1;
    if (jsonload_check_list(&c->j, arr, p, 1, SURVEY_OPTION_MAX, "options") !=
        0)
        return -1;
    n = json_array_size(arr);
    for (i = 0; i < n; i++) {
        char po[SV_PATH_MAX];

        jsonload_append_index(po, p, i);
        if (sv_parse_multi_option(c, json_array_get(arr, i), po, q,
                                  (int)i) != 0)
            return -1;
    }
    q->n_options = (int)n;
    if (jsonload_read_int_member(&c->j, obj, path, "max_choices", 0,
                                 q->n_options, &q->max_choices) != 0)
        return -1;
    return jsonload_read_bool_member(&c->j, obj, path, "follow_up_only",
                                     &q->is_follow_up);
}

static int sv_parse_type(sv_ctx_t *c, json_t *obj, const char *path,
                         survey_kind_t *kind)
{
    json_t *v = json_object_get(obj, "type");
    char p[SV_PATH_MAX];

    *kind = SURVEY_KIND_SCALE;
    if (v == NULL)
        return 0;
    jsonload_append_key(p, path, "type");
    if (json_is_string(v) && strcmp(json_string_value(v), "scale") == 0)
        return 0;
    if (json_is_string(v) && strcmp(json_string_value(v), "multi") == 0) {
        *kind = SURVEY_KIND_MULTI;
        return 0;
    }
    return jsonload_set_error(&c->j, p, "must be \"scale\" or \"multi\"");
}

static int sv_parse_question_ids(sv_ctx_t *c, json_t *obj, const char *path,
                                survey_question_t *q)
{
    json_t *v;
    char p[SV_PATH_MAX];
    int other;

    jsonload_append_key(p, path, "id");
    if (jsonload_require_member(&c->j, obj, path, "id", &v) != 0 ||
        sv_id_value(c, v, p, q->id) != 0)
        return -1;
    other = survey_find_question(c->s, q->id);
    if (other >= 0)
        return jsonload_set_error(&c->j, p,
                                  "\"%s\" is already the id of questions[%d]",
                                  q->id, other);
    jsonload_append_key(p, path, "element");
    if (jsonload_require_member(&c->j, obj, path, "element", &v) != 0 ||
        sv_id_value(c, v, p, q->element) != 0)
        return -1;
    return 0;
}

static int sv_parse_question(sv_ctx_t *c, json_t *obj, const char *path,
                             int qi)
{
    survey_question_t *q = &c->s->questions[qi];
    survey_kind_t kind;

    if (!json_is_object(obj))
        return jsonload_set_error(&c->j, path, "must be an object");
    if (jsonload_check_keys(&c->j, obj, path, sv_question_keys) != 0)
        return -1;
    q->follow_up_index = -1;
    if (sv_parse_question_ids(c, obj, path, q) != 0 ||
        sv_parse_type(c, obj, path, &kind) != 0 ||
        sv_text_member(c, obj, path, "text", 1, q->text) != 0 ||
        sv_text_member(c, obj, path, "hint", 0, q->hint) != 0 ||
        jsonload_read_bool_member(&c->j, obj, path, "skippable",
                                  &q->skippable) != 0)
        return -1;
    if (kind == SURVEY_KIND_MULTI)
        return sv_parse_multi_question(c, obj, path, qi);
    return sv_parse_scale_question(c, obj, path, qi);
}

static int sv_link_follow_up(sv_ctx_t *c, int qi, int referenced[])
{
    survey_t *s = c->s;
    char p[SV_PATH_MAX];
    int t;

    snprintf(p, sizeof(p), "questions[%d].follow_up.question", qi);
    t = survey_find_question(s, c->follow_up[qi]);
    if (t < 0)
        return jsonload_set_error(&c->j, p, "no question has the id \"%s\"",
                                  c->follow_up[qi]);
    if (s->questions[t].kind != SURVEY_KIND_MULTI ||
        !s->questions[t].is_follow_up)
        return jsonload_set_error(&c->j, p,
                                  "\"%s\" must be a \"multi\" question with "
                                  "\"follow_up_only\": true",
                                  c->follow_up[qi]);
    s->questions[qi].follow_up_index = t;
    referenced[t] = 1;
    return 0;
}

/* Runs once every question is known: follow-ups may point forward. Only a
 * scale question opens a follow-up and a scale question is always asked in
 * order, so once every follow-up is referenced the survey cannot consist of
 * follow-ups alone. */
static int sv_link_follow_ups(sv_ctx_t *c)
{
    survey_t *s = c->s;
    int referenced[SURVEY_QUESTION_MAX] = {0};
    int qi;
    char p[SV_PATH_MAX];

    for (qi = 0; qi < s->n_questions; qi++)
        if (c->follow_up[qi][0] != '\0' &&
            sv_link_follow_up(c, qi, referenced) != 0)
            return -1;
    for (qi = 0; qi < s->n_questions; qi++) {
        if (!s->questions[qi].is_follow_up || referenced[qi])
            continue;
        snprintf(p, sizeof(p), "questions[%d].follow_up_only", qi);
        return jsonload_set_error(
            &c->j, p,
            "no question's follow_up opens \"%s\", so it would "
            "never be asked",
            s->questions[qi].id);
    }
    return 0;
}

static int sv_parse_questions(sv_ctx_t *c, json_t *arr)
{
    char p[SV_PATH_MAX];
    size_t i, n;

    if (jsonload_check_list(&c->j, arr, "questions", 1, SURVEY_QUESTION_MAX,
                            "questions") != 0)
        return -1;
    n = json_array_size(arr);
    for (i = 0; i < n; i++) {
        c->s->n_questions = (int)i;
        jsonload_append_index(p, "questions", i);
        if (sv_parse_question(c, json_array_get(arr, i), p, (int)i) != 0)
            return -1;
    }
    c->s->n_questions = (int)n;
    return sv_link_follow_ups(c);
}

/* An optional "YYYY-MM-DD" at key into out ("" when absent). */
static int sv_parse_date(sv_ctx_t *c, json_t *root, const char *key,
                         char out[SURVEY_DATE_MAX])
{
    json_t *v = json_object_get(root, key);

    out[0] = '\0';
    if (v == NULL)
        return 0;
    if (!json_is_string(v) || vntime_parse_date(json_string_value(v)) == -1)
        return jsonload_set_error(&c->j, key,
                                  "must be a date YYYY-MM-DD (a local day)");
    memcpy(out, json_string_value(v), SURVEY_DATE_MAX);
    return 0;
}

/* valid_from and valid_to: both optional, the period not empty. */
static int sv_parse_validity(sv_ctx_t *c, json_t *root)
{
    survey_t *s = c->s;

    if (sv_parse_date(c, root, "valid_from", s->valid_from) != 0 ||
        sv_parse_date(c, root, "valid_to", s->valid_to) != 0)
        return -1;
    if (s->valid_from[0] && s->valid_to[0] &&
        strcmp(s->valid_from, s->valid_to) > 0)
        return jsonload_set_error(&c->j, "valid_to",
                                  "must not be before valid_from (%s)",
                                  s->valid_from);
    return 0;
}

/* "review": {"km": "machine-drafted, ..."}: how far each language's
 * wording has been checked, for translators. Checked, not kept. */
static int sv_parse_review(sv_ctx_t *c, json_t *v)
{
    const char *lang;
    json_t *t;
    char p[SV_PATH_MAX], *text;
    size_t n;

    if (!json_is_object(v))
        return jsonload_set_error(&c->j, "review",
                                  "must be an object of language: note");
    json_object_foreach(v, lang, t) {
        jsonload_append_key(p, "review", lang);
        if (survey_find_lang(c->s, lang) < 0)
            return jsonload_set_error(
                &c->j, p, "is not one of the survey's languages (%s)",
                c->lang_list);
        if (jsonload_read_text(&c->j, t, p, SURVEY_TEXT_MAX, &text, &n) != 0)
            return -1;
        free(text);
    }
    return 0;
}

static int sv_parse_root(sv_ctx_t *c, json_t *root)
{
    survey_t *s = c->s;
    json_t *v;

    if (!json_is_object(root))
        return jsonload_set_error(&c->j, "", "must be a JSON object");
    if (jsonload_check_keys(&c->j, root, "", sv_root_keys) != 0)
        return -1;
    if (jsonload_require_member(&c->j, root, "", "format", &v) != 0 ||
        sv_parse_format(c, v) != 0)
        return -1;
    if (jsonload_require_member(&c->j, root, "", "id", &v) != 0 ||
        sv_id_value(c, v, "id", s->id) != 0)
        return -1;
    if (jsonload_require_member(&c->j, root, "", "version", &v) != 0 ||
        jsonload_read_int(&c->j, v, "version", 1, INT_MAX, &s->version) != 0)
        return -1;
    if (sv_parse_validity(c, root) != 0)
        return -1;
    if (jsonload_require_member(&c->j, root, "", "languages", &v) != 0 ||
        sv_parse_languages(c, v) != 0)
        return -1;
    v = json_object_get(root, "note");
    if (v != NULL && !json_is_string(v))
        return jsonload_set_error(&c->j, "note", "must be a string");
    v = json_object_get(root, "review");
    if (v != NULL && sv_parse_review(c, v) != 0)
        return -1;
    if (sv_text_member(c, root, "", "title", 1, s->title) != 0)
        return -1;
    v = json_object_get(root, "scales");
    if (v != NULL && sv_parse_scales(c, v) != 0)
        return -1;
    if (jsonload_require_member(&c->j, root, "", "questions", &v) != 0)
        return -1;
    return sv_parse_questions(c, v);
}

/* ---- entry points ---------------------------------------------------- */

static int sv_parse_text(const char *text, size_t len, survey_t *s,
                         err_t *err)
{
    sv_ctx_t *c;
    json_t *root;
    int rc;

    root = jsonload_parse_text(text, len, err);
    if (root == NULL)
        return -1;
    c = calloc(1, sizeof(*c));
    if (c == NULL) {
        json_decref(root);
        err_set(err, "", "out of memory");
        return -1;
    }
    c->j = (jsonload_t){
        .text = text,
        .len = len,
        .err = err,
        .wording = JSONLOAD_WORD_BREAKS | JSONLOAD_WORD_UTF8,
        .pool = s->pool,
        .pool_cap = sizeof(s->pool),
        .pool_used = &s->pool_used,
        .pool_what = "survey's texts",
    };
    c->s = s;
    rc = sv_parse_root(c, root);
    free(c);
    json_decref(root);
    return rc;
}

int survey_parse(const char *text, size_t len, const char *name,
                 survey_t **out, err_t *err)
{
    survey_t *s;

    jsonload_reset_err(err, name);
    if (out == NULL) {
        err_set(err, "", "no place for the result");
        return -1;
    }
    *out = NULL;
    if (text == NULL || len > SURVEY_SOURCE_MAX) {
        err_set(err, "", "a survey must be text of at most %d bytes",
                SURVEY_SOURCE_MAX);
        return -1;
    }
    s = calloc(1, sizeof(*s));
    if (s == NULL) {
        err_set(err, "", "out of memory");
        return -1;
    }
    if (sv_parse_text(text, len, s, err) != 0) {
        free(s);
        return -1;
    }
    *out = s;
    return 0;
}

void survey_free(survey_t *s)
{
    free(s);
}

int survey_find_lang(const survey_t *s, const char *code)
{
    int i;

    if (s == NULL || code == NULL)
        return -1;
    for (i = 0; i < s->n_langs; i++)
        if (strcmp(s->langs[i], code) == 0)
            return i;
    return -1;
}

int survey_find_question(const survey_t *s, const char *id)
{
    int i;

    if (s == NULL || id == NULL)
        return -1;
    for (i = 0; i < s->n_questions; i++)
        if (strcmp(s->questions[i].id, id) == 0)
            return i;
    return -1;
}

const survey_option_t *survey_find_value(const survey_question_t *q, int value)
{
    int i;

    if (q == NULL || q->kind != SURVEY_KIND_SCALE)
        return NULL;
    for (i = 0; i < q->n_options; i++)
        if (q->options[i].value == value)
            return &q->options[i];
    return NULL;
}

const survey_option_t *survey_find_code(const survey_question_t *q,
                                        const char *code)
{
    int i;

    if (q == NULL || code == NULL || q->kind != SURVEY_KIND_MULTI)
        return NULL;
    for (i = 0; i < q->n_options; i++)
        if (strcmp(q->options[i].code, code) == 0)
            return &q->options[i];
    return NULL;
}

/* Never NULL: an absent hint reads as "", so a screen can draw it blindly. */
const char *survey_text(const char *const texts[SURVEY_LANG_MAX], int li)
{
    if (texts == NULL)
        return "";
    if (li >= 0 && li < SURVEY_LANG_MAX && texts[li] != NULL)
        return texts[li];
    return texts[0] != NULL ? texts[0] : "";
}

/* ---- validity period ------------------------------------------------- */

survey_validity_t survey_check_validity(const survey_t *s, const char *today)
{
    /* Dates compare as text: both are strict "YYYY-MM-DD". */
    if (s == NULL || today == NULL || vntime_parse_date(today) == -1)
        return SURVEY_NOT_YET;
    if (s->valid_from[0] && strcmp(today, s->valid_from) < 0)
        return SURVEY_NOT_YET;
    if (s->valid_to[0] && strcmp(today, s->valid_to) > 0)
        return SURVEY_LAPSED;
    return SURVEY_VALID;
}

survey_use_t survey_decide_use(survey_validity_t v, int clock_synced)
{
    if (v == SURVEY_VALID)
        return SURVEY_USE;
    return clock_synced ? SURVEY_REFUSE : SURVEY_WARN;
}

void survey_describe_validity(const survey_t *s, survey_validity_t v,
                              const char *today, const char *name,
                              const char *src, size_t len, char *buf,
                              size_t cap)
{
    const char *field = v == SURVEY_LAPSED ? "valid_to" : "valid_from";
    int line = 0, col = 0;

    if (cap == 0)
        return;
    buf[0] = '\0';
    if (s == NULL)
        return;
    if (src == NULL || jsonpos_locate(src, len, field, &line, &col) != 0)
        line = col = 0;
    if (v == SURVEY_LAPSED)
        snprintf(buf, cap,
                 "%s:%d:%d: %s: survey '%s' applies until %s; today is %s",
                 name ? name : "", line, col, field, s->id, s->valid_to,
                 today ? today : "?");
    else
        snprintf(buf, cap,
                 "%s:%d:%d: %s: survey '%s' applies from %s; today is %s",
                 name ? name : "", line, col, field, s->id,
                 s->valid_from[0] ? s->valid_from : "?",
                 today ? today : "?");
}
