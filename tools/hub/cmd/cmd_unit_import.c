/*
 * sipas-hub unit import FILE: a province's units and their dated history
 * from a hierarchy file (sipas-units/1), all or nothing.
 */
#include "hub/cmd/cmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/unitfile.h"
#include "hub/base/clock.h"
#include "hub/base/valid.h"
#include "hub/store/units.h"

#define IMPORT_CMD "unit import"

static const char *const import_actions[] = {"unit.merge", "unit.rename",
                                             "unit.move"};

/* The whole file into a heap buffer (the caller frees), NULL after a
 * message. */
static char *import_read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *text;
    size_t n;
    int bad;

    if (!fp) {
        hub_cmd_say(IMPORT_CMD, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    text = malloc(UNITFILE_SOURCE_MAX + 1);
    n = text ? fread(text, 1, UNITFILE_SOURCE_MAX + 1, fp) : 0;
    bad = !text || ferror(fp) || n > UNITFILE_SOURCE_MAX;
    if (fclose(fp) != 0)
        bad = 1;
    if (bad) {
        hub_cmd_say(IMPORT_CMD, "cannot read %s (unreadable or over %d bytes)",
                    path, UNITFILE_SOURCE_MAX);
        free(text);
        return NULL;
    }
    text[n] = '\0';
    *len = n;
    return text;
}

static void import_say_unit(const char *path, const unitfile_t *f, size_t i,
                            int rc)
{
    const unitfile_unit_t *u = &f->units[i];
    int line = unitfile_line_of_unit(f, i);

    if (rc == HUB_EXISTS)
        hub_cmd_say(IMPORT_CMD, "%s:%d: units[%zu].code: unit %s exists"
                    " already in the database",
                    path, line, i, u->code);
    else if (rc == HUB_NOT_FOUND)
        hub_cmd_say(IMPORT_CMD, "%s:%d: units[%zu].parent: no unit %s in the"
                    " file before this one nor in the database",
                    path, line, i, u->parent);
    else
        hub_cmd_say(IMPORT_CMD, "%s:%d: units[%zu].parent: %s is at the"
                    " deepest level (%d) or was merged into another unit",
                    path, line, i, u->parent, HUB_UNITS_DEPTH_MAX);
}

static void import_say_change(const char *path, const unitfile_t *f,
                              const unitfile_change_t *c,
                              const hub_units_why_t *w)
{
    int line = unitfile_line_of_change(f, c);
    char where[64];

    snprintf(where, sizeof(where), "changes[%zu]", c->index);
    switch (w->refusal) {
    case HUB_UNITS_NO_UNIT:
        hub_cmd_say(IMPORT_CMD, "%s:%d: %s.unit: no unit %s", path, line,
                    where, c->code);
        break;
    case HUB_UNITS_NO_TARGET:
        hub_cmd_say(IMPORT_CMD, "%s:%d: %s: no unit %s", path, line, where,
                    c->value);
        break;
    case HUB_UNITS_IS_MERGED:
        hub_cmd_say(IMPORT_CMD, "%s:%d: %s.unit: %s was merged into %s; it"
                    " changes no more",
                    path, line, where, c->code, w->other);
        break;
    case HUB_UNITS_TARGET_MERGED:
        hub_cmd_say(IMPORT_CMD, "%s:%d: %s: %s was merged into another"
                    " unit; name the unit it is part of",
                    path, line, where, c->value);
        break;
    case HUB_UNITS_SAME:
        hub_cmd_say(IMPORT_CMD, "%s:%d: %s: nothing to change for %s", path,
                    line, where, c->code);
        break;
    case HUB_UNITS_LOOP:
        hub_cmd_say(IMPORT_CMD, "%s:%d: %s: %s lies within %s: the tree"
                    " would loop",
                    path, line, where, c->value, c->code);
        break;
    case HUB_UNITS_TOO_DEEP:
        hub_cmd_say(IMPORT_CMD, "%s:%d: %s: the tree would be deeper than %d"
                    " levels",
                    path, line, where, HUB_UNITS_DEPTH_MAX);
        break;
    case HUB_UNITS_OUT_OF_ORDER:
        hub_cmd_say(IMPORT_CMD, "%s:%d: %s.from: %s has a change from %s"
                    " already; changes are recorded in date order",
                    path, line, where, c->code, w->date);
        break;
    default:
        hub_cmd_say(IMPORT_CMD, "%s:%d: %s: refused", path, line, where);
        break;
    }
}

/* Every add, then every change by date, each with its audit row, inside
 * the caller's write transaction. HUB_OK, or the first failure, which it
 * has told the user about. */
static int import_apply(hub_db_t *db, const char *path, const unitfile_t *f)
{
    char actor[HUB_CMD_ACTOR_MAX], detail[HUB_CMD_DETAIL_MAX];
    hub_units_stamp_t stamp;
    hub_units_why_t why;
    size_t i;
    int rc;

    hub_cmd_get_actor(actor, sizeof(actor));
    stamp.now_ms = hub_clock_now_ms();
    stamp.actor = actor;
    for (i = 0; i < f->n_units; i++) {
        const unitfile_unit_t *u = &f->units[i];

        rc = hub_units_add(db, u->code, u->name, u->parent, stamp.now_ms);
        if (rc == HUB_EXISTS || rc == HUB_NOT_FOUND || rc == HUB_DENIED) {
            import_say_unit(path, f, i, rc);
            return rc;
        }
        snprintf(detail, sizeof(detail), "code=%s parent=%s kind=%s name=%s",
                 u->code, u->parent ? u->parent : "-", u->kind, u->name);
        if (rc == HUB_OK)
            rc = hub_db_audit(db, stamp.now_ms, actor, "unit.add", detail);
        if (rc != HUB_OK) {
            hub_cmd_report_db(IMPORT_CMD, db, rc);
            return rc;
        }
    }
    for (i = 0; i < f->n_changes; i++) {
        const unitfile_change_t *c = &f->changes[i];

        memset(&why, 0, sizeof(why));
        if (c->kind == UNITFILE_MERGE)
            rc = hub_units_merge(db, c->code, c->value, c->from, &stamp, &why);
        else if (c->kind == UNITFILE_RENAME)
            rc = hub_units_rename(db, c->code, c->value, c->from, &stamp,
                                  &why);
        else
            rc = hub_units_move(db, c->code, c->value, c->from, &stamp, &why);
        if (rc == HUB_DENIED) {
            import_say_change(path, f, c, &why);
            return rc;
        }
        snprintf(detail, sizeof(detail), "code=%s from=%s %s=%s", c->code,
                 c->from,
                 c->kind == UNITFILE_MERGE    ? "into"
                 : c->kind == UNITFILE_RENAME ? "name"
                                              : "parent",
                 c->value);
        if (rc == HUB_OK)
            rc = hub_db_audit(db, stamp.now_ms, actor, import_actions[c->kind],
                              detail);
        if (rc != HUB_OK) {
            hub_cmd_report_db(IMPORT_CMD, db, rc);
            return rc;
        }
    }
    return HUB_OK;
}

/* Names as the hub keeps them everywhere else: the file's checks are the
 * same, but the hub's own rule is the last word. */
static int import_check_names(const char *path, const unitfile_t *f)
{
    size_t i;

    for (i = 0; i < f->n_units; i++)
        if (!hub_valid_code(f->units[i].code) ||
            !hub_valid_name(f->units[i].name, HUB_NAME_MAX, 0)) {
            hub_cmd_say(IMPORT_CMD, "%s:%d: units[%zu]: not a unit code and"
                        " name the hub accepts",
                        path, unitfile_line_of_unit(f, i), i);
            return -1;
        }
    return 0;
}

int hub_cmd_unit_import(const char *db_path, const char *path)
{
    unitfile_t *f = NULL;
    char msg[ERR_FILE_MAX + ERR_FIELD_MAX + ERR_MSG_MAX + 32];
    char *text;
    size_t len = 0;
    hub_db_t *db;
    err_t err;
    int rc, ex;

    text = import_read_file(path, &len);
    if (!text)
        return HUB_EXIT_FAIL;
    err_clear(&err);
    rc = unitfile_parse(text, len, path, &f, &err);
    free(text);
    if (rc != 0) {
        err_format(&err, msg, sizeof(msg));
        hub_cmd_say(IMPORT_CMD, "%s", msg);
        return HUB_EXIT_FAIL;
    }
    if (import_check_names(path, f) != 0) {
        unitfile_free(f);
        return HUB_EXIT_FAIL;
    }
    ex = hub_cmd_open_db(IMPORT_CMD, db_path, 1, &db);
    if (ex != HUB_EXIT_OK) {
        unitfile_free(f);
        return ex;
    }
    rc = hub_db_begin_write(db);
    if (rc == HUB_OK) {
        rc = import_apply(db, path, f); /* says why it stopped */
        if (rc != HUB_OK) {
            hub_db_rollback(db);
        } else {
            rc = hub_db_commit(db);
            if (rc != HUB_OK)
                hub_cmd_report_db(IMPORT_CMD, db, rc);
        }
    } else {
        hub_cmd_report_db(IMPORT_CMD, db, rc);
    }
    if (rc == HUB_OK)
        hub_cmd_say(IMPORT_CMD, "imported %zu units and %zu changes from %s",
                    f->n_units, f->n_changes, path);
    hub_db_close(db);
    unitfile_free(f);
    return rc == HUB_OK ? HUB_EXIT_OK : HUB_EXIT_FAIL;
}
