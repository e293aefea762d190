/*
 * csvout.h - the statistics answer as CSV for spreadsheets
 * (docs/STATS_API.md): UTF-8 with a byte order mark (so Excel reads
 * Vietnamese correctly), CRLF line ends, RFC 4180 quoting, and one row per
 * group and question under the documented header.
 *
 * Text cells that a spreadsheet would run as a formula (starting with
 * =, +, -, @, tab or CR) get a leading apostrophe.
 * Ownership: *text is the caller's (free).
 */
#ifndef SIPAS_HUB_CSVOUT_H
#define SIPAS_HUB_CSVOUT_H

#include <jansson.h>
#include <stddef.h>

#define HUB_CSV_HEADER                                                         \
    "group_key,group_name,responses,partial,suppressed,question,"              \
    "instrument,element,n,c1,c2,c3,c4,c5,satisfied_pct,ci95_low,"              \
    "ci95_high,index,target_indicator,target_operator,target_threshold,"       \
    "target_met"

/* The answer of hub_stats_compute() as CSV in *text (len bytes, also
 * NUL-terminated). 0, or -1 out of memory or on an answer of another
 * shape. */
int hub_csv_write_stats(const json_t *answer, char **text, size_t *len);

/* The dossier export (GET /api/v1/dossiers?format=csv), one row per
 * rating under HUB_CSV_DOSSIER_HEADER; answers as "question=answer" pairs
 * joined by ';' in the kiosk's order. The last row's cursor is where the
 * next page starts. 0, or -1 out of memory or on another shape. */
#define HUB_CSV_DOSSIER_HEADER                                                 \
    "cursor,id,dossier,recorded_at,day,time_estimated,unit,field,"             \
    "instrument,version,partial,satisfied,answers,correction,corrects"
int hub_csv_write_dossiers(const json_t *answer, char **text, size_t *len);

#endif
