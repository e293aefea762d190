/*
 * csv.h - CSV cells for spreadsheets, one writer for every program.
 *
 * RFC 4180: a cell holding a comma, a double quote or a line end is put
 * in double quotes, a double quote inside doubled; records end in CRLF.
 * With CSV_GUARD_FORMULAS a text cell that a spreadsheet would run as a
 * formula (starting with =, +, -, @, tab or CR) gets a leading
 * apostrophe, inside the quotes when there are any.
 * Errors: the stream's own (ferror); nothing here fails by itself.
 */
#ifndef SIPAS_CORE_CSV_H
#define SIPAS_CORE_CSV_H

#include <stdint.h>
#include <stdio.h>

#define CSV_EOL "\r\n"
/* UTF-8 byte order mark: Excel then reads Vietnamese correctly. */
#define CSV_BOM "\xEF\xBB\xBF"

enum {
    CSV_PLAIN = 0,
    CSV_GUARD_FORMULAS = 1
};

/* One text cell, quoted when it needs to be. */
void csv_put_text(FILE *fp, const char *s, int flags);
/* One integer cell. */
void csv_put_int(FILE *fp, int64_t v);

#endif
