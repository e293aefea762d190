/*
 * The body of an upload, POST /api/v1/ingest (hub/domain/ingest_parse.c):
 * every rule of docs/SYNC_PROTOCOL.md is checked before the database is
 * touched, so this is all a kiosk's bytes meet first.
 *
 * The body is read twice: by hub_ingest_parse() (yajl's streaming reader,
 * jansson for what it does not accept) and by hub_ingest_parse_tree()
 * (jansson alone). The two must accept the same bodies into the same
 * upload, and refuse the same bodies with the same message; any
 * difference aborts.
 */
#include "fuzz.h"

#include <stdio.h>

#include "hub/domain/ingest.h"

static void fuzz_ingest_differ(const char *what)
{
    fprintf(stderr, "ingest: the two readers differ: %s\n", what);
    abort();
}

static void fuzz_ingest_same_text(const char *a, const char *b,
                                  const char *what)
{
    if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
        fuzz_ingest_differ(what);
}

static void fuzz_ingest_same_dims(const hub_dims_t *a, const hub_dims_t *b)
{
    fuzz_ingest_same_text(a->unit, b->unit, "unit");
    fuzz_ingest_same_text(a->counter, b->counter, "counter");
    fuzz_ingest_same_text(a->officer, b->officer, "officer");
    fuzz_ingest_same_text(a->field, b->field, "field");
    fuzz_ingest_same_text(a->instrument, b->instrument, "instrument");
    if (a->version != b->version)
        fuzz_ingest_differ("version");
}

static void fuzz_ingest_same_rows(const hub_upload_t *a,
                                  const hub_upload_t *b)
{
    size_t i;

    if (a->n_resp != b->n_resp || a->n_ans != b->n_ans || a->n_el != b->n_el)
        fuzz_ingest_differ("row counts");
    for (i = 0; i < a->n_resp; i++) {
        fuzz_ingest_same_dims(&a->resp[i].d, &b->resp[i].d);
        if (a->resp[i].complete != b->resp[i].complete ||
            a->resp[i].partial != b->resp[i].partial ||
            a->resp[i].suppressed != b->resp[i].suppressed)
            fuzz_ingest_differ("responses");
    }
    for (i = 0; i < a->n_ans; i++) {
        fuzz_ingest_same_dims(&a->ans[i].d, &b->ans[i].d);
        fuzz_ingest_same_text(a->ans[i].question, b->ans[i].question, "q");
        fuzz_ingest_same_text(a->ans[i].element, b->ans[i].element, "el");
        fuzz_ingest_same_text(a->ans[i].answer, b->ans[i].answer, "a");
        if (a->ans[i].partial != b->ans[i].partial ||
            a->ans[i].n != b->ans[i].n)
            fuzz_ingest_differ("answers");
    }
    for (i = 0; i < a->n_el; i++) {
        fuzz_ingest_same_dims(&a->el[i].d, &b->el[i].d);
        fuzz_ingest_same_text(a->el[i].element, b->el[i].element, "el");
        if (a->el[i].partial != b->el[i].partial || a->el[i].n != b->el[i].n)
            fuzz_ingest_differ("elements");
    }
}

static void fuzz_ingest_same(const hub_upload_t *a, const hub_upload_t *b)
{
    size_t i;

    fuzz_ingest_same_text(a->install_id, b->install_id, "install_id");
    fuzz_ingest_same_text(a->upload_id, b->upload_id, "upload_id");
    if (a->upto_seq != b->upto_seq || a->format != b->format ||
        a->n_days != b->n_days || a->n_dos != b->n_dos ||
        a->has_heartbeat != b->has_heartbeat)
        fuzz_ingest_differ("upload");
    for (i = 0; i < a->n_days; i++) {
        const hub_day_t *x = &a->days[i], *y = &b->days[i];

        fuzz_ingest_same_text(x->day, y->day, "day");
        if (x->estimated != y->estimated ||
            x->has_elements != y->has_elements ||
            x->resp_first != y->resp_first || x->resp_n != y->resp_n ||
            x->ans_first != y->ans_first || x->ans_n != y->ans_n ||
            x->el_first != y->el_first || x->el_n != y->el_n)
            fuzz_ingest_differ("days");
    }
    fuzz_ingest_same_rows(a, b);
    for (i = 0; i < a->n_dos; i++)
        fuzz_ingest_same_text(a->dos[i].answers_json, b->dos[i].answers_json,
                              "dossiers");
    if (a->has_heartbeat &&
        (!json_equal((json_t *)a->heartbeat.obj, (json_t *)b->heartbeat.obj) ||
         (a->heartbeat.version == NULL) != (b->heartbeat.version == NULL)))
        fuzz_ingest_differ("heartbeat");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hub_upload_t up, tree;
    hub_problem_t pb, tree_pb;
    int rc, tree_rc;

    hub_problem_init(&pb);
    hub_problem_init(&tree_pb);
    rc = hub_ingest_parse((const char *)data, size, FUZZ_NOW_MS, &up, &pb);
    tree_rc = hub_ingest_parse_tree((const char *)data, size, FUZZ_NOW_MS,
                                    &tree, &tree_pb);
    if (rc != tree_rc)
        fuzz_ingest_differ(rc == 0 ? tree_pb.message : pb.message);
    if (rc == 0)
        fuzz_ingest_same(&up, &tree);
    else if (pb.kind != tree_pb.kind ||
             strcmp(pb.message, tree_pb.message) != 0)
        fuzz_ingest_differ(pb.message);
    hub_ingest_free(&up);
    hub_ingest_free(&tree);
    return 0;
}
