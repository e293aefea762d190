/*
 * The language check (app/core/langcheck.c) behind sipasctl check: the
 * UI words and surveys a province writes, half translated or mistyped.
 * The same text goes in as UI words and as a survey, so languages one of
 * them names are looked for in the other.
 */
#include "fuzz.h"

#include "core/err.h"
#include "core/langcheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    langcheck_t *lc = langcheck_new();
    err_t err;
    int i, n = 0;

    if (lc == NULL)
        return 0;
    err_clear(&err);
    n += langcheck_add(lc, LANGCHECK_UI, (const char *)data, size, "ui.json",
                       &err) == 0;
    n += langcheck_add(lc, LANGCHECK_SURVEY, (const char *)data, size,
                       "survey.json", &err) == 0;
    if (langcheck_run(lc) == 0 && n > 0) {
        /* Every finding names a file that was added. */
        for (i = 0; i < langcheck_count_findings(lc); i++)
            if (langcheck_file_name(lc, langcheck_finding(lc, i)->file)[0] ==
                '\0')
                abort();
    }
    langcheck_free(lc);
    return 0;
}
