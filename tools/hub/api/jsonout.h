/*
 * jsonout.h - a JSON value as compact text, byte for byte what
 * json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(15)) gives, at a
 * fraction of its cost on large answers (the statistics: a district's
 * officers are 1 MiB of JSON).
 *
 * jansson writes through a callback per token, checks every string's
 * UTF-8 again and formats every number with snprintf; here the text goes
 * into one growing buffer, strings are copied in runs between the bytes
 * that need escaping (jansson checked their UTF-8 when they were made),
 * and reals with at most two decimals, which the figures are, are written
 * without printf (others as jansson writes them).
 * Objects in their insertion order, as json_dumps without JSON_SORT_KEYS.
 * Ownership: *text is the caller's (free).
 */
#ifndef SIPAS_HUB_JSONOUT_H
#define SIPAS_HUB_JSONOUT_H

#include <jansson.h>
#include <stddef.h>

/* Text of at most HUB_JSONOUT_MAX bytes: a larger answer is refused. */
#define HUB_JSONOUT_MAX ((size_t)256 << 20)

/* 0 with the text in *text (len bytes, NUL-terminated), or -1: out of
 * memory, nesting deeper than jansson's limit, a value that is not
 * JSON (NaN), or over HUB_JSONOUT_MAX. */
int hub_jsonout_write(const json_t *v, char **text, size_t *len);

#endif
