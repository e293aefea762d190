#include "hub/domain/stats_acc.h"

#include <stdlib.h>
#include <string.h>

#include "hub/base/intern.h"

struct hub_acc {
    hub_intern_t *texts, *groups, *questions, *cell_keys, *resp_keys,
        *el_keys;
    hub_acc_question_t *qs;
    size_t n_qs, cap_qs;
    hub_acc_cell_t *cells;
    size_t n_cells, cap_cells;
    hub_acc_resp_t *resps;
    size_t n_resps, cap_resps;
    hub_acc_elem_t *els;
    size_t n_els, cap_els;
    int sorted;
    int *text_rank, *group_rank, *group_order, *q_rank;
};

hub_acc_t *hub_acc_new(void)
{
    hub_acc_t *a = calloc(1, sizeof(*a));

    if (!a)
        return NULL;
    a->texts = hub_intern_new();
    a->groups = hub_intern_new();
    a->questions = hub_intern_new();
    a->cell_keys = hub_intern_new();
    a->resp_keys = hub_intern_new();
    a->el_keys = hub_intern_new();
    if (!a->texts || !a->groups || !a->questions || !a->cell_keys ||
        !a->resp_keys || !a->el_keys) {
        hub_acc_free(a);
        return NULL;
    }
    return a;
}

void hub_acc_free(hub_acc_t *a)
{
    if (!a)
        return;
    hub_intern_free(a->texts);
    hub_intern_free(a->groups);
    hub_intern_free(a->questions);
    hub_intern_free(a->cell_keys);
    hub_intern_free(a->resp_keys);
    hub_intern_free(a->el_keys);
    free(a->els);
    free(a->qs);
    free(a->cells);
    free(a->resps);
    free(a->text_rank);
    free(a->group_rank);
    free(a->group_order);
    free(a->q_rank);
    free(a);
}

/* Room for one more element of size in *v (count n, capacity *cap). */
static int hub_acc_grow(void **v, size_t n, size_t *cap, size_t size)
{
    size_t next;
    void *more;

    if (n < *cap)
        return 0;
    next = *cap ? 2 * *cap : 256;
    more = realloc(*v, next * size);
    if (!more)
        return -1;
    *v = more;
    *cap = next;
    return 0;
}

int hub_acc_intern(hub_acc_t *a, const char *text)
{
    return a->sorted ? -1 : hub_intern_put(a->texts, text, strlen(text));
}

const char *hub_acc_text(const hub_acc_t *a, int id)
{
    const char *t = hub_intern_get(a->texts, id, NULL);

    return t ? t : "";
}

int hub_acc_group(hub_acc_t *a, const char *key)
{
    return a->sorted ? -1 : hub_intern_put(a->groups, key, strlen(key));
}

const char *hub_acc_group_key(const hub_acc_t *a, int group)
{
    const char *t = hub_intern_get(a->groups, group, NULL);

    return t ? t : "";
}

int hub_acc_count_groups(const hub_acc_t *a)
{
    return hub_intern_count(a->groups);
}

int hub_acc_question(hub_acc_t *a, int instrument, int question, int element)
{
    int key[3] = {instrument, question, element}, id;

    if (a->sorted)
        return -1;
    id = hub_intern_put(a->questions, key, sizeof(key));
    if (id < 0 || (size_t)id < a->n_qs)
        return id;
    if (hub_acc_grow((void **)&a->qs, a->n_qs, &a->cap_qs, sizeof(*a->qs)) != 0)
        return -1;
    a->qs[a->n_qs].instrument = instrument;
    a->qs[a->n_qs].question = question;
    a->qs[a->n_qs].element = element;
    a->n_qs++;
    return id;
}

const hub_acc_question_t *hub_acc_get_question(const hub_acc_t *a, int q)
{
    return q >= 0 && (size_t)q < a->n_qs ? &a->qs[q] : NULL;
}

int hub_acc_add_answer(hub_acc_t *a, int group, int field, int question,
                       int answer, int64_t n, int64_t pn)
{
    int key[4] = {group, field, question, answer}, id;
    hub_acc_cell_t *c;

    if (a->sorted)
        return -1;
    id = hub_intern_put(a->cell_keys, key, sizeof(key));
    if (id < 0)
        return -1;
    if ((size_t)id < a->n_cells) {
        a->cells[id].n += n;
        a->cells[id].pn += pn;
        return 0;
    }
    if (hub_acc_grow((void **)&a->cells, a->n_cells, &a->cap_cells,
                     sizeof(*a->cells)) != 0)
        return -1;
    c = &a->cells[a->n_cells++];
    c->group = group;
    c->field = field;
    c->question = question;
    c->answer = answer;
    c->n = n;
    c->pn = pn;
    return 0;
}

int hub_acc_add_responses(hub_acc_t *a, int group, int instrument,
                          int64_t complete, int64_t partial, int64_t suppressed)
{
    int key[2] = {group, instrument}, id;
    hub_acc_resp_t *r;

    if (a->sorted)
        return -1;
    id = hub_intern_put(a->resp_keys, key, sizeof(key));
    if (id < 0)
        return -1;
    if ((size_t)id == a->n_resps) {
        if (hub_acc_grow((void **)&a->resps, a->n_resps, &a->cap_resps,
                         sizeof(*a->resps)) != 0)
            return -1;
        r = &a->resps[a->n_resps++];
        memset(r, 0, sizeof(*r));
        r->group = group;
        r->instrument = instrument;
    }
    r = &a->resps[id];
    r->complete += complete;
    r->partial += partial;
    r->suppressed += suppressed;
    return 0;
}

int hub_acc_add_element(hub_acc_t *a, const hub_acc_elem_t *e)
{
    int key[4] = {e->group, e->field, e->instrument, e->element}, id;
    hub_acc_elem_t *x;

    if (a->sorted)
        return -1;
    id = hub_intern_put(a->el_keys, key, sizeof(key));
    if (id < 0)
        return -1;
    if ((size_t)id == a->n_els) {
        if (hub_acc_grow((void **)&a->els, a->n_els, &a->cap_els,
                         sizeof(*a->els)) != 0)
            return -1;
        x = &a->els[a->n_els++];
        *x = *e;
        x->n = x->pn = x->approx = 0;
    }
    x = &a->els[id];
    x->n += e->n;
    x->pn += e->pn;
    x->approx += e->approx;
    return 0;
}

/* ---- ordering ----------------------------------------------------------- */

static int hub_acc_compare_text_ids(const void *x, const void *y, void *ctx)
{
    const hub_intern_t *t = ctx;

    return strcmp(hub_intern_get(t, *(const int *)x, NULL),
                  hub_intern_get(t, *(const int *)y, NULL));
}

/* rank[id] = position of id's text in text order; order gets the ids in
 * that order when not NULL. */
static int hub_acc_rank_texts(const hub_intern_t *t, int **rank_out,
                              int **order_out)
{
    int n = hub_intern_count(t), i;
    int *order = malloc(((size_t)n + 1) * sizeof(int));
    int *rank = malloc(((size_t)n + 1) * sizeof(int));

    if (!order || !rank) {
        free(order);
        free(rank);
        return -1;
    }
    for (i = 0; i < n; i++)
        order[i] = i;
    if (n > 0)
        qsort_r(order, (size_t)n, sizeof(int), hub_acc_compare_text_ids,
                (void *)t);
    for (i = 0; i < n; i++)
        rank[order[i]] = i;
    *rank_out = rank;
    if (order_out)
        *order_out = order;
    else
        free(order);
    return 0;
}

typedef struct hub_acc_qsort {
    const hub_acc_t *a;
    const int *element_rank; /* by question id */
} hub_acc_qsort_t;

static int hub_acc_compare_int(int x, int y)
{
    return (x > y) - (x < y);
}

static int hub_acc_compare_questions(const void *x, const void *y, void *ctx)
{
    const hub_acc_qsort_t *s = ctx;
    int i = *(const int *)x, j = *(const int *)y, c;
    const hub_acc_question_t *p = &s->a->qs[i], *q = &s->a->qs[j];
    const int *tr = s->a->text_rank;

    c = hub_acc_compare_int(tr[p->instrument], tr[q->instrument]);
    if (c == 0)
        c = hub_acc_compare_int(s->element_rank[i], s->element_rank[j]);
    if (c == 0)
        c = hub_acc_compare_int(tr[p->question], tr[q->question]);
    if (c == 0)
        c = hub_acc_compare_int(tr[p->element], tr[q->element]);
    return c;
}

static int hub_acc_rank_questions(hub_acc_t *a,
                                  int (*rank_of_element)(const char *))
{
    size_t i, n = a->n_qs;
    int *order = malloc((n + 1) * sizeof(int));
    int *erank = malloc((n + 1) * sizeof(int));
    hub_acc_qsort_t s = {a, erank};

    a->q_rank = malloc((n + 1) * sizeof(int));
    if (!order || !erank || !a->q_rank) {
        free(order);
        free(erank);
        return -1;
    }
    for (i = 0; i < n; i++) {
        order[i] = (int)i;
        erank[i] = rank_of_element
                       ? rank_of_element(hub_acc_text(a, a->qs[i].element))
                       : 0;
    }
    if (n > 0)
        qsort_r(order, n, sizeof(int), hub_acc_compare_questions, &s);
    for (i = 0; i < n; i++)
        a->q_rank[order[i]] = (int)i;
    free(order);
    free(erank);
    return 0;
}

static int hub_acc_compare_cells(const void *x, const void *y, void *ctx)
{
    const hub_acc_t *a = ctx;
    const hub_acc_cell_t *p = x, *q = y;
    int c =
        hub_acc_compare_int(a->group_rank[p->group], a->group_rank[q->group]);

    if (c == 0)
        c = hub_acc_compare_int(a->q_rank[p->question], a->q_rank[q->question]);
    if (c == 0)
        c = hub_acc_compare_int(a->text_rank[p->answer],
                                a->text_rank[q->answer]);
    if (c == 0)
        c = hub_acc_compare_int(a->text_rank[p->field], a->text_rank[q->field]);
    return c;
}

static int hub_acc_compare_resps(const void *x, const void *y, void *ctx)
{
    const hub_acc_t *a = ctx;
    const hub_acc_resp_t *p = x, *q = y;
    int c =
        hub_acc_compare_int(a->group_rank[p->group], a->group_rank[q->group]);

    if (c == 0)
        c = hub_acc_compare_int(a->text_rank[p->instrument],
                                a->text_rank[q->instrument]);
    return c;
}

static int hub_acc_compare_els(const void *x, const void *y, void *ctx)
{
    const hub_acc_t *a = ctx;
    const hub_acc_elem_t *p = x, *q = y;
    const int *tr = a->text_rank;
    int c =
        hub_acc_compare_int(a->group_rank[p->group], a->group_rank[q->group]);

    if (c == 0)
        c = hub_acc_compare_int(tr[p->instrument], tr[q->instrument]);
    if (c == 0)
        c = hub_acc_compare_int(tr[p->element], tr[q->element]);
    if (c == 0)
        c = hub_acc_compare_int(tr[p->field], tr[q->field]);
    return c;
}

int hub_acc_sort(hub_acc_t *a, int (*rank_of_element)(const char *element))
{
    if (a->sorted)
        return 0;
    if (hub_acc_rank_texts(a->texts, &a->text_rank, NULL) != 0 ||
        hub_acc_rank_texts(a->groups, &a->group_rank, &a->group_order) != 0 ||
        hub_acc_rank_questions(a, rank_of_element) != 0)
        return -1;
    if (a->n_cells > 0)
        qsort_r(a->cells, a->n_cells, sizeof(*a->cells), hub_acc_compare_cells,
                a);
    if (a->n_resps > 0)
        qsort_r(a->resps, a->n_resps, sizeof(*a->resps), hub_acc_compare_resps,
                a);
    if (a->n_els > 0)
        qsort_r(a->els, a->n_els, sizeof(*a->els), hub_acc_compare_els, a);
    a->sorted = 1;
    return 0;
}

const int *hub_acc_get_group_order(const hub_acc_t *a)
{
    return a->group_order;
}

const hub_acc_cell_t *hub_acc_get_cells(const hub_acc_t *a, size_t *n)
{
    *n = a->n_cells;
    return a->cells;
}

const hub_acc_resp_t *hub_acc_get_responses(const hub_acc_t *a, size_t *n)
{
    *n = a->n_resps;
    return a->resps;
}

const hub_acc_elem_t *hub_acc_find_elements(const hub_acc_t *a, int group,
                                            size_t *n)
{
    size_t lo = 0, hi = a->n_els, first;
    int rank;

    *n = 0;
    if (!a->sorted || group < 0 || group >= hub_intern_count(a->groups))
        return NULL;
    rank = a->group_rank[group];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (a->group_rank[a->els[mid].group] < rank)
            lo = mid + 1;
        else
            hi = mid;
    }
    first = lo;
    while (lo < a->n_els && a->els[lo].group == group)
        lo++;
    *n = lo - first;
    return *n ? &a->els[first] : NULL;
}

int hub_acc_compare_text(const hub_acc_t *a, int x, int y)
{
    return hub_acc_compare_int(a->text_rank[x], a->text_rank[y]);
}
