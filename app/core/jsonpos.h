/*
 * jsonpos.h - find where a value sits in JSON source text.
 *
 * jansson reports positions for syntax errors only; a semantic error
 * ("questions[2].text.en is missing") must still name a line, so loaders
 * map the path of the offending value back to the text with this scanner.
 * Pure: no allocation, no I/O.
 */
#ifndef SIPAS_JSONPOS_H
#define SIPAS_JSONPOS_H

#include <stddef.h>

/*
 * path: dot-separated object keys and [N] array indices, e.g.
 * "questions[2].options[0].label.vi". An empty path is the root value.
 * A key holding dots or brackets is written ["key"] (\" and \\ escaped),
 * e.g. en["button.back"].
 * On success returns 0 and sets *line and *column (1-based) to the first
 * character of the value. When the full path does not exist (a missing
 * key), returns 1 and reports the deepest enclosing value that exists, so
 * the message still points at the object that lacks the key. Returns -1 on
 * text that is not JSON.
 */
int jsonpos_locate(const char *text, size_t len, const char *path, int *line,
                   int *column);

#endif
