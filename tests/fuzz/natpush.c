/*
 * The body of a province's push to the national hub, POST
 * /api/v1/national/months (hub/domain/natpush.c), read as the endpoint
 * reads it; what is accepted is written back and read again to the same
 * rows, as the forwarder writes it. The same bytes as a push of targets,
 * POST /api/v1/national/targets.
 */
#include "fuzz_hub.h"

#include "hub/domain/natpush.h"

static void fuzz_natpush_again(const hub_national_push_t *p)
{
    json_t *o = hub_natpush_to_json(p);
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    hub_natpush_doc_t doc;
    hub_national_push_t q;
    hub_problem_t pb;
    int k;

    json_decref(o);
    if (!text)
        return;
    hub_problem_init(&pb);
    if (hub_natpush_parse(text, strlen(text), &doc, &q, &pb) != 0)
        abort(); /* what the forwarder writes must be read back */
    for (k = 0; k < HUB_NATIONAL_KINDS; k++)
        if (q.n[k] != p->n[k])
            abort();
    if (q.seq != p->seq || strcmp(q.month, p->month) != 0)
        abort();
    hub_natpush_doc_free(&doc);
    free(text);
}

/* A targets body: accepted only with a file the checker takes, and then
 * written back by the forwarder's function and read again the same. */
static void fuzz_natpush_targets(const uint8_t *data, size_t size)
{
    hub_natpush_targets_t tg, again;
    hub_problem_t pb;
    json_t *o;
    char *text;

    hub_problem_init(&pb);
    if (hub_natpush_parse_targets((const char *)data, size, &tg, &pb) != 0)
        return;
    o = hub_natpush_targets_json(tg.province, tg.slug,
                                 tg.dashboard[0] ? tg.dashboard : NULL,
                                 tg.text, strlen(tg.text));
    text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (text) {
        if (hub_natpush_parse_targets(text, strlen(text), &again, &pb) != 0 ||
            strcmp(again.text, tg.text) != 0 ||
            strcmp(again.dashboard, tg.dashboard) != 0)
            abort();
        free(again.text);
    }
    free(text);
    free(tg.text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hub_natpush_doc_t doc;
    hub_national_push_t p;
    hub_problem_t pb;
    hub_reply_t r;

    if (size > HUB_API_SMALL_BODY_MAX)
        return 0;
    hub_reply_init(&r);
    hub_problem_init(&pb);
    if (hub_natpush_parse((const char *)data, size, &doc, &p, &pb) != 0)
        (void)hub_reply_problem(&r, &pb);
    else
        fuzz_natpush_again(&p);
    hub_natpush_doc_free(&doc);
    fuzz_natpush_targets(data, size);
    hub_reply_clear(&r);
    return 0;
}
