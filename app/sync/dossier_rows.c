#include "dossier_rows.h"

#include <stdio.h>
#include <string.h>

static int dossier_rows_is_code_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

/* s cleaned into buf; "_" for an empty required code, since the hub
 * refuses an empty one. */
static const char *dossier_rows_clean(const char *s, int required,
                                      char buf[DOSSIER_ROWS_CODE_MAX + 1])
{
    size_t i;

    if (!s)
        s = "";
    for (i = 0; s[i] && i < DOSSIER_ROWS_CODE_MAX; i++)
        buf[i] = dossier_rows_is_code_char((unsigned char)s[i]) ? s[i] : '_';
    buf[i] = '\0';
    if (required && i == 0)
        snprintf(buf, DOSSIER_ROWS_CODE_MAX + 1, "_");
    return buf;
}

int dossier_rows_wanted(const store_response_t *r)
{
    return r && r->dossier && r->dossier[0] && !r->test && !r->suppressed;
}

static json_t *dossier_rows_answers(const store_response_t *r)
{
    char q[DOSSIER_ROWS_CODE_MAX + 1], a[DOSSIER_ROWS_CODE_MAX + 1];
    char num[24], pair[2 * DOSSIER_ROWS_CODE_MAX + 2];
    json_t *arr = json_array();
    int i;

    for (i = 0; arr && i < r->n_answers; i++) {
        const store_answer_t *x = &r->answers[i];
        const char *text = x->code;

        if (!text || !text[0]) {
            snprintf(num, sizeof(num), "%d", x->value);
            text = num;
        }
        snprintf(pair, sizeof(pair), "%s=%s",
                 dossier_rows_clean(x->question, 1, q),
                 dossier_rows_clean(text, 1, a));
        if (json_array_append_new(arr, json_string(pair)) != 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

json_t *dossier_rows_build(const store_response_t *r, int64_t seq,
                           int64_t at_ms, const char *day, int estimated)
{
    char dossier[DOSSIER_ROWS_CODE_MAX + 1], unit[DOSSIER_ROWS_CODE_MAX + 1];
    char field[DOSSIER_ROWS_CODE_MAX + 1], inst[DOSSIER_ROWS_CODE_MAX + 1];
    json_t *answers = dossier_rows_answers(r);

    if (!answers)
        return NULL;
    return json_pack("{s:I, s:s, s:I, s:s, s:i, s:s, s:s, s:s, s:i, s:i,"
                     " s:o}",
                     "seq", (json_int_t)seq, "dossier",
                     dossier_rows_clean(r->dossier, 1, dossier), "at",
                     (json_int_t)(at_ms > 0 ? at_ms : 0), "day", day,
                     "estimated", estimated ? 1 : 0, "unit",
                     dossier_rows_clean(r->unit, 1, unit), "field",
                     dossier_rows_clean(r->field, 0, field), "instrument",
                     dossier_rows_clean(r->instrument, 1, inst), "version",
                     r->instrument_version, "partial", r->partial ? 1 : 0,
                     "answers", answers);
}
