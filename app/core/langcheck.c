#include "langcheck.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonload.h"

typedef struct lc_file {
    langcheck_source_t source;
    char name[LANGCHECK_NAME_MAX];
    json_t *root; /* owned */
} lc_file_t;

struct langcheck {
    int ran;
    int n_files;
    lc_file_t files[LANGCHECK_FILE_MAX];
    int n_langs;
    langcheck_total_t totals[LANGCHECK_LANGS_MAX];
    int n_findings;
    int dropped;
    int stray; /* STRAY findings: codes that are no language, no total */
    langcheck_finding_t findings[LANGCHECK_FINDING_MAX];
};

/* What one survey lists in "languages", for the text objects' checks. */
typedef struct lc_survey_langs {
    int n;
    const char *codes[LANGCHECK_LANGS_MAX];
} lc_survey_langs_t;

/* ---- languages ----------------------------------------------------------- */

static int lc_find_lang(const langcheck_t *lc, const char *code)
{
    int i;

    for (i = 0; i < lc->n_langs; i++)
        if (strcmp(lc->totals[i].lang, code) == 0)
            return i;
    return -1;
}

/* A code the loaders would refuse is not a language to check: the
 * kiosk's own loader names that mistake (sipasctl check runs it too). */
static int lc_note_lang(langcheck_t *lc, const char *code, err_t *err)
{
    if (!jsonload_is_lang_code(code) ||
        strcmp(code, LANGCHECK_REFERENCE) == 0 || lc_find_lang(lc, code) >= 0)
        return 0;
    if (lc->n_langs >= LANGCHECK_LANGS_MAX) {
        err_set(err, "", "more than %d languages in the files checked",
                LANGCHECK_LANGS_MAX);
        return -1;
    }
    snprintf(lc->totals[lc->n_langs].lang, LANGCHECK_CODE_MAX, "%s", code);
    lc->n_langs++;
    return 0;
}

/* ui.json's languages are its top-level keys; a survey's, its list. */
static int lc_note_langs(langcheck_t *lc, langcheck_source_t source,
                         json_t *root, err_t *err)
{
    const char *code;
    json_t *v;
    size_t i;

    if (source == LANGCHECK_UI) {
        json_object_foreach(root, code, v) {
            if (lc_note_lang(lc, code, err) != 0)
                return -1;
        }
        return 0;
    }
    json_array_foreach(json_object_get(root, "languages"), i, v) {
        if (json_is_string(v) &&
            lc_note_lang(lc, json_string_value(v), err) != 0)
            return -1;
    }
    return 0;
}

/* ---- findings ------------------------------------------------------------ */

/* t: the language's totals; NULL for a STRAY code, counted apart. */
static void lc_add_finding(langcheck_t *lc, langcheck_kind_t kind, int file,
                           const char *code, langcheck_total_t *t,
                           const char *path)
{
    langcheck_finding_t *f;

    if (t == NULL)
        lc->stray++;
    else if (kind == LANGCHECK_MISSING)
        t->missing++;
    else if (kind == LANGCHECK_UNLISTED)
        t->unlisted++;
    else
        t->extra++;
    if (lc->n_findings >= LANGCHECK_FINDING_MAX) {
        lc->dropped++;
        return;
    }
    f = &lc->findings[lc->n_findings++];
    f->kind = kind;
    f->file = file;
    snprintf(f->lang, sizeof(f->lang), "%.*s", LANGCHECK_CODE_MAX - 1, code);
    snprintf(f->path, sizeof(f->path), "%s", path);
}

/* An absent string, a non-string and "" all leave the citizen the
 * Vietnamese text: a translator's blank counts as not yet translated. */
static int lc_is_text(json_t *v)
{
    return json_is_string(v) && json_string_length(v) > 0;
}

/* ---- ui.json ------------------------------------------------------------- */

static void lc_check_ui_lang(langcheck_t *lc, int file, json_t *root, int li)
{
    langcheck_total_t *t = &lc->totals[li];
    const char *code = t->lang;
    json_t *ref = json_object_get(root, LANGCHECK_REFERENCE);
    json_t *obj = json_object_get(root, code);
    const char *key;
    json_t *v;

    if (!json_is_object(obj)) {
        obj = NULL;
        lc_add_finding(lc, LANGCHECK_UNLISTED, file, code, t, code);
    }
    json_object_foreach(ref, key, v) {
        t->strings++;
        if (obj == NULL || !lc_is_text(json_object_get(obj, key)))
            lc_add_finding(lc, LANGCHECK_MISSING, file, code, t, key);
    }
    if (obj == NULL)
        return;
    json_object_foreach(obj, key, v) {
        if (json_object_get(ref, key) == NULL)
            lc_add_finding(lc, LANGCHECK_EXTRA, file, code, t, key);
    }
}

/* ---- surveys ------------------------------------------------------------- */

static int lc_survey_lists(const lc_survey_langs_t *sl, const char *code)
{
    int i;

    for (i = 0; i < sl->n; i++)
        if (strcmp(sl->codes[i], code) == 0)
            return 1;
    return 0;
}

/* A text object: a string per language, Vietnamese among them. */
static void lc_check_text(langcheck_t *lc, int file,
                          const lc_survey_langs_t *sl, json_t *obj,
                          const char *path)
{
    char p[LANGCHECK_PATH_MAX];
    const char *code;
    json_t *v;
    int li;

    for (li = 0; li < lc->n_langs; li++) {
        langcheck_total_t *t = &lc->totals[li];

        t->strings++;
        if (!lc_is_text(json_object_get(obj, t->lang)))
            lc_add_finding(lc, LANGCHECK_MISSING, file, t->lang, t, path);
    }
    /* A code no file names as a language is a typo ("rda" for "rad");
     * a language the survey forgot to list is UNLISTED, reported once. */
    json_object_foreach(obj, code, v) {
        if (strcmp(code, LANGCHECK_REFERENCE) == 0 ||
            lc_survey_lists(sl, code) || lc_find_lang(lc, code) >= 0)
            continue;
        snprintf(p, sizeof(p), "%s%s%s", path, path[0] ? "." : "", code);
        lc_add_finding(lc, LANGCHECK_STRAY, file, code, NULL, p);
    }
}

static void lc_walk(langcheck_t *lc, int file, const lc_survey_langs_t *sl,
                    json_t *node, const char *path)
{
    char p[LANGCHECK_PATH_MAX];
    const char *key;
    json_t *v;
    size_t i;

    if (json_is_array(node)) {
        json_array_foreach(node, i, v) {
            snprintf(p, sizeof(p), "%s[%zu]", path, i);
            lc_walk(lc, file, sl, v, p);
        }
        return;
    }
    if (!json_is_object(node))
        return;
    if (json_is_string(json_object_get(node, LANGCHECK_REFERENCE))) {
        lc_check_text(lc, file, sl, node, path);
        return;
    }
    json_object_foreach(node, key, v) {
        snprintf(p, sizeof(p), "%s%s%s", path, path[0] ? "." : "", key);
        lc_walk(lc, file, sl, v, p);
    }
}

static void lc_check_survey(langcheck_t *lc, int file, json_t *root)
{
    lc_survey_langs_t sl = {0};
    json_t *v;
    size_t i;
    int li;

    json_array_foreach(json_object_get(root, "languages"), i, v) {
        if (json_is_string(v) && sl.n < LANGCHECK_LANGS_MAX)
            sl.codes[sl.n++] = json_string_value(v);
    }
    for (li = 0; li < lc->n_langs; li++)
        if (!lc_survey_lists(&sl, lc->totals[li].lang))
            lc_add_finding(lc, LANGCHECK_UNLISTED, file, lc->totals[li].lang,
                           &lc->totals[li], "languages");
    lc_walk(lc, file, &sl, root, "");
}

/* ---- entry points -------------------------------------------------------- */

langcheck_t *langcheck_new(void)
{
    return calloc(1, sizeof(langcheck_t));
}

void langcheck_free(langcheck_t *lc)
{
    int i;

    if (lc == NULL)
        return;
    for (i = 0; i < lc->n_files; i++)
        json_decref(lc->files[i].root);
    free(lc);
}

static int lc_check_shape(langcheck_source_t source, json_t *root,
                          err_t *err)
{
    json_t *ref = json_object_get(root, LANGCHECK_REFERENCE);

    if (!json_is_object(root)) {
        err_set(err, "", "must be a JSON object");
        return -1;
    }
    if (source == LANGCHECK_UI && !json_is_object(ref)) {
        err_set(err, LANGCHECK_REFERENCE,
                "is missing: Vietnamese is the reference language");
        return -1;
    }
    if (source == LANGCHECK_SURVEY &&
        !json_is_array(json_object_get(root, "languages"))) {
        err_set(err, "languages", "must be a list of language codes");
        return -1;
    }
    return 0;
}

int langcheck_add(langcheck_t *lc, langcheck_source_t source,
                  const char *text, size_t len, const char *name, err_t *err)
{
    lc_file_t *f;
    json_t *root;

    jsonload_reset_err(err, name);
    if (lc == NULL || text == NULL || lc->ran) {
        err_set(err, "", "nothing to check");
        return -1;
    }
    if (len > LANGCHECK_SOURCE_MAX) {
        err_set(err, "", "larger than %d bytes", LANGCHECK_SOURCE_MAX);
        return -1;
    }
    if (lc->n_files >= LANGCHECK_FILE_MAX) {
        err_set(err, "", "more than %d files to check", LANGCHECK_FILE_MAX);
        return -1;
    }
    root = jsonload_parse_text(text, len, err);
    if (root == NULL)
        return -1;
    if (lc_check_shape(source, root, err) != 0 ||
        lc_note_langs(lc, source, root, err) != 0) {
        json_decref(root);
        return -1;
    }
    f = &lc->files[lc->n_files++];
    f->source = source;
    snprintf(f->name, sizeof(f->name), "%s", name ? name : "");
    f->root = root;
    return 0;
}

/* A note is text for people: cut on a UTF-8 character boundary. */
static void lc_copy_note(char out[LANGCHECK_NOTE_MAX], const char *note)
{
    size_t n = strlen(note);

    if (n >= LANGCHECK_NOTE_MAX) {
        n = LANGCHECK_NOTE_MAX - 1;
        while (n > 0 && ((unsigned char)note[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(out, note, n);
    out[n] = '\0';
}

static void lc_read_review(langcheck_t *lc, json_t *root)
{
    json_t *review = json_object_get(root, LANGCHECK_REVIEW);
    json_t *note;
    int li;

    for (li = 0; li < lc->n_langs; li++) {
        note = json_object_get(review, lc->totals[li].lang);
        if (json_is_string(note) && lc->totals[li].review[0] == '\0')
            lc_copy_note(lc->totals[li].review, json_string_value(note));
    }
}

int langcheck_run(langcheck_t *lc)
{
    int fi, li;

    if (lc == NULL || lc->ran)
        return -1;
    lc->ran = 1;
    for (fi = 0; fi < lc->n_files; fi++) {
        lc_read_review(lc, lc->files[fi].root);
        if (lc->files[fi].source == LANGCHECK_SURVEY) {
            lc_check_survey(lc, fi, lc->files[fi].root);
            continue;
        }
        for (li = 0; li < lc->n_langs; li++)
            lc_check_ui_lang(lc, fi, lc->files[fi].root, li);
    }
    return 0;
}

int langcheck_count_langs(const langcheck_t *lc)
{
    return lc ? lc->n_langs : 0;
}

const langcheck_total_t *langcheck_total(const langcheck_t *lc, int i)
{
    if (lc == NULL || i < 0 || i >= lc->n_langs)
        return NULL;
    return &lc->totals[i];
}

int langcheck_count_findings(const langcheck_t *lc)
{
    return lc ? lc->n_findings : 0;
}

const langcheck_finding_t *langcheck_finding(const langcheck_t *lc, int i)
{
    if (lc == NULL || i < 0 || i >= lc->n_findings)
        return NULL;
    return &lc->findings[i];
}

int langcheck_count_dropped(const langcheck_t *lc)
{
    return lc ? lc->dropped : 0;
}

int langcheck_count_kind(const langcheck_t *lc, langcheck_kind_t kind)
{
    int i, n = 0;

    if (lc == NULL)
        return 0;
    if (kind == LANGCHECK_STRAY)
        return lc->stray;
    for (i = 0; i < lc->n_langs; i++)
        n += kind == LANGCHECK_MISSING    ? lc->totals[i].missing
             : kind == LANGCHECK_UNLISTED ? lc->totals[i].unlisted
                                          : lc->totals[i].extra;
    return n;
}

const char *langcheck_file_name(const langcheck_t *lc, int file)
{
    if (lc == NULL || file < 0 || file >= lc->n_files)
        return "";
    return lc->files[file].name;
}

const char *langcheck_kind_name(langcheck_kind_t kind)
{
    switch (kind) {
    case LANGCHECK_MISSING:
        return "missing";
    case LANGCHECK_UNLISTED:
        return "unlisted";
    case LANGCHECK_EXTRA:
        return "extra";
    case LANGCHECK_STRAY:
        return "stray";
    }
    return "?";
}
