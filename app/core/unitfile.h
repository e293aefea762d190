/*
 * unitfile.h - a province's unit hierarchy and its dated history, as a file.
 *
 * Format "sipas-units/1" (docs/HUB.md, "The hierarchy file"): the units
 * (code, name, kind, parent) and the dated changes (merge, rename, move)
 * that `sipas-hub unit import` records in one transaction. The kind is
 * data from a closed list (tinh, xa, phuong, dac-khu, trung-tam-hcc,
 * mot-cua, ...), so the names of counters and agencies come from the
 * file, not from the program.
 *
 * Besides the shape of every entry, the file must respect the two-level
 * local government in force since 2025-07-01 (Resolution 202/2025/QH15):
 * a district-level unit (huyen, quan, thi-xa, thanh-pho-thuoc-tinh), a
 * thi-tran, and any unit whose parent is one of them, is merged into
 * another unit on or before that date. Whether parents, targets of
 * changes and the date order of a unit's changes hold against what a
 * database already has is the importer's check; it asks for the line of
 * an entry it refuses.
 *
 * Pure: no I/O. Errors name file, line, column and field (err_t).
 * Ownership: unitfile_parse() returns a heap object owning every string
 * it points to; release it with unitfile_free().
 */
#ifndef SIPAS_UNITFILE_H
#define SIPAS_UNITFILE_H

#include <stddef.h>

#include "err.h"

#define UNITFILE_FORMAT_NAME "sipas-units/1"
#define UNITFILE_SOURCE_MAX (4 * 1024 * 1024)
#define UNITFILE_UNIT_MAX 5000 /* a province's units over the years */
#define UNITFILE_CHANGE_MAX 5000
#define UNITFILE_CODE_MAX 65      /* 1-64 of A-Z a-z 0-9 . _ - and NUL */
#define UNITFILE_NAME_MAX 200     /* bytes, as the hub's names */
#define UNITFILE_DATE_MAX 11      /* YYYY-MM-DD and NUL */
/* The first day of the two-level local government. */
#define UNITFILE_TWO_LEVEL_FROM "2025-07-01"

typedef enum unitfile_change_kind {
    UNITFILE_MERGE,
    UNITFILE_RENAME,
    UNITFILE_MOVE
} unitfile_change_kind_t;

typedef struct unitfile_unit {
    const char *code, *name, *kind;
    const char *parent; /* NULL for a root (a province) */
} unitfile_unit_t;

typedef struct unitfile_change {
    unitfile_change_kind_t kind;
    const char *code;
    const char *value; /* unit merged into, new name, or new parent */
    char from[UNITFILE_DATE_MAX];
    size_t index; /* its place in the file's "changes" list */
} unitfile_change_t;

typedef struct unitfile {
    size_t n_units;
    unitfile_unit_t *units; /* file order: a parent before its children */
    size_t n_changes;
    unitfile_change_t *changes; /* by date, file order within a date */
    char *pool;
    size_t pool_used, pool_cap;
    char *text; /* a copy of the source, to locate entries */
    size_t len;
} unitfile_t;

/* Parses and checks one file; name is used in error messages (normally
 * the path). 0 with *out set, or -1 with err naming file, line, column,
 * field and what is wrong (and *out NULL). */
int unitfile_parse(const char *text, size_t len, const char *name,
                   unitfile_t **out, err_t *err);
void unitfile_free(unitfile_t *f);
/* The line where units[i] (changes[i] by its index) starts, 0 when
 * unknown: for the importer's messages. */
int unitfile_line_of_unit(const unitfile_t *f, size_t i);
int unitfile_line_of_change(const unitfile_t *f, const unitfile_change_t *c);

/* The Vietnamese word of a kind slug ("Trung tâm Phục vụ hành chính
 * công" for trung-tam-hcc), or NULL for a slug outside the list. */
const char *unitfile_kind_label(const char *kind);
/* 1 for the levels abolished on 2025-07-01 (districts, thi-tran). */
int unitfile_kind_is_abolished(const char *kind);

#endif
