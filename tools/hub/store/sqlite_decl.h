/*
 * sqlite_decl.h - SQLite's handle types by name only.
 *
 * The store's headers name sqlite3 and sqlite3_stmt in their prototypes;
 * the layers above include them without <sqlite3.h>, which only the
 * store may use. The store's sources include <sqlite3.h> themselves.
 */
#ifndef SIPAS_HUB_SQLITE_DECL_H
#define SIPAS_HUB_SQLITE_DECL_H

typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;

#endif
