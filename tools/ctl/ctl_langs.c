/*
 * The language half of sipasctl check: what each language lacks against
 * Vietnamese in the UI words and the surveys (core/langcheck), and whether
 * the kiosk's own loaders accept each file as it stands.
 */
#include "ctl.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/langcheck.h"
#include "core/survey.h"

#define LANGS_UI_REL "i18n/ui.json"
#define LANGS_SURVEYS_REL "surveys"
#define LANGS_PATH_MAX 1024

typedef struct langs_file {
    langcheck_source_t source;
    char path[LANGS_PATH_MAX];
} langs_file_t;

typedef struct langs_run {
    const char *cmd;
    const ctl_langs_opts_t *o;
    int n_files;
    langs_file_t files[LANGCHECK_FILE_MAX];
    int errors, warnings;
} langs_run_t;

/* ---- which files ---------------------------------------------------------- */

static int langs_add_file(langs_run_t *r, langcheck_source_t source,
                          const char *path)
{
    if (r->n_files >= LANGCHECK_FILE_MAX) {
        ctl_say(r->cmd, "more than %d files to check", LANGCHECK_FILE_MAX);
        return -1;
    }
    r->files[r->n_files].source = source;
    snprintf(r->files[r->n_files].path, LANGS_PATH_MAX, "%s", path);
    r->n_files++;
    return 0;
}

static int langs_cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int langs_is_json_name(const char *name)
{
    size_t n = strlen(name);

    return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".json") == 0;
}

/* Every DIR/surveys/NAME.json, in name order so reports compare. */
static int langs_list_surveys(langs_run_t *r, const char *assets)
{
    char dir[LANGS_PATH_MAX], path[LANGS_PATH_MAX];
    char *names[LANGCHECK_FILE_MAX];
    struct dirent *de;
    DIR *d;
    int n = 0, i, rc = 0;

    snprintf(dir, sizeof(dir), "%s/%s", assets, LANGS_SURVEYS_REL);
    d = opendir(dir);
    if (d == NULL) {
        ctl_say(r->cmd, "cannot read %s: %s", dir, strerror(errno));
        return -1;
    }
    while ((de = readdir(d)) != NULL && rc == 0) {
        if (!langs_is_json_name(de->d_name))
            continue;
        if (n >= LANGCHECK_FILE_MAX) {
            ctl_say(r->cmd, "more than %d surveys in %s", LANGCHECK_FILE_MAX,
                    dir);
            rc = -1;
        } else if ((names[n] = strdup(de->d_name)) == NULL) {
            ctl_say(r->cmd, "out of memory");
            rc = -1;
        } else {
            n++;
        }
    }
    if (closedir(d) != 0 && rc == 0) {
        ctl_say(r->cmd, "cannot read %s: %s", dir, strerror(errno));
        rc = -1;
    }
    qsort(names, (size_t)n, sizeof(names[0]), langs_cmp_names);
    for (i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        if (rc == 0)
            rc = langs_add_file(r, LANGCHECK_SURVEY, path);
        free(names[i]);
    }
    return rc;
}

static int langs_collect(langs_run_t *r)
{
    const ctl_langs_opts_t *o = r->o;
    char path[LANGS_PATH_MAX];
    int i;

    if (o->ui && langs_add_file(r, LANGCHECK_UI, o->ui) != 0)
        return -1;
    if (o->assets && !o->ui) {
        snprintf(path, sizeof(path), "%s/%s", o->assets, LANGS_UI_REL);
        if (langs_add_file(r, LANGCHECK_UI, path) != 0)
            return -1;
    }
    if (o->assets && o->n_surveys == 0 && langs_list_surveys(r, o->assets) != 0)
        return -1;
    for (i = 0; i < o->n_surveys; i++)
        if (langs_add_file(r, LANGCHECK_SURVEY, o->surveys[i]) != 0)
            return -1;
    return 0;
}

/* ---- reading -------------------------------------------------------------- */

/* The whole file, NUL-terminated, at most LANGCHECK_SOURCE_MAX bytes; the
 * caller frees it. NULL after a message. */
static char *langs_read(langs_run_t *r, const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *buf;
    size_t n;

    if (fp == NULL) {
        ctl_say(r->cmd, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    buf = malloc(LANGCHECK_SOURCE_MAX + 2);
    n = buf ? fread(buf, 1, LANGCHECK_SOURCE_MAX + 1, fp) : 0;
    if (buf == NULL || ferror(fp) || n > LANGCHECK_SOURCE_MAX) {
        ctl_say(r->cmd, "cannot read %s: %s", path,
                buf == NULL ? "out of memory"
                : ferror(fp) ? "read error"
                             : "larger than 512 KiB");
        free(buf);
        (void)fclose(fp);
        return NULL;
    }
    (void)fclose(fp); /* read-only: nothing to lose at close */
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* What the kiosk would say of the file: a refusal is an error whatever
 * the flags, since the kiosk then stays out of service. */
static void langs_try_loader(langs_run_t *r, const langs_file_t *f,
                             const char *text, size_t len)
{
    i18n_t *t = NULL;
    survey_t *s = NULL;
    char msg[ERR_FILE_MAX + ERR_FIELD_MAX + ERR_MSG_MAX + 16];
    err_t e;
    int rc;

    err_clear(&e);
    if (f->source == LANGCHECK_UI)
        rc = i18n_parse(text, len, f->path, &t, &e);
    else
        rc = survey_parse(text, len, f->path, &s, &e);
    i18n_free(t);
    survey_free(s);
    if (rc == 0)
        return;
    err_format(&e, msg, sizeof(msg));
    printf("error: %s (the kiosk refuses this file)\n", msg);
    r->errors++;
}

static int langs_load(langs_run_t *r, langcheck_t *lc)
{
    char msg[ERR_FILE_MAX + ERR_FIELD_MAX + ERR_MSG_MAX + 16];
    int i, bad = 0;

    for (i = 0; i < r->n_files; i++) {
        const langs_file_t *f = &r->files[i];
        size_t len = 0;
        char *text = langs_read(r, f->path, &len);
        err_t e;

        if (text == NULL) {
            bad = 1;
            continue;
        }
        err_clear(&e);
        if (langcheck_add(lc, f->source, text, len, f->path, &e) != 0) {
            err_format(&e, msg, sizeof(msg));
            printf("error: %s\n", msg);
            r->errors++;
        } else {
            langs_try_loader(r, f, text, len);
        }
        free(text);
    }
    return bad ? -1 : 0;
}

/* ---- report --------------------------------------------------------------- */

static int langs_wanted(const langs_run_t *r, const char *lang)
{
    return r->o->only == NULL || strcmp(r->o->only, lang) == 0;
}

static void langs_print_finding(langs_run_t *r, const langcheck_t *lc,
                                const langcheck_finding_t *f)
{
    const char *file = langcheck_file_name(lc, f->file);
    int is_error = f->kind == LANGCHECK_EXTRA ||
                   f->kind == LANGCHECK_STRAY || r->o->strict;
    const char *level = is_error ? "error" : "warning";

    if (is_error)
        r->errors++;
    else
        r->warnings++;
    if (f->kind == LANGCHECK_MISSING)
        printf("%s: %s: %s: missing %s\n", level, file, f->lang, f->path);
    else if (f->kind == LANGCHECK_STRAY)
        printf("%s: %s: %s: extra %s (no file names the language \"%s\";"
               " misspelt?)\n",
               level, file, f->lang, f->path, f->lang);
    else if (f->kind == LANGCHECK_EXTRA)
        printf("%s: %s: %s: extra %s (Vietnamese has no such key;"
               " misspelt?)\n",
               level, file, f->lang, f->path);
    else if (strcmp(f->path, "languages") == 0)
        printf("%s: %s: %s: unlisted: \"languages\" does not name %s, so"
               " the kiosk cannot offer %s with this survey\n",
               level, file, f->lang, f->lang, f->lang);
    else
        printf("%s: %s: %s: unlisted: no \"%s\" words in this file, so the"
               " kiosk cannot offer %s\n",
               level, file, f->lang, f->lang, f->lang);
}

/* One line per language; the files' note on its state follows, so a
 * complete but unreviewed translation is not mistaken for a final one. */
static void langs_print_total(const langcheck_total_t *t)
{
    if (t->missing == 0 && t->unlisted == 0 && t->extra == 0) {
        printf("%s: complete, %d strings", t->lang, t->strings);
    } else {
        printf("%s: %d of %d strings missing", t->lang, t->missing,
               t->strings);
        if (t->extra > 0)
            printf(", %d extra key%s", t->extra, t->extra == 1 ? "" : "s");
        if (t->unlisted > 0)
            printf(", not named by %d file%s", t->unlisted,
                   t->unlisted == 1 ? "" : "s");
    }
    if (t->review[0])
        printf(" (review: %s)", t->review);
    printf("\n");
}

static void langs_print(langs_run_t *r, const langcheck_t *lc)
{
    int i, n_langs = 0;

    for (i = 0; i < langcheck_count_findings(lc); i++) {
        const langcheck_finding_t *f = langcheck_finding(lc, i);

        if (langs_wanted(r, f->lang) ||
            (f->kind == LANGCHECK_STRAY && r->o->only == NULL))
            langs_print_finding(r, lc, f);
    }
    if (langcheck_count_dropped(lc) > 0) {
        printf("error: %d more findings not listed; fix these first\n",
               langcheck_count_dropped(lc));
        r->errors++;
    }
    for (i = 0; i < langcheck_count_langs(lc); i++) {
        const langcheck_total_t *t = langcheck_total(lc, i);

        if (!langs_wanted(r, t->lang))
            continue;
        langs_print_total(t);
        n_langs++;
    }
    if (r->o->only && n_langs == 0) {
        printf("error: no file names the language \"%s\"\n", r->o->only);
        r->errors++;
    }
    printf("languages: %d checked against Vietnamese in %d file%s: "
           "%d error%s, %d warning%s\n",
           n_langs, r->n_files, r->n_files == 1 ? "" : "s", r->errors,
           r->errors == 1 ? "" : "s", r->warnings,
           r->warnings == 1 ? "" : "s");
    if (r->warnings > 0)
        printf("The kiosk shows the Vietnamese text where a language lacks"
               " one; --strict-lang makes that an error.\n");
}

int ctl_langs_check(const char *cmd, const ctl_langs_opts_t *o)
{
    static langs_run_t r; /* large; one check per process */
    langcheck_t *lc;
    int rc;

    memset(&r, 0, sizeof(r));
    r.cmd = cmd;
    r.o = o;
    if (langs_collect(&r) != 0)
        return CTL_EXIT_FAIL;
    lc = langcheck_new();
    if (lc == NULL) {
        ctl_say(cmd, "out of memory");
        return CTL_EXIT_FAIL;
    }
    rc = langs_load(&r, lc);
    if (langcheck_run(lc) != 0) {
        ctl_say(cmd, "the language check could not run");
        rc = -1;
    }
    langs_print(&r, lc);
    langcheck_free(lc);
    if (fflush(stdout) != 0) {
        ctl_say(cmd, "writing the language report failed");
        return CTL_EXIT_FAIL;
    }
    if (rc != 0 || r.errors > 0)
        return CTL_EXIT_FAIL;
    return CTL_EXIT_OK;
}
