#include "kiosk.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <SDL_ttf.h>

#include "core/jsonpos.h"
#include "core/voice.h"
#include "core/vntime.h"
#include "kiosk/assets.h"
#include "kiosk/embedded.h"
#include "kiosk/pin.h"
#include "kiosk/provshow.h"
#include "kiosk/record.h"
#include "core/version.h"
#include "platform/notify.h"
#include "platform/kick.h"
#include "sync/status.h"
#include "ui/draw.h"
#include "ui/touch.h"

#define KIOSK_VIDEO_TRIES 5
/* Retention deletes this many responses per loop turn, so the counter
 * never waits on a large delete. */
#define KIOSK_PRUNE_STEP 500

static void kiosk_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void kiosk_log(const char *fmt, ...)
{
    va_list ap;

    fputs("sipas-kiosk: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* Puts the kiosk out of service: the citizen sees a clear notice, the
 * technician the reason (screen, stderr, event stream). */
static void kiosk_fail(kiosk_t *k, const char *detail)
{
    k->oos = 1;
    snprintf(k->detail, sizeof(k->detail), "%s", detail);
    kiosk_log("out of service: %s", detail);
    events_note(k->events, "out-of-service", detail);
}

static void kiosk_fail_err(kiosk_t *k, const err_t *e)
{
    char buf[KIOSK_DETAIL_MAX];

    err_format(e, buf, sizeof(buf));
    kiosk_fail(k, buf);
}

/* ---- loading ---------------------------------------------------------- */

/* Reads name from the assets directory, or the embedded copy when the file
 * is absent and an embedded one exists. */
static int kiosk_read_asset(kiosk_t *k, const char *rel, const char *path,
                            size_t cap, const char *embedded, size_t elen,
                            asset_t *a)
{
    char full[2048], msg[KIOSK_DETAIL_MAX];

    if (path)
        snprintf(full, sizeof(full), "%s", path);
    else
        snprintf(full, sizeof(full), "%s/%s", k->assets_dir, rel);
    if (assets_read(full, cap, a, msg, sizeof(msg)) == 0)
        return 0;
    if (errno == ENOENT && embedded) {
        asset_embedded(a, rel, embedded, elen);
        return 0;
    }
    kiosk_fail(k, msg);
    return -1;
}

/* The shipped dossier code formats go under the kiosk's own file, which
 * replaces them when it lists its own. */
static int kiosk_load_formats(kiosk_t *k)
{
    asset_t a;
    err_t e;
    int rc;

    if (kiosk_read_asset(k, "config/dossier-formats.json", NULL,
                         CONFIG_SOURCE_MAX, embed_formats,
                         EMBED_LEN(embed_formats), &a) != 0)
        return -1;
    err_clear(&e);
    rc = config_parse(a.data, a.len, a.name, &k->config, &e);
    asset_free(&a);
    if (rc != 0) {
        kiosk_fail_err(k, &e);
        return -1;
    }
    return 0;
}

static int kiosk_load_config(kiosk_t *k)
{
    asset_t a;
    err_t e;
    char msg[KIOSK_DETAIL_MAX];
    int rc;

    config_defaults(&k->config);
    if (kiosk_load_formats(k) != 0)
        return -1;
    if (k->args.config) {
        if (assets_read(k->args.config, CONFIG_SOURCE_MAX, &a, msg,
                        sizeof(msg)) != 0) {
            kiosk_fail(k, msg);
            return -1;
        }
    } else {
        asset_embedded(&a, "config/default.json", embed_config,
                       EMBED_LEN(embed_config));
    }
    snprintf(k->config_name, sizeof(k->config_name), "%s", a.name);
    err_clear(&e);
    rc = config_parse(a.data, a.len, a.name, &k->config, &e);
    /* Kept until the cross-checks against the survey have run, so their
     * errors can name a line too. */
    k->config_src = a;
    if (rc != 0) {
        kiosk_fail_err(k, &e);
        return -1;
    }
    /* The root file system is read-only on the device: what the SD card
     * provisioned lives in the data directory and wins. */
    if (provshow_apply_settings(k->args.data, &k->config, &e, msg,
                                sizeof(msg)) != 0) {
        kiosk_fail_err(k, &e);
        return -1;
    }
    if (msg[0])
        kiosk_log("%s", msg);
    return 0;
}

static int kiosk_load_words(kiosk_t *k)
{
    asset_t a;
    err_t e;
    int rc;

    if (kiosk_read_asset(k, "i18n/ui.json", NULL, I18N_POOL_MAX, embed_ui,
                         EMBED_LEN(embed_ui), &a) != 0)
        return -1;
    err_clear(&e);
    rc = i18n_parse(a.data, a.len, a.name, &k->i18n, &e);
    asset_free(&a);
    if (rc != 0) {
        kiosk_fail_err(k, &e);
        return -1;
    }
    return 0;
}

/* An instrument outside its validity period on today's local date: by a
 * synchronised clock the kiosk goes out of service rather than collect
 * ratings under rules no longer (or not yet) in force; by an unsynchronised
 * clock (a Pi without RTC after a power cut) it runs and says so, since
 * the date itself is in doubt. docs/SURVEY_FORMAT.md, "Validity period". */
static int kiosk_check_survey_dates(kiosk_t *k, const asset_t *a)
{
    char today[VNTIME_DATE_MAX], msg[KIOSK_DETAIL_MAX];
    survey_validity_t v;
    int synced = pclock_synced(&k->clock);

    if (vntime_format_date(pclock_wall_ms(&k->clock), today, sizeof(today)) !=
        0)
        today[0] = '\0';
    v = survey_check_validity(k->survey, today);
    if (v == SURVEY_VALID)
        return 0;
    survey_describe_validity(k->survey, v, today, a->name, a->data, a->len,
                             msg, sizeof(msg));
    if (survey_decide_use(v, synced) == SURVEY_REFUSE) {
        kiosk_fail(k, msg);
        return -1;
    }
    kiosk_log("warning: %s (the clock is not synchronised; running)", msg);
    events_note(k->events, "warning", msg);
    return 0;
}

static int kiosk_load_survey(kiosk_t *k)
{
    const char *id = k->config.survey;
    char rel[CONFIG_PATH_MAX + 32];
    int is_path = strchr(id, '/') != NULL;
    int is_default = strcmp(id, "sipas-short") == 0;
    asset_t a;
    err_t e;
    int rc;

    snprintf(rel, sizeof(rel), "surveys/%s.json", id);
    if (kiosk_read_asset(k, rel, is_path ? id : NULL, SURVEY_SOURCE_MAX,
                         is_default ? embed_survey : NULL,
                         is_default ? EMBED_LEN(embed_survey) : 0, &a) != 0)
        return -1;
    err_clear(&e);
    rc = survey_parse(a.data, a.len, a.name, &k->survey, &e);
    if (rc == 0)
        rc = kiosk_check_survey_dates(k, &a);
    asset_free(&a);
    if (rc != 0) {
        if (!k->oos)
            kiosk_fail_err(k, &e);
        return -1;
    }
    return 0;
}

/* The default offer (no "languages" in the configuration) keeps only the
 * languages both the survey and the UI words have: a province's own survey
 * in Vietnamese and English runs as before, without Khmer. Vietnamese is
 * always kept, so a survey without it still fails below. */
static void kiosk_trim_default_langs(kiosk_t *k)
{
    config_t *c = &k->config;
    int i, n = 0;

    if (c->langs_given)
        return;
    for (i = 0; i < c->n_langs; i++) {
        const char *l = c->langs[i];
        if (strcmp(l, "vi") != 0 && (survey_find_lang(k->survey, l) < 0 ||
                                     !i18n_has_lang(k->i18n, l)))
            continue;
        if (n != i)
            memcpy(c->langs[n], c->langs[i], sizeof(c->langs[n]));
        n++;
    }
    c->n_langs = n;
}

/* Every language offered must exist in the survey and in the UI words. */
static int kiosk_check_langs(kiosk_t *k)
{
    char msg[KIOSK_DETAIL_MAX];
    int i;

    kiosk_trim_default_langs(k);
    for (i = 0; i < k->config.n_langs; i++) {
        const char *l = k->config.langs[i];
        if (survey_find_lang(k->survey, l) < 0 || !i18n_has_lang(k->i18n, l)) {
            char path[32];
            int line = 0, col = 0;
            snprintf(path, sizeof(path), "languages[%d]", i);
            if (k->config_src.data)
                jsonpos_locate(k->config_src.data, k->config_src.len, path,
                               &line, &col);
            snprintf(msg, sizeof(msg),
                     "%s:%d:%d: %s: '%s' is not in survey '%s' or the UI words",
                     k->config_name, line, col, path, l, k->survey->id);
            kiosk_fail(k, msg);
            return -1;
        }
    }
    return 0;
}

static void kiosk_first_lang(kiosk_t *k)
{
    char tmp[8];
    int i;

    if (!k->args.lang || strcmp(k->config.langs[0], k->args.lang) == 0)
        return;
    for (i = 1; i < k->config.n_langs; i++) {
        if (strcmp(k->config.langs[i], k->args.lang) == 0) {
            memcpy(tmp, k->config.langs[0], sizeof(tmp));
            memcpy(k->config.langs[0], k->config.langs[i], sizeof(tmp));
            memcpy(k->config.langs[i], tmp, sizeof(tmp));
            return;
        }
    }
    /* A language the configuration, the survey or the words do not offer
     * would otherwise be dropped without a word to the technician. */
    kiosk_log("--lang %s: not offered here (the configuration's \"languages\","
              " with the survey and words that have it); starting in %s",
              k->args.lang, k->config.langs[0]);
}

/* ---- facts shown on screens -------------------------------------------- */

static void kiosk_fmt_bytes(char *buf, size_t cap, double bytes)
{
    if (bytes >= 1024.0 * 1024.0 * 1024.0)
        snprintf(buf, cap, "%.1f GB", bytes / (1024.0 * 1024.0 * 1024.0));
    else if (bytes >= 1024.0 * 1024.0)
        snprintf(buf, cap, "%.1f MB", bytes / (1024.0 * 1024.0));
    else
        snprintf(buf, cap, "%.0f KB", bytes / 1024.0);
}

static void kiosk_admin_line(kiosk_t *k, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void kiosk_admin_line(kiosk_t *k, const char *key, const char *fmt, ...)
{
    ui_admin_line_t *l;
    va_list ap;

    if (k->info.n_admin >= UI_ADMIN_LINES)
        return;
    l = &k->info.admin[k->info.n_admin++];
    l->key = key;
    va_start(ap, fmt);
    vsnprintf(l->value, sizeof(l->value), fmt, ap);
    va_end(ap);
}

static void kiosk_refresh_officer(kiosk_t *k)
{
    const config_officer_t *o = config_find_officer(&k->config, k->flow.officer);

    if (!k->flow.officer[0])
        k->info.officer_name[0] = '\0';
    else
        snprintf(k->info.officer_name, sizeof(k->info.officer_name), "%s",
                 o ? o->name : k->flow.officer);
}

/* " · N đánh giá thử" when there are any, else nothing. */
static void kiosk_tests_text(kiosk_t *k, int64_t n, char *out, size_t cap)
{
    if (n > 0)
        snprintf(out, cap, "  ·  %lld %s", (long long)n,
                 i18n_get(k->i18n, "vi", "admin.tests"));
    else if (cap > 0)
        out[0] = '\0';
}

/* Refreshed after each commit and on entering the admin screen, never per
 * frame: it queries the database. */
static void kiosk_refresh_info(kiosk_t *k)
{
    store_stats_t st;
    struct statvfs vfs;
    char when[40] = "-", db[32] = "?", freeb[32] = "?";
    char sync_line[UI_INFO_TEXT_MAX];
    char tests[UI_INFO_TEXT_MAX];
    int64_t now = pclock_wall_ms(&k->clock);

    k->info_rev++;
    k->info.n_admin = 0;
    snprintf(k->info.unit_name, sizeof(k->info.unit_name), "%s",
             k->config.unit_name);
    kiosk_refresh_officer(k);
    snprintf(k->info.detail, sizeof(k->info.detail), "%s", k->detail);
    /* Counting the database costs more as it grows: only the admin screen
     * and the optional public figure need it, so a citizen's rating does
     * not pay for it. */
    if (k->flow.screen != FLOW_ADMIN && k->flow.screen != FLOW_PIN &&
        !k->config.show_public_figure) {
        k->info.figure[0] = '\0';
        return;
    }
    if (!k->store || store_get_stats(k->store, now, &st) != STORE_OK) {
        k->info.figure[0] = '\0';
        return;
    }
    k->info.figure[0] = '\0';
    if (k->config.show_public_figure && st.month_overall > 0)
        snprintf(k->info.figure, sizeof(k->info.figure), "%.0f%%",
                 100.0 * (double)st.month_overall_satisfied /
                     (double)st.month_overall);
    if (st.last_seq > 0)
        vntime_format_iso(st.last_wall_ms, when, sizeof(when));
    kiosk_fmt_bytes(db, sizeof(db), (double)st.db_bytes);
    if (k->sync_view.damaged && !k->sync_view.enrolled)
        /* The thread never read the unit; the kiosk may remember it. */
        snprintf(sync_line, sizeof(sync_line), "%s · sync.db hỏng, không"
                 " gửi được (sipasctl provision --repair)",
                 k->unit_unknown ? "chưa rõ đơn vị" : k->config.unit_code);
    else if (k->sync)
        sync_view_format(&k->sync_view, sync_line, sizeof(sync_line));
    else
        snprintf(sync_line, sizeof(sync_line), "%s",
                 k->sync_view.enrolled ? "tắt (sync.enabled)"
                                       : "chưa đăng ký với máy chủ");
    if (statvfs(k->args.data, &vfs) == 0)
        kiosk_fmt_bytes(freeb, sizeof(freeb),
                        (double)vfs.f_bavail * (double)vfs.f_frsize);
    kiosk_admin_line(k, "admin.unit", "%s – %s", k->config.unit_code,
                     k->config.unit_name);
    kiosk_admin_line(k, "admin.counter", "%s", k->config.counter);
    kiosk_admin_line(k, "admin.officer", "%s",
                     k->info.officer_name[0] ? k->info.officer_name
                                             : i18n_get(k->i18n, "vi", "admin.none"));
    /* Real ratings first; the tests made before enrollment are named
     * beside them, since they are never uploaded or counted. */
    kiosk_tests_text(k, st.test, tests, sizeof(tests));
    kiosk_admin_line(k, "admin.responses", "%lld (%lld)%s",
                     (long long)(st.responses - st.test),
                     (long long)st.counted, tests);
    kiosk_tests_text(k, st.today_test, tests, sizeof(tests));
    kiosk_admin_line(k, "admin.today", "%lld%s", (long long)st.today, tests);
    kiosk_admin_line(k, "admin.partial", "%lld / %lld", (long long)st.partial,
                     (long long)st.suppressed);
    kiosk_admin_line(k, "admin.last", "#%lld %s", (long long)st.last_seq, when);
    kiosk_admin_line(k, "admin.storage", "%s / %s", db, freeb);
    kiosk_admin_line(k, "admin.sync", "%s", sync_line);
    /* Ten lines fit: with an error to show, the version (also in
     * `sipasctl status`) gives way. */
    if (k->detail[0])
        kiosk_admin_line(k, "admin.error", "%s", k->detail);
    kiosk_admin_line(k, "admin.version", "%s  ·  %s", SIPAS_VERSION,
                     st.install_id);
}

/* ---- what the flow asks of us ------------------------------------------ */

static int kiosk_op_dossier_rated(void *ctx, const char *dossier)
{
    kiosk_t *k = ctx;

    return k->store ? store_dossier_rated(k->store, dossier) : -1;
}

static int kiosk_op_commit(void *ctx, const flow_response_t *r, int64_t *seq)
{
    kiosk_t *k = ctx;
    store_answer_t answers[FLOW_ANSWER_MAX];
    store_response_t sr;
    int i, rc;

    memset(&sr, 0, sizeof(sr));
    for (i = 0; i < r->n_answers; i++) {
        const survey_question_t *q = &k->survey->questions[r->answers[i].question];
        answers[i].question = q->id;
        answers[i].element = q->element;
        answers[i].value = r->answers[i].value;
        answers[i].code = r->answers[i].code[0] ? r->answers[i].code : NULL;
    }
    sr.unit = k->config.unit_code;
    sr.counter = k->config.counter;
    sr.field = r->field;
    sr.dossier = r->dossier;
    sr.officer = r->officer;
    sr.lang = r->lang;
    sr.instrument = k->survey->id;
    sr.instrument_version = k->survey->version;
    sr.partial = r->partial;
    sr.suppressed = r->suppressed;
    /* Before enrollment the kiosk is being tried out: its ratings carry
     * the configured (demo) unit and must never reach any figure. */
    sr.test = !k->enrolled;
    sr.wall_ms = pclock_wall_ms(&k->clock);
    sr.boot_ms = (int64_t)pclock_boot_ms(&k->clock);
    sr.boot_id = k->clock.boot_id;
    sr.clock_synced = pclock_synced(&k->clock);
    sr.duration_ms = (int)(r->finished_ms - r->started_ms);
    sr.n_answers = r->n_answers;
    sr.answers = answers;
    rc = k->store ? store_commit_response(k->store, &sr, seq) : STORE_ERROR;
    if (rc == STORE_SCHEMA) {
        char msg[KIOSK_DETAIL_MAX];
        snprintf(msg, sizeof(msg), "storage: %s", store_last_error(k->store));
        kiosk_fail(k, msg);
        snprintf(k->info.detail, sizeof(k->info.detail), "%s", msg);
        return FLOW_COMMIT_FAULT;
    }
    if (rc != STORE_OK) {
        char msg[KIOSK_DETAIL_MAX];
        snprintf(msg, sizeof(msg), "storage: %s",
                 rc == STORE_FULL ? "database or disk full"
                                  : (k->store ? store_last_error(k->store)
                                              : "no database"));
        if (!k->store_failing) {
            kiosk_log("%s; the response is kept in memory and retried", msg);
            events_note(k->events, "error", msg);
        }
        k->store_failing = 1;
        snprintf(k->detail, sizeof(k->detail), "%s", msg);
        snprintf(k->info.detail, sizeof(k->info.detail), "%s", msg);
        return -1;
    }
    if (k->store_failing) {
        k->store_failing = 0;
        k->detail[0] = '\0';
        events_note(k->events, "recovered", "storage accepts responses again");
    }
    /* Only now, with the transaction durable, may anyone be told. */
    events_committed(k->events, *seq, k->survey->id, r->partial, r->suppressed);
    /* Best effort: a lost kick only waits for sipas-sync's own timer. */
    if (k->sync)
        (void)kick_send(k->kick_fd, k->args.data);
    /* The technician's banner has done its job once citizens rate. */
    k->info.banner[0] = '\0';
    kiosk_refresh_info(k);
    return 0;
}

static int kiosk_op_pin_ok(void *ctx, const char *pin)
{
    kiosk_t *k = ctx;
    int ok = pin_check(pin, k->config.admin_pin_hash);

    if (k->store)
        store_audit(k->store, pclock_wall_ms(&k->clock),
                    ok ? "admin-open" : "admin-denied", "");
    if (ok)
        kiosk_refresh_info(k);
    return ok;
}

static void kiosk_op_officer(void *ctx, const char *code)
{
    kiosk_t *k = ctx;
    char msg[128];

    if (k->store) {
        if (store_state_set(k->store, "officer", code) != STORE_OK)
            kiosk_log("could not record the officer on duty: %s",
                      store_last_error(k->store));
        store_audit(k->store, pclock_wall_ms(&k->clock),
                    code[0] ? "officer-in" : "officer-out", code);
    }
    snprintf(msg, sizeof(msg), "%s", code[0] ? code : "-");
    events_note(k->events, "officer", msg);
    kiosk_refresh_info(k);
}

/* ---- uploading to the hub ---------------------------------------------- */

/* An enrolled kiosk records the unit the hub gave it (and the counter,
 * when provisioning named one) instead of the configuration's. */
static void kiosk_use_enrollment(kiosk_t *k, const syncdb_enrollment_t *e)
{
    k->enrolled = 1;
    snprintf(k->config.unit_code, sizeof(k->config.unit_code), "%s",
             e->unit_code);
    snprintf(k->config.unit_name, sizeof(k->config.unit_name), "%s",
             e->unit_name);
    if (e->counter[0])
        snprintf(k->config.counter, sizeof(k->config.counter), "%s",
                 e->counter);
}

/* Where kiosk.db remembers the enrolled unit, for when sync.db is
 * damaged and cannot say it. */
#define KIOSK_STATE_UNIT_CODE "enrolled.unit_code"
#define KIOSK_STATE_UNIT_NAME "enrolled.unit_name"
#define KIOSK_STATE_COUNTER "enrolled.counter"

/* Remembers the unit in kiosk.db when it differs from what is kept. */
static void kiosk_remember_unit(kiosk_t *k, const syncdb_enrollment_t *e)
{
    char kept[SYNCDB_TEXT_MAX];

    if (!k->store ||
        (store_state_get(k->store, KIOSK_STATE_UNIT_CODE, kept,
                         sizeof(kept)) == STORE_OK &&
         strcmp(kept, e->unit_code) == 0 &&
         store_state_get(k->store, KIOSK_STATE_UNIT_NAME, kept,
                         sizeof(kept)) == STORE_OK &&
         strcmp(kept, e->unit_name) == 0 &&
         store_state_get(k->store, KIOSK_STATE_COUNTER, kept,
                         sizeof(kept)) == STORE_OK &&
         strcmp(kept, e->counter) == 0))
        return;
    if (store_state_set(k->store, KIOSK_STATE_UNIT_CODE, e->unit_code) !=
            STORE_OK ||
        store_state_set(k->store, KIOSK_STATE_UNIT_NAME, e->unit_name) !=
            STORE_OK ||
        store_state_set(k->store, KIOSK_STATE_COUNTER, e->counter) !=
            STORE_OK)
        kiosk_log("cannot remember the enrolled unit: %s",
                  store_last_error(k->store));
}

/* sync.db is damaged: responses keep the unit kiosk.db remembers; with
 * none remembered they carry the configured one, and the admin screen
 * says the unit is not known. */
static void kiosk_recall_unit(kiosk_t *k)
{
    syncdb_enrollment_t e;

    memset(&e, 0, sizeof(e));
    if (k->store &&
        store_state_get(k->store, KIOSK_STATE_UNIT_CODE, e.unit_code,
                        sizeof(e.unit_code)) == STORE_OK &&
        e.unit_code[0] &&
        store_state_get(k->store, KIOSK_STATE_UNIT_NAME, e.unit_name,
                        sizeof(e.unit_name)) == STORE_OK &&
        store_state_get(k->store, KIOSK_STATE_COUNTER, e.counter,
                        sizeof(e.counter)) == STORE_OK) {
        kiosk_use_enrollment(k, &e);
        kiosk_log("responses keep the last enrolled unit %s", e.unit_code);
        return;
    }
    k->unit_unknown = 1;
    kiosk_log("the enrolled unit is not known: responses carry the"
              " configured unit %s until sync.db is repaired",
              k->config.unit_code);
}

/* Once per damage: stderr and the event stream. */
static void kiosk_report_sync_damage(kiosk_t *k, const char *why)
{
    char msg[KIOSK_DETAIL_MAX];

    if (k->sync_damaged)
        return;
    k->sync_damaged = 1;
    snprintf(msg, sizeof(msg), "the sync database %s/%s is damaged (%s):"
             " nothing is uploaded until it is repaired (sipasctl provision"
             " --repair)", k->args.data, SYNCDB_NAME, why);
    kiosk_log("%s", msg);
    events_note(k->events, "error", msg);
}

static void kiosk_read_enrollment(kiosk_t *k)
{
    char err[SYNCDB_ERROR_MAX];
    syncdb_enrollment_t e;
    int rc = sync_read_enrollment(k->args.data, &e, err, sizeof(err));

    if (rc == SYNCDB_DAMAGED) {
        k->sync_view.damaged = 1;
        snprintf(k->sync_view.last_error, sizeof(k->sync_view.last_error),
                 "%s", err);
        kiosk_report_sync_damage(k, err);
        return;
    }
    if (rc < 0) {
        kiosk_log("cannot read the hub enrollment in %s/%s; responses carry"
                  " the configured unit until it can be read", k->args.data,
                  SYNCDB_NAME);
        return;
    }
    k->sync_view.enrolled = rc == 1;
    if (rc == 1) {
        k->sync_view.enrollment = e;
        kiosk_use_enrollment(k, &e);
    }
}

/* Called on the watcher's thread: only the thread-safe wake. */
static void kiosk_sync_notify(void *ctx)
{
    if (ctx)
        (void)wake_signal(ctx);
}

/* Uploading itself is sipas-sync's; the kiosk watches what it records and
 * keeps a socket to kick it with. */
static void kiosk_sync_start(kiosk_t *k)
{
    sync_watch_opts_t o;

    k->kick_fd = -1;
    if (k->oos || !k->store || !k->config.sync.enabled)
        return;
    memset(&o, 0, sizeof(o));
    o.data_dir = k->args.data;
    o.retention_days = k->config.sync.retention_days;
    o.notify = kiosk_sync_notify;
    o.notify_ctx = k->wake;
    if (sync_watch_start(&k->sync, &o) != 0) {
        kiosk_log("cannot watch the uploader's progress; the admin screen"
                  " shows the enrollment read at start");
        return;
    }
    k->kick_fd = kick_open_sender();
    if (k->kick_fd < 0)
        kiosk_log("cannot open a socket to wake sipas-sync: it uploads on"
                  " its own timer");
}

/* Retention, one small step per loop turn and only between citizens: the
 * uploader said which acknowledged responses may go; the one writer
 * deletes them. */
static void kiosk_sync_prune(kiosk_t *k)
{
    int n = 0;

    if (store_prune_responses(k->store, k->prune_before_ms, k->prune_max_seq,
                              KIOSK_PRUNE_STEP, &n) != STORE_OK) {
        kiosk_log("retention: %s", store_last_error(k->store));
        k->prune_max_seq = 0;
        return;
    }
    if (n < KIOSK_PRUNE_STEP)
        k->prune_max_seq = 0;
    if (n > 0)
        kiosk_refresh_info(k);
}

static int kiosk_prune_due(const kiosk_t *k)
{
    return k->prune_max_seq > 0 && k->store && k->flow.screen == FLOW_IDLE;
}

/* What the uploader published since the last turn. */
static void kiosk_sync_poll(kiosk_t *k)
{
    const syncdb_enrollment_t *e = &k->sync_view.enrollment;
    char msg[KIOSK_DETAIL_MAX];

    if (sync_watch_poll(k->sync, &k->sync_view)) {
        if (k->sync_view.damaged)
            kiosk_report_sync_damage(k, k->sync_view.last_error);
        else
            k->sync_damaged = 0;
        if (k->sync_view.enrolled && k->sync_view.enrollment_rev != k->sync_rev &&
            (strcmp(e->unit_code, k->config.unit_code) != 0 ||
             strcmp(e->unit_name, k->config.unit_name) != 0 ||
             (e->counter[0] && strcmp(e->counter, k->config.counter) != 0))) {
            kiosk_use_enrollment(k, e);
            kiosk_remember_unit(k, e);
            k->unit_unknown = 0;
            snprintf(msg, sizeof(msg), "enrolled with the hub: responses"
                     " from now on carry unit %s", e->unit_code);
            kiosk_log("%s", msg);
            events_note(k->events, "enrolled", msg);
        }
        if (k->sync_view.enrolled)
            k->enrolled = 1;
        k->sync_rev = k->sync_view.enrollment_rev;
        if (k->sync_view.prune_max_seq > 0) {
            k->prune_before_ms = k->sync_view.prune_before_ms;
            k->prune_max_seq = k->sync_view.prune_max_seq;
            sync_watch_pruned(k->sync);
        }
        kiosk_refresh_info(k);
    }
    if (kiosk_prune_due(k))
        kiosk_sync_prune(k);
}

/* ---- open / close ------------------------------------------------------ */

/* The store stamps its own records with the kiosk's clock. */
static int64_t kiosk_store_wall_ms(void *ctx)
{
    return pclock_wall_ms(ctx);
}

static void kiosk_open_store(kiosk_t *k)
{
    store_options_t opt;
    store_open_report_t rep;
    char msg[KIOSK_DETAIL_MAX], officer[CONFIG_CODE_MAX];
    uint64_t recent[MISUSE_HISTORY_MAX];
    int rc, n = 0, i;

    memset(&opt, 0, sizeof(opt));
    opt.max_db_bytes = k->config.max_db_bytes;
    opt.wall_ms = kiosk_store_wall_ms;
    opt.wall_ctx = &k->clock;
    rc = store_open(k->args.data, &opt, &k->store, &rep);
    if (rc != STORE_OK) {
        /* The store's reason names the file already. */
        if (store_last_error(NULL)[0])
            snprintf(msg, sizeof(msg), "storage: %s", store_last_error(NULL));
        else
            snprintf(msg, sizeof(msg), "storage: cannot open database in %s",
                     k->args.data);
        k->store = NULL;
        kiosk_fail(k, msg);
        return;
    }
    if (rep.recovered) {
        snprintf(msg, sizeof(msg),
                 "damaged database moved to %s (%s); a new one was started",
                 rep.moved_to, rep.check);
        kiosk_log("%s", msg);
        events_note(k->events, "recovered", msg);
        snprintf(k->detail, sizeof(k->detail), "%s", msg);
    }
    if (store_state_get(k->store, "officer", officer, sizeof(officer)) ==
        STORE_OK)
        flow_restore_officer(&k->flow, officer);
    /* Misuse rules keep working across a restart within one boot. */
    if (store_recent_finishes(k->store, k->clock.boot_id, recent,
                              MISUSE_HISTORY_MAX, &n) == STORE_OK)
        for (i = 0; i < n; i++)
            misuse_seed(&k->flow.misuse, recent[i]);
}

/* What provisioning from the SD card came to, for the technician; read
 * again when a later run (the retry timer) records a new result. */
static void kiosk_read_banner(kiosk_t *k)
{
    (void)provshow_result_changed(k->args.data, &k->prov_seen);
    provshow_read_banner(k->args.data, pclock_wall_ms(&k->clock),
                         k->info.banner, sizeof(k->info.banner),
                         &k->info.banner_failed);
}

int kiosk_open(kiosk_t *k, const kiosk_args_t *args, const char *argv0)
{
    flow_ops_t ops;

    memset(k, 0, sizeof(*k));
    k->kick_fd = -1;
    k->args = *args;
    pclock_init(&k->clock, args->script != NULL);
    assets_find_dir(args->assets, argv0, k->assets_dir, sizeof(k->assets_dir));
    if (events_open(&k->events, args->events) != 0) {
        kiosk_log("cannot open event stream %s", args->events);
        return -1;
    }
    events_set_clock(k->events, &k->clock);
    if (speak_open(&k->speak, args->data, NULL, k->events) != 0)
        return -1;
    ops.ctx = k;
    ops.dossier_rated = kiosk_op_dossier_rated;
    ops.commit = kiosk_op_commit;
    ops.pin_ok = kiosk_op_pin_ok;
    ops.officer_changed = kiosk_op_officer;

    /* Each step runs only if the previous held; what failed is in detail.
     * The words load first so even a broken config gets a readable
     * out-of-service screen. */
    config_defaults(&k->config);
    if (kiosk_load_words(k) != 0) {
        err_t e;
        /* The embedded words are known good: use them to show the fault. */
        err_clear(&e);
        if (i18n_parse(embed_ui, EMBED_LEN(embed_ui), "<embedded>", &k->i18n,
                       &e) != 0)
            return -1;
    }
    if (!k->oos)
        kiosk_load_config(k);
    if (!k->oos)
        kiosk_load_survey(k);
    /* --lang after the check: it can only pick a language on offer. */
    if (!k->oos && kiosk_check_langs(k) == 0)
        kiosk_first_lang(k);
    asset_free(&k->config_src);
    if (!k->survey) {
        /* The flow needs a survey to exist even out of service. */
        err_t e;
        err_clear(&e);
        if (survey_parse(embed_survey, EMBED_LEN(embed_survey), "<embedded>",
                         &k->survey, &e) != 0)
            return -1;
    }
    if (!k->oos)
        kiosk_read_enrollment(k);
    flow_init(&k->flow, k->survey, &k->config, &ops, pclock_boot_ms(&k->clock));
    if (!k->oos)
        kiosk_open_store(k);
    if (!k->oos && k->sync_view.enrolled)
        kiosk_remember_unit(k, &k->sync_view.enrollment);
    else if (!k->oos && k->sync_view.damaged)
        kiosk_recall_unit(k);
    if (k->oos)
        flow_set_out_of_service(&k->flow);
    k->dpi = args->dpi ? args->dpi : k->config.dpi;
    k->shown = FLOW_SCREEN_COUNT;
    k->dirty = 1;
    if (!k->oos)
        kiosk_read_banner(k);
    kiosk_refresh_info(k);
    return 0;
}

static int kiosk_driver_blocks(void)
{
    const char *d = SDL_GetCurrentVideoDriver();

    /* x11 and wayland block in SDL_WaitEventTimeout on their own
     * connection; KMSDRM and dummy spin. */
    return d && (strcmp(d, "x11") == 0 || strcmp(d, "wayland") == 0);
}

/* SIGTERM (systemd's stop) and SIGINT end the loop, and they are the only
 * way out besides the administrator's exit: SDL_QUIT is ignored (see
 * kiosk_refuse_quit). Under its unit the kiosk has no controlling
 * terminal, so no keystroke (Ctrl+C) can raise either signal; SIGINT
 * stays for a developer's terminal and `kill -INT`. SDL's own handler
 * would only queue SDL_QUIT at the next event pump, so a signal arriving
 * between the pump and the sleep would go unheard until the next touch;
 * ours also wakes the sleep (wake_signal is a write(), safe in a
 * handler). */
static volatile sig_atomic_t kiosk_stop_requested;
static wake_t *kiosk_signal_wake;

static void kiosk_on_signal(int sig)
{
    (void)sig;
    kiosk_stop_requested = 1;
    if (kiosk_signal_wake)
        wake_signal(kiosk_signal_wake);
}

static int kiosk_catch_signals(kiosk_t *k)
{
    struct sigaction sa;

    kiosk_signal_wake = k->wake;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = kiosk_on_signal;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGTERM, &sa, NULL) != 0 || sigaction(SIGINT, &sa, NULL) != 0)
        return -1;
    return 0;
}

/* What the technician's self-test reads back: did the kiosk start, on
 * which screen, with which touch devices. */
static void kiosk_note_display(const kiosk_t *k)
{
    char err[256];

    if (record_write_display(k->args.data, k->w, k->h,
                             k->config.touch.rotation,
                             pclock_wall_ms(&k->clock), err,
                             sizeof(err)) != 0)
        kiosk_log("cannot note the display for the self-test: %s", err);
}

/* On KMSDRM, SDL's context is OpenGL ES over EGL/GBM, yet SDL's first
 * renderer is desktop OpenGL: with Mesa's software GL (virtio-gpu without
 * 3D, a board whose GPU driver is missing) it draws nothing at all, and
 * SDL's software renderer has no framebuffer to show on KMSDRM. The GLES2
 * renderer is what this video driver is built for; SDL's own choice is
 * the fallback. SDL_RENDER_DRIVER in the environment still wins. */
static SDL_Renderer *kiosk_renderer_create(SDL_Window *win)
{
    SDL_Renderer *ren;

    SDL_RendererInfo info;

    if (strcmp(SDL_GetCurrentVideoDriver(), "KMSDRM") != 0)
        return SDL_CreateRenderer(win, -1, 0);
    SDL_SetHint(SDL_HINT_RENDER_DRIVER, "opengles2");
    ren = SDL_CreateRenderer(win, -1, 0);
    if (!ren) {
        kiosk_log("no OpenGL ES 2 renderer (%s): SDL's default instead",
                  SDL_GetError());
        SDL_SetHint(SDL_HINT_RENDER_DRIVER, NULL);
        ren = SDL_CreateRenderer(win, -1, 0);
    }
    if (ren && SDL_GetRendererInfo(ren, &info) == 0)
        kiosk_log("drawing with SDL's %s renderer", info.name);
    return ren;
}

int kiosk_video_open(kiosk_t *k)
{
    int tries, fullscreen = k->args.win_w == 0;
    Uint32 flags = fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0;
    unsigned delay = 500;

    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");
    SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0");
    SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "0");
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    /* On a desktop a Super or Alt+Tab press takes the focus away; a
     * fullscreen kiosk that minimised itself would leave the screen. */
    SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
    /* KMSDRM fails when no display is connected yet: retry with backoff,
     * then let systemd restart us. */
    for (tries = 0;; tries++) {
        if (SDL_InitSubSystem(SDL_INIT_VIDEO) == 0)
            break;
        if (tries + 1 >= KIOSK_VIDEO_TRIES || k->args.script)
            return -1;
        kiosk_log("video not ready (%s), retrying in %u ms", SDL_GetError(), delay);
        SDL_Delay(delay);
        delay *= 2;
    }
    if (TTF_Init() != 0)
        return -1;
    k->win = SDL_CreateWindow("sipas-kiosk", SDL_WINDOWPOS_CENTERED,
                              SDL_WINDOWPOS_CENTERED,
                              fullscreen ? 800 : k->args.win_w,
                              fullscreen ? 480 : k->args.win_h, flags);
    if (!k->win)
        return -1;
    k->ren = kiosk_renderer_create(k->win);
    if (!k->ren)
        return -1;
    if (SDL_GetRendererOutputSize(k->ren, &k->w, &k->h) != 0)
        return -1;
    if (fullscreen)
        SDL_ShowCursor(SDL_DISABLE);
    if (text_cache_create(&k->text, embed_font_regular,
                          EMBED_LEN(embed_font_regular), embed_font_bold,
                          EMBED_LEN(embed_font_bold)) != 0)
        return -1;
    if (text_cache_add_khmer(k->text, embed_font_khmer,
                             EMBED_LEN(embed_font_khmer)) != 0)
        return -1;
    /* Without it every screen is fitted again from scratch: slower only. */
    k->fits = layout_fit_cache_create();
    k->video_sleeps = !kiosk_driver_blocks();
    if (!k->args.script &&
        wake_open(&k->wake,
                  strcmp(SDL_GetCurrentVideoDriver(), "KMSDRM") == 0
                      ? "/dev/input" : NULL) != 0)
        return -1;
    SDL_StartTextInput();
    k->dirty = 1;
    return 0;
}

void kiosk_start_background(kiosk_t *k)
{
    kiosk_note_display(k);
    kiosk_sync_start(k);
}

void kiosk_close(kiosk_t *k)
{
    sync_watch_stop(k->sync);
    k->sync = NULL;
    if (k->kick_fd >= 0)
        close(k->kick_fd);
    k->kick_fd = -1;
    if (k->store && !k->oos)
        flow_shutdown(&k->flow, pclock_boot_ms(&k->clock));
    if (k->text)
        text_cache_destroy(k->text);
    layout_fit_cache_destroy(k->fits);
    if (k->ren)
        SDL_DestroyRenderer(k->ren);
    if (k->win)
        SDL_DestroyWindow(k->win);
    if (TTF_WasInit())
        TTF_Quit();
    wake_close(k->wake);
    speak_close(k->speak);
    /* Closing checkpoints the WAL: do it on SIGTERM as on exit. */
    store_close(k->store);
    survey_free(k->survey);
    i18n_free(k->i18n);
    events_close(k->events);
    memset(k, 0, sizeof(*k));
}

/* ---- drawing ----------------------------------------------------------- */

static uint64_t kiosk_signature(const kiosk_t *k);

/* Building measures text, so a screen is rebuilt only when what it shows
 * changed; hit tests between changes reuse it. */
void kiosk_build(kiosk_t *k)
{
    ui_measure_t m = {k->text, text_measure, k->fits};
    ui_view_t v;
    uint64_t sig = kiosk_signature(k);

    if (k->built && sig == k->built_sig)
        return;
    k->built = 1;
    k->built_sig = sig;

    v.flow = &k->flow;
    v.i18n = k->i18n;
    v.info = &k->info;
    v.pressed = k->pressed[0] ? k->pressed : NULL;
    if (screens_build(&k->screen, &v, k->w, k->h, k->dpi, &m) != 0 &&
        k->frames == 0)
        kiosk_log("some text does not fit the %dx%d screen", k->w, k->h);
}

int kiosk_render(kiosk_t *k)
{
    kiosk_build(k);
    if (draw_screen(k->ren, k->text, &k->screen) != 0) {
        kiosk_log("drawing failed: %s", SDL_GetError());
        return -1;
    }
    SDL_RenderPresent(k->ren);
    k->presented_at = SDL_GetPerformanceCounter();
    k->frames++;
    k->dirty = 0;
    return 0;
}

/* A cheap fingerprint of everything the screen shows, so the loop redraws
 * only when something visible changed. */
static uint64_t kiosk_signature(const kiosk_t *k)
{
    const flow_t *f = &k->flow;
    uint64_t h = 1469598103934665603ull;
    int i;
    const uint64_t parts[] = {
        (uint64_t)f->screen, (uint64_t)(f->question + 1), (uint64_t)(f->selected + 1),
        (uint64_t)f->lang, (uint64_t)(uintptr_t)f->notice, strlen(f->pin),
        (uint64_t)f->pin_failed, (uint64_t)k->store_failing,
        (uint64_t)f->grid_tapped, (uint64_t)f->view.contrast,
        (uint64_t)f->view.large, (uint64_t)f->view.listen,
        (uint64_t)(f->heard + 1), (uint64_t)k->info.voice_missing,
        k->info_rev, (uint64_t)k->w, (uint64_t)k->h, (uint64_t)k->dpi,
    };

    for (i = 0; i < (int)(sizeof(parts) / sizeof(parts[0])); i++)
        h = (h ^ parts[i]) * 1099511628211ull;
    for (i = 0; i < SURVEY_OPTION_MAX; i++)
        h = (h ^ (uint64_t)f->chosen[i]) * 1099511628211ull;
    for (i = 0; f->officer[i]; i++)
        h = (h ^ (uint64_t)(unsigned char)f->officer[i]) * 1099511628211ull;
    for (i = 0; k->pressed[i]; i++)
        h = (h ^ (uint64_t)(unsigned char)k->pressed[i]) * 1099511628211ull;
    return h;
}

/* The touch grid's progress for `sipasctl selftest`, written at every
 * change: a technician who stops half way leaves what was reached. */
static void kiosk_note_touchgrid(kiosk_t *k)
{
    const flow_t *f = &k->flow;
    char err[256];
    int i, n = 0;

    if (f->grid_round == 0 || (f->grid_round == k->grid_round_noted &&
                               f->grid_tapped == k->grid_tapped_noted))
        return;
    k->grid_round_noted = f->grid_round;
    k->grid_tapped_noted = f->grid_tapped;
    for (i = 0; i < FLOW_GRID_CELLS; i++)
        n += (f->grid_tapped >> i) & 1;
    if (record_write_touchgrid(k->args.data, FLOW_GRID_CELLS, n, k->w, k->h,
                               k->config.touch.rotation,
                               pclock_wall_ms(&k->clock), err,
                               sizeof(err)) != 0)
        kiosk_log("cannot note the touch grid: %s", err);
}

/* Plays the prompt the flow asked for. Where there is no file of that
 * name the screen says so (a cue, never silence without one); where
 * there is no audio the kiosk carries on as if it had spoken. */
static void kiosk_say(kiosk_t *k)
{
    const flow_say_t *say = &k->flow.say;
    const char *lang = flow_lang_code(&k->flow);
    char name[VOICE_NAME_MAX], folder[VOICE_FOLDER_MAX];
    int rc;

    k->said = say->seq;
    switch (say->kind) {
    case FLOW_SAY_QUESTION:
        rc = voice_name_question(k->survey, say->question, name, sizeof(name));
        break;
    case FLOW_SAY_OPTION:
        rc = voice_name_option(k->survey, say->question, say->option, name,
                               sizeof(name));
        break;
    case FLOW_SAY_UI:
        rc = voice_name_ui(say->key, name, sizeof(name));
        break;
    default:
        return;
    }
    if (rc != 0 || voice_folder(lang, (voice_variant_t)k->config.voice_variant,
                                folder, sizeof(folder)) != 0) {
        k->info.voice_missing = 1;
        return;
    }
    k->info.voice_missing =
        speak_play(k->speak, lang, folder, name) == SPEAK_MISSING;
}

/* After anything that may have changed the flow: announce a new screen,
 * refresh facts that screen shows, mark dirty. */
static void kiosk_settle(kiosk_t *k)
{
    uint64_t sig;

    kiosk_note_touchgrid(k);
    if (k->flow.screen != k->shown) {
        k->shown = k->flow.screen;
        k->pressed[0] = '\0';
        k->finger = 0;
        events_screen(k->events, flow_screen_id(k->flow.screen));
        k->info.voice_missing = 0;
        if (k->flow.screen == FLOW_IDLE)
            speak_stop(k->speak); /* the next citizen hears nothing of it */
        if (k->flow.screen == FLOW_ADMIN || k->flow.screen == FLOW_IDLE)
            kiosk_refresh_info(k);
    }
    if (k->flow.view.contrast != k->view_shown.contrast ||
        k->flow.view.large != k->view_shown.large ||
        k->flow.view.listen != k->view_shown.listen) {
        k->view_shown = k->flow.view;
        events_view(k->events, k->flow.view.contrast, k->flow.view.large,
                    k->flow.view.listen);
        if (!k->flow.view.listen)
            speak_stop(k->speak);
    }
    if (k->flow.say.seq != k->said)
        kiosk_say(k);
    /* The request stays set until the loop ends: audit it once. */
    if (k->flow.exit_requested && !k->quit) {
        if (k->store)
            store_audit(k->store, pclock_wall_ms(&k->clock), "admin-exit", "");
        k->quit = 1;
    }
    sig = kiosk_signature(k);
    if (sig != k->signature) {
        k->signature = sig;
        k->dirty = 1;
    }
}

/* ---- input ------------------------------------------------------------- */

static const char *kiosk_hit(kiosk_t *k, int x, int y)
{
    const ui_widget_t *w;

    kiosk_build(k);
    w = layout_hit(&k->screen, x, y);
    if (w)
        return w->id;
    /* "Chạm để bắt đầu": anywhere on the idle screen starts. */
    return k->flow.screen == FLOW_IDLE ? "start" : "";
}

static void kiosk_press(kiosk_t *k, int x, int y)
{
    snprintf(k->pressed, sizeof(k->pressed), "%s", kiosk_hit(k, x, y));
    k->finger = 1;
    k->flow.last_input_ms = pclock_boot_ms(&k->clock);
}

/* A tap counts when the finger lifts over the widget it went down on. */
static void kiosk_release(kiosk_t *k, int x, int y)
{
    char id[UI_ID_MAX];

    if (!k->finger)
        return;
    k->finger = 0;
    snprintf(id, sizeof(id), "%s", kiosk_hit(k, x, y));
    if (id[0] && strcmp(id, k->pressed) == 0)
        flow_tap(&k->flow, id, pclock_boot_ms(&k->clock));
    k->pressed[0] = '\0';
}

static void kiosk_scan_char(kiosk_t *k, const char *text)
{
    size_t n = strlen(text);

    if (k->scan_len + n >= sizeof(k->scan)) {
        /* Longer than any code: not a scan; drop until Enter. */
        k->scan_overflow = 1;
        return;
    }
    memcpy(k->scan + k->scan_len, text, n + 1);
    k->scan_len += n;
}

static void kiosk_scan_enter(kiosk_t *k)
{
    if (k->scan_len > 0 && !k->scan_overflow)
        flow_scan(&k->flow, k->scan, pclock_boot_ms(&k->clock));
    k->scan_len = 0;
    k->scan[0] = '\0';
    k->scan_overflow = 0;
}

/* SDL_QUIT means "close the window": a window manager's Alt+F4 or close
 * button on a desktop, or the last window closing. None of those is how
 * the kiosk stops (a signal is), and a keyboard left at the counter must
 * not be able to take it off its screen: heard, noted once, ignored. */
static void kiosk_refuse_quit(kiosk_t *k)
{
    if (k->quit_refused)
        return;
    k->quit_refused = 1;
    kiosk_log("a request to close the window was ignored: the kiosk stops"
              " on SIGTERM");
}

/* Enter ends what a scanner typed; no other key or combination (Escape,
 * Backspace, F1…F12, the logo key, Ctrl+C) means anything: the flow moves
 * on taps and scans only, so a keyboard can type a code and nothing else. */
static void kiosk_key(kiosk_t *k, const SDL_Keysym *ks)
{
    if (ks->sym == SDLK_RETURN || ks->sym == SDLK_KP_ENTER)
        kiosk_scan_enter(k);
}

static void kiosk_event(kiosk_t *k, const SDL_Event *ev)
{
    int x, y;

    switch (ev->type) {
    case SDL_QUIT:
        kiosk_refuse_quit(k);
        break;
    case SDL_FINGERDOWN:
    case SDL_FINGERUP:
        if (ev->tfinger.fingerId != 0 && ev->type == SDL_FINGERDOWN && k->finger)
            break; /* a second finger: ignore */
        touch_map(&k->config.touch, ev->tfinger.x, ev->tfinger.y, k->w, k->h,
                  &x, &y);
        if (ev->type == SDL_FINGERDOWN)
            kiosk_press(k, x, y);
        else
            kiosk_release(k, x, y);
        break;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        if (ev->button.which == SDL_TOUCH_MOUSEID || ev->button.button != SDL_BUTTON_LEFT)
            break;
        if (ev->type == SDL_MOUSEBUTTONDOWN)
            kiosk_press(k, ev->button.x, ev->button.y);
        else
            kiosk_release(k, ev->button.x, ev->button.y);
        break;
    case SDL_TEXTINPUT:
        kiosk_scan_char(k, ev->text.text);
        break;
    case SDL_KEYDOWN:
        kiosk_key(k, &ev->key.keysym);
        break;
    case SDL_WINDOWEVENT:
        if (ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED ||
            ev->window.event == SDL_WINDOWEVENT_EXPOSED) {
            SDL_GetRendererOutputSize(k->ren, &k->w, &k->h);
            k->dirty = 1;
        }
        break;
    case SDL_RENDER_TARGETS_RESET:
    case SDL_RENDER_DEVICE_RESET:
        text_cache_clear(k->text);
        k->built = 0;
        k->dirty = 1;
        break;
    default:
        break;
    }
    kiosk_settle(k);
}

void kiosk_pump(kiosk_t *k)
{
    SDL_Event ev;

    while (SDL_PollEvent(&ev))
        kiosk_event(k, &ev);
    flow_tick(&k->flow, pclock_boot_ms(&k->clock));
    kiosk_sync_poll(k);
    kiosk_settle(k);
    if (k->dirty && (!k->args.script || k->args.latency))
        kiosk_render(k);
}

int kiosk_push_finger(kiosk_t *k, int x, int y, int down)
{
    SDL_Event ev;
    double rx, ry;

    touch_unmap(&k->config.touch, x, y, k->w, k->h, &rx, &ry);
    memset(&ev, 0, sizeof(ev));
    ev.type = down ? SDL_FINGERDOWN : SDL_FINGERUP;
    ev.tfinger.touchId = 1;
    ev.tfinger.fingerId = 0;
    ev.tfinger.x = (float)rx;
    ev.tfinger.y = (float)ry;
    ev.tfinger.pressure = down ? 1.0f : 0.0f;
    return SDL_PushEvent(&ev) < 0 ? -1 : 0;
}

int kiosk_push_text(kiosk_t *k, const char *text)
{
    SDL_Event ev;
    size_t len = strlen(text), pos = 0, n;

    (void)k;
    while (pos < len) {
        /* Chunks end on a UTF-8 character boundary. */
        n = len - pos;
        if (n > SDL_TEXTINPUTEVENT_TEXT_SIZE - 1)
            n = SDL_TEXTINPUTEVENT_TEXT_SIZE - 1;
        while (n > 0 && pos + n < len && ((unsigned char)text[pos + n] & 0xC0) == 0x80)
            n--;
        memset(&ev, 0, sizeof(ev));
        ev.type = SDL_TEXTINPUT;
        memcpy(ev.text.text, text + pos, n);
        if (SDL_PushEvent(&ev) < 0)
            return -1;
        pos += n;
    }
    memset(&ev, 0, sizeof(ev));
    ev.type = SDL_KEYDOWN;
    ev.key.keysym.sym = SDLK_RETURN;
    ev.key.keysym.scancode = SDL_SCANCODE_RETURN;
    return SDL_PushEvent(&ev) < 0 ? -1 : 0;
}

/* The modifier bit SDL reports while scancode sc is held, 0 for others. */
static Uint16 kiosk_modifier_of(SDL_Scancode sc)
{
    switch (sc) {
    case SDL_SCANCODE_LCTRL: return KMOD_LCTRL;
    case SDL_SCANCODE_RCTRL: return KMOD_RCTRL;
    case SDL_SCANCODE_LSHIFT: return KMOD_LSHIFT;
    case SDL_SCANCODE_RSHIFT: return KMOD_RSHIFT;
    case SDL_SCANCODE_LALT: return KMOD_LALT;
    case SDL_SCANCODE_RALT: return KMOD_RALT;
    case SDL_SCANCODE_LGUI: return KMOD_LGUI;
    case SDL_SCANCODE_RGUI: return KMOD_RGUI;
    default: return 0;
    }
}

static int kiosk_push_key(SDL_Scancode sc, int down, Uint16 mod)
{
    SDL_Event ev;

    memset(&ev, 0, sizeof(ev));
    ev.type = down ? SDL_KEYDOWN : SDL_KEYUP;
    ev.key.state = down ? SDL_PRESSED : SDL_RELEASED;
    ev.key.keysym.scancode = sc;
    ev.key.keysym.sym = SDL_GetKeyFromScancode(sc);
    ev.key.keysym.mod = mod;
    return SDL_PushEvent(&ev) < 0 ? -1 : 0;
}

int kiosk_push_keys(kiosk_t *k, const SDL_Scancode *keys, int n)
{
    Uint16 mod = KMOD_NONE;
    int i;

    (void)k;
    /* As SDL does: a modifier's own down event already carries its bit,
     * its up event no longer does. */
    for (i = 0; i < n; i++) {
        mod |= kiosk_modifier_of(keys[i]);
        if (kiosk_push_key(keys[i], 1, mod) != 0)
            return -1;
    }
    for (i = n - 1; i >= 0; i--) {
        mod &= (Uint16)~kiosk_modifier_of(keys[i]);
        if (kiosk_push_key(keys[i], 0, mod) != 0)
            return -1;
    }
    return 0;
}

int kiosk_push_quit(kiosk_t *k)
{
    SDL_Event ev;

    (void)k;
    memset(&ev, 0, sizeof(ev));
    ev.type = SDL_QUIT;
    return SDL_PushEvent(&ev) < 0 ? -1 : 0;
}

/* ---- the loop ---------------------------------------------------------- */

static int kiosk_timeout(kiosk_t *k, uint64_t now)
{
    uint64_t d = flow_next_deadline(&k->flow);

    if (k->watchdog_ms) {
        uint64_t ping = k->last_ping + k->watchdog_ms / 2;
        if (ping < d)
            d = ping;
    }
    if (kiosk_prune_due(k))
        return 0;
    if (d == UINT64_MAX)
        return -1;
    if (d <= now)
        return 0;
    return d - now > 60000 ? 60000 : (int)(d - now);
}

int kiosk_run(kiosk_t *k)
{
    uint64_t now;
    int timeout;

    k->watchdog_ms = notify_watchdog_ms();
    if (kiosk_catch_signals(k) != 0)
        kiosk_log("cannot handle SIGTERM: %s", strerror(errno));
    kiosk_settle(k);
    kiosk_render(k);
    if (notify_send("READY=1") != 0)
        kiosk_log("could not notify systemd");
    kiosk_start_background(k);
    k->last_ping = pclock_boot_ms(&k->clock);
    while (!k->quit) {
        kiosk_pump(k);
        if (kiosk_stop_requested)
            break;
        now = pclock_boot_ms(&k->clock);
        /* Looked at every half period, so the loop never spins; the
         * uploader has a watchdog of its own (sipas-sync). */
        if (k->watchdog_ms && now - k->last_ping >= k->watchdog_ms / 2) {
            if (notify_send("WATCHDOG=1") != 0)
                kiosk_log("could not ping the watchdog");
            k->last_ping = now;
            /* On this wake-up, not one of its own. */
            if (!k->oos &&
                provshow_result_changed(k->args.data, &k->prov_seen)) {
                kiosk_read_banner(k);
                kiosk_refresh_info(k);
            }
        }
        if (k->quit || kiosk_stop_requested)
            break;
        timeout = kiosk_timeout(k, now);
        if (SDL_HasEvents(SDL_FIRSTEVENT, SDL_LASTEVENT))
            continue;
        if (k->video_sleeps)
            wake_wait(k->wake, timeout);
        else
            SDL_WaitEventTimeout(NULL, timeout);
    }
    notify_send("STOPPING=1");
    kiosk_signal_wake = NULL;
    return 0;
}
