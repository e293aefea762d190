/*
 * Dossier codes as a barcode scanner types them (app/core/dossier.c), and
 * the code formats a province writes (app/core/dossierfmt.c): an input
 * with a newline is "TEMPLATE\nCODE", compiled and then matched; every
 * input is also read as a code of Circular 01's shape.
 */
#include "fuzz.h"

#include "core/dossier.h"
#include "core/dossierfmt.h"

static void fuzz_check_spans(const dossierfmt_spans_t *sp, size_t len)
{
    /* Every part a match reports lies inside the matched text. */
    if (sp->agency_at + sp->agency_len > len ||
        sp->serial_at + sp->serial_len > len || sp->date_at + 6 > len ||
        sp->serial_len >= DOSSIERFMT_SERIAL_MAX || sp->agency_len == 0 ||
        sp->serial_len == 0)
        abort();
}

static void fuzz_template(char *text)
{
    char *code = strchr(text, '\n');
    char msg[DOSSIERFMT_MSG_MAX];
    dossierfmt_spans_t sp;
    dossierfmt_t f;
    dossier_t d;

    if (!code)
        return;
    *code++ = '\0';
    memset(&f, 0, sizeof(f));
    if (dossierfmt_compile(text, &f, msg, sizeof(msg)) != 0) {
        if (f.n_tokens != 0 || msg[0] == '\0')
            abort();
        return;
    }
    if (f.n_tokens < 1 || f.n_tokens > DOSSIERFMT_TOKENS_MAX)
        abort();
    if (strlen(code) <= DOSSIERFMT_TEXT_MAX &&
        dossierfmt_match(&f, code, strlen(code), &sp))
        fuzz_check_spans(&sp, strlen(code));
    if (dossier_parse_with(&f, 1, code, &d) == 0 &&
        (d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    dossier_t d;

    if (!text)
        return 0;
    (void)dossier_parse(text, &d);
    fuzz_template(text);
    free(text);
    return 0;
}
