/*
 * ingest_rows.h - the three kinds of day rows of an upload and their
 * fields, read either from a jansson object (with the message that names
 * a refused field) or from the members the streaming reader collected
 * (accepted or not, nothing more: a refused body is read again with
 * jansson for its message). One table of fields serves both, so the two
 * readers cannot drift apart.
 * Ownership: rows' strings point into the JSON value or the members'
 * text, whichever was read; nothing here allocates.
 */
#ifndef SIPAS_HUB_INGEST_ROWS_H
#define SIPAS_HUB_INGEST_ROWS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "hub/domain/problem.h"
#include "hub/store/snapshots.h"

enum hub_ingest_kind {
    HUB_INGEST_RESP = 0,
    HUB_INGEST_ANS = 1,
    HUB_INGEST_EL = 2,
    HUB_INGEST_KINDS = 3
};

/* Members of the widest row (answers). */
#define HUB_INGEST_ROW_FIELDS_MAX 11

/* The value a row's member had, as the streaming reader saw it. */
typedef enum hub_ingest_cell_type {
    HUB_INGEST_CELL_ABSENT = 0,
    HUB_INGEST_CELL_NULL,
    HUB_INGEST_CELL_INT,
    HUB_INGEST_CELL_STRING,
    HUB_INGEST_CELL_OTHER /* boolean: never a valid row value */
} hub_ingest_cell_type_t;

typedef struct hub_ingest_cell {
    hub_ingest_cell_type_t type;
    int64_t i;     /* CELL_INT */
    const char *s; /* CELL_STRING: NUL-terminated, without NUL inside */
} hub_ingest_cell_t;

/* "responses", "answers", "elements". */
const char *hub_ingest_rows_name(int kind);
/* The NULL-terminated member names of a row of kind, in the order the
 * fields are checked; cell i of a row is member i. */
const char *const *hub_ingest_rows_keys(int kind);
/* Index of member name (len bytes) in a row of kind, or -1. */
int hub_ingest_rows_key_index(int kind, const char *name, size_t len);
/* Whether member i (-1: none) of a row of kind is named name. */
int hub_ingest_rows_key_is(int kind, int i, const char *name, size_t len);

/* Reads the row object v of kind into row (a hub_resp_row_t,
 * hub_ans_row_t or hub_elem_row_t); 0, or -1 with *pb naming the field
 * under path. */
int hub_ingest_rows_read_json(int kind, const json_t *v, const char *path,
                              void *row, hub_problem_t *pb);
/* The same rules over the cells of a collected row: 1 when accepted
 * (row filled), 0 when refused. */
int hub_ingest_rows_accept(int kind, const hub_ingest_cell_t *cells,
                           void *row);

#endif
