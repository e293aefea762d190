/*
 * The dossier export as CSV: the JSON answer's rows, cell for cell.
 */
#include "hub/api/csvout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"

/* A JSON string, integer or boolean as a cell; null is empty. */
static void hub_csv_dos_cell(FILE *fp, const json_t *v, int first)
{
    if (!first)
        fputc(',', fp);
    if (json_is_string(v))
        csv_put_text(fp, json_string_value(v), CSV_GUARD_FORMULAS);
    else if (json_is_integer(v))
        csv_put_int(fp, json_integer_value(v));
    else if (json_is_boolean(v))
        fputs(json_is_true(v) ? "true" : "false", fp);
}

/* "question=answer;..." into a memory stream of its own, then one cell. */
static int hub_csv_dos_answers(FILE *fp, const json_t *answers)
{
    const json_t *a;
    char *text = NULL;
    size_t i, len = 0;
    FILE *m = open_memstream(&text, &len);

    if (!m)
        return -1;
    json_array_foreach(answers, i, a) {
        fprintf(m, "%s%s=%s", i > 0 ? ";" : "",
                json_string_value(json_object_get(a, "question")),
                json_string_value(json_object_get(a, "answer")));
    }
    if (fclose(m) != 0 || !text) {
        free(text);
        return -1;
    }
    fputc(',', fp);
    csv_put_text(fp, text, CSV_GUARD_FORMULAS);
    free(text);
    return 0;
}

static const char *const hub_csv_dos_before[] = {
    "cursor", "id",         "dossier", "recorded_at", "day",
    "time_estimated", "unit", "field", "instrument", "version",
    "partial", "satisfied", NULL,
};
static const char *const hub_csv_dos_after[] = {
    "correction", "corrects", NULL,
};

int hub_csv_write_dossiers(const json_t *answer, char **text, size_t *len)
{
    const json_t *rows = json_object_get(answer, "dossiers"), *row;
    FILE *fp;
    size_t i;
    int k, bad = 0;

    *text = NULL;
    *len = 0;
    if (!json_is_array(rows))
        return -1;
    fp = open_memstream(text, len);
    if (!fp)
        return -1;
    fputs(CSV_BOM HUB_CSV_DOSSIER_HEADER CSV_EOL, fp);
    json_array_foreach(rows, i, row) {
        for (k = 0; hub_csv_dos_before[k]; k++)
            hub_csv_dos_cell(fp, json_object_get(row, hub_csv_dos_before[k]),
                             k == 0);
        if (hub_csv_dos_answers(fp, json_object_get(row, "answers")) != 0)
            bad = 1;
        for (k = 0; hub_csv_dos_after[k]; k++)
            hub_csv_dos_cell(fp, json_object_get(row, hub_csv_dos_after[k]),
                             0);
        fputs(CSV_EOL, fp);
    }
    if (ferror(fp))
        bad = 1;
    if (fclose(fp) != 0 || bad || !*text) {
        free(*text);
        *text = NULL;
        *len = 0;
        return -1;
    }
    return 0;
}
