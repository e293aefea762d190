/*
 * ingest_stream.h - reading an upload's body in one pass (yajl's event
 * parser), its day rows straight into hub_upload_t's arrays.
 *
 * jansson spent most of an upload's parse building and freeing an object
 * per row and member (docs/BENCHMARKS.md, "Ingest"). Here only what is
 * not a day row becomes a jansson tree (up->root: the body's members,
 * each day with its rows left as nulls, the heartbeat, the dossiers), for
 * the checks of ingest_parse.c to read as before; each row is checked by
 * the table of ingest_rows.h as its object closes.
 *
 * The reader only ever accepts: it stops at the first thing it does not
 * take as it is — a refused row, a duplicate key, an escaped string
 * (yajl decodes lone surrogates to '?'), a number jansson might read
 * otherwise, nesting deeper than an upload has, more objects and arrays
 * than it holds, a vertical tab or form feed (white space to yajl, not
 * to jansson), any error of yajl's —
 * and the caller then reads the body with jansson, whose refusal names
 * the fault. So whatever this accepts, jansson reads the same way.
 *
 * Ownership: on return (either way) *up owns the tree, the rows' arrays
 * and their text (up->text); hub_ingest_free() releases them.
 */
#ifndef SIPAS_HUB_INGEST_STREAM_H
#define SIPAS_HUB_INGEST_STREAM_H

#include <stddef.h>

#include "hub/store/snapshots.h"

/* 1 when the body was read whole into *up (zeroed by the caller) and
 * every row passed its checks; 0 otherwise, and at once past
 * containers_max objects and arrays. The days' day, estimated and
 * has_elements, up->n_days and every check beyond the rows are the
 * caller's. */
int hub_ingest_stream_read(const char *body, size_t len,
                           size_t containers_max, hub_upload_t *up);

#endif
